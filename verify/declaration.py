"""AI declaration policy: pure functions over the typed manifest store.

The rules follow `ai-declarations.md` section 4:

1. a `created`/`opened` action with an AI-generated type in the origin chain (the
   active manifest and its `parentOf` ancestors), a signed IPTC metadata type saying
   so, or a `com.adobe.generative-ai` / `c2pa.ai-disclosure` assertion -> ai_generated;
2. any other action in the origin chain with an AI-generated or AI-edited type
   (or created/opened with an AI-edited type) -> ai_edited;
3. AI only inside `componentOf`/`inputTo` subtrees, or `compositeSynthetic` in the
   chain -> ai_composite;
4. otherwise the first typed creation in the chain, walked from its root: captured,
   digital creation, algorithmic; `composite`/`virtualRecording` or an unknown type
   -> undetermined; no type at all -> not_declared (never "authentic").

Every verdict carries the evidence it rests on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from . import sourcetype
from .integrity import Integrity, SignerTrust
from .limits import DEFAULT_LIMITS, Limits
from .model import Manifest, ManifestStore
from .parse import base_label
from .sourcetype import SourceClass


class Origin(StrEnum):
    AI_GENERATED = "ai_generated"
    AI_EDITED = "ai_edited"
    AI_COMPOSITE = "ai_composite"
    CAPTURED = "captured"
    ALGORITHMIC = "algorithmic"
    DIGITAL_CREATION = "digital_creation"
    NOT_DECLARED = "not_declared"
    UNDETERMINED = "undetermined"

    @property
    def is_ai(self) -> bool:
        return self in (Origin.AI_GENERATED, Origin.AI_EDITED, Origin.AI_COMPOSITE)


class Basis(StrEnum):
    SIGNED_TRUSTED = "signed_trusted"
    SIGNED_UNTRUSTED = "signed_untrusted"
    SIGNED_INVALID = "signed_invalid"
    UNSIGNED_METADATA = "unsigned_metadata"
    HEURISTIC = "heuristic"
    NONE = "none"


#: Assertions whose mere presence declares generative AI.
AI_ASSERTIONS = frozenset({"com.adobe.generative-ai", "c2pa.ai-disclosure"})
_CREATION_ACTIONS = frozenset({"c2pa.created", "c2pa.opened"})


@dataclass(frozen=True)
class Evidence:
    """One finding in a manifest that the verdict rests on."""

    manifest: str
    #: Manifest labels from the active manifest down to this one.
    path: tuple[str, ...]
    #: How this manifest joins the asset: active, parentOf, componentOf, inputTo.
    relationship: str
    source_class: SourceClass
    assertion: str | None = None
    action: str | None = None
    source_type: str | None = None
    source_type_from: str | None = None
    software_agent: str | None = None
    #: The rule this finding decided, when it is one of the deciding findings.
    rule: str | None = None
    decisive: bool = False


@dataclass(frozen=True)
class Declaration:
    """The AI declaration of one manifest (and what hangs below it)."""

    origin: Origin
    ai_tools: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    rule: str
    #: The walk stopped on a limit (depth) before it saw everything.
    truncated: bool = False
    #: ... and it was max_depth that stopped it (not a manifest cut by another limit).
    depth_cut: bool = False

    @property
    def declares_ai(self) -> bool:
        return self.origin.is_ai


@dataclass(frozen=True)
class _Node:
    manifest: Manifest
    path: tuple[str, ...]
    relationship: str
    in_chain: bool


def _walk(store: ManifestStore, start: str, limits: Limits) -> tuple[list[_Node], bool]:
    """Origin chain first (active -> parentOf ...), then component subtrees.

    Each manifest is visited once (cycles and diamonds are cut) and no deeper than
    `limits.max_depth` links from the start.
    """
    nodes: list[_Node] = []
    seen: set[str] = set()
    truncated = False
    chain: list[_Node] = []
    label: str | None = start
    path: tuple[str, ...] = (start,)
    relationship = "active"
    while label is not None and label in store.manifests and label not in seen:
        if _links(path) > limits.max_depth:
            truncated = True
            break
        seen.add(label)
        manifest = store.manifests[label]
        chain.append(_Node(manifest, path, relationship, True))
        parent = next(
            (i for i in manifest.ingredients if i.relationship == "parentOf" and i.manifest_label),
            None,
        )
        label = parent.manifest_label if parent else None
        if label is not None:
            path = (*path, label)
        relationship = "parentOf"
    nodes.extend(chain)

    def below(node: _Node) -> list[_Node]:
        """Ingredient nodes of `node`, reversed so the stack pops them in order.

        The chain's own parents are already `seen`; a second `parentOf` (which makes
        the manifest malformed) is walked like a component, so its claims still count.
        """
        return [
            _Node(
                store.manifests.get(ing.manifest_label, Manifest(label=ing.manifest_label)),
                (*node.path, ing.manifest_label),
                ing.relationship,
                False,
            )
            for ing in reversed(node.manifest.ingredients)
            if ing.manifest_label and ing.manifest_label not in seen
        ]

    stack = [child for node in reversed(chain) for child in below(node)]
    while stack:
        node = stack.pop()
        label = node.manifest.label
        if label in seen or label not in store.manifests:
            continue
        if _links(node.path) > limits.max_depth:
            truncated = True
            continue
        seen.add(label)
        nodes.append(node)
        stack.extend(below(node))
    return nodes, truncated


def _links(path: tuple[str, ...]) -> int:
    """Ingredient links from the start manifest (the path lists manifests)."""
    return len(path) - 1


def _findings(node: _Node) -> Iterator[Evidence]:
    manifest = node.manifest
    common = {"manifest": manifest.label, "path": node.path, "relationship": node.relationship}
    for action in manifest.actions:
        if not action.digital_source_type:
            continue
        yield Evidence(
            **common,  # type: ignore[arg-type]
            source_class=sourcetype.classify(action.digital_source_type),
            assertion=action.assertion_label,
            action=action.action,
            source_type=sourcetype.normalize(action.digital_source_type),
            source_type_from=action.source_type_from.value if action.source_type_from else None,
            software_agent=action.software_agent,
        )
    for assertion_label, value in manifest.metadata_source_types:
        yield Evidence(
            **common,  # type: ignore[arg-type]
            source_class=sourcetype.classify(value),
            assertion=assertion_label,
            source_type=sourcetype.normalize(value),
            source_type_from="metadata",
        )
    for label in manifest.assertion_labels:
        if base_label(label) in AI_ASSERTIONS:
            yield Evidence(
                **common,  # type: ignore[arg-type]
                source_class=SourceClass.AI_GENERATED,
                assertion=label,
            )


def _is_creation(ev: Evidence) -> bool:
    """created/opened actions, signed asset-level metadata and AI assertions."""
    return ev.action is None or ev.action in _CREATION_ACTIONS


def _with_rule(ev: Evidence, rule: str) -> Evidence:
    return replace(ev, rule=rule, decisive=True)


def _tools(evidence: list[Evidence]) -> tuple[str, ...]:
    tools: list[str] = []
    for ev in evidence:
        if ev.source_class.is_ai and ev.software_agent and ev.software_agent not in tools:
            tools.append(ev.software_agent)
    return tuple(tools)


_NON_AI_ORIGIN = {
    SourceClass.CAPTURED: Origin.CAPTURED,
    SourceClass.DIGITAL: Origin.DIGITAL_CREATION,
    SourceClass.ALGORITHMIC: Origin.ALGORITHMIC,
    SourceClass.UNDETERMINED: Origin.UNDETERMINED,
    SourceClass.UNKNOWN: Origin.UNDETERMINED,
}


def origin_of(source_class: SourceClass) -> Origin | None:
    """The origin a single source type declares on its own (None for C2PA's `empty`)."""
    if source_class is SourceClass.AI_GENERATED:
        return Origin.AI_GENERATED
    if source_class is SourceClass.AI_EDITED:
        return Origin.AI_EDITED
    if source_class is SourceClass.AI_COMPOSITE:
        return Origin.AI_COMPOSITE
    return _NON_AI_ORIGIN.get(source_class)


def _generated_rule(decisive: list[Evidence]) -> str:
    """The rule text for an AI-generated verdict, after what decided it."""
    first = decisive[0]
    if first.action is not None:
        return "created/opened with an AI-generated source type in the origin chain"
    if first.source_type_from == "metadata":
        return "signed IPTC metadata declares an AI-generated source type"
    return f"the manifest carries a {base_label(first.assertion or '')} assertion"


#: Descriptions that say, in full, that the asset is AI output. Some producers (Bing
#: Image Creator, 2024) state it only this way, on a `c2pa.created` with no source
#: type. Matched whole, so "not AI-generated" or a long caption never count.
_AI_DESCRIPTION = re.compile(
    r"\s*(?:an?\s+)?(?:ai[- ]generated(?:\s+(?:image|picture|photo|video|audio|content|media))?"
    r"|(?:generated|created|made)\s+(?:by|with|using)\s+(?:an?\s+)?ai(?:\s+tool|\s+model)?)"
    r"\s*[.!]?\s*",
    re.IGNORECASE,
)


def _described_as_ai(node: _Node) -> Iterator[Evidence]:
    """`c2pa.created` actions whose signed description alone says AI-generated."""
    for action in node.manifest.actions:
        if (
            action.action == "c2pa.created"
            and not action.digital_source_type
            and action.description
            and _AI_DESCRIPTION.fullmatch(action.description)
        ):
            yield Evidence(
                manifest=node.manifest.label,
                path=node.path,
                relationship=node.relationship,
                source_class=SourceClass.AI_GENERATED,
                assertion=action.assertion_label,
                action=action.action,
                source_type_from="description",
                software_agent=action.software_agent,
            )


def classify_declaration(
    store: ManifestStore, start: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Declaration:
    """Classify what the manifest `start` (default: the active one) declares about AI."""
    label = start if start is not None else store.active_label
    if label is None or label not in store.manifests:
        return Declaration(Origin.NOT_DECLARED, (), (), "no manifest to read")
    nodes, walk_cut = _walk(store, label, limits)
    # A limit that cut the walk or a manifest short may have hidden an AI claim.
    truncated = walk_cut or store.truncated or any(n.manifest.truncated for n in nodes)
    chain: list[Evidence] = []
    components: list[Evidence] = []
    for node in nodes:
        (chain if node.in_chain else components).extend(_findings(node))

    def verdict(
        origin: Origin, rule: str, decisive: list[Evidence], rest: list[Evidence]
    ) -> Declaration:
        evidence = [_with_rule(e, rule) for e in decisive]
        evidence.extend(e for e in rest if e not in decisive)
        ai = [e for e in evidence if e.source_class.is_ai] if origin.is_ai else []
        if truncated and not origin.is_ai:
            # Nothing seen says AI, but not everything was seen: do not rule it out.
            return Declaration(
                Origin.UNDETERMINED,
                (),
                tuple(evidence),
                f"a limit cut the manifests short before everything was read ({rule})",
                truncated,
                walk_cut,
            )
        return Declaration(origin, _tools(ai), tuple(evidence), rule, truncated, walk_cut)

    generated = [e for e in chain if e.source_class is SourceClass.AI_GENERATED and _is_creation(e)]
    if generated:
        return verdict(
            Origin.AI_GENERATED, _generated_rule(generated), generated, chain + components
        )
    edited = [
        e for e in chain if e.source_class in (SourceClass.AI_GENERATED, SourceClass.AI_EDITED)
    ]
    if edited:
        return verdict(
            Origin.AI_EDITED,
            "an action in the origin chain declares generative AI editing",
            edited,
            chain + components,
        )
    composite = [e for e in chain if e.source_class is SourceClass.AI_COMPOSITE]
    composite += [e for e in components if e.source_class.is_ai]
    if composite:
        return verdict(
            Origin.AI_COMPOSITE,
            "an AI-generated part was placed into this asset",
            composite,
            chain + components,
        )
    undetermined = [e for e in chain if e.source_class is SourceClass.UNDETERMINED]
    if undetermined:
        return verdict(
            Origin.UNDETERMINED,
            "declared a composite or virtual recording, which may or may not include AI",
            undetermined,
            chain,
        )
    # The first typed creation, walking from the root of the chain to the active manifest.
    creations = [e for e in reversed(chain) if _is_creation(e) and e.source_class in _NON_AI_ORIGIN]
    if creations:
        first = creations[0]
        origin = _NON_AI_ORIGIN[first.source_class]
        rule = (
            "declared an unrecognised source type"
            if first.source_class is SourceClass.UNKNOWN
            else f"created with source type {sourcetype.term(first.source_type or '')}"
        )
        return verdict(origin, rule, [first], chain)
    described = [e for node in nodes if node.in_chain for e in _described_as_ai(node)]
    if described:
        return verdict(
            Origin.AI_GENERATED,
            "the signed c2pa.created action describes the asset as AI-generated"
            " (no digital source type is given)",
            described,
            chain,
        )
    if chain:
        return verdict(
            Origin.NOT_DECLARED,
            "no creation source type in the origin chain",
            [],
            chain,
        )
    return verdict(Origin.NOT_DECLARED, "no digital source type anywhere", [], [])


def declaration_basis(
    declaration: Declaration,
    integrity: Integrity,
    signer_trust: SignerTrust | None,
    active_label: str | None,
) -> Basis:
    """How strongly the signed credentials back the declaration.

    A tampered or malformed active manifest can no longer be attributed to its
    signer; a declaration resting on a tampered ingredient is equally unattributable.
    """
    decisive = [e for e in declaration.evidence if e.decisive]
    if not decisive:
        return Basis.NONE
    if integrity is Integrity.HISTORY_TAMPERED and any(
        e.manifest != active_label for e in decisive
    ):
        return Basis.SIGNED_INVALID
    return signed_basis(integrity, signer_trust)


def signed_basis(integrity: Integrity, signer_trust: SignerTrust | None) -> Basis:
    """How strongly the active manifest's signature backs what it says.

    Tampered or malformed credentials, or an invalid or revoked signature, cannot be
    attributed to their signer: `signed_invalid`.
    """
    if integrity in (Integrity.TAMPERED, Integrity.MALFORMED):
        return Basis.SIGNED_INVALID
    if signer_trust in (SignerTrust.INVALID, SignerTrust.REVOKED):
        return Basis.SIGNED_INVALID
    if signer_trust is SignerTrust.TRUSTED:
        return Basis.SIGNED_TRUSTED
    return Basis.SIGNED_UNTRUSTED
