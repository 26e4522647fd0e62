"""The batch runner: exactly one record per input, whatever the inputs do to the workers."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections import Counter
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pool_hooks
import pytest

from verify import CheckOptions, Limits, Verifier, verify_many
from verify.batch import recorded_paths, run_batch, trim_partial_line
from verify.inputs import STDIN, Input
from verify.pool import WorkerPool
from verify.report import Report
from verify.serialize import report_to_dict

NORMAL_FILES = 1000
WAIT_SECONDS = 60


def test_verify_many_matches_the_core(samples_dir: Path) -> None:
    """Every input gives one report, equal to the in-process check, with its index."""
    paths = sorted(p for p in samples_dir.glob("*.jpg"))
    reports = list(verify_many(paths, jobs=2, timeout=30))
    assert sorted(r.index for r in reports if r.index is not None) == list(range(len(paths)))
    verifier = Verifier()
    for report in reports:
        assert report.index is not None
        want = report_to_dict(verifier.check_path(paths[report.index]))
        assert report_to_dict(report) == {**want, "index": report.index}


def test_ordered_keeps_input_order(samples_dir: Path) -> None:
    """ordered=True yields reports in input order."""
    paths = [samples_dir / n for n in ("ai-edited.jpg", "captured.jpg", "no-credentials.jpg")] * 5
    reports = list(verify_many(paths, jobs=2, ordered=True))
    assert [r.index for r in reports] == list(range(len(paths)))
    assert [r.path for r in reports] == [str(p) for p in paths]


def test_hostile_directory_gives_one_record_per_input(tmp_path: Path, samples_dir: Path) -> None:
    """A hang, two crashes, an oversized file, a FIFO and 1,000 files: one record each, bounded."""
    for i in range(NORMAL_FILES):
        source = "captured.jpg" if i % 10 == 0 else "no-credentials.jpg"
        os.link(samples_dir / source, tmp_path / f"file-{i:04d}.jpg")
    shutil.copy(samples_dir / "captured.jpg", tmp_path / "hang.jpg")
    shutil.copy(samples_dir / "captured.jpg", tmp_path / "exit.jpg")
    shutil.copy(samples_dir / "captured.jpg", tmp_path / "sigkill.jpg")
    with (tmp_path / "huge.jpg").open("wb") as fh:  # sparse: over 1 GiB, no disk used
        fh.truncate((1 << 30) + 1)
    os.mkfifo(tmp_path / "pipe.jpg")

    started = time.monotonic()
    reports = list(verify_many([tmp_path], jobs=2, timeout=3, before_check=pool_hooks.misbehave))
    elapsed = time.monotonic() - started

    assert len(reports) == NORMAL_FILES + 5
    assert sorted(r.index for r in reports if r.index is not None) == list(range(len(reports)))
    by_name = {Path(r.path).name: r for r in reports}
    kinds = {n: r.error.kind.value for n, r in by_name.items() if r.error is not None}
    assert kinds == {
        "hang.jpg": "timeout",
        "exit.jpg": "crashed",
        "sigkill.jpg": "crashed",
        "huge.jpg": "too_large",
        "pipe.jpg": "unsupported",
    }
    origins = Counter(r.declaration.origin.value for r in reports if r.error is None)
    assert origins == {"captured": 100, "not_declared": 900}
    assert elapsed < 300  # bounded: far below the hang; the bound only catches a stuck run


def test_unlistable_input_is_an_unreadable_record() -> None:
    """An input known to be unreadable is reported without a worker, with its index."""
    with WorkerPool(jobs=1) as pool:
        (report,) = run_batch(pool, [Input("/nowhere", unreadable="cannot list directory: x")])
    assert report.error is not None and report.error.kind.value == "unreadable"
    assert report.index == 0 and report.path == "/nowhere"


class NoBytes(WorkerPool):
    """A pool that fails the test if an in-memory asset reaches it."""

    def submit_bytes(self, *args: Any, **kwargs: Any) -> Future[Report]:
        raise AssertionError("an oversized standard input was sent to a worker")


SMALL = CheckOptions(limits=Limits(max_size=1000))


def test_oversized_stdin_file_is_judged_by_its_size(tmp_path: Path) -> None:
    """`< big.jpg`: too_large from fstat, with the real size, without reading a byte."""
    big = tmp_path / "big.jpg"
    with big.open("wb") as fh:
        fh.truncate(50_000)
    with big.open("rb") as stdin, NoBytes(SMALL, jobs=1) as pool:
        (report,) = run_batch(pool, [Input(STDIN)], stdin=stdin)
        assert stdin.tell() == 0
    assert report.error is not None and report.error.kind.value == "too_large"
    assert (report.index, report.path, report.size) == (0, STDIN, 50_000)


def test_oversized_stdin_pipe_stops_in_the_parent() -> None:
    """A pipe over the limit is read one byte past it and reported here, not in a worker."""
    read_end, write_end = os.pipe()

    def feed() -> None:
        with os.fdopen(write_end, "wb") as out:
            out.write(b"\xff" * 5000)

    writer = threading.Thread(target=feed)
    writer.start()
    with os.fdopen(read_end, "rb") as stdin, NoBytes(SMALL, jobs=1) as pool:
        (report,) = run_batch(pool, [Input(STDIN)], stdin=stdin)
    writer.join(WAIT_SECONDS)
    assert report.error is not None and report.error.kind.value == "too_large"
    assert "more than 1000 bytes" in report.error.message and report.size is None


def test_stdin_file_within_the_limit_is_checked(samples_dir: Path) -> None:
    """A regular file on standard input under the limit is read and checked as usual."""
    with (samples_dir / "captured.jpg").open("rb") as stdin, WorkerPool(jobs=1) as pool:
        (report,) = run_batch(pool, [Input(STDIN)], stdin=stdin)
    assert report.error is None and report.declaration.origin.value == "captured"


def test_skip_keeps_indexes(samples_dir: Path) -> None:
    """Skipped inputs (already recorded) keep their place in the index numbering."""
    items = [
        Input(str(samples_dir / n)) for n in ("captured.jpg", "ai-edited.jpg", "algorithmic.jpg")
    ]
    with WorkerPool(jobs=1) as pool:
        reports = list(run_batch(pool, items, ordered=True, skip={items[1].path}))
    assert [(r.index, r.path) for r in reports] == [(0, items[0].path), (2, items[2].path)]


def test_recorded_paths(tmp_path: Path) -> None:
    """Paths of complete records; a missing file records nothing; bad lines are counted."""
    log = tmp_path / "out.jsonl"
    assert recorded_paths(log) == (set(), 0)
    log.write_text('{"path": "a.jpg"}\n\n{"path": "b.jpg"}\n{"path": "c.j')
    assert recorded_paths(log) == ({"a.jpg", "b.jpg"}, 1)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b'{"a":1}\n{"b":2}\n{"c', b'{"a":1}\n{"b":2}\n'),
        (b'{"a":1}\n', b'{"a":1}\n'),
        (b'{"a', b""),
        (b"", b""),
    ],
)
def test_trim_partial_line(tmp_path: Path, before: bytes, after: bytes) -> None:
    """A record cut off mid-write is removed before new records are appended."""
    log = tmp_path / "out.jsonl"
    log.write_bytes(before)
    trim_partial_line(log)
    assert log.read_bytes() == after


def test_options_reach_the_workers(samples_dir: Path, anchors_pem: str) -> None:
    """Trust anchors given to verify_many are used by every worker."""
    options = CheckOptions(trust_anchors_pem=anchors_pem)
    (report,) = verify_many([samples_dir / "captured.jpg"], jobs=1, options=options)
    assert report.signer is not None and report.signer.trust.value == "trusted"
