"""FDA CBER "Approved Cellular and Gene Therapy Products" (see ../shared/samples/fda_cgt/CONTRACT.md)."""

from __future__ import annotations

import os

SITE = "https://www.fda.gov"
INDEX_URL = (
    f"{SITE}/vaccines-blood-biologics/cellular-gene-therapy-products/"
    "approved-cellular-and-gene-therapy-products"
)

# Roster links are followed only to FDA's own site, over https: the scraper must not wander the web.
FOLLOWED_HOSTS = frozenset({"www.fda.gov"})

# The roster is the table whose header names these columns (compared case-folded, spaces collapsed).
ROSTER_HEADERS = ("product & trade name", "manufacturer")
TRADE_AND_PROPER = r"^(?P<trade>.+?)\s*\((?P<proper>.*)\)\s*$"
STN = r"\bSTN\s*:?\s*(?:BL\s*)?(?P<stn>\d{6})\b"
APPROVAL_LETTER = r"(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})\s*[-–]?\s*Approval Letter"
LETTER_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y")

DEFAULT_CRAWL_DELAY = 30.0  # fda.gov robots.txt: Crawl-Delay: 30


def crawl_delay() -> float:
    """Seconds between requests to fda.gov; CGT_ATLAS_FDA_CRAWL_DELAY overrides robots.txt's 30."""
    return float(os.environ.get("CGT_ATLAS_FDA_CRAWL_DELAY", DEFAULT_CRAWL_DELAY))
