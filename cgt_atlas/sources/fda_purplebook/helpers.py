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
from cgt_atlas.http import PoliteClient, looks_like_html
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources.base import FetchResult, ProgressCallback
from cgt_atlas.sources.fda_purplebook import settings as s
from cgt_atlas.sources.inbox import fetch_or_hand_in

MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}


def _fold(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def latest_csv_link(page: bytes, where: str) -> str:
    """The newest month's CSV linked from the downloads page, by year and month in the link itself."""
    soup = BeautifulSoup(page, "html.parser")
    found: list[tuple[int, int, str]] = []
    for anchor in soup.find_all("a", href=True):
        url = s.SITE.follow(urljoin(where, str(anchor["href"]).strip()))
        match = re.search(s.CSV_LINK, urlsplit(url).path, flags=re.IGNORECASE) if url else None
        if not match or url is None:
            continue
        month = MONTHS.get(match["month"].casefold())
        if month is not None:
            found.append((int(match["year"]), month, url))
    if not found:
        raise PageStructureChanged(
            f"Purple Book downloads page {where} links no monthly CSV "
            f"(…/<YYYY>/purplebook-search-<month>-data-download.csv on {', '.join(s.SITE.hosts())})"
        )
    return max(found)[2]


def fetch_latest(
    client: PoliteClient,
    landing: RawLanding,
    *,
    since: str | None,
    on_page: ProgressCallback | None = None,
) -> FetchResult:
    """The downloads page, then the latest month's CSV: each file is the whole list (`since` is moot).

    A CSV handed in at data/inbox/fda_purplebook/ is landed instead (the way round FDA's bot block).
    """
    return fetch_or_hand_in(
        s.SITE.source,
        "FDA's site",
        frozenset({".csv"}),
        landing,
        on_page,
        lambda: _fetch(client, landing, on_page),
    )


def _fetch(client: PoliteClient, landing: RawLanding, on_page: ProgressCallback | None) -> FetchResult:
    downloads = s.SITE.url(s.DOWNLOADS_PATH)
    page = client.get(downloads, expect="html")
    landing.write(page.content, url=downloads, params=None, status=page.status_code, suffix=".html")
    url = latest_csv_link(page.content, downloads)
    if on_page:
        on_page(1, 2)
    try:
        response = client.get(url, expect="text")
    except PageStructureChanged as error:
        kept = landing.write(getattr(error, "body", b""), url=url, params=None, status=200, suffix=".csv")
        raise PageStructureChanged(
            f"Purple Book CSV {url} answered with an HTML page or nothing, not a CSV, on every try (FDA's "
            f"reply for a month it has not published); kept as {kept}. {error.args[0]}"
        ) from error
    landing.write(response.content, url=url, params=None, status=response.status_code, suffix=".csv")
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
