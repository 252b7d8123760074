"""FDA CBER "Approved Cellular and Gene Therapy Products" (see ../shared/samples/fda_cgt/CONTRACT.md)."""

from __future__ import annotations

import os

from cgt_atlas.settings import Site as _Site

# Roster links are followed only to FDA's own site, over https (or on the server
# CGT_ATLAS_FDA_CGT_BASE_URL names): the scraper must not wander the web.
FOLLOWED_HOSTS = frozenset({"www.fda.gov"})
FDA = _Site("fda_cgt", "https://www.fda.gov", FOLLOWED_HOSTS)
SITE = FDA.origin
INDEX_PATH = (
    "/vaccines-blood-biologics/cellular-gene-therapy-products/approved-cellular-and-gene-therapy-products"
)
INDEX_URL = SITE + INDEX_PATH

# The roster is the table whose header names these columns (compared case-folded, spaces collapsed).
ROSTER_HEADERS = ("product & trade name", "manufacturer")
TRADE_AND_PROPER = r"^(?P<trade>.+?)\s*\((?P<proper>.*)\)\s*$"
STN = r"\bSTN\s*:?\s*(?:BL\s*)?(?P<stn>\d{6})\b"
APPROVAL_LETTER = r"(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})\s*[-–]?\s*Approval Letter"
LETTER_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y")

# A roster link answering one of these is dead: the product is quarantined with its URL and status.
DEAD_LINK_STATUSES = frozenset({404, 410})

DEFAULT_CRAWL_DELAY = 30.0  # fda.gov robots.txt: Crawl-Delay: 30


def crawl_delay() -> float:
    """Seconds between requests to fda.gov; CGT_ATLAS_FDA_CRAWL_DELAY overrides robots.txt's 30."""
    return float(os.environ.get("CGT_ATLAS_FDA_CRAWL_DELAY", DEFAULT_CRAWL_DELAY))
