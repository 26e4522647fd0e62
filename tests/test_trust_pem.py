"""Strict reading of trust list content: a list is usable whole, or refused with a reason."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from verify.trust import pem
from verify.trust.errors import TrustListError
from verify.trust.lists import PartKind, known


@pytest.fixture(scope="module")
def anchors(samples_dir: Path) -> str:
    return (samples_dir / "trust" / "anchors.pem").read_text()


@pytest.fixture(scope="module")
def bundle(samples_dir: Path) -> str:
    """Two certificates with official-list style comments around them."""
    trust = samples_dir / "trust"
    return (
        "Subject\tCN=root\n"
        + (trust / "anchors.pem").read_text()
        + "\nSubject\tCN=other root\n"
        + (trust / "untrusted-root-ca.pem").read_text()
    )


def test_bundle_with_comments_parses(bundle: str) -> None:
    """Text outside the PEM blocks is allowed; every certificate is read."""
    certs = pem.parse_certificates(bundle)
    assert [pem.summarize(c).common_name for c in certs] == [
        "c2pa-verify Test Root CA",
        "c2pa-verify Untrusted Test CA",
    ]


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda t: t[: len(t) * 3 // 4], "truncated"),
        (lambda t: "", "holds no PEM certificate"),
        (lambda t: "<html><body>Not Found</body></html>", "holds no PEM certificate"),
        (lambda t: t.replace("-----END CERTIFICATE-----", "", 1), "inside a block"),
        (lambda t: t.replace("MII", "M*I", 1), "does not decode"),
        (
            lambda t: t[: t.index("\n", 200)] + "\nAAAA\n-----END CERTIFICATE-----\n",
            "does not decode",
        ),
        (lambda t: "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n", "PRIVATE KEY"),
        (lambda t: "-----END CERTIFICATE-----\n" + t, "not opened"),
        (lambda t: t.replace("A", "\u00e9", 1), "not PEM text"),
    ],
)
def test_bad_bundles_are_refused(bundle: str, mutate: object, why: str) -> None:
    """Truncated, empty, non-PEM, non-certificate or corrupt content raises TrustListError."""
    text = mutate(bundle)  # type: ignore[operator]
    with pytest.raises(TrustListError, match=why):
        pem.parse_certificates(text.encode("utf-8"))


def test_summary_names_and_validity(anchors: str) -> None:
    """Subject, organisation, validity and fingerprint of an anchor."""
    cert = x509.load_pem_x509_certificate(anchors.encode())
    summary = pem.summarize(cert)
    assert summary.organization == "c2pa-verify Test Signer"
    assert summary.not_before < summary.not_after
    assert summary.sha256 == hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def test_eku_config() -> None:
    """store.cfg: OIDs one per line, // comments allowed; anything else is refused."""
    text = "//id-kp-emailProtection \n1.3.6.1.5.5.7.3.4\n\n# c2pa\n1.3.6.1.4.1.62558.2.1"
    assert pem.parse_eku_config(text) == ("1.3.6.1.5.5.7.3.4", "1.3.6.1.4.1.62558.2.1")
    with pytest.raises(TrustListError, match="line 1 is not an OID"):
        pem.parse_eku_config("emailProtection\n")
    with pytest.raises(TrustListError, match="holds no OID"):
        pem.parse_eku_config("// nothing\n")


def test_allowed_list_pem_and_hash_lines(samples_dir: Path) -> None:
    """An allowed list may hold PEM certificates and base64 SHA-256 lines, like c2pa-rs."""
    cert = x509.load_pem_x509_certificate((samples_dir / "trust" / "signer.pem").read_bytes())
    digest = hashlib.sha256(cert.public_bytes(Encoding.DER)).digest()
    other = hashlib.sha256(b"other").digest()
    text = (
        "# O=Sample\n"
        + (samples_dir / "trust" / "signer.pem").read_text()
        + base64.b64encode(other).decode()
        + "\n"
    )
    assert pem.parse_allowed(text) == {digest.hex(), other.hex()}
    assert pem.parse_allowed(base64.b64encode(other).decode()) == {other.hex()}
    with pytest.raises(TrustListError, match="no certificate or SHA-256"):
        pem.parse_allowed("# only comments\n")


def test_count_items_per_part(bundle: str) -> None:
    """count_items validates a part by its kind and counts its entries."""
    assert pem.count_items(PartKind.ANCHORS, bundle, "x") == 2
    assert pem.count_items(PartKind.EKU, "1.2.3\n1.2.4\n", "x") == 2


def test_der_to_pem_round_trip(anchors: str) -> None:
    """der_to_pem writes a block parse_certificates reads back."""
    cert = x509.load_pem_x509_certificate(anchors.encode())
    again = pem.parse_certificates(pem.der_to_pem(cert.public_bytes(Encoding.DER)))
    assert again == (cert,)


@pytest.mark.parametrize(
    ("name", "slug"),
    [("c2pa", "c2pa"), ("C2PA Trust List", "c2pa"), (" Interim ", "interim"), ("x.pem", None)],
)
def test_known_list_names(name: str, slug: str | None) -> None:
    """Lists are named by slug or title, any case; anything else is not a known list."""
    found = known(name)
    assert (found.slug if found else None) == slug
