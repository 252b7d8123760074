"""FDA Data Dashboard compliance actions: warning letters, injunctions and seizures, by firm and FEI.

The dashboard exports xlsx (its API needs a registered key), so this is a hand-in source like
ICTRP: a person exports Compliance Actions and puts the file (xlsx, or CSV) in
data/inbox/fda_compliance/ (or $CGT_ATLAS_FDA_COMPLIANCE_INBOX). Loaded whole into
`compliance_actions`; mart_cell_product_enforcement counts the actions against cell-based products.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from cgt_atlas.countries import country_code, country_regions
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.regulatory import clean_text, iso_date
from cgt_atlas.settings import SCHEMAS_DIR, SEEDS_DIR
from cgt_atlas.sources.base import FetchResult, ParsedPages, ProgressCallback, parser_fingerprint
from cgt_atlas.sources.fda_compliance import settings as s
from cgt_atlas.sources.fda_establishments import identifier
from cgt_atlas.sources.inbox import inbox_folder, land_inbox
from cgt_atlas.sources.tabular import hashed_relation, read_pages, reader_fingerprint

NAME = "fda_compliance"
DESCRIPTION = (
    "FDA Data Dashboard compliance actions (warning letters, injunctions, seizures), exported by hand "
    "into data/inbox/fda_compliance/ (the API needs a key)"
)
PAGE_GLOB = "*"
TABLES = ("compliance_actions",)
ENTITY_KEY = "action_id"

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "fetch", "parse"]

COLUMNS: dict[str, pl.DataType] = {
    "action_id": pl.Utf8,
    "case_id": pl.Utf8,
    "fei_number": pl.Utf8,
    "legal_name": pl.Utf8,
    "state": pl.Utf8,
    "country": pl.Utf8,
    "country_code": pl.Utf8,
    "region": pl.Utf8,
    "product_type": pl.Utf8,
    "action_date": pl.Utf8,
    "action_type": pl.Utf8,
    "fetch_seq": pl.Int64,
}


def fetch(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """Land the exports in the inbox (the dashboard states no total, so none is checked)."""
    return land_inbox(
        NAME,
        inbox_folder(NAME, s.INBOX_ENV),
        s.SUFFIXES,
        landing,
        on_page,
        f"export Compliance Actions (xlsx) at {s.DASHBOARD_URL} and put the file there (see docs/sources.md)",
    )


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Every row of every export; a file whose header is not the dashboard's is refused whole."""
    rows, notes = read_pages(pages, s.LAYOUT, action, "compliance actions")
    relation = hashed_relation(con, "compliance_frame", rows, COLUMNS, _fingerprint())
    return ParsedPages(tables={"compliance_actions": relation}, rows=len(rows), notes=notes)


@cache
def _fingerprint() -> str:
    return parser_fingerprint(Path(__file__).parent, SEEDS_DIR, SCHEMAS_DIR) + reader_fingerprint()


def _given(value: object) -> str | None:
    text = clean_text(value)
    return None if text is None or text.casefold() in s.NOT_GIVEN else text


def action(row: dict[str, object], fetch_seq: int) -> dict[str, object]:
    fei, case = identifier(row[s.FEI_NUMBER]), identifier(row[s.CASE_ID])
    country = _given(row[s.COUNTRY])
    code = country_code(country) if country else None
    return {
        "action_id": f"{NAME}:{case or 'nocase'}:{fei or 'nofei'}",
        "case_id": case,
        "fei_number": fei,
        "legal_name": clean_text(row[s.LEGAL_NAME]),
        "state": _given(row[s.STATE]),
        "country": country,
        "country_code": code,
        "region": country_regions().get(code) if code else None,
        "product_type": clean_text(row[s.PRODUCT_TYPE]),
        "action_date": iso_date(row[s.ACTION_DATE], s.DATE_FORMATS),
        "action_type": clean_text(row[s.ACTION_TYPE]),
        "fetch_seq": fetch_seq,
    }
