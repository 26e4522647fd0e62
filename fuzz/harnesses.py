"""One function per parser: bytes in, an AssertionError or unexpected exception out on a bug.

Each harness feeds attacker-controlled bytes to one parser and checks the promise that
parser makes: it returns a value, or raises only its own documented error (`CborError`,
`JumbfError`, `CoseError`, `TrustListError`). The whole-path harnesses also check that a
report never carries the `internal` error kind (the core's catch-all for bugs) and that
every report serializes to one line of JSON, one CSV record and text without control
characters.

The same functions run under atheris (fuzz/run.py), over the seed and regression files
in pytest (tests/test_hostile_fuzz.py), and from a plain loop (fuzz/run.py --replay).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import struct
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from verify import cbor, cose, fastpath, jumbf
from verify.core import CheckOptions, Verifier
from verify.detectors import generator, iptc, xmp
from verify.detectors.base import Detection
from verify.limits import Limits
from verify.reader import ErrorKind, ManifestReader, ReadKind, ReadOutcome
from verify.render_csv import report_to_csv_line
from verify.render_text import render_report
from verify.report import Report
from verify.serialize import report_to_json
from verify.trust.errors import TrustListError
from verify.trust.identity import read_evidence
from verify.trust.pem import parse_allowed, parse_certificates, parse_eku_config

Harness = Callable[[bytes], None]

#: Small limits, so that the limit paths are reached by small inputs too.
FUZZ_LIMITS = Limits(
    max_size=1 << 20,
    max_manifests=8,
    max_actions=16,
    max_ingredients=8,
    max_depth=6,
    max_string=64,
)
#: The detectors' caps, small too: a packet or chunk over 64 KiB, inflating past 256 KiB
#: or a 65th text chunk reach the limit paths.
DETECTOR_LIMITS = dataclasses.replace(
    FUZZ_LIMITS, max_metadata_bytes=1 << 16, max_inflate_bytes=1 << 18, max_text_chunks=64
)

_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_report(report: Report) -> None:
    """What every report must satisfy, whatever the input."""
    if report.error is not None:
        assert report.error.kind is not ErrorKind.INTERNAL, report.error.message
    line = report_to_json(report)
    assert "\n" not in line and "\r" not in line, "a JSONL record spans lines"
    assert line.isascii(), "JSON output is not ASCII"
    json.loads(line)
    row = report_to_csv_line(report)
    assert row.endswith("\r\n") and "\n" not in row[:-2] and "\r" not in row[:-2], "CSV row"
    text = render_report(report)
    for text_line in text.splitlines():
        assert not _TEXT_CONTROL.search(text_line), f"control character in text: {text_line!r}"
    text.encode("utf-8")  # no lone surrogates: a terminal must be able to print it


# --- manifest store JSON -> model -> report -------------------------------------------

_KEYS = (
    "manifests",
    "active_manifest",
    "assertions",
    "label",
    "data",
    "actions",
    "action",
    "digitalSourceType",
    "softwareAgent",
    "parameters",
    "templates",
    "ingredients",
    "relationship",
    "title",
    "format",
    "instance_id",
    "claim_generator",
    "claim_generator_info",
    "signature_info",
    "issuer",
    "common_name",
    "time",
    "validation_status",
    "validation_state",
    "validation_results",
    "activeManifest",
    "success",
    "failure",
    "informational",
    "ingredientDeltas",
    "code",
    "explanation",
    "url",
    "name",
    "version",
    "description",
    "com.adobe.digitalSourceType",
)
_STRINGS = (
    "c2pa.actions",
    "c2pa.actions.v2",
    "c2pa.created",
    "c2pa.opened",
    "c2pa.placed",
    "c2pa.edited",
    "parentOf",
    "componentOf",
    "inputTo",
    "a",
    "b",
    "Valid",
    "Invalid",
    "Trusted",
    "assertion.dataHash.mismatch",
    "claimSignature.validated",
    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
    "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia",
    "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
    "\x1b[31m\n=cmd|' /C calc'!A0\u202e",
)


class _Bytes:
    """Reads small integers from the input; zeros once it is used up."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            return 0
        self.pos += 1
        return self.data[self.pos - 1]

    def text(self) -> str:
        n = self.byte() % 24
        raw = self.data[self.pos : self.pos + n]
        self.pos += n
        return raw.decode("utf-8", errors="surrogateescape")


