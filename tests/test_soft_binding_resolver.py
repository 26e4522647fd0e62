"""Soft-binding resolution against a real loopback resolver; nothing sent unless asked twice.

The resolver is an HTTP server this test starts on 127.0.0.1 (a free port) that records
every request and answers as each test sets it up.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from hostile_asset import sign_jpeg
from test_signals_core import AI_JPEG, StoreReader, soft_binding_store

from verify import CheckOptions, Verifier
from verify.cli import main
from verify.detectors import resolver
from verify.detectors.resolver import Resolver, resolve_signals
from verify.detectors.soft_binding import NOT_RESOLVED
from verify.limits import Limits
from verify.reader import ReadKind, ReadOutcome
from verify.serialize import report_to_dict
from verify.signal import DetectorName, Signal

LIMITS = Limits()
MATCHES = {
    "matches": [
        {"manifestId": "urn:c2pa:1111", "similarityScore": 97},
        {"manifestId": "urn:c2pa:2222", "endpoint": "https://other.example/api"},
        {"no": "id"},
    ]
}


@dataclass
class Answer:
    body: bytes = json.dumps(MATCHES).encode()
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    answer: Answer
    requests: list[tuple[str, str, bytes]]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out closes the socket: not worth a traceback."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.requests.append((self.command, self.path, self.rfile.read(length)))
        answer = self.server.answer
        if answer.delay:
            time.sleep(answer.delay)
        self.send_response(answer.status)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)
        self.close_connection = True

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class FakeResolver:
    """A Soft Binding Resolution API on loopback that records what it is asked."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.answer = Answer()
        self._server.requests = []
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}/v1"

    @property
    def requests(self) -> list[tuple[str, str, bytes]]:
        return self._server.requests

    def answer(self, **kw: Any) -> None:
        self._server.answer = Answer(**kw)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def fake() -> Iterator[FakeResolver]:
    server = FakeResolver()
    try:
        yield server
    finally:
        server.close()


def binding(value: str = "AAECAwQ=") -> Signal:
    """The signal the soft-binding detector makes for one block."""
    from verify.declaration import Basis

    return Signal(
        detector=DetectorName.SOFT_BINDING,
        field="com.example.watermark.1",
        value=value,
        basis=Basis.SIGNED_TRUSTED,
        detail=NOT_RESOLVED,
    )


def test_query_follows_the_api_and_matches_become_signals(fake: FakeResolver) -> None:
    """POST /matches/byBinding with alg and value; each manifest id is a signal without origin."""
    out = resolve_signals([binding()], Resolver(fake.url), True, LIMITS)
    ((method, path, body),) = fake.requests
    assert method == "POST" and urlsplit(path).path == "/v1/matches/byBinding"
    assert parse_qs(urlsplit(path).query) == {"maxResults": ["10"]}
    assert json.loads(body) == {"alg": "com.example.watermark.1", "value": "AAECAwQ="}
    assert [(s.field, s.value, s.origin) for s in out] == [
        ("com.example.watermark.1", "AAECAwQ=", None),
        ("com.example.watermark.1", "urn:c2pa:1111", None),
        ("com.example.watermark.1", "urn:c2pa:2222", None),
    ]
    assert out[0].detail is not None and "2 matching manifests" in out[0].detail
    assert out[1].detail is not None and "similarity 97" in out[1].detail
    assert out[2].detail is not None and "https://other.example/api" in out[2].detail
    assert {s.basis.value for s in out[1:]} == {"heuristic"}


def test_no_match_is_said(fake: FakeResolver) -> None:
    """An empty match list leaves the soft-binding signal, saying the resolver found nothing."""
    fake.answer(body=b'{"matches": []}')
    (out,) = resolve_signals([binding()], Resolver(fake.url), True, LIMITS)
    assert out.detail is not None and out.detail.endswith(": no match")


FAILURES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("server error", {"status": 500, "body": b"oops"}, {}, "HTTP 500"),
    ("not json", {"body": b"<html>"}, {}, "not JSON"),
    ("wrong shape", {"body": b'{"matches": 3}'}, {}, "not a match list"),
    ("too large", {"body": b" " * 2048}, {"max_response_bytes": 1024}, "over 1024 bytes"),
    ("too slow", {"delay": 1.0}, {"timeout": 0.2}, "could not be reached"),
    (
        "a redirect is not followed",
        {"status": 302, "headers": {"Location": "http://127.0.0.1:9/elsewhere"}},
        {},
        "HTTP 302",
    ),
]


@pytest.mark.parametrize(
    ("case", "answer", "settings", "said"), FAILURES, ids=[f[0] for f in FAILURES]
)
def test_failures_are_said_in_the_detail(
    fake: FakeResolver, case: str, answer: dict[str, Any], settings: dict[str, Any], said: str
) -> None:
    """A failing resolver costs only the resolution: the signal stays, the detail says why."""
    fake.answer(**answer)
    (out,) = resolve_signals([binding()], Resolver(fake.url, **settings), True, LIMITS)
    assert out.value == "AAECAwQ=" and out.detail is not None and said in out.detail
    assert len(fake.requests) == 1


