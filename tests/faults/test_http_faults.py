"""Network faults, each met with a retry or a clear error, never a raw traceback or a run without end.

Body-level faults (a reset mid-body, a short body, corrupt gzip, a trickle, a redirect loop) are
served by a raw-socket server on 127.0.0.1 so the real requests/urllib3 stack meets them; faults
in what a page says (null studies, a repeated token, a roster link) use requests_mock.
"""

from __future__ import annotations

import contextlib
import gzip
import pickle
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
import requests_mock as rm

from cgt_atlas.errors import (
    AtlasError,
    FetchDeadlineExceeded,
    PageStructureChanged,
    ShortDownload,
    SourceAskedToWait,
    SourceBodyError,
    SourceHttpError,
    SourceRedirectLoop,
    SourceTooSlow,
    SourceUnreachable,
    is_transient,
)
from cgt_atlas.http import PoliteClient
from cgt_atlas.landing import RawLanding
from cgt_atlas.sources import ctgov, fda_cgt
from cgt_atlas.sources.ctgov import helpers as ctgov_helpers
from cgt_atlas.sources.ctgov.settings import BASE_URL
from cgt_atlas.sources.fda_cgt.settings import INDEX_URL
from tests.conftest import FIXTURES

BODY = b'{"studies": [], "totalCount": 0}'

Script = Callable[[socket.socket], None]
"""Writes one whole (or deliberately broken) HTTP answer on an accepted connection."""


# --- a raw-socket server: exact control over every byte, and over how the connection ends ---


def _head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers.items()), "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(body: bytes = BODY, status: str = "200 OK", **headers: str) -> Script:
    def script(conn: socket.socket) -> None:
        conn.sendall(_head(status, {"Content-Length": str(len(body)), **headers}) + body)

    return script


