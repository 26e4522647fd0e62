"""IPTC-IIM detector: Google's AI credit and generator names in APP13 / TIFF; broken blocks."""

from __future__ import annotations

import struct

import pytest
from signal_builders import exif, jpeg, segment

from verify.detectors.iptc import IptcIimDetector
from verify.limits import Limits

LIMITS = Limits()
DETECTOR = IptcIimDetector()


def dataset(record: int, number: int, value: bytes) -> bytes:
    """One IIM dataset (standard length field)."""
    return bytes([0x1C, record, number]) + struct.pack(">H", len(value)) + value


def resource(data: bytes, resource_id: int = 0x0404, name: bytes = b"") -> bytes:
    """A Photoshop `8BIM` image resource with a Pascal name, padded to even sizes."""
    pascal = bytes([len(name)]) + name
    pascal += b"\0" * (len(pascal) & 1)
    body = data + b"\0" * (len(data) & 1)
    return b"8BIM" + struct.pack(">H", resource_id) + pascal + struct.pack(">I", len(data)) + body


def app13(*resources: bytes) -> bytes:
    return segment(0xED, b"Photoshop 3.0\x00" + b"".join(resources))


def found(data: bytes, media_type: str = "image/jpeg") -> list[tuple[str, str | None, bool]]:
    return [
        (s.field, s.origin.value if s.origin else None, s.weak)
        for s in DETECTOR.detect(data, media_type, LIMITS).signals
    ]


CREDIT = dataset(2, 110, b"Edited with Google AI")
TABLE = [
    ("google credit", jpeg(app13(resource(CREDIT))), [("iptc:Credit", "ai_edited", False)]),
    (
        "credit after other resources",
        jpeg(app13(resource(b"\0" * 3, 0x0425, b"name"), resource(CREDIT))),
        [("iptc:Credit", "ai_edited", False)],
    ),
    (
        "utf-8 coded character set",
        jpeg(
            app13(
                resource(
                    dataset(1, 90, b"\x1b%G")
                    + dataset(2, 110, "Edited\u00a0with Google AI".encode())
                )
            )
        ),
        [("iptc:Credit", "ai_edited", False)],
    ),
    (
        "made with google ai (gemini, imagen)",
        jpeg(app13(resource(dataset(2, 110, b"Made with Google AI")))),
        [("iptc:Credit", "ai_generated", False)],
    ),
    ("another credit", jpeg(app13(resource(dataset(2, 110, b"Jane Doe")))), []),
    (
        "originating program names a generator",
        jpeg(app13(resource(dataset(2, 65, b"Midjourney")))),
        [("iptc:OriginatingProgram", "ai_generated", True)],
    ),
    ("photoshop is no evidence", jpeg(app13(resource(dataset(2, 65, b"Adobe Photoshop")))), []),
    (
        "extended length",
        jpeg(app13(resource(b"\x1c\x02\x6e\x80\x02\x00\x15Edited with Google AI"))),
        [("iptc:Credit", "ai_edited", False)],
    ),
    ("tiff iptc-naa tag", exif({33723: CREDIT}), [("iptc:Credit", "ai_edited", False)]),
]


@pytest.mark.parametrize(("case", "data", "want"), TABLE, ids=[t[0] for t in TABLE])
def test_iptc_table(case: str, data: bytes, want: list[tuple[str, str | None, bool]]) -> None:
    """Each block gives these (field, origin, weak) signals."""
    media_type = "image/tiff" if data.startswith(b"II*") else "image/jpeg"
    assert found(data, media_type) == want


MALFORMED = [
    ("resource size lies", jpeg(app13(resource(CREDIT)[:-5] + b"\xff" * 5))),
    ("resource header cut", jpeg(app13(b"8BIM\x04\x04\x00"))),
    ("pascal name past the end", jpeg(app13(b"8BIM\x04\x04\xff" + b"\0" * 6))),
    ("dataset length lies", jpeg(app13(resource(b"\x1c\x02\x6e\x7f\xffEdited")))),
    ("extended length too long", jpeg(app13(resource(b"\x1c\x02\x6e\x80\x09" + b"\xff" * 9)))),
    ("not a dataset marker", jpeg(app13(resource(b"\x1d" + CREDIT[1:])))),
    ("wrong resource id", jpeg(app13(resource(CREDIT, 0x0405)))),
    ("not photoshop", jpeg(segment(0xED, b"Photoshop 2.5\x00" + resource(CREDIT)))),
    (
        "invalid utf-8 declared",
        jpeg(app13(resource(dataset(1, 90, b"\x1b%G") + dataset(2, 110, b"\xff\xfe")))),
    ),
    ("thousands of datasets", jpeg(app13(resource(dataset(2, 5, b"x") * 3000 + CREDIT)))),
]


@pytest.mark.parametrize(("case", "data"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_block_yields_no_signal(case: str, data: bytes) -> None:
    """A broken, lying or oversized IIM block gives no signal and no exception."""
    assert found(data) == []
