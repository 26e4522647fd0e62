"""XMP detector: IPTC source types and AI fields, TC260, Google credit; hostile XML."""

from __future__ import annotations

import json
import struct
import zlib

import pytest
from signal_builders import (
    IPTC,
    app1_xmp,
    box,
    exif,
    heif,
    itxt,
    jpeg,
    png,
    prop,
    segment,
    webp,
    xmp,
)

from verify.detectors.base import Detection
from verify.detectors.xmp import XmpDetector, interpret, read_properties
from verify.limits import Limits

LIMITS = Limits()
DETECTOR = XmpDetector()


def found(data: bytes, media_type: str, limits: Limits = LIMITS) -> list[tuple[str, str | None]]:
    """(field, origin) of every signal."""
    detection = DETECTOR.detect(data, media_type, limits)
    return [(s.field, s.origin.value if s.origin else None) for s in detection.signals]


DST = "Iptc4xmpExt:DigitalSourceType"
AI_PACKET = xmp(prop(DST, IPTC + "trainedAlgorithmicMedia"))


def tiff_with_xmp(packet: bytes) -> bytes:
    """A TIFF whose IFD0 has tag 700 (XMP) as BYTE data."""
    block = bytearray(exif({0x02BC: packet}))
    block[10 + 2 : 10 + 4] = (1).to_bytes(2, "little")  # type BYTE, as writers use
    return bytes(block)


CONTAINERS = [
    ("jpeg app1", jpeg(app1_xmp(AI_PACKET)), "image/jpeg"),
    ("png itxt", png(itxt("XML:com.adobe.xmp", AI_PACKET)), "image/png"),
    ("png itxt compressed", png(itxt("XML:com.adobe.xmp", AI_PACKET, True)), "image/png"),
    ("webp chunk", webp((b"VP8L", b"\0" * 5), (b"XMP ", AI_PACKET)), "image/webp"),
    ("tiff tag 700", tiff_with_xmp(AI_PACKET), "image/tiff"),
    ("nef (tiff-based raw)", tiff_with_xmp(AI_PACKET), "image/x-nikon-nef"),
    ("arw (tiff-based raw)", tiff_with_xmp(AI_PACKET), "image/x-sony-arw"),
    ("heif scanned", b"\0\0\0\x18ftypheic" + b"\0" * 40 + AI_PACKET, "image/heic"),
    ("avif scanned", b"\0\0\0\x18ftypavif" + b"\0" * 40 + AI_PACKET, "image/avif"),
]


@pytest.mark.parametrize(("case", "data", "media_type"), CONTAINERS, ids=[c[0] for c in CONTAINERS])
def test_packet_found_in_each_container(case: str, data: bytes, media_type: str) -> None:
    """The digital source type is read from where each container keeps XMP."""
    assert found(data, media_type) == [(DST, "ai_generated")]


def test_extended_xmp_joins_its_parts() -> None:
    """JPEG extended XMP: parts of one GUID are joined in offset order."""
    guid = b"0" * 32
    half = len(AI_PACKET) // 2
    parts = [
        segment(
            0xE1,
            b"http://ns.adobe.com/xmp/extension/\x00"
            + guid
            + len(AI_PACKET).to_bytes(4, "big")
            + offset.to_bytes(4, "big")
            + piece,
        )
        for offset, piece in ((half, AI_PACKET[half:]), (0, AI_PACKET[:half]))
    ]
    assert found(jpeg(*parts), "image/jpeg") == [(DST, "ai_generated")]


