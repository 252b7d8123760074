"""Fetching drls_reg.zip: one file, the whole register, landed as fetched."""

from __future__ import annotations

from urllib.parse import urlsplit

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback
from cgt_atlas.sources.fda_establishments import settings as s


def fetch_register(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """The zip is the whole current register (`since` is moot); it is landed before it is checked."""
    response = client.get(s.DOWNLOAD_URL)
    final = urlsplit(str(getattr(response, "url", None) or s.DOWNLOAD_URL))
    kept = landing.write(
        response.content, url=s.DOWNLOAD_URL, params=None, status=response.status_code, suffix=".zip"
    )
    if final.scheme != "https" or final.hostname not in s.FOLLOWED_HOSTS:
        raise PageStructureChanged(
            f"{s.DOWNLOAD_URL} was answered from {final.geturl()}, not https on "
            f"{', '.join(sorted(s.FOLLOWED_HOSTS))}; kept as {kept}"
        )
    if not response.content.startswith(b"PK"):
        raise PageStructureChanged(
            f"{s.DOWNLOAD_URL} did not answer with a zip (it starts {response.content[:40]!r}); "
            f"kept as {kept}"
        )
    if on_page:
        on_page(1, 1)
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)
