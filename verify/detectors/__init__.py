"""Signal detectors: declarations outside C2PA (XMP, generator metadata, watermarks).

Each detector is a module of its own behind :class:`~verify.detectors.base.Detector`
(a name, the media types it reads, bytes in and signals out), registered in
:mod:`verify.detectors.registry`. C2PA soft bindings are read from the parsed manifest
store instead (:mod:`verify.detectors.soft_binding`).
"""

from __future__ import annotations

from .base import NOTHING, Detection, Detector
from .registry import DETECTORS, applicable, run_detectors

__all__ = ["DETECTORS", "NOTHING", "Detection", "Detector", "applicable", "run_detectors"]
