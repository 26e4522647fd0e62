"""Write the HTML report as reports arrive, in bounded memory.

The page needs every report before its first asset section (the summary comes first), but
the sections carry pictures: they are rendered one by one as reports arrive and spooled to
a temporary file, and only the summary rows stay in memory. :meth:`HtmlWriter.finish`
writes the page. Pictures are collected here, after the check, so JSON and JSONL never pay
for them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from markupsafe import Markup

from .limits import DEFAULT_LIMITS
from .reader import ResourceReader, version_text
from .render_html import RunInfo, SummaryRow, generate_page, render_asset, summary_row
from .report import Report
from .visuals import DEFAULT_VISUAL_LIMITS, Source, VisualLimits, collect_visuals

_CHUNK = 1 << 20
#: Sections are kept in memory up to this size, then spooled to disk.
_SPOOL_IN_MEMORY = 8 << 20


def run_now(trust_lists: tuple[str, ...] = (), *, allow_network: bool = False) -> RunInfo:
    """How this check is run, stamped with the current local time and our versions."""
    return RunInfo(
        generated_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        tool=version_text(),
        trust_anchors=trust_lists,
        allow_network=allow_network,
    )


@dataclass(frozen=True)
class PageOptions:
    """How the HTML report is made: the run it describes and the limits for its pictures."""

    run: RunInfo = field(default_factory=run_now)
    limits: VisualLimits = DEFAULT_VISUAL_LIMITS
    #: Thumbnails of remote manifests are fetched only when the check itself may go online.
    allow_network: bool = False
    #: Largest sidecar (.c2pa) read for thumbnails, as for the check.
    max_size: int = DEFAULT_LIMITS.max_size
    #: The bytes checked as `-` (standard input), to preview them too.
    stdin: bytes | None = None


def source_for(report: Report, stdin: bytes | None = None) -> Source | None:
    """What a report was made from: the bytes of `-`, or the file if it is still the same."""
    if report.path == "-":
        return stdin if stdin is not None and len(stdin) == report.size else None
    if report.size is None:
        return None
    path = Path(report.path)
    try:
        same = path.stat().st_size == report.size
    except OSError:
        return None
    return path if same else None


class HtmlWriter:
    """Collects reports and writes one self-contained HTML page on :meth:`finish`."""

    def __init__(self, out: IO[str], options: PageOptions | None = None) -> None:
        options = options or PageOptions()
        self.out = out
        self.run = options.run
        self.limits = options.limits
        self.max_size = options.max_size
        self.stdin = options.stdin
        self.rows: list[SummaryRow] = []
        self._reader = ResourceReader(allow_network=options.allow_network)
        self._spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in finish()
            max_size=_SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
        )

    def write(self, report: Report, source: Source | None = None) -> None:
        """Add one asset; `source` is what was checked (default: the file at `report.path`)."""
        number = len(self.rows) + 1
        picked = source if source is not None else source_for(report, self.stdin)
        visuals = collect_visuals(report, picked, self._reader, self.limits, self.max_size)
        self._spool.write(render_asset(number, report, visuals))
        self.rows.append(summary_row(number, report))

    def _sections(self) -> Iterator[Markup]:
        self._spool.seek(0)
        while chunk := self._spool.read(_CHUNK):
            yield Markup(chunk)

    def finish(self) -> None:
        try:
            for part in generate_page(self.rows, self._sections(), self.run):
                self.out.write(part)
        finally:
            self._spool.close()
        self.out.flush()
