"""The worker pool: every submission resolves to one report, whatever the worker does."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pool_hooks
import pytest

from verify import CheckOptions, Verifier
from verify.pool import BytesTask, PoolClosed, WorkerPool
from verify.serialize import report_to_dict

WAIT = 60  # seconds: generous bound on any single result in these tests


@pytest.fixture
def assets(tmp_path: Path, samples_dir: Path) -> Path:
    """Copies of a signed sample under names the test hooks react to."""
    for name in ("ok-1.jpg", "hang.jpg", "exit.jpg", "sigkill.jpg", "ok-2.jpg"):
        shutil.copy(samples_dir / "captured.jpg", tmp_path / name)
    return tmp_path


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(jobs=2, timeout=2, before_check=pool_hooks.misbehave) as p:
        yield p


def test_results_match_in_process_check(pool: WorkerPool, samples_dir: Path) -> None:
    """A worker's report equals the in-process report, with the index added."""
    path = samples_dir / "ai-edited.jpg"
    report = pool.submit_path(path, index=5).result(WAIT)
    assert report.index == 5
    want = report_to_dict(Verifier().check_path(path))
    assert report_to_dict(report) == {**want, "index": 5}


def test_hang_is_a_timeout_and_the_worker_is_replaced(pool: WorkerPool, assets: Path) -> None:
    """An asset past the time limit gets `timeout`; the worker is killed and replaced."""
    hang = pool.submit_path(assets / "hang.jpg", index=0)
    after = pool.submit_path(assets / "ok-1.jpg", index=1)
    report = hang.result(WAIT)
    assert report.error is not None and report.error.kind.value == "timeout"
    assert "2 s" in report.error.message
    assert report.path == str(assets / "hang.jpg")
    assert after.result(WAIT).error is None


@pytest.mark.parametrize(("name", "says"), [("exit.jpg", "status 7"), ("sigkill.jpg", "SIGKILL")])
def test_worker_death_is_crashed_and_the_batch_goes_on(
    pool: WorkerPool, assets: Path, name: str, says: str
) -> None:
    """A worker that dies gives `crashed` for its asset; the others are still checked."""
    futures = [pool.submit_path(assets / n, index=i) for i, n in enumerate(["ok-1.jpg", name] * 3)]
    reports = [f.result(WAIT) for f in futures]
    assert [r.index for r in reports] == list(range(6))
    for r in reports[1::2]:
        assert r.error is not None and r.error.kind.value == "crashed"
        assert says in r.error.message
    assert all(r.error is None for r in reports[0::2])


def test_submit_bytes(pool: WorkerPool, samples_dir: Path) -> None:
    """In-memory assets are checked like files, and named as given."""
    data = (samples_dir / "ai-generated.png").read_bytes()
    report = pool.submit_bytes(data, name="upload.png", index=3).result(WAIT)
    assert report.path == "upload.png" and report.index == 3
    assert report.declaration.origin.value == "ai_generated"


def test_submit_blocks_when_full(samples_dir: Path) -> None:
    """With max_pending unresolved submissions, the next submit waits for a slot."""
    with WorkerPool(jobs=1, timeout=30, max_pending=1, before_check=pool_hooks.slow) as pool:
        first = pool.submit_path(samples_dir / "captured.jpg")
        entered = threading.Event()

        def second() -> None:
            pool.submit_path(samples_dir / "captured.jpg").result(WAIT)
            entered.set()

        thread = threading.Thread(target=second)
        thread.start()
        assert not first.done()
        assert not entered.is_set()
        first.result(WAIT)
        thread.join(WAIT)
        assert entered.is_set()


def test_submit_after_close_is_refused(samples_dir: Path) -> None:
    """A closed pool refuses new work (a usage error, not a report)."""
    pool = WorkerPool(jobs=1)
    pool.close()
    with pytest.raises(PoolClosed):
        pool.submit_path(samples_dir / "captured.jpg")


def test_terminate_resolves_everything(assets: Path) -> None:
    """terminate() kills the workers; unfinished submissions still resolve to a report."""
    pool = WorkerPool(jobs=1, timeout=None, before_check=pool_hooks.misbehave)
    futures = [pool.submit_path(assets / n) for n in ("hang.jpg", "ok-1.jpg")]
    pool.terminate()
    for future in futures:
        report = future.result(WAIT)
        assert report.error is not None and report.error.kind.value == "internal"
    assert pool.worker_pids == []


