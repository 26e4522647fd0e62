"""The HTML report as a string: escaping, the security policy, structure, optional fields."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html as html_lib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from verify import CheckOptions, Report, Verifier
from verify.declaration import Basis, Origin
from verify.integrity import Integrity
from verify.reader import ResourceReader
from verify.render_html import (
    RunInfo,
    TreeEvent,
    human_size,
    ingredient_tree,
    render_html,
    sentence,
)
from verify.report import IntegrityDetail, ProvenanceAction, ProvenanceNode
from verify.signal import DetectorName, Signal
from verify.visuals import collect_visuals

EVIL = "<script>alert(1)</script>"
RUN = RunInfo(generated_at="2025-01-01T12:00:00+00:00", tool="c2pa-verify test")


@pytest.fixture(scope="module")
def verifier(anchors_pem: str) -> Verifier:
    return Verifier(CheckOptions(trust_anchors_pem=anchors_pem))


@pytest.fixture(scope="module")
def sample(verifier: Verifier, samples_dir: Path) -> Callable[[str], Report]:
    def check(name: str) -> Report:
        return verifier.check_path(samples_dir / name)

    return check


def hostile(report: Report) -> Report:
    """The report with attacker-controlled strings everywhere a manifest can put them."""
    assert report.provenance is not None
    node = dataclasses.replace(
        report.provenance,
        title=EVIL,
        generator=EVIL + '"><img src=x onerror=alert(3)>',
        actions=(ProvenanceAction(action=EVIL, software_agent=EVIL, description=EVIL),),
        ingredients=(ProvenanceNode(label=None, relationship=EVIL, title=EVIL, format=EVIL),),
    )
    return dataclasses.replace(
        report,
        path="evil\u202egpj.<img src=x onerror=alert(2)>.jpg",
        provenance=node,
        declaration=dataclasses.replace(report.declaration, ai_tools=(EVIL,)),
        notes=(EVIL,),
    )


def test_hostile_strings_render_as_text(sample: Callable[[str], Report]) -> None:
    """A title `<script>alert(1)</script>` and friends are escaped, never markup."""
    html = render_html([(hostile(sample("ai-composite.jpg")), None)], RUN)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 1  # ours, allowed by hash
    assert "<img src=x" not in html
    assert "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "").replace(
        "onerror=alert(3)&gt;", ""
    )


def test_bidi_and_control_characters_are_shown_escaped(sample: Callable[[str], Report]) -> None:
    """A right-to-left override in a file name is shown as an escape, not obeyed."""
    html = render_html([(hostile(sample("ai-composite.jpg")), None)], RUN)
    assert "\u202e" not in html
    assert "\\u202e" in html


def _inline(html: str, tag: str) -> str:
    found = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S)
    assert found is not None
    return found.group(1)


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_content_security_policy_allows_only_our_inline_code(
    sample: Callable[[str], Report],
) -> None:
    """The CSP forbids every request and allows exactly our style and script by hash."""
    html = render_html([(sample("captured.jpg"), None)], RUN)
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert meta is not None
    content = html_lib.unescape(meta.group(1))
    policy = {part.split()[0]: part.split()[1:] for part in content.split("; ")}
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    assert policy["style-src"] == [_sha(_inline(html, "style"))]
    assert policy["script-src"] == [_sha(_inline(html, "script"))]
    assert html.index("Content-Security-Policy") < html.index("<style>")


def test_no_external_references(
    verifier: Verifier, sample: Callable[[str], Report], samples_dir: Path
) -> None:
    """Every src is a data: URI we encoded, every href an anchor in the page."""
    path = samples_dir / "ai-composite.jpg"
    report = sample("ai-composite.jpg")
    html = render_html([(report, collect_visuals(report, path, ResourceReader()))], RUN)
    sources = re.findall(r'\ssrc="([^"]*)"', html)
    assert len(sources) == 3  # the preview, the claim thumbnail, the ingredient's thumbnail
    assert all(s.startswith("data:image/jpeg;base64,") for s in sources)
    assert all(h.startswith("#") for h in re.findall(r'\shref="([^"]*)"', html))
    assert "@import" not in html and "url(" not in html


def test_single_asset_has_no_summary_table(sample: Callable[[str], Report]) -> None:
    """One asset: its details only, with its name in the page title."""
    html = render_html([(sample("captured.jpg"), None)], RUN)
    assert 'id="summary"' not in html
    title = re.search(r"<title>(.*?)</title>", html)
    assert title is not None
    assert title.group(1).startswith("Content Credentials report: ")
    assert title.group(1).endswith("/captured.jpg")


def test_folder_has_one_summary_row_and_section_per_asset(
    sample: Callable[[str], Report],
) -> None:
    """Several assets: one summary row each, each linking to its own section."""
    names = ["captured.jpg", "ai-generated.jpg", "tampered-pixels.jpg"]
    html = render_html([(sample(n), None) for n in names], RUN)
    rows = re.findall(r'<tr data-target="(asset-\d+)"', html)
    assert sorted(rows) == ["asset-1", "asset-2", "asset-3"]
    for anchor in rows:
        assert f'<section class="asset" id="{anchor}"' in html
        assert f'href="#{anchor}"' in html


def test_counts_by_verdict(sample: Callable[[str], Report]) -> None:
    """The summary counts files by verdict."""
    names = ["ai-generated.jpg", "ai-generated.png", "captured.jpg"]
    html = render_html([(sample(n), None) for n in names], RUN)
    assert re.search(
        r'data-filter-verdict="AI-generated"[^>]*>AI-generated <span class="n">2<', html
    )
    assert re.search(r'data-filter-verdict="Captured"[^>]*>Captured <span class="n">1</span>', html)


def test_raw_codes_are_collapsed(sample: Callable[[str], Report]) -> None:
    """Validation codes are inside a closed <details> element."""
    html = render_html([(sample("tampered-pixels.jpg"), None)], RUN)
    details = re.search(r"<details>\s*<summary>Technical details.*?</details>", html, re.S)
    assert details is not None
    assert "assertion.dataHash.mismatch" in details.group(0)


def test_missing_preview_says_why(sample: Callable[[str], Report]) -> None:
    """Without pictures the report says there is no preview, and why."""
    html = render_html([(sample("captured.jpg"), None)], RUN)
    assert "No preview: pictures were not collected" in html


def test_trust_anchor_files_are_named(sample: Callable[[str], Report]) -> None:
    """The trust configuration of the run is part of the evidence; none configured is said."""
    with_anchors = dataclasses.replace(RUN, trust_anchors=("newsroom-anchors.pem",))
    assert "newsroom-anchors.pem" in render_html([(sample("captured.jpg"), None)], with_anchors)
    assert "none configured" in render_html([(sample("captured.jpg"), None)], RUN)


def test_signals_are_rendered_with_their_basis(sample: Callable[[str], Report]) -> None:
    """Each signal is shown with its detector and basis, its value escaped; none: says so."""
    base = sample("no-credentials.jpg")
    found = Signal(
        DetectorName.XMP,
        "Iptc4xmpExt:DigitalSourceType",
        EVIL,
        Basis.UNSIGNED_METADATA,
        origin=Origin.AI_GENERATED,
    )
    html = render_html([(dataclasses.replace(base, signals=(found,)), None)], RUN)
    assert "<h3>Other signals</h3>" in html
    assert "unsigned_metadata" in html and "Iptc4xmpExt:DigitalSourceType" in html
    assert "&lt;script&gt;" in html and EVIL not in html
    assert "None found" in render_html([(base, None)], RUN)


def test_deep_ingredient_tree_is_flattened_without_recursion() -> None:
    """A 5,000-level chain renders as balanced open/close events (no recursion limit)."""
    node = ProvenanceNode(label=None, relationship="parentOf", title="leaf", format=None)
    for depth in range(5_000):
        node = ProvenanceNode(
            label=f"m{depth}", relationship="parentOf", title=None, format=None, ingredients=(node,)
        )
    events = ingredient_tree(node, None)
    kinds = [e.kind for e in events]
    assert kinds.count("open") == kinds.count("close") == 5_000
    assert kinds.count("item") == kinds.count("end") == 5_000
    depth = 0
    for event in events:
        depth += {"open": 1, "close": -1}.get(event.kind, 0)
        assert depth >= 0
    assert depth == 0
    assert events[0] == TreeEvent("open")


@pytest.mark.parametrize(
    ("size", "text"),
    [(None, "unknown"), (12, "12 bytes"), (20_736, "20.2 KB (20,736 bytes)")],
)
def test_human_size(size: int | None, text: str) -> None:
    """File sizes read in units, with the exact byte count."""
    assert human_size(size) == text


@pytest.mark.parametrize(
    ("given", "text"),
    [("hashes and signature match", "Hashes and signature match."), ("done.", "Done."), ("", "")],
)
def test_sentence(given: str, text: str) -> None:
    """Policy explanations are printed as sentences."""
    assert sentence(given) == text


def _visible_text(html: str) -> str:
    """The page's text as a reader sees it: no script, no style, no tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


