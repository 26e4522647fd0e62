"""Signals in the report: the core runs the detectors, combines, serialises; the CLI flag."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from signal_builders import IPTC, app1_xmp, jpeg, png, prop, text, xmp

from verify import CheckOptions, Verifier
from verify.cli import main
from verify.detectors import registry, watermark
from verify.detectors.base import Detection
from verify.limits import Limits
from verify.reader import ErrorKind, ReadKind, ReadOutcome
from verify.serialize import report_to_dict
from verify.signal import DetectorName

AI_JPEG = jpeg(
    app1_xmp(xmp(prop("Iptc4xmpExt:DigitalSourceType", IPTC + "trainedAlgorithmicMedia")))
)


class StoreReader:
    """A reader that returns one fixed outcome for any input."""

    def __init__(self, outcome: ReadOutcome) -> None:
        self.outcome = outcome

    def read_path(self, *_: object) -> ReadOutcome:
        return self.outcome

    def read_bytes(self, *_: object) -> ReadOutcome:
        return self.outcome


def soft_binding_store() -> dict[str, Any]:
    """A manifest store whose active manifest declares digitalCapture and a soft binding."""
    assertions = [
        {
            "label": "c2pa.actions.v2",
            "data": {
                "actions": [
                    {"action": "c2pa.created", "digitalSourceType": IPTC + "digitalCapture"}
                ]
            },
        },
        {
            "label": "c2pa.soft-binding",
            "data": {"alg": "com.example.watermark", "blocks": [{"scope": {}, "value": "abc123"}]},
        },
    ]
    return {
        "active_manifest": "m",
        "manifests": {"m": {"title": "t", "format": "image/jpeg", "assertions": assertions}},
        "validation_state": "Valid",
    }


def test_xmp_declaration_from_bytes(validate_record: Callable[[dict[str, Any]], None]) -> None:
    """check_bytes on an XMP-only JPEG: one decisive XMP signal, a valid record."""
    report = Verifier(CheckOptions(fast_path=True)).check_bytes(AI_JPEG, name="x.jpg")
    assert report.declaration.origin.value == "ai_generated"
    assert report.declaration.basis.value == "unsigned_metadata"
    assert [(s.detector, s.decisive) for s in report.signals] == [(DetectorName.XMP, True)]
    record = report_to_dict(report)
    validate_record(record)
    keys = list(record)
    assert keys.index("signals") == keys.index("declaration") + 1


def test_path_and_bytes_agree_on_signals(tmp_path: Path) -> None:
    """Reading the file and reading its bytes give the same signals."""
    path = tmp_path / "x.jpg"
    path.write_bytes(AI_JPEG)
    verifier = Verifier()
    assert verifier.check_path(path).signals == verifier.check_bytes(AI_JPEG, "x.jpg").signals


def test_soft_binding_is_reported_not_resolved(
    validate_record: Callable[[dict[str, Any]], None],
) -> None:
    """A c2pa.soft-binding assertion becomes a signal with the manifest's basis, unresolved."""
    reader = StoreReader(ReadOutcome(ReadKind.MANIFEST, store=soft_binding_store()))
    report = Verifier(CheckOptions(fast_path=False), reader=reader).check_bytes(
        AI_JPEG, name="x.jpg"
    )  # type: ignore[arg-type]
    soft = [s for s in report.signals if s.detector is DetectorName.SOFT_BINDING]
    assert [(s.field, s.value, s.basis.value, s.origin) for s in soft] == [
        ("com.example.watermark", "abc123", "signed_untrusted", None)
    ]
    assert soft[0].detail is not None and "not resolved" in soft[0].detail
    validate_record(report_to_dict(report))


def test_signed_capture_outranks_xmp_ai() -> None:
    """Signed C2PA says captured, XMP says AI: captured, with the conflict flagged."""
    reader = StoreReader(ReadOutcome(ReadKind.MANIFEST, store=soft_binding_store()))
    report = Verifier(CheckOptions(fast_path=False), reader=reader).check_bytes(
        AI_JPEG, name="x.jpg"
    )  # type: ignore[arg-type]
    decl = report.declaration
    assert (decl.origin.value, decl.basis.value, decl.conflict) == (
        "captured",
        "signed_untrusted",
        True,
    )
    assert [(c.source, c.decisive) for c in decl.claims] == [("c2pa", True), ("xmp", False)]


