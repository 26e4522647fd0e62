"""Integrity and signer trust from validation codes, for every code class."""

from __future__ import annotations

import pytest

from verify.integrity import (
    ASSET_TAMPERED_CODES,
    CREDENTIAL_CODES,
    INGREDIENT_TAMPERED_CODES,
    MALFORMED_CODES,
    MANIFEST_TAMPERED_CODES,
    CodeClass,
    Integrity,
    SignerTrust,
    assess_integrity,
    assess_signer_trust,
    classify_code,
)
from verify.model import IngredientDelta, StatusEntry, Validation


def validation(
    state: str = "Invalid",
    failures: tuple[str, ...] = (),
    deltas: tuple[str, ...] = (),
    success: tuple[str, ...] = (),
) -> Validation:
    return Validation(
        state=state,
        success=tuple(StatusEntry(c) for c in success),
        failure=tuple(StatusEntry(c) for c in failures),
        ingredient_deltas=(IngredientDelta("uri", tuple(StatusEntry(c) for c in deltas)),)
        if deltas
        else (),
    )


@pytest.mark.parametrize("code", sorted(ASSET_TAMPERED_CODES | MANIFEST_TAMPERED_CODES))
def test_tampered_codes_on_active(code: str) -> None:
    """Any asset or manifest hash/signature failure on the active manifest is tampering."""
    assert assess_integrity(validation(failures=(code,))).integrity is Integrity.TAMPERED


@pytest.mark.parametrize(
    "code",
    sorted(
        ASSET_TAMPERED_CODES | MANIFEST_TAMPERED_CODES | INGREDIENT_TAMPERED_CODES | MALFORMED_CODES
    ),
)
def test_failures_inside_ingredients_are_history(code: str) -> None:
    """The same codes under ingredientDeltas only make the history tampered."""
    result = assess_integrity(validation(failures=("signingCredential.untrusted",), deltas=(code,)))
    assert result.integrity is Integrity.HISTORY_TAMPERED
    assert code in result.codes


@pytest.mark.parametrize("code", sorted(INGREDIENT_TAMPERED_CODES))
def test_ingredient_codes_on_active_are_history(code: str) -> None:
    """Legacy flat lists put ingredient codes on the active manifest: still history."""
    assert assess_integrity(validation(failures=(code,))).integrity is Integrity.HISTORY_TAMPERED


@pytest.mark.parametrize("code", sorted(MALFORMED_CODES))
def test_malformed_codes(code: str) -> None:
    """Structural failures are malformed, not tampered."""
    assert assess_integrity(validation(failures=(code,))).integrity is Integrity.MALFORMED


@pytest.mark.parametrize(
    "code",
    [
        "signingCredential.untrusted",
        "signingCredential.expired",
        "signingCredential.invalid",
        "claimSignature.outsideValidity",
        "signingCredential.ocsp.revoked",
        "timeStamp.mismatch",
        "cawg.ica.did_unavailable",
        "ingredient.unknownProvenance",
    ],
)
def test_credential_problems_are_not_tampering(code: str) -> None:
    """An expired, untrusted or revoked certificate leaves the content intact."""
    assert assess_integrity(validation(failures=(code,))).integrity is Integrity.INTACT


def test_tampered_wins_over_malformed_and_history() -> None:
    """When several classes appear, tampering of the asset is what is reported."""
    result = assess_integrity(
        validation(
            failures=("claim.malformed", "assertion.dataHash.mismatch"),
            deltas=("claimSignature.mismatch",),
        )
    )
    assert result.integrity is Integrity.TAMPERED
    assert result.codes == ("assertion.dataHash.mismatch",)


@pytest.mark.parametrize("code", ["manifest.inaccessible", "assertion.inaccessible"])
def test_inaccessible_is_unknown(code: str) -> None:
    """Parts that could not be fetched offline leave integrity unknown."""
    assert assess_integrity(validation(failures=(code,))).integrity is Integrity.UNKNOWN


def test_no_validation_is_unknown() -> None:
    """Without a validation result there is nothing to judge."""
    assert assess_integrity(None).integrity is Integrity.UNKNOWN
    assert assess_integrity(Validation(state=None)).integrity is Integrity.UNKNOWN


def test_clean_is_intact() -> None:
    """No failures at all: intact."""
    assert assess_integrity(validation(state="Trusted")).integrity is Integrity.INTACT


