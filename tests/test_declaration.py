"""AI declaration policy, table-driven over manifest-store dicts (no files)."""

from __future__ import annotations

from typing import Any

import pytest
from builders import IPTC, ingredient, manifest, store

from verify.declaration import Basis, Origin, classify_declaration, declaration_basis
from verify.integrity import Integrity, SignerTrust
from verify.limits import Limits
from verify.parse import parse_store

AI = IPTC + "trainedAlgorithmicMedia"
AI_EDIT = IPTC + "compositeWithTrainedAlgorithmicMedia"


def created(source: str | None, agent: Any = None, **extra: Any) -> dict[str, Any]:
    action: dict[str, Any] = {"action": "c2pa.created", **extra}
    if source is not None:
        action["digitalSourceType"] = source
    if agent is not None:
        action["softwareAgent"] = agent
    return action


OPENED: dict[str, Any] = {"action": "c2pa.opened"}

CASES: list[tuple[str, dict[str, Any], Origin, tuple[str, ...]]] = [
    (
        "created with trainedAlgorithmicMedia",
        store({"active": manifest([created(AI, {"name": "GPT-4o", "version": "1"})])}),
        Origin.AI_GENERATED,
        ("GPT-4o",),
    ),
    (
        "AI only in the parentOf manifest (ChatGPT shape)",
        store(
            {
                "active": manifest([OPENED], [ingredient("parentOf", "parent")]),
                "parent": manifest([created(AI, "GPT-4o")]),
            }
        ),
        Origin.AI_GENERATED,
        ("GPT-4o",),
    ),
    (
        "AI type only in a v2 template for the action",
        store(
            {
                "active": manifest(
                    [OPENED],
                    [ingredient("parentOf", None)],
                    templates=[{"action": "c2pa.opened", "digitalSourceType": AI}],
                )
            }
        ),
        Origin.AI_GENERATED,
        (),
    ),
    (
        "AI type in a '*' template",
        store({"active": manifest([OPENED], templates=[{"action": "*", "digitalSourceType": AI}])}),
        Origin.AI_GENERATED,
        (),
    ),
    (
        "a named template without a type does not hide the '*' template's type",
        store(
            {
                "active": manifest(
                    [OPENED],
                    templates=[
                        {"action": "c2pa.opened", "softwareAgent": {"name": "Opener"}},
                        {"action": "*", "digitalSourceType": AI, "softwareAgent": "Any"},
                    ],
                )
            }
        ),
        Origin.AI_GENERATED,
        ("Opener",),
    ),
    (
        "softwareAgentIndex names the tool from the assertion's softwareAgents",
        store(
            {
                "active": {
                    "title": "t",
                    "assertions": [
                        {
                            "label": "c2pa.actions.v2",
                            "data": {
                                "softwareAgents": [
                                    {"name": "other"},
                                    {"name": "Imagen", "version": "3"},
                                ],
                                "actions": [
                                    {
                                        "action": "c2pa.created",
                                        "digitalSourceType": AI,
                                        "softwareAgentIndex": 1,
                                    }
                                ],
                            },
                        }
                    ],
                }
            }
        ),
        Origin.AI_GENERATED,
        ("Imagen",),
    ),
    (
        "a second parentOf with AI is not dropped (walked as a component)",
        store(
            {
                "active": manifest(
                    [OPENED],
                    [ingredient("parentOf", "camera"), ingredient("parentOf", "model")],
                ),
                "camera": manifest([created(IPTC + "digitalCapture")]),
                "model": manifest([created(AI, "Gen")]),
            }
        ),
        Origin.AI_COMPOSITE,
        ("Gen",),
    ),
    (
        "signed description 'AI Generated Image' on created without a type (Bing 2024)",
        store(
            {
                "active": manifest(
                    [created(None, "Bing Image Creator", description="AI Generated Image")]
                )
            }
        ),
        Origin.AI_GENERATED,
        ("Bing Image Creator",),
    ),
    (
        "a description that mentions AI in passing is not a declaration",
        store(
            {
                "active": manifest(
                    [created(None, "Cam", description="Not AI generated: shot on film")]
                )
            }
        ),
        Origin.NOT_DECLARED,
        (),
    ),
    (
        "a typed creation outranks an AI-sounding description",
        store(
            {
                "active": manifest(
                    [created(IPTC + "digitalCapture", "Cam", description="AI generated image")]
                )
            }
        ),
        Origin.CAPTURED,
        (),
    ),
    (
        "signed metadata with a list value and a lower-case key",
        store(
            {
                "active": manifest(
                    None,
                    extra_assertions=[
                        {"label": "stds.iptc", "data": {"digitalsourcetype": [{"@id": AI}]}}
                    ],
                )
            }
        ),
        Origin.AI_GENERATED,
        (),
    ),
    (
        "Adobe vendor parameter on opened",
        store(
            {
                "active": manifest(
                    [{"action": "c2pa.opened", "parameters": {"com.adobe.digitalSourceType": AI}}]
                )
            }
        ),
        Origin.AI_GENERATED,
        (),
    ),
    (
        "c2pa.edited with compositeWithTrainedAlgorithmicMedia",
        store(
            {
                "active": manifest(
                    [
                        created(IPTC + "digitalCapture"),
                        {
                            "action": "c2pa.edited",
                            "digitalSourceType": AI_EDIT,
                            "softwareAgent": "Fill",
                        },
                    ]
                )
            }
        ),
        Origin.AI_EDITED,
        ("Fill",),
    ),
    (
        "placed trainedAlgorithmicMedia (generative fill) is an edit",
        store(
            {
                "active": manifest(
                    [
                        created(IPTC + "digitalCapture"),
                        {"action": "c2pa.placed", "digitalSourceType": AI},
                    ]
                )
            }
        ),
        Origin.AI_EDITED,
        (),
    ),
    (
        "created with compositeWithTrainedAlgorithmicMedia (Express) is AI-edited",
        store({"active": manifest([created(AI_EDIT)])}),
        Origin.AI_EDITED,
        (),
    ),
    (
        "AI component placed into a digital creation",
        store(
            {
                "active": manifest(
                    [created(IPTC + "digitalCreation"), {"action": "c2pa.placed"}],
                    [ingredient("componentOf", "part")],
                ),
                "part": manifest([created(AI, "Gen")]),
            }
        ),
        Origin.AI_COMPOSITE,
        ("Gen",),
    ),
    (
        "inputTo AI ingredient counts as composite",
        store(
            {
                "active": manifest(
                    [created(IPTC + "digitalCreation")], [ingredient("inputTo", "x")]
                ),
                "x": manifest([created(AI)]),
            }
        ),
        Origin.AI_COMPOSITE,
        (),
    ),
    (
        "compositeSynthetic in the chain",
        store({"active": manifest([created(IPTC + "compositeSynthetic")])}),
        Origin.AI_COMPOSITE,
        (),
    ),
    (
        "com.adobe.generative-ai assertion (old Firefly)",
        store(
            {
                "active": manifest(
                    [], extra_assertions=[{"label": "com.adobe.generative-ai", "data": {}}]
                )
            }
        ),
        Origin.AI_GENERATED,
        (),
    ),
    (
        "c2pa.ai-disclosure assertion",
        store(
            {
                "active": manifest(
                    None, extra_assertions=[{"label": "c2pa.ai-disclosure__1", "data": {}}]
                )
            }
        ),
        Origin.AI_GENERATED,
        (),
    ),
    (
        "signed IPTC metadata declares AI",
        store(
            {
                "active": manifest(
                    None,
                    extra_assertions=[
                        {"label": "c2pa.metadata", "data": {"Iptc4xmpExt:DigitalSourceType": AI}}
                    ],
                )
            }
        ),
        Origin.AI_GENERATED,
        (),
    ),
    (
        "camera capture",
        store({"active": manifest([created(IPTC + "digitalCapture")])}),
        Origin.CAPTURED,
        (),
    ),
    (
        "captured with a leading space and https",
        store(
            {
                "active": manifest(
                    [created(" https://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture")]
                )
            }
        ),
        Origin.CAPTURED,
        (),
    ),
    (
        "digital creation",
        store({"active": manifest([created(IPTC + "digitalCreation")])}),
        Origin.DIGITAL_CREATION,
        (),
    ),
    (
        "algorithmicMedia is not AI",
        store({"active": manifest([created(IPTC + "algorithmicMedia")])}),
        Origin.ALGORITHMIC,
        (),
    ),
    ("no actions at all", store({"active": manifest(None)}), Origin.NOT_DECLARED, ()),
    (
        "actions without any type (camera without capture type)",
        store({"active": manifest([OPENED, {"action": "c2pa.resized"}])}),
        Origin.NOT_DECLARED,
        (),
    ),
    (
        "composite is undetermined",
        store(
            {
                "active": manifest(
                    [
                        created(IPTC + "digitalCapture"),
                        {"action": "c2pa.edited", "digitalSourceType": IPTC + "composite"},
                    ]
                )
            }
        ),
        Origin.UNDETERMINED,
        (),
    ),
    (
        "an unknown type is undetermined",
        store({"active": manifest([created("http://example.com/mystery")])}),
        Origin.UNDETERMINED,
        (),
    ),
    (
        "root of the chain decides: captured parent, opened child",
        store(
            {
                "active": manifest(
                    [OPENED, {"action": "c2pa.cropped"}], [ingredient("parentOf", "p")]
                ),
                "p": manifest([created(IPTC + "digitalCapture")]),
            }
        ),
        Origin.CAPTURED,
        (),
    ),
    (
        "update manifest is looked through to its parent",
        store(
            {
                "active": manifest([{"action": "c2pa.published"}], [ingredient("parentOf", "p")]),
                "p": manifest([OPENED], [ingredient("parentOf", "g")]),
                "g": manifest([created(AI, "Deep")]),
            }
        ),
        Origin.AI_GENERATED,
        ("Deep",),
    ),
    (
        "AI in the origin chain outranks a component",
        store(
            {
                "active": manifest(
                    [OPENED, {"action": "c2pa.edited", "digitalSourceType": AI_EDIT}],
                    [ingredient("parentOf", None), ingredient("componentOf", "c")],
                ),
                "c": manifest([created(AI)]),
            }
        ),
        Origin.AI_EDITED,
        (),
    ),
    (
        "v1 actions with a string softwareAgent",
        store(
            {"active": manifest([created(AI, "Titan Image Generator G1")], label="c2pa.actions")}
        ),
        Origin.AI_GENERATED,
        ("Titan Image Generator G1",),
    ),
    (
        "instance-suffixed actions label",
        store({"active": manifest([created(AI)], label="c2pa.actions.v2__1")}),
        Origin.AI_GENERATED,
        (),
    ),
    (
        "permission assertions say nothing about origin",
        store(
            {
                "active": manifest(
                    None,
                    extra_assertions=[{"label": "c2pa.training-mining", "data": {"entries": {}}}],
                )
            }
        ),
        Origin.NOT_DECLARED,
        (),
    ),
]