def _value(src: _Bytes, depth: int) -> Any:
    kind = src.byte() % 9
    if depth > 7 or kind == 0:
        return _STRINGS[src.byte() % len(_STRINGS)]
    if kind == 1:
        return src.text()
    if kind == 2:
        return int.from_bytes(bytes(src.byte() for _ in range(3)), "little", signed=True)
    if kind == 3:
        return [None, True, False, 1.5, -0.0, 1e308][src.byte() % 6]
    if kind in (4, 5):
        return [_value(src, depth + 1) for _ in range(src.byte() % 6)]
    out: dict[str, Any] = {}
    for _ in range(src.byte() % 7):
        which = src.byte()
        key = _KEYS[which % len(_KEYS)] if which < 200 else src.text()
        out[key] = _value(src, depth + 1)
    return out


def store_from_bytes(data: bytes) -> Any:
    """JSON text as it is, else a JSON-shaped value built from the bytes (keys we read)."""
    try:
        return json.loads(data)
    except ValueError:
        pass
    src = _Bytes(data)
    doc: dict[str, Any] = {"active_manifest": _STRINGS[src.byte() % len(_STRINGS)]}
    manifests: dict[str, Any] = {}
    for _ in range(1 + src.byte() % 4):
        manifests[_STRINGS[src.byte() % len(_STRINGS)]] = _value(src, 1)
    doc["manifests"] = manifests
    while src.pos < len(data):
        doc[_KEYS[src.byte() % len(_KEYS)]] = _value(src, 1)
    return doc


class StoreReader(ManifestReader):
    """A reader that returns a given document as the manifest store (no native library)."""

    def __init__(self, doc: Any = None, jumbf: bytes | None = None) -> None:
        # No native Context: read_path and read_bytes below never use one.
        self.allow_network = False
        self.settings = {}
        self.doc: Any = doc
        self.jumbf = jumbf

    def read_path(
        self, path: Path, mime: str | None, manifest_data: bytes | None = None
    ) -> ReadOutcome:
        return self._outcome()

    def read_bytes(
        self, data: bytes, mime: str | None, manifest_data: bytes | None = None
    ) -> ReadOutcome:
        return self._outcome()

    def _outcome(self) -> ReadOutcome:
        if not isinstance(self.doc, Mapping):
            return ReadOutcome(ReadKind.ERROR, error_kind=ErrorKind.MALFORMED, message="not a map")
        details = {}
        manifests = self.doc.get("manifests")
        if isinstance(manifests, Mapping):
            details = {
                k: v.get("signature_info")
                for k, v in manifests.items()
                if isinstance(k, str)
                and isinstance(v, Mapping)
                and isinstance(v.get("signature_info"), Mapping)
            }
        return ReadOutcome(
            ReadKind.MANIFEST, store=self.doc, signature_details=details, manifest_jumbf=self.jumbf
        )


_store_reader = StoreReader()
_store_verifier = Verifier(CheckOptions(limits=FUZZ_LIMITS), reader=_store_reader)


def fuzz_parse(data: bytes) -> None:
    """Arbitrary manifest-store JSON through parse, the policies, and every renderer."""
    _store_reader.doc = store_from_bytes(data)
    _store_reader.jumbf = None
    check_report(_store_verifier.check_bytes(b"jumb", name="fuzz", media_type="image/jpeg"))


# --- containers and our binary readers ---------------------------------------------------


def fuzz_fastpath(data: bytes) -> None:
    """The container scan never raises, and the chunked marker scan agrees with the whole."""
    for mime in ("image/jpeg", "image/png"):
        fastpath.needs_reader(data, mime)
        fastpath.needs_reader(data[:2] + data, mime)
    scan = fastpath.MarkerScan()
    step = 1 + (data[0] % 7 if data else 0)
    for start in range(0, len(data), step):
        scan.feed(data[start : start + step])
    assert scan.found == fastpath.has_marker(data), "chunked marker scan disagrees"
    if not fastpath.needs_reader(data, "image/jpeg") or not fastpath.needs_reader(
        data, "image/png"
    ):
        assert not fastpath.has_marker(data), "fast path skipped a file with a marker"


