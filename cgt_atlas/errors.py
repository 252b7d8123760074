"""Errors a user can act on: each says what went wrong and what to do next."""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
"""Anything else: a person should read the message."""
EXIT_USAGE = 2
"""A usage or configuration mistake (a bad option, a --db that is no warehouse): fix the command."""
EXIT_PARTIAL = 3
"""Some sources failed; the others loaded."""
EXIT_GATE = 4
"""A quality gate held a source back: the source changed in a way a person must look at."""
EXIT_TEMPFAIL = 75
"""Temporary (sysexits' EX_TEMPFAIL): the network, a throttling source, a busy warehouse. Retry later."""


class AtlasError(Exception):
    """Base for errors the CLI prints without a traceback."""

    hint = ""
    transient = False
    """True when the same fetch, tried again a little later, may well succeed (the flow retries it)."""
    exit_code = EXIT_FAILED
    """What the CLI exits with: a scheduler tells "retry later" (75) from "a person must look" by it."""

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message}\n  next: {self.hint}" if self.hint else message


UNEXPECTED_HINT = "rerun with -v for the traceback and report it."


def describe(error: BaseException) -> tuple[str, str, int]:
    """What an error says to a person and a scheduler: its message, its next step, its exit code. An
    AtlasError carries its own; anything else is unexpected (its type named, exit 1)."""
    if isinstance(error, AtlasError):
        message = str(error.args[0]) if error.args else type(error).__name__
        return message, error.hint, error.exit_code
    return f"{type(error).__name__}: {error}", UNEXPECTED_HINT, EXIT_FAILED


def is_transient(error: BaseException) -> bool:
    """Worth a whole-task retry: a busy server or a broken body, never a refusal or a changed page."""
    return isinstance(error, AtlasError) and bool(error.transient)


class SourceUnreachable(AtlasError):
    hint = (
        "check the network (or proxy) and run again; the warehouse is unchanged. "
        "To build it offline, use --replay DIR (e.g. --replay ../shared/replay)."
    )
    exit_code = EXIT_TEMPFAIL


TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses that say "not now" rather than "never": the client retries them, then the flow does."""


class SourceHttpError(AtlasError):
    """A non-2xx answer; `status` tells a busy server (try later) from a refusal (will not mend)."""

    def __init__(self, message: str, status: int | None = None, throttled: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.throttled = throttled
        """The source uses this status to throttle (CTIS's 403): it says "not now", like a 429."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the status (Prefect may persist a failed task's exception)."""
        return type(self), (self.args[0], self.status, self.throttled)

    @property
    def transient(self) -> bool:  # type: ignore[override]
        return self.status in TRANSIENT_STATUSES or self.throttled

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        return EXIT_TEMPFAIL if self.transient or self.status is None else EXIT_FAILED

    @property
    def hint(self) -> str:  # type: ignore[override]
        if self.transient or self.status is None:
            return "the source refused the request; the warehouse is unchanged. Run again later."
        return (
            f"the source refused the request for good (HTTP {self.status}); the warehouse is unchanged. "
            "Running again will not help: check the source's URL and query in its settings."
        )


class SourceAskedToWait(SourceHttpError):
    """The server's Retry-After is longer than we are willing to sleep inside one run."""

    def __init__(self, message: str, status: int, wait_seconds: float) -> None:
        super().__init__(message, status)
        self.wait_seconds = wait_seconds

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.args[0], self.status, self.wait_seconds)

    @property
    def transient(self) -> bool:  # type: ignore[override]
        return False  # retrying before the asked time is exactly what the server asked us not to do

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        return EXIT_TEMPFAIL  # later, as the server asked

    @property
    def hint(self) -> str:  # type: ignore[override]
        return (
            f"the source asked us to come back in {self.wait_seconds:.0f} s; the warehouse is unchanged. "
            "Run again after that."
        )


class SourceBodyError(AtlasError):
    """The answer started but its body broke: reset mid-way, cut short, or garbled in transit."""

    hint = (
        "a page arrived broken (connection reset, cut short or garbled); the warehouse is unchanged. "
        "Run again (a flaky network or a busy source usually mends)."
    )
    transient = True
    exit_code = EXIT_TEMPFAIL


class SourceTooSlow(AtlasError):
    """A response kept arriving past its deadline, on every attempt."""

    hint = (
        "the source is answering too slowly to finish; the warehouse is unchanged. Run again later, "
        "or allow more time per request with CGT_ATLAS_REQUEST_DEADLINE (seconds)."
    )
    exit_code = EXIT_TEMPFAIL


