"""EU Clinical Trials Register (EUCTR) full-text downloads: one trial per EudraCT number."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cgt_atlas.countries import register_country_lookup
from cgt_atlas.sources.base import TRIAL_TABLES, ParsedPages, SqlFiles
from cgt_atlas.sources.common import fingerprint, register_macros
from cgt_atlas.sources.euctr.helpers import fetch_pages as fetch
from cgt_atlas.sources.euctr.records import lines_frame
from cgt_atlas.sources.euctr.settings import CGT_QUERY

NAME = "euctr"
DESCRIPTION = (
    "EU Clinical Trials Register: full-text downloads of the CGT query, one trial per EudraCT number"
)
PAGE_GLOB = "*.txt"
SEARCH = f"query={CGT_QUERY}"
TABLES = (*TRIAL_TABLES, "euctr_member_states", "trial_atimp_flags")
ENTITY_KEY = "trial_id"
WATERMARK_COLUMN = "first_posted_date"  # first entered in EudraCT
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
    """Tokenize the text pages into coded lines, then build every table in DuckDB SQL."""
    register_macros(con)
    lines, rejected = lines_frame(pages)
    con.register("euctr_lines", lines)
    con.execute("CREATE OR REPLACE TEMP TABLE euctr_line AS SELECT * FROM euctr_lines")
    con.execute(_sql("records"), {"fingerprint": fingerprint(SQL_DIR)})
    names = con.execute(
        "SELECT DISTINCT member_state FROM euctr_record WHERE member_state IS NOT NULL UNION "
        "SELECT DISTINCT trim(unnest(string_split(planned_regions, chr(10)))) FROM euctr_record"
    ).fetchall()
    register_country_lookup(con, [name for (name,) in names if name])
    rows = con.execute("SELECT count(DISTINCT trial_id) FROM euctr_record").fetchall()[0][0] + len(rejected)
    return ParsedPages(
        tables={table: con.sql(_sql(table)) for table in TABLES},
        rows=rows,
        rejected=rejected,
    )
