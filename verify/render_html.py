"""The self-contained HTML report (pure: reports and pictures in, a string out).

Every string from a manifest or a file name is attacker-controlled. The templates are
rendered with autoescape on, every value passes :func:`~verify.render_text.safe` first
(control and bidi characters shown as escapes), attacker text never goes into a URL or an
attribute that the browser acts on, and a Content-Security-Policy meta tag forbids every
request (`default-src 'none'`): the page loads nothing, its style and script are allowed
by their SHA-256 hashes, and its pictures are `data:` URIs we encoded ourselves.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import sourcetype
from .declaration import Basis, Evidence
from .integrity import Integrity, SignerTrust
from .labels import (
    BASIS_ORDER,
    INTEGRITY_ORDER,
    VERDICT_ORDER,
    algorithm_words,
    basis_label,
    integrity_label,
    rank,
    readable_time,
    signing_time_words,
)
from .reader import ErrorKind
from .render_text import safe, validity_words
from .report import ProvenanceAction, ProvenanceNode, Report
from .signal import Signal
from .signal_words import signal_headline, worth
from .visuals import AssetVisuals, NoPicture, Picture
from .wording import (
    TRUST_LABELS,
    Headline,
    Tone,
    action_words,
    headline,
    integrity_words,
    origin_label,
    origin_tone,
    relationship_words,
    revocation_words,
    sentence,
    signer_name,
    source_type_words,
    trust_statement,
    verdict_label,
    verdict_tone,
    why_lines,
)

#: One checked asset: its report and what can be shown of it (None: no pictures collected).
Item = tuple[Report, AssetVisuals | None]


@dataclass(frozen=True)
class RunInfo:
    """How the check was run: printed in the report so that it can be kept as evidence."""

    generated_at: str
    tool: str
    #: Names of the trust anchor files configured (empty: no trust list).
    trust_anchors: tuple[str, ...] = ()
    allow_network: bool = False
    title: str = "Content Credentials report"


@dataclass(frozen=True)
class ActionView:
    number: int
    words: str
    code: str
    source_type: str | None
    source_term: str | None
    source_from: str | None
    software: str | None
    description: str | None
    ai: bool


@dataclass(frozen=True)
class TimeView:
    """An ISO time with its readable form (None when it does not parse)."""

    iso: str
    readable: str | None


def time_view(iso: str | None) -> TimeView | None:
    return TimeView(iso, readable_time(iso)) if iso else None


@dataclass(frozen=True)
class NodeView:
    """One manifest or ingredient of the provenance tree, ready to print."""

    relationship: str
    title: str
    format: str | None
    label: str | None
    origin: str | None
    tone: Tone
    ai: bool
    generator: str | None
    signer: str | None
    signed_at: TimeView | None
    actions: tuple[ActionView, ...]
    thumbnail: Picture | None
    cut: bool
    #: The ingredient's own credentials as validated (None: not reported).
    integrity: str | None
    trust: str | None
    trust_state: str | None
    failures: tuple[str, ...]


@dataclass(frozen=True)
class TreeEvent:
    """Flattened tree walk: `open`/`close` a level, or an `item` (no recursion in templates)."""

    kind: str
    node: NodeView | None = None


@dataclass(frozen=True)
class EvidenceView:
    where: str
    action: str
    source_type: str | None
    software: str | None
    manifest: str
    decisive: bool


#: Raw signal values longer than this are cut, the rest behind an expander.
SHORT_VALUE = 240


@dataclass(frozen=True)
class SignalView:
    """One finding outside the credentials, in words, its raw value collapsed."""

    headline: str
    worth: str
    detail: str | None
    decisive: bool
    field: str
    source: str
    basis: str
    value: str
    #: The whole value when `value` is cut (None: `value` is all of it).
    full_value: str | None


@dataclass(frozen=True)
class SummaryRow:
    number: int
    anchor: str
    path: str
    #: The folder part of `path` (with its last separator) and the file name, shown apart.
    folder: str
    name: str
    verdict: str
    #: The verdict's own colour (AI, declared, none), for its badge and count.
    verdict_tone: Tone
    #: The whole row's colour, `alert` when the file was tampered with or badly signed.
    tone: Tone
    ai_tools: str
    signer: str
    trust: str
    integrity: str
    #: What the verdict rests on: signed and recognised, unsigned metadata, a heuristic.
    basis: str
    #: The verdict rests on something anyone can write (unsigned metadata, a heuristic).
    unsigned: bool
    #: Sort keys, most serious first.
    verdict_rank: int
    integrity_rank: int
    basis_rank: int


def _action_view(number: int, action: ProvenanceAction) -> ActionView:
    term = sourcetype.term(action.digital_source_type) if action.digital_source_type else None
    software = action.software_agent
    if software and action.software_version:
        software = f"{software} {action.software_version}"
    ai = bool(action.digital_source_type and sourcetype.classify(action.digital_source_type).is_ai)
    return ActionView(
        number=number,
        words=action_words(action.action),
        code=action.action,
        source_type=source_type_words(action.digital_source_type)
        if action.digital_source_type
        else None,
        source_term=term,
        source_from=action.source_type_from
        if action.source_type_from not in (None, "action")
        else None,
        software=software,
        description=action.description,
        ai=ai,
    )


def _actions(node: ProvenanceNode) -> tuple[ActionView, ...]:
    return tuple(_action_view(i, a) for i, a in enumerate(node.actions, start=1))


_NODE_INTEGRITY = {
    Integrity.INTACT: "Credentials intact",
    Integrity.TAMPERED: "Credentials tampered",
    Integrity.MALFORMED: "Credentials malformed",
    Integrity.UNKNOWN: "Credentials not fully checked",
}


def _node_view(node: ProvenanceNode, thumbnail: Picture | None) -> NodeView:
    signer = node.signer
    integrity = _NODE_INTEGRITY.get(node.integrity) if node.integrity else None
    trust = f"Signer {TRUST_LABELS[node.trust].lower()}" if node.trust else None
    if node.trust in (SignerTrust.EXPIRED, SignerTrust.REVOKED, SignerTrust.INVALID):
        trust = TRUST_LABELS[node.trust]
    return NodeView(
        relationship=relationship_words(node.relationship),
        title=node.title or "(untitled)",
        format=node.format,
        label=node.label,
        origin=origin_label(node.origin) if node.origin else None,
        tone=origin_tone(node.origin) if node.origin else Tone.NONE,
        ai=bool(node.origin and node.origin.is_ai),
        generator=node.generator,
        signer=(signer.organization or signer.common_name) if signer else None,
        signed_at=time_view(signer.signed_at) if signer else None,
        actions=_actions(node),
        thumbnail=thumbnail,
        cut=node.cut,
        integrity=integrity,
        trust=trust,
        trust_state=node.trust.value if node.trust else None,
        failures=node.failures,
    )


def _child_thumbnail(
    visuals: AssetVisuals | None, parent: ProvenanceNode, index: int, child: ProvenanceNode
) -> Picture | None:
    if visuals is None:
        return None
    if parent.label is not None:
        found = visuals.ingredient_thumbnails.get((parent.label, index))
        if found is not None:
            return found
    return visuals.manifest_thumbnails.get(child.label) if child.label else None


def ingredient_tree(root: ProvenanceNode, visuals: AssetVisuals | None) -> list[TreeEvent]:
    """The ingredients below the active manifest as open/item/close events (no recursion)."""
    events: list[TreeEvent] = []
    # Each stack entry: (parent, index of the next child to visit).
    stack: list[tuple[ProvenanceNode, int]] = [(root, 0)]
    if root.ingredients:
        events.append(TreeEvent("open"))
    while stack:
        parent, index = stack[-1]
        if index >= len(parent.ingredients):
            stack.pop()
            if parent.ingredients:
                events.append(TreeEvent("close"))
            if stack:
                events.append(TreeEvent("end"))
            continue
        stack[-1] = (parent, index + 1)
        child = parent.ingredients[index]
        thumb = _child_thumbnail(visuals, parent, index, child)
        events.append(TreeEvent("item", _node_view(child, thumb)))
        if child.ingredients:
            events.append(TreeEvent("open"))
        stack.append((child, 0))
    return events


def _evidence_view(ev: Evidence) -> EvidenceView:
    where = (
        "this file's own credentials"
        if ev.relationship == "active"
        else f"an ingredient ({relationship_words(ev.relationship).lower()})"
    )
    return EvidenceView(
        where=where,
        action=action_words(ev.action) if ev.action else (ev.assertion or "an assertion"),
        source_type=source_type_words(ev.source_type) if ev.source_type else None,
        software=ev.software_agent,
        manifest=ev.manifest,
        decisive=ev.decisive,
    )


def _signal_view(signal: Signal) -> SignalView:
    value = signal.value
    cut = len(value) > SHORT_VALUE
    headline = signal_headline(signal)
    return SignalView(
        headline=headline,
        worth=worth(signal),
        # A finding that says nothing about the origin is headed by its detail already.
        detail=signal.detail if signal.detail and signal.detail not in headline else None,
        decisive=signal.decisive,
        field=signal.field,
        source=signal.source,
        basis=signal.basis.value,
        value=value[:SHORT_VALUE] + "…" if cut else value,
        full_value=value if cut else None,
    )


def signals_of(report: Report) -> list[SignalView]:
    """Other signals (XMP, generator metadata, watermarks), in words."""
    return [_signal_view(s) for s in report.signals]


def human_size(size: int | None) -> str:
    if size is None:
        return "unknown"
    if size < 1024:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB", "TB"):
        size_f = size / 1024
        if size_f < 1024 or unit == "TB":
            return f"{size_f:.1f} {unit} ({size:,} bytes)"
        size = int(size_f)
    raise AssertionError  # pragma: no cover


def summary_row(number: int, report: Report) -> SummaryRow:
    head = headline(report)
    verdict = verdict_label(report)
    integrity = integrity_label(report)
    basis = basis_label(report)
    return SummaryRow(
        number=number,
        anchor=f"asset-{number}",
        path=report.path,
        folder=report.path[: report.path.rfind("/") + 1],
        name=report.path[report.path.rfind("/") + 1 :],
        verdict=verdict,
        verdict_tone=verdict_tone(report),
        tone=head.tone,
        ai_tools=", ".join(report.declaration.ai_tools),
        signer=signer_name(report.signer) if report.signer else "",
        trust=TRUST_LABELS[report.signer.trust] if report.signer else "",
        integrity=integrity,
        basis=basis,
        unsigned=report.error is None
        and report.declaration.basis in (Basis.UNSIGNED_METADATA, Basis.HEURISTIC),
        verdict_rank=rank(VERDICT_ORDER, verdict),
        integrity_rank=rank(INTEGRITY_ORDER, integrity),
        basis_rank=rank(BASIS_ORDER, basis),
    )


def most_serious_first(rows: Iterable[SummaryRow]) -> list[SummaryRow]:
    """The summary's first order: tampered first, then by verdict (AI first), then by number."""
    return sorted(rows, key=lambda r: (r.integrity_rank, r.verdict_rank, r.number))


