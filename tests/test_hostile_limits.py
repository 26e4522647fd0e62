"""Resource limits end to end: every limit is configurable, tested, and named in the report.

Manifest graphs are fed to the real core (`Verifier.check_bytes`) through a reader that
returns a given store (fuzz/harnesses.py `StoreReader`), so that parse, the policies,
provenance and the serializers all see them. Files, trees and links go through the
command line.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from builders import IPTC, ingredient, manifest, store
from click.testing import CliRunner
from PIL import Image

from fuzz.harnesses import StoreReader
from verify.cli import main
from verify.core import CheckOptions, Verifier
from verify.images import open_image
from verify.inputs import expand
from verify.limits import DEFAULT_LIMITS, LIMIT_NAMES, Limits, with_overrides
from verify.reader import ReadOutcome
from verify.report import ProvenanceNode, Report
from verify.serialize import report_to_json

AI = IPTC + "trainedAlgorithmicMedia"
CREATED_AI = {"action": "c2pa.created", "digitalSourceType": AI}


def check_store(doc: dict[str, Any], limits: Limits = DEFAULT_LIMITS) -> Report:
    verifier = Verifier(CheckOptions(limits=limits), reader=StoreReader(doc))
    report = verifier.check_bytes(b"jumb", name="graph.jpg", media_type="image/jpeg")
    assert report.error is None, report.error
    report_to_json(report)  # it serializes
    return report


def nodes(node: ProvenanceNode | None) -> int:
    if node is None:
        return 0
    return 1 + sum(nodes(c) for c in node.ingredients)


def depth(node: ProvenanceNode) -> int:
    return 1 + max((depth(c) for c in node.ingredients), default=0)


@pytest.fixture(autouse=True)
def _keep_pillow_limit() -> Any:
    """Verifiers set Pillow's process-wide limit; put it back after each test."""
    saved = Image.MAX_IMAGE_PIXELS
    yield
    Image.MAX_IMAGE_PIXELS = saved


def test_thousands_of_ingredients_are_cut_with_a_note() -> None:
    """25,000 ingredients: max_ingredients (default 10,000) are kept, the report says so."""
    ingredients = [ingredient("componentOf", None, f"i{n}") for n in range(25_000)]
    report = check_store(store({"active": manifest([CREATED_AI], ingredients)}))
    assert report.provenance is not None
    assert len(report.provenance.ingredients) == DEFAULT_LIMITS.max_ingredients
    assert "1 manifest(s) had more ingredients than max_ingredients; the rest were not read" in (
        report.notes
    )
    assert report.declaration.origin.value == "ai_generated"


def test_ingredient_limit_is_configurable() -> None:
    """max_ingredients=3 keeps three."""
    ingredients = [ingredient("componentOf", None) for _ in range(10)]
    report = check_store(store({"active": manifest([], ingredients)}), Limits(max_ingredients=3))
    assert report.provenance is not None and len(report.provenance.ingredients) == 3


def test_thousands_of_actions_are_cut_with_a_note() -> None:
    """50,000 actions: max_actions are parsed; an AI action past the limit is not read."""
    actions = [{"action": f"c2pa.edited.{n}"} for n in range(50_000)]
    report = check_store(store({"active": manifest([*actions, CREATED_AI])}))
    assert report.provenance is not None
    assert len(report.provenance.actions) == DEFAULT_LIMITS.max_actions
    assert "1 manifest(s) had more actions than max_actions; the rest were not read" in report.notes
    # The AI creation was past the cut: not read, so the verdict is not "not declared".
    assert report.declaration.origin.value == "undetermined"
    small = check_store(store({"active": manifest(actions[:100])}), Limits(max_actions=7))
    assert small.provenance is not None and len(small.provenance.actions) == 7


def test_cycle_of_manifests_terminates() -> None:
    """a -> b -> c -> a (parentOf): one report, the repeated manifest marked cut."""
    doc = store(
        {
            "a": manifest([{"action": "c2pa.opened"}], [ingredient("parentOf", "b")]),
            "b": manifest([{"action": "c2pa.opened"}], [ingredient("parentOf", "c")]),
            "c": manifest([CREATED_AI], [ingredient("parentOf", "a")]),
        },
        active="a",
    )
    report = check_store(doc)
    assert report.provenance is not None
    (b,) = report.provenance.ingredients
    (c,) = b.ingredients
    (back,) = c.ingredients
    assert back.cut and back.label == "a"
    assert report.declaration.declares_ai


def test_self_ingredient_terminates() -> None:
    """A manifest that is its own parent is read once."""
    doc = store({"a": manifest([CREATED_AI], [ingredient("parentOf", "a")])}, active="a")
    report = check_store(doc)
    assert report.provenance is not None and report.provenance.ingredients[0].cut


