"""The real trust lists over the development corpus: recognised exactly when listed.

Which corpus files are signed under a listed CA is decided here independently of the
verifier: walk each file's certificate chain (signer up) until a certificate is on the
list or is issued by one of its anchors. With the official C2PA Trust List (2026-08
copy) no corpus file qualifies: they are signed by test CAs or by Adobe CAs that are
on the Interim list only. The Interim list recognises the Adobe-signed files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import CORPUS, SHARED_TRUST_LISTS
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding

from verify import CheckOptions, Verifier
from verify.report import Report
from verify.trust.identity import read_evidence
from verify.trust.lists import TrustKind, TrustList

pytestmark = pytest.mark.skipif(
    not (CORPUS / "files").is_dir() or not (SHARED_TRUST_LISTS / "C2PA-TRUST-LIST.pem").exists(),
    reason="../shared/corpus or ../shared/trust-lists absent",
)

OFFICIAL = SHARED_TRUST_LISTS / "C2PA-TRUST-LIST.pem"
TSA = SHARED_TRUST_LISTS / "C2PA-TSA-TRUST-LIST.pem"
INTERIM = SHARED_TRUST_LISTS / "interim" / "anchors.pem"


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def listed(chain: Sequence[x509.Certificate], anchors: Sequence[x509.Certificate]) -> bool:
    """An independent reading of "signed under a listed CA"."""
    der = {hashlib.sha256(a.public_bytes(Encoding.DER)).digest() for a in anchors}
    for cert in chain:
        if hashlib.sha256(cert.public_bytes(Encoding.DER)).digest() in der:
            return True
        if any(a.subject == cert.issuer and _issued_by(cert, a) for a in anchors):
            return True
    return False


@pytest.fixture(scope="module")
def chains() -> dict[str, tuple[x509.Certificate, ...]]:
    """Every corpus file's signer chain, read through the verifier's own reader."""
    out = {}
    verifier = Verifier()
    for path in sorted(p for p in (CORPUS / "files").rglob("*") if p.is_file()):
        outcome = verifier.reader.read_path(path, _mime(path))
        if outcome.store is None:
            continue
        evidence = read_evidence(outcome.manifest_jumbf, outcome.store.get("active_manifest"))
        out[str(path)] = tuple(x509.load_der_x509_certificate(d) for d in evidence.chain)
    return out


def _mime(path: Path) -> str:
    return "application/c2pa" if path.suffix == ".c2pa" else path.suffix[1:].lower()


def _reports(lists: tuple[TrustList, ...]) -> dict[str, Report]:
    verifier = Verifier(CheckOptions(trust_lists=lists))
    return {
        str(p): verifier.check_path(p) for p in sorted((CORPUS / "files").rglob("*")) if p.is_file()
    }


def recognised_by(reports: dict[str, Report], name: str) -> set[str]:
    return {
        path
        for path, r in reports.items()
        if r.signer is not None
        and r.signer.trust.value == "trusted"
        and r.signer.trust_list == name
    }


def _pem(path: Path) -> str:
    return path.read_text()


def test_official_list_recognises_exactly_the_listed_signers(
    chains: dict[str, tuple[x509.Certificate, ...]],
) -> None:
    """With the C2PA Trust List and TSA list, "recognised" matches the independent reading."""
    anchors = x509.load_pem_x509_certificates(OFFICIAL.read_bytes())
    expected = {path for path, chain in chains.items() if chain and listed(chain, anchors)}
    reports = _reports(
        (
            TrustList("C2PA Trust List", anchors_pem=_pem(OFFICIAL)),
            TrustList("C2PA TSA Trust List", kind=TrustKind.TSA, anchors_pem=_pem(TSA)),
        )
    )
    assert recognised_by(reports, "C2PA Trust List") == expected
    assert recognised_by(reports, "C2PA TSA Trust List") == set()
    # None of the corpus signers is on the official list (see the module docstring).
    assert expected == set()


def test_interim_list_recognises_the_adobe_signed_files(
    chains: dict[str, tuple[x509.Certificate, ...]],
) -> None:
    """With the Interim list, the files under its anchors read as recognised by it."""
    anchors = x509.load_pem_x509_certificates(INTERIM.read_bytes())
    expected = {path for path, chain in chains.items() if chain and listed(chain, anchors)}
    reports = _reports((TrustList("Interim Trust List", anchors_pem=_pem(INTERIM)),))
    assert recognised_by(reports, "Interim Trust List") == expected
    assert len(expected) >= 5
    assert all("adobe" in (reports[p].signer.organization or "").lower() for p in expected)  # type: ignore[union-attr]


def test_every_signed_corpus_file_gives_its_chain(
    chains: dict[str, tuple[x509.Certificate, ...]],
) -> None:
    """The certificate chain is readable from every corpus file that has credentials."""
    assert chains
    assert all(len(chain) >= 1 for chain in chains.values())
