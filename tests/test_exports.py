"""Exports that travel: each Parquet or CSV file says where its data came from; the manifest lists them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from helpers import query, small_warehouse

from cgt_atlas.cli import app
from cgt_atlas.publish import PROVENANCE_PREFIX, export_marts, model_grain, write_csv, write_parquet


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small warehouse: the two ctgov fixture trials, every model built."""
    return small_warehouse(tmp_path_factory.mktemp("exports"))


def _expected(db: Path) -> dict[str, str]:
    (run_id,) = query(db, "SELECT arg_max(run_id, finished_at) FROM pipeline_runs")[0]
    (version,) = query(db, "SELECT max(rules_version) FROM classifier_rules")[0]
    return {"run_id": run_id, "classifier_rules_version": version}


def test_parquet_files_carry_their_provenance(warehouse_db: Path, tmp_path: Path) -> None:
    manifest = export_marts(warehouse_db, tmp_path)
    expected = _expected(warehouse_db)
    assert manifest["run_id"] == expected["run_id"] and manifest["format"] == "parquet"
    for name, table in manifest["tables"].items():
        path = tmp_path / table["file"]
        in_schema = {
            key.decode().removeprefix(PROVENANCE_PREFIX): value.decode()
            for key, value in pq.read_schema(path).metadata.items()
            if key.startswith(PROVENANCE_PREFIX.encode())
        }
        assert in_schema["table"] == name
        assert in_schema["run_id"] == expected["run_id"]
        assert in_schema["classifier_rules_version"] == expected["classifier_rules_version"]
        assert in_schema["exported_at"] == manifest["exported_at"]
        assert in_schema["built_at"] == manifest["built_at"]
        assert in_schema["grain"] == table["grain"] == model_grain(name) != "", name
        assert in_schema["source.ctgov"].startswith(f"replay run {expected['run_id']} finished ")
        assert PROVENANCE_PREFIX.encode() + b"run_id" in pq.read_metadata(path).metadata
        assert (table["format"], pq.read_metadata(path).num_rows) == ("parquet", table["rows"])
    trials = pq.read_schema(tmp_path / manifest["tables"]["mart_trials"]["file"])
    assert str(trials.field("start_date").type) == "date32[day]"
    assert str(trials.field("start_date_precision").type) in ("string", "large_string")
    sites = pq.read_schema(tmp_path / manifest["tables"]["mart_trial_sites"]["file"])
    assert str(sites.field("latitude").type) == "double"
    grain = manifest["tables"]["mart_regional_activity"]["grain"]
    assert grain == "one row per region x start year x phase x modality (NULLs: unknown year or phase)."


