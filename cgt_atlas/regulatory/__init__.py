"""What every regulator source shares: one record shape, text cleaning, and the tables built from it.

Regulators publish spreadsheets, HTML pages or nothing machine-readable at all, so their parsers
read in Python; each hands back `AgencyRecord`s and `record_tables` turns them into the
DuckDB relations the staging step validates, the same way for every agency.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from cgt_atlas.settings import SCHEMAS_DIR, SEEDS_DIR

PACKAGE_DIR = Path(__file__).parent
APPROVED = "approved"
NOT_GRANTED = "not_granted"
RECORD_TABLES = ("regulatory_records", "approvals", "applications_not_granted")
RECORD_KEY = "record_id"


@dataclass
class AgencyRecord:
    """One agency decision on one product, as published: an authorisation or an application not granted."""

    record_id: str
    agency: str
    outcome: str  # APPROVED or NOT_GRANTED
    status: str  # authorised, withdrawn, expired, ... or refused, application_withdrawn
    brand_name: str | None
    active_substance: str | None
    common_name: str | None
    holder: str | None
    decision_date: str | None  # original authorisation, or the refusal / withdrawal; YYYY[-MM[-DD]]
    status_date: str | None
    approval_type: str | None
    indication: str | None
    agency_record_no: str | None
    source_kind: str  # scraped, fetched or curated
    source_url: str | None
    note: str | None = None


def clean_text(value: object) -> str | None:
    """Agencies' text as a reader sees it: HTML entities decoded, whitespace collapsed, blanks NULL."""
    if value is None:
        return None
    text = " ".join(html.unescape(str(value)).replace("\xa0", " ").split())
    return text or None


def iso_date(value: object, formats: tuple[str, ...] = ("%d/%m/%Y",)) -> str | None:
    """A published date (datetime, or text in one of `formats`) as YYYY-MM-DD; None when blank.

    A non-blank value that fits no format is kept as published so validation quarantines it.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = clean_text(value)
    if text is None:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


@cache
def regulator_fingerprint(source_dir: Path) -> str:
    """A regulator parser's output depends on its own package, this module, the seeds and schemas."""
    from cgt_atlas.sources.base import parser_fingerprint  # sources import this module first

    return parser_fingerprint(source_dir, PACKAGE_DIR, SEEDS_DIR, SCHEMAS_DIR)


@cache
def _agencies() -> pl.DataFrame:
    return pl.read_csv(SEEDS_DIR / "agencies.csv", columns=["agency", "country_code", "region"])


def record_tables(
    con: duckdb.DuckDBPyConnection,
    records: list[tuple[int, AgencyRecord]],
    fingerprint: str,
) -> dict[str, duckdb.DuckDBPyRelation]:
    """The three regulator tables from (fetch_seq, record) pairs, as relations on `con`.

    The parent `regulatory_records` carries the content hash of the whole record plus the
    parser fingerprint; `approvals` and `applications_not_granted` split it by outcome.
    """
    schema = {field.name: pl.Utf8 for field in fields(AgencyRecord)}
    frame = pl.DataFrame(
        [{"fetch_seq": seq, **asdict(record)} for seq, record in records],
        schema={"fetch_seq": pl.Int64, **schema},
    ).join(_agencies(), on="agency", how="left")
    con.register("regulatory_record_frame", frame)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE regulatory_record_rows AS "
        "SELECT *, hash(to_json(r), $fingerprint)::UBIGINT AS content_hash "
        "FROM regulatory_record_frame AS r",
        {"fingerprint": fingerprint},
    )
    con.unregister("regulatory_record_frame")
    return {table: con.sql(_SQL[table]) for table in RECORD_TABLES}


_SQL = {
    "regulatory_records": """
        SELECT record_id, agency, outcome, agency_record_no, source_kind, source_url, note,
            content_hash, fetch_seq
        FROM regulatory_record_rows""",
    "approvals": f"""
        SELECT record_id, record_id AS approval_id, agency, country_code, region, brand_name,
            active_substance, common_name, holder, decision_date AS approval_date, approval_type,
            status, status_date, indication, agency_record_no, source_kind, source_url, fetch_seq
        FROM regulatory_record_rows WHERE outcome = '{APPROVED}'""",
    "applications_not_granted": f"""
        SELECT record_id, record_id AS application_id, agency, country_code, region, brand_name,
            active_substance, common_name, holder, status AS decision, decision_date, indication,
            agency_record_no, source_kind, source_url, fetch_seq
        FROM regulatory_record_rows WHERE outcome = '{NOT_GRANTED}'""",
}


def page_seq(page: Path, position: int) -> int:
    """A page's place in fetch order: its landed number (page-0007 -> 7), else its list position."""
    match = re.fullmatch(r"page-(\d+)", page.stem)
    return int(match.group(1)) if match else position
