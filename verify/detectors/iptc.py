"""IPTC-IIM (the legacy binary IPTC block): Google's AI credit line and the originating program.

Photoshop and most photo tools still write IPTC as IIM datasets, in a JPEG APP13
`Photoshop 3.0` image resource (ID 0x0404) or a TIFF IPTC-NAA tag (33723), next to
(or instead of) XMP. IIM has no digital source type; what it can carry is the Credit
line (2:110), where Google writes "Edited with Google AI", and the originating program
(2:65), which may name an image generator (a weak heuristic, as in EXIF Software).

Everything here is unsigned metadata. The readers are bounded like the others: a
lying length stops the walk, and at most `MAX_DATASETS` datasets are read.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..declaration import Basis, Origin
from ..limits import Limits
from ..media import TIFF_FAMILY
from ..signal import DetectorName, Signal, cut
from . import containers
from .base import Detection
from .names import known_generator
from .xmp import GOOGLE_AI_CREDITS

MEDIA_TYPES = frozenset({"image/jpeg", *TIFF_FAMILY})
_PHOTOSHOP = b"Photoshop 3.0\x00"
_IPTC_RESOURCE = 0x0404
_TIFF_IPTC_TAG = 33723
#: Datasets read from one IIM block; real blocks have a few dozen.
MAX_DATASETS = 1_000
CREDIT = (2, 110)
ORIGINATING_PROGRAM = (2, 65)
_CODED_CHARACTER_SET = (1, 90)
_UTF8 = b"\x1b%G"
FIELDS = {CREDIT: "iptc:Credit", ORIGINATING_PROGRAM: "iptc:OriginatingProgram"}


def photoshop_resources(block: bytes, wanted: int) -> Iterator[bytes]:
    """The data of every Photoshop image resource (`8BIM`) with this ID."""
    pos, end = 0, len(block)
    while pos + 12 <= end and block[pos : pos + 4] == b"8BIM":
        resource = int.from_bytes(block[pos + 4 : pos + 6], "big")
        name_length = block[pos + 6]
        pos += 6 + ((name_length + 2) & ~1)  # Pascal name padded to an even size
        if pos + 4 > end:
            return
        size = int.from_bytes(block[pos : pos + 4], "big")
        start = pos + 4
        if start + size > end:
            return
        if resource == wanted:
            yield block[start : start + size]
        pos = start + size + (size & 1)


def datasets(block: bytes) -> Iterator[tuple[tuple[int, int], bytes]]:
    """((record, dataset), value) of an IIM block, in order."""
    pos, end = 0, len(block)
    for _ in range(MAX_DATASETS):
        if pos + 5 > end or block[pos] != 0x1C:
            return
        tag = (block[pos + 1], block[pos + 2])
        length = int.from_bytes(block[pos + 3 : pos + 5], "big")
        pos += 5
        if length & 0x8000:  # extended: the low bits count the length's own bytes
            count = length & 0x7FFF
            if count > 4 or pos + count > end:
                return
            length = int.from_bytes(block[pos : pos + count], "big")
            pos += count
        if pos + length > end:
            return
        yield tag, block[pos : pos + length]
        pos += length


def iim_blocks(data: bytes, media_type: str, limits: Limits) -> Iterator[tuple[str, bytes]]:
    """(where, IIM block) of a JPEG (APP13) or TIFF (tag 33723)."""
    if media_type == "image/jpeg":
        for marker, payload in containers.jpeg_segments(data):
            if marker == 0xED and payload.startswith(_PHOTOSHOP):
                for block in photoshop_resources(payload[len(_PHOTOSHOP) :], _IPTC_RESOURCE):
                    yield "JPEG APP13 IPTC-IIM", block
    elif media_type in TIFF_FAMILY:
        wanted = frozenset({_TIFF_IPTC_TAG})
        for value in containers.tiff_values(data, wanted, limits.max_metadata_bytes):
            if value.data is not None:
                yield "TIFF IPTC-NAA tag", value.data


def _text(raw: bytes, utf8: bool) -> str:
    try:
        return raw.decode("utf-8" if utf8 else "latin-1").strip("\x00 \r\n\t")
    except UnicodeDecodeError:
        return raw.decode("latin-1").strip("\x00 \r\n\t")


def _signal(field: str, value: str, source: str, limits: Limits) -> Signal | None:
    if field == "iptc:Credit":
        origin = GOOGLE_AI_CREDITS.get(" ".join(value.lower().split()))
        if origin is None:
            return None
        return Signal(
            detector=DetectorName.IPTC,
            field=field,
            value=cut(value, limits.max_string),
            basis=Basis.UNSIGNED_METADATA,
            origin=origin,
            tool="Google AI",
            source=source,
            detail="Google's AI credit line",
        )
    generator = known_generator(value)
    if generator is None:
        return None
    return Signal(
        detector=DetectorName.IPTC,
        field=field,
        value=cut(value, limits.max_string),
        basis=Basis.HEURISTIC,
        origin=Origin.AI_GENERATED,
        tool=generator,
        weak=True,
        source=source,
        detail=f"the originating program names an image generator ({generator})",
    )


class IptcIimDetector:
    """Google's AI credit and generator names in the legacy IPTC-IIM block."""

    name = DetectorName.IPTC
    media_types = MEDIA_TYPES
    on_request = False

    def detect(self, data: bytes, media_type: str, limits: Limits) -> Detection:
        signals: list[Signal] = []
        for source, block in iim_blocks(data, media_type, limits):
            utf8 = False
            for tag, raw in datasets(block):
                if tag == _CODED_CHARACTER_SET:
                    utf8 = raw == _UTF8
                field = FIELDS.get(tag)
                if field is None:
                    continue
                found = _signal(field, _text(raw, utf8), source, limits)
                if found is not None:
                    signals.append(found)
        return Detection(tuple(signals))
