"""The provenance tree: own origins per node, cycles and depth cut and marked."""

from __future__ import annotations

from typing import Any

from builders import IPTC, ingredient, manifest, store

from verify.declaration import Origin
from verify.integrity import Integrity, SignerTrust
from verify.limits import Limits
from verify.parse import parse_store
from verify.provenance import build_provenance
from verify.report import ProvenanceNode

AI = IPTC + "trainedAlgorithmicMedia"


def depth(node: ProvenanceNode) -> int:
    return 1 + max((depth(c) for c in node.ingredients), default=0)


def test_tree_carries_each_manifest_origin() -> None:
    """Each node states its own origin; an ingredient without credentials has no label."""
    doc = store(
        {
            "active": manifest(
                [{"action": "c2pa.opened"}],
                [
                    ingredient("parentOf", "p", "parent.jpg"),
                    ingredient("componentOf", None, "logo.png"),
                ],
            ),
            "p": manifest([{"action": "c2pa.created", "digitalSourceType": AI}]),
        }
    )
    tree = build_provenance(parse_store(doc))
    assert tree is not None
    assert tree.origin is not None and tree.origin.value == "ai_generated"
    parent, logo = tree.ingredients
    assert (parent.label, parent.relationship, parent.title) == ("p", "parentOf", "parent.jpg")
    assert parent.origin is not None and parent.origin.value == "ai_generated"
    assert (logo.label, logo.origin, logo.title) == (None, None, "logo.png")


def test_cycle_is_cut_and_marked() -> None:
    """A manifest that names an ancestor as ingredient is shown once, then marked cut."""
    doc = store(
        {
            "active": manifest([], [ingredient("componentOf", "b")]),
            "b": manifest([], [ingredient("componentOf", "active")]),
        }
    )
    tree = build_provenance(parse_store(doc))
    assert tree is not None
    (b,) = tree.ingredients
    (back,) = b.ingredients
    assert back.cut and back.label == "active" and back.ingredients == ()


def test_depth_limit() -> None:
    """A chain deeper than max_depth stops with a cut node."""
    manifests = {f"m{i}": manifest([], [ingredient("parentOf", f"m{i + 1}")]) for i in range(30)}
    manifests["m30"] = manifest([])
    tree = build_provenance(parse_store(store(manifests, active="m0")), Limits(max_depth=5))
    assert tree is not None
    # The root, five links followed, then one node marked cut in place of the rest.
    assert depth(tree) == 7
    node = tree
    while node.ingredients:
        node = node.ingredients[0]
    assert node.cut and node.label == "m6"


def test_diamond_fanout_is_bounded() -> None:
    """Ingredients shared by many parents (a diamond lattice) do not blow up the tree."""
    layers = 12
    manifests = {}
    for layer in range(layers):
        nxt = [f"l{layer + 1}a", f"l{layer + 1}b"] if layer + 1 < layers else []
        for side in "ab":
            manifests[f"l{layer}{side}"] = manifest([], [ingredient("componentOf", n) for n in nxt])
    manifests["active"] = manifest(
        [], [ingredient("componentOf", "l0a"), ingredient("componentOf", "l0b")]
    )
    limits = Limits(max_manifests=10)

    def count(node: ProvenanceNode) -> int:
        return 1 + sum(count(c) for c in node.ingredients)

    tree = build_provenance(parse_store(store(manifests), Limits(max_manifests=100)), limits)
    assert tree is not None
    # 2**13 nodes unbounded; the budget keeps it to a few times max_manifests.
    assert count(tree) < 200


def test_no_active_manifest() -> None:
    """Without an active manifest there is no tree."""
    assert build_provenance(parse_store({"manifests": {}})) is None


def _delta(manifest_label: str, assertion: str, *codes: str) -> dict[str, Any]:
    uri = f"self#jumbf=/c2pa/{manifest_label}/c2pa.assertions/{assertion}"
    failure = [{"code": c, "url": "self#jumbf=/c2pa/x/c2pa.signature"} for c in codes]
    return {
        "ingredientAssertionURI": uri,
        "validationDeltas": {"success": [], "informational": [], "failure": failure},
    }


