"""What the seed-file sources (approvals, organisations, manufacturing sites) share: the seeds are kept in the
project, so "fetching" them lands a copy of each file, and a run can be replayed with the rows it loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.settings import WAREHOUSE_DIR
from cgt_atlas.sources.base import FetchResult, ProgressCallback

CURATED_DIR = WAREHOUSE_DIR / "curated"


def seed_pages(names: tuple[str, ...]) -> list[Path]:
    """The named seed files that exist in warehouse/curated/, in the order named."""
    return [CURATED_DIR / name for name in names if (CURATED_DIR / name).exists()]


def land_seeds(pages: list[Path], landing: RawLanding, on_page: ProgressCallback | None) -> FetchResult:
    """Land a copy of each seed file as the run's pages."""
    for page in pages:
        landing.write(page.read_bytes(), url=page.resolve().as_uri(), params=None, status=200, suffix=".csv")
        if on_page:
            on_page(1, len(pages))
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)


def seed_fetch(default_pages: Callable[[], list[Path]]) -> Callable[..., FetchResult]:
    """A seed source's `fetch`: land a copy of each of its seed files (`default_pages`), so a run can be
    replayed with the rows it loaded. No network, and `since` is moot: a seed is always read whole."""

    def fetch(
        client: PoliteClient,
        landing: RawLanding,
        *,
        since: str | None,
        on_page: ProgressCallback | None = None,
    ) -> FetchResult:
        return land_seeds(default_pages(), landing, on_page)

    fetch.__doc__ = seed_fetch.__doc__
    return fetch
