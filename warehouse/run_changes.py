"""What changed between refreshes, as `cgt-atlas changes` and the report read it from run_changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from warehouse.connect import _has_table, connect_reader

CHANGE_LABELS = {
    "new_trial": "new CGT trials",
    "trial_status": "trial status changes",
    "trial_phase": "trial phase changes",
    "new_site": "new sites of known trials",
    "new_approval": "new CGT approvals",
    "approval_ended": "approvals withdrawn, suspended or gone",
}
COLUMNS = ["run_id", "change", "source", "entity_key", "label", "before", "after"]


def since_clause(since: str | None) -> tuple[str, list[Any]]:
    """`since` as a filter: a run id (that run and later ones), a date (changes recorded on or after it), or
    None for the newest refresh that changed anything."""
    if since is None:
        return "run_id = (SELECT max(run_id) FROM run_changes)", []
    try:
        day = date.fromisoformat(since)
    except ValueError:
        return "run_id >= ?", [since]
    return "recorded_at >= ?::DATE", [day.isoformat()]


def read_changes(db_path: Path, since: str | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = connect_reader(db_path)
    try:
        if not _has_table(con, "run_changes"):
            return COLUMNS, []
        where, params = since_clause(since)
        rows = con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM run_changes WHERE {where} "
            "ORDER BY run_id, change, source, entity_key",
            params,
        ).fetchall()
        return COLUMNS, rows
    finally:
        con.close()


def change_counts(con: duckdb.DuckDBPyConnection) -> tuple[str | None, list[tuple[str, int]]]:
    """The newest refresh that changed anything, and how many changes of each kind it made."""
    if not _has_table(con, "run_changes"):
        return None, []
    latest = con.sql("SELECT max(run_id) FROM run_changes").fetchall()[0][0]
    if latest is None:
        return None, []
    counts = con.execute(
        "SELECT change, count(*) FROM run_changes WHERE run_id = ? GROUP BY change", [latest]
    ).fetchall()
    order = list(CHANGE_LABELS)
    return latest, sorted(counts, key=lambda row: order.index(row[0]) if row[0] in order else len(order))


def digest(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """The changes as a Markdown digest a team can paste or mail: a heading per kind, a line per change."""
    if not rows:
        return "# cgt-atlas: no changes\n"
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    runs = sorted({record["run_id"] for record in records})
    lines = [f"# cgt-atlas: what changed (run {runs[0]}" + (f" to {runs[-1]})" if len(runs) > 1 else ")"), ""]
    for change, heading in CHANGE_LABELS.items():
        of_kind = [record for record in records if record["change"] == change]
        if not of_kind:
            continue
        lines += [f"## {heading.capitalize()} ({len(of_kind)})", ""]
        for record in of_kind:
            moved = (
                f": {record['before']} -> {record['after']}"
                if record["before"] is not None and change != "new_site"
                else ""
            )
            lines.append(
                f"- {record['source']} {record['entity_key'].split('|')[0]}: {record['label'] or ''}{moved}"
            )
        lines.append("")
    return "\n".join(lines)
