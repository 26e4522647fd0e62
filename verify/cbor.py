"""A small, bounded CBOR decoder (RFC 8949) for the signature parts we read ourselves.

The input is attacker-controlled: every length is checked against the bytes that are
left before anything is allocated, nesting depth and the number of items are capped,
and every problem is a :class:`CborError` (never another exception).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

#: Nesting deeper than this is refused (COSE needs 4).
MAX_DEPTH = 16
#: More data items than this in one document is refused.
MAX_ITEMS = 100_000

_BREAK = object()


class CborError(ValueError):
    """The bytes are not well-formed CBOR, or exceed a limit."""


@dataclass(frozen=True)
class Tagged:
    """A tagged item (major type 6), e.g. COSE_Sign1 is tag 18."""

    tag: int
    value: object


@dataclass(frozen=True)
class Simple:
    """An unassigned simple value (major type 7)."""

    value: int


class _Decoder:
    def __init__(self, data: bytes, max_depth: int, max_items: int) -> None:
        self.data = data
        self.pos = 0
        self.max_depth = max_depth
        self.items_left = max_items

    def take(self, n: int) -> bytes:
        if n < 0 or n > len(self.data) - self.pos:
            raise CborError(f"needs {n} bytes at offset {self.pos}, only {self.left} left")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    @property
    def left(self) -> int:
        return len(self.data) - self.pos

    def argument(self, info: int) -> int | None:
        """The head's argument; None for indefinite length (info 31)."""
        if info < 24:
            return info
        if info == 24:
            return self.take(1)[0]
        if info == 25:
            return int(struct.unpack(">H", self.take(2))[0])
        if info == 26:
            return int(struct.unpack(">I", self.take(4))[0])
        if info == 27:
            return int(struct.unpack(">Q", self.take(8))[0])
        if info == 31:
            return None
        raise CborError(f"reserved additional information {info} at offset {self.pos - 1}")

    def item(self, depth: int) -> object:
        if depth > self.max_depth:
            raise CborError(f"nested deeper than {self.max_depth}")
        self.items_left -= 1
        if self.items_left < 0:
            raise CborError("too many data items")
        head = self.take(1)[0]
        major, info = head >> 5, head & 0x1F
        if major == 7:
            return self.simple(info)
        arg = self.argument(info)
        if major == 0:
            return self.definite(arg)
        if major == 1:
            return -1 - self.definite(arg)
        if major in (2, 3):
            return self.string(major, arg, depth)
        if major == 4:
            return self.array(arg, depth)
        if major == 5:
            return self.map(arg, depth)
        return Tagged(self.definite(arg), self.item(depth + 1))

    @staticmethod
    def definite(arg: int | None) -> int:
        if arg is None:
            raise CborError("indefinite length where a number is required")
        return arg

    def string(self, major: int, arg: int | None, depth: int) -> bytes | str:
        if arg is None:
            chunks: list[bytes] = []
            while True:
                chunk = self.item(depth + 1)
                if chunk is _BREAK:
                    break
                if major == 2 and isinstance(chunk, bytes):
                    chunks.append(chunk)
                elif major == 3 and isinstance(chunk, str):
                    chunks.append(chunk.encode())
                else:
                    raise CborError("an indefinite string holds a chunk of another type")
            raw = b"".join(chunks)
        else:
            raw = self.take(arg)
        if major == 2:
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CborError(f"text string is not UTF-8: {exc}") from exc

    def count(self, arg: int) -> int:
        # Every item takes at least one byte: a count beyond what is left is a lie.
        if arg > self.left:
            raise CborError(f"declares {arg} items with only {self.left} bytes left")
        return arg

    def array(self, arg: int | None, depth: int) -> list[object]:
        out: list[object] = []
        if arg is None:
            while (value := self.item(depth + 1)) is not _BREAK:
                out.append(value)
            return out
        for _ in range(self.count(arg)):
            out.append(self.value(depth + 1))
        return out

    def map(self, arg: int | None, depth: int) -> dict[object, object]:
        out: dict[object, object] = {}
        remaining = None if arg is None else self.count(arg)
        while remaining is None or remaining > 0:
            key = self.item(depth + 1)
            if key is _BREAK:
                if remaining is None:
                    break
                raise CborError("break inside a definite map")
            try:
                hash(key)
            except TypeError as exc:
                raise CborError("a map key that is an array or a map") from exc
            out[key] = self.value(depth + 1)
            if remaining is not None:
                remaining -= 1
        return out

    def value(self, depth: int) -> object:
        found = self.item(depth)
        if found is _BREAK:
            raise CborError("unexpected break")
        return found

    def simple(self, info: int) -> object:
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):  # null, undefined
            return None
        if info == 24:
            return Simple(self.take(1)[0])
        if info == 25:
            return float(struct.unpack(">e", self.take(2))[0])
        if info == 26:
            return float(struct.unpack(">f", self.take(4))[0])
        if info == 27:
            return float(struct.unpack(">d", self.take(8))[0])
        if info == 31:
            return _BREAK
        if info < 20:
            return Simple(info)
        raise CborError(f"reserved simple value {info}")


def decode(
    data: bytes,
    *,
    allow_trailing: bool = False,
    max_depth: int = MAX_DEPTH,
    max_items: int = MAX_ITEMS,
) -> object:
    """Decode one CBOR data item.

    Maps become dicts, arrays lists, byte strings bytes, tags :class:`Tagged`.
    `allow_trailing` accepts bytes after the item (a signature box may be padded).
    """
    decoder = _Decoder(data, max_depth, max_items)
    found = decoder.value(0)
    if not allow_trailing and decoder.left:
        raise CborError(f"{decoder.left} bytes after the data item")
    return found
