"""A pool of worker processes that turns every submitted asset into exactly one report.

Each worker builds one :class:`~verify.core.Verifier` (one native c2pa Context) when it
starts and reuses it. The pool guarantees what a batch or a service needs from hostile input:

- every submission resolves to a :class:`~verify.report.Report` (or, with ``render``, to
  what it makes of one, in the worker), never to an exception;
- an asset that takes longer than ``timeout`` seconds gets a ``timeout`` report and its
  worker is killed and replaced;
- a worker that dies (native crash, out of memory, killed) gets a ``crashed`` report for
  the asset it was checking; the assets queued behind it are retried on a new worker;
- work in flight is bounded: :meth:`WorkerPool.submit_path` blocks while ``max_pending``
  submissions are unresolved, so a million inputs never build a million-entry queue.

A dispatcher thread owns the workers and their pipes; callers only touch futures.
Paths are pipelined a few deep per worker (the next task is already in the pipe while the
current one runs); the clock of a task starts when the task before it finished.

Each worker has two one-way pipes: tasks go down one (multiprocessing's framing, blocking
writes), results come up the other, which the dispatcher reads without blocking, in bulk,
from one persistent selector: a wake-up costs one read however many results are waiting.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import multiprocessing
import os
import pickle
import selectors
import signal
import socket
import struct
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar, overload

from .core import CheckOptions, Verifier, error_report
from .reader import ErrorKind
from .report import Report

#: A callable run in the worker with the input's name before each check. A test hook: it
#: lets tests force a hang or a crash on chosen inputs. Must be picklable (module level).
BeforeCheck = Callable[[str], None]

R = TypeVar("R")
#: What a pool makes of each report, in the worker (and in the parent for the reports it
#: makes itself: timeouts, crashes). Must be picklable. The batch CLI renders the output
#: line there, so the parent neither unpickles whole reports nor serializes them.
Render = Callable[[Report], R]


def unchanged(report: Report) -> Report:
    """The default render: the report itself."""
    return report


#: Paths sent ahead to one worker (bytes payloads are only sent to an idle worker).
PIPELINE_DEPTH = 4
#: How long a new worker may take to import the library and build its Context.
START_TIMEOUT = 60.0
#: Longest single wait of the dispatcher (it then re-reads the deadlines).
MAX_WAIT = 3600.0
#: Workers that die before becoming ready, in a row, before the pool pauses starting them.
MAX_START_FAILURES = 3
#: The pauses after each such round of start failures; after the last round the pool gives
#: up (a passing shortage of memory or processes recovers, a broken install does not).
START_BACKOFF = (1.0, 4.0)


def default_jobs() -> int:
    """The CPUs this process may run on (the affinity mask, as containers set it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def tiny_png() -> bytes:
    """A 1x1 grey PNG: the warm-up asset that proves a worker can start and answer."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


WARM_UP_NAME = "warm-up.png"


class PoolClosed(RuntimeError):
    """Raised by submit after close() (a usage error, not an input outcome)."""


@dataclass(frozen=True)
class PathTask:
    """Check a file; `display` is the name the report carries."""

    path: str
    display: str

    @property
    def name(self) -> str:
        return self.display


@dataclass(frozen=True)
class BytesTask:
    """Check an asset held in memory (an upload, standard input)."""

    data: bytes
    name: str
    media_type: str | None = None
    sidecar: bytes | None = None


Task = PathTask | BytesTask


def run_task(verifier: Verifier, task: Task) -> Report:
    """Check one task with a verifier (what a worker does; also usable in-process)."""
    if isinstance(task, PathTask):
        return verifier.check_path(task.path, display=task.display)
    return verifier.check_bytes(
        task.data, name=task.name, media_type=task.media_type, sidecar=task.sidecar
    )


WorkerMain = Callable[..., None]

# Tasks travel as plain tuples, which pickle several times faster than dataclasses:
# (task_id, index, rendered, kind, path or name, display or media type, sidecar).
_PATH = 0
_BYTES = 1


def _worker_main(
    tasks: Connection,
    results: Connection,
    options: CheckOptions,
    before_check: BeforeCheck | None,
    render: Render[Any] = unchanged,
) -> None:
    """Worker process: build one Verifier, then check tasks until told to stop."""
    # The parent decides when to stop: Ctrl-C in a terminal reaches the whole process group.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        verifier = Verifier(options)
    except Exception as exc:  # reported to the parent, which fails the pool's start
        results.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    results.send(("ready", os.getpid()))
    while True:
        task: Task
        try:
            message = tasks.recv()
            if message is None:
                return
            task_id, index, rendered, kind, first, second, sidecar = message
            if kind == _PATH:
                task = PathTask(first, second)
            else:  # the payload follows as raw bytes (see WorkerPool._transmit)
                task = BytesTask(tasks.recv_bytes(), first, second, sidecar)
        except (EOFError, OSError):
            return
        if before_check is not None:
            before_check(task.name)
        report = run_task(verifier, task)
        if index is not None:
            # Just built and held by nothing else: set in place, sparing a copy per input.
            object.__setattr__(report, "index", index)
        results.send(("result", task_id, render(report) if rendered else report))


#: Bytes read from a result pipe at once (results are a few KB; larger ones take reads).
#: Read into one reused buffer: os.read(fd, n) would allocate n bytes per call.
_READ_SIZE = 1 << 16
_SIZE = struct.Struct("!i")
_LARGE_SIZE = struct.Struct("!Q")


def _take_messages(buffer: bytearray) -> list[Any]:
    """Unpickle every whole message in `buffer` (multiprocessing's framing: a signed 4-byte
    size, or -1 then an 8-byte size) and remove them from it; a partial one stays."""
    messages = []
    pos = 0
    end_of_data = len(buffer)
    while end_of_data - pos >= _SIZE.size:
        (size,) = _SIZE.unpack_from(buffer, pos)
        start = pos + _SIZE.size
        if size == -1:
            if end_of_data - start < _LARGE_SIZE.size:
                break
            (size,) = _LARGE_SIZE.unpack_from(buffer, start)
            start += _LARGE_SIZE.size
        end = start + size
        if end > end_of_data:
            break
        messages.append(pickle.loads(buffer[start:end]))
        pos = end
    if pos:
        del buffer[:pos]
    return messages


class _Job:
    """One submission: its task, where its result goes, and whether the worker renders it."""

    __slots__ = ("deliver", "index", "rendered", "resolved", "task", "task_id")

    def __init__(
        self,
        task: Task,
        index: int | None,
        deliver: Callable[[Any], None],
        rendered: bool,
        task_id: int,
    ) -> None:
        self.task = task
        self.index = index
        self.deliver = deliver
        self.rendered = rendered
        self.task_id = task_id
        self.resolved = False

    def message(self) -> tuple[Any, ...]:
        task = self.task
        if isinstance(task, PathTask):
            return (self.task_id, self.index, self.rendered, _PATH, task.path, task.display, None)
        return (
            self.task_id,
            self.index,
            self.rendered,
            _BYTES,
            task.name,
            task.media_type,
            task.sidecar,
        )


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    #: The parent's ends: tasks are sent on one, results read (non-blocking) from the other.
    tasks: Connection
    results: Connection
    started: float
    ready: bool = False
    inflight: deque[_Job] = dataclasses.field(default_factory=deque)
    #: When the job at the head of `inflight` started (monotonic seconds).
    head_since: float = 0.0
    done: int = 0
    #: Result bytes read but not yet a whole message.
    pending: bytearray = dataclasses.field(default_factory=bytearray)


def _default_context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported the library (verify/reader.py
        # imports c2pa only on first use, so it is named here): a replaced worker is ready
        # in milliseconds instead of re-importing everything.
        ctx.set_forkserver_preload(["verify.core", "c2pa"])
        return ctx
    return multiprocessing.get_context("spawn")


def _exit_reason(process: BaseProcess) -> str:
    code = process.exitcode
    if code is None:
        return "stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name}"
    return f"exited with status {code}"


def _death_reason(process: BaseProcess) -> str:
    return f"the worker process {_exit_reason(process)} while checking this input"


def _settle(future: Future[Any]) -> Callable[[Any], None]:
    def deliver(value: Any) -> None:
        if not future.done():
            future.set_result(value)

    return deliver


class WorkerPool(Generic[R]):
    """N worker processes, each with its own Verifier; futures that always give a Report.

    ``jobs`` workers at most (default: the CPUs this process may run on), started on
    demand. ``timeout`` seconds per asset (None: no limit). ``max_pending`` unresolved
    submissions at most before submit blocks (default: 8 per worker, twice the pipeline).
    ``before_check`` is a test hook run in the worker before each check. ``start_method``
    overrides the multiprocessing start method (default: forkserver where available, else
    spawn). ``render`` turns each report into what the futures give, in the worker.
    """

    #: Pauses between rounds of start failures (a class attribute so tests can shorten it).
    start_backoff: tuple[float, ...] = START_BACKOFF

    @overload
    def __init__(
        self: WorkerPool[Report],
        options: CheckOptions | None = None,
        *,
        jobs: int | None = None,
        timeout: float | None = 30.0,
        max_pending: int | None = None,
        before_check: BeforeCheck | None = None,
        start_method: str | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: WorkerPool[R],
        options: CheckOptions | None = None,
        *,
        jobs: int | None = None,
        timeout: float | None = 30.0,
        max_pending: int | None = None,
        before_check: BeforeCheck | None = None,
        start_method: str | None = None,
        render: Render[R],
    ) -> None: ...

    def __init__(
        self,
        options: CheckOptions | None = None,
        *,
        jobs: int | None = None,
        timeout: float | None = 30.0,
        max_pending: int | None = None,
        before_check: BeforeCheck | None = None,
        start_method: str | None = None,
        render: Render[Any] = unchanged,
    ) -> None:
        if jobs is not None and jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        # `0 < t < inf` is also false for nan, which would never expire (and spin the loop).
        if timeout is not None and not (0 < timeout < math.inf):
            raise ValueError(f"timeout must be positive and finite (None: no limit), got {timeout}")
        self.options = options or CheckOptions()
        self.jobs = jobs or default_jobs()
        self.timeout = timeout
        self.max_pending = max_pending or self.jobs * PIPELINE_DEPTH * 2
        if self.max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self._before_check = before_check
        self._render: Render[R] = render
        self._ctx: Any = (
            multiprocessing.get_context(start_method) if start_method else _default_context()
        )
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.max_pending)
        self._queue: deque[_Job] = deque()
        self._workers: list[_Worker] = []
        self._next_id = 0
        self._closing = False
        self._abort = False
        self._start_failures = 0
        #: Rounds of MAX_START_FAILURES start failures so far, and when starting may resume.
        self._start_rounds = 0
        self._retry_at = 0.0
        self._broken: str | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._scratch = memoryview(bytearray(_READ_SIZE))
        # Registered once per worker, not rebuilt per wait as connection.wait() does.
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._thread = threading.Thread(target=self._run, name="verify-pool", daemon=True)
        self._thread.start()

    # -- the callers' side -------------------------------------------------------------

    def submit_path(
        self, path: str | os.PathLike[str], index: int | None = None, display: str | None = None
    ) -> Future[R]:
        """Queue a file; blocks while `max_pending` submissions are unresolved."""
        name = os.fspath(path)
        return self._submit(PathTask(name, display if display is not None else name), index)

    def submit_bytes(
        self,
        data: bytes,
        name: str = "-",
        media_type: str | None = None,
        index: int | None = None,
        sidecar: bytes | None = None,
    ) -> Future[R]:
        """Queue an in-memory asset; blocks while `max_pending` submissions are unresolved."""
        return self._submit(BytesTask(data, name, media_type, sidecar), index)

    def _submit(self, task: Task, index: int | None) -> Future[R]:
        future: Future[R] = Future()
        self.enqueue(task, index, _settle(future))
        return future

    def enqueue(self, task: Task, index: int | None, deliver: Callable[[R], None]) -> None:
        """Queue a task whose result is handed to `deliver` (the batch runner's way in:
        no future per input). `deliver` runs on the dispatcher thread and must not block.
        Blocks while `max_pending` submissions are unresolved."""
        self._enqueue(task, index, deliver, rendered=True)

    def _enqueue(
        self, task: Task, index: int | None, deliver: Callable[[Any], None], rendered: bool
    ) -> None:
        if self._closing:
            raise PoolClosed("the pool is closed")
        self._slots.acquire()
        with self._lock:
            if self._closing:
                self._slots.release()
                raise PoolClosed("the pool is closed")
            self._next_id += 1
            idle = not self._queue
            self._queue.append(_Job(task, index, deliver, rendered, self._next_id))
        # A queue that already holds work needs no wake-up: the dispatcher could not place
        # its head, and jobs are placed in order, so it waits for a worker event anyway.
        # Sparing the wake-up per input saves a syscall and a dispatcher pass each.
        if idle:
            self._wake()

    def render(self, report: Report) -> R:
        """What the pool makes of a report built outside it (the batch runner's own)."""
        return self._render(report)

    def close(self, timeout: float | None = None) -> None:
        """Finish what was submitted, then stop the workers.

        Every task is bounded by the per-asset timeout, so this ends; `timeout` bounds the
        whole wait, after which the pool is terminated.
        """
        with self._lock:
            self._closing = True
        self._wake()
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.terminate()

    def terminate(self) -> None:
        """Stop now: kill the workers; unresolved submissions get an `internal` report."""
        with self._lock:
            self._closing = True
            self._abort = True
        self._wake()
        self._thread.join(10.0)

    def __enter__(self) -> WorkerPool[R]:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()

    def warm_up(self) -> str | None:
        """Check one tiny asset through a worker: None when the pool can check, else why not.

        A worker builds its Verifier (the c2pa Context with the trust settings) when it
        starts, so settings the library rejects show here, once, and the calling process
        never has to load the library itself.
        """
        rounds = MAX_START_FAILURES * (len(self.start_backoff) + 1)
        # Starts, pauses, then the check itself (a tiny PNG: bounded here, whatever --timeout).
        wait = rounds * START_TIMEOUT + sum(self.start_backoff) + START_TIMEOUT
        future: Future[Report] = Future()
        self._enqueue(BytesTask(tiny_png(), WARM_UP_NAME), None, _settle(future), rendered=False)
        try:
            report = future.result(wait)
        except TimeoutError:
            return "no answer from the worker pool"
        if self._broken is not None:
            return self._broken
        if report.error is not None:
            return report.error.message
        return None

    @property
    def broken(self) -> str | None:
        """Why no worker can start (every submission then gets an `internal` report)."""
        return self._broken

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics).

        Answers at once: the dispatcher never holds the lock while it writes to a pipe.
        """
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def _wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            self._wake_w.send(b"\0")

    # -- the dispatcher thread ---------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            self._shutdown_workers()
            self._fail_all("the worker pool was shut down before this input was checked")
            self._selector.close()
            self._wake_r.close()
            self._wake_w.close()

    def _loop(self) -> None:
        while True:
            with self._lock:
                abort = self._abort
                finished = self._closing and not self._queue
            if abort:
                return
            if finished and not any(w.inflight for w in self._workers):
                return
            if self._broken is not None:
                self._fail_queue(self._broken)
            self._assign()
            self._wait_and_handle()
            self._enforce_deadlines()

    def _assign(self) -> None:
        # The lock guards the queue only, never a pipe write or a process start: callers
        # (submit on an event loop, worker_pids for /readyz) must not wait for a large send.
        # Only this thread takes jobs off the head (callers append at the tail), so the
        # head seen under the lock is still the head when it is popped.
        while True:
            with self._lock:
                if not self._queue:
                    return
                job = self._queue[0]
            worker = self._pick_worker(job)
            if worker is None:
                return
            with self._lock:
                self._queue.popleft()
            self._send(worker, job)

    def _pick_worker(self, job: _Job) -> _Worker | None:
        ready = [w for w in self._workers if w.ready]
        idle = [w for w in ready if not w.inflight]
        if idle:
            return idle[0]
        starting = any(not w.ready for w in self._workers)
        if (
            len(self._workers) < self.jobs
            and not starting
            and self._broken is None
            and time.monotonic() >= self._retry_at
        ):
            try:
                self._start_worker()
            except Exception as exc:  # e.g. a script without the __main__ guard under spawn
                self._broken = f"cannot start a worker process: {type(exc).__name__}: {exc}"
            return None
        if isinstance(job.task, BytesTask):
            return None
        open_ = [w for w in ready if len(w.inflight) < PIPELINE_DEPTH]
        if not open_:
            return None
        return min(open_, key=lambda w: len(w.inflight))

    def _start_worker(self) -> None:
        task_reader, task_writer = self._ctx.Pipe(duplex=False)
        result_reader, result_writer = self._ctx.Pipe(duplex=False)
        process = self._ctx.Process(
            target=self._worker_target(),
            args=(task_reader, result_writer, self.options, self._before_check, self._render),
            name="verify-worker",
            daemon=True,
        )
        try:
            process.start()
        except BaseException:
            task_writer.close()
            result_reader.close()
            raise
        finally:
            task_reader.close()
            result_writer.close()
        os.set_blocking(result_reader.fileno(), False)
        worker = _Worker(process, task_writer, result_reader, time.monotonic())
        self._selector.register(result_reader.fileno(), selectors.EVENT_READ, (worker, False))
        self._selector.register(process.sentinel, selectors.EVENT_READ, (worker, True))
        with self._lock:
            self._workers.append(worker)

    def _worker_target(self) -> WorkerMain:
        """What a worker process runs (tests substitute one that fails to start)."""
        return _worker_main

    def _send(self, worker: _Worker, job: _Job) -> None:
        if not worker.inflight:
            worker.head_since = time.monotonic()
        worker.inflight.append(job)
        # If the worker died, its sentinel reports it and the job is handled there.
        with contextlib.suppress(OSError, ValueError):
            self._transmit(worker.tasks, job)

    def _transmit(self, conn: Connection, job: _Job) -> None:
        """Write one task to a worker's pipe (the dispatcher thread, without the lock).

        An in-memory asset's bytes go as a raw message after the task: pickling them would
        copy the whole upload once more in each process.
        """
        conn.send(job.message())
        if isinstance(job.task, BytesTask):
            conn.send_bytes(job.task.data)

    def _wait_and_handle(self) -> None:
        events = self._selector.select(self._wait_seconds())
        died: list[_Worker] = []
        for key, _ in events:
            if key.data is None:
                with contextlib.suppress(BlockingIOError, OSError):
                    while self._wake_r.recv(4096):
                        pass
                continue
            worker, death = key.data
            if death:
                died.append(worker)
            elif worker in self._workers:  # not retired by an earlier event of this round
                self._receive(worker)
        # Results first (above), then deaths: what a worker sent before it died counts.
        for worker in died:
            if worker in self._workers:
                self._on_death(worker)

    def _wait_seconds(self) -> float | None:
        now = time.monotonic()
        deadlines = [w.started + START_TIMEOUT for w in self._workers if not w.ready]
        if self._retry_at > now:
            deadlines.append(self._retry_at)
        if self.timeout is not None:
            deadlines += [w.head_since + self.timeout for w in self._workers if w.inflight]
        if not deadlines:
            return None
        # Capped: the OS wait rejects timeouts past ~24 days (a huge --timeout is legal).
        return min(MAX_WAIT, max(0.0, min(deadlines) - now))

    def _receive(self, worker: _Worker) -> None:
        if self._drain(worker):
            self._on_death(worker)

    def _drain(self, worker: _Worker) -> bool:
        """Handle every whole message waiting in the worker's result pipe; True at its end
        (the worker exited)."""
        ended = False
        scratch = self._scratch
        try:
            while True:
                n = os.readv(worker.results.fileno(), (scratch,))
                if not n:
                    ended = True
                    break
                worker.pending += scratch[:n]
                if n < _READ_SIZE:
                    break  # the pipe is empty now: spare the read that would say so
        except BlockingIOError:
            pass
        except (OSError, ValueError):  # closed under us: the same as its end
            ended = True
        try:
            messages = _take_messages(worker.pending)
        except Exception:  # a message that does not unpickle: the worker is not sane
            messages, ended = [], True
        for message in messages:
            if worker not in self._workers:
                break  # retired by an earlier message ("failed")
            self._on_message(worker, message)
        return ended

    def _on_message(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            self._start_failures = 0
            self._start_rounds = 0
        elif kind == "failed":
            self._broken = f"the worker could not start: {message[1]}"
            self._retire(worker, kill=True)
        elif kind == "result":
            _, task_id, value = message
            if worker.inflight and worker.inflight[0].task_id == task_id:
                job = worker.inflight.popleft()
                worker.done += 1
                worker.head_since = time.monotonic()
                self._deliver(job, value)

    def _on_death(self, worker: _Worker) -> None:
        # Results the worker sent before it died are still in the pipe: keep them.
        if worker in self._workers:
            self._drain(worker)
        if worker not in self._workers:
            return
        worker.process.join(1.0)
        if not worker.ready:
            self._start_failed(f"the last one {_exit_reason(worker.process)}")
        if worker.inflight:
            job = worker.inflight.popleft()
            self._resolve(job, self._error(job, ErrorKind.CRASHED, _death_reason(worker.process)))
        self._retire(worker, kill=False)

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for worker in list(self._workers):
            if not worker.ready and now - worker.started > START_TIMEOUT:
                self._start_failed(f"the last one was not ready after {START_TIMEOUT:g} s")
                self._retire(worker, kill=True)
            elif (
                self.timeout is not None
                and worker.inflight
                and now - worker.head_since > self.timeout
            ):
                job = worker.inflight.popleft()
                message = (
                    f"checking took longer than the limit of {self.timeout:g} s (--timeout);"
                    " the worker was stopped"
                )
                self._resolve(job, self._error(job, ErrorKind.TIMEOUT, message))
                self._retire(worker, kill=True)

    def _start_failed(self, last: str) -> None:
        """A worker died or hung before it was ready: pause after a few, give up after a few
        pauses. The inputs waiting meanwhile keep their place (their clocks have not
        started); once the pool gives up, each gets an `internal` report saying why."""
        self._start_failures += 1
        if self._start_failures < MAX_START_FAILURES:
            return
        self._start_failures = 0
        self._start_rounds += 1
        backoff = self.start_backoff
        if self._start_rounds <= len(backoff):
            self._retry_at = time.monotonic() + backoff[self._start_rounds - 1]
            return
        attempts = MAX_START_FAILURES * self._start_rounds
        pauses = " and ".join(f"{p:g} s" for p in backoff)
        self._broken = (
            f"no worker process could start: {attempts} in a row died or hung before they"
            f" were ready, with pauses of {pauses} between rounds ({last});"
            " the pool stopped trying"
        )

    def _retire(self, worker: _Worker, kill: bool) -> None:
        """Remove a worker; the jobs queued behind its current one go back to the front."""
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5.0)
        self._close_pipes(worker)
        with contextlib.suppress(ValueError):
            worker.process.close()
        with self._lock:
            self._queue.extendleft(reversed(worker.inflight))
        worker.inflight.clear()

    def _close_pipes(self, worker: _Worker) -> None:
        for key in list(self._selector.get_map().values()):
            if key.data is not None and key.data[0] is worker:
                self._selector.unregister(key.fileobj)
        for conn in (worker.tasks, worker.results):
            with contextlib.suppress(OSError):
                conn.close()

    def _error(self, job: _Job, kind: ErrorKind, message: str) -> Report:
        return error_report(job.task.name, kind, message)

    def _resolve(self, job: _Job, report: Report) -> None:
        """Resolve a job with a report made here (a timeout, a crash, a shutdown)."""
        if job.index is not None:
            # Just built here and held by nothing else: set in place, sparing a copy.
            object.__setattr__(report, "index", job.index)
        self._deliver(job, self._render(report) if job.rendered else report)

    def _deliver(self, job: _Job, value: Any) -> None:
        if not job.resolved:
            job.resolved = True
            job.deliver(value)
            self._slots.release()

    def _fail_queue(self, why: str) -> None:
        with self._lock:
            jobs = list(self._queue)
            self._queue.clear()
        for job in jobs:
            self._resolve(job, self._error(job, ErrorKind.INTERNAL, why))

    def _fail_all(self, why: str) -> None:
        for worker in self._workers:
            for job in worker.inflight:
                self._resolve(job, self._error(job, ErrorKind.INTERNAL, why))
            worker.inflight.clear()
        self._fail_queue(why)

    def _shutdown_workers(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError, ValueError):
                if not self._abort:
                    worker.tasks.send(None)
        deadline = time.monotonic() + 5.0
        for worker in self._workers:
            if self._abort:
                worker.process.kill()
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5.0)
        for worker in self._workers:
            for job in worker.inflight:
                why = "the worker pool was shut down before this input was checked"
                self._resolve(job, self._error(job, ErrorKind.INTERNAL, why))
            worker.inflight.clear()
            self._close_pipes(worker)
        with self._lock:
            self._workers.clear()
