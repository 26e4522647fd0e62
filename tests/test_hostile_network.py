"""The network is never touched unless asked: a remote manifest on a loopback server.

The remote-manifest sample names `http://127.0.0.1:9/manifests/remote-manifest.c2pa`. A
copy of it names a loopback server of this test instead (the URL is rewritten in place,
same length). Checked offline, the server sees no connection; with --allow-network it
sees the fetch, which shows the test can tell the two apart.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from verify.cli import main

ORIGINAL = b"127.0.0.1:9/manifests/remote-manifest.c2pa"


class Listener:
    """Counts TCP connections on a loopback port; answers each with a 404."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _asset(samples_dir: Path, tmp_path: Path, port: int) -> Path:
    data = (samples_dir / "remote-manifest.jpg").read_bytes()
    assert data.count(ORIGINAL) == 1
    prefix = f"127.0.0.1:{port}/".encode()
    url = prefix + b"x" * (len(ORIGINAL) - len(prefix))
    path = tmp_path / "remote.jpg"
    path.write_bytes(data.replace(ORIGINAL, url))
    return path


def test_offline_check_makes_no_connection(
    listener: Listener, samples_dir: Path, tmp_path: Path
) -> None:
    """Without --allow-network the remote manifest is reported, not fetched."""
    asset = _asset(samples_dir, tmp_path, listener.port)
    result = CliRunner().invoke(main, ["check", "-f", "json", "-j", "1", str(asset)])
    record = json.loads(result.stdout)
    assert record["credentials"] == "remote"
    assert str(listener.port) in record["remote_url"]
    assert listener.connections == 0


def test_allow_network_fetches(listener: Listener, samples_dir: Path, tmp_path: Path) -> None:
    """With --allow-network the library does connect (so the test above can fail)."""
    asset = _asset(samples_dir, tmp_path, listener.port)
    CliRunner().invoke(
        main, ["check", "-f", "json", "-j", "1", "--allow-network", "--timeout", "20", str(asset)]
    )
    assert listener.connections >= 1


class _ManifestServer:
    """Serves one manifest store (application/c2pa) for any path, on loopback."""

    def __init__(self, body: bytes, status: int = 200) -> None:
        import http.server

        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                self.send_response(status)
                self.send_header("Content-Type", "application/c2pa")
                self.send_header("Content-Length", str(len(body) if status == 200 else 0))
                self.end_headers()
                if status == 200:
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.requests = 0
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port: int = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


def _check_online(asset: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        main,
        ["check", "-f", "json", "-j", "1", "--allow-network", "--timeout", "20", str(asset)],
    )
    record: dict[str, object] = json.loads(result.stdout)
    return record


def test_fetched_remote_manifest_is_reported_as_remote(samples_dir: Path, tmp_path: Path) -> None:
    """A store fetched with --allow-network reads as credentials "remote" with its URL."""
    server = _ManifestServer((samples_dir / "remote" / "remote-manifest.c2pa").read_bytes())
    try:
        record = _check_online(_asset(samples_dir, tmp_path, server.port))
    finally:
        server.close()
    assert server.requests >= 1
    assert record["credentials"] == "remote"
    assert str(record["remote_url"]).startswith(f"http://127.0.0.1:{server.port}/")
    assert record["validation"]["state"] is not None  # type: ignore[index]
    assert record["declaration"]["origin"] == "ai_generated"  # type: ignore[index]
    assert any("fetched from" in note for note in record["notes"])  # type: ignore[attr-defined]


def test_failed_fetch_says_so_and_keeps_a_clean_url(samples_dir: Path, tmp_path: Path) -> None:
    """A fetch that fails is not called "offline"; the URL carries no stray punctuation."""
    server = _ManifestServer(b"", status=404)
    try:
        record = _check_online(_asset(samples_dir, tmp_path, server.port))
    finally:
        server.close()
    assert record["credentials"] == "remote"
    url = str(record["remote_url"])
    assert url.startswith(f"http://127.0.0.1:{server.port}/") and url[-1] not in ").,;"
    explanation = record["declaration"]["explanation"]  # type: ignore[index]
    assert "could not be fetched" in explanation and "offline" not in explanation


def test_fetched_remote_manifest_reads_like_embedded_in_text(
    samples_dir: Path, tmp_path: Path
) -> None:
    """The text view of a fetched store gives its verdict, not "not fetched"."""
    server = _ManifestServer((samples_dir / "remote" / "remote-manifest.c2pa").read_bytes())
    try:
        result = CliRunner().invoke(
            main,
            [
                "check",
                "-j",
                "1",
                "--allow-network",
                "--timeout",
                "20",
                str(_asset(samples_dir, tmp_path, server.port)),
            ],
        )
    finally:
        server.close()
    first = result.stdout.splitlines()[1]
    assert "generated by AI" in first and "not fetched" not in first


def test_failed_fetch_is_not_called_offline_in_the_views(samples_dir: Path, tmp_path: Path) -> None:
    """The text verdict and the newsroom banner of a failed fetch say it failed."""
    from verify.core import CheckOptions, Verifier
    from verify.render_text import verdict_line
    from verify.wording import headline

    server = _ManifestServer(b"", status=404)
    try:
        asset = _asset(samples_dir, tmp_path, server.port)
        report = Verifier(CheckOptions(allow_network=True)).check_path(asset)
    finally:
        server.close()
    assert report.remote_fetch_failed
    assert "could not be fetched" in verdict_line(report)
    assert "offline" not in verdict_line(report)
    assert "could not be fetched" in headline(report).title