def _file_type(report: Report) -> str:
    media_type = report.media_type or "unknown"
    if report.error is not None and report.error.kind is ErrorKind.UNSUPPORTED:
        return f"{media_type} by its name, but not a media file the verifier can read"
    return media_type


def _asset_context(number: int, report: Report, visuals: AssetVisuals | None) -> dict[str, Any]:
    root = report.provenance
    head: Headline = headline(report)
    preview = visuals.preview if visuals else NoPicture("pictures were not collected")
    thumbnail = (
        visuals.manifest_thumbnails.get(root.label)
        if visuals is not None and root is not None and root.label
        else None
    )
    notes = list(report.notes) + (list(visuals.notes) if visuals else [])
    signer = report.signer
    return {
        "number": number,
        "anchor": f"asset-{number}",
        "r": report,
        "head": head,
        "why": why_lines(report),
        "verdict": verdict_label(report),
        "preview": preview if isinstance(preview, Picture) else None,
        "preview_reason": preview.reason if isinstance(preview, NoPicture) else None,
        "thumbnail": thumbnail,
        "root": _node_view(root, thumbnail) if root else None,
        "tree": ingredient_tree(root, visuals) if root else [],
        "evidence": [_evidence_view(e) for e in report.declaration.evidence],
        "signals": signals_of(report),
        "trust_label": TRUST_LABELS[signer.trust] if signer else None,
        "trust_words": trust_statement(signer).text if signer else None,
        "signed_on": signing_time_words(signer) if signer else None,
        "signed_at": time_view(signer.signed_at) if signer else None,
        "validity": validity_words(signer) if signer else None,
        "not_before": time_view(signer.not_before) if signer else None,
        "not_after": time_view(signer.not_after) if signer else None,
        "algorithm": algorithm_words(signer.algorithm) if signer and signer.algorithm else None,
        "revocation": revocation_words(signer) if signer else None,
        "integrity_label": integrity_label(report),
        "integrity_words": integrity_words(report),
        "integrity_class": _slug(integrity_label(report)),
        "file_type": _file_type(report),
        "size": human_size(report.size),
        "notes": notes,
    }


