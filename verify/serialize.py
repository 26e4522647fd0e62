"""The one definition of the report's JSON form."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from enum import Enum
from typing import Any

from .report import Report
from .textsafe import valid_unicode

#: Top-level keys in the order they are written (schema_version first, for humans).
_ORDER = (
    "schema_version",
    "index",
    "path",
    "size",
    "sha256",
    "media_type",
    "credentials",
    "remote_url",
    "validation",
    "integrity",
    "integrity_detail",
    "signer",
    "declaration",
    "signals",
    "provenance",
    "error",
    "notes",
    "limits_hit",
)


#: Field names of each dataclass met so far (dataclasses.fields() is slow per call).
_FIELDS: dict[type, tuple[str, ...]] = {}
_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Enum):
        return valid_unicode(value)  # undecodable file-name bytes: `\\xff`, valid JSON text
    if isinstance(value, _SCALARS) and not isinstance(value, Enum):
        return value
    if isinstance(value, Enum):
        return value.value
    kind = type(value)
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, Mapping):
        return {valid_unicode(str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    return value


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON types, keys in a stable order."""
    plain = _plain(report)
    assert isinstance(plain, dict)
    plain["limits_hit"] = list(report.limits_hit)
    return {key: plain[key] for key in _ORDER}


def report_to_json(report: Report, indent: int | None = None) -> str:
    """One JSON document; `indent=None` gives one line (JSONL)."""
    return record_to_json(report_to_dict(report), indent)


def record_to_json(record: Mapping[str, Any], indent: int | None = None) -> str:
    """A record from `report_to_dict` as JSON text, exactly as `report_to_json` writes it."""
    separators = (",", ":") if indent is None else (",", ": ")
    # ensure_ascii keeps control characters and odd code points from attacker-controlled
    # manifest strings escaped, so a record is always exactly one safe line.
    return json.dumps(record, indent=indent, separators=separators, ensure_ascii=True)
