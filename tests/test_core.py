"""The core function: one report for every input, limits enforced."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from verify import CheckOptions, Limits, Verifier, verify_bytes, verify_path
from verify.reader import ReadKind, ReadOutcome


def test_too_large_is_not_read(tmp_path: Path, samples_dir: Path) -> None:
    """A file over max_size is reported too_large without reading it."""
    small = Verifier(CheckOptions(limits=Limits(max_size=100)))
    report = small.check_path(samples_dir / "ai-generated.jpg")
    assert report.error is not None and report.error.kind.value == "too_large"
    assert report.sha256 is None
    assert small.check_bytes(b"x" * 101).error is not None


def test_directory_and_fifo_are_unsupported(tmp_path: Path) -> None:
    """Only regular files are read; a FIFO would block forever."""
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    for target in (tmp_path, fifo):
        report = verify_path(target)
        assert report.error is not None and report.error.kind.value == "unsupported"


def test_missing_file(tmp_path: Path) -> None:
    """A missing path is unreadable."""
    report = verify_path(tmp_path / "nope.png")
    assert report.error is not None and report.error.kind.value == "unreadable"
    assert report.credentials.value == "unreadable"


def test_unreadable_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that fails (permissions, I/O error) is unreadable, with the OS's reason."""
    import verify.core

    def deny(*_: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(verify.core, "_scan_file", deny)
    p = tmp_path / "secret.jpg"
    p.write_bytes(b"\xff\xd8\xff")
    report = Verifier().check_path(p)
    assert report.error is not None and report.error.kind.value == "unreadable"
    assert report.error.message == "Permission denied"


def test_nul_byte_in_a_path_is_unreadable() -> None:
    """A name with a NUL byte (from a list file) names no file: unreadable, not a bug."""
    report = Verifier().check_path("a.jpg\0b.jpg")
    assert report.error is not None and report.error.kind.value == "unreadable"


def test_scan_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    """A FIFO reaching the read (swapped in after stat) is refused at once, not read."""
    import os

    from verify.core import _NotRegular, _scan_file

    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    with pytest.raises(_NotRegular):
        _scan_file(fifo, 1 << 20)


def test_scan_stops_at_max_size(tmp_path: Path) -> None:
    """A file that is longer than max_size when read (it grew) is not read to its end."""
    from verify.core import _Grew, _scan_file

    p = tmp_path / "big.jpg"
    p.write_bytes(b"\xff\xd8" + b"\0" * 100)
    with pytest.raises(_Grew):
        _scan_file(p, 10)
    assert _scan_file(p, 102).size == 102


def test_empty_and_random_bytes() -> None:
    """Empty and random inputs are unsupported, with a report."""
    for data in (b"", os.urandom(4096)):
        report = verify_bytes(data)
        assert report.error is not None
        assert report.error.kind.value == "unsupported"
        assert report.declaration.origin.value == "undetermined"


def test_bug_in_reader_still_yields_a_report(samples_dir: Path) -> None:
    """An unexpected exception inside the pipeline becomes an internal error report."""

    class Broken:
        def read_path(self, *_: object) -> ReadOutcome:
            raise RuntimeError("boom")

        def read_bytes(self, *_: object) -> ReadOutcome:
            raise RuntimeError("boom")

    verifier = Verifier(reader=Broken())  # type: ignore[arg-type]
    for report in (verifier.check_path(samples_dir / "captured.jpg"), verifier.check_bytes(b"x")):
        assert report.error is not None
        assert report.error.kind.value == "internal"
        assert "boom" in report.error.message


def test_hostile_store_from_reader(samples_dir: Path) -> None:
    """A manifest store of absurd shape from the reader still gives a clean report."""

    class Weird:
        def read_path(self, *_: object) -> ReadOutcome:
            store = {"active_manifest": ["x"], "manifests": {"a": {"assertions": "no"}}}
            return ReadOutcome(ReadKind.MANIFEST, store=store)

        # A small file is read from the bytes already hashed, a large one from its path.
        read_bytes = read_path

    report = Verifier(reader=Weird()).check_path(samples_dir / "captured.jpg")  # type: ignore[arg-type]
    assert report.error is None
    assert report.declaration.origin.value == "not_declared"
    assert report.provenance is None


@pytest.mark.parametrize("bad", [0, -1, True, "1"])
def test_limits_must_be_positive_integers(bad: object) -> None:
    """A limit that is not a positive integer is a configuration error."""
    with pytest.raises(ValueError, match="max_depth"):
        Limits(max_depth=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "name"), [("captured.jpg", "store.c2pa"), ("sidecar.c2pa", "m.C2PA")]
)
def test_standalone_store_by_name_in_paths_and_bytes(
    samples_dir: Path, tmp_path: Path, source: str, name: str
) -> None:
    """A `.c2pa` file is read as a manifest store from its name alone, as a path or as bytes."""
    from verify.serialize import report_to_dict

    path = tmp_path / name
    path.write_bytes((samples_dir / source).read_bytes())
    verifier = Verifier()
    by_path = report_to_dict(verifier.check_path(path, display=name))
    by_bytes = report_to_dict(verifier.check_bytes(path.read_bytes(), name=name))
    assert by_path == by_bytes
    assert by_path["credentials"] == "sidecar"
