"""FDA CBER's "Approved Cellular and Gene Therapy Products" roster and its product pages (scraped)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
from bs4 import BeautifulSoup

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.landing import MANIFEST
from cgt_atlas.regulatory import (
    RECORD_KEY,
    RECORD_TABLES,
    AgencyRecord,
    page_seq,
    record_tables,
    regulator_fingerprint,
)
from cgt_atlas.sources.base import ParsedPages, RejectedRecord
from cgt_atlas.sources.fda_cgt.helpers import fetch_pages as fetch
from cgt_atlas.sources.fda_cgt.helpers import is_index_page, read_product_page, read_roster

NAME = "fda_cgt"
DESCRIPTION = "FDA CBER approved cellular and gene therapy products (roster + product pages, scraped)"
PAGE_GLOB = "*.html"
TABLES = RECORD_TABLES
ENTITY_KEY = RECORD_KEY

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "fetch", "parse"]


def _landed(folder: Path) -> dict[str, dict]:
    """The landing manifest's entry of each file (url, status), or nothing for pages handed in bare."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return {}
    entries = (json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line)
    return {entry["file"]: entry for entry in entries}


def _page_url(page: Path, soup: BeautifulSoup) -> str:
    """Where a page was fetched: the landing manifest, else (a page handed in) its canonical link."""
    url = _landed(page.parent).get(page.name, {}).get("url")
    if url is not None and not str(url).startswith(("https://", "http://")):
        url = None  # a hand-in is landed with its file: URL, which cites nothing
    canonical = soup.find("link", rel="canonical", href=True)
    if url is None and canonical is not None:
        url = str(canonical["href"])
    if url is None:
        raise PageStructureChanged(f"{page}: no manifest entry and no canonical link: cannot cite its URL")
    return url


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """The roster page sets the count to expect; each product page gives one approval."""
    records: list[tuple[int, AgencyRecord]] = []
    rejected: list[RejectedRecord] = []
    reported_total: int | None = None
    notes: list[str] = []
    for position, page in enumerate(pages, start=1):
        entry = _landed(page.parent).get(page.name, {})
        if int(entry.get("status") or 200) >= 400:
            rejected.append(_dead_link(entry))
            continue
        soup = BeautifulSoup(page.read_bytes(), "html.parser")
        if is_index_page(soup):
            roster = read_roster(soup, str(page))
            linked = [entry for entry in roster if entry.url]
            reported_total = len(linked)
            if len(linked) < len(roster):
                notes.append(f"{len(roster) - len(linked)} roster rows link to no product page")
            continue
        records.append((page_seq(page, position), read_product_page(soup, _page_url(page, soup))))
    return ParsedPages(
        tables=record_tables(con, records, regulator_fingerprint(Path(__file__).parent)),
        rows=len(records) + len(rejected),
        reported_total=reported_total,
        notes=notes,
        rejected=rejected,
    )


def _dead_link(entry: dict) -> RejectedRecord:
    """A roster link that answered 404 or 410: the product is quarantined, the roster still loads."""
    url = str(entry["url"])
    slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return RejectedRecord(
        entity_key=f"fda_cgt:{slug}",
        check_name="page:dead_link",
        failure_value=f"HTTP {entry['status']} for {url}",
        record=json.dumps({"url": url, "status": entry["status"], "file": entry["file"]}),
    )
