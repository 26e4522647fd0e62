"""Hooks run inside pool workers before each check (imported by name in the worker).

An input whose name contains `hang` sleeps far past any test timeout, `exit` ends the
worker with os._exit, `sigkill` kills it with SIGKILL (as the kernel's OOM killer does).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from verify.report import Report

HANG_SECONDS = 3600


def misbehave(name: str) -> None:
    """Hang or crash on inputs named for it; do nothing for the others."""
    base = Path(name).name
    if "hang" in base:
        time.sleep(HANG_SECONDS)
    if "sigkill" in base:
        os.kill(os.getpid(), signal.SIGKILL)
    if "exit" in base:
        os._exit(7)


def slow(name: str) -> None:
    """Take a little time on every input (to hold work in flight)."""
    del name
    time.sleep(0.3)


def die_at_start(*args: object) -> None:
    """A worker process target that exits before it is ready (a broken start)."""
    del args
    os._exit(3)


def describe(report: Report) -> tuple[str, int | None, str | None]:
    """A pool `render`: what a test needs of a report (path, index, error kind)."""
    return (Path(report.path).name, report.index, report.error.kind.value if report.error else None)