PROPERTIES = [
    ("trained", [(DST, IPTC + "trainedAlgorithmicMedia")], [(DST, "ai_generated", False)]),
    (
        "composite trained",
        [(DST, IPTC + "compositeWithTrainedAlgorithmicMedia")],
        [(DST, "ai_edited", False)],
    ),
    ("algorithmic", [(DST, IPTC + "algorithmicMedia")], [(DST, "algorithmic", False)]),
    ("captured", [(DST, IPTC + "digitalCapture")], [(DST, "captured", False)]),
    ("short term", [(DST, "trainedAlgorithmicMedia")], [(DST, "ai_generated", False)]),
    ("unknown term", [(DST, "http://example.com/whatever")], [(DST, "undetermined", False)]),
    (
        "ai system",
        [("Iptc4xmpExt:AISystemUsed", "Sample Model")],
        [("Iptc4xmpExt:AISystemUsed", "ai_generated", True)],
    ),
    (
        "prompt",
        [("Iptc4xmpExt:AIPromptInformation", "a cat")],
        [("Iptc4xmpExt:AIPromptInformation", "ai_generated", True)],
    ),
    (
        "prompt writer says nothing",
        [("Iptc4xmpExt:AIPromptWriterName", "Ann")],
        [("Iptc4xmpExt:AIPromptWriterName", None, False)],
    ),
    (
        "tc260 label 1",
        [("TC260:AIGC", json.dumps({"Label": "1"}))],
        [("TC260:AIGC", "ai_generated", False)],
    ),
    (
        "tc260 label 3 is weak",
        [("TC260:AIGC", json.dumps({"Label": "3"}))],
        [("TC260:AIGC", "ai_generated", True)],
    ),
    (
        "tc260 integer label",
        [("TC260:AIGC", json.dumps({"Label": 1}))],
        [("TC260:AIGC", "ai_generated", False)],
    ),
    ("tc260 not json", [("TC260:AIGC", "{Label")], [("TC260:AIGC", None, False)]),
    ("tc260 wrong type", [("TC260:AIGC", json.dumps([1, 2]))], [("TC260:AIGC", None, False)]),
    (
        "google credit",
        [("photoshop:Credit", "Edited with Google AI")],
        [("photoshop:Credit", "ai_edited", False)],
    ),
    ("other credit", [("photoshop:Credit", "Jane Doe")], []),
    (
        "remote manifest url",
        [("dcterms:provenance", "https://example.com/m.c2pa")],
        [("dcterms:provenance", None, False)],
    ),
    (
        "creator tool names a generator",
        [("xmp:CreatorTool", "Midjourney v6")],
        [("xmp:CreatorTool", "ai_generated", True)],
    ),
    ("photoshop is no evidence", [("xmp:CreatorTool", "Adobe Photoshop 25.0")], []),
]


@pytest.mark.parametrize(("case", "props", "want"), PROPERTIES, ids=[p[0] for p in PROPERTIES])
def test_interpretation_table(
    case: str, props: list[tuple[str, str]], want: list[tuple[str, str | None, bool]]
) -> None:
    """Each property list gives these (field, origin, weak) signals."""
    signals = interpret(props, "test", LIMITS)
    assert [(s.field, s.origin.value if s.origin else None, s.weak) for s in signals] == want


def test_creator_tool_is_heuristic_and_the_rest_unsigned() -> None:
    """A generator's name is a heuristic; IPTC fields are unsigned metadata."""
    signals = interpret(
        [(DST, "trainedAlgorithmicMedia"), ("xmp:CreatorTool", "ComfyUI")], "t", LIMITS
    )
    assert [s.basis.value for s in signals] == ["unsigned_metadata", "heuristic"]


def test_ai_system_and_version_name_the_tool() -> None:
    """AISystemUsed and AISystemVersionUsed together become the tool of the AI type."""
    signals = interpret(
        [
            (DST, "trainedAlgorithmicMedia"),
            ("Iptc4xmpExt:AISystemUsed", "Sample"),
            ("Iptc4xmpExt:AISystemVersionUsed", "2"),
        ],
        "t",
        LIMITS,
    )
    assert signals[0].tool == "Sample 2"


