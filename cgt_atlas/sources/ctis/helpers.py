"""Fetching CTIS: search (POST, 1-based pages of 100) for the trial numbers, then retrieve
each trial's full record; every body is landed as fetched.

A search serves at most SEARCH_CAP records, so a query over the cap is split on the EEA
start-date filter into date ranges, halved recursively until each range is under the cap.
The ranges must add up to the whole query: trials a date filter cannot reach (no EEA start
date yet) would otherwise vanish silently, so a shortfall is a ShortDownload. The API has no
"updated since" filter, so every live run fetches the whole query (`since` is ignored);
unchanged trials reload nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from cgt_atlas.errors import PageStructureChanged, ShortDownload
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback, check_complete
from cgt_atlas.sources.ctis import settings
from cgt_atlas.sources.ctis.settings import FIRST_PAGE, PAGE_SIZE, SEARCH_CAP, retrieve_url, search_url


@dataclass
class _Harvest:
    """Trial numbers in the order the search listed them, and what the searches reported."""

    client: PoliteClient
    landing: RawLanding
    on_page: ProgressCallback | None
    numbers: dict[str, None] = field(default_factory=dict)
    reported_total: int = 0

    def search_page(self, criteria: dict[str, Any], page: int) -> tuple[int, list[str]]:
        """POST one search page, land it, return (totalRecords, ctNumbers on the page)."""
        body = settings.search_body(criteria, page)
        url = search_url()
        response = self.client.post(url, json=body, expect="json")
        self.landing.write(response.content, url=url, params=body, status=response.status_code)
        if self.on_page:
            self.on_page(1, None)
        try:
            parsed = json.loads(response.content)
            total = int(parsed["pagination"]["totalRecords"])
            numbers = [row["ctNumber"] for row in parsed["data"]]
        except (ValueError, KeyError, TypeError) as error:
            raise PageStructureChanged(
                f"CTIS search page {page} for {json.dumps(criteria)} is not a search response "
                f"(kept as {self.landing.folder}/page-{self.landing.pages:04d}.json): {error}"
            ) from error
        return total, numbers

    def search(self, criteria: dict[str, Any], first_day: date, last_day: date) -> int:
        """Page through one query, or split it by date when it is over the cap; returns its total."""
        total, numbers = self.search_page(criteria, FIRST_PAGE)
        if total >= SEARCH_CAP:
            return self.split(criteria, total, first_day, last_day)
        received = list(numbers)
        pages = -(-total // PAGE_SIZE)
        for page in range(FIRST_PAGE + 1, pages + 1):
            _, numbers = self.search_page(criteria, page)
            if not numbers:
                break
            received.extend(numbers)
        check_complete(f"CTIS search {json.dumps(criteria)}", len(set(received)), total)
        self.numbers.update(dict.fromkeys(received))
        self.reported_total += total
        return total

    def split(self, criteria: dict[str, Any], total: int, first_day: date, last_day: date) -> int:
        """Halve the date range until each part is under the cap; the parts must add up."""
        if first_day >= last_day:
            raise ShortDownload(
                f"CTIS search {json.dumps(criteria)} has {total} results on a single day, over the "
                f"{SEARCH_CAP} cap: it cannot be split further by date"
            )
        middle = first_day + (last_day - first_day) // 2
        found = 0
        for start, end in ((first_day, middle), (middle + timedelta(days=1), last_day)):
            part = {
                **criteria,
                settings.SPLIT_FROM_KEY: start.isoformat(),
                settings.SPLIT_TO_KEY: end.isoformat(),
            }
            found += self.search(part, start, end)
        if found < total:
            raise ShortDownload(
                f"CTIS search {json.dumps(criteria)} reported {total} results but its date ranges hold "
                f"{found}: {total - found} trials (e.g. without an EEA start date) cannot be reached "
                f"under the {SEARCH_CAP} cap"
            )
        return found


def fetch_pages(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """Search to the end (splitting over the cap), then retrieve every trial listed.

    CTIS throttles with 403 as well as 429: both are retried with backoff (R's ctrdata does the same).
    """
    client.retry_statuses = client.retry_statuses | settings.THROTTLE_STATUSES
    harvest = _Harvest(client, landing, on_page)
    harvest.search(settings.base_criteria(), settings.SPLIT_FIRST_DAY, settings.SPLIT_LAST_DAY)
    retrieved = 0
    for ct_number in harvest.numbers:
        url = retrieve_url(ct_number)
        response = client.get(url, expect="json")
        landing.write(response.content, url=url, params=None, status=response.status_code)
        retrieved += 1
        if on_page:
            on_page(1, None)
    check_complete("CTIS", retrieved, harvest.reported_total)
    return FetchResult(pages=landing.pages, rows=retrieved, reported_total=harvest.reported_total)