def reset_mid_body(body: bytes = BODY) -> Script:
    """Half the body, then a TCP reset (SO_LINGER 0), as a dropped connection looks to the client."""

    def script(conn: socket.socket) -> None:
        conn.sendall(_head("200 OK", {"Content-Length": str(len(body))}) + body[: len(body) // 2])
        time.sleep(0.05)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return script


def short_body(body: bytes = BODY) -> Script:
    """Content-Length promises 100 bytes more than are sent before a clean close."""

    def script(conn: socket.socket) -> None:
        conn.sendall(_head("200 OK", {"Content-Length": str(len(body) + 100)}) + body)

    return script


def corrupt_gzip() -> Script:
    garbage = b"\x1f\x8b\x08\x00 this is not a deflate stream at all" * 4
    return answer(garbage, **{"Content-Encoding": "gzip", "Content-Type": "application/json"})


def chunked(parts: list[bytes]) -> Script:
    def script(conn: socket.socket) -> None:
        conn.sendall(_head("200 OK", {"Transfer-Encoding": "chunked"}))
        for part in parts:
            conn.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        conn.sendall(b"0\r\n\r\n")

    return script


def trickle(body: bytes, every: float) -> Script:
    """A whole Content-Length, sent one byte at a time: each read succeeds, the body never ends."""

    def script(conn: socket.socket) -> None:
        conn.sendall(_head("200 OK", {"Content-Length": str(len(body))}))
        for byte in body:
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return script


def redirect_to(path: str) -> Script:
    return answer(b"", status="302 Found", Location=path)


class RawServer:
    """Answers the nth request with the nth script (the last one repeats), one connection each."""

    def __init__(self, *scripts: Script) -> None:
        self.scripts = list(scripts)
        self.requests: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/api"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(65536)
                if not data:
                    return
                request += data
            self.requests.append(request.split(b"\r\n", 1)[0].decode())
            script = self.scripts[min(len(self.requests), len(self.scripts)) - 1]
            with contextlib.suppress(OSError):  # the client gave up first (a deadline): nothing to do
                script(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(*scripts: Script) -> RawServer:
        servers.append(RawServer(*scripts))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def polite(**kwargs: object) -> PoliteClient:
    """No spacing and no real sleeping: the faults, not the politeness, are under test."""
    sleeps: list[float] = []
    client = PoliteClient(min_interval=0, sleep=sleeps.append, **kwargs)  # type: ignore[arg-type]
    client.sleeps = sleeps  # type: ignore[attr-defined]
    return client


# --- 1. body-level faults are retried, then end in an AtlasError naming the host ---


@pytest.mark.parametrize(
    "fault",
    [reset_mid_body(), short_body(), corrupt_gzip()],
    ids=["reset-mid-body", "short-body", "corrupt-gzip"],
)
def test_a_broken_body_is_retried_and_the_next_whole_one_returned(
    serve: Callable[..., RawServer], fault: Script
) -> None:
    server = serve(fault, answer(BODY))
    response = polite().get(server.url)
    assert response.json() == {"studies": [], "totalCount": 0}
    assert response.content == BODY
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (reset_mid_body(), "reset mid-body"),
        (short_body(), "100 bytes short of its Content-Length"),
        (corrupt_gzip(), "would not decode"),
    ],
    ids=["reset-mid-body", "short-body", "corrupt-gzip"],
)
def test_a_body_that_keeps_breaking_ends_in_a_clear_transient_error(
    serve: Callable[..., RawServer], fault: Script, said: str
) -> None:
    server = serve(fault)
    with pytest.raises(SourceBodyError, match="127.0.0.1") as error:
        polite(max_attempts=3).get(server.url)
    assert said in str(error.value)
    assert "next: " in str(error.value)
    assert len(server.requests) == 3
    assert is_transient(error.value), "a broken body may mend: the flow retries it"


def test_gzip_and_chunked_bodies_still_arrive_whole(serve: Callable[..., RawServer]) -> None:
    packed = gzip.compress(BODY)
    server = serve(answer(packed, **{"Content-Encoding": "gzip"}), chunked([BODY[:10], BODY[10:]]))
    client = polite()
    assert client.get(server.url).content == BODY
    assert client.get(server.url).json() == {"studies": [], "totalCount": 0}


def test_a_redirect_loop_is_a_clear_error_and_not_retried(serve: Callable[..., RawServer]) -> None:
    server = serve(redirect_to("/api"))
    with pytest.raises(SourceRedirectLoop, match="redirect loop") as error:
        polite().get(server.url)
    assert len(server.requests) == 31, "one attempt: the first request and requests' 30 redirects"
    assert not is_transient(error.value)


def test_a_ctgov_page_with_null_studies_is_a_structure_change_not_an_empty_page(tmp_path: Path) -> None:
    landing = RawLanding(tmp_path / "raw")
    with rm.Mocker() as mock:
        mock.get(BASE_URL, json={"studies": None, "totalCount": 5})
        with pytest.raises(PageStructureChanged, match='"studies": null instead of a list'):
            ctgov.fetch(polite(), landing, since=None)
    assert (landing.folder / "page-0001.json").is_file(), "the odd page is kept to look at"


# --- 2. every fetch is bounded: a looping token, a trickling body, a whole fetch ---


def _by_token(answer_for: Callable[[str | None], dict]) -> Callable[..., dict]:
    def respond(request, context) -> dict:  # noqa: ANN001 - requests_mock's callback signature
        token = parse_qs(urlsplit(request.url).query).get("pageToken", [None])[0]
        return answer_for(token)

    return respond


def test_a_repeated_page_token_stops_the_fetch_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the check, a lower guard still ends the test quickly (and it fails on the message).
    monkeypatch.setattr(ctgov_helpers, "MAX_PAGES", 50)
    with rm.Mocker() as mock:
        mock.get(BASE_URL, json=_by_token(lambda token: {"studies": [{}], "nextPageToken": "AAA"}))
        with pytest.raises(ShortDownload, match="sent page token 'AAA' twice"):
            ctgov.fetch(polite(), RawLanding(tmp_path / "raw"), since=None)
        assert mock.call_count == 2


def test_a_token_cycle_is_caught_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctgov_helpers, "MAX_PAGES", 50)
    cycle = {None: "A", "A": "B", "B": "A"}
    with rm.Mocker() as mock:
        mock.get(BASE_URL, json=_by_token(lambda token: {"studies": [], "nextPageToken": cycle[token]}))
        with pytest.raises(ShortDownload, match="'A' twice \\(pages 1 and 3\\)"):
            ctgov.fetch(polite(), RawLanding(tmp_path / "raw"), since=None)


