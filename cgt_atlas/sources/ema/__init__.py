"""EMA "Medicines output" report (xlsx): human medicines EMA classifies as advanced therapies (ATMPs)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.regulatory import (
    APPROVED,
    NOT_GRANTED,
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
from cgt_atlas.sources.ema import settings as s
from cgt_atlas.sources.ema.helpers import report_rows

NAME = "ema"
DESCRIPTION = "EMA medicines report: human advanced-therapy medicines, authorised or not"
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
    """The report is one file, regenerated twice a day: always download it whole (`since` is moot)."""
    url = s.SITE.url(s.REPORT_PATH)
    response = client.get(url, expect="zip")
    landing.write(response.content, url=url, params=None, status=response.status_code, suffix=".xlsx")
    if on_page:
        on_page(1, 1)
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Human ATMP rows of each report into regulator records; pending opinions are counted, not loaded."""
    records: list[tuple[int, AgencyRecord]] = []
    pending = 0
    for position, page in enumerate(pages, start=1):
        for row_no, row in enumerate(report_rows(page), start=1):
            if clean_text(row[s.CATEGORY]) != "Human" or clean_text(row[s.ADVANCED_THERAPY]) != "Yes":
                continue
            if clean_text(row[s.STATUS]) in s.PENDING_STATUSES:
                pending += 1
                continue
            records.append((page_seq(page, position) * 100_000 + row_no, _record(row)))
    notes = [f"{pending} advanced-therapy applications await a decision (opinion stage): not loaded"]
    return ParsedPages(
        tables=record_tables(con, records, regulator_fingerprint(Path(__file__).parent)),
        rows=len(records),
        notes=notes if pending else [],
    )


def _record(row: dict[str, object]) -> AgencyRecord:
    published_status = clean_text(row[s.STATUS]) or ""
    if published_status in s.NOT_GRANTED_STATUSES:
        outcome = NOT_GRANTED
        status, date_column = s.NOT_GRANTED_STATUSES[published_status]
        decision_date, status_date = iso_date(row[date_column]), None
    else:
        # An unknown status is kept as published so that validation quarantines it with its value.
        outcome = APPROVED
        status = s.APPROVED_STATUSES.get(published_status, published_status)
        decision_date = iso_date(row[s.AUTHORISATION_DATE])
        end_column = s.SUSPENSION_DATE if status == "suspended" else s.END_DATE
        status_date = iso_date(row[end_column]) if status != "authorised" else None
    product_number = clean_text(row[s.PRODUCT_NUMBER])
    return AgencyRecord(
        record_id=f"ema:{product_number}",
        agency="EMA",
        outcome=outcome,
        status=status,
        brand_name=clean_text(row[s.NAME]),
        active_substance=clean_text(row[s.ACTIVE_SUBSTANCE]),
        common_name=clean_text(row[s.INN]),
        holder=clean_text(row[s.HOLDER]),
        decision_date=decision_date,
        status_date=status_date,
        approval_type=_approval_type(row) if outcome == APPROVED else None,
        indication=clean_text(row[s.INDICATION]),
        agency_record_no=product_number,
        source_kind="fetched",
        source_url=clean_text(row[s.URL]),
    )


def _approval_type(row: dict[str, object]) -> str:
    if clean_text(row[s.CONDITIONAL]) == "Yes":
        return "conditional"
    if clean_text(row[s.EXCEPTIONAL]) == "Yes":
        return "exceptional_circumstances"
    return "standard"
