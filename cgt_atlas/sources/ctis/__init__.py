"""EU CTIS public portal API: searched for the CGT query, then each trial's full record retrieved."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb

from cgt_atlas.countries import register_country_lookup
from cgt_atlas.errors import DamagedPage
from cgt_atlas.sources.base import TRIAL_TABLES, ParsedPages, RejectedRecord, SqlFiles
from cgt_atlas.sources.common import fingerprint, register_macros
from cgt_atlas.sources.ctis.helpers import fetch_pages as fetch
from cgt_atlas.sources.ctis.settings import base_criteria

NAME = "ctis"
DESCRIPTION = "EU CTIS public portal: trials matching the CGT query, one per EU CT number, full records"
PAGE_GLOB = "*.json"
SEARCH = f"searchCriteria.containAny={base_criteria()['containAny']}"
TABLES = (*TRIAL_TABLES, "trial_atimp_flags")
ENTITY_KEY = "trial_id"
WATERMARK_COLUMN = "last_update_date"
SQL_DIR = Path(__file__).parent / "sql"
CT_NUMBER = re.compile(r"\d{4}-5\d{5}-\d{2}-\d{2}")


def _type(name: str) -> str:
    return " ".join((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").split())


# The two parts' types are spelled once and set into records.sql, for both body formats.
_sql = SqlFiles(SQL_DIR, PART_I=_type("part_one_type"), PART_II=_type("part_two_type"))

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


def parse(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages:
    """Read trial records (search pages landed beside them give no rows) into the trial tables."""
    register_macros(con)
    con.execute(_sql("macros"))
    rejected = _read_records(con, pages)
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
    rows = con.sql("SELECT count(DISTINCT trial_id) FROM ctis_record").fetchall()[0][0] + len(rejected)
    return ParsedPages(
        tables={table: con.sql(_sql(table)) for table in TABLES},
        rows=rows,
        rejected=rejected,
    )


def _read_records(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> list[RejectedRecord]:
    """Build ctis_record; a trial body DuckDB cannot read is quarantined, the others load.

    CTIS serves one trial per body, so when the whole set fails each body is tried alone (only
    then: clean data pays one read). A damaged search page holds no trial to set aside: it fails.
    """
    try:
        _records_sql(con, pages)
        return []
    except (duckdb.InvalidInputException, duckdb.ConversionException):
        pass
    readable: list[Path] = []
    rejected: list[RejectedRecord] = []
    for page in pages:
        try:
            _records_sql(con, [page])
            readable.append(page)
        except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
            head = page.read_bytes()[:4096].decode("utf-8", errors="replace")
            if '"pagination"' in head:
                raise DamagedPage(f"CTIS search page {page} cannot be read: {error}") from error
            number = CT_NUMBER.search(head)
            rejected.append(
                RejectedRecord(
                    entity_key=number[0] if number else None,
                    check_name="record:unreadable",
                    failure_value=str(error).split("\n")[0][:300],
                    record=json.dumps({"file": str(page), "bytes": page.stat().st_size}),
                )
            )
    _records_sql(con, readable)
    return rejected


def _records_sql(con: duckdb.DuckDBPyConnection, pages: list[Path]) -> None:
    con.execute(_sql("records"), {"pages": [str(p) for p in pages], "fingerprint": fingerprint(SQL_DIR)})
