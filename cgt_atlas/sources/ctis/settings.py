"""EU CTIS public portal API: endpoints, the CGT query and the search limits
(see ../shared/samples/ctis/CONTRACT.md; the API is undocumented, this is what the portal calls)."""

from __future__ import annotations

from datetime import date
from typing import Any

from cgt_atlas.settings import Site

SITE = Site("ctis", "https://euclinicaltrials.eu")
SEARCH_PATH = "/ctis-public-api/search"
RETRIEVE_PATH = "/ctis-public-api/retrieve/{ct_number}"
# The public endpoints; a run asks search_url() / retrieve_url(), which honour CGT_ATLAS_CTIS_BASE_URL.
BASE_URL = f"{SITE.origin}/ctis-public-api"
SEARCH_URL = SITE.origin + SEARCH_PATH
RETRIEVE_URL = SITE.origin + RETRIEVE_PATH
# CTIS answers 403 when it throttles (R's ctrdata retries 403 since August 2025): retried like 429.
THROTTLE_STATUSES = frozenset({403})


def search_url() -> str:
    return SITE.url(SEARCH_PATH)


def retrieve_url(ct_number: str) -> str:
    return SITE.url(RETRIEVE_PATH.format(ct_number=ct_number))


PUBLIC_URL = "https://euclinicaltrials.eu/search-for-clinical-trials/?lang=en&EUCT={ct_number}"

PAGE_SIZE = 100  # the portal's own page size, and the cap the search accepts
FIRST_PAGE = 1  # pages are 1-based: page 0 answers 200 with totalRecords 0 for every query
SEARCH_CAP = 10_000  # a search serves at most this many records per sort order
# Bounds of the first split of a query over the cap, on the EEA start-date filter keys.
SPLIT_FROM_KEY, SPLIT_TO_KEY = "eeaStartDateFrom", "eeaStartDateTo"
SPLIT_FIRST_DAY, SPLIT_LAST_DAY = date(1990, 1, 1), date(2100, 12, 31)

# containAny casts wide on purpose; the classifier decides from the product data what is CGT.
CGT_TERMS = (
    "gene therapy",
    "cell therapy",
    "CAR-T",
    "chimeric antigen receptor",
    "AAV",
    "adeno-associated",
    "lentiviral",
    "CRISPR",
    "oncolytic",
    "stem cell",
    "autologous",
    "advanced therapy",
    "ATMP",
)


def base_criteria() -> dict[str, Any]:
    """The searchCriteria of the whole CGT query (keys the portal leaves null are omitted)."""
    return {"containAny": ", ".join(CGT_TERMS)}


def search_body(criteria: dict[str, Any], page: int) -> dict[str, Any]:
    """One search request: a 1-based page of PAGE_SIZE, newest decision first."""
    return {
        "pagination": {"page": page, "size": PAGE_SIZE},
        "sort": {"property": "decisionDate", "direction": "DESC"},
        "searchCriteria": criteria,
    }
