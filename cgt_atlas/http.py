"""One polite HTTP client for every source: retries, Retry-After, timeouts, deadlines, rate limit, User-Agent.

The body is read here, inside the retry loop, so that a connection that breaks mid-body is
retried like one that never connected, and callers get a response whose `.content` is whole.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from cgt_atlas.errors import (
    TRANSIENT_STATUSES,
    FetchDeadlineExceeded,
    PageStructureChanged,
    SourceAskedToWait,
    SourceBlockedAsBot,
    SourceBodyError,
    SourceHttpError,
    SourceRedirectLoop,
    SourceSentDamage,
    SourceTooSlow,
    SourceUnreachable,
)
from cgt_atlas.settings import USER_AGENT, min_request_interval
from cgt_atlas.settings import fetch_deadline as default_fetch_deadline
from cgt_atlas.settings import request_deadline as default_request_deadline

RETRY_STATUSES = TRANSIENT_STATUSES
READ_SIZE = 64 * 1024
"""Most bytes taken per read; each read returns what has arrived, so the deadline is checked often."""
BOT_BLOCK_PATHS = ("/apology_objects/abuse-detection-apology",)
"""Where a site's bot defence sends a client it blocks (FDA: a redirect to this page, answering 404)."""

Expect = Literal["json", "html", "text", "zip"]
"""What a 200 must hold: JSON, an HTML page, a text or CSV file (not HTML), or a zip (xlsx too)."""


def body_damage(body: bytes, expect: Expect) -> tuple[str, str] | None:
    """(kind, what) when a 200's body cannot be what was asked for, else None.

    These are what a proxy, a maintenance page or a busy server sends with status 200; retried
    like a 5xx. The kind tells one damage from another across tries.
    """
    if not body.strip():
        return "empty", "an empty body"
    if expect != "html" and looks_like_html(body):
        return "html", f"an HTML page ({body[:80]!r}...)"
    if expect == "json":
        try:
            json.loads(body)
        except ValueError as error:
            return "json", f"invalid JSON ({error})"
    if expect == "zip" and not body.startswith(b"PK"):
        return "zip", f"not a zip file (it starts {body[:40]!r})"
    return None