class FetchDeadlineExceeded(AtlasError):
    """A whole source fetch ran past its budget; stopping beats an unbounded run."""

    hint = (
        "the fetch stopped at its time limit; the warehouse is unchanged. Run again later, "
        "or allow more time per source with CGT_ATLAS_FETCH_DEADLINE (seconds)."
    )
    exit_code = EXIT_TEMPFAIL


class SourceRedirectLoop(AtlasError):
    """The source redirects in a circle; another try would go round the same circle."""

    hint = (
        "the source's site sends requests round a redirect loop; the warehouse is unchanged. "
        "Run again later; if it persists, the source moved: check its URL in the source's settings."
    )
    exit_code = EXIT_TEMPFAIL


class ShortDownload(AtlasError):
    hint = "the source changed while paging or cut the download short; run again (nothing was loaded)."
    exit_code = EXIT_TEMPFAIL


class PageStructureChanged(AtlasError):
    hint = "the source's format changed: update its parser and its CONTRACT notes; nothing was loaded."


class DamagedPage(PageStructureChanged):
    hint = (
        "the body was cut short or damaged in transit or on disk: run the refresh again to fetch "
        "it anew, or replace the file in the replay folder; nothing was loaded."
    )


class WarehouseBusy(AtlasError):
    hint = (
        "another process holds the warehouse open for writing (DuckDB allows one writer). "
        "Wait for it to finish, or close the session that holds it, then run again."
    )
    exit_code = EXIT_TEMPFAIL


class WarehouseMissing(AtlasError):
    hint = "build it first: cgt-atlas refresh (or cgt-atlas refresh --replay ../shared/replay)."


class QueryRefused(AtlasError):
    hint = (
        "query the warehouse's own tables and views (cgt-atlas status lists them). To write files: "
        'cgt-atlas export DIR (every mart as Parquet), or cgt-atlas sql "select ..." -f csv > file.csv.'
    )


class ConfigError(AtlasError):
    hint = "see cgt-atlas --help."
    exit_code = EXIT_USAGE


class QualityGateFailed(AtlasError):
    hint = (
        'look at what changed in the source (cgt-atlas sql "select * from quarantine", the landed '
        "pages under data/raw/); if the change is real, run again with --accept-shrink (it is "
        "recorded in pipeline_runs). The warehouse is unchanged."
    )
    exit_code = EXIT_GATE


class WarehouseEmpty(AtlasError):
    """The file opens but no refresh ever committed into it (e.g. one killed in its first load)."""

    hint = (
        "run cgt-atlas refresh (or cgt-atlas refresh --replay ../shared/replay) with the same --db "
        "to build the warehouse in it."
    )


class NotAWarehouse(AtlasError):
    """The path holds a file DuckDB cannot read as a database: a wrong --db, or a damaged file."""

    hint = (
        "check that --db (or CGT_ATLAS_DB) names the warehouse. If this file is a damaged warehouse, "
        "move it aside and run cgt-atlas refresh to build a new one."
    )
    exit_code = EXIT_USAGE


class WarehouseUnopenable(AtlasError):
    hint = "DuckDB's reason is above: check the path, its permissions and the disk, then run again."


class WarehouseDiskFull(AtlasError):
    hint = (
        "free space on that disk (a load needs room for the new data, DuckDB's write-ahead log and "
        "its spill files), then run the refresh again."
    )


class RefreshRunning(AtlasError):
    hint = "wait for that refresh to finish, or use another --db."
    exit_code = EXIT_TEMPFAIL


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so the same clean-up runs (and Prefect treats it as a crash)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class SourceBlockedAsBot(SourceHttpError):
    """The site sent us to its abuse-detection page: it took this client for a bot.

    Retrying sooner makes it worse; the way round is a file fetched by a person and handed in.
    """

    def __init__(self, message: str, status: int | None = None, inbox: str = "data/inbox/<source>/") -> None:
        super().__init__(message, status)
        self.inbox = inbox

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.args[0], self.status, self.inbox)

    @property
    def transient(self) -> bool:  # type: ignore[override]
        return False

    @property
    def hint(self) -> str:  # type: ignore[override]
        return (
            f"open the page in a browser, save the file it offers, put it in {self.inbox} and run again "
            "(a file there is landed instead of fetching; remove it to fetch live again). "
            "The warehouse is unchanged."
        )


class SourceSentDamage(AtlasError):
    """An answer with status 200 whose body was not what the request asks for (empty, an HTML page
    where JSON or a file was due, invalid JSON), not the same way on every try: a proxy or a busy
    server, not a format change."""

    hint = (
        "the source sent damaged answers (empty, an HTML page, or invalid JSON); the warehouse is "
        "unchanged. Run again (a proxy or a busy source usually mends)."
    )
    transient = True
    exit_code = EXIT_TEMPFAIL
