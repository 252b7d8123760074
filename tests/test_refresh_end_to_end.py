"""The whole pipeline through the CLI and the Prefect flow: replay, live (HTTP mocked), offline.

The first test here starts Prefect's temporary local server (about 15 s, once per session).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_mock as rm
from click.testing import CliRunner
from conftest import shared_path
from helpers import counts, scalar

from cgt_atlas.cli import app
from cgt_atlas.errors import EXIT_TEMPFAIL
from cgt_atlas.sources.ctgov.settings import BASE_URL


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("CGT_ATLAS_MIN_INTERVAL", "0")
    return CliRunner()


def test_refresh_from_the_replay_builds_the_warehouse_and_reruns_cleanly(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = tmp_path / "atlas.duckdb"
    replay = str(shared_path("replay"))
    first = runner.invoke(app, ["refresh", "--replay", replay, "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "ctgov: 2274 records in 3 pages (replay)" in first.output
    ctgov_trials = "select count(*) from trials where source = 'ctgov'"
    query = runner.invoke(app, ["sql", ctgov_trials, "--db", str(db), "-f", "csv"])
    assert query.output.splitlines()[-1] == "2274"
    ctgov_sites = "SELECT count(*) FROM trial_sites JOIN trials USING (trial_id) WHERE source = 'ctgov'"
    assert scalar(db, ctgov_sites) == 8197
    assert scalar(db, "SELECT count(*) FROM trial_sites WHERE region IS NULL OR country_code IS NULL") == 0
    before = counts(db, "trials", "trial_sites", "approvals")
    again = runner.invoke(app, ["refresh", "--replay", replay, "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "ctgov: 2274 records in 3 pages (replay): 2274 valid, 0 new or changed" in again.output
    assert counts(db, "trials", "trial_sites", "approvals") == before
    assert scalar(db, "SELECT count(*) FROM pipeline_runs WHERE source = 'ctgov'") == 2


def test_refresh_of_one_source_gives_the_documented_counts(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    result = runner.invoke(
        app, ["refresh", "--replay", str(shared_path("replay")), "--source", "ctgov", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert counts(db, "trials", "trial_sites") == {"trials": 2274, "trial_sites": 8197}


def test_a_replay_folder_without_the_source_is_skipped_and_said(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty-snapshot").mkdir()
    db = tmp_path / "atlas.duckdb"
    result = runner.invoke(
        app, ["refresh", "--replay", str(tmp_path / "empty-snapshot"), "--source", "ctgov", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "ctgov: skipped" in result.output
    assert "warehouse is unchanged" in result.output
    assert not db.exists()


def test_live_refresh_lands_raw_pages_that_replay_to_the_same_warehouse(
    runner: CliRunner, tmp_path: Path, isolated_data: Path
) -> None:
    pages = sorted(shared_path("replay", "ctgov").glob("*.json"))
    by_token = {"replay-page-0002": pages[1], "replay-page-0003": pages[2]}

    def answer(request, context) -> bytes:
        token = parse_qs(urlsplit(request.url).query).get("pageToken", [None])[0]
        return (by_token[token] if token else pages[0]).read_bytes()

    live_db = tmp_path / "live.duckdb"
    with rm.Mocker() as mock:
        mock.get(BASE_URL, content=answer)
        live = runner.invoke(app, ["refresh", "--source", "ctgov", "--db", str(live_db)])
    assert live.exit_code == 0, live.output
    assert "(live)" in live.output
    (landed,) = (isolated_data / "raw" / "ctgov").iterdir()
    assert sorted(p.name for p in landed.iterdir()) == [
        "manifest.jsonl",
        "page-0001.json",
        "page-0002.json",
        "page-0003.json",
    ]
    replay_db = tmp_path / "replayed.duckdb"
    replayed = runner.invoke(app, ["refresh", "--replay", str(landed), "--db", str(replay_db)])
    assert replayed.exit_code == 0, replayed.output
    tables = ("trials", "trial_sites", "trial_interventions", "trial_conditions", "trial_sponsors")
    assert counts(replay_db, *tables) == counts(live_db, *tables)
    assert scalar(live_db, "SELECT mode FROM pipeline_runs") == "live"
    assert scalar(live_db, "SELECT watermark FROM pipeline_runs") == "2026-08-21"


def test_offline_refresh_fails_fast_naming_the_host_and_leaves_the_warehouse(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = tmp_path / "atlas.duckdb"
    assert (
        runner.invoke(app, ["refresh", "--replay", str(shared_path("replay")), "--db", str(db)]).exit_code
        == 0
    )
    before = counts(db, "trials", "trial_sites")
    with rm.Mocker() as mock:
        mock.get(BASE_URL, exc=requests.ConnectionError("[Errno -3] Temporary failure in name resolution"))
        result = runner.invoke(app, ["refresh", "--source", "ctgov", "--db", str(db)])
        attempts = mock.call_count
    assert result.exit_code == EXIT_TEMPFAIL, result.output  # the network: retry later
    assert "could not reach clinicaltrials.gov" in result.output
    assert "its last good data kept" in result.output
    assert "Traceback" not in result.output
    assert attempts == 3, "no Prefect retry on top of the client's own"
    assert counts(db, "trials", "trial_sites") == before
    assert scalar(
        db,
        "SELECT (status, retry_later) FROM pipeline_runs WHERE source = 'ctgov' "
        "ORDER BY finished_at DESC LIMIT 1",
    ) == ("failed", True)
