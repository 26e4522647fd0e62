"""Generator metadata: what image-generation tools write about their output.

Stable Diffusion front ends and other generators record their settings in PNG text
chunks or EXIF. None of it is a declaration meant for readers of provenance: it is a
heuristic (the settings of a generator are a strong hint that one made the image),
and naming a generator in a software field is a weak one. Rules, from
`ai-declarations.md` section 5:

- AUTOMATIC1111 / Forge / Fooocus / SD.Next: a settings line `Steps: N, ...` in the PNG
  `parameters` chunk, EXIF UserComment or a JPEG comment;
- SwarmUI / Fooocus: JSON in PNG `parameters` with `sui_image_params` / `fooocus_scheme`;
- ComfyUI: JSON node graphs in PNG `prompt` / `workflow`;
- NovelAI: PNG `Software` = NovelAI with a JSON `Comment`;
- InvokeAI: PNG `invokeai_metadata`, `invokeai_graph`, `sd-metadata` (JSON) or `Dream`;
- Midjourney: `Job ID:` in PNG `Description` / EXIF ImageDescription (weak);
- any known generator named in PNG `Software` / EXIF Software (weak).

China's TC260 implicit label (GB 45438-2025) is read here too where generators put it
outside XMP: a PNG text chunk `AIGC`, EXIF UserComment or ImageDescription. Unlike the
rest it is a declaration (basis `unsigned_metadata`), the same as in XMP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..declaration import Basis, Origin
from ..limits import Limits
from ..media import TIFF_FAMILY
from ..signal import DetectorName, Signal, cut
from . import containers, tc260
from .base import Detection, parse_json
from .names import known_generator

MEDIA_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", *TIFF_FAMILY})

TAG_IMAGE_DESCRIPTION = 0x010E
TAG_SOFTWARE = 0x0131
TAG_USER_COMMENT = 0x9286
_EXIF_TAGS = frozenset({TAG_IMAGE_DESCRIPTION, TAG_SOFTWARE, TAG_USER_COMMENT})
_EXIF_NAMES = {
    TAG_IMAGE_DESCRIPTION: "exif:ImageDescription",
    TAG_SOFTWARE: "exif:Software",
    TAG_USER_COMMENT: "exif:UserComment",
}

#: The settings line AUTOMATIC1111 and its forks write after the prompt: `Steps: N, `
#: and, on the same line, at least one more of its parameters (a recipe's "Steps: 5, bake
#: at 200C" is not one).
_A1111_SETTINGS = re.compile(
    r"(?:^|\n)Steps: \d+, [^\n]*?(?<=, )(?:Sampler: |CFG scale: \d|Seed: -?\d|Size: \d+x\d)"
)
_A1111_VERSION = re.compile(r"\bVersion: ([^,\n]{1,64})")
_A1111_INPAINT = re.compile(r"\b(?:Mask blur|Inpaint area|Masked content): ")
_A1111_IMG2IMG = re.compile(r"\bDenoising strength: ")
_A1111_HIRES = re.compile(r"\bHires (?:upscale|steps|upscaler): ")
_MIDJOURNEY_JOB = re.compile(r"\bJob ID: ?[0-9a-fA-F]{8}-[0-9a-fA-F-]{4,}")
_INVOKEAI_JSON_KEYS = frozenset({"invokeai_metadata", "invokeai_graph", "sd-metadata"})
#: The PNG text keywords the rules read; other chunks are skipped without inflating them.
PNG_KEYWORDS = frozenset(
    {
        "parameters",
        "prompt",
        "workflow",
        "Software",
        "Comment",
        "Dream",
        "Description",
        tc260.PNG_KEYWORD,
        *_INVOKEAI_JSON_KEYS,
    }
)
#: EXIF fields that may carry a TC260 label.
_TC260_FIELDS = frozenset({"png:" + tc260.PNG_KEYWORD, "exif:UserComment", "exif:ImageDescription"})


@dataclass(frozen=True)
class Text:
    """One metadata text: the field as reported, its value and where it was found."""

    field: str
    value: str
    source: str


@dataclass(frozen=True)
class Skipped:
    """A metadata item that was not read (over the cap, corrupt), for a note."""

    source: str
    problem: str


#: The 8-byte character codes of EXIF UserComment (EXIF 2.32, table 9), by their start.
_CHARACTER_CODES = (b"ASCII", b"UNICODE", b"JIS", b"\x00" * 8)


def _user_comment(raw: bytes) -> str:
    """EXIF UserComment: an 8-byte character code, then the text.

    Some writers leave the code out; then the whole value is the text (UTF-8).
    """
    code, body = raw[:8], raw[8:]
    if len(raw) < 8 or not code.startswith(_CHARACTER_CODES):
        return raw.decode("utf-8", "replace")
    if code.startswith(b"UNICODE"):
        # The byte order should follow the TIFF header; writers disagree, so take the
        # decoding that reads as more plain text.
        candidates = [body.decode(enc, "replace") for enc in ("utf-16-be", "utf-16-le")]
        return max(candidates, key=lambda t: sum(c.isascii() and c.isprintable() for c in t))
    if code.startswith(b"JIS"):
        return body.decode("shift_jis", "replace")
    return body.decode("utf-8", "replace")


def _exif_texts(block: bytes, source: str, limits: Limits) -> Iterator[Text | Skipped]:
    for value in containers.tiff_values(block, _EXIF_TAGS, limits.max_metadata_bytes):
        field = _EXIF_NAMES[value.tag]
        if value.data is None:
            yield Skipped(f"{source} {field}", value.problem or "unreadable")
            continue
        if value.tag == TAG_USER_COMMENT:
            text = _user_comment(value.data)
        else:
            text = value.data.decode("utf-8", "replace")
        text = text.strip("\x00 \r\n\t")
        if text:
            yield Text(field, text, source)


def texts(data: bytes, media_type: str, limits: Limits) -> Iterator[Text | Skipped]:
    """The metadata texts a generator may have written, from where this container keeps them."""
    if media_type == "image/png":
        found = containers.png_texts(data, PNG_KEYWORDS, limits)
        for chunk in found.texts:
            source = f"PNG {chunk.chunk}"
            text = chunk.text
            if text is None:
                yield Skipped(f"{source} {chunk.keyword!r}", chunk.problem or "unreadable")
            else:
                yield Text(f"png:{chunk.keyword}", text, source)
        yield from (Skipped("", note) for note in found.notes)
        for _, exif in containers.png_chunks(data, frozenset({b"eXIf"})):
            yield from _exif_texts(exif, "PNG eXIf", limits)
    elif media_type == "image/jpeg":
        for marker, payload in containers.jpeg_segments(data):
            if marker == 0xE1 and payload.startswith(containers.EXIF_HEADER):
                block = payload[len(containers.EXIF_HEADER) :]
                yield from _exif_texts(block, "JPEG APP1 EXIF", limits)
            elif marker == 0xFE:
                text = payload.decode("utf-8", "replace").strip("\x00 \r\n\t")
                if text:
                    yield Text("jpeg:COM", text, "JPEG comment")
    elif media_type == "image/webp":
        for _, exif in containers.riff_chunks(data, b"WEBP", frozenset({b"EXIF"})):
            block = exif.removeprefix(containers.EXIF_HEADER)
            yield from _exif_texts(block, "WebP EXIF chunk", limits)
    elif media_type in TIFF_FAMILY:
        yield from _exif_texts(data, "TIFF", limits)


def _a1111_tool(value: str) -> str:
    found = _A1111_VERSION.search(value)
    version = found.group(1).strip() if found else ""
    if "fooocus" in version.lower():
        return "Fooocus"
    if version.startswith("f") and version[1:2].isdigit():
        return "Stable Diffusion WebUI Forge"
    return "Stable Diffusion web UI"


def _a1111_origin(value: str) -> tuple[Origin, str]:
    if _A1111_INPAINT.search(value):
        return Origin.AI_EDITED, "inpainting settings"
    if _A1111_IMG2IMG.search(value) and not _A1111_HIRES.search(value):
        return Origin.AI_EDITED, "image-to-image settings"
    return Origin.AI_GENERATED, "text-to-image settings"


def _json_parameters_tool(value: str, limits: Limits) -> str | None:
    doc = parse_json(value, limits.max_metadata_bytes)
    if not isinstance(doc, dict):
        return None
    if "sui_image_params" in doc:
        return "SwarmUI"
    if "fooocus_scheme" in doc or str(doc.get("Version", "")).lower().startswith("fooocus"):
        return "Fooocus"
    return None


def _comfyui(field: str, value: str, limits: Limits) -> bool:
    doc = parse_json(value, limits.max_metadata_bytes)
    if field == "png:prompt" and isinstance(doc, dict):
        nodes = list(doc.values())[:256]
        return bool(nodes) and all(isinstance(n, dict) and "class_type" in n for n in nodes)
    if field == "png:workflow" and isinstance(doc, dict):
        return isinstance(doc.get("nodes"), list)
    return False


class _Rules:
    """Applies the rules to the texts of one file; remembers what it has seen."""

    def __init__(self, items: list[Text], limits: Limits) -> None:
        self.items = items
        self.limits = limits
        self.by_field = {item.field: item.value for item in reversed(items)}

    def signal(
        self,
        item: Text,
        origin: Origin,
        tool: str,
        detail: str,
        *,
        weak: bool = False,
    ) -> Signal:
        return Signal(
            detector=DetectorName.GENERATOR_METADATA,
            field=item.field,
            value=cut(item.value, self.limits.max_string),
            basis=Basis.HEURISTIC,
            origin=origin,
            tool=tool,
            weak=weak,
            source=item.source,
            detail=detail,
        )

    def novelai(self) -> bool:
        software = self.by_field.get("png:Software", "")
        comment = parse_json(self.by_field.get("png:Comment", ""), self.limits.max_metadata_bytes)
        return software.strip().lower() == "novelai" and isinstance(comment, dict)

    def tc260(self, item: Text) -> Signal:
        limits = self.limits
        label = tc260.read_label(item.value, limits.max_metadata_bytes, limits.max_string)
        return Signal(
            detector=DetectorName.GENERATOR_METADATA,
            field=item.field,
            value=cut(item.value, limits.max_string),
            basis=Basis.UNSIGNED_METADATA,
            origin=None if label.code is None else Origin.AI_GENERATED,
            weak=label.code is not None and label.weak,
            source=item.source,
            detail=label.detail(),
        )

    def apply(self, item: Text) -> Signal | None:
        field, value = item.field, item.value
        if field == "png:" + tc260.PNG_KEYWORD or (
            field in _TC260_FIELDS and tc260.looks_like_label(value, self.limits.max_metadata_bytes)
        ):
            return self.tc260(item)
        if field in ("png:parameters", "exif:UserComment", "jpeg:COM") and (
            _A1111_SETTINGS.search(value)
        ):
            origin, what = _a1111_origin(value)
            tool = _a1111_tool(value)
            return self.signal(item, origin, tool, f"{tool} generation parameters ({what})")
        if field == "png:parameters":
            json_tool = _json_parameters_tool(value, self.limits)
            if json_tool:
                return self.signal(
                    item, Origin.AI_GENERATED, json_tool, f"{json_tool} generation metadata"
                )
        if field in ("png:prompt", "png:workflow") and _comfyui(field, value, self.limits):
            return self.signal(item, Origin.AI_GENERATED, "ComfyUI", "a ComfyUI node graph")
        if field == "png:Software" and self.novelai():
            return self.signal(
                item, Origin.AI_GENERATED, "NovelAI", "NovelAI software tag with its settings"
            )
        if field.removeprefix("png:") in _INVOKEAI_JSON_KEYS:
            if isinstance(parse_json(value, self.limits.max_metadata_bytes), dict):
                return self.signal(item, Origin.AI_GENERATED, "InvokeAI", "InvokeAI metadata")
            return None
        if field == "png:Dream" and value.strip():
            return self.signal(item, Origin.AI_GENERATED, "InvokeAI", "InvokeAI 'Dream' prompt")
        if field in ("png:Description", "exif:ImageDescription") and _MIDJOURNEY_JOB.search(value):
            return self.signal(
                item, Origin.AI_GENERATED, "Midjourney", "a Midjourney job ID", weak=True
            )
        if field in ("png:Software", "exif:Software"):
            generator = known_generator(value)
            if generator:
                return self.signal(
                    item,
                    Origin.AI_GENERATED,
                    generator,
                    f"the software field names an image generator ({generator})",
                    weak=True,
                )
        return None


class GeneratorMetadataDetector:
    """Settings and names that image generators write into PNG text chunks and EXIF."""

    name = DetectorName.GENERATOR_METADATA
    media_types = MEDIA_TYPES
    on_request = False

    def detect(self, data: bytes, media_type: str, limits: Limits) -> Detection:
        items: list[Text] = []
        notes: list[str] = []
        for found in texts(data, media_type, limits):
            if isinstance(found, Skipped) and not found.source:
                notes.append(found.problem)
            elif isinstance(found, Skipped):
                notes.append(f"{cut(found.source, 120)} not read ({found.problem})")
            else:
                items.append(found)
        rules = _Rules(items, limits)
        signals = [s for s in map(rules.apply, items) if s is not None]
        return Detection(tuple(signals), tuple(notes))
