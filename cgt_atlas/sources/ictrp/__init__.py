"""WHO ICTRP XML exports: trials of every source register (ChiCTR, JPRN, CRIS, CTRI, ...)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cgt_atlas.countries import register_country_lookup
from cgt_atlas.sources.base import TRIAL_TABLES, ParsedPages, SqlFiles
from cgt_atlas.sources.common import fingerprint, register_macros
from cgt_atlas.sources.ictrp.helpers import land_exports as fetch
from cgt_atlas.sources.ictrp.records import trials_frame

NAME = "ictrp"
DESCRIPTION = "WHO ICTRP: XML exports of the Search Portal handed in via data/inbox/ictrp/ (no open API)"
PAGE_GLOB = "*.xml"
SEARCH = (
    "the search whoever exported the XML ran in the Search Portal (the export does not record it; "
    "docs/sources.md suggests one)"
)
TABLES = (*TRIAL_TABLES, "ictrp_records")
ENTITY_KEY = "trial_id"
WATERMARK_COLUMN = "last_update_date"
SQL_DIR = Path(__file__).parent / "sql"
_sql = SqlFiles(SQL_DIR)

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
    """Read the exports with defusedxml, then map every table in DuckDB SQL."""
    register_macros(con)
    frame = trials_frame(pages)
    con.register("ictrp_frame", frame)
    con.execute(_sql("records"), {"fingerprint": fingerprint(SQL_DIR)})
    names = con.execute(
        "SELECT DISTINCT trim(unnest(string_split(Countries, ';'))) FROM ictrp_trial"
    ).fetchall()
    register_country_lookup(con, [name for (name,) in names if name])
    rows = con.execute("SELECT count(*) FROM ictrp_trial").fetchall()[0][0]
    return ParsedPages(tables={table: con.sql(_sql(table)) for table in TABLES}, rows=rows)
