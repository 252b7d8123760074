"""Errors a user can act on: each says what went wrong and what to do next."""

from __future__ import annotations


class AtlasError(Exception):
    """Base for errors the CLI prints without a traceback."""

    hint = ""

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message}\n  next: {self.hint}" if self.hint else message


class SourceUnreachable(AtlasError):
    hint = (
        "check the network (or proxy) and run again; the warehouse is unchanged. "
        "To build it offline, use --replay DIR (e.g. --replay ../shared/replay)."
    )


class SourceHttpError(AtlasError):
    hint = "the source refused the request; the warehouse is unchanged. Run again later."


class ShortDownload(AtlasError):
    hint = "the source changed while paging or cut the download short; run again (nothing was loaded)."


class PageStructureChanged(AtlasError):
    hint = "the source's format changed: update its parser and its CONTRACT notes; nothing was loaded."


class WarehouseBusy(AtlasError):
    hint = (
        "another process holds the warehouse open for writing (DuckDB allows one writer). "
        "Wait for it to finish, or close the session that holds it, then run again."
    )


class WarehouseMissing(AtlasError):
    hint = "build it first: cgt-atlas refresh (or cgt-atlas refresh --replay ../shared/replay)."


class QueryRefused(AtlasError):
    hint = (
        "query the warehouse's own tables and views (cgt-atlas status lists them). To write files: "
        'cgt-atlas export DIR (every mart as Parquet), or cgt-atlas sql "select ..." -f csv > file.csv.'
    )


class ConfigError(AtlasError):
    hint = "see cgt-atlas --help."
