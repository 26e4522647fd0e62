"""Combination policy: the C2PA declaration and the other signals, ranked by basis.

Pure: a C2PA declaration and a list of signals in, the combined declaration out.

- Every source that says something about the origin becomes a *claim*: the C2PA
  declaration (when its basis is not `none`) and, per detector, the signals that
  agree on one origin.
- Claims rank by basis: signed and trusted > signed (untrusted) > unsigned metadata >
  heuristic. A tampered or invalid manifest (`signed_invalid`) is not "signed": it
  ranks with unsigned metadata, which anyone could have written. Within a basis a
  declaration outranks a weak hint (a generator's name, "possibly AI"). At equal
  strength the C2PA declaration comes first, then detectors in report order.
- An `undetermined` claim (an unknown or misspelled source type, `composite`, a
  malformed manifest) neither says nor denies AI: it votes only when no claim states
  an origin, so it never hides a claim that does (an A1111 PNG whose XMP says
  `composite` still reads as AI-generated). It is still listed among the claims.
- The origin follows the strongest claim. When equally strong claims disagree about
  AI (one says AI, another captured, digital creation or algorithmic), the origin is
  `undetermined`: neither can be preferred.
- `conflict` is set when any two claims disagree about AI; all claims are reported
  side by side, and the explanation says which one decided and why.

Signals without an origin (a remote-manifest URL, a prompt writer, a soft binding)
are reported but never vote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .declaration import Basis, Origin
from .report import Claim, DeclarationReport, Report
from .signal import Signal

C2PA = "c2pa"

#: Strength of each basis; `signed_invalid` is no better than unsigned metadata.
RANK: dict[Basis, int] = {
    Basis.SIGNED_TRUSTED: 4,
    Basis.SIGNED_UNTRUSTED: 3,
    Basis.UNSIGNED_METADATA: 2,
    Basis.SIGNED_INVALID: 2,
    Basis.HEURISTIC: 1,
    Basis.NONE: 0,
}

#: How each basis reads in an explanation.
BASIS_WORDS: dict[Basis, str] = {
    Basis.SIGNED_TRUSTED: "signed by a trusted signer",
    Basis.SIGNED_UNTRUSTED: "signed, by a signer not on the trust lists",
    Basis.SIGNED_INVALID: "credentials that are tampered or invalidly signed, so not attributable",
    Basis.UNSIGNED_METADATA: "unsigned metadata, which anyone can write or strip",
    Basis.HEURISTIC: "a heuristic",
    Basis.NONE: "nothing",
}

#: Origins that rule AI out (an `undetermined` claim neither says nor denies AI).
NOT_AI = frozenset({Origin.CAPTURED, Origin.DIGITAL_CREATION, Origin.ALGORITHMIC})


def strength(basis: Basis, weak: bool) -> tuple[int, int]:
    """Sort key of a claim: its basis, then declaration before weak hint."""
    return RANK[basis], 0 if weak else 1


@dataclass(frozen=True)
class Combined:
    """The combined declaration and the signals, `decisive` set on those it rests on."""

    declaration: DeclarationReport
    signals: tuple[Signal, ...]


def _c2pa_claim(c2pa: DeclarationReport) -> Claim | None:
    if c2pa.basis is Basis.NONE or c2pa.origin is Origin.NOT_DECLARED:
        return None
    fields = tuple(
        dict.fromkeys(e.assertion or e.action or "" for e in c2pa.evidence if e.decisive)
    )
    return Claim(
        source=C2PA,
        origin=c2pa.origin,
        basis=c2pa.basis,
        fields=tuple(f for f in fields if f),
        weak=False,
        explanation=c2pa.explanation,
    )


def _signal_claims(signals: Sequence[Signal]) -> list[tuple[Claim, list[int]]]:
    """One claim per (detector, origin), from its strongest signal.

    Each claim comes with the indexes of the signals it rests on: those of its top
    strength (a digital source type, not the weak AI-system name beside it).
    """
    groups: dict[tuple[str, Origin], list[int]] = {}
    for index, sig in enumerate(signals):
        if sig.origin is not None and sig.basis is not Basis.NONE:
            groups.setdefault((sig.detector.value, sig.origin), []).append(index)
    claims: list[tuple[Claim, list[int]]] = []
    for (detector, origin), indexes in groups.items():
        best = max(indexes, key=lambda i: strength(signals[i].basis, signals[i].weak))
        top = signals[best]
        key = strength(top.basis, top.weak)
        fields = tuple(dict.fromkeys(signals[i].field for i in indexes))
        claims.append(
            (
                Claim(
                    source=detector,
                    origin=origin,
                    basis=top.basis,
                    fields=fields,
                    weak=top.weak,
                    explanation=top.detail or f"{top.field} = {top.value}",
                ),
                [i for i in indexes if strength(signals[i].basis, signals[i].weak) == key],
            )
        )
    return claims


def disagree(a: Origin, b: Origin) -> bool:
    """One origin says AI and the other rules it out."""
    return (a.is_ai and b in NOT_AI) or (b.is_ai and a in NOT_AI)


def _describe(claim: Claim) -> str:
    weak = ", a weak hint" if claim.weak else ""
    return f"{claim.source} says {claim.origin.value} ({BASIS_WORDS[claim.basis]}{weak})"


def _explain(c2pa: DeclarationReport, winners: list[Claim], claims: list[Claim], tied: bool) -> str:
    if tied:
        return "equally strong claims disagree about AI: " + "; ".join(map(_describe, winners))
    winner = winners[0]
    others = [c for c in claims if c is not winner]
    if winner.source == C2PA:
        head = c2pa.explanation
    else:
        head = f"{winner.explanation} ({BASIS_WORDS[winner.basis]})"
        if not any(c.source == C2PA for c in claims):
            head += f"; C2PA: {c2pa.explanation}"
    if not others:
        return head
    against = [c for c in others if disagree(c.origin, winner.origin)]
    along = [c for c in others if c not in against]
    parts = [head]
    if against:
        parts.append(
            "conflict: " + "; ".join(map(_describe, against)) + f"; {winner.source} outranks it"
        )
    if along:
        parts.append("also: " + "; ".join(map(_describe, along)))
    return ". ".join(parts)


def _tools(winners: list[Claim], c2pa: DeclarationReport, signals: Sequence[Signal]) -> list[str]:
    tools: list[str] = []
    for claim in winners:
        if claim.source == C2PA:
            tools.extend(c2pa.ai_tools)
    for sig in signals:
        if sig.decisive and sig.tool and sig.origin is not None and sig.origin.is_ai:
            tools.append(sig.tool)
    return list(dict.fromkeys(tools))


def combine(c2pa: DeclarationReport, signals: Sequence[Signal]) -> Combined:
    """Rank the C2PA declaration and the signals; the origin follows the strongest."""
    first = _c2pa_claim(c2pa)
    ranked: list[tuple[Claim, list[int]]] = [(first, [])] if first else []
    ranked.extend(_signal_claims(signals))
    if not ranked:
        return Combined(c2pa, tuple(signals))
    claims = [claim for claim, _ in ranked]
    stating = [i for i, c in enumerate(claims) if c.origin is not Origin.UNDETERMINED]
    voters = stating or list(range(len(claims)))
    top = max(strength(claims[i].basis, claims[i].weak) for i in voters)
    leaders = [i for i in voters if strength(claims[i].basis, claims[i].weak) == top]
    tied = any(
        disagree(claims[a].origin, claims[b].origin) for a in leaders for b in leaders if a < b
    )
    chosen = leaders if tied else leaders[:1]
    if not tied:
        # Agreeing claims of the same strength all back the verdict.
        lead = claims[chosen[0]].origin
        chosen = [i for i in leaders if claims[i].origin == lead]
    decisive_signals = {s for i in chosen for s in ranked[i][1]}
    marked = tuple(
        replace(sig, decisive=True) if i in decisive_signals else sig
        for i, sig in enumerate(signals)
    )
    claims = [replace(c, decisive=i in chosen) for i, c in enumerate(claims)]
    winners = [claims[i] for i in chosen]
    origin = Origin.UNDETERMINED if tied else winners[0].origin
    conflict = any(disagree(a.origin, b.origin) for a in claims for b in claims)
    declaration = DeclarationReport(
        origin=origin,
        declares_ai=origin.is_ai,
        basis=winners[0].basis,
        ai_tools=tuple(_tools(winners, c2pa, marked)) if origin.is_ai else (),
        evidence=c2pa.evidence,
        explanation=_explain(c2pa, winners, claims, tied),
        conflict=conflict,
        claims=tuple(claims),
    )
    return Combined(declaration, marked)


def apply(report: Report, signals: Sequence[Signal], notes: Sequence[str] = ()) -> Report:
    """The report with `signals` added (after its own) and its declaration combined.

    A report whose asset could not be checked keeps its declaration: the credentials
    were not read, so nothing can be ranked against them; the signals are still listed.
    """
    every = (*signals, *report.signals)
    all_notes = (*report.notes, *notes)
    if report.error is not None:
        return replace(report, signals=every, notes=all_notes)
    combined = combine(report.declaration, every)
    return replace(
        report, declaration=combined.declaration, signals=combined.signals, notes=all_notes
    )