def test_attribute_form_and_rdf_resource_are_read() -> None:
    """Properties as attributes and as rdf:resource are read like elements."""
    packet = xmp(
        '<Iptc4xmpExt:DigitalSourceType rdf:resource="' + IPTC + 'digitalCapture"/>'
    ).replace(b'rdf:about=""', b'rdf:about="" Iptc4xmpExt:AISystemUsed="M"')
    assert read_properties(packet) == [
        ("Iptc4xmpExt:AISystemUsed", "M"),
        (DST, IPTC + "digitalCapture"),
    ]


def test_long_values_are_cut() -> None:
    """Attacker-controlled values are cut to max_string characters."""
    (signal,) = interpret([("Iptc4xmpExt:AIPromptInformation", "x" * 10_000)], "t", Limits())
    assert len(signal.value) == Limits().max_string + 1


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
    b"<Iptc4xmpExt:DigitalSourceType>&lol3;</Iptc4xmpExt:DigitalSourceType>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)
EXTERNAL_ENTITY = BILLION_LAUGHS.replace(
    b'<!ENTITY lol "lol">', b'<!ENTITY lol SYSTEM "file:///etc/passwd">'
)
DEEP = b"<a>" * 100_000 + b"</a>" * 100_000

MALFORMED = [
    ("broken xml", jpeg(app1_xmp(AI_PACKET[:-40])), "image/jpeg"),
    ("not xml at all", jpeg(app1_xmp(b"\xff\xfe\x00garbage")), "image/jpeg"),
    ("entity expansion", jpeg(app1_xmp(BILLION_LAUGHS)), "image/jpeg"),
    ("external entity", jpeg(app1_xmp(EXTERNAL_ENTITY)), "image/jpeg"),
    ("deep nesting", png(itxt("XML:com.adobe.xmp", DEEP)), "image/png"),
    ("huge packet", png(itxt("XML:com.adobe.xmp", AI_PACKET + b" " * 5_000_000)), "image/png"),
    ("compressed bomb", png(itxt("XML:com.adobe.xmp", b" " * 50_000_000, True)), "image/png"),
    ("segment longer than file", jpeg(app1_xmp(AI_PACKET))[:60], "image/jpeg"),
    ("png chunk longer than file", png(itxt("XML:com.adobe.xmp", AI_PACKET))[:-200], "image/png"),
    ("truncated itxt header", png(b"\0\0\0\x05iTXtXML:\0\0\0\0\0"), "image/png"),
    ("webp size lies", webp((b"XMP ", AI_PACKET))[:-10], "image/webp"),
    (
        "tiff offset out of range",
        b"II*\x00\x08\x00\x00\x00\x01\x00\xbc\x02\x01\x00" + b"\xff\xff\x00\x00\xff\xff\xff\x7f",
        "image/tiff",
    ),
    ("tiff ifd loops", b"II*\x00\x08\x00\x00\x00\xff\xff" + b"\0" * 20, "image/tiff"),
    ("empty file", b"", "image/jpeg"),
    ("wrong container for the type", AI_PACKET, "image/png"),
    (
        "incomplete extended xmp",
        jpeg(
            segment(
                0xE1,
                b"http://ns.adobe.com/xmp/extension/\x00"
                + b"0" * 32
                + (10_000).to_bytes(4, "big")
                + (0).to_bytes(4, "big")
                + b"<x",
            )
        ),
        "image/jpeg",
    ),
    ("scanned packet without end", b"\0\0\0\x18ftypheic<x:xmpmeta " + b"a" * 1000, "image/heic"),
]


