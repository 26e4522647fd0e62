"""The service's pure parts: upload reading, media type choice, status codes, settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

import pytest

from verify.core import CheckOptions, error_report
from verify.reader import ErrorKind
from verify.server.config import TEST_HOOK_ENV, ServerConfig, ServerConfigError, load_test_hook
from verify.server.responses import STATUS_BY_ERROR, status_for
from verify.server.trust import TrustStatus, describe_lists
from verify.server.upload import (
    OCTET_STREAM,
    BodyTooLarge,
    MalformedUpload,
    Upload,
    choose_media_type,
    media_type_of,
    read_upload,
)
from verify.trust.lists import TrustKind, TrustList
from verify.trust.store import StoredList

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
TIFF_HEAD = b"II*\x00\x08\x00\x00\x00"
ZIP_HEAD = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _stream(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def _read(
    chunks: Iterable[bytes], headers: dict[str, str], limit: int = 1000, name: str | None = None
) -> Upload:
    return asyncio.run(read_upload(_stream(chunks), headers, limit, name))


def _form(*parts: tuple[str, str | None, bytes], boundary: str = "XyZ") -> bytes:
    out = b""
    for field, filename, data in parts:
        disposition = f'form-data; name="{field}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        out += data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


FORM = {"content-type": "multipart/form-data; boundary=XyZ"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("image/jpeg", "image/jpeg"),
        ("Image/PNG; charset=binary", "image/png"),
        ("image/jpg", "image/jpeg"),
        ("application/octet-stream", None),
        ("application/x-www-form-urlencoded", None),
        ("", None),
        (None, None),
    ],
)
def test_media_type_of_header(header: str | None, expected: str | None) -> None:
    """Content-Type is lower-cased, stripped of parameters; generic types name nothing."""
    assert media_type_of(header) == expected


@pytest.mark.parametrize(
    ("head", "declared", "filename", "expected"),
    [
        (JPEG_HEAD, "image/png", None, "image/jpeg"),
        (b"unknown bytes", "image/png", None, "image/png"),
        (b"unknown bytes", None, "a.webp", "image/webp"),
        (b"unknown bytes", "application/octet-stream", None, OCTET_STREAM),
        (TIFF_HEAD, "image/x-adobe-dng", None, "image/x-adobe-dng"),
        (TIFF_HEAD, "image/png", None, "image/tiff"),
        (PNG_HEAD, None, "photo.jpg", "image/png"),
        (ZIP_HEAD, None, "report.docx", DOCX),
        (ZIP_HEAD, DOCX, None, DOCX),
        (ZIP_HEAD, None, None, "application/x-zip"),
        (ZIP_HEAD, "image/png", None, "application/x-zip"),
    ],
)
def test_choose_media_type(
    head: bytes, declared: str | None, filename: str | None, expected: str
) -> None:
    """The bytes decide when recognisable; else Content-Type, then the file name."""
    assert choose_media_type(head, declared, filename) == expected


def test_raw_body_within_the_limit() -> None:
    """A raw body is joined from its chunks, named by ?filename=, typed by its header."""
    upload = _read([b"ab", b"cd"], {"content-type": "image/png"}, name="x.png")
    assert upload == Upload(b"abcd", "x.png", "image/png")


def test_raw_body_unnamed_is_dash() -> None:
    """Without ?filename= the report's path is `-`, as for standard input in the CLI."""
    assert _read([b"ab"], {}).name == "-"


def test_streamed_body_over_the_limit() -> None:
    """Reading stops at the first chunk past the limit, with no declared size."""
    with pytest.raises(BodyTooLarge) as caught:
        _read([b"x" * 600, b"x" * 600, b"never read"], {}, limit=1000)
    assert caught.value.declared is None
    assert caught.value.limit == 1000


def test_declared_length_over_the_limit() -> None:
    """A Content-Length over the limit is refused before any byte is read."""

    async def never() -> AsyncIterator[bytes]:
        raise AssertionError("the body must not be read")
        yield b""  # pragma: no cover

    with pytest.raises(BodyTooLarge) as caught:
        asyncio.run(read_upload(never(), {"content-length": "5000"}, 1000))
    assert caught.value.declared == 5000


def test_empty_body_is_malformed() -> None:
    """An empty raw body is a malformed request."""
    with pytest.raises(MalformedUpload):
        _read([], {"content-type": "image/jpeg"})


def test_multipart_file_and_sidecar() -> None:
    """The `file` part is the asset (its filename names it); `sidecar` is its manifest store."""
    body = _form(("file", "shot.jpg", b"\xff\xd8asset"), ("sidecar", "shot.c2pa", b"store"))
    upload = _read([body[:7], body[7:]], FORM)
    assert upload.data == b"\xff\xd8asset"
    assert upload.name == "shot.jpg"
    assert upload.sidecar == b"store"


