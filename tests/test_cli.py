"""The command line: --help that teaches, sql in three formats, status that fits 80 columns, clear errors."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import query, small_warehouse

from cgt_atlas.cli import app
from cgt_atlas.status_view import human_age, short_run_id


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_warehouse(tmp_path_factory.mktemp("cli"))


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


@pytest.mark.parametrize("command", sorted(app.commands))
def test_every_command_help_has_examples(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    examples = result.output.split("Examples:", 1)
    assert len(examples) == 2, f"{command} --help has no Examples: block"
    assert f"cgt-atlas {command}" in examples[1]


@pytest.mark.parametrize("command", ["", *sorted(app.commands)])
def test_help_fits_80_columns(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"] if command else ["--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    wide = [line for line in result.output.splitlines() if len(line) > 80]
    assert not wide, "\n".join(wide)


def test_status_reads_well_at_80_columns(warehouse_db: Path) -> None:
    result = CliRunner().invoke(app, ["status", "--db", str(warehouse_db)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(line for line in lines if len(line) > 80)
    header = next(line for line in lines if line.split()[:2] == ["source", "status"])
    assert "finished" in header and "loaded" in header and "quarantined" in header
    ctgov = next(line for line in lines if line.split()[:1] == ["ctgov"])
    # source, status, age, the two fixture trials loaded, their three quarantined rows
    assert re.match(r" ?ctgov +succeeded +(just now|\d+ (min|h|d) ago) +2 +3\b", ctgov), ctgov
    assert any(line.startswith("hidden at this width: ") for line in lines)
    assert any(line.split()[:2] == ["trials", "2"] for line in lines)


def test_sql_prints_a_table_too_wide_for_the_terminal_as_records(warehouse_db: Path) -> None:
    """A wide result at 80 columns reads as one record per block, not every cell folded to a sliver."""
    query_text = "select * from trials order by trial_id"
    result = CliRunner().invoke(app, ["sql", "--db", str(warehouse_db), query_text], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(line for line in lines if len(line) > 80)
    assert lines[0].startswith("-[ record 1 ]") and "rows as records" in lines[-1]
    assert any(re.match(r"trial_id +NCT\d{8}$", line) for line in lines)
    narrow = CliRunner().invoke(app, ["sql", "--db", str(warehouse_db), "select count(*) AS n from trials"])
    assert "record" not in narrow.output and "┃ n" in narrow.output  # a table that fits stays a table


def test_status_shows_every_column_where_there_is_room(warehouse_db: Path) -> None:
    wide = CliRunner().invoke(app, ["status", "--db", str(warehouse_db)], env={"COLUMNS": "200"}).output
    (run_id,) = query(warehouse_db, "SELECT run_id FROM pipeline_runs")[0]
    assert short_run_id(run_id) in wide and "hidden at this width" not in wide
    for header in ("mode", "run", "gate", "fetched", "changed", "newest record"):
        assert header in wide


def test_ages_read_as_a_person_says_them() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert human_age(now - timedelta(seconds=20), now) == "just now"
    assert human_age(now - timedelta(minutes=5), now) == "5 min ago"
    assert human_age(now - timedelta(hours=2, minutes=50), now) == "2 h ago"
    assert human_age(now - timedelta(days=3), now) == "3 d ago"
    assert human_age(now - timedelta(days=400), now) == "2025-10-28"
    assert human_age(None, now) == "never"
    assert short_run_id("20261202T065323096263Z") == "20261202T065323"


README_QUERIES = re.findall(
    r'cgt-atlas sql "(.*?)"', (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8"), re.S
)


@pytest.mark.parametrize("query_text", README_QUERIES, ids=lambda text: " ".join(text.split())[:40])
def test_every_query_the_readme_shows_runs(warehouse_db: Path, query_text: str) -> None:
    """A new user copies these first: a renamed column must fail here, not in their terminal."""
    result = CliRunner().invoke(app, ["sql", "--db", str(warehouse_db), "-f", "csv", query_text])
    assert result.exit_code == 0, result.output


def test_a_reader_that_stops_early_ends_the_command_quietly(warehouse_db: Path) -> None:
    """`cgt-atlas sql ... | head` is ordinary use: no error, no traceback, exit 141 like other Unix tools."""
    import shutil
    import subprocess

    command = shutil.which("cgt-atlas") or str(Path(sys.executable).parent / "cgt-atlas")
    process = subprocess.Popen(
        [command, "sql", "--db", str(warehouse_db), "-f", "csv", "select * from range(1000000)"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline() == b"range\n"
    process.stdout.close()  # the reader has what it wanted
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141, stderr
    assert stderr == ""


def test_explain_shows_why_a_trial_is_counted_as_it_is(warehouse_db: Path) -> None:
    (trial_id,) = query(warehouse_db, "SELECT trial_id FROM trials ORDER BY trial_id LIMIT 1")[0]
    result = CliRunner().invoke(app, ["explain", trial_id, "--db", str(warehouse_db)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    titles = ("the record", "classification", "registrations of the same trial", "how the marts count it")
    for title in titles:
        assert any(line.startswith(title) for line in lines), title
    (modality, rule) = query(
        warehouse_db,
        f"SELECT modality, modality_rule FROM trial_classification WHERE trial_id = '{trial_id}'",
    )[0]
    assert re.search(rf"^modality +{re.escape(modality)}$", result.output, re.M)
    assert re.search(rf"^modality_rule +{re.escape(rule)}$", result.output, re.M)
    as_json = CliRunner().invoke(app, ["explain", trial_id, "--db", str(warehouse_db), "-f", "json"])
    assert as_json.exit_code == 0 and f'"trial_id": "{trial_id}"' in as_json.output


def test_explain_an_unknown_trial_says_how_to_find_one(warehouse_db: Path) -> None:
    result = CliRunner().invoke(app, ["explain", "NCT00000000", "--db", str(warehouse_db)])
    assert result.exit_code == 1
    assert "no trial 'NCT00000000'" in result.output and "title ilike" in result.output
