"""Command line: parse arguments, build a Verifier, print reports, exit with a code.

stdout carries only reports; notes and summaries go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from . import __version__
from .core import CheckOptions, Verifier
from .inputs import Input, expand
from .limits import DEFAULT_LIMITS, Limits
from .outcome import DEFAULT_FAIL_ON, ExitCode, FailOn, Tally
from .render_text import render_report
from .report import Report
from .serialize import report_to_json
from .visuals import DEFAULT_VISUAL_LIMITS, Source, VisualLimits

if TYPE_CHECKING:
    from .html_report import HtmlWriter
    from .render_rich import RichWriter

FORMATS = ("text", "json", "jsonl", "html")


class ConfigError(click.UsageError):
    """Bad configuration (trust anchors, limits): exit status 2."""

    exit_code = int(ExitCode.USAGE)


def load_anchors(paths: tuple[str, ...]) -> str | None:
    """Concatenate PEM bundles; each must hold at least one certificate."""
    if not paths:
        return None
    parts: list[str] = []
    for name in paths:
        try:
            text = Path(name).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read trust anchors {name!r}: {exc}") from exc
        if "-----BEGIN CERTIFICATE-----" not in text:
            raise ConfigError(f"trust anchors {name!r} hold no PEM certificate")
        parts.append(text.strip() + "\n")
    return "".join(parts)


def stdout_is_terminal() -> bool:
    """Colour and layout only for a person at a terminal; pipes and files get plain text."""
    return sys.stdout.isatty()


def _version_text() -> str:
    from .reader import library_versions

    libs = library_versions()
    return (
        f"c2pa-verify {__version__} (c2pa-python {libs['c2pa-python']}, c2pa-rs {libs['c2pa-rs']})"
    )


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(_version_text())
    ctx.exit(0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show our version and the c2pa-python / c2pa-rs versions.",
)
def main() -> None:
    """Offline verifier for C2PA Content Credentials and AI declarations."""


@dataclass(frozen=True)
class CheckArgs:
    paths: tuple[str, ...]
    fmt: str
    output: str | None
    options: CheckOptions
    fail_on: frozenset[FailOn]
    #: text: the colour view (`rich`), for a terminal.
    rich: bool = False
    #: html: pictures' limits, and the trust anchor files named in the report.
    visual_limits: VisualLimits = field(default_factory=lambda: DEFAULT_VISUAL_LIMITS)
    anchor_files: tuple[str, ...] = ()


def _reports(verifier: Verifier, inputs: Iterator[Input]) -> Iterator[tuple[Report, Source]]:
    """Each report with what was checked (a path, or the bytes read from standard input)."""
    for item in inputs:
        if item.is_stdin:
            data = sys.stdin.buffer.read(verifier.limits.max_size + 1)
            yield verifier.check_bytes(data, name="-"), data
        else:
            yield verifier.check_path(item.path), Path(item.path)


def _single_document(paths: tuple[str, ...]) -> bool:
    """`-f json` writes one object for one file argument, an array otherwise."""
    return len(paths) == 1 and (paths[0] == "-" or not Path(paths[0]).is_dir())


def _html_writer(args: CheckArgs, out: IO[str]) -> HtmlWriter:
    # Imported here: jinja2 and the picture code stay out of text/json/jsonl runs.
    from .html_report import HtmlWriter
    from .render_html import RunInfo

    run = RunInfo(
        generated_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        tool=_version_text(),
        trust_anchors=args.anchor_files,
        allow_network=args.options.allow_network,
    )
    return HtmlWriter(
        out,
        run,
        args.visual_limits,
        allow_network=args.options.allow_network,
        max_size=args.options.limits.max_size,
    )


def _rich_writer(out: IO[str]) -> RichWriter:
    from .render_rich import RichWriter

    return RichWriter(out)


def run_check(args: CheckArgs, out: IO[str]) -> ExitCode:
    """Check every input, write reports to `out`, return the exit code."""
    verifier = Verifier(args.options)
    tally = Tally(args.fail_on)
    single = args.fmt == "json" and _single_document(args.paths)
    first = True
    html = _html_writer(args, out) if args.fmt == "html" else None
    terminal = _rich_writer(out) if args.fmt == "text" and args.rich else None
    if args.fmt == "json" and not single:
        out.write("[")
    for report, source in _reports(verifier, expand(args.paths)):
        tally.add(report)
        if html is not None:
            html.write(report, source)
        elif terminal is not None:
            terminal.write(report)
        elif args.fmt == "jsonl":
            out.write(report_to_json(report) + "\n")
            out.flush()
        elif args.fmt == "json":
            text = report_to_json(report, indent=2)
            if not single:
                text = ("\n" if first else ",\n") + text
            out.write(text)
        else:
            out.write(("" if first else "\n") + render_report(report))
        first = False
    if args.fmt == "json":
        out.write("\n" if single else ("\n]\n" if not first else "]\n"))
    if html is not None:
        html.finish()
    if tally.total == 0:
        click.echo("c2pa-verify: no media files found in the given paths", err=True)
    elif args.fmt in ("text", "html") and tally.total > 1:
        click.echo(
            f"c2pa-verify: {tally.total} checked, {tally.matched} matched --fail-on,"
            f" {tally.not_checked} could not be checked",
            err=True,
        )
    return tally.code


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people (in colour on a terminal); json (one document); jsonl (one line"
    " per asset, streamed); html (one self-contained page with pictures).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the reports to this file instead of standard output.",
)
@click.option(
    "--trust-anchors",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="PEM bundle of trusted root certificates (repeatable).",
)
@click.option(
    "--allow-network",
    is_flag=True,
    help="Allow fetching remote manifests and OCSP responses (off by default).",
)
@click.option(
    "--fail-on",
    multiple=True,
    type=click.Choice([f.value for f in FailOn]),
    help="Exit 1 when any asset matches (repeatable; default: tampered).",
)
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_size,
    show_default=True,
    help="Files larger than this many bytes are not read (too_large).",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_depth,
    show_default=True,
    help="Deepest ingredient link followed in the provenance walk.",
)
@click.option(
    "--max-pixels",
    type=click.IntRange(min=1),
    default=DEFAULT_VISUAL_LIMITS.max_pixels,
    show_default=True,
    help="html: images with more pixels than this are not decoded for a preview.",
)
def check(  # noqa: PLR0917 - click passes every option positionally
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    trust_anchors: tuple[str, ...],
    allow_network: bool,
    fail_on: tuple[str, ...],
    max_size: int,
    max_depth: int,
    max_pixels: int,
) -> None:
    """Check files, directories (recursively) or `-` (standard input)."""
    options = CheckOptions(
        trust_anchors_pem=load_anchors(trust_anchors),
        allow_network=allow_network,
        limits=Limits(max_size=max_size, max_depth=max_depth),
    )
    args = CheckArgs(
        paths=paths,
        fmt=fmt,
        output=output,
        options=options,
        fail_on=frozenset(FailOn(f) for f in fail_on) or DEFAULT_FAIL_ON,
        rich=fmt == "text" and not output and stdout_is_terminal(),
        visual_limits=VisualLimits(max_pixels=max_pixels),
        anchor_files=trust_anchors,
    )
    with ExitStack() as stack:
        if output:
            try:
                out: IO[str] = stack.enter_context(Path(output).open("w", encoding="utf-8"))
            except OSError as exc:
                raise ConfigError(f"cannot write {output!r}: {exc}") from exc
        else:
            out = sys.stdout
        code = run_check(args, out)
    sys.exit(int(code))


if __name__ == "__main__":  # pragma: no cover
    main()
