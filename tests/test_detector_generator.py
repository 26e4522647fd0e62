"""Generator-metadata detector: PNG text chunks and EXIF; broken and oversized input."""

from __future__ import annotations

import json
import zlib

import pytest
from signal_builders import chunk, exif, itxt, jpeg, png, segment, text, webp, ztxt

from verify.detectors.base import Detection
from verify.detectors.generator import GeneratorMetadataDetector
from verify.limits import Limits

LIMITS = Limits()
DETECTOR = GeneratorMetadataDetector()

A1111 = (
    "a cat\nNegative prompt: dog\n"
    "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Version: v1.10.1"
)
COMFY_PROMPT = json.dumps({"3": {"class_type": "KSampler", "inputs": {}}})
COMFY_WORKFLOW = json.dumps({"nodes": [{"id": 3}], "links": []})


def found(data: bytes, media_type: str, limits: Limits = LIMITS) -> list[tuple[str, str, str]]:
    """(field, origin, tool) of every signal."""
    return [
        (s.field, s.origin.value if s.origin else "", s.tool or "")
        for s in DETECTOR.detect(data, media_type, limits).signals
    ]


def app1_exif(entries: dict[int, bytes]) -> bytes:
    return segment(0xE1, b"Exif\x00\x00" + exif(entries))


