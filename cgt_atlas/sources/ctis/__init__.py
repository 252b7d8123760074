"""EU CTIS public portal API: searched for the CGT query, then each trial's full record retrieved."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cgt_atlas.countries import register_country_lookup
from cgt_atlas.sources.base import TRIAL_TABLES, ParsedPages, SqlFiles
from cgt_atlas.sources.common import fingerprint, register_macros
from cgt_atlas.sources.ctis.helpers import fetch_pages as fetch

NAME = "ctis"
DESCRIPTION = "EU CTIS public portal: trials matching the CGT query, one per EU CT number, full records"
PAGE_GLOB = "*.json"
TABLES = (*TRIAL_TABLES, "trial_atimp_flags")
ENTITY_KEY = "trial_id"
WATERMARK_COLUMN = "last_update_date"
SQL_DIR = Path(__file__).parent / "sql"


def _type(name: str) -> str:
    return " ".join((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").split())


# The two parts' types are spelled once and set into records.sql, for both body formats.
_sql = SqlFiles(SQL_DIR, PART_I=_type("part_one_type"), PART_II=_type("part_two_type"))

__all__ = ["DESCRIPTION", "ENTITY_KEY", "NAME", "PAGE_GLOB", "TABLES", "WATERMARK_COLUMN", "fetch", "parse"]


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Read trial records (search pages landed beside them give no rows) into the trial tables."""
    register_macros(con)
    con.execute(_sql("macros"))
    con.execute(_sql("records"), {"pages": [str(p) for p in pages], "fingerprint": fingerprint(SQL_DIR)})
    names = con.sql(
        "SELECT DISTINCT trim(name) FROM ("
        " SELECT unnest(list_concat("
        "   list_transform(flatten(list_transform(p2, lambda p: p.trialSites)),"
        "     lambda s: s.organisationAddressInfo.address.countryName),"
        "   list_transform(p2, lambda p: coalesce(p.mscInfo.countryName, p.mscInfo.mscName)),"
        "   list_transform(mscs, lambda m: coalesce(m.countryName, m.mscName)),"
        "   list_transform(p1.rowCountriesInfo, lambda c: c.name))) AS name"
        " FROM ctis_record) WHERE nullif(trim(name), '') IS NOT NULL"
    ).fetchall()
    register_country_lookup(con, [name for (name,) in names])
    rows = con.sql("SELECT count(DISTINCT trial_id) FROM ctis_record").fetchall()[0][0]
    return ParsedPages(
        tables={table: con.sql(_sql(table)) for table in TABLES},
        rows=rows,
    )
