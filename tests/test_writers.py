"""Output writers: the lines a worker renders are the lines the writers write."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from verify import CheckOptions, Verifier
from verify.outcome import DEFAULT_FAIL_ON, FailOn, Tally
from verify.report import Report
from verify.writers import LineRender, OutputFormat, make_line_writer


@pytest.fixture(scope="module")
def reports(samples_dir: Path, anchors_pem: str) -> list[Report]:
    verifier = Verifier(CheckOptions(trust_anchors_pem=anchors_pem))
    paths = sorted(p for p in samples_dir.iterdir() if p.is_file())
    return [verifier.check_path(p) for p in paths] + [verifier.check_path(samples_dir / "nope")]


@pytest.mark.parametrize("fmt", [OutputFormat.JSONL, OutputFormat.CSV])
@pytest.mark.parametrize("fail_on", [DEFAULT_FAIL_ON, frozenset(FailOn)])
def test_rendered_records_write_and_count_as_reports(
    reports: list[Report], fmt: OutputFormat, fail_on: frozenset[FailOn]
) -> None:
    """A LineRender record is the writer's own line, and counts as the report does."""
    render = LineRender(fmt, fail_on)
    direct, rendered = io.StringIO(), io.StringIO()
    by_report, by_facts = Tally(fail_on), Tally(fail_on)
    writer, lines = make_line_writer(fmt, direct), make_line_writer(fmt, rendered)
    for report in reports:
        writer.write(report)
        by_report.add(report)
        record = render(report)
        lines.write_line(record.line)
        by_facts.count(record.facts)
    assert rendered.getvalue() == direct.getvalue()
    assert by_facts.summary() == by_report.summary()
    assert (by_facts.code, by_facts.matched) == (by_report.code, by_report.matched)
    assert by_report.matched > 0 and by_report.not_checked > 0  # both kinds were counted


@pytest.mark.parametrize("fmt", [OutputFormat.TEXT, OutputFormat.JSON, OutputFormat.HTML])
def test_only_streaming_formats_render_lines(fmt: OutputFormat) -> None:
    """text, json and html are not a line per record: no LineRender for them."""
    with pytest.raises(ValueError, match="line per record"):
        LineRender(fmt, DEFAULT_FAIL_ON)
