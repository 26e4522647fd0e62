"""Command line: parse arguments, build a Verifier, print reports, exit with a code.

stdout carries only reports; notes and summaries go to stderr.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from .batch import recorded_paths, run_batch, trim_partial_line
from .core import CheckOptions
from .inputs import DEFAULT_SELECTION, STDIN, Input, Selection, expand, read_list
from .limits import DEFAULT_LIMITS, Limits, with_overrides
from .options import Seconds, limit_option, max_depth_option, watermarks_option
from .outcome import DEFAULT_FAIL_ON, ExitCode, FailOn, Tally
from .pool import R, Render, WorkerPool, default_jobs, unchanged
from .progress import Progress
from .server.command import serve
from .trust.cli import TrustArgs, resolve_check_trust, trust_group, trust_options
from .visuals import DEFAULT_VISUAL_LIMITS, VisualLimits
from .writers import LineRender, OutputFormat, ReportWriter, make_line_writer, make_writer

if TYPE_CHECKING:
    from .html_report import PageOptions


class ConfigError(click.UsageError):
    """Bad configuration (trust lists and anchors, limits, output): exit status 2."""

    exit_code = int(ExitCode.USAGE)


def _version_text() -> str:
    from .reader import version_text

    return version_text()


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
    fmt: OutputFormat
    output: str | None
    options: CheckOptions
    fail_on: frozenset[FailOn]
    jobs: int | None = None
    timeout: float | None = 30.0
    ordered: bool = False
    from_file: str | None = None
    selection: Selection = DEFAULT_SELECTION
    resume: str | None = None
    #: None: a progress display when stderr is a terminal.
    progress: bool | None = None
    #: text: the colour view (`rich`) for a person at a terminal.
    terminal: bool = False
    #: html: limits for the pictures (preview and thumbnails).
    visual_limits: VisualLimits = field(default_factory=lambda: DEFAULT_VISUAL_LIMITS)


def stdout_is_terminal() -> bool:
    """Colour and layout only for a person at a terminal; pipes and files get plain text."""
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def _single_document(args: CheckArgs) -> bool:
    """`-f json` writes one object for one file argument, an array otherwise."""
    paths = args.paths
    return (
        args.from_file is None
        and len(paths) == 1
        and (paths[0] == "-" or not Path(paths[0]).is_dir())
    )


def _open_list(args: CheckArgs, stack: ExitStack) -> IO[bytes] | None:
    if args.from_file is None:
        return None
    if args.from_file == STDIN:
        return sys.stdin.buffer
    try:
        listing: IO[bytes] = stack.enter_context(Path(args.from_file).open("rb"))  # noqa: SIM115
    except OSError as exc:
        raise ConfigError(f"cannot read --from-file {args.from_file!r}: {exc}") from exc
    return listing


def _inputs(args: CheckArgs, listing: IO[bytes] | None) -> Iterator[Input]:
    yield from expand(args.paths, args.selection)
    if listing is not None:
        yield from expand(read_list(listing), args.selection)


def _validate(args: CheckArgs) -> None:
    if not args.paths and args.from_file is None:
        raise click.UsageError("give at least one path, or --from-file LIST")
    if args.from_file == STDIN and STDIN in args.paths:
        raise click.UsageError("standard input cannot be both --from-file - and an asset (-)")


def _start_pool(args: CheckArgs, render: Render[R]) -> WorkerPool[R]:
    """The workers, proven able to check before any output: settings the library rejects
    are a configuration error (exit 2), found by the first worker as it builds its
    Verifier, so this process never loads the library itself."""
    pool = WorkerPool(
        args.options, jobs=args.jobs or default_jobs(), timeout=args.timeout, render=render
    )
    why = pool.warm_up()
    if why is not None:
        pool.terminate()
        raise ConfigError(f"the c2pa library rejects these settings: {why}")
    return pool


def _read_stdin_for_page(args: CheckArgs) -> bytes | None:
    """html previews `-` too: its bytes are read here once, and checked from this copy."""
    if args.fmt is not OutputFormat.HTML or STDIN not in args.paths:
        return None
    return sys.stdin.buffer.read(args.options.limits.max_size + 1)


def _page_options(args: CheckArgs, stdin: bytes | None) -> PageOptions | None:
    """html: the run described at the top of the page (imported only for html: jinja2)."""
    if args.fmt is not OutputFormat.HTML:
        return None
    from .html_report import PageOptions, run_now

    options = args.options
    lists = tuple(t.name for t in options.all_trust_lists())
    return PageOptions(
        run=run_now(lists, allow_network=options.allow_network),
        limits=args.visual_limits,
        allow_network=options.allow_network,
        max_size=options.limits.max_size,
        stdin=stdin,
        threads=args.jobs or default_jobs(),
    )


def _progress_wanted(args: CheckArgs, out: IO[str]) -> bool:
    """A progress display on stderr, unless the reports themselves go to the terminal: its
    redraws would run into their lines, and reports arriving are progress enough."""
    if args.progress is not None:
        return args.progress
    return Progress.wanted() and not (out is sys.stdout and stdout_is_terminal())


def _stream_records(
    args: CheckArgs,
    out: IO[str],
    inputs: Iterator[Input],
    skip: set[str],
    tally: Tally,
    *,
    append: bool,
) -> ReportWriter:
    """jsonl/csv: the workers render each record's line and the facts counted of it; this
    process only writes and counts (it never unpickles or serializes a whole report)."""
    pool = _start_pool(args, LineRender(args.fmt, args.fail_on))
    with pool:  # closed after a whole run, stopped at once if it ends early (Ctrl-C)
        writer = make_line_writer(args.fmt, out, header=not append)
        with Progress(_progress_wanted(args, out)) as bar:
            # Records reach the file whenever the runner waits for a result, not in a
            # write per record (Ctrl-C loses none: closing the file flushes it).
            for record in run_batch(
                pool, inputs, ordered=args.ordered, skip=skip, on_idle=out.flush
            ):
                facts = record.facts
                tally.count(facts)
                writer.write_line(record.line)
                bar.step(checked=facts.error_kind is None)
    return writer


def _write_reports(
    args: CheckArgs, out: IO[str], inputs: Iterator[Input], skip: set[str], tally: Tally
) -> ReportWriter:
    """text, json, html: whole reports, in input order."""
    pool = _start_pool(args, unchanged)
    with pool:  # closed after a whole run, stopped at once if it ends early (Ctrl-C)
        stdin = _read_stdin_for_page(args)
        writer = make_writer(
            args.fmt,
            out,
            single=args.fmt is OutputFormat.JSON and _single_document(args),
            terminal=args.terminal,
            page=_page_options(args, stdin),
        )
        with Progress(_progress_wanted(args, out)) as bar:
            reports = run_batch(
                pool,
                inputs,
                ordered=True,
                skip=skip,
                stdin=None if stdin is None else io.BytesIO(stdin),
            )
            for report in reports:
                tally.add(report)
                writer.write(report)
                bar.advance(report)
    return writer


def run_check(args: CheckArgs, out: IO[str], *, append: bool = False) -> ExitCode:
    """Check every input, write reports to `out`, return the exit code.

    `append`: `out` already holds records of an earlier run (`--resume` into the same file).
    """
    _validate(args)
    skip: set[str] = set()
    if args.resume is not None:
        skip, bad = recorded_paths(Path(args.resume))
        note = f", {bad} unreadable lines ignored" if bad else ""
        click.echo(f"c2pa-verify: resuming, {len(skip)} inputs already recorded{note}", err=True)
    tally = Tally(args.fail_on)
    writer: ReportWriter
    with ExitStack() as stack:
        listing = _open_list(args, stack)
        if args.fmt.streams:
            writer = _stream_records(args, out, _inputs(args, listing), skip, tally, append=append)
        else:
            writer = _write_reports(args, out, _inputs(args, listing), skip, tally)
    writer.finish()
    if tally.total == 0 and not skip:
        click.echo("c2pa-verify: no media files found in the given paths", err=True)
    elif tally.total > 1 or skip:
        click.echo("c2pa-verify: " + tally.summary(), err=True)
    return tally.code


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([f.value for f in OutputFormat]),
    default="text",
    show_default=True,
    help="text for people (in colour on a terminal); json (one document); jsonl or csv (one"
    " record per asset, streamed); html (one self-contained page with pictures, for -o).",
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
    "--soft-binding-resolver",
    "resolver",
    metavar="URL",
    help="Ask this C2PA Soft Binding Resolution API which manifests match each"
    " c2pa.soft-binding assertion (needs --allow-network; nothing is sent otherwise).",
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
@max_depth_option
@limit_option
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs).",
)
@click.option(
    "--timeout",
    type=Seconds(),
    default=30.0,
    show_default=True,
    help="Seconds per asset before its worker is stopped (timeout); 0: no limit.",
)
@click.option(
    "--ordered",
    is_flag=True,
    help="jsonl/csv: write records in input order (default: as they complete).",
)
@click.option(
    "--from-file",
    "from_file",
    metavar="LIST",
    help="Also check the paths listed in LIST, one per line (- for standard input).",
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="In directories, only check files matching GLOB (repeatable).",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="GLOB",
    help="In directories, skip files and directories matching GLOB (repeatable).",
)
@click.option(
    "--ext",
    "extensions",
    multiple=True,
    metavar="EXT[,EXT...]",
    help="In directories, check files with these extensions instead of the known media types.",
)
@click.option(
    "--follow-links",
    is_flag=True,
    help="Follow symbolic links to directories (each directory is entered once).",
)
@click.option(
    "--no-fast-path",
    is_flag=True,
    help="Always run the native reader, even on JPEG/PNG files with no C2PA markers.",
)
@watermarks_option
@click.option(
    "--resume",
    type=click.Path(dir_okay=False),
    metavar="FILE.jsonl",
    help="Skip inputs whose path is already recorded in this JSONL file.",
)
@click.option(
    "--max-pixels",
    type=click.IntRange(min=1),
    default=DEFAULT_VISUAL_LIMITS.max_pixels,
    show_default=True,
    help="html: images with more pixels than this are not decoded for a preview.",
)
@trust_options
def check(  # noqa: PLR0917 - click passes every option positionally
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    allow_network: bool,
    resolver: str | None,
    fail_on: tuple[str, ...],
    max_size: int,
    max_depth: int,
    trust: TrustArgs,
    limit_settings: dict[str, int],
    jobs: int | None,
    timeout: float,
    ordered: bool,
    from_file: str | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    extensions: tuple[str, ...],
    follow_links: bool,
    no_fast_path: bool,
    watermarks: bool,
    resume: str | None,
    max_pixels: int,
) -> None:
    """Check files, directories (recursively) or `-` (standard input)."""
    _check_resolver(resolver, allow_network)
    trust_lists, certs_dir = resolve_check_trust(trust)
    options = CheckOptions(
        allow_network=allow_network,
        soft_binding_resolver=resolver,
        limits=with_overrides(Limits(max_size=max_size, max_depth=max_depth), limit_settings),
        trust_lists=trust_lists,
        certs_dir=certs_dir,
        fast_path=not no_fast_path,
        watermarks=watermarks,
    )
    exts = frozenset(e.strip() for arg in extensions for e in arg.split(",") if e.strip())
    args = CheckArgs(
        paths=paths,
        fmt=OutputFormat(fmt),
        output=output,
        options=options,
        fail_on=frozenset(FailOn(f) for f in fail_on) or DEFAULT_FAIL_ON,
        jobs=jobs,
        timeout=timeout or None,
        ordered=ordered,
        from_file=from_file,
        selection=Selection(
            include=include,
            exclude=exclude,
            extensions=exts or None,
            follow_links=follow_links,
        ),
        resume=resume,
        terminal=args_terminal(fmt, output),
        visual_limits=VisualLimits(max_pixels=max_pixels),
    )
    append = _appends_to_resume(output, resume, args.fmt)
    with ExitStack() as stack:
        if output:
            if append:
                trim_partial_line(Path(output))
            try:
                out: IO[str] = stack.enter_context(
                    Path(output).open("a" if append else "w", encoding="utf-8")
                )
            except OSError as exc:
                raise ConfigError(f"cannot write {output!r}: {exc}") from exc
        else:
            out = sys.stdout
            _tolerant(out)
        code = run_check(args, out, append=append)
    sys.exit(int(code))


def _check_resolver(url: str | None, allow_network: bool) -> None:
    """A resolver is asked only when the network is allowed too: a usage error otherwise."""
    if url is None:
        return
    if not allow_network:
        raise click.UsageError("--soft-binding-resolver needs --allow-network")
    from .detectors.resolver import check_url

    try:
        check_url(url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--soft-binding-resolver") from exc


def _tolerant(stream: IO[str]) -> None:
    """A terminal whose encoding lacks a character gets an escape, not a crash."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def args_terminal(fmt: str, output: str | None) -> bool:
    """The colour view: text written to standard output that is a terminal."""
    return fmt == OutputFormat.TEXT and output is None and stdout_is_terminal()


def _appends_to_resume(output: str | None, resume: str | None, fmt: OutputFormat) -> bool:
    """`--resume out.jsonl -o out.jsonl` adds the new records to the same file."""
    if output is None or resume is None:
        return False
    same = Path(output).resolve() == Path(resume).resolve()
    if same and fmt is not OutputFormat.JSONL:
        raise click.UsageError("-o may name the --resume file only with -f jsonl")
    return same


main.add_command(trust_group)
main.add_command(serve)


if __name__ == "__main__":  # pragma: no cover
    main()
