"""ICTRP has no open API: a user exports search results to XML from the Search Portal and
hands the file in. A live "fetch" lands the files found in the inbox folder
(data/inbox/ictrp/, or $CGT_ATLAS_ICTRP_INBOX) exactly like fetched pages, so they are kept
under data/raw/ictrp/<run_id>/ and replayable; an empty inbox lands nothing and the source is
skipped (cgt_atlas/sources/inbox.py, shared with the other hand-in sources)."""

from __future__ import annotations

from pathlib import Path

from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback
from cgt_atlas.sources.inbox import inbox_folder, land_inbox


def inbox() -> Path:
    return inbox_folder("ictrp", "CGT_ATLAS_ICTRP_INBOX")


def land_exports(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """Land every export in the inbox; ICTRP exports state no total, so none is checked."""
    return land_inbox(
        "ictrp",
        inbox(),
        frozenset({".xml"}),
        landing,
        on_page,
        "export results to XML at https://trialsearch.who.int/ and put the file there (see docs/sources.md)",
    )