@pytest.mark.parametrize(
    ("doc", "origin", "tools"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_origin(doc: dict[str, Any], origin: Origin, tools: tuple[str, ...]) -> None:
    """Each manifest shape gets the origin the rules give, and the AI tools named."""
    decl = classify_declaration(parse_store(doc))
    assert decl.origin is origin
    assert decl.declares_ai is origin.is_ai
    assert decl.ai_tools == tools


def test_evidence_names_manifest_path_and_action() -> None:
    """The deciding evidence points at the parent manifest through the ingredient path."""
    doc = store(
        {
            "active": manifest([OPENED], [ingredient("parentOf", "parent")]),
            "parent": manifest([created(AI, "GPT-4o")]),
        }
    )
    decl = classify_declaration(parse_store(doc))
    decisive = [e for e in decl.evidence if e.decisive]
    assert len(decisive) == 1
    ev = decisive[0]
    assert (ev.manifest, ev.path, ev.relationship, ev.action) == (
        "parent",
        ("active", "parent"),
        "parentOf",
        "c2pa.created",
    )
    assert ev.source_type == AI
    assert ev.software_agent == "GPT-4o"


def test_template_source_is_marked() -> None:
    """A type that came from a template says so in the evidence."""
    doc = store(
        {"active": manifest([OPENED], templates=[{"action": "*", "digitalSourceType": AI}])}
    )
    (ev,) = [e for e in classify_declaration(parse_store(doc)).evidence if e.decisive]
    assert ev.source_type_from == "template"


def test_action_type_beats_template() -> None:
    """An action's own type wins over the template's."""
    doc = store(
        {
            "active": manifest(
                [created(IPTC + "digitalCapture")],
                templates=[{"action": "c2pa.created", "digitalSourceType": AI}],
            )
        }
    )
    assert classify_declaration(parse_store(doc)).origin is Origin.CAPTURED


def test_parent_cycle_terminates() -> None:
    """Manifests that name each other as parents do not loop."""
    doc = store(
        {
            "active": manifest([OPENED], [ingredient("parentOf", "b")]),
            "b": manifest([OPENED], [ingredient("parentOf", "active")]),
        }
    )
    assert classify_declaration(parse_store(doc)).origin is Origin.NOT_DECLARED


def test_component_cycle_terminates() -> None:
    """Component links that loop are visited once."""
    doc = store(
        {
            "active": manifest(
                [created(IPTC + "digitalCreation")], [ingredient("componentOf", "b")]
            ),
            "b": manifest(
                [created(IPTC + "digitalCreation")], [ingredient("componentOf", "active")]
            ),
        }
    )
    assert classify_declaration(parse_store(doc)).origin is Origin.DIGITAL_CREATION


def test_depth_limit_stops_walk_and_says_so() -> None:
    """A parent chain deeper than max_depth is cut; the declaration is marked truncated."""
    manifests = {
        f"m{i}": manifest([OPENED], [ingredient("parentOf", f"m{i + 1}")]) for i in range(10)
    }
    manifests["m10"] = manifest([created(AI)])
    doc = store(manifests, active="m0")
    assert classify_declaration(parse_store(doc)).origin is Origin.AI_GENERATED
    shallow = classify_declaration(parse_store(doc), limits=Limits(max_depth=3))
    assert shallow.truncated
    # What was cut may have said AI: not "not declared", but undetermined.
    assert shallow.origin is Origin.UNDETERMINED
    assert "limit" in shallow.rule


def test_max_depth_counts_links() -> None:
    """max_depth=1 still reads the parent one link away (ChatGPT's shape)."""
    doc = store(
        {
            "active": manifest([OPENED], [ingredient("parentOf", "parent")]),
            "parent": manifest([created(AI, "GPT-4o")]),
        }
    )
    one = classify_declaration(parse_store(doc), limits=Limits(max_depth=1))
    assert (one.origin, one.truncated) == (Origin.AI_GENERATED, False)
    grand = store(
        {
            "active": manifest([OPENED], [ingredient("parentOf", "parent")]),
            "parent": manifest([OPENED], [ingredient("parentOf", "root")]),
            "root": manifest([created(AI, "GPT-4o")]),
        }
    )
    cut = classify_declaration(parse_store(grand), limits=Limits(max_depth=1))
    assert (cut.origin, cut.truncated) == (Origin.UNDETERMINED, True)


def test_action_limit_cut_is_not_a_non_ai_verdict() -> None:
    """An AI creation beyond max_actions leaves the verdict undetermined, not captured."""
    actions = [created(IPTC + "digitalCapture")] + [{"action": "c2pa.edited"}] * 20
    actions.append({"action": "c2pa.edited", "digitalSourceType": AI_EDIT})
    doc = store({"active": manifest(actions)})
    assert classify_declaration(parse_store(doc)).origin is Origin.AI_EDITED
    cut = classify_declaration(
        parse_store(doc, Limits(max_actions=10)), limits=Limits(max_actions=10)
    )
    assert cut.origin is Origin.UNDETERMINED


def test_rule_names_the_assertion_that_decided() -> None:
    """An AI verdict from an assertion's presence says so, not "created/opened with"."""
    doc = store(
        {
            "active": manifest(
                None, extra_assertions=[{"label": "com.adobe.generative-ai", "data": {}}]
            )
        }
    )
    assert "com.adobe.generative-ai" in classify_declaration(parse_store(doc)).rule


def test_metadata_evidence_names_its_assertion() -> None:
    """Signed IPTC metadata evidence carries the label it came from (stds.iptc here)."""
    doc = store(
        {
            "active": manifest(
                None,
                extra_assertions=[
                    {"label": "stds.iptc", "data": {"Iptc4xmpExt:DigitalSourceType": AI}}
                ],
            )
        }
    )
    (ev,) = classify_declaration(parse_store(doc)).evidence
    assert ev.assertion == "stds.iptc"


def test_ingredient_manifest_missing_from_store() -> None:
    """An ingredient naming a manifest the store lacks is ignored, not an error."""
    doc = store({"active": manifest([OPENED], [ingredient("parentOf", "gone")])})
    assert classify_declaration(parse_store(doc)).origin is Origin.NOT_DECLARED


def test_no_active_manifest() -> None:
    """A store without an active manifest declares nothing."""
    doc = {"manifests": {}, "validation_state": "Valid"}
    assert classify_declaration(parse_store(doc)).origin is Origin.NOT_DECLARED


AI_DECL_DOC = store(
    {"active": manifest([OPENED], [ingredient("parentOf", "p")]), "p": manifest([created(AI)])}
)
OWN_AI_DOC = store({"active": manifest([created(AI)])})


@pytest.mark.parametrize(
    ("doc", "integrity", "trust", "basis"),
    [
        (OWN_AI_DOC, Integrity.INTACT, SignerTrust.TRUSTED, Basis.SIGNED_TRUSTED),
        (OWN_AI_DOC, Integrity.INTACT, SignerTrust.UNTRUSTED, Basis.SIGNED_UNTRUSTED),
        (OWN_AI_DOC, Integrity.INTACT, SignerTrust.EXPIRED, Basis.SIGNED_UNTRUSTED),
        (OWN_AI_DOC, Integrity.INTACT, SignerTrust.REVOKED, Basis.SIGNED_INVALID),
        (OWN_AI_DOC, Integrity.INTACT, SignerTrust.INVALID, Basis.SIGNED_INVALID),
        (OWN_AI_DOC, Integrity.TAMPERED, SignerTrust.TRUSTED, Basis.SIGNED_INVALID),
        (OWN_AI_DOC, Integrity.MALFORMED, SignerTrust.TRUSTED, Basis.SIGNED_INVALID),
        # The active manifest's own claim is intact: its declaration stands.
        (OWN_AI_DOC, Integrity.HISTORY_TAMPERED, SignerTrust.TRUSTED, Basis.SIGNED_TRUSTED),
        # The declaration rests on the tampered history: it does not.
        (AI_DECL_DOC, Integrity.HISTORY_TAMPERED, SignerTrust.TRUSTED, Basis.SIGNED_INVALID),
        (store({"active": manifest(None)}), Integrity.INTACT, SignerTrust.TRUSTED, Basis.NONE),
    ],
)
def test_basis(doc: dict[str, Any], integrity: Integrity, trust: SignerTrust, basis: Basis) -> None:
    """The basis follows integrity first, then signer trust."""
    decl = classify_declaration(parse_store(doc))
    assert declaration_basis(decl, integrity, trust, "active") is basis
