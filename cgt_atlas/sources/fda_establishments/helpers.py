"""Fetching drls_reg.zip: one file, the whole register, landed as fetched."""

from __future__ import annotations

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback
from cgt_atlas.sources.fda_establishments import settings as s
from cgt_atlas.sources.inbox import fetch_or_hand_in

HAND_IN_SUFFIXES = frozenset({".zip", ".xlsx", ".txt", ".csv"})
"""The wrappers FDA hands the register out in (tabular.read_rows reads each)."""


def fetch_register(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """The zip is the whole current register (`since` is moot). A file handed in at
    data/inbox/fda_establishments/ is landed instead: the way round FDA's bot block."""
    return fetch_or_hand_in(
        "fda_establishments",
        "FDA's site",
        HAND_IN_SUFFIXES,
        landing,
        on_page,
        lambda: _download(client, landing),
    )


def _download(client: PoliteClient, landing: RawLanding) -> FetchResult:
    """The zip is landed before it is checked: a redirect off FDA's site is refused, and kept."""
    url = s.SITE.url(s.DOWNLOAD_PATH)
    try:
        response = client.get(url, expect="zip")
    except PageStructureChanged as error:
        kept = landing.write(getattr(error, "body", b""), url=url, params=None, status=200, suffix=".zip")
        raise PageStructureChanged(
            f"{url} did not answer with a zip on any try; kept as {kept}. {error.args[0]}"
        ) from error
    final = str(getattr(response, "url", None) or url)
    kept = landing.write(response.content, url=url, params=None, status=response.status_code, suffix=".zip")
    if s.SITE.follow(final) != final:
        raise PageStructureChanged(
            f"{url} was answered from {final}, not https on {', '.join(s.SITE.hosts())}; kept as {kept}"
        )
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)
