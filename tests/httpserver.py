"""A scripted HTTP server on 127.0.0.1 for tests: files, canned responses and misbehaviour.

Each route is either a :class:`Canned` response or a function given the request handler, so a
test can stall, drip, redirect in a loop or stream a bomb without touching the network.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Canned:
    """A fixed answer; ``body`` may be bytes or an iterable of chunks (streamed, never joined)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] | Callable[[], Iterable[bytes]] = b""


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def do_GET(self) -> None:
        self.server.owner.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
        routes = self.server.owner.routes
        route = routes.get(self.path) or routes.get(self.path.split("?")[0])
        try:
            if route is None:
                self.send_error(404)
            elif isinstance(route, Canned):
                write_canned(self, route)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass


def write_canned(handler: BaseHTTPRequestHandler, canned: Canned) -> None:
    handler.send_response(canned.status)
    body = canned.body() if callable(canned.body) else canned.body
    if isinstance(body, bytes) and not any(k.lower() == "content-length" for k in canned.headers):
        handler.send_header("Content-Length", str(len(body)))
    for key, value in canned.headers.items():
        handler.send_header(key, value)
    handler.end_headers()
    chunks = [body] if isinstance(body, bytes) else body
    for chunk in chunks:
        handler.wfile.write(chunk)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: TestServer


class TestServer:
    """``server.add(path, Canned(...))`` or ``server.route(path, fn)``; ``server.url(path)``."""

    __test__ = False

    def __init__(self) -> None:
        self.routes: dict[str, Canned | Handler] = {}
        self.seen: list[Seen] = []
        self.stop = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def start(self) -> TestServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, canned: Canned) -> str:
        self.routes[path] = canned
        return self.url(path)

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)


def zero_chunks(total: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """``total`` zero bytes, one reused chunk at a time (a 50 MB body without 50 MB in memory)."""
    block = b"\0" * chunk
    sent = 0
    while sent < total:
        piece = block if total - sent >= chunk else block[: total - sent]
        sent += len(piece)
        yield piece


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    server = TestServer().start()
    try:
        yield server
    finally:
        server.close()
