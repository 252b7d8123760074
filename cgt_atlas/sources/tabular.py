"""Reading a table an agency publishes as a spreadsheet or a text file, by its column names.

FDA hands out the same table in several wrappers: an xlsx export, a zip holding a tab-separated
text file, a CSV converted from the xlsx. Each reader here finds the header row by the names the
source's contract promises (banner lines above it are skipped), yields every row keyed by those
names, and refuses loudly, with what it found, when the file is not such a table: a wrong header,
a file that is not a workbook or zip, a row cut short. Nothing is guessed from position.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
from openpyxl.utils.exceptions import InvalidFileException

from cgt_atlas.errors import DamagedPage, PageStructureChanged
from cgt_atlas.regulatory import page_seq

Row = dict[str, object]
TEXT_DELIMITERS = ("\t", ",", "|")
TEXT_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
"""UTF-8 first; FDA's older text downloads are Windows-1252 (latin-1 never fails, so it is last)."""


@dataclass(frozen=True)
class TableLayout:
    """What a source's contract says its table looks like."""

    label: str
    """How an error names the file ("FDA drug establishment registrations")."""
    columns: tuple[str, ...]
    """Column names the header must hold (case and runs of spaces ignored); rows are keyed by them."""
    banner_rows: int = 0
    """How many lines may precede the header (the Data Dashboard's xlsx exports start with banners)."""
    zip_member: str = r"\.txt$"
    """Which member of a zip holds the table (a regular expression, case ignored)."""


def hashed_relation(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rows: list[dict[str, object]],
    schema: dict[str, pl.DataType],
    fingerprint: str,
) -> duckdb.DuckDBPyRelation:
    """The parsed rows as a relation with content_hash: every column but fetch_seq, and the parser's
    fingerprint, so a change to the reader or the seeds reloads rows parsed the old way."""
    con.register(name, pl.DataFrame(rows, schema=schema))
    columns = ", ".join(column for column in schema if column != "fetch_seq")
    return con.sql(
        f"SELECT {columns}, hash(to_json(struct_pack({columns})), $fingerprint)::UBIGINT AS content_hash, "
        f"fetch_seq FROM {name}",
        params={"fingerprint": fingerprint},
    )


# Files a hand-in or replay folder may hold beside the tables (a README): not read.
SKIPPED_SUFFIXES = frozenset({".md"})


def read_pages(
    pages: list[Path],
    layout: TableLayout,
    to_record: Callable[[Row, int], dict[str, object]],
    what: str,
) -> tuple[list[dict[str, object]], list[str]]:
    """Every row of every page as a record (to_record(row, fetch_seq)), and a note per page with its count."""
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    for position, page in enumerate(pages, start=1):
        if page.suffix.casefold() in SKIPPED_SUFFIXES:
            notes.append(f"{page.name}: documentation, not read")
            continue
        before = len(rows)
        for row_no, row in read_rows(page, layout):
            rows.append(to_record(row, page_seq(page, position) * 1_000_000 + row_no))
        notes.append(f"{page.name}: {len(rows) - before} {what}")
    return rows, notes


