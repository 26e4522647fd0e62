"""Check and read trust list content: PEM certificate bundles and EKU lists.

Strict on purpose: a list that is cut short, holds something other than certificates,
or has a block that does not decode is refused as a whole, so that a bad download never
replaces a good list. Text outside the PEM blocks (the official lists put a `Subject`
line before each certificate) is allowed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from .errors import TrustListError
from .lists import PartKind

_BEGIN = re.compile(r"^-----BEGIN ([A-Z0-9 ]+)-----\s*$")
_END = re.compile(r"^-----END ([A-Z0-9 ]+)-----\s*$")
_OID = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")
_SHA256_B64_LEN = 44


@dataclass(frozen=True)
class CertificateSummary:
    """What `trust show` and the report say about one certificate."""

    subject: str
    common_name: str | None
    organization: str | None
    issuer: str
    not_before: str
    not_after: str
    sha256: str

    def expired(self, now: datetime) -> bool:
        return datetime.fromisoformat(self.not_after) < now


def _text(data: bytes | str, what: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise TrustListError(f"{what} is not PEM text (byte {exc.start} is not ASCII)") from exc


def parse_certificates(data: bytes | str, what: str = "the list") -> tuple[x509.Certificate, ...]:
    """Every certificate of a PEM bundle; refuses the bundle if any block is wrong."""
    text = _text(data, what)
    certs: list[x509.Certificate] = []
    body: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            if body is not None:
                raise TrustListError(f"{what}: line {number} opens a block inside a block")
            if begin.group(1) != "CERTIFICATE":
                raise TrustListError(
                    f"{what}: line {number} holds a {begin.group(1)}, not a certificate"
                )
            body = []
        elif end:
            if body is None or end.group(1) != "CERTIFICATE":
                raise TrustListError(f"{what}: line {number} closes a block that was not opened")
            certs.append(_certificate("".join(body), what, len(certs) + 1))
            body = None
        elif body is not None:
            body.append(line)
    if body is not None:
        raise TrustListError(f"{what} is truncated: certificate {len(certs) + 1} has no END line")
    if not certs:
        raise TrustListError(f"{what} holds no PEM certificate")
    return tuple(certs)


def load_der(der: bytes) -> x509.Certificate:
    """A DER certificate; ValueError for anything that is not one.

    cryptography raises `InvalidVersion` (not a ValueError) for a version field outside
    v1..v3; found by fuzzing (fuzz/regressions/pem, fuzz/regressions/verify).
    """
    try:
        return x509.load_der_x509_certificate(der)
    except x509.InvalidVersion as exc:
        raise ValueError(str(exc)) from exc


def _certificate(b64: str, what: str, number: int) -> x509.Certificate:
    try:
        der = base64.b64decode(b64, validate=True)
        return load_der(der)
    except (binascii.Error, ValueError) as exc:
        raise TrustListError(f"{what}: certificate {number} does not decode: {exc}") from exc


def parse_eku_config(data: bytes | str, what: str = "the EKU list") -> tuple[str, ...]:
    """OIDs of a `store.cfg`: one per line, `//` comments and blank lines allowed."""
    text = _text(data, what)
    oids: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("//", "#")):
            continue
        if not _OID.match(line):
            raise TrustListError(f"{what}: line {number} is not an OID: {line[:60]!r}")
        oids.append(line)
    if not oids:
        raise TrustListError(f"{what} holds no OID")
    return tuple(oids)


def parse_allowed(data: bytes | str, what: str = "the allowed list") -> frozenset[str]:
    """SHA-256 (hex) of every allowed end-entity certificate.

    c2pa-rs accepts PEM certificates or base64 SHA-256 lines; so do we.
    """
    text = _text(data, what)
    digests: set[str] = set()
    if "-----BEGIN" in text:
        digests.update(fingerprint(c) for c in parse_certificates(text, what))
        outside = _outside_blocks(text)
    else:
        outside = text.splitlines()
    for raw in outside:
        line = raw.strip()
        if len(line) == _SHA256_B64_LEN and not line.startswith("#"):
            try:
                digest = base64.b64decode(line, validate=True)
            except binascii.Error:
                continue
            if len(digest) == hashlib.sha256().digest_size:
                digests.add(digest.hex())
    if not digests:
        raise TrustListError(f"{what} holds no certificate or SHA-256 line")
    return frozenset(digests)


def _outside_blocks(text: str) -> list[str]:
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("-----BEGIN"):
            inside = True
        elif line.startswith("-----END"):
            inside = False
        elif not inside:
            out.append(line)
    return out


def count_items(kind: PartKind, data: bytes | str, what: str) -> int:
    """Validate one part of a list and return how many entries it holds."""
    if kind is PartKind.EKU:
        return len(parse_eku_config(data, what))
    if kind is PartKind.ALLOWED:
        return len(parse_allowed(data, what))
    return len(parse_certificates(data, what))


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER encoding, lower-case hex."""
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", errors="replace")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def summarize(cert: x509.Certificate) -> CertificateSummary:
    """Subject, organisation and validity of one certificate."""
    return CertificateSummary(
        subject=cert.subject.rfc4514_string(),
        common_name=_attribute(cert.subject, NameOID.COMMON_NAME),
        organization=_attribute(cert.subject, NameOID.ORGANIZATION_NAME),
        issuer=cert.issuer.rfc4514_string(),
        not_before=_iso(cert.not_valid_before_utc),
        not_after=_iso(cert.not_valid_after_utc),
        sha256=fingerprint(cert),
    )


def der_to_pem(der: bytes) -> str:
    """One DER certificate as a PEM block."""
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
