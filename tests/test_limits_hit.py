"""`limits_hit`: every configurable limit, when an input runs into it, is named in the record.

Each case feeds the real core an input that crosses exactly one limit, set low, and
checks the record's `limits_hit` (and that the record still validates: a limit never
costs the record). The list is built from the notes and error messages, which name
their limit; this test is what keeps every one of them doing so.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import IPTC, ingredient, manifest, store
from signal_builders import app1_xmp, image_bytes, jpeg, png, prop, text, xmp, ztxt

from fuzz.harnesses import StoreReader
from verify.core import CheckOptions, Verifier
from verify.limits import LIMIT_NAMES, Limits
from verify.report import Report
from verify.serialize import report_to_dict

AI = IPTC + "trainedAlgorithmicMedia"
A1111 = "a pattern\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 64x64"
SCHEMA = Path(__file__).resolve().parent.parent / "verify" / "schema" / "report.schema.json"


def _graph(doc: dict[str, Any], limits: Limits) -> Report:
    verifier = Verifier(CheckOptions(limits=limits), reader=StoreReader(doc))
    return verifier.check_bytes(b"jumb", name="graph.jpg", media_type="image/jpeg")


def _bytes(data: bytes, mime: str, limits: Limits, watermarks: bool = False) -> Report:
    verifier = Verifier(CheckOptions(limits=limits, watermarks=watermarks))
    return verifier.check_bytes(data, name="asset", media_type=mime)


def _chain(n: int) -> dict[str, Any]:
    manifests = {f"m{i}": manifest([], [ingredient("parentOf", f"m{i + 1}")]) for i in range(n)}
    manifests[f"m{n}"] = manifest([{"action": "c2pa.created", "digitalSourceType": AI}])
    return store(manifests, active="m0")


CASES: dict[str, Callable[[], Report]] = {
    "max_size": lambda: _bytes(b"\xff\xd8" + b"\0" * 100, "image/jpeg", Limits(max_size=10)),
    "max_manifests": lambda: _graph(_chain(6), Limits(max_manifests=3)),
    "max_actions": lambda: _graph(
        store({"active": manifest([{"action": "c2pa.edited"}] * 20)}), Limits(max_actions=5)
    ),
    "max_ingredients": lambda: _graph(
        store({"active": manifest([], [ingredient("componentOf", None)] * 20)}),
        Limits(max_ingredients=5),
    ),
    "max_depth": lambda: _graph(_chain(6), Limits(max_depth=2)),
    "max_string": lambda: _graph(
        store({"active": {**manifest([]), "title": "t" * 500}}), Limits(max_string=100)
    ),
    "max_image_pixels": lambda: _bytes(
        image_bytes((64, 64)), "image/png", Limits(max_image_pixels=100), watermarks=True
    ),
    "max_signal_bytes": lambda: _bytes(
        png(text("parameters", A1111)) + b"\0" * 500, "image/png", Limits(max_signal_bytes=300)
    ),
    "max_metadata_bytes": lambda: _bytes(
        jpeg(app1_xmp(xmp(prop("Iptc4xmpExt:DigitalSourceType", AI)))),
        "image/jpeg",
        Limits(max_metadata_bytes=100),
    ),
    "max_inflate_bytes": lambda: _bytes(
        png(*[ztxt("parameters", zlib.compress(b"A" * 10_000))] * 5),
        "image/png",
        Limits(max_inflate_bytes=15_000),
    ),
    "max_text_chunks": lambda: _bytes(
        png(*[text("Comment", "x")] * 5, text("parameters", A1111)),
        "image/png",
        Limits(max_text_chunks=3),
    ),
    "max_watermark_pixels": lambda: _bytes(
        image_bytes((300, 300)), "image/png", Limits(max_watermark_pixels=70_000), watermarks=True
    ),
}


def test_every_limit_has_a_case() -> None:
    """No configurable limit is left out of this test (nor out of the schema's enum)."""
    assert set(CASES) == set(LIMIT_NAMES)
    schema = json.loads(SCHEMA.read_text())
    assert schema["properties"]["limits_hit"]["items"]["enum"] == list(LIMIT_NAMES)


@pytest.mark.parametrize("name", LIMIT_NAMES)
def test_limit_is_named_in_the_record(name: str) -> None:
    """Running into one limit names exactly that limit, in the report and its JSON."""
    report = CASES[name]()
    assert report.limits_hit == (name,), (report.notes, report.error)
    assert report_to_dict(report)["limits_hit"] == [name]


def test_nothing_hit_is_an_empty_list(samples_dir: Path) -> None:
    """An ordinary sample runs into no limit."""
    report = Verifier().check_path(samples_dir / "ai-generated.jpg")
    assert report_to_dict(report)["limits_hit"] == []


def test_a_limit_named_inside_a_longer_word_does_not_count() -> None:
    """`max_size_x` in a note is not `max_size`."""
    report = _graph(store({"active": manifest([])}), Limits())
    noted = type(report)(**{**report.__dict__, "notes": ("see max_size_x and xmax_depth",)})
    assert noted.limits_hit == ()
