"""Reproducible builds: the same input gives the same marts, row for row and byte for byte.

An aggregate that takes values in the order rows arrive (string_agg or list without ORDER BY,
any_value, mode, arg_min on a key with ties) gives another answer when DuckDB runs with another
number of threads or reads the staged files in another order. These tests build the replay twice
with different thread counts, rebuild the models on inputs stored in reverse order, and read the
model SQL for such aggregates.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import PROJECT_ROOT, shared_path
from registry_helpers import load_replay

from cgt_atlas import pipeline
from cgt_atlas.cli import app
from cgt_atlas.landing import new_run_id
from cgt_atlas.publish import export_marts
from warehouse.load import build_models, connect_writer, load_runs, model_files

SOURCES = ("ctgov", "euctr", "ictrp", "ema", "curated")
MODEL_TABLES = [path.stem for kind, path in model_files() if kind == "TABLE"]
NOT_COMPARED = {"pipeline_runs"}  # run ids and clock times: different on every run by design
RUN_COLUMNS = {"run_id", "quarantined_at"}


def _build(replay: Path, folder: Path, threads: int) -> Path:
    """The replay through the flow's steps (no Prefect), DuckDB on `threads` threads, one page a chunk."""
    real_connect = duckdb.connect

    def connect(
        database: Any = ":memory:", read_only: bool = False, config: dict | None = None, **kwargs: Any
    ) -> duckdb.DuckDBPyConnection:
        config = dict(config or {})
        if not read_only:  # a sealed reader's settings are locked; builds only write
            config["threads"] = threads
        return real_connect(database, read_only=read_only, config=config, **kwargs)

    db = folder / "atlas.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CGT_ATLAS_DATA", str(folder / "data"))
        patch.setattr(duckdb, "connect", connect)
        load_replay(replay, db, list(SOURCES), new_run_id(), chunk_pages=1)
    return db


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    replay = shared_path("replay")
    yield (
        _build(replay, tmp_path_factory.mktemp("one_thread"), threads=1),
        _build(replay, tmp_path_factory.mktemp("four_threads"), threads=4),
    )


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
        if name not in NOT_COMPARED
    ]


