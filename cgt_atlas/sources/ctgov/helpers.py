"""Paging through GET /studies to the end, landing every body as fetched."""

from __future__ import annotations

import json

from cgt_atlas.errors import PageStructureChanged, ShortDownload
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback, check_complete
from cgt_atlas.sources.ctgov.settings import PAGE_SIZE, query_params, studies_url

MAX_PAGES = 10_000  # a token loop guard when no total is reported: 10 million studies
SPARE_PAGES = 2  # pages allowed past the total's share: the API may send an empty page at the end


def page_cap(reported_total: int | None, first_page_rows: int) -> int:
    """The most pages a fetch may take: the reported total's pages at the size the server pages
    by (the first page's, if smaller than asked), plus a spare; MAX_PAGES without a total."""
    if reported_total is None:
        return MAX_PAGES
    size = min(PAGE_SIZE, first_page_rows) if first_page_rows > 0 else PAGE_SIZE
    return min(MAX_PAGES, -(-reported_total // size) + SPARE_PAGES)


def fetch_pages(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """Follow nextPageToken until the rows reach countTotal (or no token is sent), within a page cap
    derived from that total; the rows received must match countTotal."""
    url = studies_url()
    params = query_params(since)
    reported_total: int | None = None
    cap = MAX_PAGES
    rows = 0
    token_pages: dict[str, int] = {}  # token -> the page that sent it: a token seen twice is a loop
    page_no = 0
    while True:
        page_no += 1
        response = client.get(url, params=params, expect="json")
        landing.write(response.content, url=url, params=params, status=response.status_code)
        kept = f"{landing.folder}/page-{landing.pages:04d}.json"
        try:
            body = json.loads(response.content)
            studies = body["studies"]
        except (ValueError, KeyError, TypeError) as error:
            raise PageStructureChanged(
                f"ClinicalTrials.gov page {page_no} is not a PagedStudies object (kept as {kept}): {error}"
            ) from error
        if not isinstance(studies, list):
            # `"studies": null` would otherwise count as an empty page and end the run "complete".
            raise PageStructureChanged(
                f'ClinicalTrials.gov page {page_no} has "studies": {json.dumps(studies)} instead of a list '
                f"(kept as {kept})"
            )
        if page_no == 1:
            reported_total = body.get("totalCount")
            cap = page_cap(reported_total, len(studies))
        rows += len(studies)
        if on_page:
            total_pages = -(-reported_total // PAGE_SIZE) if reported_total else None
            on_page(1, total_pages)
        token = body.get("nextPageToken")
        if not token or (reported_total is not None and rows >= reported_total):
            break  # the last page, or every study the search counted has arrived
        if token in token_pages:
            raise ShortDownload(
                f"ClinicalTrials.gov sent page token {token!r} twice (pages {token_pages[token]} and "
                f"{page_no}): paging would go round in a loop"
            )
        if page_no >= cap:
            raise ShortDownload(
                f"ClinicalTrials.gov kept sending page tokens after {page_no} pages"
                + (f" with {rows} of the {reported_total} studies it reported" if reported_total else "")
            )
        token_pages[token] = page_no
        params = {**params, "pageToken": token}
        params.pop("countTotal", None)
    check_complete("ClinicalTrials.gov", rows, reported_total)
    return FetchResult(pages=landing.pages, rows=rows, reported_total=reported_total)
