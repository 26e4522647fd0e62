"""The time-stamp authority (TSA) of a signature's RFC 3161 token, for our own trust check.

Why we look ourselves: for a claim v1 signature c2pa-rs 0.91.3 reports `timeStamp.trusted`
with the explanation "legacy timestamp cert trusted: <TSA>" without checking the TSA's
certificate against any anchor; it says so under `--no-trust` too (measured over the
corpus: every v1 file with a readable token, whatever the anchors; v2 files get a real
check and read `timeStamp.untrusted` without anchors). c2pa-rs has already verified the
token's signature, message imprint and the TSA certificate's validity at the stamped
time (`timeStamp.validated`); what is left is the chain to an anchor, done here.

Only the structure needed is read (RFC 3161 TimeStampResp / TimeStampToken, RFC 5652
SignedData): the certificates and the one SignerInfo's `sid`, which names the TSA's own
certificate among them. Anything unexpected makes the token unreadable (`TokenError`):
the report then says the authority could not be checked, never that it was trusted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

_BOOLEAN, _INTEGER, _BIT_STRING, _OCTET_STRING = 0x01, 0x02, 0x03, 0x04
_OID, _SEQUENCE, _SET = 0x06, 0x30, 0x31
#: `[0]` constructed: ContentInfo content, SignedData certificates, certificate version.
_CONTEXT_0 = 0xA0
#: `[3]` constructed: a certificate's extensions.
_CONTEXT_3 = 0xA3
#: `[0]` primitive: a SignerInfo `sid` given as a SubjectKeyIdentifier.
_SID_KEY_ID = 0x80
#: OIDs as DER content octets. 1.2.840.113549.1.7.2 id-signedData:
_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")
#: 2.5.29.37 extKeyUsage, 2.5.29.14 subjectKeyIdentifier, 1.3.6.1.5.5.7.3.8 id-kp-timeStamping.
_EXT_KEY_USAGE = bytes.fromhex("551d25")
_EXT_KEY_ID = bytes.fromhex("551d0e")
TIME_STAMPING = bytes.fromhex("2b06010505070308")
#: Certificate signature algorithms we verify: ecdsa-with-SHA256/384/512,
#: sha256/384/512WithRSAEncryption (PKCS #1 v1.5), Ed25519. Others (RSASSA-PSS, whose
#: parameters we would have to read) make the authority unverifiable, never trusted.
_ECDSA: dict[bytes, hashes.HashAlgorithm] = {
    bytes.fromhex("2a8648ce3d040302"): hashes.SHA256(),
    bytes.fromhex("2a8648ce3d040303"): hashes.SHA384(),
    bytes.fromhex("2a8648ce3d040304"): hashes.SHA512(),
}
_RSA: dict[bytes, hashes.HashAlgorithm] = {
    bytes.fromhex("2a864886f70d01010b"): hashes.SHA256(),
    bytes.fromhex("2a864886f70d01010c"): hashes.SHA384(),
    bytes.fromhex("2a864886f70d01010d"): hashes.SHA512(),
}
_ED25519 = bytes.fromhex("2b6570")
#: Long-form lengths above 4 bytes would describe more than any asset we read holds.
_MAX_LENGTH_OCTETS = 4
#: A certificate chain longer than this in a token is refused, like the signer's (cose.py).
MAX_TOKEN_CERTS = 16


class TokenError(ValueError):
    """The time-stamp token is not one whose authority we can read."""


@dataclass(frozen=True)
class _Tlv:
    tag: int
    #: Content octets.
    value: bytes
    #: The whole encoding (tag, length and content).
    raw: bytes


def _read(data: bytes, pos: int) -> tuple[_Tlv, int]:
    """One DER element at `pos` and the position after it (definite lengths only)."""
    if pos + 2 > len(data):
        raise TokenError("truncated DER element")
    tag, first = data[pos], data[pos + 1]
    if tag & 0x1F == 0x1F:
        raise TokenError("high-numbered DER tag")
    start = pos + 2
    length = first
    if first & 0x80:
        octets = first & 0x7F
        if octets == 0 or octets > _MAX_LENGTH_OCTETS:
            raise TokenError("indefinite or oversized DER length")
        length = int.from_bytes(data[start : start + octets], "big")
        start += octets
    end = start + length
    if end > len(data):
        raise TokenError("DER element runs past the end of the token")
    return _Tlv(tag, data[start:end], data[pos:end]), end


def _children(value: bytes) -> list[_Tlv]:
    out: list[_Tlv] = []
    pos = 0
    while pos < len(value):
        element, pos = _read(value, pos)
        out.append(element)
    return out


def _expect(element: _Tlv, tag: int, what: str) -> _Tlv:
    if element.tag != tag:
        raise TokenError(f"{what}: tag 0x{element.tag:02x}, expected 0x{tag:02x}")
    return element


def _signed_data(token: bytes) -> list[_Tlv]:
    """The SignedData fields of a TimeStampResp (`sigTst`) or TimeStampToken (`sigTst2`)."""
    outer, _ = _read(token, 0)
    fields = _children(_expect(outer, _SEQUENCE, "token").value)
    if fields and fields[0].tag == _SEQUENCE:  # TimeStampResp: status, then the token
        if len(fields) < 2:
            raise TokenError("time-stamp response without a token (status only)")
        fields = _children(_expect(fields[1], _SEQUENCE, "timeStampToken").value)
    if len(fields) < 2 or fields[0].tag != _OID or fields[0].value != _SIGNED_DATA:
        raise TokenError("not a CMS SignedData")
    content = _children(_expect(fields[1], _CONTEXT_0, "content").value)
    if len(content) != 1:
        raise TokenError("ContentInfo content is not one SignedData")
    return _children(_expect(content[0], _SEQUENCE, "SignedData").value)


@dataclass(frozen=True)
class RawCertificate:
    """What the check needs of a certificate, read from its DER exactly as encoded.

    Read ourselves rather than with cryptography, which refuses real TSA certificates
    that c2pa-rs and OpenSSL accept: DigiCert's `ECC256_SHA256_Timestamp_Responder_Adobe_
    NOV_2024` (in two corpus files) has an underscore in a PrintableString.
    """

    der: bytes
    #: The signed part (tbsCertificate), whole encoding.
    tbs: bytes
    #: Serial number (INTEGER content octets), issuer and subject Names (whole encodings).
    serial: bytes
    issuer: bytes
    subject: bytes
    #: Signature algorithm OID (content octets) and signature value.
    algorithm: bytes
    signature: bytes
    key_id: bytes | None = None
    #: Extended key usage OIDs (content octets); None without the extension.
    ekus: tuple[bytes, ...] | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    @property
    def stamps_time(self) -> bool:
        """May sign time stamps (RFC 3161 §2.3: EKU id-kp-timeStamping)."""
        return self.ekus is not None and TIME_STAMPING in self.ekus


def _extensions(tbs: list[_Tlv]) -> dict[bytes, bytes]:
    """Extension OID -> extnValue content octets."""
    block = next((f for f in tbs if f.tag == _CONTEXT_3), None)
    if block is None:
        return {}
    (extensions,) = _children(block.value)
    out: dict[bytes, bytes] = {}
    for ext in _children(_expect(extensions, _SEQUENCE, "extensions").value):
        parts = _children(_expect(ext, _SEQUENCE, "extension").value)
        value = parts[2] if len(parts) > 2 and parts[1].tag == _BOOLEAN else parts[1]
        out[_expect(parts[0], _OID, "extnID").value] = _expect(
            value, _OCTET_STRING, "extnValue"
        ).value
    return out


def read_certificate(der: bytes) -> RawCertificate:
    """The parts of one DER certificate; TokenError if it is not one we can check."""
    cert, _ = _read(der, 0)
    parts = _children(_expect(cert, _SEQUENCE, "certificate").value)
    if len(parts) != 3:
        raise TokenError("a certificate is not tbsCertificate, algorithm and signature")
    tbs_der, algorithm, signature = parts
    tbs = _children(_expect(tbs_der, _SEQUENCE, "tbsCertificate").value)
    fields = tbs[1:] if tbs and tbs[0].tag == _CONTEXT_0 else tbs  # explicit version
    if len(fields) < 6:
        raise TokenError("short tbsCertificate")
    oid = _expect(
        _children(_expect(algorithm, _SEQUENCE, "signatureAlgorithm").value)[0], _OID, "algorithm"
    ).value
    if oid not in _ECDSA and oid not in _RSA and oid != _ED25519:
        raise TokenError(f"certificate signature algorithm {oid.hex()} is not supported")
    bits = _expect(signature, _BIT_STRING, "signature").value
    if not bits or bits[0] != 0:
        raise TokenError("signature is not a whole number of bytes")
    extensions = _extensions(fields)
    key_id = extensions.get(_EXT_KEY_ID)
    usage = extensions.get(_EXT_KEY_USAGE)
    return RawCertificate(
        der=der,
        tbs=tbs_der.raw,
        serial=_expect(fields[0], _INTEGER, "serial").value,
        issuer=_expect(fields[2], _SEQUENCE, "issuer").raw,
        subject=_expect(fields[4], _SEQUENCE, "subject").raw,
        algorithm=oid,
        signature=bits[1:],
        key_id=_expect(_read(key_id, 0)[0], _OCTET_STRING, "keyIdentifier").value
        if key_id is not None
        else None,
        ekus=tuple(
            _expect(o, _OID, "keyPurposeId").value
            for o in _children(_expect(_read(usage, 0)[0], _SEQUENCE, "extKeyUsage").value)
        )
        if usage is not None
        else None,
    )


def issued_by(cert: RawCertificate, issuer: x509.Certificate) -> bool:
    """Whether `issuer` issued `cert`: names match and its key verifies the signature."""
    if issuer.subject.public_bytes() != cert.issuer:
        return False
    key = issuer.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey) and cert.algorithm in _ECDSA:
            key.verify(cert.signature, cert.tbs, ec.ECDSA(_ECDSA[cert.algorithm]))
        elif isinstance(key, rsa.RSAPublicKey) and cert.algorithm in _RSA:
            key.verify(cert.signature, cert.tbs, padding.PKCS1v15(), _RSA[cert.algorithm])
        elif isinstance(key, ed25519.Ed25519PublicKey) and cert.algorithm == _ED25519:
            key.verify(cert.signature, cert.tbs)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class TokenCertificates:
    """The time-stamp authority's certificate and the issuers the token carries for it."""

    authority: RawCertificate
    #: DER, the authority's issuer first, then its issuer, and so on (by name).
    issuers: tuple[bytes, ...] = ()


def _is_signer(sid: _Tlv, cert: RawCertificate) -> bool:
    if sid.tag == _SID_KEY_ID:
        return cert.key_id == sid.value
    if sid.tag != _SEQUENCE:
        raise TokenError("unknown SignerInfo sid")
    issuer, serial = _children(sid.value)[:2]
    return (issuer.raw, serial.value) == (cert.issuer, cert.serial)


def _issuers(leaf: RawCertificate, certs: Sequence[RawCertificate]) -> tuple[bytes, ...]:
    path: list[RawCertificate] = []
    current = leaf
    while nxt := next(
        (c for c in certs if c.subject == current.issuer and c is not current and c not in path),
        None,
    ):
        path.append(nxt)
        current = nxt
    return tuple(c.der for c in path)


def read_token(token: bytes) -> TokenCertificates:
    """The certificates of an RFC 3161 token's authority; TokenError if unreadable."""
    try:
        fields = _signed_data(token)
        # version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
        extra = fields[3:]
        held = next((f for f in extra if f.tag == _CONTEXT_0), None)
        if held is None:
            raise TokenError("the token carries no certificates")
        signer_infos = _children(_expect(extra[-1], _SET, "signerInfos").value)
        if len(signer_infos) != 1:
            # c2pa-rs takes the first SignerInfo that verifies; with several we could pick
            # another than it did, so we do not guess.
            raise TokenError(f"{len(signer_infos)} SignerInfos (expected one)")
        sid = _children(_expect(signer_infos[0], _SEQUENCE, "SignerInfo").value)[1]
        held_certs = [c for c in _children(held.value) if c.tag == _SEQUENCE]
        if len(held_certs) > MAX_TOKEN_CERTS:
            raise TokenError(f"{len(held_certs)} certificates (limit {MAX_TOKEN_CERTS})")
        certs = [read_certificate(c.raw) for c in held_certs]
        leaf = next((c for c in certs if _is_signer(sid, c)), None)
    except (IndexError, ValueError) as exc:  # TokenError is a ValueError, so are bad DER
        raise TokenError(str(exc) or type(exc).__name__) from exc
    if leaf is None:
        raise TokenError("no certificate in the token matches its SignerInfo")
    return TokenCertificates(leaf, _issuers(leaf, certs))
