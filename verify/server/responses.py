"""A report as an HTTP answer: its status code and its body (the CLI's JSON)."""

from __future__ import annotations

from ..reader import ErrorKind
from ..report import Report
from ..serialize import report_to_json

#: The status for a report, by its error kind. An asset that was read and found
#: unreadable or malformed is a verdict (200); one that was not checked is not.
STATUS_BY_ERROR: dict[ErrorKind | None, int] = {
    None: 200,
    ErrorKind.UNREADABLE: 200,
    ErrorKind.MALFORMED: 200,
    ErrorKind.UNSUPPORTED: 415,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.TIMEOUT: 504,
    ErrorKind.CRASHED: 500,
    ErrorKind.INTERNAL: 500,
}


def status_for(report: Report) -> int:
    """The HTTP status that answers with this report."""
    return STATUS_BY_ERROR[report.error.kind if report.error is not None else None]


def report_body(report: Report) -> bytes:
    """The report as one line of ASCII JSON, exactly as `check -f jsonl` writes it."""
    return report_to_json(report).encode("ascii")
