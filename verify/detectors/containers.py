"""Bounded readers for the containers the signal detectors look into.

Every function here reads attacker-controlled bytes. None of them raises on content,
reads past the buffer, loops without progress, or allocates more than the limit it is
given: a truncated or lying container simply yields what could be read before the
damage. They are shared by the XMP and generator-metadata detectors.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ..limits import Limits

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXIF_HEADER = b"Exif\x00\x00"
#: The keyword of the PNG iTXt chunk that holds XMP.
PNG_XMP_KEYWORD = "XML:com.adobe.xmp"
#: Entries read from one TIFF IFD; real files have a few dozen.
MAX_IFD_ENTRIES = 1_000
#: XMP packets found by scanning one file (HEIF/AVIF/GIF have no dedicated reader).
MAX_SCANNED_PACKETS = 8

_SOI = b"\xff\xd8"
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RST0-7: no length
_JPEG_SOS, _JPEG_EOI = 0xDA, 0xD9


def jpeg_segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(marker, payload) of the JPEG marker segments up to the first scan.

    Metadata (APPn, COM) precedes the entropy-coded data, so the scan is never read.
    """
    if not data.startswith(_SOI):
        return
    pos, end_of_data = 2, len(data)
    while pos + 2 <= end_of_data:
        if data[pos] != 0xFF:
            return
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if marker == _JPEG_EOI or pos + 4 > end_of_data:
            return
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > end_of_data:
            return
        yield marker, data[pos + 4 : end]
        if marker == _JPEG_SOS:
            return
        pos = end


