"""Finding the packages workbook on Swissmedic's list page, and reading its rows by header names."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import openpyxl
from bs4 import BeautifulSoup
from openpyxl.utils.exceptions import InvalidFileException

from cgt_atlas.errors import DamagedPage, PageStructureChanged
from cgt_atlas.sources.swissmedic import settings as s


def packages_link(html: bytes, page_url: str) -> str:
    """The https link to the current packages workbook on the list page; its name changes monthly."""
    soup = BeautifulSoup(html, "html.parser")
    hrefs = [str(a["href"]).strip() for a in soup.find_all("a", href=True)]
    for href in hrefs:
        if re.search(s.PACKAGES_LINK, href, re.IGNORECASE):
            url = urljoin(page_url, href)
            followed = s.SWISSMEDIC.follow(url)
            if followed is None:
                raise PageStructureChanged(
                    f"Swissmedic list page {page_url}: the packages link leads off Swissmedic's site, "
                    f"to {url}"
                )
            return followed
    workbooks = [href for href in hrefs if ".xlsx" in href.casefold()][:10]
    raise PageStructureChanged(
        f"Swissmedic list page {page_url} has no link matching {s.PACKAGES_LINK!r} "
        f"(xlsx links found: {workbooks or 'none'})"
    )


def _folded(cell: object) -> str:
    """A header cell as compared: case-folded, without spaces, line breaks or (line-break) hyphens."""
    return re.sub(r"[\s\-]+", "", str(cell)).casefold() if cell is not None else ""


def _position(names: list[str], column: str) -> int | None:
    """Where a column is: the first cell starting with its German name (the French follows it)."""
    wanted = _folded(column)
    return next((i for i, name in enumerate(names) if name and name.startswith(wanted)), None)


def package_rows(path: Path) -> Iterator[dict[str, object]]:
    """Every package row of the workbook, keyed by our column names; raises when the layout changed."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise DamagedPage(
            f"Swissmedic packages list {path} is not a readable xlsx workbook "
            f"({type(error).__name__}: {error}): it was cut short or is not the list"
        ) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        for row_no, row in enumerate(rows, start=1):
            names = [_folded(cell) for cell in row]
            if all(_position(names, marker) is not None for marker in s.HEADER_MARKERS):
                columns = _column_positions(path, row_no, row, names)
                break
            if row_no >= s.HEADER_SCAN_ROWS:
                raise PageStructureChanged(
                    f"{path.name}: no header row naming {' and '.join(map(repr, s.HEADER_MARKERS))} "
                    f"in the first {s.HEADER_SCAN_ROWS} rows"
                )
        else:
            raise PageStructureChanged(
                f"{path.name}: the sheet ends before any header row naming "
                f"{' and '.join(map(repr, s.HEADER_MARKERS))}"
            )
        for row in rows:
            if any(cell is not None for cell in row):
                yield {column: row[i] if i < len(row) else None for column, i in columns.items()}
    finally:
        workbook.close()


def _column_positions(path: Path, row_no: int, row: tuple[object, ...], names: list[str]) -> dict[str, int]:
    positions = {column: _position(names, column) for column in s.REQUIRED_COLUMNS}
    missing = [column for column, position in positions.items() if position is None]
    if missing:
        found = ", ".join(repr(" ".join(str(cell).split())) for cell in row if cell is not None)
        raise PageStructureChanged(
            f"{path.name}: the header (row {row_no}) has no column {', '.join(map(repr, missing))}; "
            f"columns found: {found}"
        )
    return {column: position for column, position in positions.items() if position is not None}
