"""Output safety: hostile file names and manifest strings in text, JSON, JSONL and CSV.

File names are made in a temporary directory with the bytes an attacker would choose: a
terminal escape sequence, a newline, a spreadsheet formula, a bidi override, and bytes
that are not UTF-8. The command runs in a subprocess with a strict UTF-8 standard output,
as on a terminal.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from builders import IPTC, ingredient, manifest, store

from fuzz.harnesses import StoreReader
from verify.core import CheckOptions, Verifier
from verify.render_csv import escape_cell, report_to_csv_line
from verify.render_text import render_report
from verify.serialize import report_to_json
from verify.textsafe import one_line, valid_unicode

ESC_NAME = "a\x1b[31mred\x1b]0;title\x07\nline.jpg"
FORMULA_NAME = '=HYPERLINK("http:\\x","y").jpg'
BIDI_NAME = "evil\u202egpj.jpg"
RAW_NAME = b"b\xff\xfe.jpg"
HOSTILE = "\x1b[2J\x1b]8;;http://evil\x07click\x1b]8;;\x07\r\n=cmd|' /C calc'!A0\u202e\x9b1m"
#: Bytes a terminal acts on: C0 controls but newline (and CR, ending CSV records), ESC,
#: DEL, C1 controls in UTF-8, and the bidi override.
TERMINAL_BYTES = (b"\x1b", b"\x07", b"\x7f", b"\xc2\x9b", b"\xe2\x80\xae", b"\x00")


@pytest.fixture
def hostile_dir(tmp_path: Path, samples_dir: Path) -> Path:
    """Four samples under hostile names (one signed, with a manifest)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(samples_dir / "ai-generated.jpg", folder / ESC_NAME)
    for name in (FORMULA_NAME, BIDI_NAME):
        shutil.copy(samples_dir / "no-credentials.jpg", folder / name)
    shutil.copy(samples_dir / "no-credentials.jpg", os.fsdecode(bytes(folder) + b"/" + RAW_NAME))
    return folder


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    return subprocess.run(
        [sys.executable, "-m", "verify", "check", "-j", "1", *args],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


def assert_no_terminal_bytes(out: bytes) -> None:
    for bad in TERMINAL_BYTES:
        assert bad not in out, (bad, out[:400])


def test_text_output_escapes_hostile_names(hostile_dir: Path) -> None:
    """Text view: every name on one line, escapes shown as text, no crash on bad UTF-8."""
    proc = run(str(hostile_dir))
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert_no_terminal_bytes(proc.stdout)
    text = proc.stdout.decode("utf-8")
    assert "a\\u001b[31mred\\u001b]0;title\\u0007\\nline.jpg" in text
    assert "evil\\u202egpj.jpg" in text
    assert "b\\xff\\xfe.jpg" in text
    headers = [line for line in text.splitlines() if line.startswith(str(hostile_dir))]
    assert len(headers) == 4


def test_jsonl_is_one_valid_line_per_record(hostile_dir: Path) -> None:
    """JSONL: exactly one ASCII line per input, valid UTF-8 once decoded, names kept."""
    proc = run(str(hostile_dir), "-f", "jsonl")
    assert proc.returncode == 0
    assert proc.stdout.isascii()
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 4
    names = {Path(json.loads(line)["path"]).name for line in lines}
    for name in names:
        name.encode("utf-8")  # no lone surrogate reaches a consumer
    assert names == {ESC_NAME, FORMULA_NAME, BIDI_NAME, "b\\xff\\xfe.jpg"}


def test_json_document_parses(hostile_dir: Path) -> None:
    """-f json: one array of four objects, strict-JSON text."""
    proc = run(str(hostile_dir), "-f", "json")
    assert proc.returncode == 0
    assert len(json.loads(proc.stdout)) == 4


def test_csv_rows_are_single_lines_without_formulas(hostile_dir: Path) -> None:
    """CSV: header plus one physical line per input; the formula name is defused."""
    proc = run(str(hostile_dir), "-f", "csv")
    assert proc.returncode == 0
    assert_no_terminal_bytes(proc.stdout)
    physical = proc.stdout.decode("utf-8").split("\r\n")
    assert physical[-1] == "" and len(physical) == 6
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8"), newline="")))
    paths = {Path(r["path"]).name for r in rows}
    assert "a\\u001b[31mred\\u001b]0;title\\u0007\\nline.jpg" in paths
    for row in rows:
        for cell in row.values():
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), cell