def fuzz_cbor(data: bytes) -> None:
    """Our CBOR decoder returns a value or raises CborError, within its limits."""
    for trailing in (False, True):
        with contextlib.suppress(cbor.CborError):
            cbor.decode(data, allow_trailing=trailing, max_depth=16, max_items=4096)


def fuzz_jumbf(data: bytes) -> None:
    """The JUMBF walk returns manifests or raises JumbfError; evidence is always a value."""
    try:
        manifests = jumbf.store_manifests(data)
    except jumbf.JumbfError:
        manifests = ()
    for m in manifests[:4]:
        evidence = read_evidence(data, m.label)
        assert bool(evidence.problem) != bool(evidence.chain), "evidence: a chain xor a problem"


def fuzz_cose(data: bytes) -> None:
    """COSE_Sign1 parsing returns the parts or raises CoseError."""
    try:
        parts = cose.parse_sign1(data)
    except cose.CoseError:
        return
    assert all(isinstance(c, bytes) for c in parts.chain)


def fuzz_pem(data: bytes) -> None:
    """Trust list content is accepted or refused with TrustListError, nothing else."""
    for parse in (parse_certificates, parse_eku_config, parse_allowed):
        with contextlib.suppress(TrustListError):
            parse(data)
    with contextlib.suppress(TrustListError):
        parse_certificates(data.decode("utf-8", errors="surrogateescape"))


# --- the signal detectors ------------------------------------------------------------
#
# Input: one mode byte, then a body. The mode's low four bits pick the media type; with
# bit 7 set a style byte follows, and the body is wrapped into that container where the
# detector looks (so that mutations reach the XML, JSON and text rules at once) in the
# way the style byte chooses (compressed or not, which keyword or EXIF tag); otherwise
# the body is the file itself.

WRAP = 0x80
XMP_TYPES = tuple(sorted(xmp.MEDIA_TYPES))
TEXT_TYPES = tuple(sorted(generator.MEDIA_TYPES | iptc.MEDIA_TYPES))
PNG_KEYWORDS = ("parameters", "prompt", "workflow", "AIGC")
_XMP_DETECTOR = xmp.XmpDetector()
_TEXT_DETECTORS = (generator.GeneratorMetadataDetector(), iptc.IptcIimDetector())


def _segment(marker: int, payload: bytes) -> bytes:
    payload = payload[:65_533]
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + b"\0\0\0\0"


def _png_text(keyword: str, body: bytes, style: int) -> bytes:
    key = keyword.encode("latin-1") + b"\x00"
    if style == 0:
        return _png_chunk(b"tEXt", key + body)
    if style == 1:
        return _png_chunk(b"zTXt", key + b"\x00" + zlib.compress(body))
    if style == 2:
        return _png_chunk(b"iTXt", key + b"\x01\x00\x00\x00" + zlib.compress(body))
    return _png_chunk(b"iTXt", key + b"\x00\x00\x00\x00" + body)


def _png(*chunks: bytes) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + _png_chunk(b"IEND", b"")


def _tiff(tag: int, body: bytes) -> bytes:
    """A little-endian TIFF whose IFD0 has one UNDEFINED tag holding `body`."""
    entry = struct.pack("<HHII", tag, 7, len(body), 26)
    return b"II*\x00\x08\x00\x00\x00\x01\x00" + entry + b"\0\0\0\0" + body


def _riff(fourcc: bytes, body: bytes) -> bytes:
    chunk = fourcc + struct.pack("<I", len(body)) + body + b"\0" * (len(body) & 1)
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def wrap_xmp(packet: bytes, media_type: str, style: int) -> bytes:
    """`packet` as the XMP of a minimal file of this type."""
    if media_type == "image/jpeg":
        return b"\xff\xd8" + _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)
    if media_type == "image/png":
        return _png(_png_text("XML:com.adobe.xmp", packet, style & 3))
    if media_type == "image/webp":
        return _riff(b"XMP ", packet)
    if media_type in ("image/tiff", "image/x-adobe-dng"):
        return _tiff(700, packet)
    return b"\x00\x00\x00\x18ftypheic" + b"\0" * 12 + packet


