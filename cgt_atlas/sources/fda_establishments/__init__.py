"""FDA drug establishment registrations (DECRS, drls_reg): every registered drug or biologic site.

The register is one file, replaced weekly: a zip holding the tab-separated `drls_reg.txt`, also
exported as xlsx with the same columns. It is loaded whole into `establishments`, one row per
registered establishment, with its country from the ISO alpha-3 code that ends its address. It has
no CGT flag: which rows are CGT sites is decided in the warehouse by matching firms to the
organisations that sponsor CGT trials or hold CGT licences (establishment_matches, docs/sources.md).
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from cgt_atlas.countries import country_code, country_code_from_alpha3, country_regions
from cgt_atlas.regulatory import clean_text, iso_date
from cgt_atlas.settings import SCHEMAS_DIR, SEEDS_DIR
from cgt_atlas.sources.base import ParsedPages, parser_fingerprint
from cgt_atlas.sources.fda_establishments import settings as s
from cgt_atlas.sources.fda_establishments.helpers import fetch_register as fetch
from cgt_atlas.sources.tabular import hashed_relation, read_pages, reader_fingerprint

NAME = "fda_establishments"
DESCRIPTION = (
    "FDA drug establishment registrations (drls_reg.zip): every registered site, its FEI and operations"
)
PAGE_GLOB = "*"
TABLES = ("establishments",)
ENTITY_KEY = "establishment_id"
"""A replay folder copied from ../shared/samples carries its PROVENANCE.md and CONTRACT.md: not data."""

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "fetch", "parse"]

COLUMNS: dict[str, pl.DataType] = {
    "establishment_id": pl.Utf8,
    "fei_number": pl.Utf8,
    "duns_number": pl.Utf8,
    "firm_name": pl.Utf8,
    "address": pl.Utf8,
    "country_name": pl.Utf8,
    "country_iso3": pl.Utf8,
    "country_code": pl.Utf8,
    "region": pl.Utf8,
    "country_rule": pl.Utf8,
    "us_state_code": pl.Utf8,
    "expiration_date": pl.Utf8,
    "operations": pl.List(pl.Utf8),
    "registrant_name": pl.Utf8,
    "registrant_duns": pl.Utf8,
    "exclusion_flag": pl.Utf8,
    "fetch_seq": pl.Int64,
}


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Every row of every file, keyed by FEI and DUNS; a file that is not the register is refused whole."""
    rows, notes = read_pages(pages, s.LAYOUT, establishment, "establishments")
    relation = hashed_relation(con, "establishment_frame", rows, COLUMNS, _fingerprint())
    return ParsedPages(tables={"establishments": relation}, rows=len(rows), notes=notes)


@cache
def _fingerprint() -> str:
    return parser_fingerprint(Path(__file__).parent, SEEDS_DIR, SCHEMAS_DIR) + reader_fingerprint()


def identifier(value: object) -> str | None:
    """An FEI or DUNS as published (leading zeros kept); blank or all zeros ("0000000": not yet
    assigned) is no number at all."""
    text = clean_text(value)
    if text is None:
        return None
    text = text.removesuffix(".0") if re.fullmatch(r"\d+\.0", text) else text  # a number cell in xlsx
    return None if set(text) <= {"0"} else text


def establishment_key(fei: str | None, duns: str | None, firm: str | None, address: str | None) -> str:
    """fda_establishments:<FEI or nofei>:<DUNS>. FEI alone is no key (one FEI covers nine LNK
    International sites, each with its own DUNS; "0000000" is unassigned); the establishment DUNS
    names the site. Without a DUNS, a digest of firm and address stands in for it."""
    site = duns or "h" + hashlib.sha256(f"{firm or ''}|{address or ''}".casefold().encode()).hexdigest()[:12]
    return f"{NAME}:{fei or 'nofei'}:{site}"


def address_country(address: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """(country name, alpha-3, alpha-2, rule) from the end of an address: the "(KOR)" code when
    pycountry knows it, else the last part of the address as a country name ("..., Czechia")."""
    if address is None:
        return None, None, None, None
    match = re.search(s.ADDRESS_COUNTRY, address)
    if match:
        code = country_code_from_alpha3(match["iso3"])
        if code:
            return match["name"] or None, match["iso3"], code, "alpha-3 code"
        return match["name"] or None, match["iso3"], None, None
    name = address.rsplit(",", 1)[-1].strip()
    code = country_code(name) if name else None
    return name or None, None, code, "country name" if code else None


def establishment(row: dict[str, object], fetch_seq: int) -> dict[str, object]:
    fei, duns = identifier(row[s.FEI_NUMBER]), identifier(row[s.DUNS_NUMBER])
    firm, address = clean_text(row[s.FIRM_NAME]), clean_text(row[s.ADDRESS])
    name, iso3, code, rule = address_country(address)
    state = re.search(s.US_STATE, address) if address and code == "US" else None
    operations = [
        op for part in str(row[s.OPERATIONS] or "").split(s.OPERATION_SEPARATOR) if (op := clean_text(part))
    ]
    return {
        "establishment_id": establishment_key(fei, duns, firm, address),
        "fei_number": fei,
        "duns_number": duns,
        "firm_name": firm,
        "address": address,
        "country_name": name,
        "country_iso3": iso3,
        "country_code": code,
        "region": country_regions().get(code) if code else None,
        "country_rule": rule,
        "us_state_code": state["state"] if state else None,
        "expiration_date": iso_date(row[s.EXPIRATION_DATE], s.DATE_FORMATS),
        "operations": operations or None,
        "registrant_name": clean_text(row[s.REGISTRANT_NAME]),
        "registrant_duns": identifier(row[s.REGISTRANT_DUNS]),
        "exclusion_flag": clean_text(row[s.EXCLUSION_FLAG]),
        "fetch_seq": fetch_seq,
    }
