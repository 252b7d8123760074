"""What a schedule needs before it can keep time: a Prefect server of the user's own, reachable."""

from __future__ import annotations

import os

import requests

from cgt_atlas.errors import EXIT_TEMPFAIL, ConfigError

START_A_SERVER = (
    "start one (`uv run prefect server start`, in its own terminal or as a service) and set "
    "PREFECT_API_URL=http://127.0.0.1:4200/api (or `uv run prefect config set PREFECT_API_URL=...`); "
    "or schedule `cgt-atlas refresh` with cron instead (README: Scheduling)."
)


class NoPrefectServer(ConfigError):
    """A schedule on Prefect's temporary server would idle forever: it dies with the process."""

    hint = START_A_SERVER


class PrefectServerUnreachable(ConfigError):
    hint = "check that the server at PREFECT_API_URL is running; " + START_A_SERVER
    exit_code = EXIT_TEMPFAIL


def check_prefect_server(timeout: float = 5.0) -> str:
    """The API URL of the configured Prefect server, after checking it answers; fails fast otherwise."""
    from prefect.settings import get_current_settings

    url = (
        os.environ.get("PREFECT_API_URL") or get_current_settings().api.url
    )  # the environment, else a profile
    if not url:
        raise NoPrefectServer(
            "serving a schedule needs a Prefect server, and none is configured (PREFECT_API_URL is not set)"
        )
    try:
        requests.get(f"{url.rstrip('/')}/health", timeout=timeout).raise_for_status()
    except requests.RequestException as error:
        raise PrefectServerUnreachable(f"the Prefect server at {url} does not answer: {error}") from error
    return url
