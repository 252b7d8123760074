"""What `cgt-atlas status` shows: last run per source, table sizes, freshness."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.connect import connect_reader, table_columns
from warehouse.runs import SUCCEEDED

RUNS_TITLE = "last run per source"

LAST_RUNS = """
WITH latest AS (
    SELECT * FROM pipeline_runs
    QUALIFY row_number() OVER (PARTITION BY source ORDER BY finished_at DESC, run_id DESC) = 1
), loaded AS (
    SELECT source, max(finished_at) AS last_loaded_at FROM pipeline_runs WHERE {succeeded} GROUP BY source
)
SELECT source, run_id, mode, status, {quality_gate} AS quality_gate, finished_at, rows_fetched,
    rows_loaded, rows_changed, rows_quarantined, watermark,
    date_diff('day', finished_at::DATE, current_date) AS days_since_run,
    loaded.last_loaded_at, NOT ({succeeded}) AS stale, {error} AS error, {next_step} AS next_step,
    {retry_later} AS retry_later
FROM latest LEFT JOIN loaded USING (source)
ORDER BY source
"""
"""The last run of each source, failed or not; a source whose last run did not load is stale: its data is
as of last_loaded_at."""

FRESHNESS = """
SELECT registry, count(*) AS trials, max(last_update_date) AS newest_registry_update,
    min(last_update_date) AS oldest_registry_update
FROM trials GROUP BY registry ORDER BY registry
"""

OPTIONAL_RUN_COLUMNS = ("quality_gate", "error", "next_step", "retry_later")

Section = tuple[str, list[str], list[tuple[Any, ...]]]


def health_problems(db_path: Path, max_age_hours: float | None, now: datetime | None = None) -> list[str]:
    """Why the warehouse is not healthy, one line per source: its last run failed, or its last load is
    older than max_age_hours. Empty when healthy (what `status --check` exits 0 on)."""
    con = connect_reader(db_path)
    try:
        runs = rows_of(last_runs(con))
    finally:
        con.close()
    now = now or datetime.now(UTC)
    problems = []
    for run in runs:
        if run["stale"]:
            error = run["error"] or "no error recorded"
            problems.append(f"{run['source']}: last run {run['run_id']} {run['status']}: {error}")
        elif max_age_hours is not None and run["last_loaded_at"] is not None:
            age = (now - run["last_loaded_at"].astimezone(UTC)).total_seconds() / 3600
            if age > max_age_hours:
                problems.append(
                    f"{run['source']}: last loaded {age:.0f} h ago, more than --max-age {max_age_hours:g} h"
                )
    if not runs:
        problems.append("no source was ever loaded into this warehouse")
    return problems


def rows_of(section: Section) -> list[dict[str, Any]]:
    _title, columns, rows = section
    return [dict(zip(columns, row, strict=True)) for row in rows]


def last_runs(con: duckdb.DuckDBPyConnection) -> Section:
    """The last run of each source (LAST_RUNS); a warehouse built before a column was added reads NULL for it
    until its next refresh adds it."""
    known = table_columns(con, "pipeline_runs")
    columns = {c: c if c in known else "NULL" for c in OPTIONAL_RUN_COLUMNS}
    runs = con.sql(LAST_RUNS.format(succeeded=SUCCEEDED, **columns))
    return RUNS_TITLE, runs.columns, runs.fetchall()


def status_tables(db_path: Path) -> list[Section]:
    con = connect_reader(db_path)
    try:
        present = {name for (name,) in con.sql("SELECT table_name FROM information_schema.tables").fetchall()}
        sections: list[Section] = []
        if "pipeline_runs" in present:
            sections.append(last_runs(con))
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