def _two_ingredients(deltas: list[dict[str, Any]], trusted: bool = True) -> dict[str, Any]:
    """An active manifest with two credentialed ingredients, and these validation deltas."""
    doc = store(
        {
            "active": manifest(
                [{"action": "c2pa.opened"}],
                [
                    {**ingredient("parentOf", "p", "parent.jpg"), "label": "c2pa.ingredient.v3"},
                    {
                        **ingredient("componentOf", "c", "logo.png"),
                        "label": "c2pa.ingredient.v3__1",
                    },
                ],
            ),
            "p": manifest([{"action": "c2pa.created", "digitalSourceType": AI}]),
            "c": manifest([{"action": "c2pa.created", "digitalSourceType": AI}]),
        }
    )
    trust = {"code": "signingCredential.trusted" if trusted else "signingCredential.untrusted"}
    doc["validation_results"] = {
        "activeManifest": {
            "success": [trust] if trusted else [],
            "failure": [] if trusted else [trust],
        },
        "ingredientDeltas": deltas,
    }
    return doc


def test_each_ingredient_carries_its_own_validation() -> None:
    """A delta is mapped to the ingredient its assertion URI names, not to its sibling."""
    doc = _two_ingredients(
        [
            _delta("active", "c2pa.ingredient.v3", "ingredient.manifest.mismatch"),
            _delta("active", "c2pa.ingredient.v3__1"),
        ]
    )
    tree = build_provenance(parse_store(doc))
    assert tree is not None
    parent, logo = tree.ingredients
    assert (parent.integrity, parent.failures) == (
        Integrity.TAMPERED,
        ("ingredient.manifest.mismatch",),
    )
    assert (logo.integrity, logo.trust, logo.failures) == (
        Integrity.INTACT,
        SignerTrust.TRUSTED,
        (),
    )
    assert (tree.integrity, tree.trust) == (None, None)  # the report's own fields say it


def test_ingredient_signer_trust_from_its_codes() -> None:
    """An untrusted or invalid ingredient signer is named; without a delta nothing is said."""
    doc = _two_ingredients(
        [
            _delta("active", "c2pa.ingredient.v3", "signingCredential.untrusted"),
        ],
        trusted=False,
    )
    tree = build_provenance(parse_store(doc))
    assert tree is not None
    parent, logo = tree.ingredients
    assert (parent.integrity, parent.trust) == (Integrity.INTACT, SignerTrust.UNTRUSTED)
    assert (logo.integrity, logo.trust, logo.failures) == (None, None, ())


def test_invalid_ingredient_signature_is_tampered_and_invalid() -> None:
    """A broken ingredient signature is tampering, and its signer cannot be trusted."""
    doc = _two_ingredients([_delta("active", "c2pa.ingredient.v3__1", "claimSignature.mismatch")])
    tree = build_provenance(parse_store(doc))
    assert tree is not None
    logo = tree.ingredients[1]
    assert (logo.integrity, logo.trust) == (Integrity.TAMPERED, SignerTrust.INVALID)


def test_malformed_ingredient_is_undetermined_not_undeclared() -> None:
    """A malformed ingredient that declares nothing readable is undetermined."""
    doc = _two_ingredients([_delta("active", "c2pa.ingredient.v3", "assertion.action.malformed")])
    doc["manifests"]["p"] = manifest([{"action": "c2pa.created"}])
    tree = build_provenance(parse_store(doc))
    assert tree is not None
    parent = tree.ingredients[0]
    assert (parent.integrity, parent.origin) == (Integrity.MALFORMED, Origin.UNDETERMINED)


def test_malformed_record_root_is_undetermined() -> None:
    """When the active manifest is malformed, its node agrees with the record: undetermined."""
    doc = store({"active": manifest([{"action": "c2pa.created"}])})
    doc["validation_results"] = {
        "activeManifest": {"failure": [{"code": "assertion.action.malformed"}]}
    }
    known = {"active": Origin.NOT_DECLARED}
    tree = build_provenance(parse_store(doc), known=known)
    assert tree is not None and tree.origin is Origin.UNDETERMINED


def test_legacy_status_list_is_mapped_by_manifest_url() -> None:
    """A flat `validation_status` entry pointing into an ingredient's manifest marks that one."""
    doc = _two_ingredients([])
    del doc["validation_results"]
    doc["validation_status"] = [
        {"code": "claimSignature.mismatch", "url": "self#jumbf=/c2pa/c/c2pa.signature"}
    ]
    tree = build_provenance(parse_store(doc))
    assert tree is not None
    parent, logo = tree.ingredients
    assert parent.integrity is None
    assert (logo.integrity, logo.failures) == (Integrity.TAMPERED, ("claimSignature.mismatch",))
