"""Parsing the library's JSON: hostile shapes never raise; limits apply."""

from __future__ import annotations

from typing import Any

import pytest
from builders import IPTC, ingredient, manifest, store

from verify.limits import Limits
from verify.model import SourceTypeFrom
from verify.parse import base_label, parse_store

WEIRD: list[Any] = [None, 1, "x", [], {}, [1, "a", None], {"a": [1]}, True, 1.5]


@pytest.mark.parametrize("value", WEIRD)
def test_any_top_level_shape(value: Any) -> None:
    """Wrong types anywhere in the store give an empty model, not an exception."""
    for doc in (
        {"manifests": value},
        {"manifests": {"a": value}, "active_manifest": "a"},
        {"manifests": {"a": {"assertions": value, "ingredients": value}}, "active_manifest": value},
        {
            "manifests": {
                "a": {"assertions": [{"label": "c2pa.actions", "data": {"actions": value}}]}
            }
        },
        {
            "manifests": {
                "a": {
                    "assertions": [
                        {"label": "c2pa.actions", "data": {"actions": [value], "templates": value}}
                    ]
                }
            }
        },
        {"manifests": {"a": {"signature_info": value, "claim_generator_info": value}}},
        {"validation_results": value, "validation_status": value, "validation_state": value},
        {"validation_results": {"activeManifest": value, "ingredientDeltas": [value]}},
    ):
        parse_store(doc)


def test_action_fields() -> None:
    """softwareAgent {name, version}, description from parameters, template overlay."""
    doc = store(
        {
            "active": manifest(
                [
                    {
                        "action": "c2pa.created",
                        "softwareAgent": {"name": "Gen", "version": "2"},
                        "parameters": {"description": "made"},
                    },
                    {"action": "c2pa.edited"},
                ],
                templates=[
                    {
                        "action": "c2pa.edited",
                        "digitalSourceType": IPTC + "composite",
                        "softwareAgent": "Tpl",
                    }
                ],
            )
        }
    )
    active = parse_store(doc).active
    assert active is not None
    first, second = active.actions
    assert (first.software_agent, first.software_version) == ("Gen", "2")
    assert (first.description, first.digital_source_type) == ("made", None)
    assert second.source_type_from is SourceTypeFrom.TEMPLATE
    assert second.software_agent == "Tpl"


def test_limits_cut_and_note() -> None:
    """Too many manifests, actions and ingredients, and long strings, are cut with notes."""
    many_actions = [{"action": f"c2pa.edited.{i}"} for i in range(50)]
    many_ings = [ingredient("componentOf", None) for _ in range(50)]
    manifests = {"active": manifest(many_actions, many_ings)}
    manifests["active"]["title"] = "x" * 500
    manifests.update({f"m{i}": manifest(None) for i in range(20)})
    limits = Limits(max_manifests=5, max_actions=10, max_ingredients=7, max_string=100)
    parsed = parse_store(store(manifests), limits)
    assert len(parsed.manifests) == 5
    assert "active" in parsed.manifests  # the active one is always kept
    active = parsed.active
    assert active is not None
    assert len(active.actions) == 10
    assert len(active.ingredients) == 7
    assert active.truncated
    assert active.title is not None and len(active.title) == 101
    assert len(parsed.notes) == 4  # manifests, actions, ingredients, strings


def test_legacy_validation_status_split() -> None:
    """A flat validation_status list: entries pointing at other manifests are ingredient deltas."""
    doc = {
        "active_manifest": "A",
        "manifests": {"A": {}},
        "validation_state": "Invalid",
        "validation_status": [
            {
                "code": "assertion.dataHash.mismatch",
                "url": "self#jumbf=/c2pa/A/c2pa.assertions/c2pa.hash.data",
            },
            {"code": "claimSignature.mismatch", "url": "self#jumbf=/c2pa/B/c2pa.signature"},
        ],
    }
    v = parse_store(doc).validation
    assert [e.code for e in v.failure] == ["assertion.dataHash.mismatch"]
    assert [e.code for d in v.ingredient_deltas for e in d.failure] == ["claimSignature.mismatch"]


@pytest.mark.parametrize(
    ("label", "base"),
    [("c2pa.actions.v2__1", "c2pa.actions.v2"), ("c2pa.actions", "c2pa.actions"), ("a__b", "a__b")],
)
def test_base_label(label: str, base: str) -> None:
    """Instance suffixes are stripped only when numeric."""
    assert base_label(label) == base
