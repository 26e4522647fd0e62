"""Integrity and signer-trust classification from validation codes (pure functions).

c2pa-rs folds everything into one state, and `Invalid` does not mean tampered: an
expired certificate, an untrusted ingredient signer or a CAWG identity problem also
make a file Invalid. These functions keep the axes apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .model import Validation


class Integrity(StrEnum):
    """Are the asset's hashes and the manifests' signatures what was signed?"""

    INTACT = "intact"
    TAMPERED = "tampered"
    HISTORY_TAMPERED = "history_tampered"
    MALFORMED = "malformed"
    UNKNOWN = "unknown"


class SignerTrust(StrEnum):
    """Is the active manifest's signer recognised, and is its credential usable?"""

    TRUSTED = "trusted"
    UNTRUSTED = "untrusted"
    EXPIRED = "expired"
    REVOKED = "revoked"
    INVALID = "invalid"


class CodeClass(StrEnum):
    """The classes of `validation.md`."""

    ASSET_TAMPERED = "asset_tampered"
    MANIFEST_TAMPERED = "manifest_tampered"
    INGREDIENT_TAMPERED = "ingredient_tampered"
    MALFORMED = "malformed"
    UNTRUSTED = "untrusted"
    CREDENTIAL = "credential"
    REVOKED = "revoked"
    INFORMATIONAL = "informational"
    INACCESSIBLE = "inaccessible"
    IDENTITY = "identity"
    OTHER = "other"


ASSET_TAMPERED_CODES = frozenset(
    {
        "assertion.dataHash.mismatch",
        "assertion.bmffHash.mismatch",
        "assertion.boxesHash.mismatch",
        "assertion.collectionHash.mismatch",
        # Boxes reordered or added, a collection file missing, a part of a multi-part
        # asset missing: the asset is not what was signed.
        "assertion.boxesHash.unknownBox",
        "assertion.collectionHash.incorrectFileCount",
        "assertion.multiAssetHash.missingPart",
    }
)
MANIFEST_TAMPERED_CODES = frozenset(
    {
        "claimSignature.mismatch",
        "assertion.hashedURI.mismatch",
        "hashedURI.mismatch",
        "assertion.missing",
        "assertion.undeclared",
        "claim.missing",
        "claimSignature.missing",
        "assertion.notRedacted",
        "assertion.selfRedacted",
        "hashedURI.missing",
        # Actions and hard bindings may never be redacted (spec 2.2, 6.8): a manifest
        # that lacks them was changed after signing.
        "assertion.action.redacted",
        "assertion.dataHash.redacted",
    }
)
INGREDIENT_TAMPERED_CODES = frozenset(
    {
        "ingredient.hashedURI.mismatch",
        "ingredient.manifest.mismatch",
        "ingredient.claimSignature.mismatch",
        "ingredient.manifest.missing",
        "ingredient.claimSignature.missing",
    }
)
MALFORMED_CODES = frozenset(
    {
        "claim.malformed",
        "claim.cbor.invalid",
        "claim.multiple",
        "claim.hardBindings.missing",
        "assertion.multipleHardBindings",
        "claim.required.missing",
        "assertion.cbor.invalid",
        "assertion.json.invalid",
        "assertion.required.missing",
        "assertion.action.malformed",
        "manifest.multipleParents",
        "manifest.update.invalid",
        "algorithm.unsupported",
        "general.error",
        # The rest of c2pa-rs's failure codes that say a manifest breaks the rules
        # without saying that anything changed (c2pa-rs validation_codes).
        "assertion.dataHash.malformed",
        "assertion.bmffHash.malformed",
        "assertion.boxesHash.malformed",
        "assertion.collectionHash.malformed",
        "assertion.collectionHash.invalidURI",
        "assertion.multiAssetHash.malformed",
        "assertion.cloud-data.malformed",
        "assertion.cloud-data.hardBinding",
        "assertion.cloud-data.actions",
        "assertion.ingredient.malformed",
        "assertion.metadata.disallowed",
        "assertion.timestamp.malformed",
        "assertion.action.ingredientMismatch",
        "assertion.action.redactionMismatch",
        "assertion.outsideManifest",
        "manifest.update.wrongParents",
        "manifest.timestamp.invalid",
        "manifest.timestamp.wrongParents",
        "manifest.compressed.invalid",
        # c2pa-rs's own code for a manifest written by a pre-release SDK.
        "com.adobe.prerelease",
    }
)
CREDENTIAL_CODES = frozenset(
    {"signingCredential.invalid", "signingCredential.expired", "claimSignature.outsideValidity"}
)
INACCESSIBLE_CODES = frozenset({"manifest.inaccessible", "assertion.inaccessible"})
INFORMATIONAL_PREFIXES = (
    "signingCredential.ocsp.skipped",
    "signingCredential.ocsp.inaccessible",
    "signingCredential.ocsp.unknown",
    "timeStamp.",
    "ingredient.unknownProvenance",
    "manifest.unknownProvenance",
    "manifest.unreferenced",
    "algorithm.deprecated",
    "timeOfSigning.",
)
#: CAWG identity assertion codes: about the named actor, not about the content's hashes;
#: c2pa-rs itself tolerates them in a Valid state.
IDENTITY_PREFIX = "cawg."


