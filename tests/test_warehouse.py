"""Loading: idempotent reruns, changed records, quarantine, atomic failure, one writer."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, shared_path
from helpers import counts, ingest, scalar

import warehouse.load
from cgt_atlas.errors import WarehouseBusy
from warehouse.load import connect_writer, latest_watermark

TABLES = ("trials", "trial_sites", "trial_interventions", "trial_conditions", "trial_sponsors", "trial_ids")


def replay_dir(tmp_path: Path, *pages: Path) -> Path:
    """A DIR/ctgov/ replay folder holding these pages, in this order."""
    folder = tmp_path / "replay" / "ctgov"
    folder.mkdir(parents=True)
    for number, page in enumerate(pages, start=1):
        shutil.copy(page, folder / f"page-{number:04d}.json")
    return folder.parent


def table_digest(db: Path, table: str) -> str:
    return scalar(db, f"SELECT bit_xor(hash(COLUMNS(* EXCLUDE (run_id)))) FROM {table}")


def test_replay_loads_and_a_rerun_changes_nothing_but_pipeline_runs(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    first = ingest(shared_path("replay"), db)
    assert first == {"changed": 2274, "loaded": 2274}
    before = counts(db, *TABLES)
    digests = {table: table_digest(db, table) for table in TABLES}
    assert before["trials"] == 2274 and before["trial_sites"] == 8197
    assert scalar(db, "SELECT count(*) FROM trial_sites WHERE region IS NULL") == 0
    second = ingest(shared_path("replay"), db)
    assert second == {"changed": 0, "loaded": 2274}
    assert counts(db, *TABLES) == before
    assert {table: table_digest(db, table) for table in TABLES} == digests
    assert scalar(db, "SELECT count(*) FROM pipeline_runs") == 2
    assert scalar(db, "SELECT list(rows_changed ORDER BY finished_at) FROM pipeline_runs") == [2274, 0]
    assert scalar(db, "SELECT count(*) FROM mart_regional_activity") > 0


def test_a_changed_record_replaces_its_rows(tmp_path: Path) -> None:
    studies = shared_path("samples", "ctgov", "v2_study")
    db = tmp_path / "atlas.duckdb"
    ingest(replay_dir(tmp_path / "v1", studies / "aact__NCT02552212_versionHolder-2023-12-12.json"), db)
    sites_before = counts(db, "trial_sites")["trial_sites"]
    result = ingest(
        replay_dir(tmp_path / "v2", studies / "aact__NCT02552212_versionHolder-2024-01-03.json"), db
    )
    assert result["loaded"] == 1
    assert counts(db, "trials", "trial_sites") == {"trials": 1, "trial_sites": sites_before}
    assert scalar(db, "SELECT count(DISTINCT run_id) FROM pipeline_runs") == 2


def test_the_latest_copy_of_a_study_seen_twice_wins(tmp_path: Path) -> None:
    edge = json.loads((FIXTURES / "ctgov" / "edge_cases.json").read_text())
    older = {"studies": [edge["studies"][1]], "totalCount": 2, "nextPageToken": "t2"}
    newer_study = json.loads(json.dumps(edge["studies"][1]))
    newer_study["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    newer = {"studies": [newer_study]}
    (tmp_path / "a.json").write_text(json.dumps(older))
    (tmp_path / "b.json").write_text(json.dumps(newer))
    db = tmp_path / "atlas.duckdb"
    ingest(replay_dir(tmp_path, tmp_path / "a.json", tmp_path / "b.json"), db, chunk_pages=1)
    assert counts(db, "trials")["trials"] == 1
    assert scalar(db, "SELECT overall_status FROM trials") == "COMPLETED"


def test_quarantine_keeps_failures_with_reasons_and_reruns_do_not_duplicate(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    pages = replay_dir(tmp_path, FIXTURES / "ctgov" / "edge_cases.json")
    ingest(pages, db)
    rows = scalar(
        db,
        "SELECT list((table_name, record_key, check_name, failure_value) ORDER BY table_name, record_key) "
        "FROM quarantine",
    )
    assert [(table, key, value) for table, key, _check, value in rows] == [
        ("trial_sites", "NCT09900001|2", "Atlantis"),
        ("trial_sites", "NCT09900003|1", "NCT09900003"),
        ("trials", "NCT09900003", "PHASE5"),
    ]
    assert scalar(db, "SELECT rows_quarantined FROM pipeline_runs") == 3
    ingest(pages, db)
    assert counts(db, "quarantine", "trials") == {"quarantine": 3, "trials": 2}


def test_a_fixed_record_leaves_quarantine(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    ingest(replay_dir(tmp_path / "bad", FIXTURES / "ctgov" / "edge_cases.json"), db)
    fixed = json.loads((FIXTURES / "ctgov" / "edge_cases.json").read_text())
    fixed["studies"][0]["protocolSection"]["contactsLocationsModule"]["locations"][1]["country"] = "Greece"
    (tmp_path / "fixed.json").write_text(json.dumps(fixed))
    ingest(replay_dir(tmp_path / "good", tmp_path / "fixed.json"), db)
    assert scalar(db, "SELECT count(*) FROM quarantine WHERE entity_key = 'NCT09900001'") == 0
    assert scalar(db, "SELECT count(*) FROM trial_sites WHERE trial_id = 'NCT09900001'") == 3


def test_a_failure_mid_load_leaves_the_warehouse_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "atlas.duckdb"
    ingest(replay_dir(tmp_path / "one", FIXTURES / "ctgov" / "edge_cases.json"), db)
    before = counts(db, *TABLES, "quarantine", "pipeline_runs")

    def broken_models(con) -> None:
        raise RuntimeError("disk full while building marts")

    monkeypatch.setattr(warehouse.load, "build_models", broken_models)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest(shared_path("replay"), db)
    assert counts(db, *TABLES, "quarantine", "pipeline_runs") == before


def test_a_failed_first_load_leaves_no_warehouse_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "atlas.duckdb"
    monkeypatch.setattr(warehouse.load, "build_models", lambda con: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        ingest(replay_dir(tmp_path, FIXTURES / "ctgov" / "edge_cases.json"), db)
    assert not db.exists()


def test_a_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseBusy, match="another process holds the warehouse"):
            connect_writer(db)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    connect_writer(db).close()


def test_watermark_is_the_newest_update_seen(tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    assert latest_watermark(db, "ctgov") is None
    ingest(shared_path("replay"), db)
    assert latest_watermark(db, "ctgov") == "2026-08-21"
    ingest(replay_dir(tmp_path, FIXTURES / "ctgov" / "edge_cases.json"), db)
    assert latest_watermark(db, "ctgov") == "2026-08-21", "an older run never moves it back"