def looks_like_html(body: bytes) -> bool:
    """An HTML page (or XML envelope) where a data file was due: FDA answers a month it lacks so."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<?xml", b"<body"))


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


class _BodyBroken(Exception):
    """The body of an answer failed in transit; the message says how, for the final error."""


class _PastDeadline(Exception):
    """A body was still arriving when its deadline passed."""


_BODY_ERRORS = (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)


def _describe(error: BaseException) -> str:
    """What went wrong with a body, in words a user can act on, not a urllib3 repr."""
    causes = [error, *(arg for arg in error.args if isinstance(arg, BaseException))]
    for cause in causes:
        if isinstance(cause, http.client.IncompleteRead):
            # urllib3's IncompleteRead carries (bytes read, bytes still expected).
            partial = cause.partial if isinstance(cause.partial, int) else len(cause.partial)
            missing = f"{cause.expected} bytes" if cause.expected is not None else "bytes"
            return f"the body ended {missing} short of its Content-Length (after {partial} bytes)"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset mid-body"
        if isinstance(cause, urllib3.exceptions.DecodeError):
            reason = next((arg for arg in cause.args if isinstance(arg, Exception)), cause)
            return f"the body would not decode as its Content-Encoding says ({reason})"
        if isinstance(cause, urllib3.exceptions.ReadTimeoutError):
            return "the body stalled (no data within the read timeout)"
    return f"{type(error).__name__}: {error}"


class PoliteClient:
    """A requests.Session that waits between requests and retries what is worth retrying.

    Two clocks bound it: each request (one exchange, body included) must finish within
    `request_deadline` seconds, and everything asked of one client within `fetch_deadline`
    seconds of its creation; make one client per source fetch (pipeline.land_live does).
    """

    def __init__(
        self,
        *,
        min_interval: float | None = None,
        max_attempts: int = 5,
        backoff_base: float = 1.0,
        max_wait: float = 120.0,
        max_connect_attempts: int = 3,
        timeout: tuple[float, float] = (5.0, 60.0),
        request_deadline: float | None = None,
        fetch_deadline: float | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.retry_statuses: frozenset[int] = RETRY_STATUSES
        """Statuses retried with backoff; a source that throttles with another (CTIS: 403) adds it."""
        self.min_interval = min_request_interval() if min_interval is None else min_interval
        self.max_attempts = max_attempts
        self.max_connect_attempts = max_connect_attempts
        self.backoff_base = backoff_base
        self.max_wait = max_wait
        self.timeout = timeout
        self.request_deadline = default_request_deadline() if request_deadline is None else request_deadline
        self.fetch_deadline = default_fetch_deadline() if fetch_deadline is None else fetch_deadline
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._last_request_at: float | None = None
        self._fetch_ends_at = self._clock() + self.fetch_deadline

    def _wait_turn(self) -> None:
        if self._last_request_at is not None:
            remaining = self.min_interval - (self._clock() - self._last_request_at)
            if remaining > 0:
                self._pause(remaining)
        self._last_request_at = self._clock()

    def _out_of_time(self, doing: str) -> FetchDeadlineExceeded:
        return FetchDeadlineExceeded(
            f"the fetch used up its {self.fetch_deadline:g} s (CGT_ATLAS_FETCH_DEADLINE) {doing}"
        )

    def _pause(self, seconds: float) -> None:
        """Sleep, unless waking would already be past the fetch deadline: then stop now."""
        if self._clock() + seconds > self._fetch_ends_at:
            raise self._out_of_time(f"and would have to wait {seconds:g} s more")
        self._sleep(seconds)

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        expect: Expect | None = None,
        keep_statuses: frozenset[int] = frozenset(),
    ) -> requests.Response:
        """GET with retries on 429/5xx and connection trouble; raises on anything else non-2xx.

        `expect` names what a 200 must hold: a body that cannot be it is retried like a 5xx.
        A status in `keep_statuses` (a dead link a source quarantines) is returned, not raised.
        """
        return self._request("GET", url, params=params, expect=expect, keep_statuses=keep_statuses)

    def post(
        self,
        url: str,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        *,
        expect: Expect | None = None,
    ) -> requests.Response:
        """POST a JSON body (search APIs such as CTIS's) with the same waits, retries and errors as get.

        Only for requests that are safe to repeat (a search): a retried POST is sent again whole.
        """
        return self._request("POST", url, params=params, json=json, expect=expect)

    def _read_body(self, response: requests.Response, ends_at: float) -> None:
        """Read the whole body now, a read at a time, so a trickle cannot outlast `ends_at`.

        Afterwards `.content`, `.text` and `.json()` work as on any requests response.
        """
        parts: list[bytes] = []
        try:
            while True:
                if self._clock() > ends_at:
                    raise _PastDeadline
                part = response.raw.read1(READ_SIZE, decode_content=True)
                if not part:
                    break
                parts.append(part)
        except _BODY_ERRORS as error:
            response.close()
            raise _BodyBroken(_describe(error)) from error
        except _PastDeadline:
            response.close()  # the connection holds an unread tail: never hand it back to the pool
            raise
        response._content = b"".join(parts)
        response._content_consumed = True

    def _error_text(self, response: requests.Response, ends_at: float) -> str:
        """The start of an error answer's body, for the message; a broken one is just left out."""
        try:
            self._read_body(response, ends_at)
        except (_BodyBroken, _PastDeadline):
            return ""
        return response.text[:200]

    def _request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        expect: Expect | None = None,
        keep_statuses: frozenset[int] = frozenset(),
    ) -> requests.Response:
        host = urlsplit(url).netloc
        damage: list[tuple[int, str, str]] = []  # (attempt, kind, what) of each 200 not as asked
        for attempt in range(1, self.max_attempts + 1):
            self._wait_turn()
            if self._clock() >= self._fetch_ends_at:
                raise self._out_of_time(f"before it could ask {host} for {url}")
            backoff = min(self.max_wait, self.backoff_base * 2 ** (attempt - 1))
            ends_at = min(self._clock() + self.request_deadline, self._fetch_ends_at)
            try:
                response = self.session.request(
                    method, url, params=params, json=json, timeout=self.timeout, stream=True
                )
            except requests.TooManyRedirects as error:
                raise SourceRedirectLoop(
                    f"{host} redirected {url} more than {self.session.max_redirects} times (a redirect loop)"
                ) from error
            except (requests.ConnectionError, requests.Timeout) as error:
                # A slow answer is retried like a busy server; a host that cannot be reached
                # at all gets fewer tries, so that an offline run fails fast.
                slow = isinstance(error, requests.ReadTimeout)
                if attempt >= (self.max_attempts if slow else self.max_connect_attempts):
                    raise SourceUnreachable(
                        f"could not reach {host} after {attempt} attempts: {type(error).__name__}"
                    ) from error
                self._pause(backoff)
                continue
            _check_not_blocked(url, response)
            if response.status_code in self.retry_statuses:
                asked = _retry_after_seconds(response.headers.get("Retry-After"))
                if asked is not None and asked > self.max_wait:
                    # Coming back sooner than asked is what gets a crawler blocked: stop instead.
                    raise SourceAskedToWait(
                        f"{host} answered HTTP {response.status_code} for {response.url} and asked us to "
                        f"wait {asked:.0f} s (Retry-After), longer than the {self.max_wait:g} s a run waits",
                        status=response.status_code,
                        wait_seconds=asked,
                    )
                if attempt < self.max_attempts:
                    response.close()
                    self._pause(asked if asked is not None else backoff)
                    continue
            if not response.ok and response.status_code not in keep_statuses:
                raise SourceHttpError(
                    f"{host} answered HTTP {response.status_code} for {response.url}"
                    + (f" on {attempt} attempts" if attempt > 1 else "")
                    + f": {self._error_text(response, ends_at)!r}",
                    status=response.status_code,
                    throttled=response.status_code in self.retry_statuses - RETRY_STATUSES,
                )
            try:
                self._read_body(response, ends_at)
            except _BodyBroken as error:
                if attempt >= self.max_attempts:
                    raise SourceBodyError(
                        f"{host} sent a broken body for {response.url} on {attempt} attempts in a row; "
                        f"the last time {error}"
                    ) from error
                self._pause(backoff)
                continue
            except _PastDeadline as error:
                if self._clock() >= self._fetch_ends_at:
                    raise self._out_of_time(f"while {host} was still sending {response.url}") from error
                if attempt >= self.max_attempts:
                    raise SourceTooSlow(
                        f"{host} was still sending {response.url} after {self.request_deadline:g} s "
                        f"(CGT_ATLAS_REQUEST_DEADLINE) on each of {attempt} attempts"
                    ) from error
                self._pause(backoff)
                continue
            found = body_damage(response.content, expect) if expect and response.ok else None
            if found is None:
                return response
            damage.append((attempt, *found))
            if attempt >= self.max_attempts:
                raise _damage_error(host, response.url, damage, response.content)
            self._pause(backoff)
        raise AssertionError("unreachable")  # pragma: no cover