def test_multipart_filename_query_wins() -> None:
    """?filename= overrides the part's file name."""
    body = _form(("file", "shot.jpg", b"\xff\xd8asset"))
    assert _read([body], FORM, name="given.jpg").name == "given.jpg"


def test_multipart_over_the_limit() -> None:
    """Multipart bodies are counted like raw ones."""
    body = _form(("file", "shot.jpg", b"x" * 2000))
    with pytest.raises(BodyTooLarge):
        _read([body[:500], body[500:1500], body[1500:]], FORM, limit=1000)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (_form(("other", "a.jpg", b"x")), FORM["content-type"], "unexpected form field"),
        (
            _form(("file", "a.jpg", b"x"), ("file", "b.jpg", b"y")),
            FORM["content-type"],
            "more than once",
        ),
        (_form(("sidecar", "a.c2pa", b"x")), FORM["content-type"], "no 'file' part"),
        (_form(("file", "a.jpg", b"x"))[:-10], FORM["content-type"], "closing boundary"),
        (_form(("file", "a.jpg", b"x")), "multipart/form-data", "without a boundary"),
    ],
)
def test_malformed_multipart(body: bytes, content_type: str, message: str) -> None:
    """Forms with other fields, repeated fields, no file, no end or no boundary are refused."""
    with pytest.raises(MalformedUpload, match=message):
        _read([body], {"content-type": content_type})


def test_every_error_kind_has_a_status() -> None:
    """Each error kind maps to a status: verdicts 200, not-checked 4xx/5xx."""
    assert set(STATUS_BY_ERROR) == {None, *ErrorKind}
    assert status_for(error_report("a", ErrorKind.TIMEOUT, "slow")) == 504
    assert status_for(error_report("a", ErrorKind.TOO_LARGE, "big")) == 413
    assert status_for(error_report("a", ErrorKind.UNSUPPORTED, "what")) == 415
    assert status_for(error_report("a", ErrorKind.MALFORMED, "bad")) == 200


def test_config_refuses_the_network() -> None:
    """The service never allows network access, whatever the options say."""
    with pytest.raises(ServerConfigError, match="network"):
        ServerConfig(options=CheckOptions(allow_network=True), workers=1)


@pytest.mark.parametrize(
    "changes",
    [
        {"workers": 0},
        {"max_body": 0},
        {"timeout": 0.0},
        {"timeout": float("nan")},
        {"timeout": float("inf")},
        {"max_connections": 0},
    ],
)
def test_config_refuses_non_positive_limits(changes: dict[str, float]) -> None:
    """Workers, body size, timeout and connections must be positive (the timeout finite)."""
    settings: dict[str, object] = {"options": CheckOptions(), "workers": 1, **changes}
    with pytest.raises(ServerConfigError):
        ServerConfig(**settings)  # type: ignore[arg-type]


def test_test_hook_unset_is_none() -> None:
    """Without the environment variable no hook runs."""
    assert load_test_hook({}) is None


@pytest.mark.parametrize(
    "spec", ["no-colon", "no_such_module_xyz:f", "pool_hooks:missing", "pool_hooks:HANG_SECONDS"]
)
def test_test_hook_bad_spec(spec: str) -> None:
    """A hook that is not module:callable is a configuration error."""
    with pytest.raises(ServerConfigError, match=TEST_HOOK_ENV):
        load_test_hook({TEST_HOOK_ENV: spec})


def test_trust_status_ages() -> None:
    """A downloaded list's age counts from its fetch; loaded age from the service's start."""
    fetched = StoredList(
        "c2pa", "C2PA Trust List", TrustKind.MANIFEST, "2026-01-01T00:00:00+00:00", ()
    )
    pem = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n" * 2
    status = describe_lists([TrustList("C2PA Trust List", anchors_pem=pem)], [fetched])
    now = 1767225600.0 + 3600  # 2026-01-01T01:00:00Z
    status = TrustStatus(status.sources, loaded_at=now - 10)
    described = status.describe(now)
    assert described["loaded"] is True
    assert described["loaded_age_seconds"] == 10
    (entry,) = described["lists"]
    assert entry["certificates"] == 2
    assert entry["kind"] == "manifest"
    assert entry["age_seconds"] == 3600


def test_trust_status_without_lists() -> None:
    """No list configured: not loaded, no certificates."""
    described = describe_lists([]).describe()
    assert described == {
        "loaded": False,
        "certificates": 0,
        "loaded_age_seconds": 0,
        "lists": [],
    }
