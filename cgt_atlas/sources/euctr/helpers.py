"""Fetching EUCTR: the search page gives the trial count, then one full-text download per
result page of 20 trials, landed as fetched. EUCTR takes no new trials since 2023 and has no
"updated since" filter, so every live run fetches the whole query."""

from __future__ import annotations

import re

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback, check_complete
from cgt_atlas.sources.euctr.settings import FULL_TEXT_PATH, SEARCH_PATH, SITE, TRIALS_PER_PAGE, query_params

# The count as the site prints it: "(1234)", or grouped by thousands with "," or "." ("1,234", "1.234").
TOTAL = re.compile(r"Trials with a EudraCT protocol \((\d{1,3}(?:[.,]\d{3})+|\d+)\)")
EUDRACT_LINE = re.compile(r"^EudraCT Number:\s*(\d{4}-\d{6}-\d{2})", re.MULTILINE)


def fetch_pages(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """Every result page's full text; the distinct EudraCT numbers must reach the count shown."""
    search = client.get(SITE.url(SEARCH_PATH), params=query_params(1), expect="html")
    match = TOTAL.search(search.text)
    if match is None:
        raise PageStructureChanged("EUCTR search page no longer shows 'Trials with a EudraCT protocol (N)'")
    reported_total = int(re.sub(r"[.,]", "", match[1]))
    pages = -(-reported_total // TRIALS_PER_PAGE)
    trials: set[str] = set()
    full_text_url = SITE.url(FULL_TEXT_PATH)
    for page in range(1, pages + 1):
        params = {**query_params(page), "mode": "current_page"}
        response = client.get(full_text_url, params=params, expect="text")
        landing.write(
            response.content, url=full_text_url, params=params, status=response.status_code, suffix=".txt"
        )
        trials.update(EUDRACT_LINE.findall(response.content.decode("utf-8", errors="replace")))
        if on_page:
            on_page(1, pages)
    check_complete("EUCTR", len(trials), reported_total)
    return FetchResult(pages=landing.pages, rows=len(trials), reported_total=reported_total)
