#!/usr/bin/env bash
# Open a warehouse with a DuckDB 1.4 client, as R, DBeaver and older notebooks would (issue 18, item 9).
# Needs PyPI (uv fetches duckdb 1.4 into a throwaway environment), so it is a script, not a test; the
# tests check the file's storage version instead (tests/test_unattended.py).
#   scripts/check_duckdb_1_4.sh [WAREHOUSE]      default: data/cgt_atlas.duckdb
set -euo pipefail
db="${1:-data/cgt_atlas.duckdb}"
python3 -m uv run --no-project --with 'duckdb>=1.4,<1.5' python - "$db" <<'PY'
import sys

import duckdb

con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.sql("select count(*) from information_schema.tables where table_name like 'mart%'").fetchone()[0]
trials = con.sql("select count(*) from trials").fetchone()[0]
print(f"DuckDB {duckdb.__version__} opened {sys.argv[1]}: {tables} marts, {trials} trials")
PY
