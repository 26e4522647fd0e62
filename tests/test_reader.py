"""The reader adapter: every library exception becomes a read outcome."""

from __future__ import annotations

import io
from pathlib import Path

import c2pa
import pytest
from PIL import Image

from verify.reader import ErrorKind, ManifestReader, ReadKind, build_settings, classify_exception


@pytest.mark.parametrize(
    ("exc", "kind", "error_kind"),
    [
        (c2pa.C2paError.ManifestNotFound("no JUMBF data found"), ReadKind.NO_MANIFEST, None),
        (c2pa.C2paError.NotSupported("type is unsupported"), ReadKind.ERROR, ErrorKind.UNSUPPORTED),
        (c2pa.C2paError.Io("IO error"), ReadKind.ERROR, ErrorKind.UNREADABLE),
        (c2pa.C2paError.FileNotFound("gone"), ReadKind.ERROR, ErrorKind.UNREADABLE),
        (c2pa.C2paError.Other("prerelease content detected"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.Verify("invalid JUMBF header"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.Decoding("bad cbor"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.Encoding("bad"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.Json("bad"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.Manifest("bad"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.Assertion("bad"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.AssertionNotFound("bad"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.ResourceNotFound("bad"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError.Signature("bad"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (c2pa.C2paError("something new"), ReadKind.ERROR, ErrorKind.MALFORMED),
        (OSError("disk"), ReadKind.ERROR, ErrorKind.UNREADABLE),
        (RuntimeError("bug"), ReadKind.ERROR, ErrorKind.INTERNAL),
    ],
)
def test_classify_exception(
    exc: BaseException, kind: ReadKind, error_kind: ErrorKind | None
) -> None:
    """Each exception class of the binding maps to one outcome."""
    outcome = classify_exception(exc)
    assert outcome.kind is kind
    assert outcome.error_kind is error_kind


@pytest.mark.parametrize(
    "exc",
    [
        c2pa.C2paError("Remote: must fetch remote manifests from url https://example.test/m/1?x=2"),
        c2pa.C2paError.RemoteManifest("could not fetch https://example.test/m/1?x=2"),
    ],
)
def test_remote_reference_is_not_an_error(exc: BaseException) -> None:
    """A remote manifest reference yields the URL, not an error."""
    outcome = classify_exception(exc)
    assert outcome.kind is ReadKind.REMOTE
    assert outcome.remote_url == "https://example.test/m/1?x=2"


def test_offline_settings_by_default() -> None:
    """Remote fetch and OCSP are off and no host is allowed unless the network is asked for."""
    off = build_settings(None, allow_network=False)
    assert off["verify"] == {"remote_manifest_fetch": False, "ocsp_fetch": False}
    assert off["core"] == {"allowed_network_hosts": []}
    on = build_settings("PEM", allow_network=True)
    assert on["verify"]["remote_manifest_fetch"] is True
    assert "core" not in on
    assert on["trust"] == {"trust_anchors": "PEM"}


@pytest.fixture(scope="module")
def reader() -> ManifestReader:
    return ManifestReader()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "mime", "kind", "error_kind"),
    [
        (b"", "image/jpeg", ReadKind.ERROR, ErrorKind.UNSUPPORTED),
        (b"garbage" * 20, None, ReadKind.ERROR, ErrorKind.UNSUPPORTED),
        (b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg", ReadKind.ERROR, ErrorKind.MALFORMED),
        (None, "image/jpeg", ReadKind.NO_MANIFEST, None),
    ],
)
def test_real_reads(
    reader: ManifestReader,
    data: bytes | None,
    mime: str | None,
    kind: ReadKind,
    error_kind: ErrorKind | None,
) -> None:
    """The native library's real answers for empty, random, broken and plain files."""
    outcome = reader.read_bytes(_jpeg() if data is None else data, mime)
    assert outcome.kind is kind
    assert outcome.error_kind is error_kind


def test_missing_path(reader: ManifestReader, tmp_path: Path) -> None:
    """A path that vanished is unreadable, not an exception."""
    outcome = reader.read_path(tmp_path / "gone.jpg", "image/jpeg")
    assert outcome.error_kind is ErrorKind.UNREADABLE


def test_url_loses_the_punctuation_around_it() -> None:
    """ "(url ...)" in a library message does not leave ")" on the URL."""
    outcome = classify_exception(
        c2pa.C2paError("Remote: fetch failed (url https://a.test/m.c2pa).")
    )
    assert outcome.remote_url == "https://a.test/m.c2pa"


def test_crjson_failure_keeps_the_report(
    reader: ManifestReader, samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When only the optional certificate detail fails, the manifest is still read."""

    def broken(self: object) -> str:
        raise c2pa.C2paError.Other("crjson broke")

    monkeypatch.setattr(c2pa.Reader, "crjson", broken)
    outcome = reader.read_path(samples_dir / "ai-generated.jpg", "image/jpeg")
    assert outcome.kind is ReadKind.MANIFEST
    assert outcome.signature_details == {}
    assert any("crJSON" in note for note in outcome.notes)


def test_embedded_and_sidecar_stores_are_not_remote(
    reader: ManifestReader, samples_dir: Path
) -> None:
    """Only a store fetched from a URL is "not embedded"; a sidecar is read locally."""
    embedded = reader.read_path(samples_dir / "ai-generated.jpg", "image/jpeg")
    sidecar = reader.read_bytes(
        (samples_dir / "sidecar.jpg").read_bytes(),
        "image/jpeg",
        (samples_dir / "sidecar.c2pa").read_bytes(),
    )
    assert (embedded.embedded, embedded.remote_url) == (True, None)
    assert (sidecar.kind, sidecar.embedded, sidecar.remote_url) == (ReadKind.MANIFEST, True, None)
