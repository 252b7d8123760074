"""Curated approvals: agencies with no machine-readable list, and FDA's list as a fallback.

The pages are the seed files kept in the project (warehouse/curated/*.csv), one row per published
decision with the URL that publishes it. A live run lands a copy of them like any fetched page; a
replay with no curated/ folder reads them in place (`default_pages`). How to add a row, and which
row wins when a scraped or fetched row covers the same product: docs/sources.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.regulatory import (
    RECORD_KEY,
    RECORD_TABLES,
    AgencyRecord,
    clean_text,
    page_seq,
    record_tables,
    regulator_fingerprint,
)
from cgt_atlas.settings import WAREHOUSE_DIR
from cgt_atlas.sources.base import ParsedPages
from cgt_atlas.sources.curated.seeds import seed_fetch

NAME = "curated"
DESCRIPTION = "Curated approvals from published facts (PMDA, MFDS, NMPA, ...; FDA as fallback)"
PAGE_GLOB = "*.csv"
TABLES = RECORD_TABLES
ENTITY_KEY = RECORD_KEY
CURATED_DIR = WAREHOUSE_DIR / "curated"
COLUMNS = (
    "agency",
    "record_key",
    "outcome",
    "status",
    "brand_name",
    "active_substance",
    "common_name",
    "holder",
    "decision_date",
    "status_date",
    "approval_type",
    "indication",
    "agency_record_no",
    "source_url",
    "note",
)
# The sentence of the page that states the fact; carried into the record's note (older seeds may lack it).
QUOTE = "quote"

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "default_pages", "fetch", "parse"]


def default_pages() -> list[Path]:
    """The approval seed files themselves: curated rows need no network and no replay folder.

    The organisation and manufacturing-site seeds in the same folder belong to their own sources.
    """
    from cgt_atlas.sources.curated import manufacturing_sites, organisations

    others = {*organisations.SEED_FILES, *manufacturing_sites.SEED_FILES}
    return sorted(page for page in CURATED_DIR.glob(PAGE_GLOB) if page.name not in others)


fetch = seed_fetch(default_pages)


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    records: list[tuple[int, AgencyRecord]] = []
    for position, page in enumerate(pages, start=1):
        with page.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
            if missing:
                raise PageStructureChanged(
                    f"{page.name}: curated seed lacks column(s) {', '.join(missing)}; "
                    f"columns found: {', '.join(reader.fieldnames or [])}"
                )
            for row_no, row in enumerate(reader, start=1):
                records.append((page_seq(page, position) * 100_000 + row_no, _record(row)))
    return ParsedPages(
        tables=record_tables(con, records, regulator_fingerprint(Path(__file__).parent)), rows=len(records)
    )


def _record(row: dict[str, str]) -> AgencyRecord:
    value = {column: clean_text(row.get(column)) for column in COLUMNS}
    return AgencyRecord(
        record_id=f"curated:{value['agency']}:{value['record_key']}",
        agency=value["agency"] or "",
        outcome=value["outcome"] or "",
        status=value["status"] or "",
        brand_name=value["brand_name"],
        active_substance=value["active_substance"],
        common_name=value["common_name"],
        holder=value["holder"],
        decision_date=value["decision_date"],  # already YYYY[-MM[-DD]]; validation checks the shape
        status_date=value["status_date"],
        approval_type=value["approval_type"],
        indication=value["indication"],
        agency_record_no=value["agency_record_no"],
        source_kind="curated",
        source_url=value["source_url"],
        note=_note(clean_text(row.get(QUOTE)), value["note"]),
    )


def _note(quote: str | None, note: str | None) -> str | None:
    """The page's own sentence first, so every curated fact carries what states it."""
    if quote is None:
        return note
    return f'the page: "{quote}"' + (f"; {note}" if note else "")