def png_chunks(data: bytes, types: frozenset[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """(type, payload) of the PNG chunks of the given types, in file order.

    Other chunks (image data) are skipped without being copied.
    """
    if not data.startswith(PNG_SIGNATURE):
        return
    pos, end_of_data = len(PNG_SIGNATURE), len(data)
    while pos + 8 <= end_of_data:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        start = pos + 8
        end = start + length
        if end + 4 > end_of_data:  # payload or CRC cut off
            return
        if kind in types:
            yield kind, data[start:end]
        if kind == b"IEND":
            return
        pos = end + 4


def riff_chunks(data: bytes, form: bytes, types: frozenset[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """(fourcc, payload) of the top-level chunks of a RIFF file of this form (`WEBP`)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != form:
        return
    pos, end_of_data = 12, len(data)
    while pos + 8 <= end_of_data:
        fourcc = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        start = pos + 8
        end = start + size
        if end > end_of_data:
            return
        if fourcc in types:
            yield fourcc, data[start:end]
        pos = end + (size & 1)


@dataclass(frozen=True)
class Inflated:
    """The result of decompressing a zlib stream with a cap."""

    data: bytes | None
    #: Why `data` is None: over the size cap (TOO_LARGE), or "corrupt".
    problem: str | None = None


#: Why a metadata item was not read: over the per-item cap.
TOO_LARGE = "too large: over max_metadata_bytes"
#: Why a compressed text was not inflated once the file's budget ran out.
SPENT = "over max_inflate_bytes for the file"


@dataclass(frozen=True)
class PngText:
    """One PNG text chunk (tEXt, zTXt or iTXt)."""

    chunk: str
    keyword: str
    #: The text's bytes (inflated), or None when over a cap or not decompressible.
    data: bytes | None
    problem: str | None = None

    @property
    def text(self) -> str | None:
        """The text: iTXt is UTF-8; tEXt/zTXt are Latin-1 by the spec, but many writers
        put UTF-8 there, so bytes that are valid UTF-8 are read as UTF-8."""
        if self.data is None:
            return None
        if self.chunk == "iTXt":
            return self.data.decode("utf-8", "replace")
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            return self.data.decode("latin-1")


@dataclass(frozen=True)
class PngTexts:
    """The wanted text chunks of a PNG, and notes on what the caps left unread."""

    texts: tuple[PngText, ...]
    notes: tuple[str, ...] = ()


_TEXT_TYPES = frozenset({b"tEXt", b"zTXt", b"iTXt"})


class _Inflater:
    """Inflates the compressed chunks of one file within a total budget."""

    def __init__(self, max_bytes: int, budget: int) -> None:
        self.max_bytes = max_bytes
        self.remaining = budget
        #: Compressed chunks not even tried because the budget was spent.
        self.refused = 0

    @property
    def spent(self) -> bool:
        return self.remaining <= 0

    def __call__(self, raw: bytes) -> Inflated:
        cap = min(self.max_bytes, self.remaining)
        stream = zlib.decompressobj()
        try:
            out = stream.decompress(raw, cap + 1)
        except zlib.error:
            return Inflated(None, "corrupt")
        # What was inflated counts, kept or not: the budget bounds the work done.
        self.remaining -= len(out)
        if len(out) <= cap:
            return Inflated(out)
        return Inflated(None, TOO_LARGE if cap == self.max_bytes else SPENT)


def _itxt(keyword: str, rest: bytes, max_bytes: int, inflater: _Inflater) -> PngText:
    # compression flag, compression method, language tag \0, translated keyword \0, text
    if len(rest) < 2:
        return PngText("iTXt", keyword, None, "truncated")
    compressed = rest[0] == 1
    lang_end = rest.find(b"\x00", 2)
    trans_end = rest.find(b"\x00", lang_end + 1) if lang_end >= 0 else -1
    if trans_end < 0:
        return PngText("iTXt", keyword, None, "truncated")
    body = rest[trans_end + 1 :]
    if compressed:
        inflated = inflater(body)
        return PngText("iTXt", keyword, inflated.data, inflated.problem)
    if len(body) > max_bytes:
        return PngText("iTXt", keyword, None, TOO_LARGE)
    return PngText("iTXt", keyword, body)


def png_texts(data: bytes, keywords: frozenset[str], limits: Limits) -> PngTexts:
    """The text chunks of a PNG whose keyword is in `keywords`.

    Others are skipped without being inflated (a file can hold hundreds of compressed
    chunks: only those a detector reads cost anything). Each text is capped at
    `max_metadata_bytes`, all inflating together at `max_inflate_bytes`, and at most
    `max_text_chunks` text chunks are looked at; what a cap leaves unread is noted once.
    """
    max_bytes, max_chunks = limits.max_metadata_bytes, limits.max_text_chunks
    inflater = _Inflater(max_bytes, limits.max_inflate_bytes)
    texts: list[PngText] = []
    notes: list[str] = []
    seen = 0
    for kind, payload in png_chunks(data, _TEXT_TYPES):
        seen += 1
        if seen > max_chunks:
            notes.append(f"PNG text chunks after the first {max_chunks} not read (max_text_chunks)")
            break
        nul = payload.find(b"\x00")
        if nul < 1 or nul > 79:  # a keyword is 1-79 Latin-1 characters
            continue
        keyword = payload[:nul].decode("latin-1")
        if keyword not in keywords:
            continue
        rest = payload[nul + 1 :]
        if kind == b"tEXt":
            if len(rest) > max_bytes:
                texts.append(PngText("tEXt", keyword, None, TOO_LARGE))
            else:
                texts.append(PngText("tEXt", keyword, rest))
            continue
        compressed = kind == b"zTXt" or rest[:1] == b"\x01"
        if compressed and inflater.spent:
            inflater.refused += 1
        elif kind == b"zTXt":
            inflated = inflater(rest[1:])
            texts.append(PngText("zTXt", keyword, inflated.data, inflated.problem))
        else:
            texts.append(_itxt(keyword, rest, max_bytes, inflater))
    if inflater.refused:
        notes.append(
            f"{inflater.refused} more compressed PNG text chunks not inflated (max_inflate_bytes)"
        )
    return PngTexts(tuple(texts), tuple(notes))


_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
EXIF_IFD_POINTER = 0x8769


@dataclass(frozen=True)
class TiffValue:
    """The raw bytes of one TIFF/EXIF tag, or None when over the cap or out of range."""

    tag: int
    type: int
    data: bytes | None
    little_endian: bool
    problem: str | None = None


def _ifd_values(
    data: bytes,
    offset: int,
    little: bool,
    wanted: frozenset[int],
    max_bytes: int,
) -> Iterator[TiffValue]:
    order: Literal["little", "big"] = "little" if little else "big"
    if offset < 8 or offset + 2 > len(data):
        return
    count = min(int.from_bytes(data[offset : offset + 2], order), MAX_IFD_ENTRIES)
    for index in range(count):
        entry = offset + 2 + 12 * index
        if entry + 12 > len(data):
            return
        tag = int.from_bytes(data[entry : entry + 2], order)
        if tag not in wanted:
            continue
        kind = int.from_bytes(data[entry + 2 : entry + 4], order)
        n = int.from_bytes(data[entry + 4 : entry + 8], order)
        size = n * _TIFF_TYPE_SIZES.get(kind, 1)
        if size <= 4:
            yield TiffValue(tag, kind, data[entry + 8 : entry + 8 + size], little)
            continue
        start = int.from_bytes(data[entry + 8 : entry + 12], order)
        if size > max_bytes:
            yield TiffValue(tag, kind, None, little, TOO_LARGE)
        elif start + size > len(data):
            yield TiffValue(tag, kind, None, little, "truncated")
        else:
            yield TiffValue(tag, kind, data[start : start + size], little)


def tiff_values(data: bytes, wanted: frozenset[int], max_bytes: int) -> Iterator[TiffValue]:
    """Values of the wanted tags in IFD0 and the Exif sub-IFD of a TIFF structure.

    `data` is a TIFF file or an EXIF block (which is a TIFF structure); offsets are
    relative to its start. Each value is copied only if it is wanted and within the cap.
    """
    if data[:4] == b"II*\x00":
        little = True
    elif data[:4] == b"MM\x00*":
        little = False
    else:
        return
    order: Literal["little", "big"] = "little" if little else "big"
    ifd0 = int.from_bytes(data[4:8], order)
    exif_pointer: int | None = None
    for value in _ifd_values(data, ifd0, little, wanted | {EXIF_IFD_POINTER}, max_bytes):
        if value.tag == EXIF_IFD_POINTER:
            if value.data is not None and len(value.data) == 4:
                exif_pointer = int.from_bytes(value.data, order)
            continue
        yield value
    if exif_pointer is not None and exif_pointer != ifd0:
        yield from _ifd_values(data, exif_pointer, little, wanted, max_bytes)


def scan_xmp_packets(data: bytes) -> Iterator[bytes]:
    """XMP packets found by scanning (XMP part 3: packets can be located in any file).

    Used for containers without a dedicated reader here (HEIF, AVIF, GIF).
    """
    start_tag, end_tag = b"<x:xmpmeta", b"</x:xmpmeta>"
    pos = 0
    for _ in range(MAX_SCANNED_PACKETS):
        start = data.find(start_tag, pos)
        if start < 0:
            return
        end = data.find(end_tag, start)
        if end < 0:
            return
        yield data[start : end + len(end_tag)]
        pos = end + len(end_tag)


# --- HEIF / AVIF (ISO/IEC 23008-12 on ISOBMFF) -------------------------------------------

#: Boxes, items, references and extents read from one HEIF box (each a total, not per
#: parent: the product of two counts would be millions); real files have a few dozen.
MAX_HEIF_BOXES = 4_096
_XMP_CONTENT_TYPE = b"application/rdf+xml"


def _u(data: bytes, pos: int, size: int) -> int:
    if size == 0:
        return 0
    if pos < 0 or pos + size > len(data):
        raise IndexError("past the end")
    return int.from_bytes(data[pos : pos + size], "big")


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, payload end) of the boxes in data[start:end]."""
    pos, count = start, 0
    while pos + 8 <= end and count < MAX_HEIF_BOXES:
        count += 1
        size, kind, header = _u(data, pos, 4), data[pos + 4 : pos + 8], 8
        if size == 1:
            size, header = _u(data, pos + 8, 8), 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        yield kind, pos + header, pos + size
        pos += size


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    return next(((s, e) for k, s, e in _boxes(data, start, end) if k == kind), None)


def _xmp_items(data: bytes, start: int, end: int) -> list[int]:
    """Item ids of the `mime` items whose content type is XMP (from `iinf`)."""
    version = data[start]
    first = start + (6 if version == 0 else 8)
    items = []
    for kind, s, _ in _boxes(data, first, end):
        if kind != b"infe" or data[s] < 2:  # versions 0/1 have no item type
            continue
        id_size = 2 if data[s] == 2 else 4
        item = _u(data, s + 4, id_size)
        pos = s + 4 + id_size + 2
        if data[pos : pos + 4] != b"mime":
            continue
        name_end = data.find(b"\x00", pos + 4)
        if name_end >= 0 and data.startswith(_XMP_CONTENT_TYPE + b"\x00", name_end + 1):
            items.append(item)
    return items


def _describes(data: bytes, start: int, end: int) -> dict[int, set[int]]:
    """item -> the items it describes (`cdsc` references of `iref`)."""
    id_size = 2 if data[start] == 0 else 4
    refs: dict[int, set[int]] = {}
    budget = MAX_HEIF_BOXES
    for kind, s, e in _boxes(data, start + 4, end):
        if kind != b"cdsc":
            continue
        source = _u(data, s, id_size)
        count = min(_u(data, s + id_size, 2), (e - s - id_size - 2) // id_size, budget)
        budget -= count
        targets = refs.setdefault(source, set())
        for i in range(count):
            targets.add(_u(data, s + id_size + 2 + i * id_size, id_size))
    return refs


def _locations(
    data: bytes, start: int, wanted: set[int], idat: tuple[int, int] | None
) -> dict[int, list[tuple[int, int]]]:
    """item -> [(absolute offset, length)] of its extents (`iloc`), for the wanted items."""
    version = data[start]
    pos = start + 4
    offset_size, length_size = data[pos] >> 4, data[pos] & 15
    base_size, index_size = data[pos + 1] >> 4, data[pos + 1] & 15 if version in (1, 2) else 0
    pos += 2
    count_size = 4 if version == 2 else 2
    count = _u(data, pos, count_size)
    pos += count_size
    found: dict[int, list[tuple[int, int]]] = {}
    budget = MAX_HEIF_BOXES  # extents of all items together
    for _ in range(min(count, MAX_HEIF_BOXES)):
        item = _u(data, pos, count_size)
        pos += count_size
        method = 0
        if version in (1, 2):
            method = _u(data, pos, 2) & 15
            pos += 2
        pos += 2  # data_reference_index
        base = _u(data, pos, base_size)
        pos += base_size
        extents = min(_u(data, pos, 2), budget)
        budget -= extents
        pos += 2
        places = []
        for _ in range(extents):
            pos += index_size
            offset, length = _u(data, pos, offset_size), _u(data, pos + offset_size, length_size)
            pos += offset_size + length_size
            places.append((base + offset, length))
        if item in wanted and method in (0, 1):
            shift = 0 if method == 0 else (idat[0] if idat else -len(data) - 1)
            found[item] = [(shift + o, n) for o, n in places]
    return found


def heif_xmp(data: bytes, max_bytes: int) -> list[bytes | None] | None:
    """The XMP items of a HEIF/AVIF file that describe its primary image (None: unreadable).

    The items `iinf` marks `mime` / `application/rdf+xml`, kept when their `cdsc`
    reference names the primary item (`pitm`) or they name none; XMP describing a
    thumbnail or another item is left out. Each is joined from its `iloc` extents (in
    the file or in `idat`); one over `max_bytes` or out of the file is None. A file
    whose `meta` box cannot be read gives None, and the caller falls back to a scan.
    """
    try:
        meta = _child(data, 0, len(data), b"meta")
        if meta is None:
            return None
        start, end = meta[0] + 4, meta[1]  # a FullBox: version and flags first
        parts = {k: (s, e) for k, s, e in _boxes(data, start, end)}
        if b"iinf" not in parts or b"iloc" not in parts:
            return None
        primary = None
        if b"pitm" in parts:
            s = parts[b"pitm"][0]
            primary = _u(data, s + 4, 2 if data[s] == 0 else 4)
        items = _xmp_items(data, *parts[b"iinf"])
        refs = _describes(data, *parts[b"iref"]) if b"iref" in parts else {}
        own = {i for i in items if i not in refs or primary in refs[i]}
        places = _locations(data, parts[b"iloc"][0], own, parts.get(b"idat"))
    except IndexError:
        return None
    packets: list[bytes | None] = []
    for item in sorted(own):
        extents = places.get(item, [])
        total = sum(n for _, n in extents)
        if not extents or total > max_bytes or any(o < 0 or o + n > len(data) for o, n in extents):
            packets.append(None)
            continue
        packets.append(b"".join(data[o : o + n] for o, n in extents))
    return packets
