"""Build a warehouse in a temp folder through the same steps the flow runs, without Prefect."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cgt_atlas import pipeline
from cgt_atlas.landing import new_run_id
from warehouse.load import load_runs


def ingest(pages_dir: Path, db_path: Path, chunk_pages: int = pipeline.CHUNK_PAGES) -> dict:
    """Replay a DIR/ctgov/ folder (or a landed run folder) into db_path; returns the load counts."""
    landed = pipeline.find_replay("ctgov", pages_dir)
    assert landed is not None, f"no ctgov pages in {pages_dir}"
    run_id = new_run_id()
    summaries = [
        pipeline.stage_one_chunk("ctgov", run_id, chunk, number)
        for number, chunk in enumerate(pipeline.chunks(landed.pages, chunk_pages), start=1)
    ]
    run = pipeline.summarise_run(landed, run_id, pipeline.now_iso(), False, summaries)
    return load_runs(db_path, [run])["ctgov"]


def query(db_path: Path, sql: str) -> list[tuple]:
    """All rows of sql, on a read-only connection closed at once (the next load needs the lock)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def scalar(db_path: Path, sql: str):
    return query(db_path, sql)[0][0]


def counts(db_path: Path, *tables: str) -> dict[str, int]:
    return {table: scalar(db_path, f"SELECT count(*) FROM {table}") for table in tables}
