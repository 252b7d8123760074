"""Reading the Purple Book: the downloads page's latest monthly CSV link, and the CSV's full-list section."""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from cgt_atlas.errors import DamagedPage, PageStructureChanged
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback
from cgt_atlas.sources.fda_purplebook import settings as s

MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}


def _fold(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def looks_like_html(body: bytes) -> bool:
    """FDA answers a month it has not published with an HTML page (status 200), not a 404."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<?xml"))


def latest_csv_link(page: bytes, where: str) -> str:
    """The newest month's CSV linked from the downloads page, by year and month in the link itself."""
    soup = BeautifulSoup(page, "html.parser")
    found: list[tuple[int, int, str]] = []
    for anchor in soup.find_all("a", href=True):
        url = urljoin(where, str(anchor["href"]).strip())
        parts = urlsplit(url)
        match = re.search(s.CSV_LINK, parts.path, flags=re.IGNORECASE)
        if not match or parts.hostname not in s.FOLLOWED_HOSTS or parts.scheme not in ("http", "https"):
            continue
        month = MONTHS.get(match["month"].casefold())
        if month is not None:
            https = parts._replace(scheme="https", netloc=parts.hostname or "").geturl()
            found.append((int(match["year"]), month, https))
    if not found:
        raise PageStructureChanged(
            f"Purple Book downloads page {where} links no monthly CSV "
            f"(…/<YYYY>/purplebook-search-<month>-data-download.csv on {', '.join(sorted(s.FOLLOWED_HOSTS))})"
        )
    return max(found)[2]


def fetch_latest(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """The downloads page, then the latest month's CSV: each file is the whole list (`since` is moot)."""
    page = client.get(s.DOWNLOADS_URL)
    landing.write(page.content, url=s.DOWNLOADS_URL, params=None, status=page.status_code, suffix=".html")
    url = latest_csv_link(page.content, s.DOWNLOADS_URL)
    if on_page:
        on_page(1, 2)
    response = client.get(url)
    kept = landing.write(response.content, url=url, params=None, status=response.status_code, suffix=".csv")
    if looks_like_html(response.content):
        raise PageStructureChanged(
            f"Purple Book CSV {url} answered with an HTML page, not a CSV (FDA's reply for a month it has "
            f"not published); kept as {kept}"
        )
    if on_page:
        on_page(1, 2)
    return FetchResult(pages=landing.pages, rows=0, reported_total=None)


def full_list_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row keyed by our column names) for every row of the file's last (full-list) section."""
    body = path.read_bytes()
    if not body.strip():
        raise DamagedPage(f"Purple Book file {path} is empty")
    if looks_like_html(body):
        raise PageStructureChanged(f"{path.name} is an HTML page, not a Purple Book CSV (a month FDA lacks?)")
    try:
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error) as error:
        raise DamagedPage(f"Purple Book file {path} is not readable CSV text ({error})") from error
    headers = [i for i, row in enumerate(rows) if _is_header(row)]
    if not headers:
        raise PageStructureChanged(
            f"{path.name}: no header row naming {', '.join(map(repr, s.HEADER_MARKERS))}: "
            "not a Purple Book CSV"
        )
    at = headers[-1]
    names = [_fold(name) for name in rows[at]]
    columns = _column_positions(path, at + 1, rows[at], names)
    for offset, row in enumerate(rows[at + 1 :], start=at + 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(names):
            raise DamagedPage(
                f"{path.name}: row {offset} has {len(row)} of the header's {len(names)} cells (cut short?)"
            )
        yield offset, {column: row[i] for column, i in columns.items()}


def _is_header(row: list[str]) -> bool:
    folded = {_fold(cell) for cell in row}
    return all(marker.casefold() in folded for marker in s.HEADER_MARKERS)


def _column_positions(path: Path, row_no: int, published: list[str], names: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for column, aliases in s.COLUMN_NAMES.items():
        at = next((names.index(a.casefold()) for a in aliases if a.casefold() in names), None)
        if at is not None:
            positions[column] = at
    missing = [column for column in s.REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise PageStructureChanged(
            f"{path.name}: the full-list header (row {row_no}) has no column "
            f"{', '.join(map(repr, missing))}; "
            f"columns found: {', '.join(repr(n) for n in published if n.strip())}"
        )
    return positions
