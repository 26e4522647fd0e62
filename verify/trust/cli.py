"""Command line for trust: `check`'s trust options, and the `trust update|show` commands.

Only this module talks to the user about trust; it builds objects from the other
modules and prints. Exit status of `trust update`: 0 every list updated, 1 at least one
list could not be updated (its previous version stays in use), 2 usage or configuration
error. `trust show` exits 0, or 2 on a configuration error.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

import click

from . import config, show
from .download import check_url
from .errors import TrustError
from .lists import (
    C2PA,
    C2PA_TSA,
    INTERIM,
    INTERIM_FILES,
    INTERIM_LIST,
    KnownList,
    PartKind,
    TrustList,
)
from .store import StoredList, TrustStore
from .update import UpdateResult, update_list


class UpdateExit(IntEnum):
    """Exit status of `trust update`."""

    OK = 0
    #: At least one list could not be updated; its previous version stays in use.
    FAILED = 1
    USAGE = 2


def _usage(exc: TrustError) -> click.UsageError:
    from ..cli import ConfigError  # verify.cli imports this module: import late

    return ConfigError(str(exc))


@dataclass(frozen=True)
class TrustArgs:
    """`check`'s trust options as given."""

    anchors: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    no_trust: bool = False
    certs: str | None = None


_CHECK_OPTIONS = (
    click.option(
        "--trust-anchors",
        "trust_anchors",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="PEM",
        help="PEM bundle of trusted root certificates, added to the trust lists (repeatable).",
    ),
    click.option(
        "--trust-list",
        "trust_lists",
        multiple=True,
        metavar="NAME|PATH",
        help="Use only these lists: c2pa, c2pa-tsa, interim (from `trust update`) or a PEM"
        " file (repeatable). Default: every downloaded list.",
    ),
    click.option(
        "--no-trust",
        is_flag=True,
        help="Use no trust list or anchor at all (every signer reads untrusted).",
    ),
    click.option(
        "--certs",
        "certs_dir",
        type=click.Path(file_okay=False, writable=True),
        metavar="DIR",
        help="Write the signer's certificate chain (the active manifest's, as in the report's"
        " `signer`) to DIR/<signer certificate sha256>.pem; ingredient signers are not written.",
    ),
)


