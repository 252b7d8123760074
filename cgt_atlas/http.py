"""One polite HTTP client for every source: retries, Retry-After, timeouts, rate limit, User-Agent."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from cgt_atlas.errors import SourceHttpError, SourceUnreachable
from cgt_atlas.settings import USER_AGENT, min_request_interval

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


class PoliteClient:
    """A requests.Session that waits between requests and retries what is worth retrying."""

    def __init__(
        self,
        *,
        min_interval: float | None = None,
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        max_wait: float = 120.0,
        max_connect_attempts: int = 3,
        timeout: tuple[float, float] = (5.0, 60.0),
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.min_interval = min_request_interval() if min_interval is None else min_interval
        self.max_attempts = max_attempts
        self.max_connect_attempts = max_connect_attempts
        self.backoff_base = backoff_base
        self.max_wait = max_wait
        self.timeout = timeout
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._last_request_at: float | None = None

    def _wait_turn(self) -> None:
        if self._last_request_at is not None:
            remaining = self.min_interval - (self._clock() - self._last_request_at)
            if remaining > 0:
                self._sleep(remaining)
        self._last_request_at = self._clock()

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        """GET with retries on 429/5xx and connection trouble; raises on anything else non-2xx."""
        return self._request("GET", url, params=params)

    def post(self, url: str, json: Any = None, params: Mapping[str, Any] | None = None) -> requests.Response:
        """POST a JSON body (search APIs such as CTIS's) with the same waits, retries and errors as get.

        Only for requests that are safe to repeat (a search): a retried POST is sent again whole.
        """
        return self._request("POST", url, params=params, json=json)

    def _request(
        self, method: str, url: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> requests.Response:
        host = urlsplit(url).netloc
        for attempt in range(1, self.max_attempts + 1):
            self._wait_turn()
            backoff = min(self.max_wait, self.backoff_base * 2 ** (attempt - 1))
            try:
                response = self.session.request(method, url, params=params, json=json, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as error:
                # A slow answer is retried like a busy server; a host that cannot be reached
                # at all gets fewer tries, so that an offline run fails fast.
                slow = isinstance(error, requests.ReadTimeout)
                if attempt >= (self.max_attempts if slow else self.max_connect_attempts):
                    raise SourceUnreachable(
                        f"could not reach {host} after {attempt} attempts: {type(error).__name__}"
                    ) from error
                self._sleep(backoff)
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.max_attempts:
                asked = _retry_after_seconds(response.headers.get("Retry-After"))
                self._sleep(min(self.max_wait, asked if asked is not None else backoff))
                continue
            if not response.ok:
                raise SourceHttpError(
                    f"{host} answered HTTP {response.status_code} for {response.url}: {response.text[:200]!r}"
                )
            return response
        raise AssertionError("unreachable")  # pragma: no cover
