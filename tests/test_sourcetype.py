"""Normalising and classifying digital source types."""

from __future__ import annotations

import pytest

from verify.sourcetype import SourceClass, classify, normalize, term

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (IPTC + "trainedAlgorithmicMedia", SourceClass.AI_GENERATED),
        (
            "https://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
            SourceClass.AI_GENERATED,
        ),
        (" http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture", SourceClass.CAPTURED),
        ("trainedAlgorithmicMedia", SourceClass.AI_GENERATED),
        (IPTC + "compositeWithTrainedAlgorithmicMedia", SourceClass.AI_EDITED),
        (IPTC + "compositeSynthetic", SourceClass.AI_COMPOSITE),
        (IPTC + "composite", SourceClass.UNDETERMINED),
        (IPTC + "virtualRecording", SourceClass.UNDETERMINED),
        (IPTC + "algorithmicMedia", SourceClass.ALGORITHMIC),
        ("algorithmicMedia", SourceClass.ALGORITHMIC),
        (IPTC + "digitalCreation", SourceClass.DIGITAL),
        (IPTC + "screenCapture", SourceClass.DIGITAL),
        (IPTC + "minorHumanEdits", SourceClass.DIGITAL),
        (IPTC + "computationalCapture", SourceClass.CAPTURED),
        (IPTC + "negativeFilm", SourceClass.CAPTURED),
        ("http://c2pa.org/digitalsourcetype/trainedAlgorithmicData", SourceClass.AI_GENERATED),
        ("c2pa.trainedAlgorithmicData", SourceClass.AI_GENERATED),
        ("http://c2pa.org/digitalsourcetype/empty", SourceClass.EMPTY),
        (IPTC + "somethingNew", SourceClass.UNKNOWN),
        ("not a uri", SourceClass.UNKNOWN),
        ("", SourceClass.UNKNOWN),
        # Substrings never match: the non-AI term inside a longer unknown term.
        (IPTC + "notTrainedAlgorithmicMediaAtAll", SourceClass.UNKNOWN),
        ("http://example.com/trainedAlgorithmicMedia", SourceClass.UNKNOWN),
    ],
)
def test_classify(raw: str, expected: SourceClass) -> None:
    """Each spelling seen on real files maps to its class."""
    assert classify(raw) is expected


def test_normalize_uses_http_and_full_uri() -> None:
    """https, whitespace and bare terms all normalise to the canonical http URI."""
    assert normalize(" HTTPS://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture/ ") == (
        IPTC + "digitalCapture"
    )
    assert term(IPTC + "digitalCapture") == "digitalCapture"
    assert term("urn:other") == "urn:other"


def test_only_ai_classes_are_ai() -> None:
    """is_ai is true exactly for the three AI classes."""
    assert {c for c in SourceClass if c.is_ai} == {
        SourceClass.AI_GENERATED,
        SourceClass.AI_EDITED,
        SourceClass.AI_COMPOSITE,
    }
