"""The lists parsed once per verifier: settings for c2pa-rs, chain anchoring, allowed lists."""

from __future__ import annotations

import hashlib

import pytest
from conftest import SAMPLES
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from verify.reader import ManifestReader, build_settings
from verify.trust.anchors import TrustIndex
from verify.trust.errors import TrustConfigError
from verify.trust.lists import TrustKind, TrustList

TRUST = SAMPLES / "trust"


def der(name: str) -> bytes:
    return x509.load_pem_x509_certificate((TRUST / name).read_bytes()).public_bytes(Encoding.DER)


SAMPLE_CHAIN = (der("signer.pem"), der("intermediate-ca.pem"))
UNTRUSTED_CHAIN = (der("untrusted-signer.pem"), der("untrusted-intermediate-ca.pem"))
ROOT = (TRUST / "anchors.pem").read_text()
OTHER_ROOT = (TRUST / "untrusted-root-ca.pem").read_text()


def test_settings_name_each_list() -> None:
    """Each list becomes a named c2pa-rs anchor list; allowed lists and EKUs are passed on."""
    index = TrustIndex(
        (
            TrustList("A", anchors_pem=ROOT),
            TrustList("T", kind=TrustKind.TSA, anchors_pem=OTHER_ROOT),
            TrustList(
                "I",
                anchors_pem=ROOT,
                allowed_pem=(TRUST / "signer.pem").read_text(),
                eku_config="1.3.6.1.5.5.7.3.4\n",
            ),
        )
    )
    settings = index.c2pa_settings()
    assert settings is not None
    assert [(a["trust_uri"], a["trust_kind"]) for a in settings["anchors"]] == [
        ("A", "manifest"),
        ("T", "tsa"),
        ("I", "manifest"),
    ]
    assert "BEGIN CERTIFICATE" in settings["allowed_list"]
    assert settings["trust_config"] == "1.3.6.1.5.5.7.3.4\n"
    assert TrustIndex().c2pa_settings() is None


def test_reader_settings_merge_trust() -> None:
    """The reader puts the trust settings beside the offline settings."""
    settings = build_settings(None, False, {"anchors": [{"trust_anchors": ROOT}]})
    assert settings["trust"] == {"anchors": [{"trust_anchors": ROOT}]}
    assert settings["verify"]["ocsp_fetch"] is False
    assert "trust" not in build_settings(None, False)


def test_anchoring_follows_real_issuance() -> None:
    """A chain is anchored in a list only through signatures that verify, signer upwards."""
    index = TrustIndex((TrustList("A", anchors_pem=ROOT), TrustList("B", anchors_pem=OTHER_ROOT)))
    assert index.anchored_in(SAMPLE_CHAIN) == ("A",)
    assert index.anchored_in(UNTRUSTED_CHAIN) == ("B",)
    # Carrying a listed intermediate that did not issue the signer proves nothing.
    assert index.anchored_in((UNTRUSTED_CHAIN[0], SAMPLE_CHAIN[1])) == ()
    assert index.anchored_in((b"not a certificate",)) == ()


def test_listed_intermediate_anchors_directly() -> None:
    """A list may hold an intermediate (the official list does): the chain reaches it."""
    intermediate = (TRUST / "intermediate-ca.pem").read_text()
    index = TrustIndex((TrustList("ICA", anchors_pem=intermediate),))
    assert index.anchored_in(SAMPLE_CHAIN) == ("ICA",)
    assert index.anchored_in(SAMPLE_CHAIN[1:]) == ("ICA",)


def test_allowed_list_lookup() -> None:
    """The signer certificate's SHA-256 finds the list whose allowed list holds it."""
    allowed = (TRUST / "untrusted-signer.pem").read_text()
    index = TrustIndex((TrustList("I", anchors_pem=ROOT, allowed_pem=allowed),))
    assert index.allowed_in(hashlib.sha256(UNTRUSTED_CHAIN[0]).hexdigest()) == "I"
    assert index.allowed_in(hashlib.sha256(SAMPLE_CHAIN[0]).hexdigest()) is None
    assert index.allowed_in(None) is None


@pytest.mark.parametrize(
    "bad",
    [
        TrustList("x", anchors_pem="junk"),
        TrustList("x", anchors_pem=ROOT, allowed_pem="# nothing"),
        TrustList("x", anchors_pem=ROOT, eku_config="not an oid"),
    ],
)
def test_bad_list_content_is_a_config_error(bad: TrustList) -> None:
    """Lists are validated before c2pa-rs sees them (it would fail every read instead)."""
    with pytest.raises(TrustConfigError):
        TrustIndex((bad,))


def test_reader_returns_the_manifest_store_bytes() -> None:
    """The reader hands over the active manifest's JUMBF for the signature parts."""
    outcome = ManifestReader().read_path(SAMPLES / "captured.jpg", "image/jpeg")
    assert outcome.manifest_jumbf is not None
    assert outcome.manifest_jumbf[4:8] == b"jumb"
