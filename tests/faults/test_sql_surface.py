"""The read surface: `cgt-atlas sql` and every other reader see the warehouse and nothing else.

A query typed by a user runs on the sealed reader (warehouse.load.connect_reader), so it cannot
write the warehouse or any file, read other files, attach databases, fetch or load extensions,
or set those limits back. Exports are written by the project itself, only where asked.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from helpers import small_warehouse

from cgt_atlas.cli import app
from cgt_atlas.publish import export_marts
from warehouse.load import connect_reader

REFUSED = "cgt-atlas sql only reads the warehouse"


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small warehouse (two fixture trials, every model built) in its own folder."""
    folder = tmp_path_factory.mktemp("surface")
    return small_warehouse(folder, folder / "warehouse" / "atlas.duckdb")


def _snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file under roots with its size and modification time: what an attack must not touch."""
    return {
        str(path): (path.stat().st_size, path.stat().st_mtime_ns)
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the warehouse with one file a query must not read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.csv").write_text("token\nsecret-value\n", encoding="utf-8")
    return folder


ATTACKS = {
    "copy to a file": "COPY trials TO '{out}/trials.csv'",
    "copy a query to parquet": "COPY (SELECT * FROM trials) TO '{out}/trials.parquet' (FORMAT parquet)",
    "export database": "EXPORT DATABASE '{out}/dump'",
    "read_text of a system file": "SELECT * FROM read_text('/etc/passwd')",
    "read_csv of another file": "SELECT * FROM read_csv('{out}/secret.csv')",
    "a file named as a table": "SELECT * FROM '{out}/secret.csv'",
    "read_blob": "SELECT * FROM read_blob('{out}/secret.csv')",
    "glob of the file system": "SELECT * FROM glob('/*')",
    "attach another database": "ATTACH '{out}/other.duckdb' AS other",
    "install an extension": "INSTALL httpfs",
    "load an extension": "LOAD httpfs",
    "a remote file": "SELECT * FROM read_parquet('https://example.invalid/x.parquet')",
    "a function of an unloaded extension": "SELECT * FROM sqlite_scan('{out}/other.db', 't')",
    "set external access back on": "SET enable_external_access = true",
    "unlock the configuration": "SET lock_configuration = false",
    "widen the allowed directories": "SET allowed_directories = ['/']",
    "turn autoinstall back on": "SET autoinstall_known_extensions = true",
    "delete rows": "DELETE FROM trials",
    "create a table": "CREATE TABLE stolen AS SELECT 1 AS x",
    "a write after a select": "SELECT 1; COPY trials TO '{out}/after.csv'",
}


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=list(ATTACKS))
def test_sql_refuses_everything_but_reading_the_warehouse(
    attack: str, warehouse_db: Path, outside: Path
) -> None:
    before = _snapshot(outside, warehouse_db.parent)
    result = CliRunner().invoke(app, ["sql", attack.format(out=outside), "--db", str(warehouse_db)])
    assert result.exit_code == 1, result.output
    assert f"error: {REFUSED}: " in result.output
    assert "next: " in result.output and "cgt-atlas export DIR" in result.output
    assert "secret-value" not in result.output
    assert _snapshot(outside, warehouse_db.parent) == before


def test_a_mistake_in_a_query_is_not_called_a_refusal(warehouse_db: Path) -> None:
    result = CliRunner().invoke(app, ["sql", "select * from no_such_table", "--db", str(warehouse_db)])
    assert result.exit_code == 1
    assert "no_such_table" in result.output and REFUSED not in result.output


@pytest.mark.parametrize(
    "query",
    [
        "select trial_id from trials order by trial_id",
        "describe trials",
        "show tables",
        "select count(*) from mart_regional_activity",
        "select * from query_table('trial_sites') limit 1",
    ],
)
def test_sql_still_reads_tables_views_and_marts(query: str, warehouse_db: Path) -> None:
    result = CliRunner().invoke(app, ["sql", query, "--db", str(warehouse_db), "-f", "csv"])
    assert result.exit_code == 0, result.output


def test_the_reader_is_sealed_and_locked(warehouse_db: Path) -> None:
    con = connect_reader(warehouse_db)
    try:
        settings = dict(
            con.sql(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', "
                "'autoinstall_known_extensions', 'autoload_known_extensions', 'lock_configuration', "
                "'access_mode')"
            ).fetchall()
        )
    finally:
        con.close()
    assert settings == {
        "enable_external_access": "false",
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "lock_configuration": "true",
        "access_mode": "read_only",
    }


def test_status_and_report_work_on_the_sealed_reader(warehouse_db: Path, tmp_path: Path) -> None:
    status = CliRunner().invoke(app, ["status", "--db", str(warehouse_db), "-f", "csv"])
    assert status.exit_code == 0, status.output
    assert "trials,2" in status.output
    report = CliRunner().invoke(app, ["report", "--db", str(warehouse_db), "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.output
    assert (tmp_path / "r.html").stat().st_size > 0


def test_export_writes_each_mart_itself_and_only_into_the_folder_asked(
    warehouse_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports"
    before = _snapshot(warehouse_db.parent)
    result = CliRunner().invoke(app, ["export", str(out), "--db", str(warehouse_db)])
    assert result.exit_code == 0, result.output
    assert _snapshot(warehouse_db.parent) == before
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = {path.name for path in tmp_path.rglob("*") if path.is_file()}
    assert files == {"manifest.json"} | {table["file"] for table in manifest["tables"].values()}
    con = connect_reader(warehouse_db)
    try:
        for name, table in manifest["tables"].items():
            assert table["file"] == f"{name}.parquet"
            written = pq.read_table(out / table["file"])
            assert written.num_rows == table["rows"], name
            assert written.column_names == table["columns"] == con.table(name).columns, name
            in_warehouse = con.sql(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
            assert duckdb.sql("SELECT * FROM written ORDER BY ALL").fetchall() == in_warehouse, name
    finally:
        con.close()


def test_export_replaces_an_earlier_export_whole(warehouse_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    first = export_marts(warehouse_db, out)
    second = export_marts(warehouse_db, out)
    assert first["tables"] == second["tables"]
    assert not list(out.glob("*.partial"))