def test_a_trickling_body_hits_the_request_deadline(
    serve: Callable[..., RawServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_REQUEST_DEADLINE", "0.3")
    server = serve(trickle(b"x" * 200, every=0.02))  # 4 s a body; each read well inside the timeout
    started = time.monotonic()
    with pytest.raises(SourceTooSlow, match="still sending .* after 0.3 s") as error:
        polite(max_attempts=2).get(server.url)
    assert time.monotonic() - started < 2.0
    assert len(server.requests) == 2
    assert "CGT_ATLAS_REQUEST_DEADLINE" in str(error.value)


def test_a_fetch_stops_at_its_deadline_however_many_pages_remain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_FETCH_DEADLINE", "10")
    monkeypatch.setattr(ctgov_helpers, "MAX_PAGES", 100)  # without the deadline: fail fast, not hang
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    client = PoliteClient(min_interval=1.0, sleep=sleep, clock=lambda: now[0])  # one second a page
    with rm.Mocker() as mock:
        mock.get(BASE_URL, json=_by_token(lambda token: {"studies": [], "nextPageToken": f"{token}+"}))
        with pytest.raises(FetchDeadlineExceeded, match="10 s \\(CGT_ATLAS_FETCH_DEADLINE\\)") as error:
            ctgov.fetch(client, RawLanding(tmp_path / "raw"), since=None)
        assert mock.call_count <= 11
    assert not is_transient(error.value), "a flow retry would start a fresh budget"


def test_a_wait_that_would_cross_the_fetch_deadline_stops_instead_of_sleeping() -> None:
    sleeps: list[float] = []
    client = PoliteClient(min_interval=0, fetch_deadline=30, sleep=sleeps.append, clock=lambda: 0.0)
    with rm.Mocker() as mock:
        mock.get(BASE_URL, status_code=503, headers={"Retry-After": "60"})
        with pytest.raises(FetchDeadlineExceeded, match="would have to wait 60 s"):
            client.get(BASE_URL)
    assert sleeps == []


# --- 3. a Retry-After longer than the client will wait is an error, not an early retry ---


@pytest.mark.parametrize("status", [429, 503])
def test_a_retry_after_beyond_max_wait_is_not_retried_early(status: int) -> None:
    client = polite()
    with rm.Mocker() as mock:
        mock.get(BASE_URL, status_code=status, headers={"Retry-After": "3600"})
        with pytest.raises(SourceAskedToWait, match="asked us to wait 3600 s") as error:
            client.get(BASE_URL)
        assert mock.call_count == 1
    assert client.sleeps == []  # type: ignore[attr-defined]
    assert "come back in 3600 s" in str(error.value)
    assert error.value.status == status and not is_transient(error.value)


def test_a_retry_after_within_max_wait_is_honoured_in_full() -> None:
    client = polite(max_wait=120)
    with rm.Mocker() as mock:
        mock.get(BASE_URL, [{"status_code": 429, "headers": {"Retry-After": "120"}}, {"content": BODY}])
        assert client.get(BASE_URL).content == BODY
    assert client.sleeps == [120.0]  # type: ignore[attr-defined]


# --- 4. the flow retries what may mend, and fails a permanent refusal at once ---


def _state_raising(error: BaseException) -> SimpleNamespace:
    def result() -> None:
        raise error

    return SimpleNamespace(result=result)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_a_permanent_refusal_is_not_retried_by_the_flow(status: int) -> None:
    from flows.refresh import _transient

    error = SourceHttpError(f"HTTP {status}", status=status)
    assert not _transient(None, None, _state_raising(error))
    assert "will not help" in str(error)


@pytest.mark.parametrize(
    "error",
    [
        SourceHttpError("busy", status=429),
        SourceHttpError("bad gateway", status=502),
        SourceHttpError("unavailable", status=503),
        SourceBodyError("reset mid-body"),
    ],
    ids=["429", "502", "503", "body"],
)
def test_busy_servers_and_broken_bodies_are_retried_by_the_flow(error: AtlasError) -> None:
    from flows.refresh import _transient

    assert _transient(None, None, _state_raising(error))


@pytest.mark.parametrize(
    "error",
    [
        SourceUnreachable("offline"),
        SourceAskedToWait("later", status=429, wait_seconds=3600),
        SourceTooSlow("trickle"),
        FetchDeadlineExceeded("too long"),
        SourceRedirectLoop("loop"),
        PageStructureChanged("changed"),
        ShortDownload("short"),
        TypeError("a bug"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_other_failures_are_not_retried_by_the_flow(error: BaseException) -> None:
    from flows.refresh import _transient

    assert not _transient(None, None, _state_raising(error))


@pytest.mark.parametrize(
    "error",
    [SourceHttpError("gone", status=404), SourceAskedToWait("later", status=429, wait_seconds=3600)],
    ids=["404", "asked-to-wait"],
)
def test_http_errors_keep_their_status_through_pickling(error: SourceHttpError) -> None:
    """Prefect may persist a failed task's exception; the retry decision must survive it."""
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.status, str(copy)) == (type(error), error.status, str(error))
    assert is_transient(copy) == is_transient(error) is False


def test_a_404_from_a_real_server_fails_once_with_its_status(serve: Callable[..., RawServer]) -> None:
    server = serve(answer(b"no such page", status="404 Not Found"))
    with pytest.raises(SourceHttpError, match="HTTP 404 .*no such page") as error:
        polite().get(server.url)
    assert error.value.status == 404 and not is_transient(error.value)
    assert len(server.requests) == 1


# --- 5. the FDA scraper follows roster links only on FDA's own site ---

FDA = FIXTURES / "fda_cgt"
PRODUCT_PAGES = {
    "https://www.fda.gov/vaccines-blood-biologics/cellular-gene-therapy-products/"
    "breyanzi-lisocabtagene-maraleucel": "page-0002.html",
    "https://www.fda.gov/vaccines-blood-biologics/casgevy": "page-0003.html",
    "https://www.fda.gov/vaccines-blood-biologics/regenecyte-hpc-cord-blood": "page-0004.html",
}


def _roster(casgevy_href: str) -> bytes:
    """The hand-written roster fixture with CASGEVY's product link pointed at `casgevy_href`."""
    text = (FDA / "page-0001.html").read_text(encoding="utf-8")
    original = 'href="/vaccines-blood-biologics/casgevy"'
    assert original in text
    return text.replace(original, f'href="{casgevy_href}"').encode()


def _mock_fda(mock: rm.Mocker, roster: bytes) -> None:
    mock.get(INDEX_URL, content=roster)
    for url, page in PRODUCT_PAGES.items():
        mock.get(url, content=(FDA / page).read_bytes())


@pytest.mark.parametrize(
    "href",
    [
        "https://evil.example/vaccines-blood-biologics/casgevy",
        "https://www.fda.gov.evil.example/casgevy",
        "https://fda.gov@evil.example/casgevy",
        "ftp://www.fda.gov/casgevy",
    ],
)
def test_a_roster_link_off_fdas_site_is_refused_before_any_product_page_is_fetched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, href: str
) -> None:
    monkeypatch.setenv("CGT_ATLAS_FDA_CRAWL_DELAY", "0")
    landing = RawLanding(tmp_path / "raw")
    with rm.Mocker() as mock:
        _mock_fda(mock, _roster(href))
        with pytest.raises(PageStructureChanged, match="row for 'CASGEVY' links off FDA's site") as error:
            fda_cgt.fetch(polite(), landing, since=None)
        assert [request.url for request in mock.request_history] == [INDEX_URL]
    assert href in str(error.value)
    assert (landing.folder / "page-0001.html").read_bytes() == _roster(href), "the roster is kept"


def test_a_replayed_roster_with_an_off_site_link_is_refused_too(tmp_path: Path) -> None:
    page = tmp_path / "page-0001.html"
    page.write_bytes(_roster("https://evil.example/casgevy"))
    with pytest.raises(PageStructureChanged, match="links off FDA's site"):
        fda_cgt.parse(duckdb.connect(), [page])


def test_a_plain_http_link_to_fda_is_followed_over_https(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_FDA_CRAWL_DELAY", "0")
    with rm.Mocker() as mock:
        _mock_fda(mock, _roster("http://www.fda.gov/vaccines-blood-biologics/casgevy"))
        result = fda_cgt.fetch(polite(), RawLanding(tmp_path / "raw"), since=None)
        fetched = [request.url for request in mock.request_history]
    assert (result.rows, result.reported_total) == (3, 3)
    assert "https://www.fda.gov/vaccines-blood-biologics/casgevy" in fetched
    assert all(url.startswith("https://www.fda.gov/") for url in fetched)


def test_a_product_page_that_redirects_off_fdas_site_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGT_ATLAS_FDA_CRAWL_DELAY", "0")
    with rm.Mocker() as mock:
        _mock_fda(mock, (FDA / "page-0001.html").read_bytes())
        mock.get(
            "https://www.fda.gov/vaccines-blood-biologics/casgevy",
            status_code=301,
            headers={"Location": "https://evil.example/casgevy"},
        )
        mock.get("https://evil.example/casgevy", text="<html><h1>CASGEVY</h1></html>")
        with pytest.raises(PageStructureChanged, match="redirected off FDA's site, to https://evil.example"):
            fda_cgt.fetch(polite(), RawLanding(tmp_path / "raw"), since=None)
