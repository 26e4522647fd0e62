"""`c2pa-verify serve` as users run it: a real server process on a loopback port."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families
from serve_process import ServeProcess

from verify.cli import main
from verify.server.config import TEST_HOOK_ENV

ANCHORS = ("--trust-anchors", "samples/trust/anchors.pem")
#: Bodies over this are cut off; every sample is far below it.
MAX_BODY = 256 * 1024
#: Seconds per check before 504 (the hang hook sleeps for an hour).
CHECK_TIMEOUT = 3.0
#: Client-side bound on any one request (no test may hang).
CLIENT_TIMEOUT = 60.0
#: Samples the CLI reads with a sidecar next to them (sent as multipart below).
SIDECAR_SAMPLES = {"sidecar.jpg"}


@pytest.fixture(scope="module")
def server() -> Iterator[ServeProcess]:
    """One server for the module: 2 workers, the test PKI, the misbehaving hook."""
    with ServeProcess(
        "--workers",
        "2",
        "--max-body",
        str(MAX_BODY),
        "--timeout",
        str(CHECK_TIMEOUT),
        *ANCHORS,
        env={TEST_HOOK_ENV: "pool_hooks:misbehave"},
    ) as proc:
        yield proc


@pytest.fixture
def client(server: ServeProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=CLIENT_TIMEOUT) as c:
        yield c


@pytest.fixture(scope="module")
def cli_reports() -> dict[str, dict[str, Any]]:
    """`check -f jsonl` over samples/, by path, without the batch index."""
    root = Path(__file__).resolve().parent.parent
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        result = runner.invoke(main, ["check", "-f", "jsonl", "-j", "2", *ANCHORS, "samples"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return {r["path"]: {**r, "index": None} for r in records}


def _metrics(client: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    values: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def _count(values: dict[Any, float], name: str, **labels: str) -> float:
    return values.get((name, tuple(sorted(labels.items()))), 0.0)


def _chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        sent += n
        yield b"\xff" * n


def test_samples_return_the_cli_json(
    client: httpx.Client,
    samples_dir: Path,
    expected: dict[str, Any],
    cli_reports: dict[str, dict[str, Any]],
) -> None:
    """Every sample posted as a raw body gets exactly the report `check -f jsonl` writes."""
    for name in expected:
        if name in SIDECAR_SAMPLES:
            continue
        path = f"samples/{name}"
        response = client.post(
            "/v1/verify",
            params={"filename": path},
            content=(samples_dir / name).read_bytes(),
            headers={"Content-Type": "application/octet-stream"},
        )
        assert response.json() == cli_reports[path], name


def test_sidecar_as_multipart_returns_the_cli_json(
    client: httpx.Client, samples_dir: Path, cli_reports: dict[str, dict[str, Any]]
) -> None:
    """The asset and its .c2pa sidecar as multipart parts read as the CLI reads them.

    Only the note differs: the CLI names the sidecar file it found next to the asset.
    """
    response = client.post(
        "/v1/verify",
        files={
            "file": (
                "samples/sidecar.jpg",
                (samples_dir / "sidecar.jpg").read_bytes(),
                "image/jpeg",
            ),
            "sidecar": ("sidecar.c2pa", (samples_dir / "sidecar.c2pa").read_bytes()),
        },
    )
    assert response.status_code == 200
    report = response.json()
    assert report.pop("notes") == ["manifest read from the sidecar"]
    cli = dict(cli_reports["samples/sidecar.jpg"])
    assert cli.pop("notes") == ["manifest read from the sidecar sidecar.c2pa"]
    assert report == cli


def test_report_is_schema_valid_with_status_200(
    client: httpx.Client, samples_dir: Path, validate_record: Callable[[dict[str, Any]], None]
) -> None:
    """A verdict answers 200 with a schema-valid report and the type the bytes say."""
    response = client.post(
        "/v1/verify",
        content=(samples_dir / "ai-generated.png").read_bytes(),
        headers={"Content-Type": "image/png"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    report = response.json()
    validate_record(report)
    assert report["path"] == "-"
    assert report["declaration"]["origin"] == "ai_generated"
    assert report["signer"]["trust"] == "trusted"


@pytest.mark.parametrize(
    ("params", "content_type"),
    [
        ({"filename": "report.docx"}, "application/octet-stream"),
        ({}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ({}, None),  # the bytes alone: a ZIP archive, read as one
    ],
)
def test_signed_office_document_is_checked(
    client: httpx.Client, signed_docx: Path, params: dict[str, str], content_type: str | None
) -> None:
    """A signed .docx is not refused with 415: its credentials are read and validated."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(
        "/v1/verify", params=params, content=signed_docx.read_bytes(), headers=headers
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["credentials"], report["integrity"]) == ("embedded", "intact")
    assert report["signer"]["trust"] == "trusted"


