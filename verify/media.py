"""Media type from the first bytes of a file, with the extension as a fallback."""

from __future__ import annotations

import struct
from pathlib import PurePath

#: What a ZIP archive is read as when neither its `mimetype` member nor its name says more
#: (the name c2pa-rs accepts for a plain archive; `application/zip` it refuses).
ZIP = "application/x-zip"

#: ZIP-based documents, which c2pa-rs reads all alike (one ZIP handler), with their types.
ZIP_EXTENSION_TYPES: dict[str, str] = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".docm": "application/vnd.ms-word.document.macroenabled.12",
    ".xlsm": "application/vnd.ms-excel.sheet.macroenabled.12",
    ".pptm": "application/vnd.ms-powerpoint.presentation.macroenabled.12",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ott": "application/vnd.oasis.opendocument.text-template",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".ots": "application/vnd.oasis.opendocument.spreadsheet-template",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".otp": "application/vnd.oasis.opendocument.presentation-template",
    ".odg": "application/vnd.oasis.opendocument.graphics",
    ".otg": "application/vnd.oasis.opendocument.graphics-template",
    ".epub": "application/epub+zip",
    ".oxps": "application/oxps",
    ".zip": ZIP,
}

#: Extensions picked up when a directory is scanned, with their media types: every type
#: c2pa-rs reads that has a common extension (tests/test_media.py compares with its list).
EXTENSION_TYPES: dict[str, str] = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".dng": "image/x-adobe-dng",
    # Camera raw formats that are TIFF underneath (c2pa-rs reads Nikon and Sony raw).
    ".nef": "image/x-nikon-nef",
    ".arw": "image/x-sony-arw",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".avif": "image/avif",
    ".jxl": "image/jxl",
    ".svg": "image/svg+xml",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".pdf": "application/pdf",
    ".c2pa": "application/c2pa",
    **ZIP_EXTENSION_TYPES,
}

#: Enough for every signature below, and for an ODF/EPUB `mimetype` member's content.
SNIFF_BYTES = 128

TIFF = "image/tiff"
SVG = "image/svg+xml"
#: Raw formats whose bytes look like TIFF: a declared or extension type is kept.
TIFF_BASED = frozenset({"image/x-adobe-dng", "image/dng", "image/x-nikon-nef", "image/x-sony-arw"})
#: TIFF and the raw formats built on it: the metadata detectors read them all as TIFF.
TIFF_FAMILY = frozenset({TIFF, *TIFF_BASED})
#: Types that are ZIP archives underneath: a declared or extension type is kept.
ZIP_BASED = frozenset(ZIP_EXTENSION_TYPES.values())

_ZIP_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_ZIP_SIGNATURE = b"PK\x03\x04"
_STORED = 0


def _zip(head: bytes) -> str:
    """An ODF or EPUB package names its type in a first, uncompressed `mimetype` member.

    OOXML (docx, xlsx, ...) keeps its type in the compressed `[Content_Types].xml`, so
    those, like any other archive, are `ZIP` here and take their type from the name.
    """
    if len(head) < _ZIP_LOCAL_HEADER.size:
        return ZIP
    fields = _ZIP_LOCAL_HEADER.unpack_from(head)
    method, stored_size, name_length, extra_length = fields[3], fields[7], fields[9], fields[10]
    start = _ZIP_LOCAL_HEADER.size
    if method != _STORED or head[start : start + name_length] != b"mimetype":
        return ZIP
    start += name_length + extra_length
    content = head[start : start + stored_size]
    if len(content) != stored_size:
        return ZIP
    named = content.decode("ascii", "replace").strip().lower()
    return named if named in ZIP_BASED else ZIP


def _ftyp(head: bytes) -> str | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"):
        return "image/heic"
    if brand in (b"mif1", b"msf1"):
        return "image/heif"
    if brand in (b"avif", b"avis"):
        return "image/avif"
    if brand == b"qt  ":
        return "video/quicktime"
    if brand in (b"M4A ", b"M4B "):
        return "audio/mp4"
    return "video/mp4"


def sniff(head: bytes) -> str | None:
    """Media type from magic bytes, or None when they say nothing."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(_ZIP_SIGNATURE):
        return _zip(head)
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head.startswith((b"\xff\x0a", b"\x00\x00\x00\x0cJXL ")):
        return "image/jxl"
    found = _ftyp(head)
    if found:
        return found
    if head[4:8] == b"jumb":
        return "application/c2pa"
    stripped = head.lstrip()
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in head):
        return SVG
    return None


def prefer(sniffed: str | None, named: str | None) -> str | None:
    """The bytes' type, unless they are not specific enough and the name (or a declared
    type) says more: SVG is text, raw camera formats look like TIFF, and Office, ODF and
    EPUB documents are ZIP archives."""
    if sniffed is None or sniffed == SVG:
        return named or sniffed
    if sniffed == TIFF and named in TIFF_BASED:
        return named
    if sniffed == ZIP and named in ZIP_BASED:
        return named
    return sniffed


def from_extension(name: str) -> str | None:
    """Media type from a file name's extension."""
    return EXTENSION_TYPES.get(PurePath(name).suffix.lower())


def detect(head: bytes, name: str | None = None) -> str:
    """Best guess: the bytes first, then the extension, else octet-stream."""
    by_ext = from_extension(name) if name else None
    return prefer(sniff(head), by_ext) or "application/octet-stream"


def is_known_media(name: str) -> bool:
    """Whether a directory scan should pick this file up."""
    return PurePath(name).suffix.lower() in EXTENSION_TYPES
