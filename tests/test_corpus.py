"""The development corpus: one report per file, no crash, labels agree."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS

pytestmark = pytest.mark.skipif(
    not (CORPUS / "labels.tsv").exists(), reason="../shared/corpus absent"
)


def labels() -> dict[str, dict[str, str]]:
    with (CORPUS / "labels.tsv").open(newline="") as fh:
        return {row["path"]: row for row in csv.DictReader(fh, delimiter="\t")}


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    """The CLI's JSONL over the whole corpus, keyed by path relative to files/."""
    files = CORPUS / "files"
    proc = subprocess.run(
        [sys.executable, "-m", "verify", "check", "-f", "jsonl", str(files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert "Traceback" not in proc.stderr
    out: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        record = json.loads(line)
        out[str(Path(record["path"]).relative_to(files))] = record
    return out


def test_one_record_per_file(records: dict[str, dict[str, Any]]) -> None:
    """Every file under corpus/files yields exactly one record."""
    on_disk = {
        str(p.relative_to(CORPUS / "files")) for p in (CORPUS / "files").rglob("*") if p.is_file()
    }
    assert set(records) == on_disk


def test_records_are_schema_valid(
    records: dict[str, dict[str, Any]], validate_record: Callable[[dict[str, Any]], None]
) -> None:
    """Every record validates against the shipped schema."""
    for record in records.values():
        validate_record(record)


def test_declarations_match_labels(records: dict[str, dict[str, Any]]) -> None:
    """origin and declares_ai agree with the reference labels wherever a label is given."""
    mismatches = []
    for path, row in labels().items():
        record = records[path]
        if row["origin"]:
            got = (record["declaration"]["origin"], record["declaration"]["declares_ai"])
            want = (row["origin"], row["declares_ai"] == "true")
            if got != want:
                mismatches.append((path, got, want))
    assert mismatches == []


def test_library_outcomes_match_labels(records: dict[str, dict[str, Any]]) -> None:
    """No-manifest files read as `none`, errors as unreadable or remote, states agree."""
    for path, row in labels().items():
        record = records[path]
        if row["has_manifest"] == "no":
            assert record["credentials"] == "none", path
        elif row["has_manifest"] == "error":
            assert record["credentials"] in ("unreadable", "remote"), path
            if "Remote:" in row["error"]:
                assert record["credentials"] == "remote"
                assert record["remote_url"].startswith(("http://", "https://"))
            else:
                assert record["error"]["kind"] == "malformed", path
        elif path.endswith(".c2pa"):
            assert record["credentials"] == "sidecar"
        else:
            assert record["credentials"] == "embedded", path
            assert record["validation"]["state"] == row["state_default"].lower(), path
