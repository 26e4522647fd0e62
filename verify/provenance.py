"""Build the provenance tree (manifests and ingredients) for the report (pure)."""

from __future__ import annotations

from collections.abc import Mapping

from .declaration import Origin, classify_declaration
from .limits import DEFAULT_LIMITS, Limits
from .model import Ingredient, Manifest, ManifestStore
from .report import ProvenanceAction, ProvenanceNode, ProvenanceSigner


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


class _Builder:
    def __init__(
        self, store: ManifestStore, limits: Limits, known: Mapping[str, Origin] | None = None
    ) -> None:
        self.store = store
        self.limits = limits
        self.nodes = 0
        # Each manifest's own origin is computed once, however often it appears.
        self._origins: dict[str, Origin] = dict(known or {})

    def origin(self, label: str) -> Origin:
        if label not in self._origins:
            self._origins[label] = classify_declaration(self.store, label, self.limits).origin
        return self._origins[label]

    def node(
        self, label: str, relationship: str, path: frozenset[str], depth: int
    ) -> ProvenanceNode:
        manifest = self.store.manifests[label]
        self.nodes += 1
        budget_left = self.nodes < self.limits.max_manifests * 4
        children: list[ProvenanceNode] = []
        for ing in manifest.ingredients:
            children.append(self.ingredient(ing, path | {label}, depth + 1, budget_left))
        origin = self.origin(label)
        return ProvenanceNode(
            label=label,
            relationship=relationship,
            title=manifest.title,
            format=manifest.format,
            generator=manifest.claim_generator,
            signer=_signer(manifest),
            actions=_actions(manifest),
            origin=origin,
            ingredients=tuple(children),
        )

    def ingredient(
        self, ing: Ingredient, path: frozenset[str], depth: int, budget_left: bool
    ) -> ProvenanceNode:
        label = ing.manifest_label
        known = label is not None and label in self.store.manifests
        if not known or label is None:
            return ProvenanceNode(
                label=None if not known else label,
                relationship=ing.relationship,
                title=ing.title,
                format=ing.format,
            )
        if label in path or depth > self.limits.max_depth or not budget_left:
            manifest = self.store.manifests[label]
            return ProvenanceNode(
                label=label,
                relationship=ing.relationship,
                title=ing.title or manifest.title,
                format=ing.format or manifest.format,
                cut=True,
            )
        node = self.node(label, ing.relationship, path, depth)
        if ing.title and ing.title != node.title:
            return ProvenanceNode(
                label=node.label,
                relationship=node.relationship,
                title=ing.title,
                format=node.format,
                generator=node.generator,
                signer=node.signer,
                actions=node.actions,
                origin=node.origin,
                ingredients=node.ingredients,
            )
        return node


def build_provenance(
    store: ManifestStore,
    limits: Limits = DEFAULT_LIMITS,
    known: Mapping[str, Origin] | None = None,
) -> ProvenanceNode | None:
    """The tree below the active manifest; cycles and over-deep links are cut and marked.

    `known`: origins already classified (by label), so that they are not computed twice.
    """
    if store.active_label is None or store.active_label not in store.manifests:
        return None
    return _Builder(store, limits, known).node(store.active_label, "active", frozenset(), 0)
