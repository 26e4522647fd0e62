"""Build the provenance tree (manifests and ingredients) for the report (pure).

Each ingredient node carries what the validation said about that ingredient's own
credentials (its `ingredientDeltas` entry), so that a tampered ingredient does not look
valid in the tree while the asset's own credentials are intact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .declaration import Origin, classify_declaration
from .integrity import (
    CodeClass,
    Integrity,
    SignerTrust,
    assess_integrity,
    assess_signer_trust,
    classify_code,
)
from .limits import DEFAULT_LIMITS, Limits
from .model import Ingredient, Manifest, ManifestStore, StatusEntry, Validation
from .report import ProvenanceAction, ProvenanceNode, ProvenanceSigner

#: `self#jumbf=/c2pa/<manifest label>/c2pa.assertions/<assertion label>`
_ASSERTION_URI = re.compile(r"/c2pa/(?P<manifest>[^/]+)/c2pa\.assertions/(?P<assertion>[^/]+)$")
#: A relative `self#jumbf=c2pa.assertions/<assertion label>`: in the active manifest.
_RELATIVE_URI = re.compile(r"^self#jumbf=/?c2pa\.assertions/(?P<assertion>[^/]+)$")
#: The manifest a status entry's URL points into (legacy flat status lists).
_MANIFEST_URL = re.compile(r"/c2pa/(?P<manifest>[^/]+)")

_TAMPERED_CLASSES = frozenset(
    {CodeClass.ASSET_TAMPERED, CodeClass.MANIFEST_TAMPERED, CodeClass.INGREDIENT_TAMPERED}
)


@dataclass(frozen=True)
class NodeValidation:
    """What the validation says about one ingredient's own credentials."""

    integrity: Integrity
    trust: SignerTrust | None
    failures: tuple[str, ...]


def node_integrity(codes: Iterable[str]) -> Integrity:
    """An ingredient's own integrity from its failure codes.

    Seen from the ingredient, `ingredient.manifest.mismatch` means its credentials changed
    after the asset that uses it was signed: tampered, not "history tampered".
    """
    classes = {classify_code(code) for code in codes}
    if classes & _TAMPERED_CLASSES:
        return Integrity.TAMPERED
    if CodeClass.MALFORMED in classes:
        return Integrity.MALFORMED
    if CodeClass.INACCESSIBLE in classes:
        return Integrity.UNKNOWN
    return Integrity.INTACT


def _trust_was_checked(validation: Validation) -> bool:
    """c2pa-rs judged the active signer against trust anchors (so it judged ingredients too)."""
    codes = {e.code for e in validation.success} | {e.code for e in validation.failure}
    return bool(codes & {"signingCredential.trusted", "signingCredential.untrusted"})


def node_trust(failures: tuple[StatusEntry, ...], trust_checked: bool) -> SignerTrust | None:
    """An ingredient's signer trust from its failure codes.

    c2pa-rs reports `signingCredential.untrusted` for an ingredient whose signer is not
    recognised, so with trust checked and no such code the signer is recognised.
    """
    assessed = assess_signer_trust(Validation(state=None, failure=failures))
    if assessed.codes:
        return assessed.trust
    return SignerTrust.TRUSTED if trust_checked else None


def _assessment(failures: tuple[StatusEntry, ...], trust_checked: bool) -> NodeValidation:
    codes = tuple(dict.fromkeys(e.code for e in failures))
    return NodeValidation(node_integrity(codes), node_trust(failures, trust_checked), codes)


@dataclass(frozen=True)
class IngredientValidations:
    """Validation results per ingredient: by the ingredient assertion, or by manifest label."""

    #: (manifest label holding the ingredient assertion, assertion label) -> results
    by_assertion: Mapping[tuple[str, str], NodeValidation]
    #: Legacy flat status lists: manifest label -> results of entries pointing into it.
    by_manifest: Mapping[str, NodeValidation]

    def find(self, parent: str, ingredient: Ingredient, label: str | None) -> NodeValidation | None:
        if ingredient.assertion_label is not None:
            found = self.by_assertion.get((parent, ingredient.assertion_label))
            if found is not None:
                return found
        return self.by_manifest.get(label) if label is not None else None