def test_error_report_keeps_its_declaration() -> None:
    """When the credentials cannot be read, signals are listed but do not decide."""
    reader = StoreReader(ReadOutcome(ReadKind.ERROR, error_kind=ErrorKind.MALFORMED, message="x"))
    report = Verifier(reader=reader).check_bytes(  # type: ignore[arg-type]
        AI_JPEG + b"c2pa", name="x.jpg"
    )
    assert report.error is not None
    assert report.declaration.origin.value == "undetermined"
    assert [s.detector for s in report.signals] == [DetectorName.XMP]


def test_only_a_prefix_is_examined(tmp_path: Path) -> None:
    """A file over max_signal_bytes is examined up to the limit, with a note."""
    data = png(text("parameters", "x\nSteps: 20, Sampler: Euler")) + b"\0" * 5000
    path = tmp_path / "big.png"
    path.write_bytes(data)
    report = Verifier(CheckOptions(limits=Limits(max_signal_bytes=len(data) - 100))).check_path(
        path
    )
    assert any("max_signal_bytes" in n for n in report.notes)
    assert report.declaration.origin.value == "ai_generated"


def test_failing_detector_costs_only_its_signals() -> None:
    """A detector that raises leaves a note; the others still report."""

    class Broken:
        name = DetectorName.WATERMARK
        media_types = frozenset({"image/jpeg"})
        on_request = False

        def detect(self, data: bytes, media_type: str, limits: Limits) -> Detection:
            raise RuntimeError("boom")

    detectors = (Broken(), *registry.DETECTORS)
    found = registry.run_detectors(AI_JPEG, "image/jpeg", Limits(), detectors=detectors)
    assert [s.detector for s in found.signals] == [DetectorName.XMP]
    assert any("watermark detector failed (RuntimeError: boom)" in n for n in found.notes)


def test_watermark_detector_runs_only_when_asked() -> None:
    """The costly decoder is applicable only with watermarks=True."""
    names = {d.name for d in registry.applicable("image/png")}
    asked = {d.name for d in registry.applicable("image/png", watermarks=True)}
    assert DetectorName.WATERMARK not in names
    assert asked - names == {DetectorName.WATERMARK}


def test_unknown_media_type_runs_nothing() -> None:
    """Media types no detector reads cost nothing."""
    assert registry.applicable(None) == []
    assert registry.applicable("application/c2pa", watermarks=True) == []


def test_cli_watermarks_flag(samples_dir: Path) -> None:
    """check --watermarks finds the SD sample's mark; without the flag nothing is declared."""
    sample = str(samples_dir / "sd-watermark.png")
    plain = json.loads(CliRunner().invoke(main, ["check", "-f", "json", sample]).output)
    marked = json.loads(
        CliRunner().invoke(main, ["check", "--watermarks", "-f", "json", sample]).output
    )
    assert plain["declaration"]["origin"] == "not_declared"
    assert marked["declaration"]["origin"] == "ai_generated"
    assert [s["detector"] for s in marked["signals"]] == ["watermark"]


def test_cli_watermarks_without_extra(samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--watermarks without the extra is a usage error naming what to install."""
    monkeypatch.setattr(watermark, "missing_dependencies", lambda: "cv2")
    result = CliRunner().invoke(
        main, ["check", "--watermarks", str(samples_dir / "sd-watermark.png")]
    )
    assert result.exit_code == 2
    assert "pip install 'c2pa-verify[watermark]'" in result.output


def test_text_view_lists_signals(samples_dir: Path) -> None:
    """The text view lists each signal with its basis and where it was found."""
    result = CliRunner().invoke(main, ["check", str(samples_dir / "a1111.png")])
    assert "Signals:" in result.output
    assert "generator_metadata png:parameters" in result.output
    assert "(heuristic; PNG tEXt)" in result.output


def test_csv_appends_conflict_and_signals(samples_dir: Path) -> None:
    """The CSV view appends the conflict flag and the signals as `detector field` (then the
    limits hit, schema 1.3)."""
    from verify.render_csv import COLUMNS, report_row

    report = Verifier().check_path(samples_dir / "comfyui.png")
    row = dict(zip(COLUMNS, report_row(report), strict=True))
    assert COLUMNS[-3:] == ("conflict", "signals", "limits_hit")
    assert row["conflict"] == "false"
    assert row["signals"] == "generator_metadata png:prompt; generator_metadata png:workflow"
