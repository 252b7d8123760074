"""Quality gates: checks a load must pass before it commits, as AACT checks before it publishes.

A parser that starts reading a field wrong, or a source that sends half its records, can pass
every per-record check and still make the warehouse worse. So each source's share of every
table it fills is profiled before and after its merge, inside the load's transaction; a load
that would shrink a table, empty a child table, blank a column that was filled, or quarantine
most of what it fetched fails and commits nothing, unless the run is told the change is real
(`refresh --accept-shrink`, recorded in pipeline_runs).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.connect import table_columns
from warehouse.runs import StagedRun

MAX_SHRINK = 0.10
"""A table (or a column's filled rows) may lose at most this share of a source's rows in a load."""
MIN_ROWS_LOST = 10
"""Fewer rows lost than this never trips the share gate: registries revise records one by one,
and a trial losing two of its five sites is news, not damage. Emptying a table always trips."""
MAX_QUARANTINED_SHARE = 0.5
"""A run that quarantines more than this share of its records (and at least MIN_ROWS_LOST)
is damaged input, not a few bad records."""
BOOKKEEPING_COLUMNS = frozenset({"run_id", "content_hash", "fetch_seq", "source"})


@dataclass
class TableProfile:
    """A source's rows in one table and, per column, how many of them are filled."""

    rows: int
    filled: dict[str, int]


def owned_keys(con: duckdb.DuckDBPyConnection, run: StagedRun) -> str:
    """SQL selecting the entity keys a source owns in its parent table.

    Trial tables carry a source column; regulator records are keyed "<source>:<agency id>".
    """
    parent, key = run.tables[0], run.entity_key
    if table_columns(con, parent) & {"source"}:
        return f"SELECT {key} FROM {parent} WHERE source = '{run.source}'"
    return f"SELECT {key} FROM {parent} WHERE split_part({key}, ':', 1) = '{run.source}'"


def profile(con: duckdb.DuckDBPyConnection, run: StagedRun) -> dict[str, TableProfile]:
    """Rows and filled values per column of every table the source fills, for its keys only."""
    scope = owned_keys(con, run)
    profiles: dict[str, TableProfile] = {}
    for table in run.tables:
        columns = sorted(table_columns(con, table) - BOOKKEEPING_COLUMNS)
        counts = ", ".join(["count(*)", *(f'count("{column}")' for column in columns)])
        rows, *filled = con.execute(
            f"SELECT {counts} FROM {table} WHERE {run.entity_key} IN ({scope})"
        ).fetchall()[0]
        profiles[table] = TableProfile(rows=rows, filled=dict(zip(columns, filled, strict=True)))
    return profiles


def findings(
    run: StagedRun, before: dict[str, TableProfile], after: dict[str, TableProfile], loaded: int
) -> list[str]:
    """What this load would make worse, one sentence each; empty when it passes."""
    found: list[str] = []
    for table, old in before.items():
        new = after[table]
        if _worse(old.rows, new.rows):
            found.append(
                f"{run.source}: {table} would shrink from {old.rows} to {new.rows} rows"
                f"{_pct(old.rows, new.rows)}"
            )
            continue
        for column, was in old.filled.items():
            now = new.filled.get(column, 0)
            if _worse(was, now):
                found.append(
                    f"{run.source}: {table}.{column} would be filled in {now} rows instead of {was}"
                    f"{_pct(was, now)}"
                )
    quarantined = run.rows_fetched - loaded
    if quarantined >= MIN_ROWS_LOST and quarantined > run.rows_fetched * MAX_QUARANTINED_SHARE:
        found.append(
            f"{run.source}: {quarantined} of {run.rows_fetched} records were quarantined "
            f"(more than {MAX_QUARANTINED_SHARE:.0%}): the input looks damaged"
        )
    return found


def notices(run: StagedRun, loaded: int) -> list[str]:
    """What is odd but not damage: recorded with the run, never blocking it."""
    if run.reported_total is not None and loaded > run.reported_total:
        return [
            f"{run.source}: {loaded} distinct records loaded, more than the {run.reported_total} the "
            "source reported (records added while paging, or pages from another listing)"
        ]
    return []


def _worse(before: int, after: int) -> bool:
    if before > 0 and after == 0:
        return True
    lost = before - after
    return lost >= MIN_ROWS_LOST and lost > before * MAX_SHRINK


def _pct(before: int, after: int) -> str:
    return f" ({(after - before) / before:+.0%})" if before else ""