def test_long_chain_stops_at_max_manifests_and_max_depth() -> None:
    """A 5,000-manifest chain: max_manifests parsed, the walk stops at max_depth, noted."""
    chain = {f"m{n}": manifest([], [ingredient("parentOf", f"m{n + 1}")]) for n in range(5_000)}
    report = check_store(store(chain, active="m0"))
    assert any("max_manifests" in note for note in report.notes)
    assert report.provenance is not None
    # Levels 0..max_depth are expanded; the next one is a cut leaf.
    assert depth(report.provenance) == DEFAULT_LIMITS.max_depth + 2
    shallow = check_store(store(chain, active="m0"), Limits(max_depth=4))
    assert shallow.provenance is not None and depth(shallow.provenance) == 6
    assert any("provenance walk" in n and "max_depth=4" in n for n in shallow.notes)
    assert shallow.declaration.origin.value == "undetermined"


def test_wide_diamond_graph_stays_bounded() -> None:
    """40 layers of 2 manifests each naming both of the next layer (2^40 paths): bounded."""
    layers = 40
    doc_manifests: dict[str, dict[str, Any]] = {}
    for n in range(layers):
        nxt = [ingredient("componentOf", f"l{n + 1}{s}") for s in "ab"] if n + 1 < layers else []
        for side in "ab":
            doc_manifests[f"l{n}{side}"] = manifest([CREATED_AI], nxt)
    # At most 4 x max_manifests nodes are expanded, each with its 2 ingredients as leaves.
    report = check_store(store(doc_manifests, active="l0a"))
    assert nodes(report.provenance) <= 4 * DEFAULT_LIMITS.max_manifests * 3
    small = check_store(store(doc_manifests, active="l0a"), Limits(max_manifests=100))
    assert nodes(small.provenance) <= 4 * 100 * 3


def test_huge_strings_are_shortened_with_a_note() -> None:
    """A 5 MB title and agent: cut to max_string, noted; the JSON stays small."""
    big = "x" * 5_000_000
    active = manifest([{**CREATED_AI, "softwareAgent": big}])
    active["title"] = big
    report = check_store(store({"active": active}))
    assert report.provenance is not None and report.provenance.title is not None
    assert len(report.provenance.title) == DEFAULT_LIMITS.max_string + 1
    assert any("max_string" in note for note in report.notes)
    assert len(report_to_json(report)) < 50_000


def test_long_labels_still_link() -> None:
    """Labels are identifiers, never cut: a 10,000-character active label is still read."""
    label = "urn:c2pa:" + "x" * 10_000
    actions_label = "c2pa.actions.v2__" + "1" * 10_000
    doc = store({label: manifest([CREATED_AI], label=actions_label)}, active=label)
    report = check_store(doc, Limits(max_string=100))
    assert report.declaration.origin.value == "ai_generated"