@pytest.mark.parametrize(("case", "data", "media_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_input_yields_no_signal(case: str, data: bytes, media_type: str) -> None:
    """Hostile or broken input gives no signal and no exception."""
    detection = DETECTOR.detect(data, media_type, LIMITS)
    assert detection.signals == ()


def test_rejected_packets_leave_a_note() -> None:
    """An unparsable packet is noted, so the reader knows XMP was there."""
    detection = DETECTOR.detect(jpeg(app1_xmp(BILLION_LAUGHS)), "image/jpeg", LIMITS)
    assert any("not well-formed XMP" in n for n in detection.notes)


def test_packet_over_the_cap_is_noted() -> None:
    """A packet over max_metadata_bytes is skipped with a note naming the limit."""
    detection = DETECTOR.detect(
        jpeg(app1_xmp(AI_PACKET)), "image/jpeg", Limits(max_metadata_bytes=100)
    )
    assert detection.signals == ()
    assert any("max_metadata_bytes" in n for n in detection.notes)


def test_properties_per_packet_are_capped() -> None:
    """A packet with thousands of properties yields at most MAX_PROPERTIES signals."""
    from verify.detectors.xmp import MAX_PROPERTIES

    packet = xmp(prop("Iptc4xmpExt:AIPromptWriterName", "a") * 5_000)
    assert len(found(png(itxt("XML:com.adobe.xmp", packet)), "image/png")) == MAX_PROPERTIES


def packet_with(attributes: str = "", body: str = "", namespaces: str = "") -> bytes:
    """A packet whose top-level rdf:Description has these attributes and body."""
    return xmp(body).replace(b'rdf:about=""', f'rdf:about="" {namespaces} {attributes}'.encode(), 1)


def test_unknown_encoding_costs_only_its_packet() -> None:
    """An encoding Python does not know is a note for that packet; the next one is read."""
    bogus = b'<?xml version="1.0" encoding="x-bogus"?>' + AI_PACKET
    detection = DETECTOR.detect(
        png(itxt("XML:com.adobe.xmp", bogus), itxt("XML:com.adobe.xmp", AI_PACKET)),
        "image/png",
        LIMITS,
    )
    assert [s.field for s in detection.signals] == [DST]
    assert any("not well-formed XMP" in n and "x-bogus" in n for n in detection.notes)


def test_unknown_encoding_is_not_a_detector_failure() -> None:
    """The registry's loop reports no detector failure for an unknown encoding."""
    from verify.detectors.registry import run_detectors

    bogus = b'<?xml version="1.0" encoding="x-bogus"?>' + AI_PACKET
    detection = run_detectors(jpeg(app1_xmp(bogus)), "image/jpeg", LIMITS)
    assert not any("failed" in n for n in detection.notes)


NESTED = [
    (
        "pantry",
        "<xmpMM:Pantry><rdf:Bag><rdf:li><rdf:Description "
        f'Iptc4xmpExt:DigitalSourceType="{IPTC}digitalCapture"/></rdf:li></rdf:Bag></xmpMM:Pantry>',
    ),
    (
        "document ancestors struct",
        "<photoshop:DocumentAncestors><rdf:Bag><rdf:li rdf:parseType='Resource'>"
        f"<Iptc4xmpExt:DigitalSourceType>{IPTC}digitalCapture</Iptc4xmpExt:DigitalSourceType>"
        "</rdf:li></rdf:Bag></photoshop:DocumentAncestors>",
    ),
    (
        "any struct",
        "<xmpMM:DerivedFrom rdf:parseType='Resource'>"
        f"<Iptc4xmpExt:DigitalSourceType>{IPTC}digitalCapture</Iptc4xmpExt:DigitalSourceType>"
        "</xmpMM:DerivedFrom>",
    ),
    (
        "a nested description",
        "<xmpMM:DerivedFrom><rdf:Description "
        f'Iptc4xmpExt:DigitalSourceType="{IPTC}digitalCapture"/></xmpMM:DerivedFrom>',
    ),
]
MM = 'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"'


@pytest.mark.parametrize(("case", "body"), NESTED, ids=[n[0] for n in NESTED])
def test_nested_properties_are_not_the_assets(case: str, body: str) -> None:
    """Only the top-level description counts: an ingredient's source type is not read."""
    top = f'Iptc4xmpExt:DigitalSourceType="{IPTC}compositeWithTrainedAlgorithmicMedia"'
    assert read_properties(packet_with(top, body, MM)) == [
        (DST, IPTC + "compositeWithTrainedAlgorithmicMedia")
    ]


def test_nested_only_gives_nothing() -> None:
    """A source type only inside the pantry yields no signal."""
    assert found(jpeg(app1_xmp(packet_with(body=NESTED[0][1], namespaces=MM))), "image/jpeg") == []


CONTAINER_VALUES = [
    ("bag", "<rdf:Bag><rdf:li>a</rdf:li><rdf:li>b</rdf:li></rdf:Bag>", ["a", "b"]),
    ("seq", "<rdf:Seq><rdf:li>a</rdf:li></rdf:Seq>", ["a"]),
    ("alt", "<rdf:Alt><rdf:li xml:lang='x-default'>a</rdf:li></rdf:Alt>", ["a"]),
    ("simple", "a", ["a"]),
    ("empty items skipped", "<rdf:Bag><rdf:li> </rdf:li><rdf:li>b</rdf:li></rdf:Bag>", ["b"]),
]


@pytest.mark.parametrize(
    ("case", "inner", "values"), CONTAINER_VALUES, ids=[c[0] for c in CONTAINER_VALUES]
)
def test_top_level_values_of_each_form(case: str, inner: str, values: list[str]) -> None:
    """A top-level property's value: its text or the items of its Bag, Seq or Alt."""
    packet = xmp(prop("Iptc4xmpExt:AIPromptWriterName", inner))
    assert [v for _, v in read_properties(packet)] == values


def test_packet_without_wrapper_is_read() -> None:
    """A packet whose root is rdf:RDF (no x:xmpmeta) is read the same."""
    inner = AI_PACKET[AI_PACKET.index(b"<rdf:RDF") : AI_PACKET.index(b"</x:xmpmeta>")]
    assert read_properties(inner) == [(DST, IPTC + "trainedAlgorithmicMedia")]


def test_trailing_bytes_after_the_packet_are_ignored() -> None:
    """Bytes after `<?xpacket end?>` do not make the packet unreadable."""
    assert found(jpeg(app1_xmp(AI_PACKET + b"\x00garbage\xff<junk")), "image/jpeg") == [
        (DST, "ai_generated")
    ]


WIDE = [
    ("utf-16-le with bom", b"\xff\xfe" + AI_PACKET.decode().encode("utf-16-le")),
    ("utf-16-be with bom", b"\xfe\xff" + AI_PACKET.decode().encode("utf-16-be")),
    ("utf-16-le without bom", AI_PACKET.decode().encode("utf-16-le")),
    ("utf-16-be without bom", AI_PACKET.decode().encode("utf-16-be")),
    ("utf-32-le with bom", b"\xff\xfe\x00\x00" + AI_PACKET.decode().encode("utf-32-le")),
    (
        "utf-16-le declared",
        b"\xff\xfe"
        + ('<?xml version="1.0" encoding="UTF-16"?>' + AI_PACKET.decode()).encode("utf-16-le"),
    ),
    ("utf-16-le padded with nuls", AI_PACKET.decode().encode("utf-16-le") + b"\x00" * 64),
]


@pytest.mark.parametrize(("case", "packet"), WIDE, ids=[w[0] for w in WIDE])
def test_wide_encodings_are_read(case: str, packet: bytes) -> None:
    """UTF-16 and UTF-32 packets (XMP allows them) are read; no NUL of theirs is stripped."""
    assert found(jpeg(app1_xmp(packet)), "image/jpeg") == [(DST, "ai_generated")]


def test_deprecated_spelling_reads_with_the_same_meaning() -> None:
    """Iptc4xmpExt:DigitalSourcefileType is read like DigitalSourceType, under its own name."""
    packet = xmp(prop("Iptc4xmpExt:DigitalSourcefileType", IPTC + "trainedAlgorithmicMedia"))
    assert found(jpeg(app1_xmp(packet)), "image/jpeg") == [
        ("Iptc4xmpExt:DigitalSourcefileType", "ai_generated")
    ]


@pytest.mark.parametrize("kind", ["tEXt", "zTXt", "iTXt"])
def test_png_text_xmp_is_utf8(kind: str) -> None:
    """XMP in any PNG text chunk is read as the UTF-8 it is, not as Latin-1."""
    from signal_builders import chunk

    packet = xmp(
        prop(DST, IPTC + "trainedAlgorithmicMedia") + prop("Iptc4xmpExt:AISystemUsed", "Modèle 猫")
    )
    keyword = b"XML:com.adobe.xmp\x00"
    payload = {
        "tEXt": keyword + packet,
        "zTXt": keyword + b"\x00" + zlib.compress(packet),
        "iTXt": keyword + b"\x00\x00\x00\x00" + packet,
    }[kind]
    signals = DETECTOR.detect(png(chunk(kind.encode(), payload)), "image/png", LIMITS).signals
    assert [s.tool for s in signals] == ["Modèle 猫", "Modèle 猫"]


TC260_FORMS = [
    ("flat", {"Label": "1", "ContentProducer": "001191440300708461136T1WFUO", "ProduceID": "x"}),
    (
        "wrapped (Annex E)",
        {
            "AIGC": {
                "Label": "1",
                "ContentProducer": "001191440300708461136T1WFUO",
                "ProduceID": "x",
            }
        },
    ),
]


@pytest.mark.parametrize(("case", "label"), TC260_FORMS, ids=[t[0] for t in TC260_FORMS])
def test_tc260_forms_and_producer_is_evidence_not_a_tool(case: str, label: object) -> None:
    """Flat and wrapped labels read alike; the producer's code is in the detail, not the tool."""
    (signal,) = interpret([("TC260:AIGC", json.dumps(label))], "t", LIMITS)
    assert (signal.origin and signal.origin.value, signal.weak, signal.tool) == (
        "ai_generated",
        False,
        None,
    )
    assert signal.detail is not None and "001191440300708461136T1WFUO" in signal.detail


GOOGLE = [
    ("made with", "Made with Google AI", "ai_generated"),
    ("edited with", "Edited with Google AI", "ai_edited"),
    ("spacing and case", "  made  WITH google ai ", "ai_generated"),
]


@pytest.mark.parametrize(("case", "credit", "origin"), GOOGLE, ids=[g[0] for g in GOOGLE])
def test_google_credit_lines(case: str, credit: str, origin: str) -> None:
    """Google's credit lines: "Made with" is generation, "Edited with" an edit."""
    packet = packet_with(f'photoshop:Credit="{credit}"')
    assert found(jpeg(app1_xmp(packet)), "image/jpeg") == [("photoshop:Credit", origin)]


SKIPPED_UNPARSED = [
    ("no wanted name", b"<x:xmpmeta><broken"),
    ("a photoshop creator tool", b'<x:xmpmeta xmp:CreatorTool="Adobe Photoshop 25.0"><broken'),
    ("a plain credit", b'<x:xmpmeta photoshop:Credit="Jane Doe"><broken'),
]


@pytest.mark.parametrize(("case", "packet"), SKIPPED_UNPARSED, ids=[s[0] for s in SKIPPED_UNPARSED])
def test_packets_without_wanted_names_are_not_parsed(case: str, packet: bytes) -> None:
    """A packet none of whose bytes could matter is not parsed (so no note, even if broken)."""
    assert DETECTOR.detect(jpeg(app1_xmp(packet)), "image/jpeg", LIMITS) == Detection()


PARSED = [
    ("source type", b"<x:xmpmeta Iptc4xmpExt:DigitalSourceType='x'><broken"),
    ("tc260", b"<x:xmpmeta><TC260:AIGC><broken"),
    ("generator as creator tool", b'<x:xmpmeta xmp:CreatorTool="Midjourney"><broken'),
    ("escaped creator tool", b'<x:xmpmeta xmp:CreatorTool="&#77;idjourney"><broken'),
    ("google credit", b'<x:xmpmeta photoshop:Credit="Made with Google AI"><broken'),
]


@pytest.mark.parametrize(("case", "packet"), PARSED, ids=[p[0] for p in PARSED])
def test_packets_that_may_matter_are_parsed(case: str, packet: bytes) -> None:
    """A packet whose bytes may hold a wanted property is parsed (here: noted as broken)."""
    detection = DETECTOR.detect(jpeg(app1_xmp(packet)), "image/jpeg", LIMITS)
    assert any("not well-formed XMP" in n for n in detection.notes)


CAPTURED_PACKET = xmp(prop(DST, IPTC + "digitalCapture"))
C2PA_BOX = box(b"uuid", bytes.fromhex("d8fec3d61b0e483c92975828877ec481") + CAPTURED_PACKET)

HEIF = [
    ("primary's xmp only", heif([(AI_PACKET, 1), (CAPTURED_PACKET, 2)]), [(DST, "ai_generated")]),
    ("xmp naming no item", heif([(AI_PACKET, None)]), [(DST, "ai_generated")]),
    ("xmp in idat", heif([(AI_PACKET, 1)], in_idat=True), [(DST, "ai_generated")]),
    ("thumbnail's xmp only", heif([(CAPTURED_PACKET, 2)]), []),
    ("c2pa data is not scanned", heif([(AI_PACKET, 1)], after=C2PA_BOX), [(DST, "ai_generated")]),
    ("no xmp item, xmp in c2pa data", heif([], after=C2PA_BOX), []),
]


@pytest.mark.parametrize(("case", "data", "want"), HEIF, ids=[h[0] for h in HEIF])
def test_heif_reads_the_primary_items_xmp(
    case: str, data: bytes, want: list[tuple[str, str]]
) -> None:
    """HEIF/AVIF: the XMP item describing the primary image, not thumbnails or C2PA data."""
    assert found(data, "image/heic") == want
    assert found(data.replace(b"ftypheic", b"ftypavif", 1), "image/avif") == want


def test_heif_item_out_of_range_is_noted() -> None:
    """An XMP item whose extent lies outside the file is noted, not read."""
    data = heif([(AI_PACKET, 1)])
    detection = DETECTOR.detect(data[: -len(AI_PACKET) // 2], "image/heic", LIMITS)
    assert detection.signals == ()
    assert detection.notes == ("HEIF XMP item not read (out of range)",)


def test_unreadable_heif_meta_falls_back_to_a_scan() -> None:
    """A meta box cut short is not followed; the packet is found by scanning."""
    data = heif([(AI_PACKET, 1)])
    meta = data.index(b"meta") - 4
    broken = data[:meta] + b"\x00\x00\x00\x10meta\x00\x00\x00\x00" + data[meta + 16 :]
    assert found(broken, "image/heic") == [(DST, "ai_generated")]


def test_heif_extent_count_is_a_total() -> None:
    """iloc: 4,096 items of 65,535 zero-size extents each read at most MAX_HEIF_BOXES in all.

    (Found by the `xmp` fuzz harness: the product of the two counts took seconds.)
    """
    from verify.detectors import containers

    entries = b"".join(struct.pack(">HHHH", i, 0, 0, 0xFFFF) for i in range(4096))
    iloc = bytes([1, 0, 0, 0, 0x00, 0x00]) + struct.pack(">H", 4096) + entries
    places = containers._locations(iloc, 0, set(range(4096)), None)
    assert sum(map(len, places.values())) == containers.MAX_HEIF_BOXES
