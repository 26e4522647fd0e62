"""XMP: IPTC digital source type and AI fields, China's TC260 label, Google's AI credit.

Packets are taken from where each container keeps them (JPEG APP1 and extended XMP,
PNG iTXt `XML:com.adobe.xmp`, WebP `XMP ` chunk, TIFF tag 700) or found by scanning
(HEIF, AVIF, GIF). They are attacker-controlled XML: `defusedxml` parses them with
DTDs forbidden, so entity expansion and external entities are refused, and packets
over `limits.max_metadata_bytes` are not parsed at all.

Everything here is unsigned metadata: anyone can write it, and stripping it is easy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .. import sourcetype
from ..declaration import Basis, Origin, origin_of
from ..limits import Limits
from ..signal import DetectorName, Signal, cut
from . import containers
from .base import Detection, parse_json
from .names import known_generator

NS_IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
NS_PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
NS_DCTERMS = "http://purl.org/dc/terms/"
NS_XMP = "http://ns.adobe.com/xap/1.0/"
NS_TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

DIGITAL_SOURCE_TYPE = "Iptc4xmpExt:DigitalSourceType"
AI_SYSTEM = "Iptc4xmpExt:AISystemUsed"
AI_SYSTEM_VERSION = "Iptc4xmpExt:AISystemVersionUsed"
AI_PROMPT = "Iptc4xmpExt:AIPromptInformation"
AI_PROMPT_WRITER = "Iptc4xmpExt:AIPromptWriterName"
CREDIT = "photoshop:Credit"
PROVENANCE = "dcterms:provenance"
CREATOR_TOOL = "xmp:CreatorTool"
TC260_LABEL = "TC260:AIGC"

#: Clark names ({namespace}local) of the properties read -> their usual prefixed names.
FIELDS: dict[str, str] = {
    f"{{{NS_IPTC_EXT}}}DigitalSourceType": DIGITAL_SOURCE_TYPE,
    f"{{{NS_IPTC_EXT}}}AISystemUsed": AI_SYSTEM,
    f"{{{NS_IPTC_EXT}}}AISystemVersionUsed": AI_SYSTEM_VERSION,
    f"{{{NS_IPTC_EXT}}}AIPromptInformation": AI_PROMPT,
    f"{{{NS_IPTC_EXT}}}AIPromptWriterName": AI_PROMPT_WRITER,
    f"{{{NS_PHOTOSHOP}}}Credit": CREDIT,
    f"{{{NS_DCTERMS}}}provenance": PROVENANCE,
    f"{{{NS_XMP}}}CreatorTool": CREATOR_TOOL,
    f"{{{NS_TC260}}}AIGC": TC260_LABEL,
}
_RDF_RESOURCE = f"{{{NS_RDF}}}resource"
_RDF_LI = f"{{{NS_RDF}}}li"
#: Values kept per packet: a real packet has a handful of the fields above.
MAX_PROPERTIES = 64

#: Google Photos / Pixel write this credit line on images edited with generative AI.
GOOGLE_AI_CREDITS = {"edited with google ai": Origin.AI_EDITED}
#: GB 45438-2025 `Label`: 1 = AI-generated/synthesised, 2 = possibly, 3 = suspected.
TC260_LABELS: dict[str, tuple[str, bool]] = {
    "1": ("AI-generated or synthesised", False),
    "2": ("possibly AI-generated", True),
    "3": ("suspected AI-generated", True),
}

_JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_JPEG_EXTENDED_XMP = b"http://ns.adobe.com/xmp/extension/\x00"
_TIFF_XMP_TAG = 700
_SCANNED = frozenset({"image/heic", "image/heif", "image/avif", "image/gif"})

MEDIA_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/webp", "image/tiff", "image/x-adobe-dng", *_SCANNED}
)


@dataclass(frozen=True)
class Packet:
    """One XMP packet and where it was found."""

    source: str
    data: bytes | None
    #: Why `data` is None (over the cap, truncated, corrupt).
    problem: str | None = None


def _jpeg_packets(data: bytes, max_bytes: int) -> Iterator[Packet]:
    # Extended XMP (XMP part 3, 1.1.3.1): APP1 segments carrying a GUID, the full
    # length and an offset; the pieces of one GUID are joined in offset order.
    extended: dict[bytes, tuple[int, dict[int, bytes]]] = {}
    for marker, payload in containers.jpeg_segments(data):
        if marker != 0xE1:
            continue
        if payload.startswith(_JPEG_XMP):
            yield Packet("JPEG APP1 XMP", payload[len(_JPEG_XMP) :])
        elif payload.startswith(_JPEG_EXTENDED_XMP):
            body = payload[len(_JPEG_EXTENDED_XMP) :]
            if len(body) < 40:
                continue
            guid = body[:32]
            total = int.from_bytes(body[32:36], "big")
            offset = int.from_bytes(body[36:40], "big")
            if guid not in extended and len(extended) >= 4:
                continue
            extended.setdefault(guid, (total, {}))[1][offset] = body[40:]
    for total, parts in extended.values():
        if total > max_bytes:
            yield Packet("JPEG APP1 extended XMP", None, "too large")
            continue
        joined = b"".join(parts[k] for k in sorted(parts))
        if len(joined) != total:
            yield Packet("JPEG APP1 extended XMP", None, "incomplete")
            continue
        yield Packet("JPEG APP1 extended XMP", joined)


def _png_packets(data: bytes, max_bytes: int) -> Iterator[Packet]:
    for text in containers.png_texts(data, max_bytes):
        if text.keyword != containers.PNG_XMP_KEYWORD:
            continue
        source = f"PNG {text.chunk} {containers.PNG_XMP_KEYWORD}"
        if text.text is None:
            yield Packet(source, None, text.problem)
        else:
            yield Packet(source, text.text.encode("utf-8"))


def _webp_packets(data: bytes) -> Iterator[Packet]:
    for _, payload in containers.riff_chunks(data, b"WEBP", frozenset({b"XMP "})):
        yield Packet("WebP XMP chunk", payload)


def _tiff_packets(data: bytes, max_bytes: int) -> Iterator[Packet]:
    for value in containers.tiff_values(data, frozenset({_TIFF_XMP_TAG}), max_bytes):
        yield Packet("TIFF tag 700 (XMP)", value.data, value.problem)


def packets(data: bytes, media_type: str, limits: Limits) -> Iterator[Packet]:
    """The XMP packets of a file, from where its container keeps them."""
    cap = limits.max_metadata_bytes
    if media_type == "image/jpeg":
        yield from _jpeg_packets(data, cap)
    elif media_type == "image/png":
        yield from _png_packets(data, cap)
    elif media_type == "image/webp":
        yield from _webp_packets(data)
    elif media_type in ("image/tiff", "image/x-adobe-dng"):
        yield from _tiff_packets(data, cap)
    elif media_type in _SCANNED:
        for packet in containers.scan_xmp_packets(data):
            yield Packet("XMP packet (scanned)", packet)


def _value(element: Element) -> list[str]:
    resource = element.get(_RDF_RESOURCE)
    if resource:
        return [resource]
    items = [li.text for li in element.iter(_RDF_LI) if li.text and li.text.strip()]
    if items:
        return items
    text = element.text
    return [text] if text and text.strip() else []


def read_properties(packet: bytes) -> list[tuple[str, str]]:
    """(field, value) of the properties this detector reads, in document order.

    Raises `ParseError` or a `DefusedXmlException` for XML it will not read.
    """
    root = fromstring(packet.rstrip(b"\x00 \t\r\n"), forbid_dtd=True)
    found: list[tuple[str, str]] = []
    for element in root.iter():
        for name, value in element.attrib.items():
            field = FIELDS.get(name)
            if field:
                found.append((field, value))
        field = FIELDS.get(element.tag) if isinstance(element.tag, str) else None
        if field:
            found.extend((field, value) for value in _value(element))
        if len(found) >= MAX_PROPERTIES:
            return found[:MAX_PROPERTIES]
    return found


def _tc260(value: str, make: _Maker, limits: Limits) -> Signal:
    label = parse_json(value, limits.max_metadata_bytes)
    fields = label if isinstance(label, dict) else {}
    code = str(fields.get("Label", "")).strip()
    producer = fields.get("ContentProducer")
    tool = cut(producer.strip(), limits.max_string) if isinstance(producer, str) else None
    if code in TC260_LABELS:
        meaning, weak = TC260_LABELS[code]
        return make(
            TC260_LABEL,
            value,
            Origin.AI_GENERATED,
            tool=tool or None,
            weak=weak,
            detail=f"TC260 implicit label (GB 45438-2025) Label={code}: {meaning}",
        )
    return make(
        TC260_LABEL,
        value,
        None,
        detail="a TC260 implicit label whose Label field is missing or not 1, 2 or 3",
    )


class _Maker:
    """Builds XMP signals for one packet (shared source, basis and value cut)."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits

    def __call__(
        self,
        field: str,
        value: str,
        origin: Origin | None,
        *,
        detail: str,
        tool: str | None = None,
        weak: bool = False,
        basis: Basis = Basis.UNSIGNED_METADATA,
    ) -> Signal:
        return Signal(
            detector=DetectorName.XMP,
            field=field,
            value=cut(value.strip(), self.limits.max_string),
            basis=basis,
            origin=origin,
            tool=tool,
            weak=weak,
            source=self.source,
            detail=detail,
        )


