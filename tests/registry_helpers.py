"""Parse a source's pages or load several sources into a temp warehouse, without Prefect."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from cgt_atlas import pipeline
from cgt_atlas.sources import get_source
from cgt_atlas.staging import split_valid
from warehouse.load import load_runs


def parse_tables(source: str, pages: list[Path]) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """Each table of the source as (valid rows, quarantine rows)."""
    con = duckdb.connect()
    parsed = get_source(source).parse(con, pages)
    return {
        table: split_valid(table, relation.pl(), source, "test", "trial_id")
        for table, relation in parsed.tables.items()
    }


def load_replay(
    replay_dir: Path, db_path: Path, sources: list[str], run_id: str, chunk_pages: int = pipeline.CHUNK_PAGES
) -> dict:
    """Stage each source's replay folder and load them all, as the refresh flow does."""
    runs = []
    for source in sources:
        landed = pipeline.find_replay(source, replay_dir)
        assert landed is not None, f"{replay_dir} has no {source}/"
        summaries = [
            pipeline.stage_one_chunk(source, run_id, pages, chunk_no)
            for chunk_no, pages in enumerate(pipeline.chunks(landed.pages, chunk_pages), start=1)
        ]
        runs.append(pipeline.summarise_run(landed, run_id, pipeline.now_iso(), False, summaries))
    return load_runs(db_path, runs)


def link_folder(tmp_path: Path, files: dict[str, list[Path]]) -> Path:
    """A replay folder DIR/<source>/ holding symlinks to the given pages (nothing is copied)."""
    root = tmp_path / "replay"
    for source, pages in files.items():
        folder = root / source
        folder.mkdir(parents=True)
        for page in pages:
            (folder / page.name).symlink_to(page.resolve())
    return root
