"""A signal: one finding about an asset's origin outside (or beside) the C2PA declaration.

Detectors (`verify.detectors`) turn bytes into signals; the combination policy
(`verify.combine`) ranks them against the C2PA declaration by their basis.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .declaration import Basis, Origin


class DetectorName(StrEnum):
    """Who found a signal (the report's `signals[].detector`)."""

    XMP = "xmp"
    IPTC = "iptc"
    GENERATOR_METADATA = "generator_metadata"
    WATERMARK = "watermark"
    SOFT_BINDING = "soft_binding"


@dataclass(frozen=True)
class Signal:
    """One finding: which detector, which field, its value and how much it is worth.

    `origin` is what the finding says about the asset's origin on its own, or None when
    it says nothing about it (a remote-manifest URL, a soft binding, a prompt writer).
    Heuristic signals only ever say "AI"; absence of a signal means nothing.
    """

    detector: DetectorName
    #: The field as it is usually written (`Iptc4xmpExt:DigitalSourceType`, `png:parameters`).
    field: str
    value: str
    basis: Basis
    origin: Origin | None = None
    #: The tool or model the finding names, if any (joins `declaration.ai_tools`).
    tool: str | None = None
    #: Indicative only: names a generator or "possibly AI", without declaring the kind.
    weak: bool = False
    #: Where in the file it was found (`JPEG APP1 XMP`, `PNG tEXt`).
    source: str = ""
    #: One sentence for people.
    detail: str | None = None
    #: The combined declaration rests on this signal.
    decisive: bool = False


def cut(text: str, limit: int) -> str:
    """Shorten attacker-controlled text to `limit` characters, with an ellipsis."""
    return text if len(text) <= limit else text[:limit] + "…"
