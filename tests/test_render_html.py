"""The HTML report as a string: escaping, the security policy, structure, optional fields."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html as html_lib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from verify import CheckOptions, Report, Verifier
from verify.declaration import Basis, Origin
from verify.reader import ResourceReader
from verify.render_html import (
    RunInfo,
    TreeEvent,
    human_size,
    ingredient_tree,
    render_html,
    sentence,
)
from verify.report import ProvenanceAction, ProvenanceNode
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
    assert rows == ["asset-1", "asset-2", "asset-3"]
    for anchor in rows:
        assert f'<section class="asset" id="{anchor}"' in html
        assert f'href="#{anchor}"' in html


def test_counts_by_verdict(sample: Callable[[str], Report]) -> None:
    """The summary counts files by verdict."""
    names = ["ai-generated.jpg", "ai-generated.png", "captured.jpg"]
    html = render_html([(sample(n), None) for n in names], RUN)
    assert re.search(
        r'data-filter-verdict="AI-generated">AI-generated <span class="n">2</span>', html
    )
    assert re.search(r'data-filter-verdict="Captured">Captured <span class="n">1</span>', html)


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
