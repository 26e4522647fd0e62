"""Build CBOR, COSE_Sign1 and JUMBF bytes for tests (the inverse of what verify reads)."""

from __future__ import annotations

import struct
import uuid
from collections.abc import Sequence
from typing import Any

from verify.cbor import Tagged

C2PA_UUID = uuid.UUID("63327061-0011-0010-8000-00aa00389b71").bytes  # content type is not read


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        try:
            return bytes([major << 5 | info]) + struct.pack(fmt, arg)
        except struct.error:
            continue
    raise ValueError(arg)


def cbor(value: Any) -> bytes:
    """Definite-length CBOR for the types the verifier reads."""
    if isinstance(value, bool):
        return b"\xf5" if value else b"\xf4"
    if value is None:
        return b"\xf6"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode()
        return _head(3, len(raw)) + raw
    if isinstance(value, list | tuple):
        return _head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    if isinstance(value, Tagged):
        return _head(6, value.tag) + cbor(value.value)
    raise TypeError(type(value))


def sign1(
    protected: dict[Any, Any], unprotected: dict[Any, Any], signature: bytes = b"sig"
) -> bytes:
    """A tagged COSE_Sign1 with a detached payload."""
    return cbor(Tagged(18, [cbor(protected), unprotected, None, signature]))


def box(kind: str, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind.encode("latin-1")) + payload


def superbox(label: str, children: Sequence[bytes]) -> bytes:
    """A `jumb` superbox with a labelled description box."""
    description = box("jumd", C2PA_UUID + bytes([0x03]) + label.encode() + b"\0")
    return box("jumb", description + b"".join(children))


def manifest(
    label: str, signature: bytes | None, assertions: Sequence[str] = ("c2pa.actions.v2",)
) -> bytes:
    parts = [superbox("c2pa.assertions", [superbox(a, [box("cbor", b"\xa0")]) for a in assertions])]
    if signature is not None:
        parts.append(superbox("c2pa.signature", [box("cbor", signature)]))
    return superbox(label, parts)


def store(*manifests: bytes) -> bytes:
    return superbox("c2pa", manifests)
