"""Build a warehouse in a temp folder through the same steps the flow runs, without Prefect."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from cgt_atlas import pipeline
from cgt_atlas.landing import new_run_id
from warehouse.load import load_runs

EDGE_CASES = Path(__file__).parent / "fixtures" / "ctgov" / "edge_cases.json"
"""The hand-written ClinicalTrials.gov page most small warehouses in the tests are built from."""


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


def small_warehouse(folder: Path, db: Path | None = None, page: bytes | None = None) -> Path:
    """A warehouse of one ClinicalTrials.gov page (the edge-case fixture unless `page` is given), every model
    built, its staging under folder/data: what tests that read a warehouse, not build one, start from."""
    replay = folder / "replay" / "ctgov"
    replay.mkdir(parents=True)
    (replay / "page-0001.json").write_bytes(EDGE_CASES.read_bytes() if page is None else page)
    db = db or folder / "atlas.duckdb"
    before = os.environ.get("CGT_ATLAS_DATA")
    os.environ["CGT_ATLAS_DATA"] = str(folder / "data")
    try:
        ingest(replay.parent, db)
    finally:
        if before is None:
            del os.environ["CGT_ATLAS_DATA"]
        else:
            os.environ["CGT_ATLAS_DATA"] = before
    return db
