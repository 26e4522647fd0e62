"""The real trust lists over the development corpus: recognised exactly when listed.

Which corpus files are signed under a listed CA is decided here independently of the
verifier: walk each file's certificate chain (signer up) until a certificate is on the
list or is issued by one of its anchors, and the verifier must agree with that walk,
whatever it finds. (With the 2026-08 copy of the official list no corpus file qualifies,
so the official list is also exercised end to end with the samples' root appended to it:
tests/test_trust_update.py.) The Interim list recognises the Adobe-signed files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS, SHARED_TRUST_LISTS, TrustHome
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from trust_server import ListServer, serve_real_lists

from verify import CheckOptions, Verifier
from verify.cli import main
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
INTERIM_ALLOWED = SHARED_TRUST_LISTS / "interim" / "allowed.pem"
#: Adobe test files that staple an OCSP response to the signature (the second also
#: carries a `c2pa.certificate-status` assertion).
STAPLED = ("ocsp.jpg", "ocsp_with_assertion.jpg")
FIXTURES = CORPUS / "files" / "c2pa-rs" / "sdk" / "tests" / "fixtures"


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


def _der_sha256(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def test_real_lists_installed_by_update_recognise_without_flags(
    chains: dict[str, tuple[x509.Certificate, ...]],
    trust_home: TrustHome,
    list_server: ListServer,
) -> None:
    """`trust update --legacy-url` with the real lists, then `check` over the corpus, no flag."""
    runner = CliRunner()
    update = runner.invoke(main, serve_real_lists(list_server, SHARED_TRUST_LISTS))
    assert update.exit_code == 0, update.output
    checked = runner.invoke(main, ["check", "-f", "jsonl", "-j", "2", str(CORPUS / "files")])
    assert checked.exit_code in (0, 1, 3), checked.output
    records = [json.loads(line) for line in checked.stdout.splitlines()]
    by_list: dict[str | None, set[str]] = {}
    for record in records:
        signer = record["signer"]
        if signer is not None and signer["trust"] == "trusted":
            by_list.setdefault(signer["trust_list"], set()).add(record["path"])
    official = x509.load_pem_x509_certificates(OFFICIAL.read_bytes())
    interim = x509.load_pem_x509_certificates(INTERIM.read_bytes())
    allowed = {
        _der_sha256(c) for c in x509.load_pem_x509_certificates(INTERIM_ALLOWED.read_bytes())
    }
    checked_paths = {r["path"] for r in records}
    under_official = {
        p for p, chain in chains.items() if p in checked_paths and chain and listed(chain, official)
    }
    under_interim = {
        p
        for p, chain in chains.items()
        if p in checked_paths
        and chain
        and p not in under_official
        and (listed(chain, interim) or _der_sha256(chain[0]) in allowed)
    }
    assert by_list.get("C2PA Trust List", set()) == under_official
    assert by_list.get("Interim Trust List", set()) == under_interim
    assert set(by_list) <= {"C2PA Trust List", "Interim Trust List"}
    assert len(under_interim) >= 5


@pytest.mark.parametrize("name", STAPLED)
def test_stapled_ocsp_is_read_offline(name: str) -> None:
    """A stapled OCSP response gives `not_revoked` with no network once the issuer is trusted."""
    lists = (TrustList("Interim Trust List", anchors_pem=_pem(INTERIM)),)
    signer = Verifier(CheckOptions(trust_lists=lists)).check_path(FIXTURES / name).signer
    assert signer is not None
    assert (signer.revocation.value, signer.revocation_source) == ("not_revoked", "stapled_ocsp")
    assert signer.trust.value == "trusted"
    assert "trusted timestamp" in signer.trust_explanation  # the certificate expired since


@pytest.mark.parametrize("name", STAPLED)
def test_stapled_ocsp_without_anchors_is_unknown(name: str) -> None:
    """Without the issuer's anchors the stapled response cannot be judged: `unknown`, not absent."""
    signer = Verifier().check_path(FIXTURES / name).signer
    assert signer is not None
    assert (signer.revocation.value, signer.revocation_source) == ("unknown", "stapled_ocsp")


def test_certificate_status_assertion_is_seen() -> None:
    """The `c2pa.certificate-status` assertion in ocsp_with_assertion.jpg is found offline."""
    verifier = Verifier()
    outcome = verifier.reader.read_path(FIXTURES / "ocsp_with_assertion.jpg", "jpg")
    assert outcome.store is not None
    evidence = read_evidence(outcome.manifest_jumbf, outcome.store.get("active_manifest"))
    assert evidence.certificate_status and evidence.ocsp_stapled
