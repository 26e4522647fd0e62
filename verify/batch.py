"""The batch runner: a stream of inputs through the worker pool, one report per input.

Reports come back as they complete (each carries its input's `index`), or in input order
with `ordered=True`. Work in flight is bounded, so memory does not grow with the number of
inputs. `skip` drops inputs already recorded by an earlier run (`--resume`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import queue
import stat
import sys
from collections.abc import Callable, Container, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from .core import CheckOptions, error_report, too_large_message
from .inputs import STDIN, Input, Selection, expand
from .limits import Limits
from .pool import BeforeCheck, BytesTask, PathTask, R, Task, WorkerPool
from .reader import ErrorKind
from .report import Report
from .textsafe import valid_unicode

#: Reports held back at most while waiting for a slow input in `ordered` mode.
ORDERED_WINDOW = 1024


def run_batch(
    pool: WorkerPool[R],
    inputs: Iterable[Input],
    *,
    ordered: bool = False,
    skip: Container[str] = frozenset(),
    stdin: BinaryIO | None = None,
    on_idle: Callable[[], None] | None = None,
) -> Iterator[R]:
    """Check every input with the pool; yield exactly one report per input not skipped
    (or what the pool's `render` makes of it).

    An input's `index` is its position in `inputs`, counting skipped ones, so indexes
    stay those of the full input list. `on_idle` is called whenever the runner is about to
    wait for a result, every report yielded so far having been handled (the CLI flushes
    its output there: once per burst of results rather than once per record).
    """
    done: queue.SimpleQueue[tuple[int, R]] = queue.SimpleQueue()
    window = max(pool.max_pending, ORDERED_WINDOW) if ordered else pool.max_pending
    held: dict[int, R] = {}
    sent = 0
    given = 0

    def collect(block: bool) -> Iterator[R]:
        nonlocal given
        if block and on_idle is not None and done.empty():
            on_idle()
        try:
            seq, report = done.get(block=block)
        except queue.Empty:
            return
        if not ordered:
            given += 1
            yield report
            return
        held[seq] = report
        while given in held:
            given += 1
            yield held.pop(given - 1)

    for index, item in enumerate(inputs):
        if valid_unicode(item.path) in skip:  # as the JSONL record spells it
            continue
        while sent - given >= window:
            yield from collect(block=True)
        _submit(pool, item, index=index, seq=sent, done=done, stdin=stdin)
        sent += 1
        while not done.empty():
            yield from collect(block=False)
    while given < sent:
        yield from collect(block=True)


def _submit(
    pool: WorkerPool[R],
    item: Input,
    *,
    index: int,
    seq: int,
    done: queue.SimpleQueue[tuple[int, R]],
    stdin: BinaryIO | None,
) -> None:
    if item.unreadable is not None:
        report = error_report(item.path, ErrorKind.UNREADABLE, item.unreadable)
        done.put((seq, pool.render(dataclasses.replace(report, index=index))))
        return
    task: Task
    if item.is_stdin:
        source = stdin if stdin is not None else sys.stdin.buffer
        data = _read_stdin(source, pool.options.limits)
        if isinstance(data, Report):
            done.put((seq, pool.render(dataclasses.replace(data, index=index))))
            return
        task = BytesTask(data, item.path)
    else:
        task = PathTask(item.path, item.path)
    pool.enqueue(task, index, _deliver(done, seq))


def _read_stdin(source: BinaryIO, limits: Limits) -> bytes | Report:
    """Standard input's bytes, or its `too_large` report, decided here in the parent.

    A regular file (`< upload.jpg`) is judged by its size without being read; a pipe is
    read up to one byte past the limit, and that much is never sent on to a worker.
    """
    size = _regular_size(source)
    if size is not None and size > limits.max_size:
        return error_report(STDIN, ErrorKind.TOO_LARGE, too_large_message(size, limits), size)
    data = source.read(limits.max_size + 1)
    if len(data) > limits.max_size:
        message = f"more than {limits.max_size} bytes, the limit (max_size); not read further"
        return error_report(STDIN, ErrorKind.TOO_LARGE, message)
    return data


def _regular_size(source: BinaryIO) -> int | None:
    """Bytes left to read when the stream is a regular file, else None (pipe, terminal)."""
    try:
        st = os.fstat(source.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None
        return max(0, st.st_size - source.tell())
    except (OSError, ValueError):  # a BytesIO (io.UnsupportedOperation), a closed stream
        return None


def _deliver(done: queue.SimpleQueue[tuple[int, R]], seq: int) -> Callable[[R], None]:
    def put(value: R) -> None:
        done.put((seq, value))

    return put


def recorded_paths(resume: Path) -> tuple[set[str], int]:
    """Paths already recorded in a JSONL file, and how many lines could not be read.

    A missing file records nothing (the first run of a resumable job). A last line cut off
    by an interrupted run is not a record.
    """
    paths: set[str] = set()
    bad = 0
    try:
        fh = resume.open("rb")
    except FileNotFoundError:
        return paths, 0
    with fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                paths.add(record["path"])
            except (ValueError, KeyError, TypeError):
                bad += 1
    return paths, bad


def trim_partial_line(path: Path) -> None:
    """Cut a last line without a newline (a record cut off mid-write) before appending."""
    try:
        with path.open("rb+") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size == 0:
                return
            fh.seek(size - 1)
            if fh.read(1) == b"\n":
                return
            pos = size
            while pos > 0:
                step = min(65536, pos)
                pos -= step
                fh.seek(pos)
                chunk = fh.read(step)
                cut = chunk.rfind(b"\n")
                if cut >= 0:
                    fh.truncate(pos + cut + 1)
                    return
            fh.truncate(0)
    except FileNotFoundError:
        return


def verify_many(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    jobs: int | None = None,
    timeout: float | None = 30.0,
    options: CheckOptions | None = None,
    ordered: bool = False,
    selection: Selection | None = None,
    before_check: BeforeCheck | None = None,
) -> Iterator[Report]:
    """Check many files (directories are walked) on `jobs` worker processes.

    Yields one report per input as each completes (or in input order with `ordered`);
    each report's `index` is the input's position. `timeout` is per asset (None: no
    limit). The workers stop when the iterator is exhausted or closed.
    """
    args = (os.fspath(i) for i in inputs)
    items = expand(args, selection) if selection is not None else expand(args)
    pool: WorkerPool[Report] = WorkerPool(
        options, jobs=jobs, timeout=timeout, before_check=before_check
    )
    with pool:  # closed when exhausted; stopped at once when the iterator is closed early
        yield from run_batch(pool, items, ordered=ordered)
