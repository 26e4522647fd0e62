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
from pathlib import Path
from typing import IO

from markupsafe import Markup

from .limits import DEFAULT_LIMITS
from .reader import ResourceReader
from .render_html import RunInfo, SummaryRow, generate_page, render_asset, summary_row
from .report import Report
from .visuals import DEFAULT_VISUAL_LIMITS, Source, VisualLimits, collect_visuals

_CHUNK = 1 << 20
#: Sections are kept in memory up to this size, then spooled to disk.
_SPOOL_IN_MEMORY = 8 << 20


def source_for(report: Report) -> Path | None:
    """The file a report was made from, if it is still the file that was checked."""
    if report.path == "-" or report.size is None:
        return None
    path = Path(report.path)
    try:
        same = path.stat().st_size == report.size
    except OSError:
        return None
    return path if same else None


class HtmlWriter:
    """Collects reports and writes one self-contained HTML page on :meth:`finish`."""

    def __init__(
        self,
        out: IO[str],
        run: RunInfo,
        limits: VisualLimits = DEFAULT_VISUAL_LIMITS,
        *,
        allow_network: bool = False,
        max_size: int = DEFAULT_LIMITS.max_size,
    ) -> None:
        self.out = out
        self.run = run
        self.limits = limits
        self.max_size = max_size
        self.rows: list[SummaryRow] = []
        self._reader = ResourceReader(allow_network=allow_network)
        self._spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in finish()
            max_size=_SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
        )

    def write(self, report: Report, source: Source | None = None) -> None:
        """Add one asset; `source` is what was checked (default: the file at `report.path`)."""
        number = len(self.rows) + 1
        picked = source if source is not None else source_for(report)
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
