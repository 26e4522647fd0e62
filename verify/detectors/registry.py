"""The one place detectors are registered, and the loop that runs them."""

from __future__ import annotations

from ..limits import Limits
from ..signal import Signal, cut
from .base import NOTHING, Detection, Detector
from .generator import GeneratorMetadataDetector
from .iptc import IptcIimDetector
from .watermark import WatermarkDetector
from .xmp import XmpDetector

#: Every byte detector, in the order their signals are reported.
DETECTORS: tuple[Detector, ...] = (
    XmpDetector(),
    IptcIimDetector(),
    GeneratorMetadataDetector(),
    WatermarkDetector(),
)


def applicable(
    media_type: str | None, watermarks: bool = False, detectors: tuple[Detector, ...] = DETECTORS
) -> list[Detector]:
    """The detectors that read this media type (costly ones only when asked)."""
    if media_type is None:
        return []
    return [
        d for d in detectors if media_type in d.media_types and (watermarks or not d.on_request)
    ]


def run_detectors(
    data: bytes,
    media_type: str | None,
    limits: Limits,
    *,
    watermarks: bool = False,
    detectors: tuple[Detector, ...] = DETECTORS,
) -> Detection:
    """Every applicable detector over `data`; a failing detector costs only its own signals."""
    chosen = applicable(media_type, watermarks, detectors)
    if not chosen or media_type is None:
        return NOTHING
    signals: list[Signal] = []
    notes: list[str] = []
    for detector in chosen:
        try:
            found = detector.detect(data, media_type, limits)
        except Exception as exc:  # a bug in a detector must not lose the report
            notes.append(
                f"the {detector.name.value} detector failed"
                f" ({type(exc).__name__}: {cut(str(exc), 200)});"
                " its signals are missing (this is a bug)"
            )
            continue
        signals.extend(found.signals)
        notes.extend(found.notes)
    return Detection(tuple(signals), tuple(notes))
