"""The one small interface every source implements, and what it hands back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb

from cgt_atlas.errors import ShortDownload
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding

ProgressCallback = Callable[[int, int | None], None]
"""Called as (items just done, total items if known)."""


@dataclass
class FetchResult:
    """What a live fetch landed, and what the source said it would send."""

    pages: int
    rows: int
    reported_total: int | None


@dataclass
class RejectedRecord:
    """A whole record a parser could not read (bad bytes, a value of the wrong type, a missing
    section): quarantined with its reason while the rest of the page loads."""

    entity_key: str | None
    check_name: str
    failure_value: str
    record: str
    """The record as far as it could be read, as JSON text (undecodable bytes escaped)."""


@dataclass
class ParsedPages:
    """Canonical tables parsed from raw pages, as DuckDB relations on the parsing connection."""

    tables: dict[str, duckdb.DuckDBPyRelation]
    rows: int
    reported_total: int | None = None
    total_expected: bool = False
    """The pages are of a kind whose run must carry a reported total (ClinicalTrials.gov's paged
    search: the first page holds totalCount). Such a run without one is incomplete."""
    notes: list[str] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)
    """Records quarantined before the tables were built; counted in rows."""


class Source(Protocol):
    """A registry or regulator: its name, its tables and keys, how it fetches and parses."""

    NAME: str
    DESCRIPTION: str
    PAGE_GLOB: str
    TABLES: tuple[str, ...]
    """Canonical tables it fills; the first is the parent, keyed by ENTITY_KEY."""
    ENTITY_KEY: str
    """Column that every one of its tables carries and that the loader merges on."""

    def fetch(
        self,
        client: PoliteClient,
        landing: RawLanding,
        *,
        since: str | None,
        on_page: ProgressCallback | None = None,
    ) -> FetchResult: ...

    def parse(self, con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages: ...

    # Optional: `WATERMARK_COLUMN`, a date column of the parent table: the run's watermark is its
    # maximum over the rows that passed validation (never a raw value).
    # Optional: `SEARCH`, what a live fetch asks the registry for, in the registry's own query terms
    # (built from the constants the fetch sends, so it cannot drift from them); the report's scope
    # section lists it.
    # Optional: `default_pages() -> list[Path]`, pages kept in the project itself (the curated
    # seed). A replay folder without the source's own folder reads these instead of skipping it.


TRIAL_TABLES = (
    "trials",
    "trial_sites",
    "trial_interventions",
    "trial_conditions",
    "trial_sponsors",
    "trial_ids",
)
"""The canonical trial tables every registry source fills, parent first."""


class SqlFiles:
    """A source's parse SQL, one file per statement or table, read once."""

    def __init__(self, folder: Path, **placeholders: str) -> None:
        self.folder = folder
        self.placeholders = placeholders
        self._cache: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self._cache:
            text = (self.folder / f"{name}.sql").read_text(encoding="utf-8")
            for key, value in self.placeholders.items():
                text = text.replace("{{" + key + "}}", value)
            self._cache[name] = text
        return self._cache[name]


def parser_fingerprint(*folders: Path) -> str:
    """A digest of the files a parser's output depends on (its SQL, the seeds).

    Mixed into each record's content hash, so a parser or seed change reloads every row
    on the next run instead of leaving rows parsed the old way behind.
    """
    import hashlib

    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".sql", ".csv", ".py"}:
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def check_complete(source: str, rows: int, reported_total: int | None) -> None:
    """A download shorter than the count the source reported is an error, never a success."""
    if reported_total is not None and rows < reported_total:
        raise ShortDownload(
            f"{source} reported {reported_total} records but sent {rows} ({reported_total - rows} missing)"
        )
