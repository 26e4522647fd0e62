"""Who signed: the report's `signer`, from the parsed store, the signature and the lists."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from .. import cose, jumbf
from ..integrity import Integrity
from ..model import ManifestStore, Validation
from ..parse import base_label
from ..report import Signer
from .anchors import TrustIndex
from .lists import TrustKind
from .policy import (
    SignerFacts,
    TimestampDecision,
    TimestampFacts,
    assess_revocation,
    decide_timestamp,
    decide_trust,
    unchecked_timestamp,
)
from .tsa import TokenError, read_token

CERTIFICATE_STATUS = "c2pa.certificate-status"


@dataclass(frozen=True)
class SignatureEvidence:
    """What we read ourselves from the active manifest's signature."""

    #: DER certificates, signer first (empty if unreadable).
    chain: tuple[bytes, ...] = ()
    timestamp_tokens: int = 0
    #: The tokens themselves, to check their authority when c2pa-rs did not.
    timestamp_values: tuple[bytes, ...] = ()
    ocsp_stapled: bool = False
    #: A manifest in the store carries a `c2pa.certificate-status` assertion.
    certificate_status: bool = False
    #: Why the chain could not be read, when it could not.
    problem: str | None = None

    @property
    def signer_sha256(self) -> str | None:
        return hashlib.sha256(self.chain[0]).hexdigest() if self.chain else None


def read_evidence(store_jumbf: bytes | None, active_label: str | None) -> SignatureEvidence:
    """Parse the active manifest's COSE signature out of the store's JUMBF bytes."""
    if store_jumbf is None or active_label is None:
        return SignatureEvidence(problem="the manifest store bytes were not available")
    try:
        manifests = jumbf.store_manifests(store_jumbf)
    except jumbf.JumbfError as exc:
        return SignatureEvidence(problem=f"manifest store boxes: {exc}")
    status = any(
        base_label(label) == CERTIFICATE_STATUS for m in manifests for label in m.assertion_labels
    )
    active = next((m for m in manifests if m.label == active_label), None)
    if active is None or active.signature is None:
        return SignatureEvidence(
            certificate_status=status, problem="the active manifest has no signature box"
        )
    try:
        parts = cose.parse_sign1(active.signature)
    except cose.CoseError as exc:
        return SignatureEvidence(certificate_status=status, problem=f"signature: {exc}")
    return SignatureEvidence(
        chain=parts.chain,
        timestamp_tokens=parts.timestamp_tokens,
        timestamp_values=parts.timestamp_values,
        ocsp_stapled=bool(parts.ocsp_responses),
        certificate_status=status,
    )


@dataclass(frozen=True)
class SignerContext:
    """What the signer assessment needs besides the asset: the lists, the network flag."""

    index: TrustIndex
    allow_network: bool = False


def assess_timestamp(
    validation: Validation, evidence: SignatureEvidence, index: TrustIndex
) -> TimestampDecision:
    """c2pa-rs's timestamp verdict, or ours where it checked no anchor (claim v1)."""
    if not unchecked_timestamp(validation) or not index.names:
        return decide_timestamp(TimestampFacts(validation, index.names))
    if len(evidence.timestamp_values) != 1:
        # c2pa-rs reads one token only (more is malformed); which one it checked is unsure.
        found = len(evidence.timestamp_values)
        problem = evidence.problem or f"{found} time-stamp tokens where one is expected"
        return decide_timestamp(TimestampFacts(validation, index.names, tsa_problem=problem))
    try:
        token = read_token(evidence.timestamp_values[0])
    except TokenError as exc:
        return decide_timestamp(TimestampFacts(validation, index.names, tsa_problem=str(exc)))
    return decide_timestamp(
        TimestampFacts(
            validation,
            index.names,
            tsa_anchored_in=index.tsa_anchored_in(token),
            stamps_time=token.authority.stamps_time,
        )
    )


def _issuer(organization: str | None, common_name: str | None) -> str | None:
    if organization and common_name:
        return f"{common_name} ({organization})"
    return organization or common_name


def build_signer(
    store: ManifestStore,
    evidence: SignatureEvidence,
    context: SignerContext,
    integrity: Integrity,
) -> Signer | None:
    """The active manifest's signer with its trust decision (None if unsigned)."""
    active = store.active
    if active is None or active.signature is None:
        return None
    sig = active.signature
    cert = sig.certificate
    validation = store.validation
    success = {e.code for e in validation.success}
    timestamped = (
        sig.timestamp_authority is not None
        or evidence.timestamp_tokens > 0
        or bool(success & {"timeStamp.validated", "timeStamp.trusted"})
    )
    stamp = assess_timestamp(validation, evidence, context.index) if timestamped else None
    ts_trusted = stamp.trusted if stamp else None
    index = context.index
    not_before = cert.not_before if cert else None
    not_after = cert.not_after if cert else None
    decision = decide_trust(
        SignerFacts(
            validation=validation,
            configured=index.names,
            anchored_in=index.anchored_in(evidence.chain) if evidence.chain else (),
            tsa_lists=frozenset(n for n in index.names if index.kind_of(n) is TrustKind.TSA),
            allowed_in=index.allowed_in(evidence.signer_sha256),
            chain_read=bool(evidence.chain),
            timestamped=timestamped,
            timestamp_trusted=ts_trusted,
            signed_at=sig.signed_at,
            not_before=not_before,
            not_after=not_after,
            integrity=integrity,
            checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
            timestamp_note=stamp.note if stamp else None,
        )
    )
    revocation, source = assess_revocation(
        validation,
        stapled=evidence.ocsp_stapled,
        status_assertion=evidence.certificate_status,
        network=context.allow_network,
    )
    return Signer(
        trust=decision.trust,
        trust_explanation=decision.explanation,
        organization=sig.organization or (cert.subject_organization if cert else None),
        common_name=sig.common_name or (cert.subject_common_name if cert else None),
        issuer=_issuer(cert.issuer_organization, cert.issuer_common_name) if cert else None,
        signed_at=sig.signed_at,
        timestamped=timestamped,
        timestamp_authority=sig.timestamp_authority,
        algorithm=sig.algorithm,
        serial_number=sig.serial_number,
        not_before=not_before,
        not_after=not_after,
        trust_list=decision.trust_list,
        allowed_list_match=decision.allowed_list_match,
        timestamp_trusted=ts_trusted,
        certificate_sha256=evidence.signer_sha256,
        revocation=revocation,
        revocation_source=source,
    )
