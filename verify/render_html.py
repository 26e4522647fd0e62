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
import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from . import sourcetype
from .declaration import Evidence
from .render_text import safe
from .report import ProvenanceAction, ProvenanceNode, Report
from .visuals import AssetVisuals, NoPicture, Picture
from .wording import (
    INTEGRITY_LABELS,
    TRUST_LABELS,
    Headline,
    Tone,
    action_words,
    headline,
    origin_label,
    origin_tone,
    relationship_words,
    revocation_words,
    signer_name,
    source_type_words,
    verdict_label,
    verdict_tone,
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
    signed_at: str | None
    actions: tuple[ActionView, ...]
    thumbnail: Picture | None
    cut: bool


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
    rule: str | None
    decisive: bool


@dataclass(frozen=True)
class SummaryRow:
    number: int
    anchor: str
    path: str
    verdict: str
    #: The verdict's own colour (AI, declared, none), for its badge and count.
    verdict_tone: Tone
    #: The whole row's colour, `alert` when the file was tampered with or badly signed.
    tone: Tone
    ai_tools: str
    signer: str
    trust: str
    integrity: str


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


def _node_view(node: ProvenanceNode, thumbnail: Picture | None) -> NodeView:
    signer = node.signer
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
        signed_at=signer.signed_at if signer else None,
        actions=_actions(node),
        thumbnail=thumbnail,
        cut=node.cut,
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
        rule=ev.rule,
        decisive=ev.decisive,
    )


def _plain(value: Any) -> Any:
    """Dataclasses (a future `signals` field) as dicts, for generic key/value display."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _fields(value: Any) -> list[tuple[str, str]]:
    """Flatten one signal into (name, text) pairs, nested values joined."""
    plain = _plain(value)
    if not isinstance(plain, dict):
        return [("value", str(plain))]
    out: list[tuple[str, str]] = []
    for key, item in plain.items():
        if item is None or item in ((), [], {}, ""):
            continue
        if isinstance(item, list):
            text = ", ".join(str(_plain(v)) for v in item)
        elif isinstance(item, dict):
            text = "; ".join(f"{k}: {v}" for k, v in item.items() if v not in (None, "", [], {}))
        elif isinstance(item, bool):
            text = "yes" if item else "no"
        else:
            text = str(item)
        out.append((key.replace("_", " "), text))
    return out


def signals_of(report: Report) -> list[list[tuple[str, str]]] | None:
    """Other signals (XMP, generator metadata, watermarks), when the report carries them."""
    value = getattr(report, "signals", None)
    if value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        nested = [getattr(value, f.name) for f in dataclasses.fields(value)]
        items: list[Any] = []
        for part in nested:
            items.extend(part if isinstance(part, list | tuple) else [part])
        value = [v for v in items if v is not None]
    if not isinstance(value, list | tuple):
        value = [value]
    return [_fields(v) for v in value]


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
    return SummaryRow(
        number=number,
        anchor=f"asset-{number}",
        path=report.path,
        verdict=verdict_label(report),
        verdict_tone=verdict_tone(report),
        tone=head.tone,
        ai_tools=", ".join(report.declaration.ai_tools),
        signer=signer_name(report.signer) if report.signer else "",
        trust=TRUST_LABELS[report.signer.trust] if report.signer else "",
        integrity=INTEGRITY_LABELS[report.integrity],
    )


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
    return {
        "number": number,
        "anchor": f"asset-{number}",
        "r": report,
        "head": head,
        "verdict": verdict_label(report),
        "preview": preview if isinstance(preview, Picture) else None,
        "preview_reason": preview.reason if isinstance(preview, NoPicture) else None,
        "thumbnail": thumbnail,
        "root": _node_view(root, thumbnail) if root else None,
        "tree": ingredient_tree(root, visuals) if root else [],
        "evidence": [_evidence_view(e) for e in report.declaration.evidence],
        "signals": signals_of(report),
        "trust_label": TRUST_LABELS[report.signer.trust] if report.signer else None,
        "revocation": revocation_words(report.signer) if report.signer else None,
        "integrity_label": INTEGRITY_LABELS[report.integrity],
        "size": human_size(report.size),
        "notes": notes,
    }


def _finalize(value: Any) -> Any:
    """Every printed value: our Markup as is, text with control/bidi characters escaped."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return safe(value)


def sentence(text: str) -> str:
    """A policy explanation as a sentence: capital first letter, final full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ":")) else text + "."


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
        rows=rows,
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
