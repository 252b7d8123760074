"""The data dictionary is generated, complete, and committed as generated (issue 12, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from helpers import ingest

import warehouse.dictionary as dictionary
from cgt_atlas.cli import app
from warehouse.connect import connect_reader
from warehouse.dictionary import (
    COMMAND,
    OUTPUT,
    TEMPLATE,
    empty_warehouse_columns,
    generate,
    parse_header,
    problems,
    table_docs,
)


@pytest.fixture(scope="module")
def relations() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    return empty_warehouse_columns()


def test_committed_data_contract_is_the_generated_one() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == generate(), (
        f"{OUTPUT} is out of date with the models, schemas or template: run `{COMMAND}` and commit it"
    )


def test_every_table_view_and_column_has_a_meaning(relations) -> None:
    found = problems(table_docs(), relations, TEMPLATE.read_text(encoding="utf-8"))
    assert found == [], "document these where they are defined:\n" + "\n".join(found)
    assert {"trials", "pipeline_runs", "countries", "classifier_rules", "stg_trials", "mart_sponsors"} <= set(
        relations
    )


def test_a_column_nobody_documented_is_named(relations) -> None:
    docs = table_docs()
    mart = next(doc for doc in docs if doc.name == "mart_sponsors")
    del mart.columns["sponsor_rank"]
    found = problems(docs, relations, TEMPLATE.read_text(encoding="utf-8"))
    assert found == ["mart_sponsors.sponsor_rank: no meaning in warehouse/models/marts/mart_sponsors.sql"]


def test_a_documented_column_that_does_not_exist_is_an_error(relations) -> None:
    docs = table_docs()
    runs = next(doc for doc in docs if doc.name == "pipeline_runs")
    runs.columns["rows_dropped"] = "records dropped"
    trials = next(doc for doc in docs if doc.name == "trials")
    trials.columns["sponsor_country"] = "the lead sponsor's country"
    found = problems(docs, relations, TEMPLATE.read_text(encoding="utf-8"))
    assert found == [
        "pipeline_runs.rows_dropped: documented in warehouse/ddl/010_core.sql but not in the warehouse",
        "trials.sponsor_country: documented in schemas/trials.py but not in the warehouse",
    ]


def test_a_table_with_no_grain_or_no_place_is_named(relations) -> None:
    docs = table_docs()
    next(doc for doc in docs if doc.name == "trial_links").prose = []
    template = TEMPLATE.read_text(encoding="utf-8").replace(" mart_supply_routes ", " ")
    found = problems(docs, relations, template)
    assert "mart_supply_routes: not placed in docs/templates/data-contract.md" in found[0]
    assert any(line.startswith("trial_links: no grain") for line in found)


def test_header_format() -> None:
    prose, columns, same_as = parse_header(
        [
            "Grain: one row per thing.",
            "More about it.",
            "Columns:",
            "  *: as in `things`",
            "  a, b: the two",
            "  c: a long meaning",
            "    continued",
        ]
    )
    assert prose == ["Grain: one row per thing.", "More about it."]
    assert columns == {"a": "the two", "b": "the two", "c": "a long meaning continued"}
    assert same_as == "things"
    with pytest.raises(ValueError, match="not a column line"):
        parse_header(["Columns:", "a: not indented"])


def test_check_command_fails_on_a_stale_file_and_names_the_command(tmp_path, monkeypatch) -> None:
    stale = tmp_path / "data-contract.md"
    stale.write_text("# hand-edited\n", encoding="utf-8")
    monkeypatch.setattr(dictionary, "OUTPUT", stale)
    runner = CliRunner()
    result = runner.invoke(app, ["docs", "data-contract", "--check"])
    assert result.exit_code == 1
    assert "error:" in result.output and "is out of date" in result.output
    assert f"next: run: {COMMAND}" in result.output
    assert stale.read_text(encoding="utf-8") == "# hand-edited\n"  # --check changes nothing
    result = runner.invoke(app, ["docs", "data-contract"])
    assert result.exit_code == 0 and "wrote" in result.output
    assert runner.invoke(app, ["docs", "data-contract", "--check"]).exit_code == 0


def test_a_load_writes_the_meanings_into_the_warehouse(tmp_path: Path) -> None:
    """Analysts see the dictionary where they query: duckdb_columns(), duckdb_tables(), duckdb_views()."""
    replay = tmp_path / "replay" / "ctgov"
    replay.mkdir(parents=True)
    (replay / "page-0001.json").write_bytes((FIXTURES / "ctgov" / "edge_cases.json").read_bytes())
    db = tmp_path / "atlas.duckdb"
    ingest(replay.parent, db)
    con = connect_reader(db)
    try:
        column = con.sql(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'trials' AND column_name = 'trial_id'"
        ).fetchall()
        table = con.sql("SELECT comment FROM duckdb_tables() WHERE table_name = 'mart_sponsors'").fetchall()
        view = con.sql("SELECT comment FROM duckdb_views() WHERE view_name = 'stg_trials'").fetchall()
        blank = con.sql(
            "SELECT count(*) FROM duckdb_columns() WHERE NOT internal AND coalesce(comment, '') = ''"
        ).fetchall()
    finally:
        con.close()
    assert column == [("the registry's own id (NCT number for ClinicalTrials.gov)",)]
    assert table[0][0].startswith("one row per region x lead organisation")
    assert view[0][0].startswith("one row per trial")
    assert blank == [(0,)]