def reader_fingerprint() -> str:
    """A digest of this reader, mixed into the content hash of every source that reads through it."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def header_name(cell: object) -> str:
    return " ".join(str(cell).replace("\ufeff", "").split()).casefold() if cell is not None else ""


def read_rows(path: Path, layout: TableLayout) -> Iterator[tuple[int, Row]]:
    """(row number in the file, row keyed by the layout's column names) for every non-blank row."""
    suffix = path.suffix.casefold()
    if suffix in {".xlsx", ".xlsm"}:
        yield from _xlsx_rows(path, layout)
    elif suffix == ".zip":
        name, body = _zip_member(path, layout)
        yield from _text_rows(f"{path.name}!{name}", body, layout)
    elif suffix in {".txt", ".tsv", ".csv"}:
        yield from _text_rows(path.name, path.read_bytes(), layout)
    else:
        raise PageStructureChanged(
            f"{path.name}: not a file {layout.label} come in (expected .xlsx, .zip, .txt or .csv)"
        )


def _find_header(name: str, rows: list[list[str]], layout: TableLayout) -> tuple[int, dict[str, int]]:
    """The header's index among rows and each wanted column's position; raises naming what was found."""
    wanted = [header_name(column) for column in layout.columns]
    best: tuple[int, list[str]] | None = None
    for at, row in enumerate(rows[: layout.banner_rows + 1]):
        names = [header_name(cell) for cell in row]
        if all(column in names for column in wanted):
            return at, {column: names.index(header_name(column)) for column in layout.columns}
        if best is None or sum(c in names for c in wanted) > sum(c in best[1] for c in wanted):
            best = (at, names)
    found = ", ".join(repr(n) for n in (best[1] if best else []) if n) or "nothing"
    missing = [c for c in layout.columns if best is None or header_name(c) not in best[1]]
    raise PageStructureChanged(
        f"{name}: no header row with the columns of {layout.label} in its first "
        f"{layout.banner_rows + 1} line(s); missing {', '.join(map(repr, missing))}; "
        f"closest row holds {found}"
    )


def _xlsx_rows(path: Path, layout: TableLayout) -> Iterator[tuple[int, Row]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError) as error:
        raise DamagedPage(
            f"{path.name} is not a readable xlsx workbook ({type(error).__name__}: {error}): "
            f"it was cut short or is not {layout.label}"
        ) from error
    try:
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            head = [list(row) for _, row in zip(range(layout.banner_rows + 1), rows, strict=False)]
            at, columns = _find_header(path.name, head, layout)
            after_header = [(at + 2 + n, tuple(row)) for n, row in enumerate(head[at + 1 :])]
            for row_no, row in itertools.chain(after_header, enumerate(rows, start=len(head) + 1)):
                if any(cell is not None and str(cell).strip() for cell in row):
                    yield row_no, {c: row[i] if i < len(row) else None for c, i in columns.items()}
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as error:  # a sheet cut short
            raise DamagedPage(f"{path.name}: the sheet cannot be read to its end ({error})") from error
    finally:
        workbook.close()


def _zip_member(path: Path, layout: TableLayout) -> tuple[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if re.search(layout.zip_member, n, flags=re.IGNORECASE)]
            if len(names) != 1:
                raise PageStructureChanged(
                    f"{path.name}: expected one member matching {layout.zip_member!r}, found "
                    f"{names or 'none'} among {archive.namelist()}"
                )
            return names[0], archive.read(names[0])
    except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as error:
        raise DamagedPage(
            f"{path.name} is not a readable zip ({type(error).__name__}: {error}): "
            f"cut short or not {layout.label}"
        ) from error


def _decode(name: str, body: bytes) -> str:
    if not body.strip():
        raise DamagedPage(f"{name} is empty")
    if b"\x00" in body[:4096]:
        raise DamagedPage(f"{name} holds NUL bytes: a binary file, not a text table")
    for encoding in TEXT_ENCODINGS:
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DamagedPage(f"{name}: undecodable text")  # unreachable: latin-1 decodes any bytes


def _text_rows(name: str, body: bytes, layout: TableLayout) -> Iterator[tuple[int, Row]]:
    """A delimited text table (tab, comma or pipe: whichever splits the header into the contract's names)."""
    text = _decode(name, body)
    head_lines = text.splitlines()[: layout.banner_rows + 1]
    wanted = {header_name(column) for column in layout.columns}

    def split(delimiter: str) -> list[list[str]]:
        quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        return list(csv.reader(head_lines, delimiter=delimiter, quoting=quoting))

    def fit(delimiter: str) -> int:
        return max((len(wanted & {header_name(cell) for cell in row}) for row in split(delimiter)), default=0)

    # The delimiter under which the header holds the most wanted columns: all of them, or the error
    # names what that closest header lacks.
    delimiter = max(TEXT_DELIMITERS, key=fit)
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    head = split(delimiter)
    at, columns = _find_header(name, head, layout)
    width = len(head[at])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    for row_no, row in enumerate(reader, start=1):
        if row_no <= at + 1 or not any(cell.strip() for cell in row):
            continue
        if len(row) < width or any(cell.strip() for cell in row[width:]):
            raise DamagedPage(
                f"{name}: line {row_no} has {len(row)} cells where the header has {width} "
                "(cut short or misaligned): refused whole"
            )
        yield row_no, {column: row[i] for column, i in columns.items()}
