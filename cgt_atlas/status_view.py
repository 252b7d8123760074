"""`cgt-atlas status` as a person reads it in a terminal: what fits the width, most useful first.

The csv and json formats keep every column as stored; this view shortens run ids, gives times as
ages ("2 h ago") and leaves out the columns the terminal has no room for (naming them below the table).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table


def human_age(then: datetime | None, now: datetime) -> str:
    """How long ago, in the unit a person would say; a date once it is two months old."""
    if then is None:
        return "never"
    seconds = (now - then.astimezone(UTC)).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 60 * 86400:
        return f"{int(seconds // 86400)} d ago"
    return then.astimezone(UTC).strftime("%Y-%m-%d")


def short_run_id(run_id: str | None) -> str:
    """A run id to the second (20261202T065323): enough to tell runs apart; -f csv has it whole."""
    return (run_id or "")[:15]


def _count(value: Any) -> str:
    return "" if value is None else f"{value:,}"


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[dict[str, Any]], str]
    numeric: bool = False


def _run_columns(now: datetime) -> list[Column]:
    """The last-run columns, most useful first: the first ones are what stays at 80 columns."""
    return [
        Column("source", lambda r: r["source"]),
        Column(
            "status",
            lambda r: "succeeded" if str(r["status"]).startswith("succeeded") else f"{r['status']} (stale)",
        ),
        Column("finished", lambda r: human_age(r["finished_at"], now)),
        Column("loaded", lambda r: _count(r["rows_loaded"]), numeric=True),
        Column("quarantined", lambda r: _count(r["rows_quarantined"]), numeric=True),
        Column("newest record", lambda r: str(r["watermark"] or "")),
        Column("last loaded", lambda r: human_age(r.get("last_loaded_at"), now)),
        Column("mode", lambda r: str(r["mode"] or "")),
        Column("run", lambda r: short_run_id(r["run_id"])),
        Column("gate", lambda r: str(r["quality_gate"] or "")),
        Column("fetched", lambda r: _count(r["rows_fetched"]), numeric=True),
        Column("changed", lambda r: _count(r["rows_changed"]), numeric=True),
    ]


def _plain_columns(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[Column]:
    numeric = [all(isinstance(row[i], int) for row in rows) and bool(rows) for i in range(len(columns))]
    return [
        Column(
            name.replace("_", " "),
            (
                lambda r, name=name, n=numeric[i]: (
                    _count(r[name]) if n else ("" if r[name] is None else str(r[name]))
                )
            ),
            numeric=numeric[i],
        )
        for i, name in enumerate(columns)
    ]


UNBOUNDED = 100_000


def fitted_table(
    title: str, columns: list[Column], records: list[dict[str, Any]], console: Console
) -> tuple[Table, list[str]]:
    """The table with as many columns as fit the console, in the order given, and the headers left out.

    The first column always stays; cells never wrap (one row, one line).
    """
    cells = [[column.cell(record) for column in columns] for record in records]

    def build(kept: list[int]) -> Table:
        table = Table(
            title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, collapse_padding=True
        )
        for i in kept:
            table.add_column(
                columns[i].header,
                no_wrap=True,
                overflow="ellipsis",
                justify="right" if columns[i].numeric else "left",
            )
        for row in cells:
            table.add_row(*(row[i] for i in kept))
        return table

    kept = [0]
    for i in range(1, len(columns)):
        unbounded = console.options.update_width(UNBOUNDED)  # measure() is clamped to the width it is given
        if console.measure(build([*kept, i]), options=unbounded).maximum <= console.width:
            kept.append(i)
    left_out = [column.header for i, column in enumerate(columns) if i not in kept]
    return build(kept), left_out


def print_status(
    sections: Sequence[tuple[str, list[str], list[tuple[Any, ...]]]],
    console: Console | None = None,
    now: datetime | None = None,
) -> None:
    """Print status_tables' sections, each fitted to the console's width."""
    console = console or Console()
    now = now or datetime.now(UTC)
    for title, names, rows in sections:
        records = [dict(zip(names, row, strict=True)) for row in rows]
        columns = _run_columns(now) if title == "last run per source" else _plain_columns(names, rows)
        table, left_out = fitted_table(title, columns, records, console)
        console.print(table)
        if left_out:
            console.print(f"hidden at this width: {', '.join(left_out)} (-f csv shows all)", style="dim")
        for record in records:
            if record.get("stale"):
                console.print(
                    f"{record['source']} is stale (its data is as of its last loaded run): "
                    f"{record['error']}\n"
                    f"  next: {record['next_step']}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