def _bomb_png(side: int) -> bytes:
    """A grey PNG of side x side pixels, all zero: megabytes that inflate to gigabytes.

    Built from one repeated full-flush deflate block, so it costs no gigabyte to make.
    """
    rows = 1_000
    block = b"\x00" * ((side + 1) * rows)
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
    deflate.compress(block)
    deflate.flush(zlib.Z_FULL_FLUSH)
    body = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    total = (side + 1) * side
    adler = ((total % 65521) << 16) | 1  # Adler-32 of zeros: a = 1, b = length
    idat = b"\x78\x01" + body * (side // rows) + deflate.flush() + struct.pack(">I", adler)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_verifier_sets_pillow_pixel_limit() -> None:
    """Building a Verifier makes max_image_pixels Pillow's limit in that process."""
    Verifier(CheckOptions(limits=Limits(max_image_pixels=12_345)))
    assert Image.MAX_IMAGE_PIXELS == 12_345


def test_open_image_refuses_a_bomb() -> None:
    """A 40,000 x 40,000 PNG (1.6 GB of pixels) is too_large before any pixel is decoded."""
    opened = open_image(_bomb_png(40_000), DEFAULT_LIMITS)
    assert opened.image is None
    assert opened.error_kind is not None and opened.error_kind.value == "too_large"
    assert "max_image_pixels" in (opened.message or "")


def test_open_image_limit_is_exact() -> None:
    """Just over the limit is refused (Pillow itself would only warn); at it, opened."""
    png = _bomb_png(1_000)
    over = open_image(png, Limits(max_image_pixels=999_999))
    assert over.error_kind is not None and over.error_kind.value == "too_large"
    at = open_image(png, Limits(max_image_pixels=1_000_000))
    assert at.image is not None and at.image.size == (1_000, 1_000)


def test_open_image_garbage_is_malformed() -> None:
    """Bytes that are no image give malformed, not an exception."""
    opened = open_image(b"\x89PNG\r\n\x1a\nnot really", DEFAULT_LIMITS)
    assert opened.error_kind is not None and opened.error_kind.value == "malformed"


#: Runs the command line under an address-space cap (set in the child, not in pytest).
CAPPED = (
    "import resource, runpy, sys\n"
    "cap = 2 << 30\n"
    "resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
    "sys.argv = ['c2pa-verify', *sys.argv[1:]]\n"
    "runpy.run_module('verify', run_name='__main__')\n"
)


@pytest.mark.parametrize("fast_path", [True, False])
def test_bomb_is_checked_without_decoding(tmp_path: Path, fast_path: bool) -> None:
    """A 2.5 GB-pixel PNG is checked under a 2 GiB address-space cap: nothing decodes it."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_bomb_png(50_000))
    args = [sys.executable, "-c", CAPPED, "check", "-f", "jsonl", "-j", "1", str(bomb)]
    proc = subprocess.run(
        [*args, *([] if fast_path else ["--no-fast-path"])],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (record,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert record["credentials"] == "none" and record["error"] is None


def test_every_limit_can_be_set_by_name() -> None:
    """with_overrides sets each field; unknown names and non-positive values are refused."""
    for name in LIMIT_NAMES:
        assert getattr(with_overrides(DEFAULT_LIMITS, {name: 3}), name) == 3
    with pytest.raises(ValueError, match="unknown limit"):
        with_overrides(DEFAULT_LIMITS, {"max_nothing": 1})
    with pytest.raises(ValueError, match="positive"):
        with_overrides(DEFAULT_LIMITS, {"max_string": 0})


def test_cli_limit_option(samples_dir: Path) -> None:
    """--limit max_string=12 shortens the strings of a real sample and says so."""
    result = CliRunner().invoke(
        main,
        [
            "check",
            "-f",
            "jsonl",
            "-j",
            "1",
            "--limit",
            "max_string=12",
            str(samples_dir / "ai-generated.jpg"),
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert any("max_string" in note for note in record["notes"])
    assert record["signer"]["organization"] == "c2pa-verify " + "…"


@pytest.mark.parametrize("command", ["check", "serve"])
@pytest.mark.parametrize("bad", ["max_string", "max_string=x", "nope=3", "max_depth=0"])
def test_cli_limit_option_refuses_bad_values(command: str, bad: str, samples_dir: Path) -> None:
    """A malformed, unknown or non-positive --limit is a usage error (exit 2), serve too."""
    args = [command, "--limit", bad] + ([str(samples_dir / "captured.jpg")] * (command == "check"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "--limit" in result.output


DEEP = 400


def _deep_tree(top: Path, data: bytes) -> None:
    """DEEP nested `d` directories under `top`, with x.jpg at the bottom.

    Made relative to directory descriptors, so that no path grows long while making it;
    400 levels stay within what shutil.rmtree (recursive) removes afterwards.
    """
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(DEEP):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("x.jpg", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, data)
        os.close(out)
    finally:
        os.close(fd)


def test_deep_tree_walk_does_not_recurse(tmp_path: Path) -> None:
    """The directory walk is iterative: 400 levels under a recursion limit of 100."""
    _deep_tree(tmp_path / "tree", b"x")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100)
    try:
        found = list(expand([str(tmp_path / "tree")]))
    finally:
        sys.setrecursionlimit(limit)
    assert [Path(i.path).name for i in found] == ["x.jpg"]
    assert found[0].path.count("/d") == DEEP


def test_deep_directory_tree_is_checked(tmp_path: Path, samples_dir: Path) -> None:
    """check on a 400-level tree reports the file at the bottom."""
    _deep_tree(tmp_path / "tree", (samples_dir / "no-credentials.jpg").read_bytes())
    result = CliRunner().invoke(main, ["check", "-f", "jsonl", "-j", "1", str(tmp_path)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 1 and records[0]["path"].endswith("/d/x.jpg")
    assert records[0]["credentials"] == "none"


def test_symlink_loops_give_one_record_each(tmp_path: Path, samples_dir: Path) -> None:
    """Directory loops (followed), a self-link and a dangling link: one record per file."""
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    shutil.copy(samples_dir / "no-credentials.jpg", root / "sub" / "real.jpg")
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    (root / "sub" / "again").symlink_to(root / "sub", target_is_directory=True)
    (root / "self.jpg").symlink_to(root / "self.jpg")
    (root / "dangling.jpg").symlink_to(root / "missing.jpg")
    result = CliRunner().invoke(
        main, ["check", "-f", "jsonl", "-j", "1", "--follow-links", str(root)]
    )
    records = {Path(r["path"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert sorted(records) == ["dangling.jpg", "real.jpg", "self.jpg"]
    assert records["self.jpg"]["error"]["kind"] == "unreadable"
    assert records["dangling.jpg"]["error"]["kind"] == "unreadable"
    assert records["real.jpg"]["error"] is None


class _ExhaustingReader(StoreReader):
    """A reader that runs out of memory, as a native read of a hostile asset may."""

    def read_bytes(
        self, data: bytes, mime: str | None, manifest_data: bytes | None = None
    ) -> ReadOutcome:
        raise MemoryError


def test_out_of_memory_is_too_large() -> None:
    """A MemoryError during a check gives a too_large report, not an internal error."""
    verifier = Verifier(reader=_ExhaustingReader())
    report = verifier.check_bytes(b"jumb", name="big.jpg", media_type="image/jpeg")
    assert report.error is not None and report.error.kind.value == "too_large"
    assert "memory" in report.error.message