def test_chunked_body_over_the_limit_is_413(client: httpx.Client) -> None:
    """A chunked body (no Content-Length) over --max-body is cut off with 413 too_large."""
    request = client.build_request(
        "POST", "/v1/verify", content=_chunks(4 * MAX_BODY), headers={"Content-Type": "image/jpeg"}
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    response = client.send(request)
    assert response.status_code == 413
    assert response.json()["error"]["kind"] == "too_large"


def test_declared_length_over_the_limit_is_413(client: httpx.Client) -> None:
    """A Content-Length over --max-body is refused before the body is read."""
    response = client.post(
        "/v1/verify", content=b"\xff" * (MAX_BODY + 1), headers={"Content-Type": "image/jpeg"}
    )
    assert response.status_code == 413
    report = response.json()
    assert report["error"]["kind"] == "too_large"
    assert report["size"] == MAX_BODY + 1


def test_server_keeps_serving_after_a_413(client: httpx.Client, samples_dir: Path) -> None:
    """After a cut-off upload the next request (new connection or not) gets its report."""
    client.send(client.build_request("POST", "/v1/verify", content=_chunks(2 * MAX_BODY)))
    response = client.post("/v1/verify", content=(samples_dir / "captured.jpg").read_bytes())
    assert response.status_code == 200
    assert response.json()["declaration"]["origin"] == "captured"


def test_unsupported_media_is_415(client: httpx.Client) -> None:
    """Bytes of no media type the verifier reads answer 415 with an unsupported report."""
    response = client.post(
        "/v1/verify", content=b"just some text\n" * 10, headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    report = response.json()
    assert report["error"]["kind"] == "unsupported"
    assert report["media_type"] == "text/plain"


def test_multipart_without_file_part_is_422(client: httpx.Client) -> None:
    """A form with no `file` part is a malformed request: 422 with a detail."""
    response = client.post("/v1/verify", files={"picture": ("a.jpg", b"\xff\xd8\xff")})
    assert response.status_code == 422
    assert "file" in response.json()["detail"]


def test_truncated_multipart_is_422(client: httpx.Client) -> None:
    """A multipart body that ends before its closing boundary is 422."""
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n\xff\xd8'
    response = client.post(
        "/v1/verify", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert response.status_code == 422


def test_empty_body_is_422(client: httpx.Client) -> None:
    """An empty body names no asset: 422."""
    response = client.post("/v1/verify", content=b"", headers={"Content-Type": "image/jpeg"})
    assert response.status_code == 422


def test_overlong_filename_is_422(client: httpx.Client, samples_dir: Path) -> None:
    """?filename= longer than 1024 characters is rejected by validation (422)."""
    response = client.post(
        "/v1/verify",
        params={"filename": "x" * 2000 + ".jpg"},
        content=(samples_dir / "captured.jpg").read_bytes(),
    )
    assert response.status_code == 422


def test_hanging_asset_is_504_and_server_keeps_serving(
    client: httpx.Client, samples_dir: Path
) -> None:
    """An asset whose check hangs answers 504 timeout; the next upload is checked."""
    data = (samples_dir / "captured.jpg").read_bytes()
    response = client.post("/v1/verify", params={"filename": "hang.jpg"}, content=data)
    assert response.status_code == 504
    report = response.json()
    assert report["error"]["kind"] == "timeout"
    assert report["path"] == "hang.jpg"
    after = client.post("/v1/verify", params={"filename": "fine.jpg"}, content=data)
    assert after.status_code == 200
    assert after.json()["declaration"]["origin"] == "captured"


def test_crashing_worker_is_500_and_server_keeps_serving(
    client: httpx.Client, samples_dir: Path
) -> None:
    """A worker killed mid-check answers 500 crashed; the pool replaces it."""
    data = (samples_dir / "captured.jpg").read_bytes()
    response = client.post("/v1/verify", params={"filename": "sigkill.jpg"}, content=data)
    assert response.status_code == 500
    assert response.json()["error"]["kind"] == "crashed"
    assert client.post("/v1/verify", content=data).status_code == 200


def test_metrics_count_requests_verdicts_and_errors(
    client: httpx.Client, samples_dir: Path
) -> None:
    """/metrics counts requests by status, verdicts by origin and errors by kind."""
    before = _metrics(client)
    client.post("/v1/verify", content=(samples_dir / "ai-generated.jpg").read_bytes())
    client.post("/v1/verify", content=(samples_dir / "ai-generated.jpg").read_bytes())
    client.post("/v1/verify", content=b"plain text", headers={"Content-Type": "text/plain"})
    after = _metrics(client)

    def delta(name: str, **labels: str) -> float:
        return _count(after, name, **labels) - _count(before, name, **labels)

    requests = "c2pa_verify_http_requests_total"
    assert delta(requests, route="/v1/verify", method="POST", status="200") == 2
    assert delta(requests, route="/v1/verify", method="POST", status="415") == 1
    assert delta("c2pa_verify_verdicts_total", origin="ai_generated", integrity="intact") == 2
    assert delta("c2pa_verify_errors_total", kind="unsupported") == 1
    latency = "c2pa_verify_http_request_duration_seconds_count"
    assert delta(latency, route="/v1/verify") == 3
    assert _count(after, "c2pa_verify_pool_workers") >= 1


def test_metrics_route_label_is_bounded(client: httpx.Client) -> None:
    """Unknown paths are counted under route="other", not one series per path."""
    before = _metrics(client)
    assert client.get("/no/such/path-123").status_code == 404
    after = _metrics(client)
    labels = {"route": "other", "method": "GET", "status": "404"}
    name = "c2pa_verify_http_requests_total"
    assert _count(after, name, **labels) - _count(before, name, **labels) == 1
    assert not any("path-123" in str(key) for key in after)


def test_two_hundred_concurrent_requests_all_succeed(
    server: ServeProcess, samples_dir: Path
) -> None:
    """200 uploads at once all answer 200 with the right verdict."""
    data = (samples_dir / "ai-generated.jpg").read_bytes()

    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(
            base_url=server.url, timeout=CLIENT_TIMEOUT, limits=limits
        ) as c:
            return await asyncio.gather(
                *(
                    c.post("/v1/verify", params={"filename": f"{i}.jpg"}, content=data)
                    for i in range(200)
                )
            )

    responses = asyncio.run(run())
    assert [r.status_code for r in responses] == [200] * 200
    assert {r.json()["declaration"]["origin"] for r in responses} == {"ai_generated"}
    assert sorted(r.json()["path"] for r in responses) == sorted(f"{i}.jpg" for i in range(200))


def test_readyz_reports_workers_and_trust_list_age(client: httpx.Client) -> None:
    """/readyz is 200 with live workers, the trust list loaded and its age."""
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["network"] is False
    assert body["workers"]["configured"] == 2
    assert body["trust"]["loaded"] is True
    (listed,) = body["trust"]["lists"]
    assert listed["name"] == "samples/trust/anchors.pem"
    assert listed["certificates"] >= 1
    assert isinstance(listed["age_seconds"], int) and listed["age_seconds"] >= 0


def test_healthz_answers(client: httpx.Client) -> None:
    """/healthz is 200 while the process runs."""
    assert client.get("/healthz").json() == {"status": "ok"}


def test_openapi_describes_verify_and_the_report(client: httpx.Client) -> None:
    """/openapi.json has POST /v1/verify and the report schema, every $ref resolvable."""
    doc = client.get("/openapi.json").json()
    assert "post" in doc["paths"]["/v1/verify"]
    schemas = doc["components"]["schemas"]
    assert "Report" in schemas
    refs = {
        ref.removeprefix("#/components/schemas/")
        for ref in _refs(doc)
        if ref.startswith("#/components/schemas/")
    }
    assert refs <= set(schemas)


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_access_log_has_a_line_per_request_and_no_body(
    server: ServeProcess, client: httpx.Client
) -> None:
    """Each request writes one JSON access line with its request id, never the body."""
    marker = b"SECRET-BODY-CONTENT-" * 4
    response = client.post(
        "/v1/verify",
        params={"filename": "private-name.txt"},
        content=marker,
        headers={"Content-Type": "text/plain", "X-Request-ID": "req-42"},
    )
    assert response.headers["x-request-id"] == "req-42"
    (line,) = _wait_for_access(server, "req-42")
    assert line["status"] == 415
    assert line["path"] == "/v1/verify"
    assert line["bytes_in"] == len(marker)
    text = "\n".join(server.log_lines())
    assert "SECRET-BODY" not in text
    assert "private-name" not in text


def _wait_for_access(server: ServeProcess, rid: str) -> list[dict[str, Any]]:
    """The access lines of one request id (written after the response: waits up to 10 s)."""
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        found = [e for e in server.events("access") if e.get("request_id") == rid]
        if found:
            return found
        time.sleep(0.05)
    return []


def test_serve_rejects_an_unknown_trust_list() -> None:
    """A trust list that is neither a known name nor a file is a usage error (exit 2)."""
    result = CliRunner().invoke(main, ["serve", "--trust-list", "no-such-list", "--port", "0"])
    assert result.exit_code == 2
    assert "no-such-list" in result.output


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_serve_rejects_a_timeout_that_is_not_finite(value: str) -> None:
    """`--timeout nan` or `inf` is a usage error (exit 2), caught before anything starts."""
    result = CliRunner().invoke(main, ["serve", "--timeout", value, "--port", "0"])
    assert result.exit_code == 2
    assert "finite" in result.output or "range" in result.output


def test_serve_stops_cleanly_on_sigterm() -> None:
    """SIGTERM shuts the server down gracefully: it logs `stopped` and stops listening.

    (uvicorn re-raises the signal once shut down, so the status says SIGTERM.)
    """
    proc = ServeProcess("--workers", "1", "--no-trust")
    with proc:
        assert httpx.get(proc.url + "/healthz", timeout=CLIENT_TIMEOUT).status_code == 200
    assert proc.close() in (0, -signal.SIGTERM)
    assert proc.events("stopped")
    with pytest.raises(httpx.ConnectError):
        httpx.get(proc.url + "/healthz", timeout=CLIENT_TIMEOUT)


def test_serve_without_the_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without uvicorn installed, serve exits 2 naming the [server] extra."""
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert "c2pa-verify[server]" in result.output


def test_connections_over_max_connections_get_503() -> None:
    """With --max-connections 3, a fourth open connection's request is refused with 503,
    and the server answers again once the others close."""
    import socket
    from urllib.parse import urlsplit

    with ServeProcess("--workers", "1", "--no-trust", "--max-connections", "3") as proc:
        parts = urlsplit(proc.url)
        held = [
            socket.create_connection((parts.hostname or "", parts.port or 0), timeout=5)
            for _ in range(3)
        ]
        try:
            # uvicorn counts a connection once accepted: wait until all three are.
            deadline = time.monotonic() + 10
            status = 200
            while time.monotonic() < deadline:
                status = httpx.get(proc.url + "/healthz", timeout=CLIENT_TIMEOUT).status_code
                if status == 503:
                    break
                time.sleep(0.1)
            assert status == 503
        finally:
            for sock in held:
                sock.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if httpx.get(proc.url + "/healthz", timeout=CLIENT_TIMEOUT).status_code == 200:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer again after the connections closed")