def interpret(properties: list[tuple[str, str]], source: str, limits: Limits) -> list[Signal]:
    """Signals from the properties of one packet (pure; tested from lists)."""
    make = _Maker(source, limits)
    first = {field: value.strip() for field, value in reversed(properties)}
    system = first.get(AI_SYSTEM)
    version = first.get(AI_SYSTEM_VERSION)
    ai_tool = cut(f"{system} {version}" if system and version else system or "", 200) or None
    signals: list[Signal] = []
    for field, value in properties:
        if field == DIGITAL_SOURCE_TYPE:
            origin = origin_of(sourcetype.classify(value))
            term = sourcetype.term(value)
            signals.append(
                make(
                    field,
                    sourcetype.normalize(value),
                    origin,
                    tool=ai_tool if origin is not None and origin.is_ai else None,
                    detail=f"XMP declares the digital source type {term}",
                )
            )
        elif field in (AI_SYSTEM, AI_PROMPT):
            what = "names the AI system used" if field == AI_SYSTEM else "records an AI prompt"
            signals.append(
                make(
                    field,
                    value,
                    Origin.AI_GENERATED,
                    tool=ai_tool,
                    weak=True,
                    detail=f"XMP {what} (IPTC 2025.1); the digital source type says which kind",
                )
            )
        elif field in (AI_SYSTEM_VERSION, AI_PROMPT_WRITER):
            signals.append(make(field, value, None, detail="IPTC 2025.1 AI field"))
        elif field == TC260_LABEL:
            signals.append(_tc260(value, make, limits))
        elif field == CREDIT:
            origin = GOOGLE_AI_CREDITS.get(" ".join(value.lower().split()))
            if origin is not None:
                signals.append(
                    make(field, value, origin, tool="Google AI", detail="Google's AI credit line")
                )
        elif field == PROVENANCE:
            signals.append(
                make(field, value, None, detail="reference to a remote C2PA manifest (not fetched)")
            )
        elif field == CREATOR_TOOL:
            generator = known_generator(value)
            if generator is not None:
                signals.append(
                    make(
                        field,
                        value,
                        Origin.AI_GENERATED,
                        tool=generator,
                        weak=True,
                        basis=Basis.HEURISTIC,
                        detail=f"the creator tool names an image generator ({generator})",
                    )
                )
    return signals


class XmpDetector:
    """IPTC, TC260 and Google AI declarations in XMP (unsigned metadata)."""

    name = DetectorName.XMP
    media_types = MEDIA_TYPES
    on_request = False

    def detect(self, data: bytes, media_type: str, limits: Limits) -> Detection:
        signals: list[Signal] = []
        notes: list[str] = []
        for packet in packets(data, media_type, limits):
            if packet.data is None:
                notes.append(f"{packet.source} not read ({packet.problem})")
                continue
            if len(packet.data) > limits.max_metadata_bytes:
                notes.append(
                    f"{packet.source} of {len(packet.data)} bytes not read (max_metadata_bytes)"
                )
                continue
            try:
                properties = read_properties(packet.data)
            except (ParseError, DefusedXmlException, ValueError) as exc:
                notes.append(
                    f"{packet.source} is not well-formed XMP and was ignored ({cut(str(exc), 200)})"
                )
                continue
            signals.extend(interpret(properties, packet.source, limits))
        return Detection(tuple(signals), tuple(notes))
