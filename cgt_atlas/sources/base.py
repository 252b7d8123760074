"""The one small interface every source implements, and what it hands back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb

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
class ParsedPages:
    """Canonical tables parsed from raw pages, as DuckDB relations on the parsing connection."""

    tables: dict[str, duckdb.DuckDBPyRelation]
    rows: int
    reported_total: int | None = None
    watermark: str | None = None
    notes: list[str] = field(default_factory=list)


class Source(Protocol):
    """A registry or regulator: its name, its tables and keys, how it fetches and parses."""

    NAME: str
    DESCRIPTION: str
    PAGE_GLOB: str
    TABLES: tuple[str, ...]

    def fetch(
        self,
        client: PoliteClient,
        landing: RawLanding,
        *,
        since: str | None,
        on_page: ProgressCallback | None = None,
    ) -> FetchResult: ...

    def parse(self, con: duckdb.DuckDBPyConnection, pages: list[Path]) -> ParsedPages: ...
