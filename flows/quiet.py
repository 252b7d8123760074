"""Defaults that keep a server-less Prefect run quiet; set before prefect is imported.

With no PREFECT_API_URL, Prefect starts a temporary local server. Its telemetry can print
a "database is locked" traceback, and its INFO logs drown the progress bars. Users who
run a real server or want the logs set these variables themselves: setdefault keeps them.
"""

from __future__ import annotations

import os

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_SERVER_LEVEL": "ERROR",
    "PREFECT_SERVER_LOGGING_LEVEL": "ERROR",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}


def quiet_prefect() -> None:
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
