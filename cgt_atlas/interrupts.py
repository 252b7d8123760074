"""Whether this process was told to stop (Ctrl-C, SIGTERM), for code that must not carry on past it.

Two things hide a signal behind another exception. DuckDB turns the exception a signal handler raises
mid-query into its own "Query interrupted" RuntimeError, an ordinary Exception. And inside a flow run,
Prefect's own SIGTERM handler takes the place of ours and raises its TerminationSignal. A refresh that
lets one source fail alone must see through both, or it would count a SIGTERM as that source's failure
and go on to the next.
"""

from __future__ import annotations

import signal

SIGNALS_RECEIVED: list[int] = []
"""Signals the CLI's handler took, in order (SIGINT always; SIGTERM outside Prefect's flow runs)."""


def is_interruption(error: BaseException) -> bool:
    """True for the forms a stop signal takes on its way up: ours, DuckDB's, Prefect's."""
    if isinstance(error, KeyboardInterrupt) or type(error).__name__ == "TerminationSignal":
        return True
    return isinstance(error, RuntimeError) and str(error).startswith("Query interrupted")


def interrupted(error: BaseException | None = None) -> bool:
    """Whether a stop signal arrived (or `error` is one in disguise); a disguised SIGTERM is recorded."""
    if error is not None and is_interruption(error) and not SIGNALS_RECEIVED:
        SIGNALS_RECEIVED.append(signal.SIGINT if isinstance(error, KeyboardInterrupt) else signal.SIGTERM)
    return bool(SIGNALS_RECEIVED)
