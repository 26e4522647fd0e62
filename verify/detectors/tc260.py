"""China's implicit AIGC label (GB 45438-2025, TC260): a small JSON document.

The same document is carried in XMP (`TC260:AIGC`), in a PNG text chunk with keyword
`AIGC`, and in EXIF UserComment or ImageDescription. It comes flat,
`{"Label": "1", "ContentProducer": ..., "ProduceID": ...}`, or wrapped as in the
standard's Annex E, `{"AIGC": {"Label": "1", ...}}`.

`ContentProducer` is the code of the company that produced the content (a unified
social credit code or a platform code), not the name of an AI tool: it is kept as
evidence in the detail, never reported as a tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..signal import cut
from .base import parse_json

#: The keyword of the PNG text chunk generators put the label in.
PNG_KEYWORD = "AIGC"
#: `Label`: 1 = AI-generated/synthesised, 2 = possibly, 3 = suspected -> (meaning, weak).
LABELS: dict[str, tuple[str, bool]] = {
    "1": ("AI-generated or synthesised", False),
    "2": ("possibly AI-generated", True),
    "3": ("suspected AI-generated", True),
}
#: Keys of the label document besides `Label` (any one of them marks the shape).
_KEYS = frozenset({"ContentProducer", "ProduceID", "ContentPropagator", "PropagateID"})


@dataclass(frozen=True)
class Label:
    """A parsed label: its code (None when missing or not 1-3) and its producer."""

    code: str | None
    producer: str | None

    @property
    def weak(self) -> bool:
        return self.code is None or LABELS[self.code][1]

    def detail(self) -> str:
        """One sentence for people, the producer's code as evidence."""
        if self.code is None:
            return "a TC260 implicit label whose Label field is missing or not 1, 2 or 3"
        text = f"TC260 implicit label (GB 45438-2025) Label={self.code}: {LABELS[self.code][0]}"
        if self.producer:
            text += f"; content producer code {self.producer}"
        return text


def _fields(doc: Any) -> dict[str, Any] | None:
    if not isinstance(doc, dict):
        return None
    inner = doc.get("AIGC")
    return inner if isinstance(inner, dict) else doc


def read_label(value: str, max_bytes: int, max_string: int) -> Label:
    """The label in `value` (flat or wrapped); code None when it is not a label."""
    fields = _fields(parse_json(value, max_bytes)) or {}
    code = str(fields.get("Label", "")).strip()
    producer = fields.get("ContentProducer")
    return Label(
        code if code in LABELS else None,
        cut(producer.strip(), max_string)
        if isinstance(producer, str) and producer.strip()
        else None,
    )


def looks_like_label(value: str, max_bytes: int) -> bool:
    """A JSON text of the label's shape: wrapped in `AIGC`, or flat with `Label` and
    another of its keys (so that other JSON in a comment field is not taken for one)."""
    if "Label" not in value[:4096] and "AIGC" not in value[:4096]:
        return False
    doc = parse_json(value, max_bytes)
    if isinstance(doc, dict) and isinstance(doc.get("AIGC"), dict):
        return True
    return isinstance(doc, dict) and "Label" in doc and bool(_KEYS & doc.keys())
