"""Mutation corpus: 1,000+ damaged variants of samples/ through the batch command line.

Each variant is one sample with one deterministic mutation (seeded): truncation, a bit
flip anywhere, a bit flip in the image data, a segment duplicated, removed or swapped with
its neighbour, bytes inserted. The whole directory goes through `c2pa-verify check -f
jsonl --jobs 2` in a subprocess, as a user runs it. Promises checked:

- exactly one record per variant, each valid against the report schema;
- no traceback anywhere (stdout or stderr), no `internal` error, every error has a kind;
- no variant whose bytes differ from the signed original outside the C2PA segments (the
  regions the data hash covers) is reported `intact`. JPEG, PNG and WebP are split into
  segments for this; TIFF (the manifest sits in an IFD tag) and `.c2pa` stores are mutated
  and checked for the other promises only.
"""

from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from verify import media

SEED = 20261125
VARIANTS_PER_SAMPLE = 48
#: Generous: the run takes well under a minute on two shared cores.
RUN_TIMEOUT = 600


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    #: Part of the C2PA manifest store (excluded from the data hash).
    manifest: bool
    #: Compressed image data (a bit flipped here must never be intact).
    image_data: bool = False


def _jpeg_segments(data: bytes) -> list[Segment] | None:
    if not data.startswith(b"\xff\xd8"):
        return None
    out = [Segment(0, 2, False)]
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if end > len(data):
            return None
        out.append(Segment(pos, end, manifest=marker == 0xEB))
        pos = end
        if marker == 0xDA:  # the scan runs to the end of the file (EOI included)
            out.append(Segment(pos, len(data), False, image_data=True))
            return out
    return None


def _png_segments(data: bytes) -> list[Segment] | None:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    out = [Segment(0, 8, False)]
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return None
        out.append(Segment(pos, end, manifest=kind == b"caBX", image_data=kind == b"IDAT"))
        pos = end
    return out if pos == len(data) else None


def _riff_segments(data: bytes) -> list[Segment] | None:
    if not data.startswith(b"RIFF") or len(data) < 12:
        return None
    out = [Segment(0, 12, False)]
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + length + (length & 1)
        if end > len(data):
            return None
        out.append(
            Segment(pos, end, manifest=kind == b"C2PA", image_data=kind in (b"VP8 ", b"VP8L"))
        )
        pos = end
    return out if pos == len(data) else None


SEGMENTERS: dict[str, Callable[[bytes], list[Segment] | None]] = {
    ".jpg": _jpeg_segments,
    ".png": _png_segments,
    ".webp": _riff_segments,
}


def hashed_view(name: str, data: bytes) -> bytes | None:
    """The bytes the data hash covers (all but the C2PA segments); None if unparseable.

    RIFF sizes in the header change when the manifest chunk does, so they are left out.
    """
    segmenter = SEGMENTERS.get(Path(name).suffix)
    segments = segmenter(data) if segmenter else None
    if segments is None:
        return None
    view = b"".join(data[s.start : s.end] for s in segments if not s.manifest)
    return view[:4] + view[8:] if name.endswith(".webp") else view


def _flip(data: bytes, offset: int, rng: random.Random) -> bytes:
    out = bytearray(data)
    out[offset] ^= 1 << rng.randrange(8)
    return bytes(out)