def _summary_cells(html: str) -> list[list[str]]:
    body = re.search(r'<table id="summary">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body is not None
    rows = re.findall(r"<tr [^>]*>(.*?)</tr>", body.group(1), re.S)
    return [
        [" ".join(_visible_text(c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def test_summary_lists_most_serious_first(sample: Callable[[str], Report]) -> None:
    """Tampered first, then damaged, then by verdict with AI first; numbers keep file order."""
    names = ["captured.jpg", "ai-generated.jpg", "tampered-pixels.jpg", "malformed-action.jpg"]
    html = render_html([(sample(n), None) for n in names], RUN)
    rows = re.findall(r'<tr data-target="(asset-\d+)"', html)
    assert rows == ["asset-3", "asset-4", "asset-2", "asset-1"]
    assert '<th data-type="number" aria-sort="ascending"><button type="button">Integrity' in html


def test_summary_says_what_each_verdict_rests_on(sample: Callable[[str], Report]) -> None:
    """An unsigned XMP claim does not look like a signed, recognised declaration."""
    names = ["ai-generated.jpg", "xmp-ai.jpg", "a1111.png", "no-credentials.jpg"]
    html = render_html([(sample(n), None) for n in names], RUN)
    by_file = {cells[1].split("/")[-1].strip(): cells for cells in _summary_cells(html)}
    assert by_file["ai-generated.jpg"][2:4] == ["AI-generated", "Signed & recognised"]
    assert by_file["xmp-ai.jpg"][2:4] == ["AI-generated", "Unsigned metadata"]
    assert by_file["a1111.png"][2:4] == ["AI-generated", "Heuristic"]
    assert by_file["no-credentials.jpg"][-1] == "No credentials"
    assert html.count('<span class="badge tone-ai unsigned">AI-generated</span>') == 2


def test_tampered_ingredient_is_marked_in_the_tree(sample: Callable[[str], Report]) -> None:
    """The ingredient whose credentials fail validation carries a tampered badge."""
    html = render_html([(sample("tampered-ingredient.jpg"), None)], RUN)
    tree = re.search(r'<div class="tree">(.*?)</section>', html, re.S)
    assert tree is not None
    text = " ".join(_visible_text(tree.group(1)).split())
    assert "Credentials tampered" in text and "Invalid signature" in text
    assert "ingredient.manifest.mismatch" in text
    assert '<div class="node ai failed">' in tree.group(1)
    intact = render_html([(sample("ai-composite.jpg"), None)], RUN)
    assert "Credentials intact" in intact and "Signer recognised" in intact


def test_signals_are_plain_words_with_the_raw_value_collapsed(
    sample: Callable[[str], Report],
) -> None:
    """A signal reads as a sentence; its raw value is collapsed, and a long one cut short."""
    base = sample("no-credentials.jpg")
    workflow = '{"nodes": [' + ", ".join(f'{{"id": {i}}}' for i in range(600)) + "]}"
    found = Signal(
        DetectorName.GENERATOR_METADATA,
        "png:workflow",
        workflow,
        Basis.HEURISTIC,
        origin=Origin.AI_GENERATED,
        tool="ComfyUI",
        source="PNG tEXt",
        detail="a ComfyUI node graph",
    )
    html = render_html([(dataclasses.replace(base, signals=(found,)), None)], RUN)
    text = " ".join(_visible_text(html).split())
    assert "PNG text chunk written by ComfyUI: AI-generated (unsigned: anyone can write it)" in text
    raw = re.search(r"<details>\s*<summary>Raw value</summary>(.*?)</dl>\s*</details>", html, re.S)
    assert raw is not None and "png:workflow" in raw.group(1)
    assert workflow[:240] + "…" in html_lib.unescape(raw.group(1))
    assert f"Show all {len(workflow):,} characters" in raw.group(1)


def test_signer_block_says_trust_once_and_spells_the_algorithm(
    sample: Callable[[str], Report],
) -> None:
    """The trust reason is printed once; ES256 is spelt as in the standards."""
    html = render_html([(sample("captured.jpg"), None)], RUN)
    signer = re.search(r"<h3>Signer</h3>(.*?)</section>", html, re.S)
    assert signer is not None
    text = _visible_text(signer.group(1))
    assert text.count("anchors") == 1
    assert "ES256" in text and "Es256" not in text
    assert "24 November 2026, 09:33 UTC" in text and "2026-11-24T09:33:17+00:00" in text
    assert "not stated: the signature has no timestamp" in text


def test_single_asset_lede_is_singular(sample: Callable[[str], Report]) -> None:
    """One file: "what it declares", not "what each file declares"."""
    text = " ".join(_visible_text(render_html([(sample("captured.jpg"), None)], RUN)).split())
    assert "attached to a file: what it declares about how it was made" in text
    assert "each file" not in text


def test_unsupported_file_says_it_is_not_a_media_file(sample: Callable[[str], Report]) -> None:
    """A text file named .jpg: plain words, the library's error name only in the details."""
    html = render_html([(sample("not-an-image.jpg"), None)], RUN)
    verdict = re.search(r'<div class="verdict.*?</div>', html, re.S)
    assert verdict is not None and "NotSupported" not in verdict.group(0)
    assert "image/jpeg by its name, but not a media file the verifier can read" in html


def _bare_question_marks(text: str) -> list[str]:
    """A `?` standing for a missing value: alone between spaces, brackets or punctuation."""
    return re.findall(r"(?:^|[\s\[(/:=])\?(?=$|[\s\]),;/.])", text, re.M)


def test_no_bare_question_mark_in_any_sample(
    verifier: Verifier, samples_dir: Path, anchors_pem: str
) -> None:
    """No view of any sample prints `?` for a value it does not have."""
    from rich.console import Console

    from verify.render_rich import rich_report
    from verify.render_text import render_report

    files = sorted(
        p
        for p in samples_dir.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".json", ".md", ".pem")
    )
    reports = [verifier.check_path(p) for p in files]
    assert len(reports) > 20
    for report in reports:
        console = Console(width=100, record=True, file=io.StringIO(), color_system=None)
        console.print(rich_report(report))
        for view in (render_report(report), console.export_text()):
            assert _bare_question_marks(view) == [], (report.path, view)
    html = render_html([(r, None) for r in reports], RUN)
    assert _bare_question_marks(_visible_text(html)) == []


def test_bare_question_mark_finder_finds_placeholders() -> None:
    """The check above can fail: it finds the placeholders it is meant to forbid."""
    assert len(_bare_question_marks("signed by X at ?")) == 1
    assert len(_bare_question_marks("Signer: ? / name, [?]")) == 2
    assert _bare_question_marks("is it? https://x/?a=1 Why?") == []


def test_unknown_integrity_with_credentials_shows_no_tick(sample: Callable[[str], Report]) -> None:
    """A .c2pa read on its own (integrity unknown) is neither "Intact" nor "Not checked"."""
    report = dataclasses.replace(
        sample("sidecar.c2pa"),
        integrity=Integrity.UNKNOWN,
        integrity_detail=IntegrityDetail((), "signature valid; no asset to compare hashes with"),
    )
    html = render_html([(report, None), (sample("captured.jpg"), None)], RUN)
    section = re.search(r'<section class="asset" id="asset-1".*?<p class="back">', html, re.S)
    assert section is not None
    text = " ".join(_visible_text(section.group(0)).split())
    assert "Not changed since it was signed" not in text
    assert "Unknown Signature valid; no asset to compare hashes with." in text
    assert '<span class="integrity integrity-unknown">Unknown</span>' in html
