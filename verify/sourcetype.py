"""Digital source type vocabulary: normalise URIs and classify them.

Real files write the IPTC terms with `http://` or `https://`, with stray whitespace,
as bare terms, and C2PA's own terms in two spellings. Matching is on the exact
normalised term, never on substrings: `algorithmicMedia` is the *non*-AI term and
`trainedAlgorithmicMedia` the AI one.
"""

from __future__ import annotations

from enum import StrEnum

IPTC_PREFIX = "http://cv.iptc.org/newscodes/digitalsourcetype/"
C2PA_PREFIX = "http://c2pa.org/digitalsourcetype/"


class SourceClass(StrEnum):
    """What a normalised source type says about AI involvement."""

    AI_GENERATED = "ai_generated"
    AI_EDITED = "ai_edited"
    AI_COMPOSITE = "ai_composite"
    UNDETERMINED = "undetermined"
    ALGORITHMIC = "algorithmic"
    DIGITAL = "digital_creation"
    CAPTURED = "captured"
    EMPTY = "empty"
    UNKNOWN = "unknown"

    @property
    def is_ai(self) -> bool:
        return self in (SourceClass.AI_GENERATED, SourceClass.AI_EDITED, SourceClass.AI_COMPOSITE)


_IPTC_TERMS: dict[str, SourceClass] = {
    "trainedAlgorithmicMedia": SourceClass.AI_GENERATED,
    "compositeWithTrainedAlgorithmicMedia": SourceClass.AI_EDITED,
    "compositeSynthetic": SourceClass.AI_COMPOSITE,
    "composite": SourceClass.UNDETERMINED,
    "virtualRecording": SourceClass.UNDETERMINED,
    "algorithmicMedia": SourceClass.ALGORITHMIC,
    "algorithmicallyEnhanced": SourceClass.DIGITAL,
    "dataDrivenMedia": SourceClass.DIGITAL,
    "screenCapture": SourceClass.DIGITAL,
    "digitalCreation": SourceClass.DIGITAL,
    "humanEdits": SourceClass.DIGITAL,
    "minorHumanEdits": SourceClass.DIGITAL,
    "digitalArt": SourceClass.DIGITAL,
    "softwareImage": SourceClass.DIGITAL,
    "digitalCapture": SourceClass.CAPTURED,
    "computationalCapture": SourceClass.CAPTURED,
    "negativeFilm": SourceClass.CAPTURED,
    "positiveFilm": SourceClass.CAPTURED,
    "print": SourceClass.CAPTURED,
    "compositeCapture": SourceClass.CAPTURED,
}

_C2PA_TERMS: dict[str, SourceClass] = {
    "trainedAlgorithmicData": SourceClass.AI_GENERATED,
    "empty": SourceClass.EMPTY,
}

_IPTC_HOSTS = ("cv.iptc.org/newscodes/digitalsourcetype/",)
_C2PA_HOSTS = ("c2pa.org/digitalsourcetype/",)


def normalize(uri: str) -> str:
    """Canonical form of a source type: the full `http://` URI, or the input stripped.

    >>> normalize(" https://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture ")
    'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture'
    >>> normalize("trainedAlgorithmicMedia")
    'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'
    """
    text = uri.strip()
    lowered = text.lower()
    for scheme in ("https://", "http://"):
        if lowered.startswith(scheme):
            rest = text[len(scheme) :]
            break
    else:
        rest = text
    rest = rest.removeprefix("www.").rstrip("/")
    for host in _IPTC_HOSTS:
        if rest.lower().startswith(host):
            return IPTC_PREFIX + rest[len(host) :]
    for host in _C2PA_HOSTS:
        if rest.lower().startswith(host):
            return C2PA_PREFIX + rest[len(host) :]
    if rest.startswith("c2pa.") and rest[5:] in _C2PA_TERMS:
        return C2PA_PREFIX + rest[5:]
    if rest in _IPTC_TERMS:
        return IPTC_PREFIX + rest
    if rest in _C2PA_TERMS:
        return C2PA_PREFIX + rest
    return text


def term(uri: str) -> str:
    """The bare term of a normalised URI (`trainedAlgorithmicMedia`), or the input."""
    norm = normalize(uri)
    for prefix in (IPTC_PREFIX, C2PA_PREFIX):
        if norm.startswith(prefix):
            return norm[len(prefix) :]
    return norm


def classify(uri: str) -> SourceClass:
    """Classify a source type URI or bare term."""
    norm = normalize(uri)
    if norm.startswith(IPTC_PREFIX):
        return _IPTC_TERMS.get(norm[len(IPTC_PREFIX) :], SourceClass.UNKNOWN)
    if norm.startswith(C2PA_PREFIX):
        return _C2PA_TERMS.get(norm[len(C2PA_PREFIX) :], SourceClass.UNKNOWN)
    return SourceClass.UNKNOWN
