"""Walk a C2PA manifest store's JUMBF boxes (ISO 19566-5) to each manifest's parts.

Only what the trust checks need: each manifest's `c2pa.signature` content (the
COSE_Sign1 bytes) and the labels of its assertions. The bytes are attacker-controlled:
box sizes are checked against their parent, the number of boxes is capped, and only the
fixed levels of a store (store, manifest, assertion store, assertion) are walked.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

MAX_BOXES = 20_000

_SIGNATURE_LABEL = "c2pa.signature"
_ASSERTIONS_LABEL = "c2pa.assertions"
_LABEL_PRESENT = 0x02


class JumbfError(ValueError):
    """The bytes are not a well-formed JUMBF box tree, or exceed a limit."""


@dataclass(frozen=True)
class ManifestParts:
    """What one manifest's superbox holds, as far as the trust checks need it."""

    label: str
    #: The content of the `c2pa.signature` box (a COSE_Sign1), if present.
    signature: bytes | None
    #: Labels of the assertion boxes (`c2pa.actions.v2`, `c2pa.certificate-status`, ...).
    assertion_labels: tuple[str, ...]


@dataclass(frozen=True)
class _Box:
    kind: str
    start: int  # first byte of the payload
    end: int  # one past the last byte


@dataclass(frozen=True)
class _Super:
    """A `jumb` superbox: its label and the boxes after its description box."""

    label: str | None
    children: tuple[_Box, ...]


class _Walker:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.boxes_left = MAX_BOXES

    def boxes(self, start: int, end: int) -> Iterator[_Box]:
        pos = start
        while pos < end:
            if end - pos < 8:
                raise JumbfError(f"{end - pos} stray bytes at offset {pos}")
            self.boxes_left -= 1
            if self.boxes_left < 0:
                raise JumbfError("too many boxes")
            size, kind = struct.unpack(">I4s", self.data[pos : pos + 8])
            header = 8
            if size == 1:
                if end - pos < 16:
                    raise JumbfError(f"truncated large box header at offset {pos}")
                size = struct.unpack(">Q", self.data[pos + 8 : pos + 16])[0]
                header = 16
            elif size == 0:
                size = end - pos
            if size < header or size > end - pos:
                raise JumbfError(f"box size {size} at offset {pos} does not fit its parent")
            yield _Box(kind.decode("latin-1"), pos + header, pos + size)
            pos += size

    def superbox(self, box: _Box) -> _Super:
        children = list(self.boxes(box.start, box.end))
        if not children or children[0].kind != "jumd":
            raise JumbfError(f"superbox at offset {box.start} has no description box")
        desc = self.data[children[0].start : children[0].end]
        if len(desc) < 17:
            raise JumbfError("description box too short")
        label = None
        if desc[16] & _LABEL_PRESENT:
            raw, nul, _ = desc[17:].partition(b"\0")
            if not nul:
                raise JumbfError("description label is not terminated")
            label = raw.decode("utf-8", errors="replace")
        return _Super(label, tuple(children[1:]))


def store_manifests(store: bytes) -> tuple[ManifestParts, ...]:
    """Every manifest of a manifest store superbox (label `c2pa`), in store order.

    Raises :class:`JumbfError` when the boxes are malformed or over a limit.
    """
    walker = _Walker(store)
    top = next(walker.boxes(0, len(store)), None)
    if top is None or top.kind != "jumb":
        raise JumbfError("not a JUMBF superbox")
    out: list[ManifestParts] = []
    for box in walker.superbox(top).children:
        if box.kind == "jumb":
            manifest = walker.superbox(box)
            if manifest.label is not None:
                out.append(_parts(walker, manifest.label, manifest))
    return tuple(out)


def _parts(walker: _Walker, label: str, manifest: _Super) -> ManifestParts:
    signature = None
    labels: list[str] = []
    for child in manifest.children:
        if child.kind != "jumb":
            continue
        sup = walker.superbox(child)
        if sup.label == _SIGNATURE_LABEL:
            content = [b for b in sup.children if b.kind == "cbor"]
            if content:
                signature = walker.data[content[0].start : content[0].end]
        elif sup.label == _ASSERTIONS_LABEL:
            for assertion in sup.children:
                if assertion.kind == "jumb":
                    inner = walker.superbox(assertion)
                    if inner.label is not None:
                        labels.append(inner.label)
    return ManifestParts(label, signature, tuple(labels))