def test_a_worker_that_cannot_start_fails_every_input(samples_dir: Path) -> None:
    """Options the library rejects: each input gets an `internal` report naming the cause."""
    with WorkerPool(CheckOptions(trust_anchors_pem="x"), jobs=1) as pool:
        report = pool.submit_path(samples_dir / "captured.jpg").result(WAIT)
        assert pool.broken is not None
    assert report.error is not None and report.error.kind.value == "internal"
    assert "could not start" in report.error.message


@pytest.mark.parametrize(
    ("kwargs"),
    [
        {"jobs": 0},
        {"timeout": 0},
        {"timeout": float("nan")},
        {"timeout": float("inf")},
        {"max_pending": -1},
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, int]) -> None:
    """Jobs, timeout and max_pending must be positive; the timeout finite (None: no limit)."""
    with pytest.raises(ValueError, match="must be"):
        WorkerPool(**kwargs)  # type: ignore[arg-type]


def test_default_jobs_follow_the_affinity_mask() -> None:
    """Without `jobs`, one worker per CPU this process may run on (as containers limit it)."""
    pool = WorkerPool()
    try:
        assert pool.jobs == len(os.sched_getaffinity(0))
    finally:
        pool.close()


class HeldSend(WorkerPool):
    """A pool whose dispatcher stops in the middle of sending an in-memory asset."""

    def __init__(self, **kwargs: Any) -> None:
        self.sending = threading.Event()
        self.release = threading.Event()
        super().__init__(**kwargs)

    def _transmit(self, conn: Connection, job: Any) -> None:
        if isinstance(job.task, BytesTask):
            self.sending.set()
            self.release.wait(2 * WAIT)  # as a pipe write stalls on a large upload
        super()._transmit(conn, job)


def test_callers_are_not_blocked_by_a_send(samples_dir: Path) -> None:
    """While a large upload is being written to a worker, worker_pids and submit answer."""
    pool = HeldSend(jobs=1, timeout=None)
    try:
        data = (samples_dir / "ai-generated.png").read_bytes()
        upload = pool.submit_bytes(data, name="upload.png")
        assert pool.sending.wait(WAIT)
        answers: list[object] = []

        def probe() -> None:
            answers.append(pool.worker_pids)
            answers.append(pool.submit_path(samples_dir / "captured.jpg"))

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(WAIT)  # before the fix: blocked on the lock until the send ends
        assert len(answers) == 2
        assert not upload.done()
    finally:
        pool.release.set()
    assert upload.result(WAIT).declaration.origin.value == "ai_generated"
    pool.close()


class FlakyStart(WorkerPool):
    """A pool whose first `deaths` worker processes exit before they are ready."""

    start_backoff = (0.05, 0.1)

    def __init__(self, deaths: int, **kwargs: Any) -> None:
        self.deaths = deaths
        super().__init__(**kwargs)

    def _worker_target(self) -> Callable[..., None]:
        if self.deaths > 0:
            self.deaths -= 1
            return pool_hooks.die_at_start
        return super()._worker_target()


def test_start_failures_back_off_and_recover(samples_dir: Path) -> None:
    """Workers that die at start for a while (two rounds) do not break the pool for good."""
    with FlakyStart(5, jobs=1) as pool:
        report = pool.submit_path(samples_dir / "captured.jpg").result(WAIT)
        assert pool.broken is None
    assert report.error is None
    assert pool.deaths == 0


def test_start_failures_give_up_after_the_last_round(samples_dir: Path) -> None:
    """Workers that never start: after every pause, each input gets `internal` saying why."""
    with FlakyStart(1000, jobs=1) as pool:
        futures = [pool.submit_path(samples_dir / "captured.jpg") for _ in range(3)]
        reports = [f.result(WAIT) for f in futures]
        assert pool.broken is not None
    for report in reports:
        assert report.error is not None and report.error.kind.value == "internal"
        message = report.error.message
        assert "no worker process could start: 9 in a row" in message
        assert "exited with status 3" in message and "0.05 s and 0.1 s" in message


def test_render_runs_for_worker_and_pool_reports(assets: Path) -> None:
    """`render` shapes every result: checked in the worker, timed out in the pool alike."""
    with WorkerPool(
        jobs=1, timeout=2, before_check=pool_hooks.misbehave, render=pool_hooks.describe
    ) as pool:
        assert pool.warm_up() is None  # the warm-up still sees a whole report
        futures = [
            pool.submit_path(assets / n, index=i) for i, n in enumerate(["ok-1.jpg", "hang.jpg"])
        ]
        results = [f.result(WAIT) for f in futures]
    assert results == [("ok-1.jpg", 0, None), ("hang.jpg", 1, "timeout")]