def mutate(name: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One mutation of one asset: (what was done, the new bytes)."""
    segmenter = SEGMENTERS.get(Path(name).suffix)
    segments = (segmenter(data) if segmenter else None) or [Segment(0, len(data), False)]
    op = rng.choice(
        ["truncate", "flip", "flip-image", "duplicate", "remove", "swap", "insert", "flip-many"]
    )
    if op == "truncate":
        return op, data[: rng.randrange(len(data))]
    if op == "flip":
        return op, _flip(data, rng.randrange(len(data)), rng)
    if op == "flip-many":
        for _ in range(rng.randrange(2, 32)):
            data = _flip(data, rng.randrange(len(data)), rng)
        return op, data
    if op == "flip-image":
        images = [s for s in segments if s.image_data] or segments
        seg = rng.choice(images)
        return op, _flip(data, rng.randrange(seg.start, seg.end), rng)
    if op == "insert":
        at = rng.randrange(len(data))
        return op, data[:at] + rng.randbytes(rng.randrange(1, 64)) + data[at:]
    i = rng.randrange(len(segments))
    parts = [data[s.start : s.end] for s in segments]
    if op == "duplicate":
        parts.insert(i, parts[i])
    elif op == "remove":
        del parts[i]
    elif i + 1 < len(parts):  # swap with the next segment
        parts[i], parts[i + 1] = parts[i + 1], parts[i]
    else:
        parts[0], parts[-1] = parts[-1], parts[0]
    return op, b"".join(parts)


@dataclass(frozen=True)
class Variant:
    source: str
    op: str
    #: Bytes differ from the signed original outside the C2PA segments (or cannot be split).
    hashed_changed: bool


def sources(samples_dir: Path) -> list[Path]:
    """Every sample asset (sidecars included); the remote one only as its .c2pa."""
    found = [p for p in samples_dir.rglob("*") if p.is_file() and media.is_known_media(p.name)]
    return sorted(found)


def make_variants(samples_dir: Path, out: Path) -> dict[str, Variant]:
    """Write the variants into `out`; returns them by file path."""
    rng = random.Random(SEED)
    variants: dict[str, Variant] = {}
    for source in sources(samples_dir):
        original = source.read_bytes()
        signed_view = hashed_view(source.name, original)
        for n in range(VARIANTS_PER_SAMPLE):
            op, data = mutate(source.name, original, rng)
            path = out / f"{source.stem}-{n:02d}-{op}{source.suffix}"
            path.write_bytes(data)
            view = hashed_view(source.name, data)
            changed = signed_view is not None and (view is None or view != signed_view)
            variants[str(path)] = Variant(source.name, op, changed)
    return variants


def test_mutate_is_deterministic(samples_dir: Path) -> None:
    """The same seed gives the same variants (a failure can be reproduced)."""
    data = (samples_dir / "ai-generated.jpg").read_bytes()
    first = [mutate("a.jpg", data, random.Random(7)) for _ in range(3)]
    again = [mutate("a.jpg", data, random.Random(7)) for _ in range(3)]
    assert first == again


def test_hashed_view_ignores_only_the_manifest(samples_dir: Path) -> None:
    """Removing the C2PA segments keeps the hashed view; a pixel bit flip changes it."""
    data = (samples_dir / "ai-generated.jpg").read_bytes()
    segments = _jpeg_segments(data)
    assert segments is not None and any(s.manifest for s in segments)
    stripped = b"".join(data[s.start : s.end] for s in segments if not s.manifest)
    assert hashed_view("x.jpg", stripped) == hashed_view("x.jpg", data)
    scan = next(s for s in segments if s.image_data)
    assert hashed_view("x.jpg", _flip(data, scan.start + 10, random.Random(1))) != (
        hashed_view("x.jpg", data)
    )


@pytest.fixture(scope="module")
def mutation_run(
    samples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Variant], subprocess.CompletedProcess[str]]:
    out = tmp_path_factory.mktemp("variants")
    variants = make_variants(samples_dir, out)
    proc = subprocess.run(
        [sys.executable, "-m", "verify", "check", str(out), "-f", "jsonl", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    return variants, proc


def _records(proc: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_one_schema_valid_record_per_variant(
    mutation_run: tuple[dict[str, Variant], subprocess.CompletedProcess[str]],
    validate_record: Callable[[dict[str, Any]], None],
) -> None:
    """1,000+ variants give exactly one schema-valid record each; the exit code is 3."""
    variants, proc = mutation_run
    assert len(variants) >= 1000
    assert proc.returncode == 3, proc.stderr[-2000:]  # some could not be checked
    records = _records(proc)
    assert sorted(r["path"] for r in records) == sorted(variants)
    for record in records:
        validate_record(record)


def test_no_traceback_and_every_error_has_a_kind(
    mutation_run: tuple[dict[str, Variant], subprocess.CompletedProcess[str]],
) -> None:
    """No traceback in any output; errors carry a kind other than internal."""
    _, proc = mutation_run
    assert "Traceback" not in proc.stdout + proc.stderr
    for record in _records(proc):
        if record["error"] is not None:
            assert record["error"]["kind"] not in (None, "", "internal"), record


def test_no_changed_variant_is_intact(
    mutation_run: tuple[dict[str, Variant], subprocess.CompletedProcess[str]],
) -> None:
    """A variant whose hashed bytes differ from the signed original is never intact."""
    variants, proc = mutation_run
    wrong = [
        (r["path"], variants[r["path"]].op)
        for r in _records(proc)
        if r["integrity"] == "intact" and variants[r["path"]].hashed_changed
    ]
    assert wrong == []


def test_image_data_flips_are_covered(
    mutation_run: tuple[dict[str, Variant], subprocess.CompletedProcess[str]],
) -> None:
    """The run includes pixel-data bit flips of signed assets, none of them intact."""
    variants, proc = mutation_run
    by_path = {r["path"]: r for r in _records(proc)}
    flips = [p for p, v in variants.items() if v.op == "flip-image" and v.hashed_changed]
    assert len(flips) >= 50
    assert all(by_path[p]["integrity"] != "intact" for p in flips)
