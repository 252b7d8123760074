"""Defaults that keep a server-less Prefect run quiet and quick; set before prefect is imported.

With no PREFECT_API_URL, Prefect starts a temporary local server. Its telemetry can print
a "database is locked" traceback, and its INFO logs drown the progress bars. Users who
run a real server or want the logs set these variables themselves: setdefault keeps them.

The temporary server lives for one refresh, so what it runs for a long-lived server is cost
with no use: persisting every event, automations (triggers), vacuuming old events, streaming
events out. Its start-up time-out is raised because on a busy two-core machine a start-up
(mostly imports) can pass Prefect's 20 s and kill the refresh before it begins. These
PREFECT_SERVER_* variables reach only a server this process starts, never a server of the
user's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_SERVER_LEVEL": "ERROR",
    "PREFECT_SERVER_LOGGING_LEVEL": "ERROR",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}

START_UP_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED": "false",
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
}


def quiet_prefect() -> None:
    for name, value in {**QUIET_DEFAULTS, **START_UP_DEFAULTS}.items():
        os.environ.setdefault(name, value)


@contextmanager
def without_heartbeats_on_a_temporary_server() -> Iterator[None]:
    """Run flows without Prefect's flow-run heartbeats when no server of the user's own is set.

    Each flow run starts a heartbeat thread that sleeps in 1 s steps, and waits for it on exit:
    about 0.7 s for each of the refresh's eight flow runs (5 s of a 25 s refresh). Heartbeats
    let a long-lived server notice a crashed run; a temporary server dies with the run. A value
    the user set (environment or profile) is kept, and so are heartbeats to a real server.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    if get_current_settings().api.url:
        yield
        return
    with temporary_settings(set_defaults={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
