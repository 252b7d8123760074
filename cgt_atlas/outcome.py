"""What a refresh came to, in the terms a scheduler and an operator act on: an exit code, lines, a message.

One refresh loads each source on its own, so its result is per source: loaded, failed (retry later, or a
person must look), or held back by a quality gate. The CLI and the deployed flow read it the same way.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import Any

from cgt_atlas.errors import (
    EXIT_FAILED,
    EXIT_GATE,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_TEMPFAIL,
    describe,
)

NOTIFY_ENV = "CGT_ATLAS_NOTIFY"
"""An Apprise URL (json://host/path, slack://..., mailto://...) told of every run that is not a clean 0."""

EXIT_MEANINGS = {
    EXIT_OK: "every source loaded",
    EXIT_FAILED: "failed: a person should read the error",
    EXIT_PARTIAL: "partial: some sources failed, the others loaded",
    EXIT_GATE: "a quality gate held a source back: a person must look",
    EXIT_TEMPFAIL: "temporary trouble (network, throttling, a busy warehouse): retry later",
}


@dataclass
class RefreshOutcome:
    """A finished refresh: the staged runs, what each loaded source changed, and the sources that did not
    load (dicts of warehouse.runs.SourceFailure, plus the traceback for -v)."""

    run_id: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    changed: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_flow(cls, result: dict[str, Any]) -> RefreshOutcome:
        return cls(
            run_id=result["run_id"],
            runs=result["runs"],
            changed=result["changed"],
            failures=result.get("failures", []),
        )

    @property
    def exit_code(self) -> int:
        """0 all loaded; 4 a gate held a source back; 3 some failed, others loaded; 75 all that failed
        will mend by themselves; 1 otherwise."""
        if not self.failures:
            return EXIT_OK
        if any(failure["status"] == "held_by_gate" for failure in self.failures):
            return EXIT_GATE
        if self.changed:
            return EXIT_PARTIAL
        if all(failure["retry_later"] for failure in self.failures):
            return EXIT_TEMPFAIL
        return EXIT_FAILED

    @property
    def failed_sources(self) -> list[str]:
        return [failure["source"] for failure in self.failures]

    def headline(self) -> str:
        loaded = len(self.changed)
        if not self.failures:
            return f"refresh {self.run_id}: {loaded} sources loaded"
        return (
            f"refresh {self.run_id} {EXIT_MEANINGS[self.exit_code].split(':')[0]} (exit {self.exit_code}): "
            f"{loaded} sources loaded, {len(self.failures)} did not ({', '.join(self.failed_sources)})"
        )

    def message(self) -> str:
        """The notification's body: each failing source with its error and next step."""
        lines = [self.headline()]
        for failure in self.failures:
            lines.append(f"- {failure['source']} ({failure['status']}): {failure['error']}")
            lines.append(f"  next: {failure['next_step']}")
        if self.changed:
            lines.append(f"loaded: {', '.join(sorted(self.changed))}")
        lines.append(f"host: {socket.gethostname()}; details: cgt-atlas status")
        return "\n".join(lines)


def failed_run_message(error: BaseException, what: str = "refresh") -> tuple[str, str]:
    """Title and body for a run that failed as a whole (the lock busy, the disk full, a model error)."""
    message, hint, code = describe(error)
    title = f"cgt-atlas {what} failed (exit {code}) on {socket.gethostname()}"
    return title, f"{message}\nnext: {hint}\n\nThe warehouse is unchanged."


def notify(title: str, body: str) -> str | None:
    """Send to CGT_ATLAS_NOTIFY when it is set; returns a warning line if it could not be sent."""
    url = os.environ.get(NOTIFY_ENV, "").strip()
    if not url:
        return None
    import apprise

    sender = apprise.Apprise()
    if not sender.add(url):
        return f"warning: {NOTIFY_ENV} is not a notification URL Apprise knows ({url.split('://')[0]}://...)"
    if not sender.notify(title=title, body=body):
        return f"warning: the notification to {NOTIFY_ENV} could not be sent (see Apprise's URL docs)"
    return None


def notify_outcome(outcome: RefreshOutcome) -> str | None:
    """Tell CGT_ATLAS_NOTIFY of a partial or failed refresh (a clean one sends nothing)."""
    if outcome.exit_code == EXIT_OK:
        return None
    title = f"cgt-atlas {outcome.headline()} on {socket.gethostname()}"
    return notify(title, outcome.message())
