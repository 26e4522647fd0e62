"""The HTML report in a real browser: headless Chromium (Debian's), driven by Playwright.

The page is loaded from a file:// URL with every request recorded: the page itself must be
the only one. Screenshots go to `artifacts/` (kept by CI as test artifacts).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hostile_asset import EVIL, EVIL_ATTRIBUTE, sign_hostile_jpeg
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    expect,
    sync_playwright,
)

from verify import CheckOptions, Verifier
from verify.cli import main
from verify.render_html import RunInfo, render_html
from verify.report import ProvenanceAction

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def report_html(samples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of samples/, rendered by the command line as a user would."""
    out = tmp_path_factory.mktemp("html") / "report.html"
    anchors = str(samples_dir / "trust" / "anchors.pem")
    result = CliRunner().invoke(
        main, ["check", str(samples_dir), "-f", "html", "-o", str(out), "--trust-anchors", anchors]
    )
    assert out.is_file(), result.output
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Debian's Chromium with a fresh profile.

    CI installs it and sets C2PA_VERIFY_REQUIRE_BROWSER=1, so there a missing browser
    fails; on a developer machine without it these tests are skipped with the command
    that installs it.
    """
    if not CHROMIUM.is_file():
        hint = "install Debian's chromium: apt-get install -y chromium"
        if os.environ.get("C2PA_VERIFY_REQUIRE_BROWSER") == "1":
            pytest.fail(hint)
        pytest.skip(hint)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
            timeout=60_000,
        )
        context.set_default_timeout(TIMEOUT_MS)
        try:
            yield context
        finally:
            context.close()


@dataclass
class Visit:
    """A page and everything it did: console messages, errors, requests, dialogs."""

    page: Page
    console: list[ConsoleMessage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def _log(visit: Visit, message: ConsoleMessage) -> None:
    # A function, not the bound `append`: Playwright wraps handlers it can introspect.
    visit.console.append(message)


def _dismiss(visit: Visit, dialog: Dialog) -> None:
    visit.dialogs.append(dialog.message)
    dialog.dismiss()


@pytest.fixture
def visit(browser: BrowserContext) -> Iterator[Any]:
    pages: list[Page] = []

    def open_page(path: Path) -> Visit:
        page = browser.new_page()
        pages.append(page)
        seen = Visit(page)
        page.on("console", lambda message: _log(seen, message))
        page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
        page.on("dialog", lambda dialog: _dismiss(seen, dialog))
        page.on("request", lambda request: _record(seen, request))
        page.goto(path.as_uri(), wait_until="load")
        return seen

    yield open_page
    for page in pages:
        page.close()


def _record(visit: Visit, request: Request) -> None:
    visit.requests.append(request.url)


def _files(page: Page) -> list[str]:
    """File names of the visible summary rows, in order."""
    return [
        Path(text).name
        for text in page.locator("#summary tbody tr:visible td.file").all_inner_texts()
    ]


def test_loads_offline_without_errors(visit: Any, report_html: Path) -> None:
    """The report loads with no console errors, no script errors and no request but itself."""
    seen = visit(report_html)
    seen.page.wait_for_timeout(300)  # late requests (fonts, favicons) would show up here
    assert [m.text for m in seen.console if m.type == "error"] == []
    assert seen.errors == []
    assert seen.requests == [report_html.as_uri()]
    ARTIFACTS.mkdir(exist_ok=True)
    seen.page.screenshot(path=str(ARTIFACTS / "html-report-summary.png"))


def test_summary_lists_every_sample(
    visit: Any, report_html: Path, expected: dict[str, Any]
) -> None:
    """The summary table has one row per sample, each linking to its section."""
    page = visit(report_html).page
    assert sorted(_files(page)) == sorted(Path(name).name for name in expected)
    expect(page.locator("#shown-count")).to_have_text(f"{len(expected)} of {len(expected)} shown")
    for anchor in page.locator("#summary tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.target)"
    ):
        expect(page.locator(f"section#{anchor}")).to_have_count(1)


def test_click_on_a_row_shows_its_details(visit: Any, report_html: Path) -> None:
    """Clicking anywhere on a row scrolls to that asset's details."""
    page = visit(report_html).page
    row = page.locator("#summary tbody tr").filter(has_text="tampered-pixels.jpg")
    anchor = row.get_attribute("data-target")
    section = page.locator(f"section#{anchor}")
    expect(section).not_to_be_in_viewport()
    row.locator("td").nth(2).click()  # the verdict cell, not the link
    page.wait_for_function(f"location.hash === '#{anchor}'")
    expect(section.locator("h2")).to_be_in_viewport()
    expect(section.locator("h2")).to_contain_text("tampered-pixels.jpg")
    expect(section.locator(".verdict")).to_contain_text("Changed after it was signed")
    page.wait_for_timeout(600)  # let smooth scrolling settle for the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "html-report-detail.png"))


def test_most_serious_rows_come_first(visit: Any, report_html: Path) -> None:
    """Before any click the table lists tampered files first, then damaged credentials."""
    page = visit(report_html).page
    integrity = page.locator("#summary tbody tr td:nth-child(7)").all_inner_texts()
    assert integrity[0] == "Tampered"
    assert integrity.index("Malformed") < integrity.index("History tampered")
    assert integrity.index("History tampered") < integrity.index("Intact")
    assert _files(page)[0] == "tampered-pixels.jpg"


