"""Signer trust and revocation: pure decisions over plain facts (testable from dicts).

c2pa-rs's codes give the first answer (:func:`verify.integrity.assess_signer_trust`);
this module refines it with what the codes cannot say: which list recognised the
signer, whether that list is one of content signers at all, the allowed list c2pa-rs
ignores, and the timestamp rule for expired certificates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ..integrity import Integrity, SignerTrust, assess_signer_trust
from ..model import Validation

_FOUND_IN = re.compile(r"found in \[(.*)\] trust anchors")
_TIMESTAMP_PROBLEMS = frozenset(
    {
        "timeStamp.untrusted",
        "timeStamp.mismatch",
        "timeStamp.malformed",
        "timeStamp.outsideValidity",
    }
)
_OCSP_NO_ANSWER = frozenset(
    {"signingCredential.ocsp.inaccessible", "signingCredential.ocsp.unknown"}
)
_MAX_NAMED = 3
#: How c2pa-rs 0.91.3 explains `timeStamp.trusted` for a claim v1 signature: it checked no
#: anchor (it says the same under --no-trust), so the verdict is not its to give.
LEGACY_TIMESTAMP = "legacy timestamp cert trusted"


class Revocation(StrEnum):
    """What an OCSP answer says about the signer's certificate."""

    NOT_REVOKED = "not_revoked"
    REVOKED = "revoked"
    #: A response was available but gave no usable answer (e.g. its responder is not trusted).
    UNKNOWN = "unknown"
    #: No response was available offline and none was fetched.
    NOT_CHECKED = "not_checked"


class RevocationSource(StrEnum):
    """Where the OCSP answer came from."""

    STAPLED_OCSP = "stapled_ocsp"
    CERTIFICATE_STATUS = "certificate_status_assertion"
    OCSP_FETCH = "ocsp_fetch"


@dataclass(frozen=True)
class SignerFacts:
    """Everything the trust decision looks at."""

    validation: Validation
    #: Names of the lists in use, in order.
    configured: tuple[str, ...] = ()
    #: Lists whose anchors the signer's chain reaches (our own walk), in order.
    anchored_in: tuple[str, ...] = ()
    #: Which of the configured lists hold time-stamp authorities.
    tsa_lists: frozenset[str] = frozenset()
    #: The list whose allowed list holds the signer certificate.
    allowed_in: str | None = None
    #: Whether the signer's certificate chain could be read from the signature.
    chain_read: bool = False
    timestamped: bool = False
    timestamp_trusted: bool | None = None
    signed_at: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    integrity: Integrity = Integrity.INTACT
    #: When the check ran (ISO 8601), to say that a certificate has expired since.
    checked_at: str | None = None
    #: Why the timestamp verdict is ours, or missing (see :func:`decide_timestamp`).
    timestamp_note: str | None = None


@dataclass(frozen=True)
class TrustDecision:
    trust: SignerTrust
    trust_list: str | None
    explanation: str
    allowed_list_match: bool = False


def library_list(validation: Validation, configured: Iterable[str]) -> str | None:
    """The configured list c2pa-rs named in `signingCredential.trusted`, if any."""
    names = set(configured)
    for entry in validation.success:
        if entry.code == "signingCredential.trusted" and entry.explanation:
            found = _FOUND_IN.search(entry.explanation)
            if found and found.group(1) in names:
                return found.group(1)
    return None


def timestamp_verdict(validation: Validation) -> bool | None:
    """True if c2pa-rs trusts the timestamp, False if it found a problem, None if silent."""
    if any(e.code == "timeStamp.trusted" for e in validation.success):
        return True
    codes = {e.code for e in (*validation.failure, *validation.informational)}
    return False if codes & _TIMESTAMP_PROBLEMS else None


def unchecked_timestamp(validation: Validation) -> bool:
    """c2pa-rs said `timeStamp.trusted` without checking the authority (claim v1 signatures)."""
    return any(
        e.code == "timeStamp.trusted" and (e.explanation or "").startswith(LEGACY_TIMESTAMP)
        for e in validation.success
    )


@dataclass(frozen=True)
class TimestampFacts:
    """What the timestamp verdict looks at."""

    validation: Validation
    #: Names of the lists in use, in order.
    configured: tuple[str, ...] = ()
    #: Lists whose anchors the time-stamp authority's chain reaches (our own walk); None
    #: when its certificates could not be read.
    tsa_anchored_in: tuple[str, ...] | None = None
    #: Why the authority's certificates could not be read.
    tsa_problem: str | None = None
    #: The authority's certificate has the id-kp-timeStamping extended key usage.
    stamps_time: bool = False


