"""The terminal view (`rich`): the verdict, then the provenance as a coloured tree.

Used only when standard output is a terminal; pipes and files get the plain text of
:mod:`verify.render_text`. Attacker-controlled strings are never parsed as rich markup:
every one goes into a :class:`rich.text.Text` as plain text, after
:func:`~verify.render_text.safe` has escaped control and bidi characters.
"""

from __future__ import annotations

from typing import IO

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from . import sourcetype
from .integrity import Integrity, SignerTrust
from .labels import (
    integrity_label,
)
from .render_text import safe
from .report import ProvenanceAction, ProvenanceNode, Report
from .wording import (
    TRUST_LABELS,
    Level,
    Tone,
    action_words,
    error_statement,
    headline,
    origin_label,
    origin_tone,
    relationship_words,
    signer_name,
    source_type_words,
)

#: AI is magenta, never red or orange: on a 16-colour terminal orange becomes bright red,
#: which reads as "tampered".
AI_STYLE = "magenta"

TONE_STYLES = {
    Tone.ALERT: "bold red",
    Tone.AI: f"bold {AI_STYLE}",
    Tone.DECLARED: "bold blue",
    Tone.NONE: "bold",
}

LEVEL_MARKS = {
    Level.OK: ("✓", "green"),
    Level.WARN: ("!", "yellow"),
    Level.ALERT: ("✗", "bold red"),
    Level.INFO: ("·", ""),
}

TRUST_STYLES = {
    SignerTrust.TRUSTED: "green",
    SignerTrust.UNTRUSTED: "yellow",
    SignerTrust.EXPIRED: "yellow",
    SignerTrust.REVOKED: "bold red",
    SignerTrust.INVALID: "bold red",
}

INTEGRITY_STYLES = {
    Integrity.INTACT: "green",
    Integrity.TAMPERED: "bold red",
    Integrity.HISTORY_TAMPERED: "yellow",
    Integrity.MALFORMED: "bold red",
    Integrity.UNKNOWN: "dim",
}

#: An ingredient's own credentials, as validated from this asset.
NODE_INTEGRITY = {
    Integrity.INTACT: ("credentials intact", "green"),
    Integrity.TAMPERED: ("credentials TAMPERED", "bold red"),
    Integrity.HISTORY_TAMPERED: ("an ingredient's credentials tampered", "yellow"),
    Integrity.MALFORMED: ("credentials malformed", "bold red"),
    Integrity.UNKNOWN: ("credentials not fully checked", "dim"),
}


def _text(*parts: tuple[object, str] | object) -> Text:
    """Plain text from (value, style) pairs or bare values; values are escaped, never markup."""
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            value, style = part
            out.append(safe(value), style=style)
        else:
            out.append(safe(part))
    return out


def _action(number: int, action: ProvenanceAction) -> Text:
    line = _text((f"{number}. {action_words(action.action)}", "bold"))
    if action.digital_source_type:
        is_ai = sourcetype.classify(action.digital_source_type).is_ai
        line.append(" — ")
        line.append(
            safe(source_type_words(action.digital_source_type)),
            style=AI_STYLE if is_ai else "",
        )
    if action.software_agent:
        version = f" {action.software_version}" if action.software_version else ""
        line.append(safe(f" — with {action.software_agent}{version}"), style="dim")
    line.append(safe(f"  ({action.action})"), style="dim")
    return line


