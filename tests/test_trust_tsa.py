"""Time-stamp authorities: reading RFC 3161 tokens, anchoring them, and the timestamp verdict.

c2pa-rs 0.91.3 reports `timeStamp.trusted` ("legacy timestamp cert trusted: ...") for
claim v1 signatures without checking the authority, even under --no-trust; these tests
pin what the report makes of it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CORPUS, SHARED_TRUST_LISTS
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from verify.cli import main
from verify.integrity import SignerTrust
from verify.model import StatusEntry, Validation
from verify.trust.anchors import TrustIndex
from verify.trust.lists import TrustKind, TrustList
from verify.trust.policy import SignerFacts, TimestampFacts, decide_timestamp, decide_trust
from verify.trust.tsa import MAX_TOKEN_CERTS, TokenError, read_token

# --- a minimal DER writer, enough for tokens ---------------------------------------------


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def seq(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def der_set(*items: bytes) -> bytes:
    return tlv(0x31, b"".join(items))


def integer(value: int) -> bytes:
    return tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


SIGNED_DATA = tlv(0x06, bytes.fromhex("2a864886f70d010702"))
TST_INFO = tlv(0x06, bytes.fromhex("2a864886f70d0109100104"))


def issuer_and_serial(cert: x509.Certificate) -> bytes:
    return seq(cert.issuer.public_bytes(), integer(cert.serial_number))


def token(
    certs: list[x509.Certificate],
    sids: list[bytes],
    *,
    response: bool = True,
    certs_der: list[bytes] | None = None,
) -> bytes:
    """A TimeStampResp (sigTst, claim v1) or bare TimeStampToken (sigTst2) with these parts."""
    held = certs_der if certs_der is not None else [c.public_bytes(Encoding.DER) for c in certs]
    signer_infos = der_set(*(seq(integer(1), sid, seq(), tlv(0x04, b"sig")) for sid in sids))
    signed = seq(integer(3), der_set(), seq(TST_INFO), tlv(0xA0, b"".join(held)), signer_infos)
    content_info = seq(SIGNED_DATA, tlv(0xA0, signed))
    return seq(seq(integer(0)), content_info) if response else content_info


# --- certificates ---------------------------------------------------------------------

NOW = datetime.now(UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_cert(
    cn: str,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None,
    *,
    ca: bool = False,
    eku: bool = True,
    issuer_name: str | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    signing_key = issuer[1] if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(
            _name(issuer_name) if issuer_name else issuer[0].subject if issuer else _name(cn)
        )
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if not ca and eku:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(signing_key, hashes.SHA256()), key


ROOT = make_cert("Test TSA Root", ca=True)
ICA = make_cert("Test TSA ICA", ROOT, ca=True)
TSA = make_cert("Test TSA", ICA)
OTHER_ROOT = make_cert("Unrelated Root", ca=True)


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(Encoding.PEM).decode()


def index(*anchors: x509.Certificate, kind: TrustKind = TrustKind.TSA) -> TrustIndex:
    return TrustIndex(
        [TrustList("TSA list", kind=kind, anchors_pem="".join(pem(a) for a in anchors))]
    )


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


# --- reading tokens -------------------------------------------------------------------


def test_response_token_names_its_authority_and_orders_the_issuers() -> None:
    """A TimeStampResp: the SignerInfo's issuer and serial pick the TSA's certificate."""
    read = read_token(token([ROOT[0], TSA[0], ICA[0]], [issuer_and_serial(TSA[0])]))
    assert read.authority.der == der(TSA[0])
    assert read.issuers == (der(ICA[0]), der(ROOT[0]))
    assert read.authority.stamps_time


def test_bare_token_with_key_identifier_sid() -> None:
    """A TimeStampToken (sigTst2) whose SignerInfo names the key by SubjectKeyIdentifier."""
    ski = TSA[0].extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    read = read_token(token([ICA[0], TSA[0]], [tlv(0x80, ski)], response=False))
    assert read.authority.der == der(TSA[0])


def test_authority_without_time_stamping_eku() -> None:
    """An authority whose certificate lacks id-kp-timeStamping is seen as such."""
    plain = make_cert("No EKU", ICA, eku=False)
    assert not read_token(token([plain[0]], [issuer_and_serial(plain[0])])).authority.stamps_time


BAD_TOKENS: dict[str, tuple[bytes, str]] = {
    "truncated": (token([TSA[0]], [issuer_and_serial(TSA[0])])[:-5], "past the end"),
    "not-der": (b"\x30\x80" + b"\x00" * 8, "indefinite"),
    "status-only": (seq(seq(integer(2))), "status only"),
    "not-signed-data": (seq(seq(integer(0)), seq(TST_INFO, tlv(0xA0, seq()))), "SignedData"),
    "no-certificates": (
        seq(
            SIGNED_DATA,
            tlv(0xA0, seq(integer(3), der_set(), seq(TST_INFO), der_set(seq(integer(1))))),
        ),
        "no certificates",
    ),
    "two-signer-infos": (
        token([TSA[0]], [issuer_and_serial(TSA[0])] * 2),
        "2 SignerInfos",
    ),
    "no-matching-certificate": (
        token([ICA[0]], [issuer_and_serial(TSA[0])]),
        "matches its SignerInfo",
    ),
    "too-many-certificates": (
        token([ICA[0]] * (MAX_TOKEN_CERTS + 1), [issuer_and_serial(TSA[0])]),
        "limit 16",
    ),
    "garbage-certificate": (
        token([], [issuer_and_serial(TSA[0])], certs_der=[seq(integer(1))]),
        "not tbsCertificate",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_unreadable_tokens_are_refused(case: str) -> None:
    """Anything but a readable SignedData with one SignerInfo and its certificate: TokenError."""
    data, why = BAD_TOKENS[case]
    with pytest.raises(TokenError, match=why):
        read_token(data)


# --- anchoring ------------------------------------------------------------------------


def test_anchored_through_the_issuers_in_the_token() -> None:
    """Authority -> intermediate (both in the token) -> the list's root."""
    read = read_token(token([TSA[0], ICA[0]], [issuer_and_serial(TSA[0])]))
    assert index(ROOT[0]).tsa_anchored_in(read) == ("TSA list",)
    assert index(OTHER_ROOT[0]).tsa_anchored_in(read) == ()