def ingredient_validations(store: ManifestStore) -> IngredientValidations:
    """Map the validation's ingredient deltas to the ingredients they describe."""
    validation = store.validation
    checked = _trust_was_checked(validation)
    by_assertion: dict[tuple[str, str], list[StatusEntry]] = {}
    by_manifest: dict[str, list[StatusEntry]] = {}
    for delta in validation.ingredient_deltas:
        uri = delta.ingredient_uri
        key: tuple[str, str] | None = None
        if uri is not None:
            found = _ASSERTION_URI.search(uri)
            relative = _RELATIVE_URI.match(uri)
            if found is not None:
                key = (found["manifest"], found["assertion"])
            elif relative is not None and store.active_label is not None:
                key = (store.active_label, relative["assertion"])
        if key is not None:
            by_assertion.setdefault(key, []).extend(delta.failure)
            continue
        for entry in delta.failure:
            target = _MANIFEST_URL.search(entry.url or "")
            if target is not None:
                by_manifest.setdefault(target["manifest"], []).append(entry)
    return IngredientValidations(
        {k: _assessment(tuple(v), checked) for k, v in by_assertion.items()},
        {k: _assessment(tuple(v), checked) for k, v in by_manifest.items()},
    )


def _with_validation(node: ProvenanceNode, found: NodeValidation | None) -> ProvenanceNode:
    if found is None:
        return node
    return replace(node, integrity=found.integrity, trust=found.trust, failures=found.failures)


def _signer(manifest: Manifest) -> ProvenanceSigner | None:
    sig = manifest.signature
    if sig is None:
        return None
    return ProvenanceSigner(
        organization=sig.organization, common_name=sig.common_name, signed_at=sig.signed_at
    )


def _actions(manifest: Manifest) -> tuple[ProvenanceAction, ...]:
    return tuple(
        ProvenanceAction(
            action=a.action,
            digital_source_type=a.digital_source_type,
            source_type_from=a.source_type_from.value if a.source_type_from else None,
            software_agent=a.software_agent,
            software_version=a.software_version,
            description=a.description,
        )
        for a in manifest.actions
    )


def _own_origin(origin: Origin, malformed: bool) -> Origin:
    """Malformed credentials that declare nothing may have held an unreadable declaration."""
    return Origin.UNDETERMINED if malformed and origin is Origin.NOT_DECLARED else origin


class _Builder:
    def __init__(
        self, store: ManifestStore, limits: Limits, known: Mapping[str, Origin] | None = None
    ) -> None:
        self.store = store
        self.limits = limits
        self.nodes = 0
        # Each manifest's own origin is computed once, however often it appears.
        self._origins: dict[str, Origin] = dict(known or {})
        self.validations = ingredient_validations(store)

    def origin(self, label: str) -> Origin:
        if label not in self._origins:
            self._origins[label] = classify_declaration(self.store, label, self.limits).origin
        return self._origins[label]

    def node(
        self, label: str, relationship: str, path: frozenset[str], depth: int, malformed: bool
    ) -> ProvenanceNode:
        manifest = self.store.manifests[label]
        self.nodes += 1
        budget_left = self.nodes < self.limits.max_manifests * 4
        children: list[ProvenanceNode] = []
        for ing in manifest.ingredients:
            children.append(self.ingredient(label, ing, path | {label}, depth + 1, budget_left))
        return ProvenanceNode(
            label=label,
            relationship=relationship,
            title=manifest.title,
            format=manifest.format,
            generator=manifest.claim_generator,
            signer=_signer(manifest),
            actions=_actions(manifest),
            origin=_own_origin(self.origin(label), malformed),
            ingredients=tuple(children),
        )

    def ingredient(
        self, parent: str, ing: Ingredient, path: frozenset[str], depth: int, budget_left: bool
    ) -> ProvenanceNode:
        label = ing.manifest_label
        found = self.validations.find(parent, ing, label)
        if label is None or label not in self.store.manifests:
            node = ProvenanceNode(
                label=None, relationship=ing.relationship, title=ing.title, format=ing.format
            )
            return _with_validation(node, found)
        if label in path or depth > self.limits.max_depth or not budget_left:
            manifest = self.store.manifests[label]
            node = ProvenanceNode(
                label=label,
                relationship=ing.relationship,
                title=ing.title or manifest.title,
                format=ing.format or manifest.format,
                cut=True,
            )
            return _with_validation(node, found)
        malformed = found is not None and found.integrity is Integrity.MALFORMED
        node = self.node(label, ing.relationship, path, depth, malformed)
        if ing.title and ing.title != node.title:
            node = replace(node, title=ing.title)
        return _with_validation(node, found)


def build_provenance(
    store: ManifestStore,
    limits: Limits = DEFAULT_LIMITS,
    known: Mapping[str, Origin] | None = None,
) -> ProvenanceNode | None:
    """The tree below the active manifest; cycles and over-deep links are cut and marked.

    `known`: origins already classified (by label), so that they are not computed twice.
    Ingredients carry their own validation results; the active manifest's are the report's.
    """
    if store.active_label is None or store.active_label not in store.manifests:
        return None
    # As for the record: malformed credentials that declare nothing are `undetermined`.
    malformed = assess_integrity(store.validation).integrity is Integrity.MALFORMED
    builder = _Builder(store, limits, known)
    return builder.node(store.active_label, "active", frozenset(), 0, malformed)