def trust_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the trust options to a click command; it receives them as `trust=TrustArgs`."""

    @functools.wraps(command)
    def wrapper(
        *args: Any,
        trust_anchors: tuple[str, ...],
        trust_lists: tuple[str, ...],
        no_trust: bool,
        certs_dir: str | None,
        **kwargs: Any,
    ) -> Any:
        trust = TrustArgs(trust_anchors, trust_lists, no_trust, certs_dir)
        return command(*args, trust=trust, **kwargs)

    decorated: Callable[..., Any] = wrapper
    for option in reversed(_CHECK_OPTIONS):
        decorated = option(decorated)
    return decorated


@dataclass(frozen=True)
class ResolvedTrust:
    """What a check uses: the lists, the certificate directory, and the stored lists among them."""

    lists: tuple[TrustList, ...]
    certs: str | None
    #: The downloaded lists in use, with their fetch times (for a service's readiness).
    stored: tuple[StoredList, ...]


def resolve_trust(args: TrustArgs, env: Mapping[str, str] | None = None) -> ResolvedTrust:
    """The lists a check uses and where they came from; warns about stale lists."""
    env = os.environ if env is None else env
    try:
        file_config = config.load_config(env)
        selection = config.select(
            flag_lists=args.lists,
            flag_anchors=args.anchors,
            no_trust=args.no_trust,
            env=env,
            config=file_config,
        )
        store = TrustStore(config.cache_dir(env))
        lists = config.load_lists(selection, store)
        stored = config.stored_in_use(selection, store)
        now = datetime.now(UTC)
        for entry in stored:
            age = entry.age_days(now)
            if age > file_config.max_age_days:
                click.echo(
                    f"c2pa-verify: warning: the {entry.title} is {show.duration(age)} old"
                    f" (older than {show.duration(file_config.max_age_days)});"
                    " run `c2pa-verify trust update`",
                    err=True,
                )
    except TrustError as exc:
        raise _usage(exc) from exc
    return ResolvedTrust(lists, args.certs, stored)


def resolve_check_trust(
    args: TrustArgs, env: Mapping[str, str] | None = None
) -> tuple[tuple[TrustList, ...], str | None]:
    """The lists `check` uses and the certificate directory; warns about stale lists."""
    resolved = resolve_trust(args, env)
    return resolved.lists, resolved.certs


@click.group("trust")
def trust_group() -> None:
    """Download trust lists and show which ones `check` uses."""


def _sources(
    url: str | None,
    tsa_url: str | None,
    legacy: bool,
    legacy_url: str | None,
    file_config: config.FileConfig,
) -> list[tuple[KnownList, dict[PartKind, str]]]:
    jobs = [
        (C2PA, {PartKind.ANCHORS: url or file_config.url or C2PA.sources[PartKind.ANCHORS]}),
        (
            C2PA_TSA,
            {
                PartKind.ANCHORS: tsa_url
                or file_config.tsa_url
                or C2PA_TSA.sources[PartKind.ANCHORS]
            },
        ),
    ]
    if legacy or legacy_url:
        base = legacy_url or file_config.legacy_url or INTERIM
        base = base if base.endswith("/") else base + "/"
        jobs.append((INTERIM_LIST, {k: base + f for k, f in INTERIM_FILES.items()}))
    for _, sources in jobs:
        for source in sources.values():
            check_url(source)
    return jobs


def _report(result: UpdateResult) -> bool:
    title = result.entry.title
    if result.error is None and result.stored is not None:
        counts = ", ".join(f"{p.count} {p.kind.value}" for p in result.stored.parts)
        state = "unchanged" if result.unchanged else "updated"
        click.echo(f"{title}: {state} ({counts}) from {result.stored.parts[0].source}")
        return True
    kept = (
        f"the previous list (fetched {result.stored.fetched_at}) stays in use"
        if result.stored is not None
        else "no previous list is stored"
    )
    click.echo(f"c2pa-verify: error: {title} not updated: {result.error}; {kept}", err=True)
    return False


@trust_group.command("update")
@click.option("--url", metavar="URL", help="Where to fetch the C2PA Trust List (PEM).")
@click.option("--tsa-url", metavar="URL", help="Where to fetch the C2PA TSA Trust List (PEM).")
@click.option(
    "--legacy",
    is_flag=True,
    help="Also fetch the Interim Trust List (anchors, allowed list, EKUs) of the Verify site.",
)
@click.option(
    "--legacy-url",
    metavar="URL",
    help="Base URL of the Interim Trust List (anchors.pem, allowed.pem, store.cfg); implies"
    " --legacy.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds to wait for each server (default 30, or `timeout` in the config file).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Store a list even if it has more than a quarter fewer certificates than the stored"
    " one (refused without it: a download cut short looks like that).",
)
def update(
    *,
    url: str | None,
    tsa_url: str | None,
    legacy: bool,
    legacy_url: str | None,
    timeout: float | None,
    force: bool,
) -> None:
    """Download the C2PA trust lists, check them, and store them for `check`."""
    env = os.environ
    try:
        file_config = config.load_config(env)
        jobs = _sources(url, tsa_url, legacy, legacy_url, file_config)
        store = TrustStore(config.cache_dir(env))
        now = datetime.now(UTC)
        results = [
            update_list(
                store, entry, sources, now, timeout=timeout or file_config.timeout, force=force
            )
            for entry, sources in jobs
        ]
    except TrustError as exc:
        raise _usage(exc) from exc
    ok = [_report(r) for r in results]
    raise SystemExit(int(UpdateExit.OK if all(ok) else UpdateExit.FAILED))


@trust_group.command("show")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for scripts.",
)
@click.option(
    "--max-age",
    type=click.FloatRange(min=0, min_open=True),
    metavar="DAYS",
    help="Warn about lists older than this (default 30, or `max_age_days` in the config file).",
)
def show_command(fmt: str, max_age: float | None) -> None:
    """List the trust lists, their sources, ages and anchors, and which ones `check` uses."""
    env = os.environ
    try:
        file_config = config.load_config(env)
        selection = config.select(env=env, config=file_config)
        store = TrustStore(config.cache_dir(env))
        now = datetime.now(UTC)
        data = show.collect(
            selection, store, now, max_age or file_config.max_age_days, file_config.path
        )
    except TrustError as exc:
        raise _usage(exc) from exc
    click.echo(show.render_json(data) if fmt == "json" else show.render_text(data, now), nl=False)
    for warning in show.warnings(data):
        click.echo(f"c2pa-verify: warning: {warning}", err=True)
