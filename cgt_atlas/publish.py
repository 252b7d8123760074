"""Exports that travel: marts as Parquet or CSV carrying their provenance, with a manifest.

Reads the warehouse through a read-only connection; the report (cgt_atlas.report) and the PostgreSQL
publisher (cgt_atlas.postgres) reuse its freshness and provenance readers.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cgt_atlas.output import spreadsheet_safe_sql
from cgt_atlas.progress import reporter
from cgt_atlas.settings import MODELS_DIR
from warehouse.connect import table_columns
from warehouse.dictionary import model_header
from warehouse.load import connect_reader
from warehouse.runs import SUCCEEDED


def mart_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in con.sql(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name LIKE 'mart\\_%' ESCAPE '\\' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]


def minute_text(iso_timestamp: object) -> str:
    """An ISO timestamp as a person reads it: 2026-12-01 19:20 UTC."""
    if not iso_timestamp:
        return ""
    return datetime.fromisoformat(str(iso_timestamp)).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _seconds(iso_timestamp: str) -> str:
    """An ISO timestamp to the second, in UTC: what a provenance line needs."""
    return datetime.fromisoformat(iso_timestamp).astimezone(UTC).isoformat(timespec="seconds")


def freshness(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """The last successful run of each source (when, how, its watermark), and whether its last run failed:
    then the source is `stale`, its data as of that last successful run."""
    succeeded = f"FILTER (WHERE {SUCCEEDED})"
    error = "arg_max(error, finished_at)" if "error" in table_columns(con, "pipeline_runs") else "NULL"
    rows = con.sql(
        f"""
        SELECT source, arg_max(run_id, finished_at) {succeeded}, arg_max(mode, finished_at) {succeeded},
            max(finished_at) {succeeded}, arg_max(rows_loaded, finished_at) {succeeded}, max(watermark),
            NOT bool_or({SUCCEEDED}) FILTER (WHERE finished_at = last_attempt) AS stale,
            any_value(last_attempt), {error}
        FROM (SELECT *, max(finished_at) OVER (PARTITION BY source) AS last_attempt FROM pipeline_runs)
        GROUP BY source ORDER BY source
        """
    ).fetchall()
    return [
        {
            "source": source,
            "run_id": run_id,
            "mode": mode,
            "finished_at": finished.isoformat() if finished else None,
            "rows_loaded": loaded,
            "watermark": watermark,
            "stale": bool(stale),
            "last_attempt_at": attempt.isoformat() if attempt else None,
            "last_error": last_error if stale else None,
        }
        for source, run_id, mode, finished, loaded, watermark, stale, attempt, last_error in rows
    ]


EXPORT_BATCH_ROWS = 100_000
"""Rows per Arrow batch on their way to Parquet: memory stays flat however large a mart grows."""


def _arrow_reader(relation: duckdb.DuckDBPyRelation) -> pa.RecordBatchReader:
    """The relation streamed as Arrow batches (to_arrow_reader now; fetch_record_batch in older DuckDB)."""
    to_reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch
    return to_reader(EXPORT_BATCH_ROWS)


PROVENANCE_PREFIX = "cgt_atlas."
"""Every provenance key an export writes starts with this, so it never collides with a tool's own keys."""

EXPORT_FORMATS = ("parquet", "csv")


def _parquet_metadata(provenance: dict[str, str]) -> dict[bytes, bytes]:
    return {(PROVENANCE_PREFIX + key).encode(): value.encode() for key, value in provenance.items()}