def test_standalone_manifest_ignores_asset_hash() -> None:
    """A .c2pa read alone has no asset: a data hash mismatch says nothing, nor "intact"."""
    v = validation(failures=("assertion.dataHash.mismatch",))
    assessed = assess_integrity(v, standalone_manifest=True)
    assert assessed.integrity is Integrity.UNKNOWN
    assert "no asset to compare" in assessed.explanation
    v = validation(failures=("assertion.dataHash.mismatch", "claimSignature.mismatch"))
    assert assess_integrity(v, standalone_manifest=True).integrity is Integrity.TAMPERED


@pytest.mark.parametrize(
    ("failures", "success", "state", "trust"),
    [
        ((), ("signingCredential.trusted",), "Trusted", SignerTrust.TRUSTED),
        ((), (), "Trusted", SignerTrust.TRUSTED),
        (("signingCredential.untrusted",), (), "Valid", SignerTrust.UNTRUSTED),
        (
            ("signingCredential.expired", "signingCredential.untrusted"),
            (),
            "Invalid",
            SignerTrust.EXPIRED,
        ),
        (
            ("signingCredential.expired",),
            ("signingCredential.trusted",),
            "Invalid",
            SignerTrust.EXPIRED,
        ),
        (
            ("signingCredential.ocsp.revoked",),
            ("signingCredential.trusted",),
            "Invalid",
            SignerTrust.REVOKED,
        ),
        (("signingCredential.invalid",), (), "Invalid", SignerTrust.INVALID),
        (("claimSignature.mismatch",), (), "Invalid", SignerTrust.INVALID),
        (("claimSignature.outsideValidity",), (), "Invalid", SignerTrust.INVALID),
        # An ingredient's failure does not make the active signer untrusted.
        ((), ("signingCredential.trusted",), "Invalid", SignerTrust.TRUSTED),
        ((), (), "Valid", SignerTrust.UNTRUSTED),
    ],
)
def test_signer_trust(
    failures: tuple[str, ...], success: tuple[str, ...], state: str, trust: SignerTrust
) -> None:
    """Signer trust reads only the active manifest's own codes."""
    assert assess_signer_trust(validation(state, failures, success=success)).trust is trust


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("assertion.bmffHash.mismatch", CodeClass.ASSET_TAMPERED),
        ("assertion.hashedURI.mismatch", CodeClass.MANIFEST_TAMPERED),
        ("ingredient.manifest.mismatch", CodeClass.INGREDIENT_TAMPERED),
        ("general.error", CodeClass.MALFORMED),
        ("signingCredential.untrusted", CodeClass.UNTRUSTED),
        ("signingCredential.expired", CodeClass.CREDENTIAL),
        ("signingCredential.ocsp.revoked", CodeClass.REVOKED),
        ("signingCredential.ocsp.skipped", CodeClass.INFORMATIONAL),
        ("timeStamp.untrusted", CodeClass.INFORMATIONAL),
        ("assertion.dataHash.additionalExclusionsPresent", CodeClass.INFORMATIONAL),
        ("algorithm.deprecated", CodeClass.INFORMATIONAL),
        ("manifest.inaccessible", CodeClass.INACCESSIBLE),
        ("cawg.identity.pad.invalid", CodeClass.IDENTITY),
        ("assertion.dataHash.malformed", CodeClass.MALFORMED),
        ("hashedURI.missing", CodeClass.MANIFEST_TAMPERED),
        ("assertion.action.redacted", CodeClass.MANIFEST_TAMPERED),
        ("assertion.boxesHash.unknownBox", CodeClass.ASSET_TAMPERED),
        ("com.adobe.prerelease", CodeClass.MALFORMED),
        ("manifest.unreferenced", CodeClass.INFORMATIONAL),
        ("some.future.code", CodeClass.OTHER),
    ],
)
def test_classify_code(code: str, cls: CodeClass) -> None:
    """Each code lands in its validation.md class."""
    assert classify_code(code) is cls


@pytest.mark.parametrize("code", ["some.future.code", "assertion.newHash.mismatch"])
def test_unclassified_failure_is_never_intact(code: str) -> None:
    """A failure code this version does not know leaves integrity unknown, with the code."""
    result = assess_integrity(validation(failures=(code,)))
    assert result.integrity is Integrity.UNKNOWN
    assert result.codes == (code,)


def test_credential_codes_are_classed() -> None:
    """Every credential code is a credential problem."""
    assert {classify_code(c) for c in CREDENTIAL_CODES} == {CodeClass.CREDENTIAL}
