"""The command line: --help that teaches, sql in three formats, status, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from helpers import ingest

from cgt_atlas.cli import app


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    replay = folder / "replay" / "ctgov"
    replay.mkdir(parents=True)
    (replay / "page-0001.json").write_bytes((FIXTURES / "ctgov" / "edge_cases.json").read_bytes())
    db = folder / "atlas.duckdb"
    ingest(replay.parent, db)
    return db


def test_help_names_every_command_with_examples() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("refresh", "sql", "status", "sources", "serve"):
        assert command in result.output
    assert "--replay ../shared/replay" in result.output
    refresh_help = CliRunner().invoke(app, ["refresh", "--help"]).output
    assert "--source" in refresh_help and "--full" in refresh_help and "Examples" in refresh_help


def test_sql_prints_csv_json_and_tables(warehouse_db: Path) -> None:
    runner = CliRunner()
    query = "select trial_id, phase from trials order by trial_id"
    csv_out = runner.invoke(app, ["sql", query, "--db", str(warehouse_db), "-f", "csv"]).output
    assert csv_out.splitlines() == ["trial_id,phase", "NCT09900001,PHASE1/PHASE2", "NCT09900002,"]
    json_out = json.loads(runner.invoke(app, ["sql", query, "--db", str(warehouse_db), "-f", "json"]).output)
    assert json_out[0] == {"trial_id": "NCT09900001", "phase": "PHASE1/PHASE2"}
    table_out = runner.invoke(app, ["sql", query, "--db", str(warehouse_db)]).output
    assert "NCT09900001" in table_out


def test_sql_is_read_only(warehouse_db: Path) -> None:
    result = CliRunner().invoke(app, ["sql", "delete from trials", "--db", str(warehouse_db)])
    assert result.exit_code == 1
    assert "read-only" in result.output.lower()


def test_sql_without_a_warehouse_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sql", "select 1", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "no warehouse at" in result.output and "cgt-atlas refresh" in result.output


def test_status_shows_runs_counts_and_freshness(warehouse_db: Path) -> None:
    result = CliRunner().invoke(app, ["status", "--db", str(warehouse_db), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "ctgov" in result.output
    assert "trials,2" in result.output
    assert "quarantine,3" in result.output


def test_unknown_source_is_refused_before_any_work(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["refresh", "--source", "ctgvo", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1
    assert "unknown source ctgvo" in result.output and "ctgov" in result.output


def test_sources_lists_ctgov() -> None:
    assert "ctgov" in CliRunner().invoke(app, ["sources"]).output
