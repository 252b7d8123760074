"""Swissmedic's list of authorised packages (xlsx): the medicines it files as transplant products
(gene therapy, cell therapy, tissue products), one record per medicine."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import MANIFEST, RawLanding
from cgt_atlas.regulatory import (
    APPROVED,
    RECORD_KEY,
    RECORD_TABLES,
    AgencyRecord,
    clean_text,
    iso_date,
    page_seq,
    record_tables,
    regulator_fingerprint,
)
from cgt_atlas.sources.base import FetchResult, ParsedPages, ProgressCallback
from cgt_atlas.sources.swissmedic import settings as s
from cgt_atlas.sources.swissmedic.helpers import package_rows, packages_link

NAME = "swissmedic"
DESCRIPTION = "Swissmedic authorised packages: medicines filed as gene, cell or tissue transplant products"
PAGE_GLOB = "*.xlsx"
TABLES = RECORD_TABLES
ENTITY_KEY = RECORD_KEY

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "fetch", "parse"]


def fetch(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """The list page names this month's workbook; download it whole (`since` is moot: one file)."""
    list_page = s.SWISSMEDIC.url(s.LIST_PAGE_PATH)
    page = client.get(list_page, expect="html")
    landing.write(page.content, url=list_page, params=None, status=page.status_code, suffix=".html")
    url = packages_link(page.content, list_page)
    if on_page:
        on_page(1, 2)
    workbook = client.get(url, expect="zip")
    landing.write(workbook.content, url=url, params=None, status=workbook.status_code, suffix=".xlsx")
    if on_page:
        on_page(1, 2)
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)


def _landed_url(page: Path) -> str:
    """Where the workbook was fetched (the landing manifest), else the list page that links to it."""
    manifest = page.parent / MANIFEST
    if manifest.is_file():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line) if line else {}
            if entry.get("file") == page.name and str(entry.get("url", "")).startswith("https://"):
                return str(entry["url"])
    return s.LIST_PAGE_URL


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Package rows of the three transplant categories, grouped into one record per authorisation number."""
    records: list[tuple[int, AgencyRecord]] = []
    notes: list[str] = []
    for position, page in enumerate(pages, start=1):
        medicines: dict[str, list[tuple[int, dict[str, object]]]] = {}
        packages = 0
        for row_no, row in enumerate(package_rows(page), start=1):
            packages += 1
            if clean_text(row[s.CATEGORY]) in s.CGT_CATEGORIES:
                number = _authorisation_number(row[s.AUTHORISATION_NUMBER])
                medicines.setdefault(number, []).append((row_no, row))
        url = _landed_url(page)
        for number, rows in medicines.items():
            first_row_no = rows[0][0]
            records.append((page_seq(page, position) * 100_000 + first_row_no, _record(number, rows, url)))
        notes.append(f"{page.name}: {packages} packages read, {len(medicines)} transplant-product medicines")
    return ParsedPages(
        tables=record_tables(con, records, regulator_fingerprint(Path(__file__).parent)),
        rows=len(records),
        notes=notes,
    )


def _authorisation_number(value: object) -> str:
    """Excel stores the number as an integer (66778); text is kept as printed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value) or ""


def _record(number: str, rows: list[tuple[int, dict[str, object]]], url: str) -> AgencyRecord:
    """One medicine from its packages: the first package names it; the earliest first-authorisation date."""
    first = rows[0][1]
    dates = sorted(
        date for _, row in rows if (date := iso_date(row[s.FIRST_AUTHORISATION], s.DATE_FORMATS)) is not None
    )
    return AgencyRecord(
        record_id=f"swissmedic:{number}",
        agency="SWISSMEDIC",
        outcome=APPROVED,
        status="authorised",  # the list holds only packages authorised on its reference date
        brand_name=clean_text(first[s.NAME]),
        active_substance=clean_text(first[s.ACTIVE_SUBSTANCES]),
        common_name=None,
        holder=clean_text(first[s.HOLDER]),
        decision_date=dates[0] if dates else None,
        status_date=None,
        approval_type=None,  # the list says nothing of conditional or temporary authorisation
        indication=clean_text(first[s.INDICATION]),
        agency_record_no=number or None,
        source_kind="fetched",
        source_url=url,
        note=f"Heilmittelcode: {clean_text(first[s.CATEGORY])}",
    )
