"""Media types: every type c2pa-rs reads is picked up by name, and sniffed where the bytes say."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from verify import media
from verify.reader import supported_mime_types

TIFF_HEAD = b"II*\x00\x08\x00\x00\x00"
DOCX = media.ZIP_EXTENSION_TYPES[".docx"]


def _zip(first_member: str, content: bytes, method: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr(first_member, content)
        archive.writestr("content.xml", "<office:document/>")
    return out.getvalue()


def test_every_extension_names_a_type_the_reader_reads() -> None:
    """No extension is picked up that the native reader would refuse as unsupported."""
    supported = supported_mime_types()
    assert {e: t for e, t in media.EXTENSION_TYPES.items() if t not in supported} == {}


def test_every_extension_the_reader_lists_is_picked_up() -> None:
    """Each bare extension in c2pa-rs's list is walked (a new format shows up here)."""
    listed = {f".{t}" for t in supported_mime_types() if "/" not in t}
    assert sorted(listed - media.EXTENSION_TYPES.keys()) == []


def test_odf_mimetype_member_names_the_type() -> None:
    """An ODF or EPUB package's first, stored `mimetype` member gives its type."""
    odt = _zip("mimetype", b"application/vnd.oasis.opendocument.text")
    assert media.sniff(odt[: media.SNIFF_BYTES]) == "application/vnd.oasis.opendocument.text"
    epub = _zip("mimetype", b"application/epub+zip")
    assert media.detect(epub[: media.SNIFF_BYTES], "book.bin") == "application/epub+zip"


@pytest.mark.parametrize(
    "archive",
    [
        _zip("[Content_Types].xml", b"<Types/>"),  # OOXML: the type is in a compressed part
        _zip("mimetype", b"text/plain"),  # a type that is not a ZIP-based document
        _zip("mimetype", b"application/epub+zip", zipfile.ZIP_DEFLATED),
        b"PK\x03\x04" + b"\0" * 10,  # a header cut short
    ],
)
def test_other_archives_are_zip(archive: bytes) -> None:
    """Without a readable `mimetype` member the bytes only say ZIP."""
    assert media.sniff(archive[: media.SNIFF_BYTES]) == media.ZIP


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (_zip("[Content_Types].xml", b"<Types/>")[:128], "report.DOCX", DOCX),
        (_zip("[Content_Types].xml", b"<Types/>")[:128], "upload", media.ZIP),
        (_zip("[Content_Types].xml", b"<Types/>")[:128], "photo.jpg", media.ZIP),
        (TIFF_HEAD, "shot.nef", "image/x-nikon-nef"),
        (TIFF_HEAD, "shot.arw", "image/x-sony-arw"),
        (TIFF_HEAD, "shot.docx", "image/tiff"),
        (b"\xff\xd8\xff\xe0", "photo.docx", "image/jpeg"),
    ],
)
def test_the_name_refines_only_unspecific_bytes(head: bytes, name: str, expected: str) -> None:
    """ZIP and TIFF bytes take the name's type when it is one of theirs; other bytes win."""
    assert media.detect(head, name) == expected


def test_signed_docx_is_detected(signed_docx: Path) -> None:
    """The test's signed Word document is sniffed as ZIP and named as Word."""
    head = signed_docx.read_bytes()[: media.SNIFF_BYTES]
    assert media.sniff(head) == media.ZIP
    assert media.detect(head, signed_docx.name) == DOCX
