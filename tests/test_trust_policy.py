"""The pure trust and revocation decisions, table-driven over plain facts."""

from __future__ import annotations

from typing import Any

import pytest

from verify.integrity import Integrity, SignerTrust
from verify.model import StatusEntry, Validation
from verify.trust.policy import (
    Revocation,
    RevocationSource,
    SignerFacts,
    assess_revocation,
    decide_trust,
    library_list,
    timestamp_verdict,
)

OFFICIAL, TSA, INTERIM, FILE = (
    "C2PA Trust List",
    "C2PA TSA Trust List",
    "Interim Trust List",
    "roots.pem",
)
CONFIGURED = (OFFICIAL, TSA, INTERIM)
TRUSTED_IN = "signing certificate trusted, found in [{}] trust anchors"


def validation(
    failure: tuple[str, ...] = (),
    success: tuple[str | tuple[str, str], ...] = (),
    informational: tuple[str, ...] = (),
    state: str = "Valid",
) -> Validation:
    def entry(item: str | tuple[str, str]) -> StatusEntry:
        if isinstance(item, tuple):
            return StatusEntry(item[0], explanation=item[1])
        return StatusEntry(item)

    return Validation(
        state=state,
        success=tuple(entry(s) for s in success),
        failure=tuple(StatusEntry(c) for c in failure),
        informational=tuple(StatusEntry(c) for c in informational),
    )


def trusted_by(name: str) -> Validation:
    return validation(
        success=(("signingCredential.trusted", TRUSTED_IN.format(name)),), state="Trusted"
    )


UNTRUSTED = validation(failure=("signingCredential.untrusted",))
EXPIRED = validation(failure=("signingCredential.untrusted", "signingCredential.expired"))


def facts(v: Validation, **kw: Any) -> SignerFacts:
    return SignerFacts(
        validation=v, configured=kw.pop("configured", CONFIGURED), tsa_lists=frozenset({TSA}), **kw
    )


@pytest.mark.parametrize(
    ("case", "trust", "trust_list", "says"),
    [
        (
            facts(trusted_by(OFFICIAL), anchored_in=(OFFICIAL,)),
            "trusted",
            OFFICIAL,
            "recognised by C2PA Trust List",
        ),
        # c2pa-rs named the TSA list at random for an anchor on both lists: we name the signer list.
        (
            facts(trusted_by(TSA), anchored_in=(OFFICIAL, TSA)),
            "trusted",
            OFFICIAL,
            "recognised by C2PA Trust List",
        ),
        # c2pa-rs accepts TSA anchors for content signers; a TSA-only chain is not recognised.
        (
            facts(trusted_by(TSA), anchored_in=(TSA,)),
            "untrusted",
            None,
            "chains only to C2PA TSA Trust List",
        ),
        (facts(trusted_by(TSA)), "untrusted", None, "time-stamp authorities"),
        # Chain unreadable: fall back to the list c2pa-rs named.
        (facts(trusted_by(INTERIM)), "trusted", INTERIM, "recognised by Interim Trust List"),
        (
            facts(validation(success=("signingCredential.trusted",), state="Trusted")),
            "trusted",
            None,
            "configured trust anchor",
        ),
        (
            facts(UNTRUSTED, allowed_in=INTERIM),
            "trusted",
            INTERIM,
            "allowed list of Interim Trust List",
        ),
        (facts(UNTRUSTED, anchored_in=(OFFICIAL,)), "untrusted", None, "c2pa-rs did not accept"),
        (
            facts(UNTRUSTED),
            "untrusted",
            None,
            f"not on a configured trust list ({', '.join(CONFIGURED)})",
        ),
        (facts(UNTRUSTED, configured=(*CONFIGURED, FILE)), "untrusted", None, "and 1 more"),
        (facts(UNTRUSTED, configured=()), "untrusted", None, "no trust list configured"),
        (
            facts(validation(failure=("signingCredential.ocsp.revoked",))),
            "revoked",
            None,
            "revoked",
        ),
        (
            facts(validation(failure=("claimSignature.mismatch",)), integrity=Integrity.TAMPERED),
            "invalid",
            None,
            "changed after signing",
        ),
    ],
)
def test_trust_decision(case: SignerFacts, trust: str, trust_list: str | None, says: str) -> None:
    """Each combination of codes, chain anchoring and lists gives one trust and one reason."""
    decision = decide_trust(case)
    assert (decision.trust.value, decision.trust_list) == (trust, trust_list)
    assert says in decision.explanation


def test_allowed_list_match_is_flagged() -> None:
    """A signer recognised through the allowed list says so, and says c2pa-rs does not."""
    decision = decide_trust(facts(UNTRUSTED, allowed_in=INTERIM))
    assert decision.allowed_list_match
    assert "does not apply allowed lists" in decision.explanation
    assert not decide_trust(facts(trusted_by(OFFICIAL), anchored_in=(OFFICIAL,))).allowed_list_match


def test_expired_without_timestamp_says_both() -> None:
    """Expired and no timestamp: `expired`, and the content can still be intact; both are said."""
    decision = decide_trust(
        facts(EXPIRED, anchored_in=(OFFICIAL,), not_after="2025-01-01T00:00:00+00:00")
    )
    assert decision.trust is SignerTrust.EXPIRED
    assert decision.trust_list is None
    text = decision.explanation
    assert "expired on 2025-01-01" in text and "no timestamp" in text
    assert "issued under C2PA Trust List" in text
    assert "the content itself is intact" in text