def _node_label(node: ProvenanceNode, report: Report | None) -> Text:
    """One tree node; the root (`report` given) carries the asset's trust and integrity."""
    label = _text(
        (f"{relationship_words(node.relationship)}: ", "dim"), (node.title or "(untitled)", "bold")
    )
    if node.label is None:
        label.append(" — no Content Credentials of its own", style="dim")
        _node_checks(node, label)
        return label
    if node.cut:
        label.append(" — already shown (a loop or past the depth limit)", style="dim")
        _node_checks(node, label)
        return label
    if node.origin is not None:
        label.append(" — ")
        label.append(origin_label(node.origin), style=TONE_STYLES[origin_tone(node.origin)])
    if node.signer is not None:
        who = node.signer.organization or node.signer.common_name or "an unnamed signer"
        label.append(safe(f" — signed by {who}"))
    if report is not None and report.signer is not None:
        label.append(" ")
        label.append(
            f"[{TRUST_LABELS[report.signer.trust].lower()}]",
            style=TRUST_STYLES[report.signer.trust],
        )
    if report is not None:
        label.append(" ")
        label.append(
            f"[{integrity_label(report).lower()}]", style=INTEGRITY_STYLES[report.integrity]
        )
    _node_checks(node, label)
    return label


def _node_checks(node: ProvenanceNode, label: Text) -> None:
    """An ingredient's own integrity and signer, coloured: tampered red, untrusted yellow."""
    if node.integrity is not None:
        words, style = NODE_INTEGRITY[node.integrity]
        label.append(" ")
        label.append(f"[{words}]", style=style)
    if node.trust is not None:
        label.append(" ")
        label.append(
            f"[signer: {TRUST_LABELS[node.trust].lower()}]", style=TRUST_STYLES[node.trust]
        )


def provenance_tree(report: Report) -> Tree | None:
    """The manifest/ingredient tree with each node's actions (built without recursion)."""
    root = report.provenance
    if root is None:
        return None
    tree = Tree(_node_label(root, report), guide_style="dim")
    pending: list[tuple[Tree, ProvenanceNode]] = [(tree, root)]
    while pending:
        branch, node = pending.pop()
        for number, action in enumerate(node.actions, start=1):
            branch.add(_action(number, action))
        children = [(branch.add(_node_label(child, None)), child) for child in node.ingredients]
        pending.extend(reversed(children))
    return tree


def rich_report(report: Report) -> RenderableType:
    """Everything the terminal shows for one report."""
    head = headline(report)
    parts: list[RenderableType] = [
        _text((report.path, "bold underline")),
        _text((head.title, TONE_STYLES[head.tone])),
    ]
    if head.lines:
        # A grid keeps wrapped statements under their first word, not under the mark.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for line in head.lines:
            mark, style = LEVEL_MARKS[line.level]
            grid.add_row(_text((mark, style)), _text((line.text, style)))
        parts.append(Padding(grid, (0, 0, 0, 2)))
    if head.caveat:
        parts.append(Padding(_text((head.caveat, "italic dim")), (0, 0, 0, 2)))
    tree = provenance_tree(report)
    if tree is not None:
        parts.append(tree)
    facts = f"{report.media_type or 'unknown type'}, "
    facts += f"{report.size:,} bytes" if report.size is not None else "size unknown"
    if report.sha256:
        facts += f", sha256 {report.sha256}"
    parts.append(_text((facts, "dim")))
    if report.signer is not None and report.signer.signed_at:
        parts.append(
            _text((f"signed at {report.signer.signed_at} by {signer_name(report.signer)}", "dim"))
        )
    if report.validation.failures:
        parts.append(_text(("codes: " + ", ".join(report.validation.failures), "dim")))
    if report.error is not None and error_statement(report) != report.error.message:
        parts.append(_text((f"error: {report.error.kind.value}: {report.error.message}", "dim")))
    for note in report.notes:
        parts.append(_text((f"note: {note}", "dim")))
    return Group(*parts)


class RichWriter:
    """Prints reports to a terminal, one block per asset."""

    def __init__(self, out: IO[str], console: Console | None = None) -> None:
        self.console = console or Console(file=out, highlight=False, soft_wrap=False)
        self.first = True

    def write(self, report: Report) -> None:
        if not self.first:
            self.console.print()
        self.console.print(rich_report(report), highlight=False)
        self.first = False

    def finish(self) -> None:
        self.console.file.flush()
