"""Paging through GET /studies to the end, landing every body as fetched."""

from __future__ import annotations

import json

from cgt_atlas.errors import PageStructureChanged, ShortDownload
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback, check_complete
from cgt_atlas.sources.ctgov.settings import BASE_URL, PAGE_SIZE, query_params

MAX_PAGES = 10_000  # a token loop guard: 10 million studies is more than the registry holds


def fetch_pages(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """Follow nextPageToken to the last page; the rows received must match countTotal."""
    params = query_params(since)
    reported_total: int | None = None
    rows = 0
    token_pages: dict[str, int] = {}  # token -> the page that sent it: a token seen twice is a loop
    for page_no in range(1, MAX_PAGES + 1):
        response = client.get(BASE_URL, params=params)
        landing.write(response.content, url=BASE_URL, params=params, status=response.status_code)
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
        rows += len(studies)
        if on_page:
            total_pages = -(-reported_total // PAGE_SIZE) if reported_total else None
            on_page(1, total_pages)
        token = body.get("nextPageToken")
        if not token:
            break
        if token in token_pages:
            raise ShortDownload(
                f"ClinicalTrials.gov sent page token {token!r} twice (pages {token_pages[token]} and "
                f"{page_no}): paging would go round in a loop"
            )
        token_pages[token] = page_no
        params = {**params, "pageToken": token}
        params.pop("countTotal", None)
    else:
        raise ShortDownload(f"ClinicalTrials.gov kept sending page tokens after {MAX_PAGES} pages")
    check_complete("ClinicalTrials.gov", rows, reported_total)
    return FetchResult(pages=landing.pages, rows=rows, reported_total=reported_total)
