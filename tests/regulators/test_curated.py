"""The curated seed: every row validates and carries its source URL; replays read it in place."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from cgt_atlas import pipeline
from cgt_atlas.sources import curated
from cgt_atlas.staging import split_valid


def _validate(pages: list[Path]) -> dict[str, tuple[int, list[dict]]]:
    parsed = curated.parse(duckdb.connect(), pages)
    results = {}
    for table, relation in parsed.tables.items():
        valid, rejected = split_valid(table, relation.pl(), "curated", "test", "record_id")
        results[table] = (len(valid), rejected.to_dicts())
    return results


def test_the_project_seed_validates_and_every_row_has_a_source_url() -> None:
    pages = curated.default_pages()
    assert [p.name for p in pages] == ["approvals_curated.csv"]
    results = _validate(pages)
    assert all(not rejected for _, rejected in results.values()), results
    with pages[0].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert results["regulatory_records"][0] == len(rows)
    assert all(row["source_url"].startswith("https://") for row in rows), "a public https page per row"


def test_a_row_without_a_source_url_is_quarantined(tmp_path: Path) -> None:
    seed = curated.default_pages()[0]
    lines = seed.read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(lines))
    rows[0]["source_url"] = ""
    broken = tmp_path / "approvals_curated.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    results = _validate([broken])
    loaded, rejected = results["regulatory_records"]
    assert loaded == len(rows) - 1
    assert [r["check_name"] for r in rejected] == ["source_url:not_nullable"]
    assert rejected[0]["entity_key"] == "curated:FDA:kymriah"
    approvals_loaded, approvals_rejected = results["approvals"]
    assert approvals_loaded == len(rows) - 1
    assert [r["check_name"] for r in approvals_rejected] == ["source_url:not_nullable"]


def test_a_replay_without_a_curated_folder_reads_the_project_seed(tmp_path: Path) -> None:
    landed = pipeline.find_replay("curated", tmp_path)
    assert landed is not None and landed.mode == "seed"
    assert [Path(p).name for p in landed.pages] == ["approvals_curated.csv"]
    assert pipeline.find_replay("ema", tmp_path) is None  # other sources are still skipped


def test_issue_19_approvals_are_in_each_with_the_sentence_that_states_it() -> None:
    """Each added fact carries its https page and the page's own sentence; statuses are the sources'."""
    with curated.default_pages()[0].open(encoding="utf-8") as handle:
        rows = {(row["agency"], row["record_key"]): row for row in csv.DictReader(handle)}
    added = {
        ("FDA", "zevaskyn"): "2025-04-29",
        ("FDA", "papzimeos"): "2025-08-14",
        ("MHRA", "aucatzyl"): "2025-04-25",
        ("MFDS", "invossa"): "2017-07",
        ("NMPA", "gendicine"): "2003-10-16",
        ("NMPA", "oncorine"): "2005-11",
        ("NMPA", "amimestrocel"): "2025-01-02",
        ("CDSCO", "nexcar19"): "2023-10",
    }
    for key, date in added.items():
        row = rows[key]
        assert row["decision_date"] == date and row["source_url"].startswith("https://"), key
        assert len(row["quote"]) > 40, f"{key}: the sentence that states it"
    assert rows[("MFDS", "invossa")]["status"] == "revoked"
    assert {row["status"] for row in rows.values()} - {"unknown"}, "curated rows carry a status"
    parsed = curated.parse(duckdb.connect(), curated.default_pages())
    [(note,)] = (
        parsed.tables["regulatory_records"]
        .filter("record_id = 'curated:CDSCO:nexcar19'")
        .select("note")
        .fetchall()
    )
    assert note.startswith('the page: "Immunoadoptive Cell Therapy')