@dataclass(frozen=True)
class TimestampDecision:
    #: The report's `timestamp_trusted`.
    trusted: bool | None
    #: Why, when the verdict is ours rather than c2pa-rs's, or there is none.
    note: str | None = None


_UNCHECKED = "c2pa-rs accepts a claim v1 timestamp without checking its authority"


def decide_timestamp(facts: TimestampFacts) -> TimestampDecision:
    """Whether the signature's timestamp is trusted, checking claim v1 ones ourselves.

    For those, the authority must chain to an anchor of a configured list and carry the
    timeStamping EKU: what c2pa-rs itself required before claim v2 gave time-stamp
    authorities their own list (its default EKU set includes id-kp-timeStamping).
    """
    verdict = timestamp_verdict(facts.validation)
    if verdict is not True or not unchecked_timestamp(facts.validation):
        return TimestampDecision(verdict)
    if not facts.configured:
        return TimestampDecision(None, f"{_UNCHECKED}, and no trust list is configured")
    if facts.tsa_anchored_in is None:
        why = f": {facts.tsa_problem}" if facts.tsa_problem else ""
        return TimestampDecision(None, f"{_UNCHECKED}, and its certificates could not be read{why}")
    if not facts.stamps_time:
        return TimestampDecision(
            False, "the time-stamp authority's certificate is not for time-stamping (EKU)"
        )
    if not facts.tsa_anchored_in:
        return TimestampDecision(
            False, "the time-stamp authority is not on a configured trust list"
        )
    return TimestampDecision(
        True,
        f"time-stamp authority chains to {facts.tsa_anchored_in[0]}, checked by c2pa-verify"
        " as c2pa-rs does not for claim v1",
    )


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _signed_within_validity(facts: SignerFacts) -> bool:
    """A trusted timestamp inside the certificate's validity proves it signed in time."""
    signed, start, end = (
        _moment(facts.signed_at),
        _moment(facts.not_before),
        _moment(facts.not_after),
    )
    if facts.timestamp_trusted is not True or signed is None or end is None:
        return False
    try:
        return (start is None or start <= signed) and signed <= end
    except TypeError:  # one naive, one aware: cannot compare, so no proof
        return False


def _content_clause(integrity: Integrity) -> str:
    return {
        Integrity.INTACT: "; the content itself is intact (hashes and signature match)",
        Integrity.TAMPERED: "; the content was also changed after signing",
        Integrity.HISTORY_TAMPERED: "; the asset's own content is intact, an ingredient's is not",
        Integrity.MALFORMED: "; the manifest is also malformed",
        Integrity.UNKNOWN: "",
    }[integrity]


def _signer_lists(facts: SignerFacts) -> tuple[str, ...]:
    return tuple(n for n in facts.anchored_in if n not in facts.tsa_lists)


def _expired(facts: SignerFacts) -> TrustDecision:
    when = f" on {facts.not_after}" if facts.not_after else ""
    note = f" ({facts.timestamp_note})" if facts.timestamp_note else ""
    if not facts.timestamped:
        why = "and the signature has no timestamp to prove it was made before then"
    elif facts.timestamp_trusted is None:
        why = "and its timestamp proves nothing" + note
    elif facts.timestamp_trusted is False:
        why = "and its timestamp is not trusted" + note
    else:
        why = "and its trusted timestamp falls outside the certificate's validity"
    lists = _signer_lists(facts)
    issued = f"; issued under {lists[0]}" if lists else ""
    return TrustDecision(
        SignerTrust.EXPIRED,
        None,
        f"certificate expired{when} {why}{issued}{_content_clause(facts.integrity)}",
    )


def _not_recognised(
    facts: SignerFacts, prefix: str = "", tsa_list: str | None = None
) -> TrustDecision:
    lists = _signer_lists(facts)
    tsa_list = tsa_list or next((n for n in facts.anchored_in if n in facts.tsa_lists), None)
    if lists:
        why = (
            f"chains to {lists[0]}, but c2pa-rs did not accept the certificate for signing"
            " content (for example its extended key usage or validity)"
        )
    elif not facts.configured:
        why = "no trust list configured: run `c2pa-verify trust update` or pass --trust-anchors"
    elif tsa_list is not None:
        why = f"chains only to {tsa_list}, a list of time-stamp authorities, not of content signers"
    else:
        named = ", ".join(facts.configured[:_MAX_NAMED])
        extra = len(facts.configured) - _MAX_NAMED
        more = f" and {extra} more" if extra > 0 else ""
        why = f"signer not on a configured trust list ({named}{more})"
    return TrustDecision(SignerTrust.UNTRUSTED, None, prefix + why)


