"""The combination policy: claims ranked by basis, conflicts side by side (pure, from dicts)."""

from __future__ import annotations

from typing import Any

import pytest

from verify.combine import combine
from verify.declaration import Basis, Evidence, Origin
from verify.report import DeclarationReport
from verify.signal import DetectorName, Signal
from verify.sourcetype import SourceClass


def c2pa(origin: str = "not_declared", basis: str = "none", tools: tuple[str, ...] = ()) -> Any:
    """A C2PA declaration as the core builds it (one decisive action when declared)."""
    evidence = ()
    if basis != "none":
        evidence = (
            Evidence(
                manifest="urn:m",
                path=("urn:m",),
                relationship="active",
                source_class=SourceClass.CAPTURED,
                assertion="c2pa.actions.v2",
                action="c2pa.created",
                decisive=True,
            ),
        )
    return DeclarationReport(
        origin=Origin(origin),
        declares_ai=Origin(origin).is_ai,
        basis=Basis(basis),
        ai_tools=tools,
        evidence=evidence,
        explanation="from C2PA",
    )


def sig(detector: str, field: str, origin: str | None, basis: str, **extra: Any) -> Signal:
    """A signal from plain values."""
    return Signal(
        detector=DetectorName(detector),
        field=field,
        value=extra.pop("value", "v"),
        basis=Basis(basis),
        origin=Origin(origin) if origin else None,
        **extra,
    )


XMP_AI = sig("xmp", "Iptc4xmpExt:DigitalSourceType", "ai_generated", "unsigned_metadata")
XMP_CAPTURED = sig("xmp", "Iptc4xmpExt:DigitalSourceType", "captured", "unsigned_metadata")
XMP_ALGO = sig("xmp", "Iptc4xmpExt:DigitalSourceType", "algorithmic", "unsigned_metadata")
A1111 = sig("generator_metadata", "png:parameters", "ai_generated", "heuristic", tool="A1111")
SOFTWARE = sig(
    "generator_metadata", "exif:Software", "ai_generated", "heuristic", weak=True, tool="NovelAI"
)
WATERMARK = sig("watermark", "dwtDct", "ai_generated", "heuristic", tool="Stable Diffusion 1.x")
URL = sig("xmp", "dcterms:provenance", None, "unsigned_metadata")
XMP_UNDETERMINED = sig("xmp", "Iptc4xmpExt:DigitalSourceType", "undetermined", "unsigned_metadata")

# (C2PA declaration, signals, origin, basis, conflict, decisive claim sources)
TABLE: list[tuple[str, Any, list[Signal], str, str, bool, list[str]]] = [
    ("nothing at all", c2pa(), [], "not_declared", "none", False, []),
    (
        "c2pa alone",
        c2pa("captured", "signed_trusted"),
        [],
        "captured",
        "signed_trusted",
        False,
        ["c2pa"],
    ),
    ("xmp alone", c2pa(), [XMP_AI], "ai_generated", "unsigned_metadata", False, ["xmp"]),
    (
        "heuristic alone",
        c2pa(),
        [A1111],
        "ai_generated",
        "heuristic",
        False,
        ["generator_metadata"],
    ),
    (
        "signed trusted beats xmp",
        c2pa("captured", "signed_trusted"),
        [XMP_AI],
        "captured",
        "signed_trusted",
        True,
        ["c2pa"],
    ),
    (
        "signed untrusted beats xmp",
        c2pa("captured", "signed_untrusted"),
        [XMP_AI],
        "captured",
        "signed_untrusted",
        True,
        ["c2pa"],
    ),
    (
        "tampered c2pa ties xmp and they disagree",
        c2pa("captured", "signed_invalid"),
        [XMP_AI],
        "undetermined",
        "signed_invalid",
        True,
        ["c2pa", "xmp"],
    ),
    (
        "tampered c2pa beats a heuristic",
        c2pa("captured", "signed_invalid"),
        [A1111],
        "captured",
        "signed_invalid",
        True,
        ["c2pa"],
    ),
    (
        "xmp beats a heuristic",
        c2pa(),
        [XMP_CAPTURED, WATERMARK],
        "captured",
        "unsigned_metadata",
        True,
        ["xmp"],
    ),
    (
        "a declaration beats a weak hint",
        c2pa(),
        [SOFTWARE, A1111],
        "ai_generated",
        "heuristic",
        False,
        ["generator_metadata"],
    ),
    (
        "algorithmic is not AI",
        c2pa(),
        [XMP_ALGO],
        "algorithmic",
        "unsigned_metadata",
        False,
        ["xmp"],
    ),
    (
        "agreeing heuristics both decide",
        c2pa(),
        [A1111, WATERMARK],
        "ai_generated",
        "heuristic",
        False,
        ["generator_metadata", "watermark"],
    ),
    ("signals without origin never vote", c2pa(), [URL], "not_declared", "none", False, []),
    (
        "an undetermined xmp claim does not hide a heuristic",
        c2pa(),
        [XMP_UNDETERMINED, A1111],
        "ai_generated",
        "heuristic",
        False,
        ["generator_metadata"],
    ),
    (
        "an undetermined xmp claim does not hide a weak hint",
        c2pa(),
        [XMP_UNDETERMINED, SOFTWARE],
        "ai_generated",
        "heuristic",
        False,
        ["generator_metadata"],
    ),
    (
        "an undetermined claim alone decides",
        c2pa(),
        [XMP_UNDETERMINED],
        "undetermined",
        "unsigned_metadata",
        False,
        ["xmp"],
    ),
    (
        "an undetermined c2pa claim does not hide xmp",
        c2pa("undetermined", "signed_trusted"),
        [XMP_AI],
        "ai_generated",
        "unsigned_metadata",
        False,
        ["xmp"],
    ),
    (
        "signed c2pa still beats xmp beside an undetermined claim",
        c2pa("captured", "signed_trusted"),
        [XMP_UNDETERMINED, XMP_AI],
        "captured",
        "signed_trusted",
        True,
        ["c2pa"],
    ),
    (
        "c2pa undeclared leaves room for xmp",
        c2pa("not_declared", "signed_trusted"),
        [XMP_AI],
        "ai_generated",
        "unsigned_metadata",
        False,
        ["xmp"],
    ),
]


