"""Read a C2PA claim signature (COSE_Sign1, RFC 9052) for the facts the binding hides.

c2pa-python exposes the signer's subject and validity but not its certificates. We
need the DER chain (`x5chain`, RFC 9360) for `--certs` and to match allowed lists, and
want to know whether the signature carries timestamps (`sigTst`/`sigTst2`) or stapled
OCSP responses (`rVals`). Nothing here verifies anything: c2pa-rs does that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import cbor

COSE_SIGN1_TAG = 18
X5CHAIN = 33
#: C2PA 1.x signatures used a text label before RFC 9360 assigned 33.
X5CHAIN_LEGACY = "x5chain"
MAX_CHAIN = 16


class CoseError(ValueError):
    """The signature is not a COSE_Sign1 we can read."""


@dataclass(frozen=True)
class SignatureParts:
    """Certificates and unsigned attributes of one claim signature."""

    #: DER certificates, signer first.
    chain: tuple[bytes, ...]
    #: Time-stamp tokens carried in `sigTst` / `sigTst2`.
    timestamp_tokens: int = 0
    #: The tokens' bytes (RFC 3161 TimeStampResp or TimeStampToken), to read their authority.
    timestamp_values: tuple[bytes, ...] = ()
    #: DER OCSP responses stapled in `rVals.ocspVals`.
    ocsp_responses: tuple[bytes, ...] = ()


def _headers(value: object) -> Mapping[object, object]:
    return value if isinstance(value, dict) else {}


def _chain(value: object) -> tuple[bytes, ...]:
    if isinstance(value, bytes):
        return (value,)
    if isinstance(value, list):
        if len(value) > MAX_CHAIN:
            raise CoseError(f"x5chain holds {len(value)} certificates (limit {MAX_CHAIN})")
        if all(isinstance(v, bytes) for v in value):
            return tuple(v for v in value if isinstance(v, bytes))
    raise CoseError("x5chain is neither a certificate nor an array of certificates")


def _tokens(value: object) -> list[object]:
    tokens = _headers(value).get("tstTokens")
    return tokens if isinstance(tokens, list) else []


def parse_sign1(data: bytes) -> SignatureParts:
    """The certificate chain and unsigned attributes of a COSE_Sign1 signature."""
    try:
        item = cbor.decode(data, allow_trailing=True)
    except cbor.CborError as exc:
        raise CoseError(f"signature is not CBOR: {exc}") from exc
    if isinstance(item, cbor.Tagged):
        if item.tag != COSE_SIGN1_TAG:
            raise CoseError(f"tag {item.tag} is not COSE_Sign1 ({COSE_SIGN1_TAG})")
        item = item.value
    if not isinstance(item, list) or len(item) != 4 or not isinstance(item[0], bytes):
        raise CoseError("not a COSE_Sign1 array")
    try:
        protected = _headers(cbor.decode(item[0])) if item[0] else {}
    except cbor.CborError as exc:
        raise CoseError(f"protected header is not CBOR: {exc}") from exc
    unprotected = _headers(item[1])
    raw_chain = next(
        (
            headers[label]
            for label in (X5CHAIN, X5CHAIN_LEGACY)
            for headers in (protected, unprotected)
            if label in headers
        ),
        None,
    )
    if raw_chain is None:
        raise CoseError("no x5chain header")
    ocsp = _headers(unprotected.get("rVals")).get("ocspVals")
    responses = tuple(v for v in ocsp if isinstance(v, bytes)) if isinstance(ocsp, list) else ()
    tokens = [
        token
        for label in ("sigTst", "sigTst2")
        for headers in (protected, unprotected)
        for token in _tokens(headers.get(label))
    ]
    values = tuple(v for t in tokens if isinstance(v := _headers(t).get("val"), bytes))
    return SignatureParts(
        chain=_chain(raw_chain),
        timestamp_tokens=len(tokens),
        timestamp_values=values,
        ocsp_responses=responses,
    )
