"""Attacker-controlled text made safe to print: one line, no escapes, valid Unicode.

File names and manifest strings come from uploads. A file name on Linux is any bytes but
`/` and NUL; Python gives undecodable bytes back as lone surrogates (U+DC80..U+DCFF),
which no UTF-8 stream can carry. Manifest strings may hold newlines, terminal escape
sequences (ESC, C1 controls) and bidirectional overrides that make a name read backwards.
Every renderer passes such text through these functions (pure; no I/O).
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline (handled apart), DEL, C1 controls, the Unicode line
#: and paragraph separators, and the bidirectional embedding/override/isolate controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _surrogate(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    # A byte that was not UTF-8 (surrogateescape) reads as that byte, as `ls -b` shows it.
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def valid_unicode(text: str) -> str:
    """`text` with lone surrogates spelled out (`\\xff`), so that it encodes as UTF-8."""
    if text.isascii():
        return text
    return _SURROGATE.sub(_surrogate, text)


def one_line(text: object) -> str:
    """Show text on one line: newlines, controls and bidi characters escaped as `\\uXXXX`."""
    value = valid_unicode(str(text))
    value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", value)
