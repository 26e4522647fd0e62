"""Signer identity on the generated samples: trusted, untrusted, expired, and --certs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from verify import CheckOptions, Verifier
from verify.cli import main
from verify.inputs import expand
from verify.report import Report
from verify.trust.errors import TrustConfigError
from verify.trust.lists import TrustKind, TrustList
from verify.trust.pem import parse_certificates

LIST = "C2PA Trust List"


@pytest.fixture(scope="module")
def verifier(anchors_pem: str) -> Verifier:
    return Verifier(CheckOptions(trust_lists=(TrustList(LIST, anchors_pem=anchors_pem),)))


def signed_samples(expected: dict[str, dict[str, Any]], trust: str) -> list[str]:
    return sorted(n for n, e in expected.items() if e["signer_trust"] == trust)


def test_samples_under_the_anchors_are_recognised(
    verifier: Verifier, expected: dict[str, dict[str, Any]]
) -> None:
    """Every sample the expectations call trusted names the list that recognised it."""
    names = signed_samples(expected, "trusted")
    assert len(names) > 10
    for name in names:
        signer = verifier.check_path(SAMPLES / name).signer
        assert signer is not None, name
        assert (signer.trust.value, signer.trust_list) == ("trusted", LIST), name
        assert signer.trust_explanation.startswith(f"recognised by {LIST}")


def test_untrusted_sample(verifier: Verifier) -> None:
    """A signer outside the anchors reads untrusted, naming the lists it is not on."""
    signer = verifier.check_path(SAMPLES / "untrusted-signer.jpg").signer
    assert signer is not None
    assert (signer.trust.value, signer.trust_list) == ("untrusted", None)
    assert f"not on a configured trust list ({LIST})" in signer.trust_explanation


def test_expired_sample_is_expired_and_intact(verifier: Verifier) -> None:
    """The expired signer: trust `expired`, integrity `intact`, and the explanation says both."""
    report = verifier.check_path(SAMPLES / "expired-signer.jpg")
    assert report.integrity.value == "intact"
    signer = report.signer
    assert signer is not None
    assert signer.trust.value == "expired"
    assert "certificate expired on" in signer.trust_explanation
    assert "no timestamp" in signer.trust_explanation
    assert f"issued under {LIST}" in signer.trust_explanation
    assert "the content itself is intact" in signer.trust_explanation
    assert signer.timestamped is False and signer.timestamp_trusted is None


def test_signer_identity_fields(verifier: Verifier) -> None:
    """Organisation, names, issuer, serial, validity, algorithm and certificate hash are filled."""
    signer = verifier.check_path(SAMPLES / "ai-generated.jpg").signer
    assert signer is not None
    cert = x509.load_pem_x509_certificate((SAMPLES / "trust" / "signer.pem").read_bytes())
    assert signer.organization == "c2pa-verify Test Signer"
    assert signer.common_name == "c2pa-verify sample signer"
    assert signer.issuer == "c2pa-verify Test Intermediate CA (c2pa-verify Test Signer)"
    assert signer.serial_number == str(cert.serial_number)
    assert signer.not_before and signer.not_after and signer.algorithm
    assert signer.certificate_sha256 == hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
    assert (signer.revocation.value, signer.revocation_source) == ("not_checked", None)


def test_legacy_anchor_option_still_recognises(anchors_pem: str) -> None:
    """CheckOptions(trust_anchors_pem=...) keeps working, as a list of its own."""
    signer = (
        Verifier(CheckOptions(trust_anchors_pem=anchors_pem))
        .check_path(SAMPLES / "captured.jpg")
        .signer
    )
    assert signer is not None and signer.trust_list == "configured trust anchors"


def test_bad_anchors_fail_at_construction() -> None:
    """A list that is not PEM is a configuration error when the verifier is built."""
    with pytest.raises(TrustConfigError, match="holds no PEM certificate"):
        Verifier(CheckOptions(trust_lists=(TrustList("x", anchors_pem="nonsense"),)))


def test_tsa_list_alone_recognises_no_content_signer(anchors_pem: str) -> None:
    """The sample root given only as a TSA list: c2pa-rs says Trusted, the report does not."""
    tsa = TrustList("TSA only", kind=TrustKind.TSA, anchors_pem=anchors_pem)
    report = Verifier(CheckOptions(trust_lists=(tsa,))).check_path(SAMPLES / "captured.jpg")
    assert report.validation.state is not None and report.validation.state.value == "trusted"
    assert report.signer is not None and report.signer.trust.value == "untrusted"
    assert report.declaration.basis.value == "signed_untrusted"


def _written(directory: Path) -> dict[str, tuple[x509.Certificate, ...]]:
    return {p.stem: parse_certificates(p.read_text()) for p in sorted(directory.glob("*.pem"))}


def test_certs_writes_one_chain_per_signer(anchors_pem: str, tmp_path: Path) -> None:
    """--certs: one PEM per distinct signer, named by its SHA-256, signer first."""
    out = tmp_path / "certs"
    verifier = Verifier(CheckOptions(trust_anchors_pem=anchors_pem, certs_dir=str(out)))
    reports: list[Report] = [verifier.check_path(i.path) for i in expand([str(SAMPLES)])]
    hashes = {r.signer.certificate_sha256 for r in reports if r.signer}
    written = _written(out)
    assert set(written) == hashes
    assert len(written) == 3  # sample signer, untrusted signer, short-lived signer
    for name, chain in written.items():
        assert len(chain) == 2
        assert hashlib.sha256(chain[0].public_bytes(Encoding.DER)).hexdigest() == name
    assert "# Subject: CN=c2pa-verify sample signer" in "".join(
        p.read_text() for p in out.glob("*.pem")
    )


def test_certs_into_an_unwritable_place_is_a_note(anchors_pem: str, tmp_path: Path) -> None:
    """A chain that cannot be written leaves the report whole, with a note."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    verifier = Verifier(CheckOptions(certs_dir=str(blocker / "certs")))
    report = verifier.check_path(SAMPLES / "captured.jpg")
    assert report.signer is not None
    assert any("could not write the certificate chain" in n for n in report.notes)


