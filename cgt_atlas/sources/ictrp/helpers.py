"""ICTRP has no open API: a user exports search results to XML from the Search Portal and
hands the file in. A live "fetch" lands the files found in the inbox folder
(data/inbox/ictrp/, or $CGT_ATLAS_ICTRP_INBOX) exactly like fetched pages, so they are kept
under data/raw/ictrp/<run_id>/ and replayable; an empty inbox lands nothing and the source is
skipped."""

from __future__ import annotations

import os
from pathlib import Path

from cgt_atlas import settings
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding, page_files
from cgt_atlas.progress import reporter
from cgt_atlas.sources.base import FetchResult, ProgressCallback


def inbox() -> Path:
    return Path(os.environ.get("CGT_ATLAS_ICTRP_INBOX", str(settings.data_dir() / "inbox" / "ictrp")))


def land_exports(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """Land every export in the inbox; ICTRP exports state no total, so none is checked."""
    exports = page_files(inbox(), "*.xml") if inbox().is_dir() else []
    if not exports:
        reporter().note(
            f"ictrp: no export in {inbox()}; export results to XML at https://trialsearch.who.int/ and put "
            "the file there (see docs/sources.md)"
        )
    for export in exports:
        landing.write(
            export.read_bytes(), url=export.resolve().as_uri(), params=None, status=200, suffix=".xml"
        )
        if on_page:
            on_page(1, len(exports))
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)
