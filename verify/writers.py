"""Output formats: each writes a stream of reports to a text file as they arrive.

text, json and html are for people and single documents (the CLI keeps them in input
order); jsonl and csv are for pipelines: one record per line, written as each report
completes (the CLI flushes whenever it waits for the next result, and at the end). text
is drawn in colour (`rich`) when it goes to a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import IO, TYPE_CHECKING, NamedTuple, Protocol

from .outcome import Counted, FailOn, counted
from .render_csv import csv_header, report_to_csv_line
from .render_text import render_report
from .report import Report
from .serialize import report_to_json

if TYPE_CHECKING:
    from .html_report import PageOptions


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    HTML = "html"

    @property
    def streams(self) -> bool:
        """Whether records go out as they complete (else in input order)."""
        return self in (OutputFormat.JSONL, OutputFormat.CSV)


class Record(NamedTuple):
    """A report as a streaming format's line, with the facts the batch parent counts.

    Made in the worker (`LineRender`): the parent writes the line and counts the facts,
    and never unpickles or serializes the report itself.
    """

    line: str
    facts: Counted


@dataclass(frozen=True)
class LineRender:
    """Report -> Record for jsonl or csv: the worker pool's `render` for batch runs."""

    fmt: OutputFormat
    fail_on: frozenset[FailOn]

    def __post_init__(self) -> None:
        if not self.fmt.streams:
            raise ValueError(f"{self.fmt.value} is not written a line per record")

    def __call__(self, report: Report) -> Record:
        return Record(record_line(self.fmt, report), counted(report, self.fail_on))


def record_line(fmt: OutputFormat, report: Report) -> str:
    """One report as a streaming format's line (jsonl or csv), newline included."""
    if fmt is OutputFormat.JSONL:
        return report_to_json(report) + "\n"
    return report_to_csv_line(report)


class ReportWriter(Protocol):
    def write(self, report: Report) -> None: ...

    def finish(self) -> None: ...


class TextWriter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.first = True

    def write(self, report: Report) -> None:
        self.out.write(("" if self.first else "\n") + render_report(report))
        self.first = False

    def finish(self) -> None:
        self.out.flush()


class JsonWriter:
    """One object for a single input, otherwise an array (written as it goes)."""

    def __init__(self, out: IO[str], single: bool) -> None:
        self.out = out
        self.single = single
        self.first = True
        if not single:
            out.write("[")

    def write(self, report: Report) -> None:
        text = report_to_json(report, indent=2)
        if not self.single:
            text = ("\n" if self.first else ",\n") + text
        self.out.write(text)
        self.first = False

    def finish(self) -> None:
        if self.single:
            self.out.write("\n")
        else:
            self.out.write("]\n" if self.first else "\n]\n")
        self.out.flush()


class JsonlWriter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, report: Report) -> None:
        self.out.write(record_line(OutputFormat.JSONL, report))

    def write_line(self, line: str) -> None:
        """A record already rendered (`LineRender`)."""
        self.out.write(line)

    def finish(self) -> None:
        self.out.flush()


class CsvWriter:
    def __init__(self, out: IO[str], header: bool = True) -> None:
        self.out = out
        if header:
            out.write(csv_header())

    def write(self, report: Report) -> None:
        self.out.write(record_line(OutputFormat.CSV, report))

    def write_line(self, line: str) -> None:
        """A record already rendered (`LineRender`)."""
        self.out.write(line)

    def finish(self) -> None:
        self.out.flush()


def make_writer(
    fmt: OutputFormat,
    out: IO[str],
    *,
    single: bool = False,
    header: bool = True,
    terminal: bool = False,
    page: PageOptions | None = None,
) -> ReportWriter:
    """The writer for a format.

    `single` (json): one object; `header` (csv): a header line; `terminal` (text): the
    colour view; `page` (html): how the page is made (default options when None).
    """
    # rich's tree and jinja2 with Pillow load only for the formats that use them.
    if fmt is OutputFormat.TEXT and terminal:
        from .render_rich import RichWriter

        return RichWriter(out)
    if fmt is OutputFormat.TEXT:
        return TextWriter(out)
    if fmt is OutputFormat.HTML:
        from .html_report import HtmlWriter, PageOptions

        return HtmlWriter(out, page or PageOptions())
    if fmt is OutputFormat.JSON:
        return JsonWriter(out, single)
    return make_line_writer(fmt, out, header=header)


def make_line_writer(
    fmt: OutputFormat, out: IO[str], *, header: bool = True
) -> JsonlWriter | CsvWriter:
    """The writer for a streaming format (jsonl, csv), which also takes rendered lines."""
    if fmt is OutputFormat.JSONL:
        return JsonlWriter(out)
    if fmt is OutputFormat.CSV:
        return CsvWriter(out, header)
    raise ValueError(f"{fmt.value} is not written a line per record")
