"""The provenance tree: own origins per node, cycles and depth cut and marked."""

from __future__ import annotations

from builders import IPTC, ingredient, manifest, store

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
