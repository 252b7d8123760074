"""Parse raw pages, validate them, and stage valid rows and quarantined rows as Parquet.

Staging is per chunk of pages so memory stays flat however large the registry is; the
staged folder (data/staged/<source>/<run_id>/<table>/chunk-NNNN.parquet) is what the
load step reads. Nothing here fetches.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandera.polars as pa
import polars as pl

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.sources import get_source
from cgt_atlas.sources.base import RejectedRecord
from schemas import TABLE_KEYS, TABLE_MODELS

QUARANTINE = "quarantine"
CHUNK_SEQ = 10**10
"""fetch_seq from a parser orders records within a chunk; adding chunk_no * CHUNK_SEQ orders
them across the run, so that the latest copy of a record seen twice wins at load."""
STAGING_MEMORY_LIMIT = "1GB"
QUARANTINE_SCHEMA = {
    "run_id": pl.Utf8,
    "source": pl.Utf8,
    "table_name": pl.Utf8,
    "record_key": pl.Utf8,
    "entity_key": pl.Utf8,
    "check_name": pl.Utf8,
    "failure_value": pl.Utf8,
    "record": pl.Utf8,
    "quarantined_at": pl.Datetime("us", "UTC"),
}


@dataclass
class ChunkSummary:
    """What one staged chunk holds; small and JSON-friendly, so Prefect can pass it around."""

    chunk_no: int
    rows_fetched: int
    rows_loaded: dict[str, int] = field(default_factory=dict)
    rows_quarantined: int = 0
    reported_total: int | None = None
    total_expected: bool = False
    watermark: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def stage_chunk(
    source_name: str, pages: list[Path], out_dir: Path, chunk_no: int, run_id: str
) -> ChunkSummary:
    """Parse one chunk of pages into validated Parquet files plus a quarantine file."""
    source = get_source(source_name)
    con = duckdb.connect(config={"threads": 2, "memory_limit": STAGING_MEMORY_LIMIT})
    try:
        parsed = source.parse(con, pages)
        summary = ChunkSummary(
            chunk_no=chunk_no,
            rows_fetched=parsed.rows,
            reported_total=parsed.reported_total,
            total_expected=parsed.total_expected,
        )
        key = source.ENTITY_KEY
        parent, *children = source.TABLES
        quarantined = [rejected_records(parsed.rejected, parent, source_name, run_id)]
        watermark_column = getattr(source, "WATERMARK_COLUMN", None)
        rejected_parents: pl.Series | None = None
        for table in (parent, *children):
            frame = parsed.tables[table].pl().with_columns(pl.col("fetch_seq") + chunk_no * CHUNK_SEQ)
            valid, rejected = split_valid(table, frame, source_name, run_id, key)
            if rejected_parents is not None and len(rejected_parents):
                orphans = valid.filter(pl.col(key).is_in(rejected_parents.implode()))
                if len(orphans):
                    valid = valid.join(orphans.select(key).unique(), on=key, how="anti")
                    rejected = pl.concat(
                        [rejected, quarantine_rows(table, orphans, source_name, run_id, key)],
                        how="vertical_relaxed",
                    )
            if table == parent:
                rejected_parents = rejected.get_column("entity_key").unique()
                if watermark_column:
                    # From validated rows only: a damaged date is quarantined, never a watermark.
                    summary.watermark = valid.get_column(watermark_column).cast(pl.Utf8).max()
            _write(valid, out_dir / table, chunk_no)
            quarantined.append(rejected)
            summary.rows_loaded[table] = len(valid)
        quarantine = pl.concat(quarantined, how="vertical_relaxed")
        summary.rows_quarantined = len(quarantine)
        _write(quarantine, out_dir / QUARANTINE, chunk_no)
    finally:
        con.close()
    return summary


def _write(frame: pl.DataFrame, folder: Path, chunk_no: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    # Uncompressed: these files live for one run and are read once, by the load.
    path = folder / f"chunk-{chunk_no:04d}.parquet"
    frame.write_parquet(path, compression="uncompressed", statistics=False)


def split_valid(
    table: str, frame: pl.DataFrame, source_name: str, run_id: str, entity_key: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validate lazily; return the rows that pass and quarantine rows for those that fail."""
    try:
        TABLE_MODELS[table].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        cases = error.failure_cases
        if cases.get_column("index").null_count():
            structural = cases.filter(pl.col("index").is_null())
            raise PageStructureChanged(
                f"{source_name} {table}: the parsed table no longer fits its schema: "
                + "; ".join(
                    f"{row['column']}: {row['check']} ({row['failure_case']})"
                    for row in structural.head(5).to_dicts()
                )
            ) from error
        indexed = frame.with_row_index("_row")
        failed = indexed.join(
            cases.select(
                pl.col("index").cast(pl.UInt32).alias("_row"),
                (pl.col("column") + ":" + pl.col("check")).alias("check_name"),
                pl.col("failure_case").alias("failure_value"),
            ),
            on="_row",
        )
        valid = indexed.join(failed.select("_row").unique(), on="_row", how="anti").drop("_row")
        return valid, quarantine_rows(table, failed.drop("_row"), source_name, run_id, entity_key)
    return frame, quarantine_rows(table, frame.clear(), source_name, run_id, entity_key)


def rejected_records(
    records: list[RejectedRecord], table: str, source_name: str, run_id: str
) -> pl.DataFrame:
    """Quarantine rows for whole records the parser could not read (one row per record)."""
    return pl.DataFrame(
        {
            "run_id": [run_id] * len(records),
            "source": [source_name] * len(records),
            "table_name": [table] * len(records),
            "record_key": [r.entity_key or "" for r in records],
            "entity_key": [r.entity_key for r in records],
            "check_name": [r.check_name for r in records],
            "failure_value": [r.failure_value for r in records],
            "record": [r.record for r in records],
            "quarantined_at": [datetime.now(UTC)] * len(records),
        },
        schema=QUARANTINE_SCHEMA,
    )


def quarantine_rows(
    table: str, failed: pl.DataFrame, source_name: str, run_id: str, entity_key: str
) -> pl.DataFrame:
    """One quarantine row per failed check, with the whole record kept as JSON.

    Rows without a check_name are children whose parent record was quarantined.
    """
    if "check_name" not in failed.columns:
        failed = failed.with_columns(
            pl.lit(f"{entity_key}:parent_quarantined").alias("check_name"),
            pl.col(entity_key).alias("failure_value"),
        )
    # fetch_seq is bookkeeping that shifts with chunking: left out, the same record quarantined
    # again gives the same JSON, which is how a rerun finds rows with no key to replace.
    record_columns = [c for c in failed.columns if c not in ("check_name", "failure_value", "fetch_seq")]
    keys = TABLE_KEYS[table]
    return failed.select(
        pl.lit(run_id).alias("run_id"),
        pl.lit(source_name).alias("source"),
        pl.lit(table).alias("table_name"),
        pl.concat_str([pl.col(k).cast(pl.Utf8).fill_null("") for k in keys], separator="|").alias(
            "record_key"
        ),
        pl.col(entity_key).cast(pl.Utf8).alias("entity_key"),
        pl.col("check_name").cast(pl.Utf8),
        pl.col("failure_value").cast(pl.Utf8),
        pl.struct(record_columns).struct.json_encode().alias("record"),
        pl.lit(datetime.now(UTC)).alias("quarantined_at"),
    )
