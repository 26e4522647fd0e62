"""CSV view of reports: one row per input, fixed columns, safe to open in a spreadsheet.

The columns are an interface (spreadsheets and scripts address them by name): new columns
are only ever appended. Lists are joined with "; ". Any value a spreadsheet would run as a
formula (starting with = + - @, a tab or a carriage return) is prefixed with a single
quote, as OWASP recommends; file names and manifest strings come from untrusted uploads.
Newlines, control and bidi characters are escaped as in the text view (`\\n`, `\\u001b`),
so that every record is one physical line and a terminal showing the file runs no escape
sequence; undecodable bytes of file names read `\\xff`.
"""

from __future__ import annotations

import csv
import io

from .report import Report
from .textsafe import one_line

COLUMNS: tuple[str, ...] = (
    "index",
    "path",
    "size",
    "sha256",
    "media_type",
    "credentials",
    "remote_url",
    "validation_state",
    "integrity",
    "signer_trust",
    "signer_organization",
    "signer_common_name",
    "signer_issuer",
    "signed_at",
    "origin",
    "declares_ai",
    "basis",
    "ai_tools",
    "failures",
    "error_kind",
    "error_message",
    "notes",
    "schema_version",
    "conflict",
    "signals",
    "limits_hit",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
LIST_SEPARATOR = "; "


def escape_cell(value: str) -> str:
    """Neutralise a value a spreadsheet would evaluate as a formula.

    Leading spaces are looked through (some spreadsheets skip them), and the full-width
    forms of the formula characters count too (some spreadsheets fold them).
    """
    return "'" + value if value.lstrip(" ").startswith(_FORMULA_START) else value


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape_cell(one_line(value))


def report_row(report: Report) -> list[str]:
    """The report's cells, in COLUMNS order."""
    signer = report.signer
    decl = report.declaration
    error = report.error
    values: dict[str, object] = {
        "index": report.index,
        "path": report.path,
        "size": report.size,
        "sha256": report.sha256,
        "media_type": report.media_type,
        "credentials": report.credentials.value,
        "remote_url": report.remote_url,
        "validation_state": report.validation.state.value if report.validation.state else None,
        "integrity": report.integrity.value,
        "signer_trust": signer.trust.value if signer else None,
        "signer_organization": signer.organization if signer else None,
        "signer_common_name": signer.common_name if signer else None,
        "signer_issuer": signer.issuer if signer else None,
        "signed_at": signer.signed_at if signer else None,
        "origin": decl.origin.value,
        "declares_ai": decl.declares_ai,
        "basis": decl.basis.value,
        "ai_tools": LIST_SEPARATOR.join(decl.ai_tools),
        "failures": LIST_SEPARATOR.join(report.validation.failures),
        "error_kind": error.kind.value if error else None,
        "error_message": error.message if error else None,
        "notes": LIST_SEPARATOR.join(report.notes),
        "schema_version": report.schema_version,
        "conflict": decl.conflict,
        "signals": LIST_SEPARATOR.join(f"{s.detector.value} {s.field}" for s in report.signals),
        "limits_hit": LIST_SEPARATOR.join(report.limits_hit),
    }
    return [_text(values[c]) for c in COLUMNS]


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def csv_header() -> str:
    """The header line (CRLF-terminated, as RFC 4180 has it)."""
    return _line(list(COLUMNS))


def report_to_csv_line(report: Report) -> str:
    """One CSV record for one report."""
    return _line(report_row(report))
