"""Short labels, sort orders and formatted facts for the summary table and signer block (pure)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from .declaration import Basis, Origin
from .report import Credentials, Report, Signer
from .wording import INTEGRITY_LABELS

#: How strongly the verdict is backed, for the summary table.
BASIS_LABELS = {
    Basis.SIGNED_TRUSTED: "Signed & recognised",
    Basis.SIGNED_UNTRUSTED: "Signed, not recognised",
    Basis.SIGNED_INVALID: "Signed, fails validation",
    Basis.UNSIGNED_METADATA: "Unsigned metadata",
    Basis.HEURISTIC: "Heuristic",
    Basis.NONE: "Nothing declared",
}


def integrity_label(report: Report) -> str:
    """The integrity column: `No credentials` is not `Not checked`, nor `Unknown`."""
    if report.error is not None:
        return "Not checked"
    if report.credentials is Credentials.NONE:
        return "No credentials"
    if report.remote_unread:
        return "Not fetched"
    return INTEGRITY_LABELS[report.integrity]


def basis_label(report: Report) -> str:
    """How strongly the verdict is backed: signed and recognised, unsigned, a heuristic."""
    decl = report.declaration
    if decl.basis is not Basis.NONE and report.error is None:
        return BASIS_LABELS[decl.basis]
    if report.credentials is Credentials.NONE and report.error is None:
        return "Nothing found"
    if report.error is not None or report.remote_unread:
        return "Nothing read"
    if decl.origin is Origin.UNDETERMINED:
        return "Nothing readable"
    return BASIS_LABELS[Basis.NONE]


#: Summary sort order, most serious first.
INTEGRITY_ORDER = (
    "Tampered",
    "Malformed",
    "History tampered",
    "Not checked",
    "Unknown",
    "Not fetched",
    "Intact",
    "No credentials",
)
VERDICT_ORDER = (
    "AI-generated",
    "AI-edited",
    "Contains AI parts",
    "Undetermined",
    "Captured",
    "Digital creation",
    "Algorithmic (not AI)",
    "No declaration",
    "Credentials online",
    "No credentials",
    "Not checked",
)
BASIS_ORDER = (
    *(BASIS_LABELS[b] for b in Basis),
    "Nothing readable",
    "Nothing found",
    "Nothing read",
)


def rank(order: tuple[str, ...], label: str) -> int:
    """Position of a label in a sort order; unknown labels last."""
    return order.index(label) if label in order else len(order)


_ALGORITHM = re.compile(r"^(es|ps|rs)(\d+)$", re.IGNORECASE)


def algorithm_words(name: str) -> str:
    """`Es256` (as c2pa-rs spells it) -> `ES256`; `Ed25519` stays."""
    found = _ALGORITHM.match(name)
    return found.group(0).upper() if found else name


def readable_time(iso: str) -> str | None:
    """`2026-11-24T09:33:17+00:00` -> `24 November 2026, 09:33 UTC`; None if unreadable."""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    text = f"{when.day} {when:%B %Y, %H:%M}"
    offset = when.utcoffset()
    if offset is None:
        return text
    if offset == timedelta(0):
        return f"{text} UTC"
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text} UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def signing_time_words(signer: Signer) -> str:
    """When it was signed, or why that is not known."""
    if signer.signed_at is None:
        return "not stated" if signer.timestamped else "not stated: the signature has no timestamp"
    when = readable_time(signer.signed_at) or signer.signed_at
    if signer.timestamped:
        return when
    return f"{when}, by the signer's own clock (no trusted timestamp)"
