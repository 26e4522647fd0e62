"""Command line: parse arguments, build a Verifier, print reports, exit with a code.

stdout carries only reports; notes and summaries go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import click

from . import __version__
from .core import CheckOptions, Verifier
from .inputs import Input, expand
from .limits import DEFAULT_LIMITS, Limits
from .outcome import DEFAULT_FAIL_ON, ExitCode, FailOn, Tally
from .render_text import render_report
from .report import Report
from .serialize import report_to_json
from .trust.cli import TrustArgs, resolve_check_trust, trust_group, trust_options

FORMATS = ("text", "json", "jsonl")


class ConfigError(click.UsageError):
    """Bad configuration (trust lists and anchors, limits, output): exit status 2."""

    exit_code = int(ExitCode.USAGE)


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


def _reports(verifier: Verifier, inputs: Iterator[Input]) -> Iterator[Report]:
    for item in inputs:
        if item.is_stdin:
            data = sys.stdin.buffer.read(verifier.limits.max_size + 1)
            yield verifier.check_bytes(data, name="-")
        else:
            yield verifier.check_path(item.path)


def _single_document(paths: tuple[str, ...]) -> bool:
    """`-f json` writes one object for one file argument, an array otherwise."""
    return len(paths) == 1 and (paths[0] == "-" or not Path(paths[0]).is_dir())


def run_check(args: CheckArgs, out: IO[str]) -> ExitCode:
    """Check every input, write reports to `out`, return the exit code."""
    verifier = Verifier(args.options)
    tally = Tally(args.fail_on)
    single = args.fmt == "json" and _single_document(args.paths)
    first = True
    if args.fmt == "json" and not single:
        out.write("[")
    for report in _reports(verifier, expand(args.paths)):
        tally.add(report)
        if args.fmt == "jsonl":
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
    if tally.total == 0:
        click.echo("c2pa-verify: no media files found in the given paths", err=True)
    elif args.fmt == "text" and tally.total > 1:
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
    help="text for people; json (one document); jsonl (one line per asset, streamed).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the reports to this file instead of standard output.",
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
@trust_options
def check(  # noqa: PLR0917 - click passes every option positionally
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    allow_network: bool,
    fail_on: tuple[str, ...],
    max_size: int,
    max_depth: int,
    trust: TrustArgs,
) -> None:
    """Check files, directories (recursively) or `-` (standard input)."""
    trust_lists, certs_dir = resolve_check_trust(trust)
    options = CheckOptions(
        allow_network=allow_network,
        limits=Limits(max_size=max_size, max_depth=max_depth),
        trust_lists=trust_lists,
        certs_dir=certs_dir,
    )
    args = CheckArgs(
        paths=paths,
        fmt=fmt,
        output=output,
        options=options,
        fail_on=frozenset(FailOn(f) for f in fail_on) or DEFAULT_FAIL_ON,
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


main.add_command(trust_group)


if __name__ == "__main__":  # pragma: no cover
    main()
