"""What `cgt-atlas status` shows: last run per source, table sizes, freshness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warehouse.connect import connect_reader, table_columns

LAST_RUNS = """
SELECT source, run_id, mode, status, {quality_gate} AS quality_gate, finished_at, rows_fetched,
    rows_loaded, rows_changed, rows_quarantined, watermark,
    date_diff('day', finished_at::DATE, current_date) AS days_since_run
FROM pipeline_runs
QUALIFY row_number() OVER (PARTITION BY source ORDER BY finished_at DESC) = 1
ORDER BY source
"""

FRESHNESS = """
SELECT registry, count(*) AS trials, max(last_update_date) AS newest_registry_update,
    min(last_update_date) AS oldest_registry_update
FROM trials GROUP BY registry ORDER BY registry
"""

Section = tuple[str, list[str], list[tuple[Any, ...]]]


def status_tables(db_path: Path) -> list[Section]:
    con = connect_reader(db_path)
    try:
        present = {name for (name,) in con.sql("SELECT table_name FROM information_schema.tables").fetchall()}
        sections: list[Section] = []
        if "pipeline_runs" in present:
            # Warehouses built before the quality gates gain the column at their next refresh.
            gate_known = "quality_gate" in table_columns(con, "pipeline_runs")
            runs = con.sql(LAST_RUNS.format(quality_gate="quality_gate" if gate_known else "NULL"))
            sections.append(("last run per source", runs.columns, runs.fetchall()))
        # Every table the warehouse holds (views are left out: they are computed on read),
        # marts last.
        tables = con.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "ORDER BY table_name LIKE 'mart\\_%' ESCAPE '\\', table_name"
        ).fetchall()
        counts = [(table, con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]) for (table,) in tables]
        sections.append(("rows per table", ["table", "rows"], counts))
        if "trials" in present:
            fresh = con.sql(FRESHNESS)
            sections.append(("freshness of the registry data", fresh.columns, fresh.fetchall()))
        return sections
    finally:
        con.close()
