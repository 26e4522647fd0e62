"""Pictures for the HTML report: a downscaled preview of the asset and its credentials' thumbnails.

Only the HTML view needs them, so they are collected apart from the check: JSON and
JSONL never pay for this. Every picture is decoded and re-encoded with Pillow (JPEG, at
most a few hundred pixels), so whatever bytes a file or a manifest holds, the report only
ever embeds a small raster image we made. Decoding is bounded by a pixel limit
(decompression bombs) and the thumbnail bytes read from a store by a size limit.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core import SIDECAR_SUFFIX, SIDECAR_TYPE
from .limits import DEFAULT_LIMITS, require_positive
from .reader import ReadKind, ResourceReader
from .report import Credentials, Report

if TYPE_CHECKING:
    from PIL import Image

#: A file on disk, or the bytes of an asset held in memory (standard input).
Source = Path | bytes


@dataclass(frozen=True)
class VisualLimits:
    """Limits for the pictures of the HTML report."""

    #: Images with more pixels than this are not decoded (decompression bombs).
    max_pixels: int = 100_000_000
    #: Long edge, in pixels, of the asset preview.
    preview_size: int = 512
    #: Long edge, in pixels, of a thumbnail from the credentials.
    thumbnail_size: int = 192
    #: Largest thumbnail read from a manifest store, in bytes.
    max_thumbnail_bytes: int = 2 * 1024 * 1024
    #: Most thumbnails read from one manifest store.
    max_thumbnails: int = 50

    def __post_init__(self) -> None:
        require_positive(self)


DEFAULT_VISUAL_LIMITS = VisualLimits()


@dataclass(frozen=True)
class Picture:
    """A small raster image we encoded ourselves."""

    media_type: str
    data: bytes
    width: int
    height: int

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class NoPicture:
    """Why there is no picture (said in the report instead of showing one)."""

    reason: str


@dataclass(frozen=True)
class AssetVisuals:
    """What the HTML report can show of one asset."""

    preview: Picture | NoPicture
    #: Manifest label -> its claim thumbnail.
    manifest_thumbnails: Mapping[str, Picture] = field(default_factory=dict)
    #: (manifest label, ingredient index) -> the ingredient's thumbnail.
    ingredient_thumbnails: Mapping[tuple[str, int], Picture] = field(default_factory=dict)
    #: Thumbnails that could not be shown, and why.
    notes: tuple[str, ...] = ()


def _is_transparent(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)


def _flatten(im: Image.Image) -> Image.Image:
    """RGB on a white background, whatever the mode."""
    from PIL import Image

    if _is_transparent(im):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im if im.mode == "RGB" else im.convert("RGB")


def downscale(source: Source, size: int, max_pixels: int) -> Picture | NoPicture:
    """Decode an image (first frame), orient it, shrink it to `size` and encode it as JPEG."""
    # Imported here: Pillow's decoders load only when a report needs pictures.
    from PIL import Image, ImageOps, UnidentifiedImageError

    stream: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own default limit; ours is checked below instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream) as im:
                width, height = im.size
                if width * height > max_pixels:
                    return NoPicture(
                        f"{width} x {height} pixels is over the limit of {max_pixels}"
                        " (max_pixels): not decoded"
                    )
                im.draft("RGB", (size, size))  # JPEG decodes at a smaller scale: faster
                oriented = ImageOps.exif_transpose(im)
                oriented.thumbnail((size, size))
                rgb = _flatten(oriented)
                out = io.BytesIO()
                rgb.save(out, format="JPEG", quality=82, optimize=True)
                return Picture("image/jpeg", out.getvalue(), rgb.width, rgb.height)
    except Image.DecompressionBombError as exc:
        return NoPicture(f"Pillow refused to decode it as a possible decompression bomb ({exc})")
    except UnidentifiedImageError:
        return NoPicture("its contents are not in an image format that can be shown")
    except Exception as exc:  # any decoder failure is a fact about the file, not a crash
        return NoPicture(f"Pillow could not decode it ({type(exc).__name__}: {exc})")


def preview_of(
    report: Report, source: Source | None, limits: VisualLimits = DEFAULT_VISUAL_LIMITS
) -> Picture | NoPicture:
    """A downscaled picture of the asset, or why there is none."""
    if source is None or report.sha256 is None:
        return NoPicture("the file was not read")
    media_type = report.media_type or "an unknown type"
    if media_type == SIDECAR_TYPE:
        return NoPicture("a .c2pa manifest store has no picture of its own")
    if media_type == "image/svg+xml":
        return NoPicture("vector images (SVG) are not rendered into the report")
    if not media_type.startswith("image/"):
        return NoPicture(f"only still images are previewed; this file is {media_type}")
    return downscale(source, limits.preview_size, limits.max_pixels)


def _text(value: object, limit: int = 4_096) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _thumbnail_id(entry: Mapping[str, Any]) -> str | None:
    return _text(_mapping(entry.get("thumbnail")).get("identifier"))


@dataclass(frozen=True)
class ThumbnailIndex:
    """Where each thumbnail of a store belongs, by resource identifier."""

    #: manifest label -> identifier of its claim thumbnail
    manifests: Mapping[str, str]
    #: (manifest label, ingredient index) -> identifier of the ingredient's thumbnail
    ingredients: Mapping[tuple[str, int], str]
    #: Every identifier once, the active manifest's first.
    order: tuple[str, ...]


def index_thumbnails(store: Mapping[str, Any]) -> ThumbnailIndex:
    """Find the thumbnails a manifest store names (pure: the library's JSON in)."""
    manifests_raw = _mapping(store.get("manifests"))
    active = _text(store.get("active_manifest"))
    labels = [label for label in manifests_raw if isinstance(label, str)]
    if active is not None and active in manifests_raw:
        labels.remove(active)
        labels.insert(0, active)
    manifests: dict[str, str] = {}
    ingredients: dict[tuple[str, int], str] = {}
    order: dict[str, None] = {}
    for label in labels:
        manifest = _mapping(manifests_raw[label])
        identifier = _thumbnail_id(manifest)
        if identifier:
            manifests[label] = identifier
            order[identifier] = None
        raw_ingredients = manifest.get("ingredients")
        if not isinstance(raw_ingredients, list):
            continue
        for index, raw in enumerate(raw_ingredients):
            identifier = _thumbnail_id(_mapping(raw))
            if identifier:
                ingredients[(label, index)] = identifier
                order[identifier] = None
    return ThumbnailIndex(manifests, ingredients, tuple(order))


def _store_input(
    report: Report, source: Source, max_size: int
) -> tuple[str | None, bytes | None] | str:
    """(media type, sidecar bytes) to open the store the check read, or why not."""
    if report.media_type == SIDECAR_TYPE or (
        isinstance(source, Path) and source.suffix.lower() == SIDECAR_SUFFIX
    ):
        return SIDECAR_TYPE, None
    if report.credentials is not Credentials.SIDECAR:
        return report.media_type, None
    if not isinstance(source, Path):
        return "the sidecar of an in-memory asset is not available"
    sidecar = source.with_suffix(SIDECAR_SUFFIX)
    try:
        with sidecar.open("rb") as fh:
            data = fh.read(max_size + 1)
    except OSError as exc:
        return f"cannot read the sidecar {sidecar.name}: {exc.strerror or exc}"
    if len(data) > max_size:
        return f"the sidecar {sidecar.name} is over max_size"
    return report.media_type, data


def thumbnails_of(
    report: Report,
    source: Source | None,
    reader: ResourceReader,
    limits: VisualLimits = DEFAULT_VISUAL_LIMITS,
    max_size: int = DEFAULT_LIMITS.max_size,
) -> tuple[dict[str, Picture], dict[tuple[str, int], Picture], tuple[str, ...]]:
    """The claim and ingredient thumbnails of the store the report came from."""
    if source is None or report.credentials not in (Credentials.EMBEDDED, Credentials.SIDECAR):
        return {}, {}, ()
    how = _store_input(report, source, max_size)
    if isinstance(how, str):
        return {}, {}, (f"thumbnails not shown: {how}",)
    mime, manifest_data = how
    found: list[ThumbnailIndex] = []

    def select(store: Mapping[str, Any]) -> Iterable[str]:
        found.append(index_thumbnails(store))
        return found[0].order[: limits.max_thumbnails]

    read = reader.read(source, mime, select, limits.max_thumbnail_bytes, manifest_data)
    if read.kind is not ReadKind.MANIFEST or not found:
        return {}, {}, (f"thumbnails not shown: {read.message or 'the store could not be read'}",)
    index = found[0]
    notes: list[str] = []
    skipped = len(index.order) - limits.max_thumbnails
    if skipped > 0:
        notes.append(
            f"{skipped} more thumbnail(s) not shown (max_thumbnails={limits.max_thumbnails})"
        )
    pictures: dict[str, Picture] = {}
    for identifier, data in read.resources.items():
        picture = downscale(data, limits.thumbnail_size, limits.max_pixels)
        if isinstance(picture, Picture):
            pictures[identifier] = picture
        else:
            notes.append(f"thumbnail {identifier} not shown: {picture.reason}")
    notes.extend(f"thumbnail {ident} not shown: {why}" for ident, why in read.failed.items())
    manifests = {label: pictures[i] for label, i in index.manifests.items() if i in pictures}
    ingredients = {key: pictures[i] for key, i in index.ingredients.items() if i in pictures}
    return manifests, ingredients, tuple(notes)


def collect_visuals(
    report: Report,
    source: Source | None,
    reader: ResourceReader | None,
    limits: VisualLimits = DEFAULT_VISUAL_LIMITS,
    max_size: int = DEFAULT_LIMITS.max_size,
) -> AssetVisuals:
    """Preview and thumbnails for one checked asset (`source` is what was checked)."""
    preview = preview_of(report, source, limits)
    if reader is None:
        return AssetVisuals(preview)
    manifests, ingredients, notes = thumbnails_of(report, source, reader, limits, max_size)
    return AssetVisuals(preview, manifests, ingredients, notes)
