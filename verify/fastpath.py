"""Fast path: decide from the container alone that an asset has no Content Credentials.

Most uploads carry no credentials, and for them the native reader is the most expensive
step. This module lets the core skip it, but only when two independent checks agree:

1. **No marker anywhere in the file.** Every way c2pa-rs finds a manifest leaves one of
   these byte strings in the file: the JUMBF box type `jumb` and the store label `c2pa`
   (JPEG APP11 segments, PNG `caBX` chunks, RIFF `C2PA` chunks, BMFF `uuid` boxes, TIFF tag
   0xCD41, GIF `C2PA_GIF`, MP3 GEOB `application/c2pa`, SVG/XML `c2pa:manifest`, PDF
   `application/c2pa`), and a remote reference is XMP `dcterms:provenance` (searched in
   UTF-8 and UTF-16). The whole file is searched, not just where c2pa-rs looks.
2. **A container we parse exactly as c2pa-rs does, and which it would accept.** Only
   JPEG (segments up to the first scan, as img-parts walks them) and PNG (the chunk chain
   to IEND, as png_io walks it). A file the library might reject as malformed must get
   the library's own error, so anything unusual (truncated segments, bytes between
   segments, a chunk past the end, compressed XMP) goes to the full read.

For any other format, or when in doubt, the answer is "read it" (`needs_reader` True): the
fast path may cost a full read, it must never miss a manifest. A `.c2pa` sidecar beside
the file is looked for by the core whatever this module says.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

#: Byte strings whose presence anywhere sends the asset to the native reader.
MARKERS: tuple[bytes, ...] = (
    b"c2pa",
    b"C2PA",
    b"jumb",
    b"caBX",
    b"provenance",
    "provenance".encode("utf-16-le"),
    "provenance".encode("utf-16-be"),
)
#: Bytes kept from the end of one chunk so that a marker split across chunks is found.
OVERLAP = max(len(m) for m in MARKERS) - 1

#: Formats whose container the fast path parses (the rest always get the full read).
FAST_TYPES = frozenset({"image/jpeg", "image/png"})

ReadAt = Callable[[int, int], bytes]


class MarkerScan:
    """Searches a file for the markers as it is read in chunks (for hashing anyway)."""

    def __init__(self) -> None:
        self.found = False
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.found:
            return
        window = self._tail + chunk if self._tail else chunk
        if any(m in window for m in MARKERS):
            self.found = True
        self._tail = window[-OVERLAP:]


def has_marker(data: bytes) -> bool:
    """Whether any marker occurs in `data` (the whole asset)."""
    return any(m in data for m in MARKERS)


def container_without_manifest(mime: str, size: int, read_at: ReadAt) -> bool:
    """True only when the container is one c2pa-rs parses without error (and so, given no
    marker, finds no manifest in). `read_at(offset, n)` returns up to n bytes."""
    if mime == "image/jpeg":
        return _jpeg_ok(size, read_at)
    if mime == "image/png":
        return _png_ok(size, read_at)
    return False


def needs_reader(data: bytes, mime: str) -> bool:
    """For an asset in memory: whether the native reader must look at it."""
    if mime not in FAST_TYPES or has_marker(data):
        return True

    def read_at(offset: int, n: int) -> bytes:
        return data[offset : offset + n]

    return not container_without_manifest(mime, len(data), read_at)


# JPEG markers that stand alone (no length field): TEM, RST0-7, SOI, EOI.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8), 0xD8, 0xD9})
_SOS = 0xDA
_EOI = 0xD9
#: Segment headers read before giving up and letting the library decide.
_MAX_SEGMENTS = 4096


def _jpeg_ok(size: int, read_at: ReadAt) -> bool:
    """SOI, then length-prefixed segments up to a scan with data (or EOI), nothing odd."""
    if read_at(0, 2) != b"\xff\xd8":
        return False
    pos = 2
    segments = 0
    for _ in range(_MAX_SEGMENTS):
        header = read_at(pos, 4)
        if len(header) < 2 or header[0] != 0xFF:
            return False  # truncated, or bytes between segments: the library decides
        marker = header[1]
        if marker == 0xFF:
            pos += 1  # fill byte
            continue
        if marker == _EOI:
            return segments > 0
        if marker in _STANDALONE or marker == 0x00:
            return False  # legal in odd places only; not worth mirroring
        if len(header) < 4:
            return False
        (length,) = struct.unpack(">H", header[2:4])
        end = pos + 2 + int(length)
        if length < 2 or end > size:
            return False
        segments += 1
        pos = end
        if marker == _SOS:
            return pos < size  # the entropy-coded data follows; the parser stops here
    return False


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_XMP_KEY = b"XML:com.adobe.xmp\x00"
_MAX_CHUNKS = 1_000_000


def _png_ok(size: int, read_at: ReadAt) -> bool:
    """The chunk chain from the signature to IEND, every chunk whole, names ASCII letters."""
    if read_at(0, 8) != _PNG_SIGNATURE:
        return False
    pos = 8
    for _ in range(_MAX_CHUNKS):
        header = read_at(pos, 8)
        if len(header) < 8:
            return False
        length, name = struct.unpack(">I4s", header)
        end = pos + 12 + int(length)
        if end > size or not name.isalpha() or not name.isascii():
            return False
        if name == b"iTXt" and _compressed_xmp(read_at, pos + 8, int(length)):
            return False
        if name == b"IEND":
            return True
        pos = end
    return False


def _compressed_xmp(read_at: ReadAt, start: int, length: int) -> bool:
    """An iTXt XMP packet stored compressed: the markers could be hidden in it."""
    head = read_at(start, min(length, len(_XMP_KEY) + 1))
    return head.startswith(_XMP_KEY) and len(head) > len(_XMP_KEY) and head[-1] != 0
