"""The fast path never changes a report: it agrees with the full read on every real file."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLES

from verify import CheckOptions, Verifier, fastpath
from verify.serialize import report_to_dict


def every_file() -> list[Path]:
    files = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and "trust" not in p.parts)
    if (CORPUS / "files").is_dir():
        files += sorted(p for p in (CORPUS / "files").rglob("*") if p.is_file())
    return files


FILES = every_file()


@pytest.fixture(scope="module")
def fast() -> Verifier:
    return Verifier(CheckOptions())


@pytest.fixture(scope="module")
def full() -> Verifier:
    return Verifier(CheckOptions(fast_path=False))


def test_fast_path_and_full_read_agree_on_every_file(
    fast: Verifier, full: Verifier, signed_docx: Path
) -> None:
    """Every sample and corpus file (and a signed .docx): the same report either way."""
    skipped = 0
    for path in [*FILES, signed_docx]:
        a = report_to_dict(fast.check_path(path))
        b = report_to_dict(full.check_path(path))
        assert a == b, path
        data = path.read_bytes()
        assert report_to_dict(fast.check_bytes(data, name=path.name)) == report_to_dict(
            full.check_bytes(data, name=path.name)
        ), path
        skipped += not fastpath.needs_reader(data, a["media_type"] or "")
    assert skipped > 0  # the fast path does apply to real files without credentials


def test_no_credentials_jpeg_skips_the_reader(samples_dir: Path) -> None:
    """A plain JPEG is decided without the native reader."""
    data = (samples_dir / "no-credentials.jpg").read_bytes()
    assert not fastpath.needs_reader(data, "image/jpeg")


@pytest.mark.parametrize(
    "name",
    ["ai-generated.jpg", "ai-generated.png", "remote-manifest.jpg", "truncated.jpg"],
)
def test_files_with_credentials_need_the_reader(samples_dir: Path, name: str) -> None:
    """Embedded, remote and broken manifests all go to the native reader."""
    data = (samples_dir / name).read_bytes()
    mime = "image/png" if name.endswith(".png") else "image/jpeg"
    assert fastpath.needs_reader(data, mime)


def png(*chunks: tuple[bytes, bytes], end: bool = True) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for name, body in (*chunks, *([(b"IEND", b"")] if end else [])):
        crc = zlib.crc32(name + body)
        out += struct.pack(">I", len(body)) + name + body + struct.pack(">I", crc)
    return out


IHDR = (b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("data", "mime", "fast"),
    [
        (png(IHDR), "image/png", True),
        (png(IHDR, end=False), "image/png", False),  # no IEND: the library errors
        (png(IHDR)[:-6], "image/png", False),  # cut inside the last chunk
        (png(IHDR, (b"caBX", b"\0" * 8)), "image/png", False),  # a manifest chunk
        (png(IHDR, (b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0x")), "image/png", False),
        (png(IHDR, (b"tEXt", b"dcterms:provenance")), "image/png", False),
        (b"\xff\xd8\xff\xe0\x00\x04ab\xff\xda\x00\x02\x01\xff\xd9", "image/jpeg", True),
        (b"\xff\xd8\xff\xe0\x00\x04ab\xff\xda\x00\x02", "image/jpeg", False),  # no scan data
        (b"\xff\xd8\xff\xe0\x00\x40ab", "image/jpeg", False),  # segment past the end
        (b"\xff\xd8junk\xff\xda\x00\x02\x01\xff\xd9", "image/jpeg", False),  # bytes between
        (b"\xff\xd8\xff\xd9", "image/jpeg", False),  # no segments
        (b"\xff\xd8\xff\xeb\x00\x0cJP\x02\x11jumb\xff\xda\x00\x02\x01", "image/jpeg", False),
        (b"GIF89a" + b"\0" * 40, "image/gif", False),  # not a fast-path format
    ],
)
def test_container_rules(data: bytes, mime: str, fast: bool) -> None:
    """Only a whole, ordinary JPEG or PNG without any marker takes the fast path."""
    assert fastpath.needs_reader(data, mime) is not fast


def test_marker_split_across_chunks() -> None:
    """A marker cut in two by the read chunks is still found."""
    scan = fastpath.MarkerScan()
    scan.feed(b"x" * 100 + b"ju")
    assert not scan.found
    scan.feed(b"mb" + b"y" * 100)
    assert scan.found


def test_large_file_uses_positioned_reads(tmp_path: Path, fast: Verifier, full: Verifier) -> None:
    """A file bigger than one read chunk is walked on disk and agrees with the full read."""
    body = png(IHDR, (b"IDAT", b"\0" * (3 << 20)))
    assert not fastpath.needs_reader(body, "image/png")
    path = tmp_path / "big.png"
    path.write_bytes(body)
    assert report_to_dict(fast.check_path(path)) == report_to_dict(full.check_path(path))
