"""Golden tests: every sample in samples/ gets its expected verdict."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES

from verify import CheckOptions, Verifier
from verify.inputs import expand
from verify.serialize import report_to_dict

EXPECTED_NAMES = sorted(str(Path(i.path).relative_to(SAMPLES)) for i in expand([str(SAMPLES)]))


@pytest.fixture(scope="module")
def verifier(anchors_pem: str) -> Verifier:
    return Verifier(CheckOptions(trust_anchors_pem=anchors_pem))


def verdict_of(record: dict[str, Any]) -> dict[str, Any]:
    signer = record["signer"]
    error = record["error"]
    return {
        "credentials": record["credentials"],
        "validation_state": record["validation"]["state"],
        "integrity": record["integrity"],
        "signer_trust": signer["trust"] if signer else None,
        "origin": record["declaration"]["origin"],
        "declares_ai": record["declaration"]["declares_ai"],
        "ai_tools": record["declaration"]["ai_tools"],
        "error_kind": error["kind"] if error else None,
    }


def test_every_scanned_sample_has_an_expectation(expected: dict[str, dict[str, Any]]) -> None:
    """A directory scan of samples/ finds exactly the files expected.json describes."""
    assert sorted(expected) == EXPECTED_NAMES


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_sample_verdict(
    name: str,
    verifier: Verifier,
    expected: dict[str, dict[str, Any]],
    validate_record: Callable[[dict[str, Any]], None],
) -> None:
    """The report of each sample matches its expected verdict and the schema."""
    record = report_to_dict(verifier.check_path(SAMPLES / name))
    validate_record(record)
    want = {k: expected[name][k] for k in verdict_of(record)}
    assert verdict_of(record) == want


def test_samples_without_anchors_are_untrusted(samples_dir: Path) -> None:
    """With no anchors configured the same signer is not recognised, and nothing else changes."""
    report = Verifier().check_path(samples_dir / "ai-generated.jpg")
    assert report.signer is not None
    assert report.signer.trust.value == "untrusted"
    assert report.declaration.basis.value == "signed_untrusted"
    assert report.integrity.value == "intact"


def test_trusted_sample_basis_and_evidence(verifier: Verifier, samples_dir: Path) -> None:
    """The ChatGPT-shaped sample names its parent manifest and the AI tool as evidence."""
    report = verifier.check_path(samples_dir / "ai-parent-only.jpg")
    decl = report.declaration
    assert decl.basis.value == "signed_trusted"
    (ev,) = [e for e in decl.evidence if e.decisive]
    assert ev.relationship == "parentOf"
    assert ev.action == "c2pa.created"
    assert len(ev.path) == 2
    assert ev.software_agent in decl.ai_tools


def test_tampered_declaration_is_not_attributed(verifier: Verifier, samples_dir: Path) -> None:
    """Changed pixels: the AI declaration remains visible but its basis is signed_invalid."""
    report = verifier.check_path(samples_dir / "tampered-pixels.jpg")
    assert report.integrity.value == "tampered"
    assert "assertion.dataHash.mismatch" in report.integrity_detail.codes
    assert report.declaration.basis.value == "signed_invalid"


def test_remote_reference_url(verifier: Verifier, samples_dir: Path) -> None:
    """The remote-manifest sample reports its URL and no error."""
    report = verifier.check_path(samples_dir / "remote-manifest.jpg")
    assert report.remote_url == "http://127.0.0.1:9/manifests/remote-manifest.c2pa"
    assert report.error is None


def test_sidecar_from_bytes(verifier: Verifier, samples_dir: Path) -> None:
    """check_bytes with a sidecar reads the same verdict as the file beside its .c2pa."""
    data = (samples_dir / "sidecar.jpg").read_bytes()
    side = (samples_dir / "sidecar.c2pa").read_bytes()
    report = verifier.check_bytes(data, name="upload.jpg", sidecar=side)
    assert report.credentials.value == "sidecar"
    assert report.declaration.origin.value == "ai_generated"
    assert verifier.check_bytes(data, name="upload.jpg").credentials.value == "none"


@pytest.mark.parametrize("name", ["ai-generated.jpg", "tampered-pixels.jpg", "no-credentials.jpg"])
def test_bytes_and_path_agree(verifier: Verifier, samples_dir: Path, name: str) -> None:
    """Reading from memory and from the file give the same report apart from the path."""
    from_path = report_to_dict(verifier.check_path(samples_dir / name, display="x"))
    from_bytes = report_to_dict(verifier.check_bytes((samples_dir / name).read_bytes(), name="x"))
    assert from_path == from_bytes