def _check_not_blocked(url: str, response: requests.Response) -> None:
    """A redirect to the site's abuse-detection page is a block, not a dead link: say so."""
    visited = [urlsplit(step.url).path for step in (*response.history, response)]
    if any(path.startswith(block) for path in visited for block in BOT_BLOCK_PATHS):
        response.close()
        raise SourceBlockedAsBot(
            f"{urlsplit(url).netloc} blocked this client as a bot: it sent {url} to its "
            f"abuse-detection page {response.url} (HTTP {response.status_code})",
            status=response.status_code,
        )


def _damage_error(host: str, url: str, damage: list[tuple[int, str, str]], body: bytes) -> Exception:
    """The same damage on every try is what the source now sends (a format change); mixed
    damage, or damage after broken or busy answers, is a passing fault: run again.

    The last body rides on the error as `.body`, for a source that keeps what it was sent.
    """
    attempts = damage[-1][0]
    url = urlsplit(url)._replace(query="").geturl()  # the path says which answer; the query is long
    kinds = {kind for _, kind, _ in damage}
    error: Exception
    if len(damage) == attempts and len(kinds) == 1:
        error = PageStructureChanged(
            f"{host} answered {url} with {damage[-1][2]} on each of {attempts} attempts, where "
            "the request asks for another kind of body"
        )
    else:
        tries = "; ".join(f"attempt {attempt}: {what}" for attempt, _, what in damage)
        error = SourceSentDamage(f"{host} sent damaged answers for {url} ({tries})")
    error.body = body  # type: ignore[attr-defined]
    return error
