"""The command line at batch scale: jobs, timeouts, lists, resume, CSV, progress, summary."""

from __future__ import annotations

import csv
import io
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from verify import CheckOptions
from verify.cli import CheckArgs, ConfigError, main, run_check
from verify.outcome import DEFAULT_FAIL_ON, ExitCode
from verify.writers import OutputFormat

ANCHORS = ["--trust-anchors", "samples/trust/anchors.pem"]
REMOTE_URL = b"http://127.0.0.1:9/manifests/remote-manifest.c2pa"


@pytest.fixture
def run(samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    monkeypatch.chdir(samples_dir.parent)

    def invoke(*args: str, stdin: bytes | None = None) -> Any:
        return CliRunner().invoke(main, list(args), input=stdin)

    return invoke


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def without_index(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "index"}


def test_jobs_do_not_change_the_records(run: Callable[..., Any]) -> None:
    """--jobs 1 and --jobs 2 give the same records (by index) over samples/."""
    one = records(run("check", "-f", "jsonl", "--jobs", "1", *ANCHORS, "samples").stdout)
    two = records(run("check", "-f", "jsonl", "--jobs", "2", *ANCHORS, "samples").stdout)
    assert sorted(r["index"] for r in two) == list(range(len(two)))
    assert sorted(one, key=lambda r: r["index"]) == sorted(two, key=lambda r: r["index"])


def test_ordered(run: Callable[..., Any]) -> None:
    """--ordered writes records in input order."""
    out = records(run("check", "-f", "jsonl", "--jobs", "2", "--ordered", "samples").stdout)
    assert [r["index"] for r in out] == list(range(len(out)))


def test_summary_counts_by_verdict(
    run: Callable[..., Any], expected: dict[str, dict[str, Any]]
) -> None:
    """The end-of-batch summary on stderr counts origins, integrity and errors."""
    result = run("check", "-f", "jsonl", *ANCHORS, "samples")
    generated = sum(e["origin"] == "ai_generated" for e in expected.values())
    assert "could not be checked" in result.stderr
    assert f"ai_generated {generated}" in result.stderr
    assert "tampered 1" in result.stderr
    assert "malformed 2, unsupported 1" in result.stderr
    assert len(records(result.stdout)) == len(expected)  # stdout holds only records


def test_from_file_and_stdin_list(run: Callable[..., Any], tmp_path: Path) -> None:
    """--from-file reads paths one per line, from a file or from standard input."""
    listing = "samples/captured.jpg\nsamples/ai-edited.jpg\n\nsamples/remote\n"
    (tmp_path / "list.txt").write_text(listing)
    from_file = run("check", "-f", "jsonl", "--ordered", "--from-file", str(tmp_path / "list.txt"))
    from_stdin = run(
        "check", "-f", "jsonl", "--ordered", "--from-file", "-", stdin=listing.encode()
    )
    for result in (from_file, from_stdin):
        paths = [r["path"] for r in records(result.stdout)]
        assert paths == [
            "samples/captured.jpg",
            "samples/ai-edited.jpg",
            "samples/remote/remote-manifest.c2pa",
        ]


def test_from_file_errors(run: Callable[..., Any], tmp_path: Path) -> None:
    """A missing list, or stdin used twice, or no input at all: usage errors."""
    assert run("check", "--from-file", str(tmp_path / "nope")).exit_code == ExitCode.USAGE
    assert run("check", "--from-file", "-", "-", stdin=b"").exit_code == ExitCode.USAGE
    assert run("check").exit_code == ExitCode.USAGE


def test_settings_the_library_rejects_are_a_config_error(samples_dir: Path) -> None:
    """Found by the first worker before any output: exit 2, nothing written."""
    args = CheckArgs(
        paths=(str(samples_dir / "captured.jpg"),),
        fmt=OutputFormat.CSV,
        output=None,
        options=CheckOptions(trust_anchors_pem="not a certificate"),
        fail_on=DEFAULT_FAIL_ON,
        jobs=1,
    )
    out = io.StringIO()
    with pytest.raises(ConfigError) as caught:
        run_check(args, out)
    assert caught.value.exit_code == ExitCode.USAGE
    assert "rejects these settings" in caught.value.message
    assert out.getvalue() == ""


def test_the_batch_parent_never_loads_c2pa(samples_dir: Path, tmp_path: Path) -> None:
    """Only the workers import the native library; the parent walks, feeds and writes."""
    script = (
        "import sys\n"
        "from verify.cli import main\n"
        "try:\n"
        f"    main(['check', '-f', 'jsonl', '-o', {str(tmp_path / 'o.jsonl')!r},"
        f" {str(samples_dir)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('c2pa' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout.strip() == "False", result.stderr
    assert len((tmp_path / "o.jsonl").read_text().splitlines()) > 20


@pytest.mark.parametrize("value", ["nan", "inf", "1e400", "NaN"])
def test_timeout_must_be_finite(run: Callable[..., Any], value: str) -> None:
    """`--timeout nan` or `inf` is a usage error, not a batch of `internal` records."""
    result = run("check", "-f", "jsonl", "--timeout", value, "samples/captured.jpg")
    assert result.exit_code == ExitCode.USAGE
    assert "finite" in result.output
    assert result.stdout == ""


def test_a_huge_finite_timeout_is_no_limit_in_practice(run: Callable[..., Any]) -> None:
    """A timeout far past what the OS wait takes (~24 days) still checks the input."""
    result = run("check", "-f", "jsonl", "--timeout", "1e12", "samples/captured.jpg")
    assert result.exit_code == ExitCode.OK
    assert records(result.stdout)[0]["error"] is None


def test_resume_appends_only_what_is_missing(run: Callable[..., Any], tmp_path: Path) -> None:
    """--resume into the same file: a cut-off last record is dropped, the rest completed once."""
    out = tmp_path / "out.jsonl"
    run("check", "-f", "jsonl", "--ordered", "-o", str(out), "samples")
    full = out.read_text().splitlines()
    out.write_text("\n".join(full[:5]) + "\n" + full[5][:40])  # an interrupted run
    result = run("check", "-f", "jsonl", "--resume", str(out), "-o", str(out), "samples")
    assert "5 inputs already recorded" in result.stderr
    again = records(out.read_text())
    assert len(again) == len(full)
    assert sorted(json.dumps(r, sort_keys=True) for r in again) == sorted(
        json.dumps(json.loads(line), sort_keys=True) for line in full
    )


def test_resume_to_other_output(run: Callable[..., Any], tmp_path: Path) -> None:
    """--resume with a different -o writes only the inputs not yet recorded."""
    done = tmp_path / "done.jsonl"
    run("check", "-f", "jsonl", "-o", str(done), "samples/captured.jpg")
    result = run(
        "check",
        "-f",
        "jsonl",
        "--resume",
        str(done),
        "samples/captured.jpg",
        "samples/ai-edited.jpg",
    )
    assert [r["path"] for r in records(result.stdout)] == ["samples/ai-edited.jpg"]
    assert [r["index"] for r in records(result.stdout)] == [1]


def test_resume_into_csv_file_is_refused(run: Callable[..., Any], tmp_path: Path) -> None:
    """Appending CSV to the JSONL being resumed would corrupt it: a usage error."""
    out = str(tmp_path / "out.jsonl")
    result = run("check", "-f", "csv", "--resume", out, "-o", out, "samples/captured.jpg")
    assert result.exit_code == ExitCode.USAGE


def test_csv_columns_and_formula_escaping(
    run: Callable[..., Any], tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CSV has a header and one row per input; formula-like cells are neutralised."""
    from verify.render_csv import COLUMNS

    monkeypatch.chdir(tmp_path)
    shutil.copy(samples_dir / "ai-generated.jpg", tmp_path / "=HYPERLINK(1).jpg")
    anchors = str(samples_dir / "trust" / "anchors.pem")
    result = run(
        "check",
        "-f",
        "csv",
        "--ordered",
        "--trust-anchors",
        anchors,
        "=HYPERLINK(1).jpg",
        str(samples_dir / "captured.jpg"),
    )
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 3
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["path"] == "'=HYPERLINK(1).jpg"
    assert row["origin"] == "ai_generated" and row["declares_ai"] == "true"
    assert row["ai_tools"] == "Sample Diffusion"
    assert row["index"] == "0"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM", "'@SUM"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
    ],
)
def test_escape_cell(value: str, cell: str) -> None:
    """Values starting with = + - @ tab or CR get a leading quote; others are unchanged."""
    from verify.render_csv import escape_cell

    assert escape_cell(value) == cell


def test_fifo_and_oversized_in_a_directory(
    run: Callable[..., Any], tmp_path: Path, samples_dir: Path
) -> None:
    """A FIFO is unsupported (never opened) and a file over --max-size is too_large."""
    os.mkfifo(tmp_path / "pipe.jpg")
    shutil.copy(samples_dir / "captured.jpg", tmp_path / "big.jpg")
    (tmp_path / "small.jpg").write_bytes((samples_dir / "no-credentials.jpg").read_bytes()[:10])
    result = run("check", "-f", "jsonl", "--max-size", "5000", str(tmp_path))
    kinds = {Path(r["path"]).name: (r["error"] or {}).get("kind") for r in records(result.stdout)}
    assert kinds == {"big.jpg": "too_large", "pipe.jpg": "unsupported", "small.jpg": "malformed"}
    assert result.exit_code == ExitCode.NOT_CHECKED


def test_documents_in_a_directory_are_checked(
    run: Callable[..., Any], tmp_path: Path, samples_dir: Path, signed_docx: Path
) -> None:
    """A directory walk picks up a signed .docx (and an ODF/EPUB would be too) and reads it."""
    shutil.copy(signed_docx, tmp_path / "report.docx")
    shutil.copy(samples_dir / "captured.jpg", tmp_path / "photo.jpg")
    (tmp_path / "notes.txt").write_text("not media")
    result = run("check", "-f", "jsonl", "--ordered", *ANCHORS, str(tmp_path))
    got = {Path(r["path"]).name: r for r in records(result.stdout)}
    assert sorted(got) == ["photo.jpg", "report.docx"]
    docx = got["report.docx"]
    assert docx["media_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (docx["credentials"], docx["integrity"]) == ("embedded", "intact")
    assert docx["signer"]["trust"] == "trusted"
    assert docx["declaration"]["origin"] == "ai_generated"
    assert result.exit_code == ExitCode.OK


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback HTTP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in accepted:
        conn.close()
    server.close()


def test_remote_manifest_that_never_answers_times_out(
    run: Callable[..., Any], tmp_path: Path, samples_dir: Path, silent_server: int
) -> None:
    """--allow-network with a remote manifest on a silent server: `timeout`, the rest checked."""
    url = f"http://127.0.0.1:{silent_server}/m/".encode()
    url += b"x" * (len(REMOTE_URL) - len(url) - 5) + b".c2pa"  # same length: XMP stays valid
    data = (samples_dir / "remote-manifest.jpg").read_bytes()
    assert REMOTE_URL in data
    (tmp_path / "hangs.jpg").write_bytes(data.replace(REMOTE_URL, url))
    shutil.copy(samples_dir / "captured.jpg", tmp_path / "fine.jpg")
    result = run(
        "check", "-f", "jsonl", "--allow-network", "--timeout", "2", "--jobs", "2", str(tmp_path)
    )
    kinds = {Path(r["path"]).name: (r["error"] or {}).get("kind") for r in records(result.stdout)}
    assert kinds == {"hangs.jpg": "timeout", "fine.jpg": None}


def test_records_are_written_while_the_runner_waits(
    run: Callable[..., Any], tmp_path: Path, samples_dir: Path, silent_server: int
) -> None:
    """Records already complete are in the -o file while a slow input is still running."""
    url = f"http://127.0.0.1:{silent_server}/m/".encode()
    url += b"x" * (len(REMOTE_URL) - len(url) - 5) + b".c2pa"
    data = (samples_dir / "remote-manifest.jpg").read_bytes()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "zz-hangs.jpg").write_bytes(data.replace(REMOTE_URL, url))
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        shutil.copy(samples_dir / "captured.jpg", tmp_path / "in" / name)
    out = tmp_path / "out.jsonl"
    args = ("check", "-f", "jsonl", "-o", str(out), "--allow-network", "--timeout", "12")
    runner = threading.Thread(target=run, args=(*args, "--jobs", "1", str(tmp_path / "in")))
    runner.start()
    lines = 0
    while runner.is_alive() and lines < 3:
        time.sleep(0.05)
        lines = out.read_bytes().count(b"\n") if out.exists() else 0
    waiting = runner.is_alive()  # still on the hanging input: its timeout has not come
    runner.join(60)
    assert lines == 3 and waiting
    assert len(records(out.read_text())) == 4


def test_progress_on_a_terminal(samples_dir: Path, tmp_path: Path) -> None:
    """With stderr on a terminal a progress display is drawn there; stdout stays clean JSONL."""
    master, slave = os.openpty()
    out = tmp_path / "out.jsonl"
    with out.open("wb") as stdout:
        proc = subprocess.Popen(
            [sys.executable, "-m", "verify", "check", "-f", "jsonl", str(samples_dir)],
            stdout=stdout,
            stderr=slave,
            stdin=subprocess.DEVNULL,
        )
    os.close(slave)
    terminal = b""
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer closed the terminal
                break
            if not chunk:
                break
            terminal += chunk
        proc.wait(timeout=60)
    finally:
        os.close(master)
        proc.kill()
    assert b"checked" in terminal and b"not checked" in terminal
    assert all(json.loads(line)["schema_version"] for line in out.read_text().splitlines())


def test_no_progress_when_not_a_terminal(run: Callable[..., Any]) -> None:
    """Piped stderr gets the summary only, no progress display."""
    result = run("check", "-f", "jsonl", "samples")
    assert "\x1b[" not in result.stderr


def test_no_fast_path_flag(run: Callable[..., Any]) -> None:
    """--no-fast-path gives the same record (it only costs time)."""
    fast = records(run("check", "-f", "jsonl", "samples/no-credentials.jpg").stdout)
    full = records(
        run("check", "-f", "jsonl", "--no-fast-path", "samples/no-credentials.jpg").stdout
    )
    assert fast == full and fast[0]["credentials"] == "none"


def test_records_without_index_equal_single_checks(run: Callable[..., Any]) -> None:
    """A batch record is the single-file record plus its index."""
    batch = {r["path"]: r for r in records(run("check", "-f", "jsonl", "samples").stdout)}
    single = records(run("check", "-f", "jsonl", "samples/ai-composite.jpg").stdout)[0]
    assert without_index(batch["samples/ai-composite.jpg"]) == without_index(single)


def test_hostile_directory_through_the_command_line(
    run: Callable[..., Any], tmp_path: Path, samples_dir: Path, silent_server: int
) -> None:
    """A silent remote manifest, a FIFO, an oversized file and 1,000 files: one line each."""
    url = f"http://127.0.0.1:{silent_server}/m/".encode()
    url += b"x" * (len(REMOTE_URL) - len(url) - 5) + b".c2pa"
    (tmp_path / "hangs.jpg").write_bytes(
        (samples_dir / "remote-manifest.jpg").read_bytes().replace(REMOTE_URL, url)
    )
    os.mkfifo(tmp_path / "pipe.jpg")
    with (tmp_path / "huge.jpg").open("wb") as fh:  # sparse
        fh.truncate(200_000)
    for i in range(1000):
        source = "captured.jpg" if i % 10 == 0 else "no-credentials.jpg"
        os.link(samples_dir / source, tmp_path / f"file-{i:04d}.jpg")
    result = run(
        "check", "-f", "jsonl", "--allow-network", "--timeout", "3", "--jobs", "2",
        "--max-size", "100000", str(tmp_path),
    )  # fmt: skip
    out = records(result.stdout)
    assert len(out) == 1003
    assert sorted(r["index"] for r in out) == list(range(1003))
    kinds = {Path(r["path"]).name: r["error"]["kind"] for r in out if r["error"]}
    assert kinds == {"hangs.jpg": "timeout", "pipe.jpg": "unsupported", "huge.jpg": "too_large"}
    assert result.exit_code == ExitCode.NOT_CHECKED
    assert "1003 inputs: 1000 checked, 3 could not be checked" in result.stderr
