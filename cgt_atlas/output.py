"""One way to print rows, shared by every command: --format table, csv or json."""

from __future__ import annotations

import csv
import json
import sys
import textwrap
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

TABLE_PADDING = 3
"""What rich adds around each cell of a boxed table (a border and a space either side)."""


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a CSV cell as a formula (OWASP's CSV injection rule). Registry titles and
sponsor names are written by third parties, so a text cell starting with one of these gets a leading `'`:
spreadsheets show the value as text, and a reader still sees it whole."""
FORMULA_GUARD = "'"


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, made inert; numbers and other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return FORMULA_GUARD + value
    return value


def spreadsheet_safe_sql(column: str) -> str:
    """spreadsheet_safe as a DuckDB expression over a quoted VARCHAR column, for files written in batches."""
    starts = "".join(FORMULA_STARTS).replace("-", "\\-")
    return (
        f"CASE WHEN regexp_matches({column}, '^[{starts}]') THEN '{FORMULA_GUARD * 2}' || {column} "
        f"ELSE {column} END"
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def natural_width(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """How wide the boxed table is when no cell wraps."""
    widths = [len(column) for column in columns]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(
                widths[index], max((len(line) for line in _text(value).splitlines()), default=0)
            )
    return sum(widths) + TABLE_PADDING * len(columns) + 1


def records_text(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], width: int, numbered: bool = True
) -> str:
    """Rows as records, one `column  value` line per column (psql's expanded display): what a table
    too wide for the terminal reads as, instead of every cell folded into a narrow column."""
    label_width = min(max((len(column) for column in columns), default=0), width // 3)
    value_width = max(width - label_width - 2, 10)
    lines = []
    for number, row in enumerate(rows, start=1):
        if numbered:
            lines.append(f"-[ record {number} ]".ljust(min(width, 40), "-"))
        for column, value in zip(columns, row, strict=True):
            wrapped = textwrap.wrap(_text(value), value_width, break_on_hyphens=False) or [""]
            label = column if len(column) <= label_width else column[: label_width - 1] + "…"
            lines.append(f"{label:<{label_width}}  {wrapped[0]}")
            lines.extend(" " * (label_width + 2) + part for part in wrapped[1:])
    return "\n".join(lines)


def emit_sections(
    sections: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]], fmt: OutputFormat
) -> None:
    """Titled sections, one after another; as a table, a one-row section reads as `column  value` lines.
    As JSON, one document: an object with a list of records per section, keyed by its title."""
    if fmt is OutputFormat.json:
        document = {
            title: [dict(zip(columns, row, strict=True)) for row in rows] for title, columns, rows in sections
        }
        json.dump(document, sys.stdout, default=str, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if fmt is not OutputFormat.table:
        for title, columns, rows in sections:
            emit(columns, rows, fmt, title=title)
        return
    from rich.console import Console

    console = Console()
    for title, columns, rows in sections:
        console.print(f"[bold]{title}[/bold]", highlight=False)
        if len(rows) == 1:
            text = records_text(columns, rows, console.width, numbered=False)
            console.print(text, markup=False, highlight=False, soft_wrap=True)
        elif rows:
            emit(columns, rows, fmt)
        else:
            console.print("(none)", highlight=False)
        console.print()


def emit(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: OutputFormat, title: str = "") -> None:
    if fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    elif fmt is OutputFormat.json:
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        json.dump(records, sys.stdout, default=str, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from rich.console import Console
        from rich.table import Table

        console = Console()
        if rows and natural_width(columns, rows) > console.width:
            if title:
                console.print(title, markup=False, highlight=False)
            console.print(
                records_text(columns, rows, console.width), markup=False, highlight=False, soft_wrap=True
            )
            console.print(
                f"({len(rows)} rows as records: too wide for {console.width} columns; -f csv for files)",
                markup=False,
                highlight=False,
            )
            return
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_text(value) for value in row))
        Console().print(table)