@contextmanager
def _written_beside(target: Path) -> Iterator[Path]:
    """A path beside target to write to, renamed to target only when the writing succeeded.

    A failed export never leaves a half-written file under the real name.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def write_parquet(
    relation: duckdb.DuckDBPyRelation, target: Path, provenance: dict[str, str] | None = None
) -> int:
    """Stream relation into target through pyarrow, provenance as key-value metadata; returns the rows.

    The sealed reader cannot COPY to a file (that would let any query write anywhere), so the
    project writes the file itself, to the one path the user asked for.
    """
    rows = 0
    with _written_beside(target) as partial, _arrow_reader(relation) as reader:
        schema = reader.schema.with_metadata(_parquet_metadata(provenance or {}))
        with pq.ParquetWriter(partial, schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    return rows


NESTED_TYPE = re.compile(r"\[\]$|^(STRUCT|MAP|UNION)\b")


def _csv_columns(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """Columns as a CSV cell should hold them: nested ones (lists, structs, maps) as one text value, and
    text that a spreadsheet would run as a formula made inert (output.spreadsheet_safe)."""
    columns = []
    for name, kind in zip(relation.columns, relation.types, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        if NESTED_TYPE.search(str(kind)):
            columns.append(f"{spreadsheet_safe_sql(f'CAST({quoted} AS VARCHAR)')} AS {quoted}")
        elif str(kind) == "VARCHAR":
            columns.append(f"{spreadsheet_safe_sql(quoted)} AS {quoted}")
        else:
            columns.append(quoted)
    return relation.project(", ".join(columns))


def write_csv(
    relation: duckdb.DuckDBPyRelation, target: Path, provenance: dict[str, str] | None = None
) -> int:
    """Write relation as CSV after a header of `# key: value` lines (its provenance); returns the rows.

    DuckDB skips the header with read_csv(..., comment='#'). Written as write_parquet writes.
    """
    rows = 0
    with _written_beside(target) as partial, partial.open("wb") as sink:
        for key, value in (provenance or {}).items():
            sink.write(f"# {key}: {' '.join(value.split())}\n".encode())
        with _arrow_reader(_csv_columns(relation)) as reader, pacsv.CSVWriter(sink, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
                rows += batch.num_rows
    return rows


def model_grain(name: str) -> str:
    """The first sentence of a mart's header comment (its grain, "Grain: " left out) as one line."""
    path = MODELS_DIR / "marts" / f"{name}.sql"
    if not path.exists():
        return ""
    text = model_header(path).grain
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "." and depth == 0 and (index + 1 == len(text) or text[index + 1] == " "):
            return text[: index + 1]
    return text


def export_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (the reproducible-builds convention): two exports of one
    warehouse made with the same SOURCE_DATE_EPOCH are byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)


def provenance(con: duckdb.DuckDBPyConnection, exported_at: datetime) -> dict[str, str]:
    """Where the exported data came from: the last run, each source's last run, the classifier rules.

    Keys in a fixed order; values are text (Parquet key-value metadata and CSV header lines).
    """
    run_id, built = con.sql(
        "SELECT arg_max(run_id, finished_at), max(finished_at) FROM pipeline_runs"
    ).fetchall()[0]
    version = con.sql("SELECT max(rules_version) FROM classifier_rules").fetchall()[0][0]
    out = {
        "run_id": run_id or "",
        "built_at": _seconds(built.isoformat()) if built else "",
        "classifier_rules_version": version or "",
        "exported_at": exported_at.isoformat(timespec="seconds"),
    }
    for source in freshness(con):
        finished = source["finished_at"]
        out[f"source.{source['source']}"] = (
            f"{source['mode']} run {source['run_id']} finished "
            f"{_seconds(finished) if finished else 'never'}"
            + (f", newest record {source['watermark']}" if source["watermark"] else "")
            + (
                f"; STALE: its last run ({_seconds(str(source['last_attempt_at']))}) failed"
                if source["stale"]
                else ""
            )
        )
    return out


def export_marts(db_path: Path, out_dir: Path, fmt: str = "parquet") -> dict[str, object]:
    """Write every mart as DIR/<mart>.<fmt> (provenance inside each file) and DIR/manifest.json;
    returns the manifest."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(EXPORT_FORMATS)}")
    write = write_parquet if fmt == "parquet" else write_csv
    out_dir.mkdir(parents=True, exist_ok=True)
    exported_at = export_time()
    con = connect_reader(db_path)
    try:
        common = provenance(con, exported_at)
        tables = {}
        names = mart_names(con)
        for name in names:
            target = out_dir / f"{name}.{fmt}"
            relation = con.table(name)
            grain = model_grain(name)
            tables[name] = {
                "file": target.name,
                "format": fmt,
                "rows": write(relation, target, {"table": name, "grain": grain, **common}),
                "columns": list(relation.columns),
                "grain": grain,
            }
            reporter().advance("marts exported", 1, len(names))
        manifest = {
            "exported_at": common["exported_at"],
            "warehouse": str(db_path),
            "run_id": common["run_id"],
            "built_at": common["built_at"] or None,
            "classifier_rules_version": common["classifier_rules_version"] or None,
            "format": fmt,
            "sources": freshness(con),
            "tables": tables,
        }
    finally:
        con.close()
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