@pytest.mark.parametrize(
    ("case", "decl", "signals", "origin", "basis", "conflict", "deciding"),
    TABLE,
    ids=[row[0] for row in TABLE],
)
def test_combination_table(  # noqa: PLR0917 - one parameter per table column
    case: str,
    decl: DeclarationReport,
    signals: list[Signal],
    origin: str,
    basis: str,
    conflict: bool,
    deciding: list[str],
) -> None:
    """Each row: the combined origin, basis, conflict flag and deciding claims."""
    out = combine(decl, signals).declaration
    assert (out.origin.value, out.basis.value, out.conflict) == (origin, basis, conflict)
    assert [c.source for c in out.claims if c.decisive] == deciding


def test_c2pa_alone_keeps_its_explanation_and_tools() -> None:
    """Without signals the C2PA declaration is unchanged apart from its one claim."""
    decl = c2pa("ai_generated", "signed_trusted", ("Sample Diffusion",))
    out = combine(decl, []).declaration
    assert out.explanation == "from C2PA"
    assert out.ai_tools == ("Sample Diffusion",)
    assert [c.fields for c in out.claims] == [("c2pa.actions.v2",)]


def test_decisive_signals_are_marked() -> None:
    """Only the signals of the deciding claim are marked decisive."""
    out = combine(c2pa(), [XMP_CAPTURED, WATERMARK, URL])
    assert [s.decisive for s in out.signals] == [True, False, False]


def test_tools_come_from_the_deciding_signals() -> None:
    """ai_tools lists the tools of the deciding AI signals only."""
    out = combine(c2pa(), [A1111, SOFTWARE]).declaration
    assert out.ai_tools == ("A1111",)


def test_non_ai_origin_has_no_tools() -> None:
    """A captured verdict lists no AI tools even when outranked signals name some."""
    out = combine(c2pa("captured", "signed_trusted"), [A1111]).declaration
    assert out.ai_tools == ()


def test_conflict_explanation_says_who_decided() -> None:
    """The explanation names the outranked claim and the one that outranks it."""
    out = combine(c2pa("captured", "signed_trusted"), [XMP_AI]).declaration
    assert "conflict: xmp says ai_generated (unsigned metadata" in out.explanation
    assert "c2pa outranks it" in out.explanation


def test_signal_verdict_explains_missing_c2pa() -> None:
    """A verdict from XMP alone says it is unsigned and what C2PA said."""
    out = combine(c2pa(), [XMP_AI]).declaration
    assert "unsigned metadata, which anyone can write or strip" in out.explanation
    assert out.explanation.endswith("C2PA: from C2PA")


def test_tie_explanation_lists_both_sides() -> None:
    """Equally strong claims that disagree are both named."""
    out = combine(c2pa("captured", "signed_invalid"), [XMP_AI]).declaration
    assert out.explanation.startswith("equally strong claims disagree about AI")
    assert out.declares_ai is False


def test_one_claim_per_detector_and_origin() -> None:
    """Two XMP signals with one origin form one claim listing both fields."""
    system = sig("xmp", "Iptc4xmpExt:AISystemUsed", "ai_generated", "unsigned_metadata", weak=True)
    out = combine(c2pa(), [XMP_AI, system]).declaration
    (claim,) = out.claims
    assert claim.fields == ("Iptc4xmpExt:DigitalSourceType", "Iptc4xmpExt:AISystemUsed")
    assert claim.weak is False


def test_undetermined_claim_is_listed_but_not_decisive() -> None:
    """An outvoted undetermined claim stays in the claims and in the explanation."""
    out = combine(c2pa(), [XMP_UNDETERMINED, A1111]).declaration
    assert [(c.origin.value, c.decisive) for c in out.claims] == [
        ("undetermined", False),
        ("ai_generated", True),
    ]
    assert "also: xmp says undetermined" in out.explanation
    assert out.declares_ai is True