def test_csv_files_open_with_a_commented_header_and_read_back(warehouse_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", str(tmp_path), "--format", "csv", "--db", str(warehouse_db)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    expected = _expected(warehouse_db)
    assert manifest["format"] == "csv"
    assert {path.name for path in tmp_path.iterdir()} == {"manifest.json"} | {
        table["file"] for table in manifest["tables"].values()
    }
    for name, table in manifest["tables"].items():
        assert (table["file"], table["format"]) == (f"{name}.csv", "csv")
        path = tmp_path / table["file"]
        lines = path.read_text(encoding="utf-8").splitlines()
        header = dict(line[2:].split(": ", 1) for line in lines if line.startswith("# "))
        assert header["table"] == name and header["grain"] == table["grain"]
        assert header["run_id"] == expected["run_id"]
        assert header["classifier_rules_version"] == expected["classifier_rules_version"]
        assert "source.ctgov" in header and header["exported_at"] == manifest["exported_at"]
        first_data = len(header)
        assert not any(line.startswith("#") for line in lines[first_data:])
        assert lines[first_data].replace('"', "").split(",") == table["columns"]
        if table["rows"]:
            read = duckdb.read_csv(str(path), comment="#", header=True)
            assert read.columns == table["columns"], name
            assert len(read.fetchall()) == table["rows"], name
    sample = duckdb.read_csv(str(tmp_path / "mart_regional_activity.csv"), comment="#", header=True)
    by_region = "SELECT region, sum(trials_started) FROM {} GROUP BY 1 ORDER BY 1"
    assert sample.query("sample", by_region.format("sample")).fetchall() == query(
        warehouse_db, by_region.format("mart_regional_activity")
    )


def test_an_unknown_export_format_is_refused(warehouse_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", str(tmp_path / "x"), "--format", "xlsx", "--db", str(warehouse_db)]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output and "parquet" in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_two_exports_of_one_warehouse_are_byte_identical_with_source_date_epoch(
    warehouse_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")
    first = export_marts(warehouse_db, tmp_path / "one", fmt)
    second = export_marts(warehouse_db, tmp_path / "two", fmt)
    assert first["exported_at"] == "2025-12-02T00:00:00+00:00"
    for table in first["tables"].values():
        name = table["file"]
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert first == {**second, "warehouse": first["warehouse"]}


def test_a_nested_column_is_written_to_csv_as_text(tmp_path: Path) -> None:
    relation = duckdb.sql("SELECT 1 AS id, ['CAR-T', 'TCR-T'] AS modalities, {'a': 1} AS detail")
    assert write_csv(relation, tmp_path / "nested.csv", {"table": "nested"}) == 1
    lines = (tmp_path / "nested.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# table: nested"
    assert duckdb.read_csv(str(tmp_path / "nested.csv"), comment="#", header=True).fetchall() == [
        (1, "[CAR-T, TCR-T]", "{'a': 1}")
    ]


def test_a_failed_csv_export_leaves_no_file_under_the_real_name(
    warehouse_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken(pacsv.CSVWriter):
        def write_batch(self, batch: object) -> None:
            raise OSError("disk full")

    monkeypatch.setattr(pacsv, "CSVWriter", Broken)
    with pytest.raises(OSError, match="disk full"):
        export_marts(warehouse_db, tmp_path, "csv")
    left = {path.name for path in tmp_path.iterdir()}
    assert "manifest.json" not in left and not any(name.endswith(".partial") for name in left)
    for name in left:  # only marts with no rows, which the broken writer never had to write: whole files
        assert query(warehouse_db, f"SELECT count(*) FROM {name.removesuffix('.csv')}") == [(0,)], name


HOSTILE = ['=HYPERLINK("http://example.invalid","CAR-T")', "+1+1", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd"]


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_made_inert(tmp_path: Path) -> None:
    relation = duckdb.sql(
        "SELECT title, -5 AS change, [title] AS titles FROM unnest(?::VARCHAR[]) AS t(title)",
        params=[[*HOSTILE, "CAR-T in lupus", "a = b"]],
    )
    write_csv(relation, tmp_path / "titles.csv")
    with (tmp_path / "titles.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))[1:]
    titles = [row[0] for row in rows]
    assert titles == ["'" + value for value in HOSTILE] + ["CAR-T in lupus", "a = b"]
    assert {row[1] for row in rows} == {"-5"}  # numbers keep their sign: only text can be a formula
    assert all(not row[2].startswith(("=", "+", "-", "@")) for row in rows)


def test_parquet_keeps_the_values_as_they_are(tmp_path: Path) -> None:
    relation = duckdb.sql("SELECT unnest(?::VARCHAR[]) AS title", params=[HOSTILE])
    write_parquet(relation, tmp_path / "titles.parquet")
    assert pq.read_table(tmp_path / "titles.parquet").column("title").to_pylist() == HOSTILE


def test_sql_csv_output_makes_formulas_inert_and_json_keeps_them(warehouse_db: Path) -> None:
    statement = "select '=HYPERLINK(\"x\",\"CAR-T\")' as title, -1 as delta, '@x' as sponsor"
    runner = CliRunner()
    out = runner.invoke(app, ["sql", statement, "--db", str(warehouse_db), "-f", "csv"]).output
    assert out.splitlines() == ["title,delta,sponsor", '"\'=HYPERLINK(""x"",""CAR-T"")",-1,\'@x']
    out = runner.invoke(app, ["sql", statement, "--db", str(warehouse_db), "-f", "json"]).output
    assert json.loads(out) == [{"title": '=HYPERLINK("x","CAR-T")', "delta": -1, "sponsor": "@x"}]