def _lapsed(facts: SignerFacts) -> bool:
    """The certificate's validity ended before the check ran."""
    now, end = _moment(facts.checked_at), _moment(facts.not_after)
    try:
        return now is not None and end is not None and end < now
    except TypeError:  # one naive, one aware: cannot compare
        return False


def _expired_since(facts: SignerFacts) -> str:
    """Say so when a certificate accepted thanks to its timestamp has expired since."""
    if not _lapsed(facts) or facts.timestamp_trusted is not True:
        return ""
    by = f"; {facts.timestamp_note}" if facts.timestamp_note else ""
    return (
        f"; the certificate expired on {facts.not_after}, but a trusted timestamp"
        f" ({facts.signed_at or 'time unknown'}{by}) proves it signed in time"
    )


def _recognised(facts: SignerFacts, library: str | None, prefix: str = "") -> TrustDecision:
    lists = _signer_lists(facts)
    name = lists[0] if lists else library
    if name in facts.tsa_lists:
        return _not_recognised(facts, prefix, name)
    since = "" if prefix else _expired_since(facts)
    if name is None:
        return TrustDecision(
            SignerTrust.TRUSTED, None, prefix + "signer chains to a configured trust anchor" + since
        )
    return TrustDecision(
        SignerTrust.TRUSTED,
        name,
        prefix
        + f"recognised by {name}: the signer's certificate chains to one of its anchors"
        + since,
    )


def decide_trust(facts: SignerFacts) -> TrustDecision:
    """The signer's trust, the list that recognised it, and one line saying why."""
    base = assess_signer_trust(facts.validation)
    library = library_list(facts.validation, facts.configured)
    if base.trust in (SignerTrust.REVOKED, SignerTrust.INVALID):
        return TrustDecision(base.trust, None, base.explanation + _content_clause(facts.integrity))
    if base.trust is SignerTrust.EXPIRED:
        if not _signed_within_validity(facts):
            return _expired(facts)
        by = f"; {facts.timestamp_note}" if facts.timestamp_note else ""
        prefix = (
            f"certificate has expired since, but a trusted timestamp ({facts.signed_at}{by})"
            " proves it signed within its validity; "
        )
        if _signer_lists(facts):
            return _recognised(facts, library, prefix)
        return _not_recognised(facts, prefix)
    if base.trust is SignerTrust.TRUSTED:
        if _lapsed(facts) and facts.timestamp_trusted is not True:
            # c2pa-rs judged the validity at the time of a timestamp it did not check
            # (claim v1) and we could not trust: without it, the certificate has expired.
            return _expired(facts)
        return _recognised(facts, library)
    if facts.allowed_in is not None:
        return TrustDecision(
            SignerTrust.TRUSTED,
            facts.allowed_in,
            f"signer certificate is on the allowed list of {facts.allowed_in} (matched by the"
            " SHA-256 of its DER encoding; c2pa-rs 0.91.3 does not apply allowed lists)",
            allowed_list_match=True,
        )
    return _not_recognised(facts)


def assess_revocation(
    validation: Validation, *, stapled: bool, status_assertion: bool, network: bool
) -> tuple[Revocation, RevocationSource | None]:
    """Revocation status of the signer's certificate and where it came from."""
    codes = {e.code for e in (*validation.success, *validation.failure, *validation.informational)}
    if "signingCredential.ocsp.revoked" in codes:
        status = Revocation.REVOKED
    elif "signingCredential.ocsp.notRevoked" in codes:
        status = Revocation.NOT_REVOKED
    elif stapled or status_assertion or codes & _OCSP_NO_ANSWER:
        status = Revocation.UNKNOWN
    else:
        return Revocation.NOT_CHECKED, None
    if stapled:
        return status, RevocationSource.STAPLED_OCSP
    if status_assertion:
        return status, RevocationSource.CERTIFICATE_STATUS
    return status, RevocationSource.OCSP_FETCH if network else None