def test_sort_by_number_and_by_verdict(visit: Any, report_html: Path) -> None:
    """Column titles sort the table; a second click reverses the order; AI sorts first."""
    page = visit(report_html).page
    numbers = page.locator("#summary tbody tr td:first-child")
    count = numbers.count()
    page.get_by_role("button", name="Number", exact=True).click()
    assert numbers.all_inner_texts() == [str(n) for n in range(1, count + 1)]
    page.get_by_role("button", name="Number", exact=True).click()
    assert numbers.all_inner_texts() == [str(n) for n in range(count, 0, -1)]
    page.get_by_role("button", name="Verdict", exact=True).click()
    verdicts = page.locator("#summary tbody tr td:nth-child(3)").all_inner_texts()
    runs = [v for i, v in enumerate(verdicts) if i == 0 or verdicts[i - 1] != v]
    assert len(runs) == len(set(verdicts))  # each verdict in one block
    assert runs[0] == "AI-generated"
    page.get_by_role("button", name="Verdict", exact=True).click()
    reversed_runs = page.locator("#summary tbody tr td:nth-child(3)").all_inner_texts()
    assert [v for i, v in enumerate(reversed_runs) if i == 0 or reversed_runs[i - 1] != v] == (
        runs[::-1]
    )


def test_active_verdict_chip_is_shown_pressed(visit: Any, report_html: Path) -> None:
    """A chip that filters the table is pressed (aria-pressed), and released by a second click."""
    page = visit(report_html).page
    chip = page.locator('[data-filter-verdict="Captured"]')
    other = page.locator('[data-filter-verdict="AI-generated"]')
    expect(chip).to_have_attribute("aria-pressed", "false")
    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(other).to_have_attribute("aria-pressed", "false")
    outline = chip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"
    page.select_option("#filter-verdict", "AI-generated")
    expect(chip).to_have_attribute("aria-pressed", "false")
    expect(other).to_have_attribute("aria-pressed", "true")
    other.click()
    expect(other).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#filter-verdict")).to_have_value("")


def test_filter_by_text_and_by_verdict(
    visit: Any, report_html: Path, expected: dict[str, Any]
) -> None:
    """The search box and the verdict menu and counts filter the rows."""
    page = visit(report_html).page
    page.fill("#filter-text", "tampered")
    assert sorted(_files(page)) == ["tampered-ingredient.jpg", "tampered-pixels.jpg"]
    expect(page.locator("#shown-count")).to_have_text(f"2 of {len(expected)} shown")
    page.fill("#filter-text", "")
    page.select_option("#filter-verdict", "Captured")
    captured = [Path(n).name for n, e in expected.items() if e["origin"] == "captured"]
    assert sorted(_files(page)) == sorted(captured)
    page.select_option("#filter-verdict", "")
    page.locator('[data-filter-verdict="No credentials"]').click()
    bare = [
        Path(n).name
        for n, e in expected.items()
        if e["credentials"] == "none" and e["origin"] == "not_declared"
    ]
    assert sorted(_files(page)) == sorted(bare)


def _assert_inert(seen: Visit, page_file: Path) -> None:
    """Nothing hostile ran: no dialog, only our script, no injected image, no request."""
    page = seen.page
    page.wait_for_timeout(300)
    assert seen.dialogs == []
    assert page.locator("script").count() == 1
    assert page.locator("img[src='x']").count() == 0
    assert [m.text for m in seen.console if m.type == "error"] == []
    assert seen.requests == [page_file.as_uri()]


def test_hostile_manifest_strings_stay_text(
    visit: Any, samples_dir: Path, anchors_pem: str, tmp_path: Path
) -> None:
    """A manifest title `<script>alert(1)</script>` is shown as text and never runs."""
    verifier = Verifier(CheckOptions(trust_anchors_pem=anchors_pem))
    report = verifier.check_path(samples_dir / "ai-composite.jpg")
    assert report.provenance is not None
    evil = dataclasses.replace(
        report,
        path=f"{EVIL}.jpg",
        provenance=dataclasses.replace(
            report.provenance,
            title=EVIL,
            actions=(ProvenanceAction(action=EVIL, software_agent=EVIL_ATTRIBUTE),),
        ),
        declaration=dataclasses.replace(report.declaration, ai_tools=(EVIL,)),
    )
    other = verifier.check_path(samples_dir / "captured.jpg")
    page_file = tmp_path / "hostile.html"
    run = RunInfo(generated_at="now", tool="test")
    page_file.write_text(render_html([(evil, None), (other, None)], run), encoding="utf-8")
    seen = visit(page_file)
    page = seen.page
    expect(page.locator("#asset-1 h2")).to_contain_text(f"{EVIL}.jpg")
    expect(page.locator("#asset-1 .verdict-title")).to_contain_text(EVIL)
    expect(page.locator("#summary tbody tr").first).to_contain_text(EVIL)
    _assert_inert(seen, page_file)


def test_hostile_signed_manifest_renders_as_text(
    visit: Any, samples_dir: Path, tmp_path: Path
) -> None:
    """A signed manifest titled `<script>alert(1)</script>` is shown as text, end to end."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    sign_hostile_jpeg(samples_dir, folder / "hostile.jpg")
    (folder / "captured.jpg").write_bytes((samples_dir / "captured.jpg").read_bytes())
    page_file = tmp_path / "hostile-report.html"
    anchors = str(samples_dir / "trust" / "anchors.pem")
    result = CliRunner().invoke(
        main, ["check", str(folder), "-f", "html", "-o", str(page_file), "--trust-anchors", anchors]
    )
    assert result.exit_code == 0, result.output
    seen = visit(page_file)
    page = seen.page
    section = page.locator("section.asset").filter(has_text="hostile.jpg")
    expect(section.locator(".manifest-title")).to_have_text(f"Title in the credentials: {EVIL}")
    expect(section.locator(".verdict-title")).to_have_text(
        f"Declares it was generated by an AI tool: {EVIL}"
    )
    expect(section).to_contain_text(EVIL_ATTRIBUTE)
    _assert_inert(seen, page_file)
