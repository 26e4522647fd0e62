"""A loopback HTTP server for trust list downloads, with ways to misbehave.

Started by a test fixture on 127.0.0.1 with an ephemeral port; nothing leaves the host.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Route:
    body: bytes
    status: int = 200
    #: Announce this many bytes but send only `body` (then close): a truncated response.
    announce: int | None = None
    #: Seconds to wait before answering (for timeouts); bounded by the test.
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    #: Send no Content-Length: the body ends when the connection closes.
    no_length: bool = False
    #: Send the body with chunked transfer coding, in chunks of this many bytes.
    chunked: int = 0
    #: With `chunked`: close without the final zero-length chunk (an incomplete transfer).
    unfinished: bool = False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    routes: dict[str, Route]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) closes the socket: not worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path)
        if route is None:
            route = Route(b"not found", status=404)
        if route.delay:
            time.sleep(route.delay)
        self.send_response(route.status)
        if route.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif not route.no_length:
            self.send_header("Content-Length", str(route.announce or len(route.body)))
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if route.chunked:
            for i in range(0, len(route.body), route.chunked):
                piece = route.body[i : i + route.chunked]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            if not route.unfinished:
                self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(route.body)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


class ListServer:
    """Serves `routes` until closed."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.routes = {}
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def serve(self, path: str, body: bytes, **kw: object) -> str:
        """Serve `body` at `path` and return its URL."""
        self._server.routes[path] = Route(body, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve_real_lists(server: ListServer, lists_dir: Path) -> list[str]:
    """Serve a copy of the official and Interim lists; return `trust update` arguments."""
    for name in ("C2PA-TRUST-LIST.pem", "C2PA-TSA-TRUST-LIST.pem"):
        server.serve(f"/trust-list/{name}", (lists_dir / name).read_bytes())
    for name in ("anchors.pem", "allowed.pem", "store.cfg"):
        server.serve(f"/trust/{name}", (lists_dir / "interim" / name).read_bytes())
    return [
        "trust",
        "update",
        "--url",
        server.url("/trust-list/C2PA-TRUST-LIST.pem"),
        "--tsa-url",
        server.url("/trust-list/C2PA-TSA-TRUST-LIST.pem"),
        "--legacy-url",
        server.url("/trust/"),
    ]