def wrap_text(body: bytes, media_type: str, style: int) -> bytes:
    """`body` as generator text or IPTC data of a minimal file of this type."""
    if media_type == "image/png":
        keyword = PNG_KEYWORDS[(style >> 2) % len(PNG_KEYWORDS)]
        return _png(_png_text(keyword, body, style & 3))
    if media_type == "image/jpeg":
        if style & 3 == 0:
            return b"\xff\xd8" + _segment(0xFE, body)
        if style & 3 == 1:
            return b"\xff\xd8" + _segment(0xED, b"Photoshop 3.0\x00" + body)
        tag = 0x9286 if style & 3 == 2 else 0x010E
        return b"\xff\xd8" + _segment(0xE1, b"Exif\x00\x00" + _tiff(tag, body))
    if media_type == "image/webp":
        return _riff(b"EXIF", _tiff(0x9286, body))
    return _tiff(0x9286 if style & 1 else 33723, body)


def prefix(types: tuple[str, ...], media_type: str, style: int | None = None) -> bytes:
    """What makes a harness read its body as `media_type`, wrapped when `style` is given."""
    index = types.index(media_type)
    return bytes([index]) if style is None else bytes([index | WRAP, style])


def _file(
    data: bytes, types: tuple[str, ...], wrap: Callable[[bytes, str, int], bytes]
) -> tuple[str, bytes] | None:
    """(media type, file bytes) from a harness input: the mode byte, a style byte, the body."""
    if not data:
        return None
    media_type = types[(data[0] & 0x0F) % len(types)]
    if not data[0] & WRAP:
        return media_type, data[1:]
    style = data[1] if len(data) > 1 else 0
    return media_type, wrap(data[2:], media_type, style)


def check_detection(detection: Detection) -> None:
    """What every detection must satisfy: bounded values, notes that are text."""
    for signal in detection.signals:
        assert len(signal.value) <= DETECTOR_LIMITS.max_string + 1, "a value was not cut"
        assert signal.origin is None or signal.detail, "an origin without a reason"
    assert all(isinstance(note, str) for note in detection.notes)


def fuzz_xmp(data: bytes) -> None:
    """The XMP detector on a file (or a packet wrapped in one): signals or notes, no error."""
    picked = _file(data, XMP_TYPES, wrap_xmp)
    if picked is not None:
        check_detection(_XMP_DETECTOR.detect(picked[1], picked[0], DETECTOR_LIMITS))


def fuzz_metadata(data: bytes) -> None:
    """The generator-metadata and IPTC-IIM detectors on PNG text, EXIF, comments, IIM."""
    picked = _file(data, TEXT_TYPES, wrap_text)
    if picked is None:
        return
    media_type, body = picked
    for detector in _TEXT_DETECTORS:
        if media_type in detector.media_types:
            check_detection(detector.detect(body, media_type, DETECTOR_LIMITS))


# --- the whole path -----------------------------------------------------------------

_MIMES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/tiff",
    "image/gif",
    "video/mp4",
    "application/c2pa",
    "application/pdf",
    "image/svg+xml",
    "audio/wav",
)
_verifier: Verifier | None = None


def fuzz_verify(data: bytes) -> None:
    """`verify_bytes` on arbitrary bytes: one report, never the internal error kind."""
    global _verifier  # noqa: PLW0603 - one native Context per fuzzing process
    if _verifier is None:
        _verifier = Verifier(CheckOptions(limits=FUZZ_LIMITS))
    mime = None if not data or data[-1] % 4 == 0 else _MIMES[data[-1] % len(_MIMES)]
    check_report(_verifier.check_bytes(data, name="fuzz", media_type=mime))


HARNESSES: dict[str, Harness] = {
    "parse": fuzz_parse,
    "fastpath": fuzz_fastpath,
    "cbor": fuzz_cbor,
    "jumbf": fuzz_jumbf,
    "cose": fuzz_cose,
    "pem": fuzz_pem,
    "xmp": fuzz_xmp,
    "metadata": fuzz_metadata,
    "verify": fuzz_verify,
}
