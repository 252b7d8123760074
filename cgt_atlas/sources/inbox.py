"""Hand-in sources: files a person exports from a site with no open API and puts in an inbox folder.

A live "fetch" lands every file found in the inbox exactly like a fetched page (kept under
data/raw/<source>/<run_id>/ with its manifest, so the run can be replayed); an empty inbox lands
nothing and the source is skipped with a note saying where to put the export."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cgt_atlas import settings
from cgt_atlas.errors import SourceBlockedAsBot
from cgt_atlas.landing import RawLanding, page_files
from cgt_atlas.progress import reporter
from cgt_atlas.sources.base import FetchResult, ProgressCallback


def inbox_folder(source: str, env_var: str) -> Path:
    """data/inbox/<source>/, or the folder the environment variable names."""
    return Path(os.environ.get(env_var, str(settings.data_dir() / "inbox" / source)))


def land_inbox(
    source: str,
    folder: Path,
    suffixes: frozenset[str],
    landing: RawLanding,
    on_page: ProgressCallback | None,
    how_to: str,
) -> FetchResult:
    """Land every file with one of `suffixes` (case ignored), keeping its suffix; none: a note."""
    found = page_files(folder, "*") if folder.is_dir() else []
    exports = [path for path in found if path.suffix.casefold() in suffixes]
    if not exports:
        reporter().note(f"{source}: no export in {folder}; {how_to}")
    for export in exports:
        landing.write(
            export.read_bytes(),
            url=export.resolve().as_uri(),
            params=None,
            status=200,
            suffix=export.suffix.casefold(),
        )
        if on_page:
            on_page(1, len(exports))
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)


def inbox_env(source: str) -> str:
    """The variable that moves a source's inbox: CGT_ATLAS_<SOURCE>_INBOX."""
    return f"CGT_ATLAS_{source.upper()}_INBOX"


def fetch_or_hand_in(
    source: str,
    site_name: str,
    suffixes: frozenset[str],
    landing: RawLanding,
    on_page: ProgressCallback | None,
    fetch: Callable[[], FetchResult],
) -> FetchResult:
    """Files a person handed in at data/inbox/<source>/ are landed instead of fetching; else fetch.

    The inbox is the way round a site that blocks this client as a bot (FDA's does): the block is
    named, with the folder to put the file in.
    """
    folder = inbox_folder(source, inbox_env(source))
    found = page_files(folder, "*") if folder.is_dir() else []
    if any(path.suffix.casefold() in suffixes for path in found):
        reporter().note(f"{source}: landing the files handed in at {folder} instead of fetching")
        return land_inbox(source, folder, suffixes, landing, on_page, "")
    try:
        return fetch()
    except SourceBlockedAsBot as error:
        how = error.args[0].partition(": ")[2]  # the client's "HOST blocked ...: it sent URL to ..."
        raise SourceBlockedAsBot(
            f"{site_name} blocked this client as a bot: {how}",
            status=error.status,
            inbox=str(folder),
        ) from error
