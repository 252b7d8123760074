"""A real HTTP server on 127.0.0.1 that serves recorded bodies at the sources' real paths.

The live code meets it through CGT_ATLAS_<SOURCE>_BASE_URL, over the same requests/urllib3 stack it
uses on the internet, and every request it sends is kept (method, path, query, headers, body, time)
for the tests to check.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Seen], Answer]


class RecordedServer:
    """Routes (method, path) to answers; an unknown path answers 404, as a real site would."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, path: str, answer: Route | Answer | bytes, method: str = "GET") -> None:
        if isinstance(answer, bytes):
            answer = Answer(body=answer)
        self.routes[(method, path)] = answer if callable(answer) else (lambda _seen, a=answer: a)

    def sequence(self, path: str, answers: list[Answer], method: str = "GET") -> None:
        """Answer the nth request for `path` with the nth answer; the last one repeats."""
        count = iter(range(10**6))
        self.route(path, lambda _seen: answers[min(next(count), len(answers) - 1)], method)

    def requests(self, path: str | None = None) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if path is None or seen.path == path]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    method=self.command,
                    path=parts.path,
                    query={key: values[0] for key, values in parse_qs(parts.query).items()},
                    headers=dict(self.headers.items()),
                    body=self.rfile.read(length) if length else b"",
                    at=time.monotonic(),
                )
                with server._lock:
                    server.seen.append(seen)
                route = server.routes.get((self.command, parts.path))
                answer = route(seen) if route else Answer(404, b"<html><h1>Page Not Found</h1></html>")
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = _answer  # noqa: N815 (the names http.server calls)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def start(self) -> RecordedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def recorded_server() -> Iterator[RecordedServer]:
    server = RecordedServer().start()
    try:
        yield server
    finally:
        server.stop()