def classify_code(code: str) -> CodeClass:
    """Class of one validation status code."""
    if code in ASSET_TAMPERED_CODES:
        return CodeClass.ASSET_TAMPERED
    if code in MANIFEST_TAMPERED_CODES:
        return CodeClass.MANIFEST_TAMPERED
    if code in INGREDIENT_TAMPERED_CODES:
        return CodeClass.INGREDIENT_TAMPERED
    if code in MALFORMED_CODES:
        return CodeClass.MALFORMED
    if code == "signingCredential.untrusted":
        return CodeClass.UNTRUSTED
    if code in CREDENTIAL_CODES:
        return CodeClass.CREDENTIAL
    if code == "signingCredential.ocsp.revoked":
        return CodeClass.REVOKED
    if code in INACCESSIBLE_CODES:
        return CodeClass.INACCESSIBLE
    if code.startswith(INFORMATIONAL_PREFIXES) or code.endswith(".additionalExclusionsPresent"):
        return CodeClass.INFORMATIONAL
    if code.startswith(IDENTITY_PREFIX):
        return CodeClass.IDENTITY
    return CodeClass.OTHER


@dataclass(frozen=True)
class IntegrityAssessment:
    """Integrity with the codes that decided it."""

    integrity: Integrity
    codes: tuple[str, ...]
    explanation: str


def _classes(codes: Iterable[str]) -> dict[CodeClass, list[str]]:
    out: dict[CodeClass, list[str]] = {}
    for code in codes:
        out.setdefault(classify_code(code), []).append(code)
    return out


def assess_integrity(
    validation: Validation | None, standalone_manifest: bool = False
) -> IntegrityAssessment:
    """Integrity of the asset and its history from the validation results.

    `standalone_manifest` is for a `.c2pa` file read on its own: there is no asset to
    hash, so asset-binding mismatches say nothing and are left out of the decision.
    """
    if validation is None or validation.state is None:
        return IntegrityAssessment(Integrity.UNKNOWN, (), "no validation result")
    active = _classes(e.code for e in validation.failure)
    if standalone_manifest:
        active.pop(CodeClass.ASSET_TAMPERED, None)
    tampered = active.get(CodeClass.ASSET_TAMPERED, []) + active.get(
        CodeClass.MANIFEST_TAMPERED, []
    )
    # An ingredient code reported on the active manifest (legacy form) is history.
    history = list(active.get(CodeClass.INGREDIENT_TAMPERED, []))
    for delta in validation.ingredient_deltas:
        classes = _classes(e.code for e in delta.failure)
        for cls in (
            CodeClass.ASSET_TAMPERED,
            CodeClass.MANIFEST_TAMPERED,
            CodeClass.INGREDIENT_TAMPERED,
            CodeClass.MALFORMED,
        ):
            history.extend(classes.get(cls, []))
    if tampered:
        what = "the asset's content" if active.get(CodeClass.ASSET_TAMPERED) else "the manifest"
        return IntegrityAssessment(
            Integrity.TAMPERED, tuple(tampered), f"{what} changed after signing"
        )
    if active.get(CodeClass.MALFORMED):
        return IntegrityAssessment(
            Integrity.MALFORMED,
            tuple(active[CodeClass.MALFORMED]),
            "the manifest does not follow the C2PA rules",
        )
    if history:
        return IntegrityAssessment(
            Integrity.HISTORY_TAMPERED,
            tuple(history),
            "an ingredient's credentials failed validation; the active manifest is intact",
        )
    if active.get(CodeClass.INACCESSIBLE):
        return IntegrityAssessment(
            Integrity.UNKNOWN,
            tuple(active[CodeClass.INACCESSIBLE]),
            "part of the manifest could not be fetched offline",
        )
    if active.get(CodeClass.OTHER):
        # A failure this version cannot place: never read it as "hashes match".
        return IntegrityAssessment(
            Integrity.UNKNOWN,
            tuple(active[CodeClass.OTHER]),
            "the library reported a failure this version does not classify",
        )
    if standalone_manifest:
        return IntegrityAssessment(
            Integrity.UNKNOWN,
            (),
            "signature valid; a .c2pa file read on its own has no asset to compare hashes with",
        )
    return IntegrityAssessment(Integrity.INTACT, (), "hashes and signature match")


@dataclass(frozen=True)
class TrustAssessment:
    """Signer trust with the codes that decided it."""

    trust: SignerTrust
    codes: tuple[str, ...]
    explanation: str


def assess_signer_trust(validation: Validation) -> TrustAssessment:
    """Trust in the active manifest's signer, from its own (not its ingredients') codes."""
    failures = [e.code for e in validation.failure]
    successes = {e.code for e in validation.success}
    if "signingCredential.ocsp.revoked" in failures:
        return TrustAssessment(
            SignerTrust.REVOKED, ("signingCredential.ocsp.revoked",), "certificate revoked"
        )
    bad = [
        c
        for c in failures
        if c
        in (
            "signingCredential.invalid",
            "claimSignature.mismatch",
            "claimSignature.missing",
            "claimSignature.outsideValidity",
        )
    ]
    if bad:
        return TrustAssessment(SignerTrust.INVALID, tuple(bad), "signature or certificate invalid")
    if "signingCredential.expired" in failures:
        return TrustAssessment(
            SignerTrust.EXPIRED,
            ("signingCredential.expired",),
            "certificate expired and no trusted timestamp proves it was signed in time",
        )
    if "signingCredential.untrusted" in failures:
        return TrustAssessment(
            SignerTrust.UNTRUSTED,
            ("signingCredential.untrusted",),
            "signer not on a configured trust list",
        )
    if "signingCredential.trusted" in successes or validation.state == "Trusted":
        return TrustAssessment(
            SignerTrust.TRUSTED,
            ("signingCredential.trusted",),
            "signer chains to a configured trust anchor",
        )
    return TrustAssessment(SignerTrust.UNTRUSTED, (), "signer not recognised")