def test_anchored_directly_by_a_listed_issuer() -> None:
    """A token holding only the authority's certificate, issued by a listed intermediate."""
    read = read_token(token([TSA[0]], [issuer_and_serial(TSA[0])]))
    assert index(ICA[0]).tsa_anchored_in(read) == ("TSA list",)
    assert index(ROOT[0]).tsa_anchored_in(read) == ()


def test_listed_authority_certificate_itself() -> None:
    """The authority's own certificate on the list anchors it."""
    read = read_token(token([TSA[0]], [issuer_and_serial(TSA[0])]))
    assert index(TSA[0]).tsa_anchored_in(read) == ("TSA list",)


def test_forged_authority_is_not_anchored() -> None:
    """A certificate that names the listed intermediate as issuer but is self-signed: no."""
    forged = make_cert("Test TSA", issuer_name="Test TSA ICA")
    read = read_token(token([forged[0], ICA[0]], [issuer_and_serial(forged[0])]))
    assert index(ROOT[0]).tsa_anchored_in(read) == ()
    assert index(ICA[0]).tsa_anchored_in(read) == ()


# --- the verdict (pure) ---------------------------------------------------------------

LEGACY = Validation(
    state="Valid",
    success=(
        StatusEntry("timeStamp.validated"),
        StatusEntry("timeStamp.trusted", explanation="legacy timestamp cert trusted: Some TSA"),
    ),
)
CHECKED = Validation(
    state="Valid",
    success=(StatusEntry("timeStamp.trusted", explanation="timestamp cert trusted: Some TSA"),),
)
LISTS = ("C2PA Trust List", "C2PA TSA Trust List")


@pytest.mark.parametrize(
    ("case", "trusted", "says"),
    [
        # c2pa-rs checked it (claim v2): its verdict stands, even without our own walk.
        (TimestampFacts(CHECKED, LISTS), True, None),
        (TimestampFacts(LEGACY, ()), None, "no trust list is configured"),
        (TimestampFacts(LEGACY, LISTS, tsa_problem="bad DER"), None, "could not be read: bad"),
        (TimestampFacts(LEGACY, LISTS, (), stamps_time=True), False, "not on a configured"),
        (TimestampFacts(LEGACY, LISTS, (LISTS[1],), stamps_time=False), False, "EKU"),
        (
            TimestampFacts(LEGACY, LISTS, (LISTS[1],), stamps_time=True),
            True,
            "chains to C2PA TSA Trust List, checked by c2pa-verify",
        ),
    ],
)
def test_timestamp_decision(case: TimestampFacts, trusted: bool | None, says: str | None) -> None:
    """A claim v1 ("legacy") timestamp is trusted only through our own anchor check."""
    decision = decide_timestamp(case)
    assert decision.trusted is trusted
    if says is None:
        assert decision.note is None
    else:
        assert decision.note is not None and says in decision.note


def _lapsed_signer(**kw: Any) -> SignerFacts:
    trusted = Validation(
        state="Trusted",
        success=(
            StatusEntry(
                "signingCredential.trusted",
                explanation="signing certificate trusted, found in [Interim Trust List] trust"
                " anchors",
            ),
        ),
    )
    return SignerFacts(
        validation=trusted,
        configured=("Interim Trust List",),
        anchored_in=("Interim Trust List",),
        chain_read=True,
        timestamped=True,
        signed_at="2022-05-06T18:20:43+00:00",
        not_before="2022-03-01T00:00:00+00:00",
        not_after="2023-03-01T23:59:59+00:00",
        checked_at="2026-01-01T00:00:00+00:00",
        **kw,
    )


