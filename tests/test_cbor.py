"""The bounded CBOR decoder: RFC 8949 examples, and every malformed input is a CborError."""

from __future__ import annotations

import pytest

from verify import cbor
from verify.cbor import CborError, Simple, Tagged


@pytest.mark.parametrize(
    ("hex_", "value"),
    [
        ("00", 0),
        ("17", 23),
        ("1818", 24),
        ("1903e8", 1000),
        ("1a000f4240", 1000000),
        ("1b000000e8d4a51000", 1000000000000),
        ("20", -1),
        ("3903e7", -1000),
        ("f90000", 0.0),
        ("f93c00", 1.0),
        ("fa47c35000", 100000.0),
        ("fb3ff199999999999a", 1.1),
        ("f4", False),
        ("f5", True),
        ("f6", None),
        ("f7", None),
        ("f0", Simple(16)),
        ("f8ff", Simple(255)),
        ("40", b""),
        ("4401020304", b"\x01\x02\x03\x04"),
        ("6161", "a"),
        ("62c3bc", "\u00fc"),
        ("83010203", [1, 2, 3]),
        ("a201020304", {1: 2, 3: 4}),
        ("a26161016162820203", {"a": 1, "b": [2, 3]}),
        ("c11a514b67b0", Tagged(1, 1363896240)),
        ("5f42010243030405ff", b"\x01\x02\x03\x04\x05"),
        ("7f657374726561646d696e67ff", "streaming"),
        ("9f018202039f0405ffff", [1, [2, 3], [4, 5]]),
        ("bf61610161629f0203ffff", {"a": 1, "b": [2, 3]}),
    ],
)
def test_rfc8949_examples(hex_: str, value: object) -> None:
    """The RFC 8949 Appendix A examples decode to the expected values."""
    assert cbor.decode(bytes.fromhex(hex_)) == value


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "needs 1 bytes"),
        (bytes.fromhex("1a0000"), "needs 4 bytes"),
        (bytes.fromhex("5a7fffffff00"), "needs 2147483647 bytes"),
        (bytes.fromhex("9b00000000ffffffff"), "declares 4294967295 items"),
        (bytes.fromhex("1c"), "reserved additional information"),
        (bytes.fromhex("ff"), "unexpected break"),
        (bytes.fromhex("62c328"), "not UTF-8"),
        (bytes.fromhex("a1810102"), "map key that is an array"),
        (bytes.fromhex("0000"), "1 bytes after the data item"),
        (bytes.fromhex("fc"), "reserved simple"),
        (bytes.fromhex("5f6161ff"), "chunk of another type"),
        (bytes.fromhex("3f"), "indefinite length where a number"),
    ],
)
def test_malformed_input_is_a_cbor_error(data: bytes, why: str) -> None:
    """Truncation, lying lengths, reserved values and bad keys raise CborError with a reason."""
    with pytest.raises(CborError, match=why):
        cbor.decode(data)


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    """Arrays nested past max_depth raise instead of recursing without end."""
    deep = b"\x81" * 40 + b"\x00"
    with pytest.raises(CborError, match="nested deeper"):
        cbor.decode(deep)
    assert cbor.decode(b"\x81" * 3 + b"\x00", max_depth=3) == [[[0]]]


def test_item_count_limit() -> None:
    """More data items than max_items is refused."""
    data = b"\x98\x64" + b"\x00" * 100
    assert len(cbor.decode(data)) == 100  # type: ignore[arg-type]
    with pytest.raises(CborError, match="too many data items"):
        cbor.decode(data, max_items=50)


def test_trailing_bytes_allowed_on_request() -> None:
    """A padded signature box decodes with allow_trailing=True."""
    assert cbor.decode(b"\x01\x00\x00", allow_trailing=True) == 1