def test_certs_option_on_the_command_line(tmp_path: Path) -> None:
    """`check --certs DIR` writes the chain named in the report."""
    out = tmp_path / "chains"
    result = CliRunner().invoke(
        main, ["check", "-f", "json", "--certs", str(out), str(SAMPLES / "untrusted-signer.jpg")]
    )
    assert result.exit_code == 0, result.output
    sha = json.loads(result.stdout)["signer"]["certificate_sha256"]
    assert (out / f"{sha}.pem").exists()


def test_allowed_list_is_applied_by_us_not_by_c2pa_rs() -> None:
    """c2pa-rs 0.91.3 ignores `trust.allowed_list`; our policy matches the signer's DER SHA-256.

    If a c2pa-rs release starts honouring it, the library state turns `trusted` and this
    test says so: the policy's workaround and its explanation can then be revisited.
    """
    allowed = TrustList(
        "Interim Trust List", allowed_pem=(SAMPLES / "trust" / "untrusted-signer.pem").read_text()
    )
    report = Verifier(CheckOptions(trust_lists=(allowed,))).check_path(
        SAMPLES / "untrusted-signer.jpg"
    )
    assert report.validation.state is not None
    assert (report.validation.state.value, report.validation.failures) == (
        "valid",
        ("signingCredential.untrusted",),
    )
    signer = report.signer
    assert signer is not None
    assert (signer.trust.value, signer.trust_list, signer.allowed_list_match) == (
        "trusted",
        "Interim Trust List",
        True,
    )
    assert "matched by the SHA-256 of its DER encoding" in signer.trust_explanation
    assert report.declaration.basis.value == "signed_trusted"
