"""Write the HTML report as reports arrive, in bounded memory.

The page needs every report before its first asset section (the summary comes first), but
the sections carry pictures: they are rendered one by one as reports arrive and spooled to
a temporary file, and only the summary rows stay in memory. :meth:`HtmlWriter.finish`
writes the page. Pictures are collected here, after the check, so JSON and JSONL never pay
for them; they are made on a few threads (Pillow and c2pa-rs work outside the GIL) while
the sections are still written in input order.
"""

from __future__ import annotations

import tempfile
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from markupsafe import Markup

from .limits import DEFAULT_LIMITS
from .reader import ResourceReader, version_text
from .render_html import RunInfo, SummaryRow, generate_page, render_asset, summary_row
from .report import Report
from .visuals import (
    DEFAULT_VISUAL_LIMITS,
    AssetVisuals,
    NoPicture,
    Source,
    VisualLimits,
    collect_visuals,
)

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
    #: Threads making pictures; assets wait for theirs at most `4 * threads` deep.
    threads: int = 2

    def __post_init__(self) -> None:
        if self.threads < 1:
            raise ValueError(f"threads must be at least 1, got {self.threads!r}")


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
        self.options = options or PageOptions()
        self.out = out
        self.rows: list[SummaryRow] = []
        self._local = threading.local()
        self._threads = ThreadPoolExecutor(self.options.threads, "html-pictures")
        self._pending: deque[tuple[Report, Future[AssetVisuals]]] = deque()
        self._spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in finish()
            max_size=_SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
        )

    def _reader(self) -> ResourceReader:
        """One resource reader (one c2pa Context) per picture thread."""
        reader: ResourceReader | None = getattr(self._local, "reader", None)
        if reader is None:
            reader = ResourceReader(allow_network=self.options.allow_network)
            self._local.reader = reader
        return reader

    def _visuals(self, report: Report, source: Source | None) -> AssetVisuals:
        options = self.options
        try:
            return collect_visuals(report, source, self._reader(), options.limits, options.max_size)
        except Exception as exc:  # a bug in picture code must not cost the asset its section
            return AssetVisuals(NoPicture(f"pictures failed ({type(exc).__name__}: {exc})"))

    def write(self, report: Report, source: Source | None = None) -> None:
        """Add one asset; `source` is what was checked (default: the file at `report.path`)."""
        picked = source if source is not None else source_for(report, self.options.stdin)
        self._pending.append((report, self._threads.submit(self._visuals, report, picked)))
        limit = 4 * self.options.threads
        while self._pending and (len(self._pending) > limit or self._pending[0][1].done()):
            self._render_next()

    def _render_next(self) -> None:
        report, visuals = self._pending.popleft()
        number = len(self.rows) + 1
        self._spool.write(render_asset(number, report, visuals.result()))
        self.rows.append(summary_row(number, report))

    def _sections(self) -> Iterator[Markup]:
        self._spool.seek(0)
        while chunk := self._spool.read(_CHUNK):
            yield Markup(chunk)

    def finish(self) -> None:
        try:
            while self._pending:
                self._render_next()
            for part in generate_page(self.rows, self._sections(), self.options.run):
                self.out.write(part)
        finally:
            self._threads.shutdown(cancel_futures=True)
            self._spool.close()
        self.out.flush()