@pytest.mark.parametrize(
    ("integrity", "clause"),
    [
        (Integrity.TAMPERED, "also changed after signing"),
        (Integrity.HISTORY_TAMPERED, "an ingredient's is not"),
        (Integrity.MALFORMED, "also malformed"),
    ],
)
def test_expired_names_the_content_state(integrity: Integrity, clause: str) -> None:
    """The expired explanation always says what happened to the content as well."""
    assert clause in decide_trust(facts(EXPIRED, integrity=integrity)).explanation


def test_expired_with_untrusted_timestamp() -> None:
    """A timestamp that is not trusted proves nothing."""
    decision = decide_trust(facts(EXPIRED, timestamped=True, timestamp_trusted=False))
    assert decision.trust is SignerTrust.EXPIRED
    assert "timestamp is not trusted" in decision.explanation


VALIDITY = {"not_before": "2024-01-01T00:00:00+00:00", "not_after": "2025-01-01T00:00:00+00:00"}


def test_expired_with_trusted_timestamp_inside_validity_is_valid() -> None:
    """A trusted timestamp inside the validity makes an expired certificate valid."""
    decision = decide_trust(
        facts(
            EXPIRED,
            anchored_in=(OFFICIAL,),
            timestamped=True,
            timestamp_trusted=True,
            signed_at="2024-06-01T00:00:00+00:00",
            **VALIDITY,
        )
    )
    assert (decision.trust, decision.trust_list) == (SignerTrust.TRUSTED, OFFICIAL)
    assert "proves it signed within its validity" in decision.explanation


def test_trusted_timestamp_inside_validity_but_no_list() -> None:
    """Valid signature in time, but no list recognises the signer: untrusted, not expired."""
    decision = decide_trust(
        facts(
            EXPIRED,
            timestamped=True,
            timestamp_trusted=True,
            signed_at="2024-06-01T00:00:00+00:00",
            **VALIDITY,
        )
    )
    assert decision.trust is SignerTrust.UNTRUSTED
    assert "signed within its validity" in decision.explanation


def test_trusted_timestamp_outside_validity_is_expired() -> None:
    """A timestamp after notAfter does not rescue the certificate."""
    decision = decide_trust(
        facts(
            EXPIRED,
            timestamped=True,
            timestamp_trusted=True,
            signed_at="2025-06-01T00:00:00+00:00",
            **VALIDITY,
        )
    )
    assert decision.trust is SignerTrust.EXPIRED
    assert "falls outside the certificate's validity" in decision.explanation


def test_trusted_signer_whose_certificate_expired_since() -> None:
    """Recognised thanks to a trusted timestamp, with a certificate expired by now: say so."""
    decision = decide_trust(
        facts(
            trusted_by(INTERIM),
            anchored_in=(INTERIM,),
            timestamped=True,
            timestamp_trusted=True,
            signed_at="2024-06-01T00:00:00+00:00",
            checked_at="2026-01-01T00:00:00+00:00",
            **VALIDITY,
        )
    )
    assert decision.trust is SignerTrust.TRUSTED
    assert "expired on 2025-01-01" in decision.explanation
    assert "proves it signed in time" in decision.explanation


def test_library_list_parses_only_configured_names() -> None:
    """The list named in c2pa-rs's explanation counts only if it is one we configured."""
    assert library_list(trusted_by("we]ird [x]"), ["we]ird [x]"]) == "we]ird [x]"
    assert library_list(trusted_by("system_anchors"), CONFIGURED) is None
    assert library_list(UNTRUSTED, CONFIGURED) is None


@pytest.mark.parametrize(
    ("v", "verdict"),
    [
        (validation(success=("timeStamp.validated", "timeStamp.trusted")), True),
        (
            validation(success=("timeStamp.validated",), informational=("timeStamp.untrusted",)),
            False,
        ),
        (validation(failure=("timeStamp.mismatch",)), False),
        (validation(success=("timeStamp.validated",)), None),
    ],
)
def test_timestamp_verdict(v: Validation, verdict: bool | None) -> None:
    """timestamp_trusted is true, false or unknown from the timeStamp.* codes."""
    assert timestamp_verdict(v) is verdict


@pytest.mark.parametrize(
    ("v", "stapled", "assertion", "network", "status", "source"),
    [
        (
            validation(success=("signingCredential.ocsp.notRevoked",)),
            True,
            False,
            False,
            "not_revoked",
            "stapled_ocsp",
        ),
        (
            validation(success=("signingCredential.ocsp.notRevoked",)),
            False,
            True,
            False,
            "not_revoked",
            "certificate_status_assertion",
        ),
        (
            validation(failure=("signingCredential.ocsp.revoked",)),
            True,
            True,
            False,
            "revoked",
            "stapled_ocsp",
        ),
        (
            validation(success=("signingCredential.ocsp.notRevoked",)),
            False,
            False,
            True,
            "not_revoked",
            "ocsp_fetch",
        ),
        (
            validation(informational=("signingCredential.ocsp.inaccessible",)),
            False,
            False,
            True,
            "unknown",
            "ocsp_fetch",
        ),
        (validation(), True, False, False, "unknown", "stapled_ocsp"),
        (
            validation(informational=("signingCredential.ocsp.skipped",)),
            False,
            False,
            False,
            "not_checked",
            None,
        ),
    ],
)
def test_revocation(  # noqa: PLR0917 - one parameter per table column
    v: Validation, stapled: bool, assertion: bool, network: bool, status: str, source: str | None
) -> None:
    """Revocation status from the OCSP codes, and the evidence it came from."""
    got = assess_revocation(v, stapled=stapled, status_assertion=assertion, network=network)
    assert got == (Revocation(status), RevocationSource(source) if source else None)