def test_csv_file_with_undecodable_name(hostile_dir: Path, tmp_path: Path) -> None:
    """-o out.csv with a non-UTF-8 file name in the input writes it as \\xff, no crash."""
    out = tmp_path / "out.csv"
    proc = run(str(hostile_dir), "-f", "csv", "-o", str(out))
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"Traceback" not in proc.stderr
    assert "b\\xff\\xfe.jpg" in out.read_text("utf-8")


def test_resume_recognises_undecodable_names(hostile_dir: Path, tmp_path: Path) -> None:
    """--resume skips a recorded non-UTF-8 name instead of checking it twice."""
    out = tmp_path / "out.jsonl"
    assert run(str(hostile_dir), "-f", "jsonl", "-o", str(out)).returncode == 0
    again = run(str(hostile_dir), "-f", "jsonl", "--resume", str(out), "-o", str(out))
    assert again.returncode == 0
    assert len(out.read_text().splitlines()) == 4


def _hostile_report() -> Any:
    active = manifest(
        actions=[
            {
                "action": "c2pa.created",
                "digitalSourceType": IPTC + "trainedAlgorithmicMedia",
                "softwareAgent": {"name": HOSTILE, "version": HOSTILE},
            },
            {"action": HOSTILE, "description": HOSTILE},
        ],
        ingredients=[ingredient(HOSTILE, "parent", title=HOSTILE)],
    )
    active["title"] = HOSTILE
    active["claim_generator"] = HOSTILE
    parent = manifest(actions=[{"action": "c2pa.created", "softwareAgent": HOSTILE}])
    doc = store({"active": active, "parent": parent})
    doc["validation_status"] = [{"code": HOSTILE, "explanation": HOSTILE}]
    verifier = Verifier(CheckOptions(), reader=StoreReader(doc))
    return verifier.check_bytes(b"jumb", name=HOSTILE, media_type="image/jpeg")


def test_manifest_strings_in_text_are_escaped() -> None:
    """Hostile titles, actions, agents, relationships and codes render as inert text."""
    text = render_report(_hostile_report())
    assert HOSTILE[:4] not in text
    assert_no_terminal_bytes(text.encode("utf-8"))
    assert "\\u001b[2J" in text


def test_manifest_strings_in_json_and_csv() -> None:
    """JSONL keeps the strings exactly (escaped); the CSV record is one defused line."""
    report = _hostile_report()
    line = report_to_json(report)
    assert line.isascii() and "\n" not in line
    assert json.loads(line)["declaration"]["ai_tools"] == [HOSTILE]
    row = report_to_csv_line(report)
    assert row.count("\r\n") == 1 and row.endswith("\r\n") and "\n" not in row[:-2]
    assert_no_terminal_bytes(row.encode("utf-8"))
    cells = next(csv.reader(io.StringIO(row)))
    assert cells[1].startswith("\\u001b")  # the path, as text
    ai_tools = cells[17]
    assert ai_tools.startswith("\\u001b[2J")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("  =1+1", "'  =1+1"),
        ("\uff1dcmd", "'\uff1dcmd"),
        ("x =1", "x =1"),
    ],
)
def test_escape_cell_looks_through_spaces_and_full_width(value: str, cell: str) -> None:
    """Leading spaces and full-width formula characters are defused too."""
    assert escape_cell(value) == cell


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb\rc\td", "a\\nb\\rc d"),
        ("\x1b[0m\x07\x9b", "\\u001b[0m\\u0007\\u009b"),
        ("\u202eabc\u2066", "\\u202eabc\\u2066"),
        ("x\udcffy", "x\\xffy"),
        ("x\ud800", "x\\ud800"),
        ("caf\u00e9 \u65e5\u672c", "caf\u00e9 \u65e5\u672c"),
    ],
)
def test_one_line(text: str, shown: str) -> None:
    """Controls, newlines, bidi and lone surrogates are spelled out; letters are kept."""
    assert one_line(text) == shown


def test_valid_unicode_keeps_newlines() -> None:
    """valid_unicode only mends surrogates (JSON escapes the rest itself)."""
    assert valid_unicode("a\n\udcfe") == "a\n\\xfe"