def _contents(db: Path, tables: list[str] | None = None) -> dict[str, tuple[list[tuple], list[tuple]]]:
    """Per table: its rows sorted (what it holds) and as stored (what an export writes), run ids left out."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in tables or _tables(con):
            columns = [c for c in con.table(table).columns if c not in RUN_COLUMNS]
            select = "SELECT " + ", ".join(f'"{c}"' for c in columns) + f" FROM {table}"
            out[table] = (con.sql(select + " ORDER BY ALL").fetchall(), con.sql(select).fetchall())
        return out
    finally:
        con.close()


def _differences(first: dict, second: dict, *, stored_order_of: list[str]) -> list[str]:
    assert first.keys() == second.keys()
    found = []
    for table in first:
        if first[table][0] != second[table][0]:
            changed = len(set(first[table][0]) ^ set(second[table][0]))
            found.append(f"{table}: {changed} rows differ")
        elif table in stored_order_of and first[table][1] != second[table][1]:
            found.append(f"{table}: same rows, stored in another order")
    return found


def test_two_builds_of_the_same_replay_hold_the_same_rows(builds: tuple[Path, Path]) -> None:
    one, four = builds
    assert _differences(_contents(one), _contents(four), stored_order_of=MODEL_TABLES) == []


PER_RUN_PROVENANCE = re.compile(rb"cgt_atlas\.(run_id|built_at|exported_at|source\..*)")
"""Provenance keys that name the run or its clock times: different for every build by design."""


def _data_pages(path: Path) -> bytes:
    """A Parquet file without its footer (the footer holds the schema and key-value metadata)."""
    data = path.read_bytes()
    footer_length = int.from_bytes(data[-8:-4], "little")
    return data[: len(data) - 8 - footer_length]


def test_two_builds_of_the_same_replay_export_byte_identical_parquet(
    builds: tuple[Path, Path], tmp_path: Path
) -> None:
    """Byte-identical data pages, and the same metadata but for the run id and its times."""
    one, four = builds
    first = export_marts(one, tmp_path / "one")
    second = export_marts(four, tmp_path / "four")
    assert first["tables"] == second["tables"]
    for table in first["tables"].values():
        name = table["file"]
        assert _data_pages(tmp_path / "one" / name) == _data_pages(tmp_path / "four" / name), name
        schemas = [pq.read_schema(tmp_path / folder / name) for folder in ("one", "four")]
        kept = [
            {key: value for key, value in schema.metadata.items() if not PER_RUN_PROVENANCE.fullmatch(key)}
            for schema in schemas
        ]
        assert kept[0] == kept[1], name
        assert schemas[0].remove_metadata() == schemas[1].remove_metadata(), name


def test_models_do_not_depend_on_the_order_their_inputs_are_stored_in(
    builds: tuple[Path, Path], tmp_path: Path
) -> None:
    original = builds[0]
    reversed_db = tmp_path / "reversed.duckdb"
    shutil.copy(original, reversed_db)
    con = connect_writer(reversed_db)
    try:
        inputs = [table for table in _tables(con) if table not in MODEL_TABLES]
        con.execute("BEGIN TRANSACTION")
        for table in inputs:
            con.execute(f"CREATE TEMP TABLE flipped AS SELECT * FROM {table} ORDER BY rowid DESC")
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT * FROM flipped")
            con.execute("DROP TABLE flipped")
        build_models(con)
        con.execute("COMMIT")
    finally:
        con.close()
    differences = _differences(
        _contents(original, MODEL_TABLES), _contents(reversed_db, MODEL_TABLES), stored_order_of=MODEL_TABLES
    )
    assert differences == []


# --- the SQL itself ----------------------------------------------------------------------------------

SQL_FILES = sorted(
    [
        *(PROJECT_ROOT / "warehouse" / "models").rglob("*.sql"),
        *(PROJECT_ROOT / "warehouse" / "rules").glob("*.sql"),
        *(PROJECT_ROOT / "warehouse" / "ddl").glob("*.sql"),
        *(PROJECT_ROOT / "cgt_atlas" / "sources").rglob("*.sql"),
    ]
)
ORDER_TAKING = re.compile(
    r"\b(string_agg|group_concat|listagg|array_agg|list|json_group_array|json_group_object)\s*\(", re.I
)
ANY_ROW = re.compile(r"\b(any_value|arbitrary|first|last|mode)\s*\(", re.I)


def _calls(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """(name, argument text) of every call pattern names, parentheses matched."""
    for match in pattern.finditer(text):
        depth, end = 1, match.end()
        while depth and end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        yield match.group(1), text[match.end() : end - 1]


def test_sql_aggregates_that_depend_on_row_order_name_their_order() -> None:
    assert SQL_FILES
    problems = []
    for path in SQL_FILES:
        text = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        where = path.relative_to(PROJECT_ROOT)
        for name, arguments in _calls(text, ORDER_TAKING):
            if not re.search(r"\bORDER\s+BY\b", arguments, re.I):
                problems.append(f"{where}: {name}({' '.join(arguments.split())[:60]}...) has no ORDER BY")
        for name, arguments in _calls(text, ANY_ROW):
            problems.append(f"{where}: {name}({' '.join(arguments.split())[:60]}) takes whichever row comes")
    assert problems == []


# --- what a run leaves behind -------------------------------------------------------------------------


def _left_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def _stage_and_load(replay: Path, db: Path, run_id: str) -> None:
    """The flow's steps without Prefect, inside the pipeline's staging area as the flow runs them."""
    with pipeline.staging_area(run_id, ["ctgov"]):
        landed = pipeline.find_replay("ctgov", replay)
        assert landed is not None
        summaries = [
            pipeline.stage_one_chunk("ctgov", run_id, pages, number)
            for number, pages in enumerate(pipeline.chunks(landed.pages, 1), start=1)
        ]
        assert _left_in(pipeline.staged_folder("ctgov", run_id)), "the load needs the staged files"
        load_runs(db, [pipeline.summarise_run(landed, run_id, pipeline.now_iso(), False, summaries)])


def test_a_loaded_run_leaves_no_staged_files(isolated_data: Path, tmp_path: Path) -> None:
    _stage_and_load(shared_path("replay"), tmp_path / "atlas.duckdb", new_run_id())
    assert _left_in(isolated_data / "staged") == []
    assert (tmp_path / "atlas.duckdb").exists()


def test_a_failed_load_leaves_no_staged_files_either(
    isolated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_models(con: duckdb.DuckDBPyConnection) -> None:
        raise RuntimeError("a model failed")

    monkeypatch.setattr("warehouse.load.build_models", broken_models)
    with pytest.raises(RuntimeError, match="a model failed"):
        _stage_and_load(shared_path("replay"), tmp_path / "atlas.duckdb", new_run_id())
    assert _left_in(isolated_data / "staged") == []


def test_refresh_drops_the_staged_files_and_keeps_its_input(isolated_data: Path, tmp_path: Path) -> None:
    """Through the CLI and the Prefect flow: staged files go; the warehouse and the pages read stay."""
    db = tmp_path / "atlas.duckdb"
    replay = shared_path("replay")
    before = _left_in(replay)
    result = CliRunner().invoke(
        app, ["refresh", "--replay", str(replay), "--source", "ctgov", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert _left_in(isolated_data / "staged") == []
    assert _left_in(replay) == before
    assert db.exists()
