"""The detector interface: a name, the media types it reads, bytes in and signals out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from ..limits import Limits
from ..signal import DetectorName, Signal


@dataclass(frozen=True)
class Detection:
    """What one or more detectors found in one file: signals, and notes for people."""

    signals: tuple[Signal, ...] = ()
    notes: tuple[str, ...] = ()


NOTHING = Detection()


class Detector(Protocol):
    """Reads one kind of declaration from a file's bytes.

    A detector is pure over its input (no I/O, no global state), never raises on
    content (bad input yields no signal, perhaps a note), and is cheap when there is
    nothing to find: it looks at the container's structure before decoding anything.
    """

    #: The name in the report's `signals[].detector`.
    name: DetectorName
    #: Media types (as `verify.media.detect` spells them) the detector reads.
    media_types: frozenset[str]
    #: Costly detectors run only when asked (the watermark decoder: `--watermarks`).
    on_request: bool

    def detect(self, data: bytes, media_type: str, limits: Limits) -> Detection:
        """Signals in `data`, which is the file (or its first `limits.max_signal_bytes`)."""
        ...


def parse_json(text: str, max_bytes: int) -> Any:
    """A JSON document from metadata text, or None when it is not JSON (or too large).

    `json` recurses on nesting, so a hostile document can hit the recursion limit:
    that is "not JSON" too.
    """
    if len(text) > max_bytes:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None
