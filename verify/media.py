"""Media type from the first bytes of a file, with the extension as a fallback."""

from __future__ import annotations

from pathlib import PurePath

#: Extensions picked up when a directory is scanned, with their media types.
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
}

SNIFF_BYTES = 64


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
        return "image/tiff"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
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
        return "image/svg+xml"
    return None


def from_extension(name: str) -> str | None:
    """Media type from a file name's extension."""
    return EXTENSION_TYPES.get(PurePath(name).suffix.lower())


def detect(head: bytes, name: str | None = None) -> str:
    """Best guess: the bytes first, then the extension, else octet-stream.

    TIFF-based raw formats (DNG) keep their extension's type: the bytes say TIFF.
    """
    by_ext = from_extension(name) if name else None
    found = sniff(head)
    if found == "image/tiff" and by_ext == "image/x-adobe-dng":
        return by_ext
    if found == "image/svg+xml" or found is None:
        return by_ext or found or "application/octet-stream"
    return found


def is_known_media(name: str) -> bool:
    """Whether a directory scan should pick this file up."""
    return PurePath(name).suffix.lower() in EXTENSION_TYPES
