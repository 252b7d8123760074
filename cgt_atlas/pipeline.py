"""The steps of an ingest as plain functions: the Prefect flow wraps them as tasks, the
benchmark and tests call them directly. They take and return paths, keys and counts."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from cgt_atlas import settings
from cgt_atlas.errors import AtlasError, ShortDownload
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding, page_files, replay_folder
from cgt_atlas.progress import reporter
from cgt_atlas.sources import get_source
from cgt_atlas.sources.base import check_complete
from cgt_atlas.staging import ChunkSummary, stage_chunk
from warehouse.runs import StagedRun, latest_watermark

CHUNK_PAGES = 32  # pages per staged chunk: bounded memory (~400 MB peak), few task runs


@dataclass
class LandedPages:
    """Raw pages ready to parse: fetched now, or handed in for replay."""

    source: str
    mode: str
    folder: str
    pages: list[str]
    reported_total: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def land_live(source_name: str, run_id: str, *, full: bool, db_path: Path) -> LandedPages:
    """Fetch the source page by page, landing every body under data/raw/<source>/<run_id>/."""
    source = get_source(source_name)
    since = None if full else latest_watermark(db_path, source_name)
    if since:
        reporter().note(f"{source_name}: incremental, studies updated on or after {since}")
    landing = RawLanding.fresh(settings.raw_dir() / source_name / run_id)
    result = source.fetch(
        PoliteClient(),
        landing,
        since=since,
        on_page=lambda done, total: reporter().advance(f"{source_name} pages", done, total),
    )
    return LandedPages(
        source=source_name,
        mode="live",
        folder=str(landing.folder),
        pages=[str(p) for p in page_files(landing.folder, source.PAGE_GLOB)],
        reported_total=result.reported_total,
    )


def find_replay(source_name: str, replay_dir: Path) -> LandedPages | None:
    """The source's pages in a replay folder, or None when the folder has none for it."""
    source = get_source(source_name)
    folder = replay_folder(replay_dir, source_name)
    if folder is None:
        return project_pages(source_name)
    pages = page_files(folder, source.PAGE_GLOB)
    if not pages:
        raise AtlasError(f"{folder} holds no {source.PAGE_GLOB} pages for {source_name}")
    return LandedPages(source=source_name, mode="replay", folder=str(folder), pages=[str(p) for p in pages])


def project_pages(source_name: str) -> LandedPages | None:
    """Pages a source keeps in the project (the curated seed), read in place when a replay has none."""
    default_pages = getattr(get_source(source_name), "default_pages", None)
    pages = default_pages() if default_pages else []
    if not pages:
        return None
    return LandedPages(
        source=source_name, mode="seed", folder=str(pages[0].parent), pages=[str(p) for p in pages]
    )


def chunks(pages: list[str], size: int = CHUNK_PAGES) -> list[list[str]]:
    return [pages[i : i + size] for i in range(0, len(pages), size)]


def staged_folder(source_name: str, run_id: str) -> Path:
    return settings.staged_dir() / source_name / run_id


def discard_staged(run_id: str, source_names: Iterable[str]) -> None:
    """Delete the run's staged Parquet (data/staged/<source>/<run_id>/) of every source named.

    Staged files are intermediate: the load reads them once, and the raw landing under data/raw
    stays the record a run can be replayed from. Kept, they grow data/staged by megabytes a run.
    """
    for source_name in source_names:
        shutil.rmtree(staged_folder(source_name, run_id), ignore_errors=True)


@contextmanager
def staging_area(run_id: str, source_names: Iterable[str]) -> Iterator[None]:
    """Stage and load inside this block: the run's staged files go when it ends, loaded or failed."""
    names = list(source_names)
    try:
        yield
    finally:
        discard_staged(run_id, names)


def stage_one_chunk(source_name: str, run_id: str, pages: list[str], chunk_no: int) -> dict:
    summary = stage_chunk(
        source_name, [Path(p) for p in pages], staged_folder(source_name, run_id), chunk_no, run_id
    )
    reporter().advance(f"{source_name} records", summary.rows_fetched, summary.reported_total)
    return summary.to_dict()


def summarise_run(
    landed: LandedPages, run_id: str, started_at: str, full: bool, chunk_summaries: list[dict]
) -> StagedRun:
    """Check the run is complete and describe it for the loader."""
    summaries = [ChunkSummary(**s) for s in chunk_summaries]
    rows = sum(s.rows_fetched for s in summaries)
    reported = next((s.reported_total for s in summaries if s.reported_total is not None), None)
    if reported is None:
        reported = landed.reported_total
    if reported is None and any(s.total_expected for s in summaries):
        raise ShortDownload(
            f"{landed.source}: no page of this run carries the source's total count (the first page, "
            f"which does, is missing or empty in {landed.folder}), so {rows} records cannot be "
            "checked for completeness"
        )
    check_complete(landed.source, rows, reported)
    watermarks = [s.watermark for s in summaries if s.watermark]
    return StagedRun(
        run_id=run_id,
        source=landed.source,
        mode=landed.mode,
        tables=list(get_source(landed.source).TABLES),
        entity_key=get_source(landed.source).ENTITY_KEY,
        staged_dir=str(staged_folder(landed.source, run_id)),
        started_at=started_at,
        pages=len(landed.pages),
        rows_fetched=rows,
        rows_quarantined=sum(s.rows_quarantined for s in summaries),
        reported_total=reported,
        watermark=max(watermarks) if watermarks else None,
        full_refresh=full or landed.mode != "live",
        raw_path=landed.folder,
    )


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