def _slug(label: str) -> str:
    """A CSS class part from a label: `History tampered` -> `history-tampered`."""
    return label.lower().replace(" ", "-")


def _finalize(value: Any) -> Any:
    """Every printed value: our Markup as is, text with control/bidi characters escaped."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return safe(value)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("verify", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        # Blocks keep their surrounding whitespace: words must not run together.
        keep_trailing_newline=True,
    )
    env.filters["sentence"] = sentence
    env.filters["slug"] = _slug
    return env


@cache
def _static(name: str) -> str:
    return (resources.files("verify") / "templates" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy() -> str:
    """No requests of any kind; only our own inline style and script, by hash."""
    return "; ".join(
        (
            "default-src 'none'",
            "img-src data:",
            f"style-src {_csp_hash(_static('report.css'))}",
            f"script-src {_csp_hash(_static('report.js'))}",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def render_asset(number: int, report: Report, visuals: AssetVisuals | None) -> Markup:
    """The detail section of one asset (`id="asset-N"`)."""
    template = _environment().get_template("asset.html.j2")
    return Markup(template.render(**_asset_context(number, report, visuals)))


def verdict_counts(rows: Iterable[SummaryRow]) -> list[tuple[str, Tone, int]]:
    """(verdict, tone, count), most frequent first."""
    counts: Counter[str] = Counter()
    tones: dict[str, Tone] = {}
    for row in rows:
        counts[row.verdict] += 1
        tones.setdefault(row.verdict, row.verdict_tone)
    return [(verdict, tones[verdict], n) for verdict, n in counts.most_common()]


def generate_page(
    rows: Sequence[SummaryRow], sections: Iterable[Markup], run: RunInfo
) -> Iterator[str]:
    """The page in chunks: header, summary (for several assets), then the sections as given."""
    template = _environment().get_template("page.html.j2")
    return template.generate(
        run=run,
        generated=time_view(run.generated_at),
        rows=most_serious_first(rows),
        counts=verdict_counts(rows),
        sections=sections,
        csp=content_security_policy(),
        css=Markup(_static("report.css")),
        js=Markup(_static("report.js")),
    )


def render_html(items: Sequence[Item], run: RunInfo) -> str:
    """The whole report for these assets, as one string."""
    rows = [summary_row(i, report) for i, (report, _) in enumerate(items, start=1)]
    sections = (render_asset(i, r, v) for i, (r, v) in enumerate(items, start=1))
    return "".join(generate_page(rows, sections, run))
