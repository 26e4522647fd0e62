"""Explicit, configurable resource limits.

Every limit has a default chosen for untrusted uploads and can be changed by the
caller (CLI flags, library arguments). When a limit is hit the report says so; the
tool never silently drops data without a note.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any

GIB = 1024**3
MIB = 1024**2


def require_positive(limits: Any) -> None:
    """Every field of a limits dataclass must be a positive integer (ValueError otherwise)."""
    for item in fields(limits):
        value = getattr(limits, item.name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"limit {item.name} must be a positive integer, got {value!r}")


@dataclass(frozen=True)
class Limits:
    """Resource limits applied while checking one asset."""

    #: Files larger than this are not read at all (error kind `too_large`).
    max_size: int = GIB
    #: Manifests parsed from one store; the rest are dropped with a note.
    max_manifests: int = 1_000
    #: Actions parsed per manifest.
    max_actions: int = 10_000
    #: Ingredients parsed per manifest.
    max_ingredients: int = 10_000
    #: How deep the policy walks parent/component links (cycles are always cut).
    max_depth: int = 64
    #: Longest string kept from a manifest; longer ones are cut with an ellipsis.
    max_string: int = 4_096
    #: Largest image (width x height) any of our code decodes with Pillow: it becomes
    #: Pillow's `Image.MAX_IMAGE_PIXELS` in every process that checks (decompression
    #: bombs). The check itself never decodes pixels; see `verify/images.py`.
    max_image_pixels: int = 64 * 1024 * 1024
    #: Bytes of a file the signal detectors (XMP, generator metadata, watermark) look at;
    #: of a larger file only the first `max_signal_bytes` are examined, with a note.
    max_signal_bytes: int = 64 * MIB
    #: Largest single metadata item parsed (an XMP packet, a PNG text chunk after
    #: decompression, an EXIF block); larger ones are skipped with a note.
    max_metadata_bytes: int = 4 * MIB
    #: Bytes inflated from the compressed PNG text chunks (zTXt, compressed iTXt) of one
    #: file, by each detector; past it the rest are not inflated, with a note. Only the
    #: keywords a detector reads are inflated at all.
    max_inflate_bytes: int = 16 * MIB
    #: PNG text chunks (tEXt, zTXt, iTXt) looked at in one file; the rest are not, with a
    #: note. Real files have a handful.
    max_text_chunks: int = 512
    #: Largest image (width x height) decoded for the invisible-watermark check. Generated
    #: images are rarely over 4 MP and the mark does not survive resizing; a decode holds
    #: about 23 bytes per pixel at its peak (measured with tracemalloc on a 4 MP PNG).
    max_watermark_pixels: int = 16_000_000

    def __post_init__(self) -> None:
        require_positive(self)


DEFAULT_LIMITS = Limits()

#: The limits a user may set by name (`check --limit NAME=VALUE`).
LIMIT_NAMES: tuple[str, ...] = tuple(Limits.__dataclass_fields__)


def with_overrides(base: Limits, settings: dict[str, int]) -> Limits:
    """`base` with the named limits changed; ValueError names an unknown or bad limit."""
    unknown = sorted(set(settings) - set(LIMIT_NAMES))
    if unknown:
        raise ValueError(
            f"unknown limit {', '.join(unknown)}; the limits are {', '.join(LIMIT_NAMES)}"
        )
    return dataclasses.replace(base, **settings)
