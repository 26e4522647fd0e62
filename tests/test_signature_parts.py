"""JUMBF walk and COSE_Sign1 reading: certificates, timestamps, stapled OCSP, bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from signature_builders import box, cbor, manifest, sign1, store, superbox

from verify import cose, jumbf
from verify.reader import ManifestReader
from verify.trust.identity import read_evidence

A, B = b"cert-a", b"cert-b"


def test_x5chain_array_in_protected_header() -> None:
    """RFC 9360: label 33 in the protected header, signer first."""
    parts = cose.parse_sign1(sign1({1: -7, 33: [A, B]}, {}))
    assert parts.chain == (A, B)
    assert parts.timestamp_tokens == 0
    assert parts.ocsp_responses == ()


def test_single_certificate_x5chain() -> None:
    """A bare byte string is a chain of one."""
    assert cose.parse_sign1(sign1({33: A}, {})).chain == (A,)


def test_legacy_text_label_in_unprotected_header() -> None:
    """C2PA 1.x signatures carry `x5chain` as a text label in the unprotected header."""
    assert cose.parse_sign1(sign1({1: -7}, {"x5chain": [A]})).chain == (A,)


def test_timestamps_and_stapled_ocsp_are_counted() -> None:
    """sigTst/sigTst2 tokens and rVals.ocspVals responses are reported."""
    unprotected = {
        "sigTst": {"tstTokens": [{"val": b"t1"}]},
        "sigTst2": {"tstTokens": [{"val": b"t2"}, {"val": b"t3"}]},
        "rVals": {"ocspVals": [b"ocsp-der"]},
        "pad": b"\0" * 8,
    }
    parts = cose.parse_sign1(sign1({33: [A]}, unprotected))
    assert parts.timestamp_tokens == 3
    assert parts.ocsp_responses == (b"ocsp-der",)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\xff\xff", "not CBOR"),
        (sign1({33: [A]}, {})[:10], "not CBOR"),
        (bytes([0xD2]) + b"\x80", "not a COSE_Sign1 array"),
        (bytes([0xD1, 0x80]), "is not COSE_Sign1"),
        (sign1({1: -7}, {}), "no x5chain"),
        (sign1({33: [A, 5]}, {}), "neither a certificate nor an array"),
        (sign1({33: [A] * 17}, {}), "limit 16"),
    ],
)
def test_unreadable_signatures_are_cose_errors(data: bytes, why: str) -> None:
    """Every malformed signature is a CoseError with a reason."""
    with pytest.raises(cose.CoseError, match=why):
        cose.parse_sign1(data)


def test_untagged_sign1_is_accepted() -> None:
    """The tag is optional when the context says COSE_Sign1."""
    data = cbor([cbor({33: [A]}), {}, None, b"s"])
    assert cose.parse_sign1(data).chain == (A,)


def test_store_manifests_finds_signature_and_assertions() -> None:
    """Each manifest's signature content and assertion labels are found, in store order."""
    sig = sign1({33: [A]}, {})
    data = store(
        manifest("urn:c2pa:one", sig, ("c2pa.actions.v2", "c2pa.hash.data")),
        manifest("urn:c2pa:two", None, ("c2pa.certificate-status",)),
    )
    one, two = jumbf.store_manifests(data)
    assert (one.label, one.signature, one.assertion_labels) == (
        "urn:c2pa:one",
        sig,
        ("c2pa.actions.v2", "c2pa.hash.data"),
    )
    assert two.signature is None
    assert two.assertion_labels == ("c2pa.certificate-status",)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "not a JUMBF superbox"),
        (box("free", b""), "not a JUMBF superbox"),
        (box("jumb", box("cbor", b"")), "no description box"),
        (b"\x00\x00\x01\x00jumb" + b"\0" * 8, "does not fit its parent"),
        (superbox("c2pa", [b"\x00\x00"]), "stray bytes"),
        (box("jumb", box("jumd", b"\0" * 16 + b"\x02abc")), "not terminated"),
    ],
)
def test_malformed_jumbf_is_a_jumbf_error(data: bytes, why: str) -> None:
    """Box sizes that lie, missing description boxes and cut labels raise JumbfError."""
    with pytest.raises(jumbf.JumbfError, match=why):
        jumbf.store_manifests(data)


def test_box_count_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """A store with more boxes than MAX_BOXES is refused, not walked."""
    monkeypatch.setattr(jumbf, "MAX_BOXES", 10)
    data = store(manifest("urn:c2pa:x", sign1({33: [A]}, {}), [f"a{i}" for i in range(20)]))
    with pytest.raises(jumbf.JumbfError, match="too many boxes"):
        jumbf.store_manifests(data)


def test_evidence_flags_certificate_status_in_any_manifest() -> None:
    """A c2pa.certificate-status assertion anywhere in the store is reported."""
    data = store(
        manifest("urn:c2pa:active", sign1({33: [A]}, {"rVals": {"ocspVals": [b"r"]}})),
        manifest("urn:c2pa:update", None, ("c2pa.certificate-status",)),
    )
    evidence = read_evidence(data, "urn:c2pa:active")
    assert evidence.chain == (A,)
    assert evidence.ocsp_stapled and evidence.certificate_status
    assert evidence.signer_sha256 == hashlib.sha256(A).hexdigest()


@pytest.mark.parametrize(
    ("data", "label", "why"),
    [
        (None, "urn:c2pa:x", "not available"),
        (b"junk", "urn:c2pa:x", "manifest store boxes"),
        (store(manifest("urn:c2pa:x", None)), "urn:c2pa:x", "no signature box"),
        (store(manifest("urn:c2pa:x", b"\xff")), "urn:c2pa:x", "signature: "),
        (store(manifest("urn:c2pa:x", sign1({33: [A]}, {}))), "urn:c2pa:y", "no signature box"),
    ],
)
def test_evidence_problems_are_values(data: bytes | None, label: str, why: str) -> None:
    """When the chain cannot be read the evidence says why instead of raising."""
    evidence = read_evidence(data, label)
    assert evidence.chain == ()
    assert evidence.problem is not None and why in evidence.problem


def test_real_sample_chain_is_the_sample_signer(samples_dir: Path) -> None:
    """The chain read from a generated sample starts with samples/trust/signer.pem."""
    outcome = ManifestReader().read_path(samples_dir / "ai-generated.jpg", "image/jpeg")
    assert outcome.store is not None
    evidence = read_evidence(outcome.manifest_jumbf, outcome.store["active_manifest"])
    signer = x509.load_pem_x509_certificate((samples_dir / "trust" / "signer.pem").read_bytes())
    intermediate = x509.load_pem_x509_certificate(
        (samples_dir / "trust" / "intermediate-ca.pem").read_bytes()
    )
    assert evidence.chain == (
        signer.public_bytes(Encoding.DER),
        intermediate.public_bytes(Encoding.DER),
    )
    assert evidence.problem is None
