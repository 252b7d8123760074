"""Progress reporting that the CLI can turn into bars and everything else can ignore.

Prefect tasks run in this process, so a module-level reporter reaches them without being
passed as a task argument (which Prefect would try to hash).
"""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    def advance(self, counter: str, amount: int = 1, total: int | None = None) -> None: ...

    def note(self, message: str) -> None: ...


class SilentReporter:
    def advance(self, counter: str, amount: int = 1, total: int | None = None) -> None:
        pass

    def note(self, message: str) -> None:
        pass


_current: Reporter = SilentReporter()


def reporter() -> Reporter:
    return _current


def use_reporter(new: Reporter) -> Reporter:
    """Install a reporter; returns the previous one so callers can restore it."""
    global _current
    previous, _current = _current, new
    return previous
