"""Reading EMA's xlsx report: find the header by its names, then yield the rows as dicts."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from cgt_atlas.errors import DamagedPage, PageStructureChanged
from cgt_atlas.sources.ema.settings import (
    HEADER_MARKERS,
    HEADER_SCAN_ROWS,
    NAME_MARKERS,
    REQUIRED_COLUMNS,
)


def _header_name(cell: object) -> str:
    """Header names as matched: whitespace (including the literal newlines EMA prints) collapsed."""
    return " ".join(str(cell).split()) if cell is not None else ""


def _is_header(names: list[str]) -> bool:
    folded = {name.casefold() for name in names}
    return all(m.casefold() in folded for m in HEADER_MARKERS) and any(
        m.casefold() in folded for m in NAME_MARKERS
    )


def report_rows(path: Path) -> Iterator[dict[str, object]]:
    """Every data row of the report, keyed by our column names; raises when the layout changed."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise DamagedPage(
            f"EMA report {path} is not a readable xlsx workbook ({type(error).__name__}: {error}): "
            "it was cut short or is not the report"
        ) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        for row_no, row in enumerate(rows, start=1):
            names = [_header_name(cell) for cell in row]
            if _is_header(names):
                columns = _column_positions(path, row_no, names)
                break
            if row_no >= HEADER_SCAN_ROWS:
                raise PageStructureChanged(
                    f"{path.name}: no header row naming {' and '.join(HEADER_MARKERS)} and "
                    f"{' or '.join(NAME_MARKERS)} in the first {HEADER_SCAN_ROWS} rows"
                )
        else:
            raise PageStructureChanged(f"{path.name}: the sheet ends before any header row")
        for row in rows:
            if any(cell is not None for cell in row):
                yield {column: row[i] if i < len(row) else None for column, i in columns.items()}
    finally:
        workbook.close()


def _column_positions(path: Path, row_no: int, names: list[str]) -> dict[str, int]:
    positions = {name.casefold(): i for i, name in reversed(list(enumerate(names))) if name}
    missing = [column for column in REQUIRED_COLUMNS if column.casefold() not in positions]
    if missing:
        found = ", ".join(repr(name) for name in names if name)
        raise PageStructureChanged(
            f"{path.name}: the header (row {row_no}) has no column {', '.join(map(repr, missing))}; "
            f"columns found: {found}"
        )
    return {column: positions[column.casefold()] for column in REQUIRED_COLUMNS}
