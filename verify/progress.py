"""A progress display on stderr, only when stderr is a terminal (`rich`)."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import IO, Any

from .report import Report


class Progress:
    """Counts checked inputs and errors live; a no-op unless enabled.

    The total is unknown while inputs are still being listed, so it shows a count, the
    rate and the elapsed time rather than a percentage.
    """

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self.enabled = enabled
        self._stream = stream
        self._progress: Any = None
        self._task: Any = None
        self._errors = 0

    @staticmethod
    def wanted(stream: IO[str] | None = None) -> bool:
        """Whether the stream (default stderr) is a terminal."""
        target = stream if stream is not None else sys.stderr
        isatty = getattr(target, "isatty", None)
        return bool(isatty and isatty())

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                Progress as RichProgress,
            )
            from rich.progress import (
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            console = Console(file=self._stream or sys.stderr)
            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn("{task.completed} checked"),
                TextColumn("{task.fields[errors]} not checked"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("check", total=None, errors=0, rate="")
        return self

    def advance(self, report: Report) -> None:
        self.step(checked=report.error is None)

    def step(self, checked: bool) -> None:
        """One more input done (`checked`: it has no error)."""
        if self._progress is None:
            return
        if not checked:
            self._errors += 1
        task = self._progress.tasks[0]
        speed = task.speed
        rate = f"{speed:,.0f}/s" if speed else ""
        self._progress.update(self._task, advance=1, errors=self._errors, rate=rate)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
