"""What registry parsers share: the cross-registry macros (phase, status, dates) and the
fingerprint inputs, so that a change to a shared macro reloads every source that uses it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

from cgt_atlas.settings import SCHEMAS_DIR, SEEDS_DIR, WAREHOUSE_DIR
from cgt_atlas.sources.base import parser_fingerprint

COMMON_SQL_DIR = Path(__file__).parent / "common_sql"
TRIAL_NUMBERS_SQL = WAREHOUSE_DIR / "ddl" / "031_trial_numbers.sql"  # shared with the warehouse


def register_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((COMMON_SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    con.execute(TRIAL_NUMBERS_SQL.read_text(encoding="utf-8"))


@cache
def fingerprint(sql_dir: Path) -> str:
    """A source's parser fingerprint: its own SQL, the shared macros, seeds and schemas."""
    return parser_fingerprint(sql_dir, COMMON_SQL_DIR, TRIAL_NUMBERS_SQL.parent, SEEDS_DIR, SCHEMAS_DIR)
