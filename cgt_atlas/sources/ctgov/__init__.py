"""ClinicalTrials.gov API v2 (`GET /api/v2/studies`): CGT interventional studies."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

from cgt_atlas.countries import register_country_lookup
from cgt_atlas.settings import SCHEMAS_DIR, SEEDS_DIR
from cgt_atlas.sources.base import TRIAL_TABLES, ParsedPages, SqlFiles, parser_fingerprint
from cgt_atlas.sources.ctgov.helpers import fetch_pages as fetch

NAME = "ctgov"
DESCRIPTION = "ClinicalTrials.gov API v2: interventional studies matching the CGT query"
PAGE_GLOB = "*.json"
TABLES = TRIAL_TABLES
ENTITY_KEY = "trial_id"
SQL_DIR = Path(__file__).parent / "sql"
# The study type is spelled once, in protocol_type.sql, and set into studies.sql.
_sql = SqlFiles(SQL_DIR, PROTOCOL=" ".join((SQL_DIR / "protocol_type.sql").read_text().split()))

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "fetch", "parse"]


@cache
def _fingerprint() -> str:
    return parser_fingerprint(SQL_DIR, SEEDS_DIR, SCHEMAS_DIR)


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Parse pages (or single-study bodies) into the canonical trial tables, all in DuckDB."""
    con.execute(_sql("studies"), {"pages": [str(p) for p in pages], "fingerprint": _fingerprint()})
    reported_total = con.sql("SELECT max(reported_total) FROM ctgov_study").fetchall()[0][0]
    con.execute("DELETE FROM ctgov_study WHERE ps IS NULL")
    names = con.sql(
        "SELECT DISTINCT loc.country FROM (SELECT unnest(ps.contactsLocationsModule.locations) AS loc"
        " FROM ctgov_study) WHERE loc.country IS NOT NULL"
    ).fetchall()
    register_country_lookup(con, [name for (name,) in names])
    rows, watermark = con.sql(
        "SELECT count(*), max(ps.statusModule.lastUpdatePostDateStruct.date) FROM ctgov_study"
    ).fetchall()[0]
    return ParsedPages(
        tables={table: con.sql(_sql(table)) for table in TABLES},
        rows=rows,
        reported_total=reported_total,
        watermark=watermark,
    )