def test_refused_connection_is_said() -> None:
    """A resolver nobody listens on is a failure in the detail, not an exception."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (out,) = resolve_signals([binding()], Resolver(f"http://127.0.0.1:{port}"), True, LIMITS)
    assert out.detail is not None and "could not be reached" in out.detail


def test_cut_value_is_not_sent(fake: FakeResolver) -> None:
    """A value cut at max_string would query something else: it is not sent."""
    (out,) = resolve_signals([binding("x" * 10 + "…")], Resolver(fake.url), True, LIMITS)
    assert fake.requests == [] and out.detail is not None and "max_string" in out.detail


def verifier(**options: Any) -> Verifier:
    reader = StoreReader(ReadOutcome(ReadKind.MANIFEST, store=soft_binding_store()))
    return Verifier(CheckOptions(fast_path=False, **options), reader=reader)  # type: ignore[arg-type]


SILENT = [
    ("no resolver", {"allow_network": True}, NOT_RESOLVED),
    ("resolver without network", {"allow_network": False}, resolver.NETWORK_OFF),
]


@pytest.mark.parametrize(("case", "options", "detail"), SILENT, ids=[s[0] for s in SILENT])
def test_nothing_is_sent_unless_both_are_given(
    fake: FakeResolver, case: str, options: dict[str, Any], detail: str
) -> None:
    """Without a resolver, or without --allow-network, no request is made; the detail says why."""
    url = fake.url if case == "resolver without network" else None
    report = verifier(soft_binding_resolver=url, **options).check_bytes(AI_JPEG, name="x.jpg")
    (soft,) = [s for s in report.signals if s.detector is DetectorName.SOFT_BINDING]
    assert soft.detail == detail
    assert fake.requests == []


def test_matches_never_decide(
    fake: FakeResolver, validate_record: Callable[[dict[str, Any]], None]
) -> None:
    """The combined declaration is the manifest's; the matches are listed, never decisive."""
    report = verifier(soft_binding_resolver=fake.url, allow_network=True).check_bytes(
        AI_JPEG, name="x.jpg"
    )
    soft = [s for s in report.signals if s.detector is DetectorName.SOFT_BINDING]
    assert [s.value for s in soft] == ["abc123", "urn:c2pa:1111", "urn:c2pa:2222"]
    assert not any(s.decisive for s in soft)
    assert report.declaration.origin.value == "captured"
    assert [c.source for c in report.declaration.claims] == ["c2pa", "xmp"]
    validate_record(report_to_dict(report))


def sign_soft_binding_jpeg(samples_dir: Path, out: Path) -> Path:
    """Write `out`: a JPEG signed by the samples' test signer with a c2pa.soft-binding."""
    capture = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"
    definition = {
        "claim_generator_info": [{"name": "test", "version": "1"}],
        "title": "soft binding",
        "format": "image/jpeg",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": capture}]},
            },
            {
                "label": "c2pa.soft-binding",
                "data": {
                    "alg": "com.example.watermark.1",
                    "blocks": [{"scope": {}, "value": "AAECAwQ="}],
                },
            },
        ],
    }
    return sign_jpeg(samples_dir, definition, out)


@pytest.fixture(scope="module")
def soft_jpeg(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sign_soft_binding_jpeg(samples_dir, tmp_path_factory.mktemp("soft") / "soft.jpg")


def test_cli_resolves_a_signed_asset(fake: FakeResolver, soft_jpeg: Path) -> None:
    """check --soft-binding-resolver URL --allow-network lists the matched manifest ids."""
    result = CliRunner().invoke(
        main,
        [
            *("check", "-f", "jsonl", "-j", "1", "--allow-network"),
            *("--soft-binding-resolver", fake.url, str(soft_jpeg)),
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    soft = [s for s in record["signals"] if s["detector"] == "soft_binding"]
    assert [s["value"] for s in soft] == ["AAECAwQ=", "urn:c2pa:1111", "urn:c2pa:2222"]
    assert len(fake.requests) == 1


USAGE = [
    ("resolver without --allow-network", ["--soft-binding-resolver", "URL"], "--allow-network"),
    ("not an http url", ["--allow-network", "--soft-binding-resolver", "file:///x"], "http"),
]


@pytest.mark.parametrize(("case", "flags", "said"), USAGE, ids=[u[0] for u in USAGE])
def test_cli_usage_errors_send_nothing(
    fake: FakeResolver, soft_jpeg: Path, case: str, flags: list[str], said: str
) -> None:
    """A resolver without --allow-network (or a bad URL) exits 2 before anything is read."""
    flags = [fake.url if f == "URL" else f for f in flags]
    result = CliRunner().invoke(main, ["check", "-f", "jsonl", *flags, str(soft_jpeg)])
    assert result.exit_code == 2 and said in result.output
    assert fake.requests == []


def test_cli_without_flags_sends_nothing(fake: FakeResolver, soft_jpeg: Path) -> None:
    """A plain check of an asset with a soft binding makes no request and says why."""
    result = CliRunner().invoke(main, ["check", "-f", "jsonl", "-j", "1", str(soft_jpeg)])
    assert result.exit_code == 0, result.output
    (soft,) = [s for s in json.loads(result.stdout)["signals"] if s["detector"] == "soft_binding"]
    assert soft["detail"] == NOT_RESOLVED
    assert fake.requests == []