TABLE = [
    (
        "a1111 parameters",
        png(text("parameters", A1111)),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "a1111 compressed iTXt",
        png(itxt("parameters", A1111.encode(), True)),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "a1111 zTXt",
        png(ztxt("parameters", zlib.compress(A1111.encode()))),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "forge version",
        png(text("parameters", A1111.replace("v1.10.1", "f2.0.1v1.10.1"))),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion WebUI Forge")],
    ),
    (
        "img2img is an edit",
        png(text("parameters", A1111 + ", Denoising strength: 0.5")),
        "image/png",
        [("png:parameters", "ai_edited", "Stable Diffusion web UI")],
    ),
    (
        "hires fix is still generation",
        png(text("parameters", A1111 + ", Denoising strength: 0.5, Hires upscale: 2")),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "inpainting is an edit",
        png(text("parameters", A1111 + ", Mask blur: 4")),
        "image/png",
        [("png:parameters", "ai_edited", "Stable Diffusion web UI")],
    ),
    (
        "swarmui json",
        png(text("parameters", json.dumps({"sui_image_params": {}}))),
        "image/png",
        [("png:parameters", "ai_generated", "SwarmUI")],
    ),
    (
        "comfyui",
        png(text("prompt", COMFY_PROMPT), text("workflow", COMFY_WORKFLOW)),
        "image/png",
        [("png:prompt", "ai_generated", "ComfyUI"), ("png:workflow", "ai_generated", "ComfyUI")],
    ),
    (
        "novelai",
        png(text("Software", "NovelAI"), text("Comment", json.dumps({"steps": 28}))),
        "image/png",
        [("png:Software", "ai_generated", "NovelAI")],
    ),
    (
        "invokeai",
        png(text("invokeai_metadata", json.dumps({"model": "x"}))),
        "image/png",
        [("png:invokeai_metadata", "ai_generated", "InvokeAI")],
    ),
    (
        "invokeai dream",
        png(text("Dream", '"a cat" -s 50')),
        "image/png",
        [("png:Dream", "ai_generated", "InvokeAI")],
    ),
    (
        "midjourney job id",
        png(text("Description", "a cat Job ID: 0123abcd-1234-5678")),
        "image/png",
        [("png:Description", "ai_generated", "Midjourney")],
    ),
    (
        "software names a generator",
        png(text("Software", "Stable Diffusion XL")),
        "image/png",
        [("png:Software", "ai_generated", "Stable Diffusion")],
    ),
    (
        "exif user comment",
        jpeg(app1_exif({0x9286: b"ASCII\0\0\0" + A1111.encode()})),
        "image/jpeg",
        [("exif:UserComment", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "exif unicode user comment",
        jpeg(app1_exif({0x9286: b"UNICODE\0" + A1111.encode("utf-16-le")})),
        "image/jpeg",
        [("exif:UserComment", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "exif software",
        jpeg(app1_exif({0x0131: b"Midjourney\0"})),
        "image/jpeg",
        [("exif:Software", "ai_generated", "Midjourney")],
    ),
    (
        "jpeg comment",
        jpeg(segment(0xFE, A1111.encode())),
        "image/jpeg",
        [("jpeg:COM", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "webp exif",
        webp((b"EXIF", b"Exif\0\0" + exif({0x0131: b"NovelAI\0"}))),
        "image/webp",
        [("exif:Software", "ai_generated", "NovelAI")],
    ),
    (
        "tiff software",
        exif({0x0131: b"DALL-E 3\0"}),
        "image/tiff",
        [("exif:Software", "ai_generated", "DALL-E")],
    ),
    (
        "png eXIf",
        png(chunk(b"eXIf", exif({0x0131: b"Fooocus\0"}))),
        "image/png",
        [("exif:Software", "ai_generated", "Fooocus")],
    ),
    (
        "photoshop is no evidence",
        jpeg(app1_exif({0x0131: b"Adobe Photoshop 25.0\0"})),
        "image/jpeg",
        [],
    ),
    ("a plain prompt is no evidence", png(text("parameters", "just some words")), "image/png", []),
    (
        "a recipe in a jpeg comment is no a1111",
        jpeg(segment(0xFE, b"Recipe\nSteps: 5, bake at 200C")),
        "image/jpeg",
        [],
    ),
    ("steps alone are no a1111", png(text("parameters", "Steps: 3, then rinse")), "image/png", []),
    (
        "a1111 settings without a prompt",
        png(text("parameters", "Steps: 20, Sampler: Euler a, CFG scale: 7")),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "a1111 steps and seed",
        png(text("parameters", "a cat\nSteps: 20, Seed: 42")),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "a1111 steps and size",
        png(text("parameters", "a cat\nSteps: 20, Size: 512x768")),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "a1111 with crlf lines",
        png(text("parameters", A1111.replace("\n", "\r\n"))),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "fooocus in a1111 form",
        png(text("parameters", A1111.replace("v1.10.1", "Fooocus v2.5.5"))),
        "image/png",
        [("png:parameters", "ai_generated", "Fooocus")],
    ),
    (
        "utf-8 prompt in tEXt",
        png(chunk(b"tEXt", b"parameters\0" + ("猫, " + A1111).encode())),
        "image/png",
        [("png:parameters", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "user comment without its character code",
        jpeg(app1_exif({0x9286: A1111.encode()})),
        "image/jpeg",
        [("exif:UserComment", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "user comment with undefined character code",
        jpeg(app1_exif({0x9286: b"\0" * 8 + A1111.encode()})),
        "image/jpeg",
        [("exif:UserComment", "ai_generated", "Stable Diffusion web UI")],
    ),
    (
        "novelai without its comment",
        png(text("Software", "NovelAI")),
        "image/png",
        [("png:Software", "ai_generated", "NovelAI")],
    ),
]


@pytest.mark.parametrize(("case", "data", "media_type", "want"), TABLE, ids=[t[0] for t in TABLE])
def test_generator_table(
    case: str, data: bytes, media_type: str, want: list[tuple[str, str, str]]
) -> None:
    """Each file gives these (field, origin, tool) signals."""
    assert found(data, media_type) == want


def test_signals_are_heuristic_and_names_weak() -> None:
    """Generator settings are a heuristic; a name alone is a weak one."""
    signals = DETECTOR.detect(
        png(text("parameters", A1111), text("Software", "Midjourney")), "image/png", LIMITS
    ).signals
    assert [(s.basis.value, s.weak) for s in signals] == [("heuristic", False), ("heuristic", True)]


NESTED = "[" * 100_000 + "]" * 100_000

MALFORMED = [
    ("comfy prompt not json", png(text("prompt", "{not json")), "image/png"),
    ("comfy prompt a list", png(text("prompt", "[1, 2]")), "image/png"),
    ("comfy nodes wrong type", png(text("prompt", json.dumps({"3": "KSampler"}))), "image/png"),
    ("comfy workflow nodes not a list", png(text("workflow", '{"nodes": 3}')), "image/png"),
    ("deeply nested json", png(text("prompt", NESTED)), "image/png"),
    ("invokeai not json", png(text("invokeai_metadata", "nope")), "image/png"),
    ("zTXt corrupt stream", png(ztxt("parameters", b"\x78\x9cnot zlib")), "image/png"),
    ("zTXt bomb", png(ztxt("parameters", zlib.compress(b"Steps: 1, " * 1_000_000))), "image/png"),
    ("huge tEXt", png(text("parameters", "Steps: 1, " + "x" * 5_000_000)), "image/png"),
    ("keyword too long", png(text("p" * 100, A1111)), "image/png"),
    ("chunk length lies", png(b"\x7f\xff\xff\xfftEXtparameters\0" + A1111.encode()), "image/png"),
    (
        "exif count lies",
        jpeg(segment(0xE1, b"Exif\0\0II*\x00\x08\x00\x00\x00\xff\xff")),
        "image/jpeg",
    ),
    (
        "exif offset out of range",
        jpeg(
            segment(
                0xE1,
                b"Exif\0\0II*\x00\x08\x00\x00\x00\x01\x00\x86\x92\x07\x00"
                + b"\x00\x10\x00\x00\xff\xff\xff\x7f\0\0\0\0",
            )
        ),
        "image/jpeg",
    ),
    (
        "exif huge value",
        jpeg(
            segment(
                0xE1,
                b"Exif\0\0II*\x00\x08\x00\x00\x00\x01\x00\x86\x92"
                b"\x07\x00\xff\xff\xff\x7f\x1a\x00\x00\x00\0\0\0\0",
            )
        ),
        "image/jpeg",
    ),
    (
        "exif wrong byte order mark",
        jpeg(segment(0xE1, b"Exif\0\0XX*\x00" + b"\0" * 20)),
        "image/jpeg",
    ),
    ("exif pointer loops to itself", exif({0x8769: b"\x08\x00\x00\x00"}), "image/tiff"),
    ("not a png", b"\x89PNG\r\n\x1a\n" + b"\0" * 3, "image/png"),
    ("random bytes", bytes(range(256)) * 10, "image/jpeg"),
]


@pytest.mark.parametrize(("case", "data", "media_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_input_yields_no_signal(case: str, data: bytes, media_type: str) -> None:
    """Broken, lying or oversized metadata gives no signal and no exception."""
    assert DETECTOR.detect(data, media_type, LIMITS).signals == ()


def test_oversized_chunk_is_noted() -> None:
    """A text chunk over max_metadata_bytes is skipped with a note."""
    detection = DETECTOR.detect(
        png(text("parameters", A1111)), "image/png", Limits(max_metadata_bytes=16)
    )
    assert detection.signals == ()
    assert detection.notes == (
        "PNG tEXt 'parameters' not read (too large: over max_metadata_bytes)",
    )


def test_decompression_stops_at_the_cap() -> None:
    """A zTXt bomb is refused as too large rather than inflated."""
    bomb = png(ztxt("parameters", zlib.compress(b"\0" * 20_000_000)))
    detection = DETECTOR.detect(bomb, "image/png", Limits(max_metadata_bytes=1024))
    assert detection.notes == (
        "PNG zTXt 'parameters' not read (too large: over max_metadata_bytes)",
    )


def test_tEXt_is_read_as_utf8_where_valid() -> None:
    """tEXt bytes that are valid UTF-8 are read as UTF-8; others stay Latin-1."""
    utf8 = png(chunk(b"tEXt", b"parameters\0" + ("猫\n" + A1111).encode()))
    latin1 = png(chunk(b"tEXt", b"parameters\0caf\xe9\n" + A1111.encode()))
    values = [DETECTOR.detect(d, "image/png", LIMITS).signals[0].value for d in (utf8, latin1)]
    assert [v.split("\n")[0] for v in values] == ["猫", "café"]


PRODUCER = "001191440300708461136T1WFUO"
FLAT = json.dumps({"Label": "1", "ContentProducer": PRODUCER, "ProduceID": "u:1"})
WRAPPED = json.dumps({"AIGC": {"Label": "1", "ContentProducer": PRODUCER, "ProduceID": "u:1"}})
TC260_CARRIERS = [
    ("png tEXt AIGC flat", png(text("AIGC", FLAT)), "image/png", "png:AIGC"),
    ("png tEXt AIGC wrapped", png(text("AIGC", WRAPPED)), "image/png", "png:AIGC"),
    ("png iTXt AIGC", png(itxt("AIGC", WRAPPED.encode())), "image/png", "png:AIGC"),
    (
        "exif user comment",
        jpeg(app1_exif({0x9286: b"ASCII\0\0\0" + WRAPPED.encode()})),
        "image/jpeg",
        "exif:UserComment",
    ),
    (
        "exif image description",
        jpeg(app1_exif({0x010E: WRAPPED.encode() + b"\0"})),
        "image/jpeg",
        "exif:ImageDescription",
    ),
    (
        "png eXIf user comment flat",
        png(chunk(b"eXIf", exif({0x9286: b"ASCII\0\0\0" + FLAT.encode()}))),
        "image/png",
        "exif:UserComment",
    ),
]


@pytest.mark.parametrize(
    ("case", "data", "media_type", "field"), TC260_CARRIERS, ids=[t[0] for t in TC260_CARRIERS]
)
def test_tc260_label_outside_xmp(case: str, data: bytes, media_type: str, field: str) -> None:
    """A TC260 label in PNG text or EXIF is a declaration; its producer code is no tool."""
    (signal,) = DETECTOR.detect(data, media_type, LIMITS).signals
    assert (signal.field, signal.basis.value, signal.origin and signal.origin.value) == (
        field,
        "unsigned_metadata",
        "ai_generated",
    )
    assert signal.tool is None
    assert signal.detail is not None and PRODUCER in signal.detail


NOT_TC260 = [
    (
        "other json in a comment",
        jpeg(app1_exif({0x9286: b"ASCII\0\0\0" + b'{"Label": "x"}'})),
        "image/jpeg",
    ),
    ("a description mentioning a label", jpeg(app1_exif({0x010E: b"Label: 1\0"})), "image/jpeg"),
]


@pytest.mark.parametrize(("case", "data", "media_type"), NOT_TC260, ids=[n[0] for n in NOT_TC260])
def test_other_exif_text_is_no_tc260_label(case: str, data: bytes, media_type: str) -> None:
    """EXIF text that is not of the label's shape gives no TC260 signal."""
    assert DETECTOR.detect(data, media_type, LIMITS).signals == ()


def test_broken_png_aigc_chunk_says_so() -> None:
    """A PNG AIGC chunk that is no label gives a signal without origin saying so."""
    (signal,) = DETECTOR.detect(png(text("AIGC", "{nope")), "image/png", LIMITS).signals
    assert signal.origin is None and signal.detail and "missing or not 1, 2 or 3" in signal.detail


def test_unread_keywords_are_not_inflated() -> None:
    """A compressed chunk no rule reads is skipped without inflating it (no corrupt note)."""
    detection = DETECTOR.detect(png(ztxt("Title", b"not zlib at all")), "image/png", LIMITS)
    assert detection == Detection()


def test_inflate_budget_stops_an_amplification() -> None:
    """Many compressed chunks stop at max_inflate_bytes: one note, and later text still read."""
    bomb = ztxt("Comment", zlib.compress(b"A" * 100_000))
    data = png(*[bomb] * 50, text("parameters", A1111))
    detection = DETECTOR.detect(data, "image/png", Limits(max_inflate_bytes=250_000))
    assert found(data, "image/png", Limits(max_inflate_bytes=250_000)) == [
        ("png:parameters", "ai_generated", "Stable Diffusion web UI")
    ]
    assert detection.notes == (
        "PNG zTXt 'Comment' not read (over max_inflate_bytes for the file)",
        "47 more compressed PNG text chunks not inflated (max_inflate_bytes)",
    )


def test_text_chunk_count_is_capped() -> None:
    """Past max_text_chunks no text chunk is looked at, with a note."""
    data = png(*[text("Comment", "x")] * 5, text("parameters", A1111))
    detection = DETECTOR.detect(data, "image/png", Limits(max_text_chunks=5))
    assert detection.signals == ()
    assert detection.notes == ("PNG text chunks after the first 5 not read (max_text_chunks)",)