def test_c2pa_trusted_lapsed_signer_without_a_trusted_timestamp_is_expired() -> None:
    """c2pa-rs judged validity at a timestamp nobody checked: the certificate has expired."""
    note = "c2pa-rs accepts a claim v1 timestamp without checking its authority"
    decision = decide_trust(_lapsed_signer(timestamp_trusted=None, timestamp_note=note))
    assert decision.trust is SignerTrust.EXPIRED
    assert "its timestamp proves nothing (c2pa-rs accepts" in decision.explanation


def test_c2pa_trusted_lapsed_signer_with_our_trusted_timestamp() -> None:
    """With the authority anchored by our check, the signer stays trusted and says by whom."""
    note = "time-stamp authority chains to Interim Trust List, checked by c2pa-verify"
    decision = decide_trust(_lapsed_signer(timestamp_trusted=True, timestamp_note=note))
    assert (decision.trust, decision.trust_list) == (SignerTrust.TRUSTED, "Interim Trust List")
    assert "chains to Interim Trust List, checked by c2pa-verify) proves" in decision.explanation


# --- the real corpus ------------------------------------------------------------------

FIXTURES = CORPUS / "files" / "c2pa-rs"
LEGACY_FILE = FIXTURES / "cli" / "tests" / "fixtures" / "verify.jpeg"
#: Its authority's certificate has '_' in a PrintableString: cryptography refuses it.
UNDERSCORE_FILE = (
    FIXTURES / "sdk" / "src" / "identity" / "tests" / "fixtures" / "claim_aggregation"
) / "ims_multiple_manifests.jpg"
needs_corpus = pytest.mark.skipif(
    not LEGACY_FILE.is_file() or not (SHARED_TRUST_LISTS / "interim").is_dir(),
    reason="../shared/corpus or ../shared/trust-lists absent",
)


def _signer(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["check", "-f", "json", *args])
    assert result.exit_code in (0, 1), result.output
    signer: dict[str, Any] = json.loads(result.stdout)["signer"]
    return signer


@needs_corpus
def test_no_trust_leaves_a_legacy_timestamp_unjudged() -> None:
    """--no-trust: c2pa-rs says `timeStamp.trusted`, the report says null."""
    signer = _signer("--no-trust", str(LEGACY_FILE))
    assert signer["timestamped"] is True
    assert signer["timestamp_authority"] == "DigiCert Timestamp 2022 - 2"
    assert signer["timestamp_trusted"] is None


@needs_corpus
def test_official_tsa_list_does_not_anchor_digicert_g4() -> None:
    """The C2PA TSA Trust List does not hold DigiCert Trusted Root G4: not trusted."""
    signer = _signer(
        "--trust-list", str(SHARED_TRUST_LISTS / "C2PA-TSA-TRUST-LIST.pem"), str(LEGACY_FILE)
    )
    assert signer["timestamp_trusted"] is False


@needs_corpus
@pytest.mark.parametrize("path", [LEGACY_FILE, UNDERSCORE_FILE], ids=["verify", "underscore"])
def test_interim_anchors_recognise_the_legacy_timestamp(path: Any) -> None:
    """Under the Interim anchors (which hold DigiCert's root) the timestamp is trusted, and the
    expired Adobe signer is recognised thanks to it."""
    signer = _signer(
        "--trust-anchors", str(SHARED_TRUST_LISTS / "interim" / "anchors.pem"), str(path)
    )
    assert signer["timestamp_trusted"] is True
    assert signer["trust"] == "trusted"
    assert "checked by c2pa-verify" in signer["trust_explanation"]


# --- from the signature to the verdict ------------------------------------------------


def test_signature_gives_the_token_bytes() -> None:
    """cose.parse_sign1 keeps each token's bytes beside the count."""
    from signature_builders import sign1

    from verify import cose

    parts = cose.parse_sign1(sign1({33: [b"cert"]}, {"sigTst": {"tstTokens": [{"val": b"t1"}]}}))
    assert (parts.timestamp_tokens, parts.timestamp_values) == (1, (b"t1",))


def _assess(*tokens: bytes, anchors: TrustIndex) -> Any:
    from verify.trust.identity import SignatureEvidence, assess_timestamp

    evidence = SignatureEvidence(
        chain=(b"signer",), timestamp_tokens=len(tokens), timestamp_values=tokens
    )
    return assess_timestamp(LEGACY, evidence, anchors)


def test_assessment_checks_the_one_token() -> None:
    """One readable token anchored by a configured list: trusted, by our check."""
    good = token([TSA[0], ICA[0]], [issuer_and_serial(TSA[0])])
    assert _assess(good, anchors=index(ROOT[0])).trusted is True
    assert _assess(good, anchors=index(OTHER_ROOT[0])).trusted is False
    assert _assess(b"\x30\x01", anchors=index(ROOT[0])).trusted is None


def test_assessment_does_not_guess_between_tokens() -> None:
    """Two tokens (c2pa-rs reads one): the verdict stays open, and says why."""
    good = token([TSA[0], ICA[0]], [issuer_and_serial(TSA[0])])
    decision = _assess(good, good, anchors=index(ROOT[0]))
    assert decision.trusted is None
    assert "2 time-stamp tokens" in decision.note
