"""ClinicalTrials.gov API v2 (`GET /api/v2/studies`): CGT interventional studies."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import duckdb

from cgt_atlas.countries import register_country_lookup
from cgt_atlas.errors import PageStructureChanged
from cgt_atlas.settings import SCHEMAS_DIR, SEEDS_DIR
from cgt_atlas.sources.base import TRIAL_TABLES, ParsedPages, RejectedRecord, SqlFiles, parser_fingerprint
from cgt_atlas.sources.ctgov import records
from cgt_atlas.sources.ctgov.helpers import fetch_pages as fetch
from cgt_atlas.sources.ctgov.settings import CGT_INTERVENTION_QUERY, STUDY_FILTER

NAME = "ctgov"
DESCRIPTION = "ClinicalTrials.gov API v2: interventional studies matching the CGT query"
PAGE_GLOB = "*.json"
SEARCH = f"query.intr=({CGT_INTERVENTION_QUERY}); filter.advanced={STUDY_FILTER}"
TABLES = TRIAL_TABLES
ENTITY_KEY = "trial_id"
WATERMARK_COLUMN = "last_update_date"
SQL_DIR = Path(__file__).parent / "sql"
# The study type is spelled once, in protocol_type.sql, and set into studies.sql.
PROTOCOL_TYPE = " ".join((SQL_DIR / "protocol_type.sql").read_text().split())
_sql = SqlFiles(SQL_DIR, PROTOCOL=PROTOCOL_TYPE)

__all__ = [
    "DESCRIPTION",
    "ENTITY_KEY",
    "NAME",
    "PAGE_GLOB",
    "SEARCH",
    "TABLES",
    "WATERMARK_COLUMN",
    "fetch",
    "parse",
]


@cache
def _fingerprint() -> str:
    return parser_fingerprint(SQL_DIR, SEEDS_DIR, SCHEMAS_DIR)


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Parse pages (or single-study bodies) into the canonical trial tables, all in DuckDB.

    Pages DuckDB cannot read whole, or with a study it would misread, go through the study by
    study check first: the damaged studies are quarantined and the rest of the page loads.
    """
    rejected: list[RejectedRecord] = []
    clean = not any(records.needs_check(page) for page in pages) and _read_studies(con, pages)
    if not clean:
        with tempfile.TemporaryDirectory(prefix="ctgov-pages-") as work_dir:
            cleaned, rejected = records.clean_pages(pages, PROTOCOL_TYPE, Path(work_dir))
            if not _read_studies(con, cleaned):
                raise PageStructureChanged(
                    "ClinicalTrials.gov studies still lack a protocolSection after the study check"
                )
    reported_total, paged = con.sql("SELECT max(reported_total), bool_or(paged) FROM ctgov_study").fetchall()[
        0
    ]
    con.execute("DELETE FROM ctgov_study WHERE NOT is_study")
    names = con.sql(
        "SELECT DISTINCT loc.country FROM (SELECT unnest(ps.contactsLocationsModule.locations) AS loc"
        " FROM ctgov_study) WHERE loc.country IS NOT NULL"
    ).fetchall()
    register_country_lookup(con, [name for (name,) in names])
    rows = con.sql("SELECT count(*) FROM ctgov_study").fetchall()[0][0] + len(rejected)
    return ParsedPages(
        tables={table: con.sql(_sql(table)) for table in TABLES},
        rows=rows,
        reported_total=reported_total,
        total_expected=bool(paged),
        rejected=rejected,
    )


def _read_studies(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> bool:
    """Build ctgov_study; False when DuckDB refuses a page or a study has no protocolSection."""
    try:
        con.execute(_sql("studies"), {"pages": [str(p) for p in pages], "fingerprint": _fingerprint()})
    except (duckdb.InvalidInputException, duckdb.ConversionException):
        return False
    return not con.sql("SELECT count(*) FROM ctgov_study WHERE is_study AND ps IS NULL").fetchall()[0][0]
