"""The configured lists, parsed once per verifier: settings for c2pa-rs and our own lookups.

c2pa-rs decides whether a signer chains to an anchor (validity, EKUs, path). Two things
it does not do well enough for a report, so we do them here:

* say *which* list recognised the signer: when one anchor is on two lists (the C2PA
  Trust List and the TSA list share roots), c2pa-rs 0.91.3 names either at random, and it
  accepts a TSA list's anchors for content signers too;
* apply an allowed list of end-entity certificates, which c2pa-rs 0.91.3 ignores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from .errors import TrustConfigError, TrustListError
from .lists import TrustKind, TrustList
from .pem import fingerprint, load_der, parse_allowed, parse_certificates, parse_eku_config
from .tsa import TokenCertificates, issued_by

#: Distinct signer chains whose anchoring is remembered per verifier.
CHAIN_CACHE = 1024


@dataclass(frozen=True)
class _Anchors:
    name: str
    kind: TrustKind
    fingerprints: frozenset[str]
    #: Issuer name (DER) -> anchors with that subject.
    by_subject: Mapping[bytes, tuple[x509.Certificate, ...]]


def _index(trust_list: TrustList) -> _Anchors:
    certs: tuple[x509.Certificate, ...] = ()
    if trust_list.anchors_pem:
        certs = parse_certificates(trust_list.anchors_pem, trust_list.name)
    by_subject: dict[bytes, list[x509.Certificate]] = {}
    for cert in certs:
        by_subject.setdefault(cert.subject.public_bytes(), []).append(cert)
    return _Anchors(
        name=trust_list.name,
        kind=trust_list.kind,
        fingerprints=frozenset(fingerprint(c) for c in certs),
        by_subject={k: tuple(v) for k, v in by_subject.items()},
    )


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _anchored(chain: Sequence[x509.Certificate], anchors: _Anchors) -> bool:
    """Whether the chain, followed from the signer up, reaches one of these anchors.

    Each step must be a real issuance (names and signature), so a chain that merely
    carries a listed certificate somewhere does not count.
    """
    for i, cert in enumerate(chain):
        if fingerprint(cert) in anchors.fingerprints:
            return True
        issuers = anchors.by_subject.get(cert.issuer.public_bytes(), ())
        if any(_issued_by(cert, anchor) for anchor in issuers):
            return True
        if i + 1 >= len(chain) or not _issued_by(cert, chain[i + 1]):
            return False
    return False


class TrustIndex:
    """The lists one verifier uses, parsed once."""

    def __init__(self, lists: Sequence[TrustList] = ()) -> None:
        self.lists = tuple(lists)
        try:
            self._anchors = tuple(_index(t) for t in self.lists)
            self._allowed: dict[str, str] = {}
            for t in self.lists:
                if t.allowed_pem:
                    for digest in parse_allowed(t.allowed_pem, f"{t.name} allowed list"):
                        self._allowed.setdefault(digest, t.name)
                if t.eku_config:
                    parse_eku_config(t.eku_config, f"{t.name} EKU list")
        except TrustListError as exc:
            raise TrustConfigError(str(exc)) from exc
        self._kinds = {t.name: t.kind for t in self.lists}
        self.anchored_in = lru_cache(maxsize=CHAIN_CACHE)(self._anchored_in)
        # A batch meets the same few time-stamp authorities over and over.
        self.tsa_anchored_in = lru_cache(maxsize=CHAIN_CACHE)(self._tsa_anchored_in)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.lists)

    def kind_of(self, name: str | None) -> TrustKind | None:
        return self._kinds.get(name) if name is not None else None

    def c2pa_settings(self) -> dict[str, Any] | None:
        """The `trust` settings for c2pa-rs, one named anchor list per configured list."""
        if not self.lists:
            return None
        settings: dict[str, Any] = {}
        anchors = [
            {"trust_anchors": t.anchors_pem, "trust_kind": t.kind.value, "trust_uri": t.name}
            for t in self.lists
            if t.anchors_pem
        ]
        if anchors:
            settings["anchors"] = anchors
        allowed = "".join(t.allowed_pem.strip() + "\n" for t in self.lists if t.allowed_pem)
        if allowed:
            # c2pa-rs 0.91.3 ignores it; given anyway so a release that honours it can.
            settings["allowed_list"] = allowed
        ekus = "".join(t.eku_config.strip() + "\n" for t in self.lists if t.eku_config)
        if ekus:
            settings["trust_config"] = ekus
        return settings or None

    def _anchored_in(self, chain_der: tuple[bytes, ...]) -> tuple[str, ...]:
        """Names of the lists (in configured order) the signer chain is anchored in."""
        try:
            chain = [load_der(der) for der in chain_der]
        except ValueError:
            return ()
        return tuple(a.name for a in self._anchors if chain and _anchored(chain, a))

    def _tsa_anchored_in(self, token: TokenCertificates) -> tuple[str, ...]:
        """Names of the lists (in configured order) a time-stamp authority is anchored in.

        The authority's own certificate is read without cryptography (see
        :class:`~verify.trust.tsa.RawCertificate`), so its first step is checked here.
        """
        authority = token.authority
        names = {
            a.name
            for a in self._anchors
            if authority.sha256 in a.fingerprints
            or any(issued_by(authority, x) for x in a.by_subject.get(authority.issuer, ()))
        }
        if token.issuers:
            try:
                issuer = load_der(token.issuers[0])
            except ValueError:
                issuer = None
            if issuer is not None and issued_by(authority, issuer):
                names.update(self.anchored_in(token.issuers))
        return tuple(n for n in self.names if n in names)

    def allowed_in(self, sha256: str | None) -> str | None:
        """The list whose allowed list holds this end-entity certificate."""
        return self._allowed.get(sha256) if sha256 else None
