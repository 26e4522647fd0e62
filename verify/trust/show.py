"""`trust show`: what is configured, gathered once, then rendered as text or JSON.

:func:`collect` reads the store and the user's PEM files; the renderers only format.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .config import Origin, Selection
from .errors import TrustConfigError, TrustListError
from .lists import KNOWN_LISTS, PartKind, known
from .pem import CertificateSummary, parse_certificates, parse_eku_config, summarize
from .store import StoredList, TrustStore


@dataclass(frozen=True)
class ListView:
    """One list as `trust show` presents it."""

    name: str
    #: `c2pa`, `c2pa-tsa`, `interim`; None for a user's PEM file.
    slug: str | None
    kind: str
    #: `check` consults this list with the current configuration.
    in_use: bool
    #: Why it is in use (command line, environment, config file, default).
    selected_by: str | None
    sources: tuple[str, ...]
    fetched_at: str | None
    age_days: float | None
    stale: bool
    anchors: tuple[CertificateSummary, ...]
    allowed_count: int = 0
    ekus: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class ShowData:
    lists: tuple[ListView, ...]
    #: Known lists that are selected or known but were never downloaded.
    missing: tuple[str, ...]
    max_age_days: float
    cache_dir: str
    config_file: str | None


def _summaries(text: str, what: str) -> tuple[CertificateSummary, ...]:
    return tuple(summarize(c) for c in parse_certificates(text, what))


def _stored_view(
    stored: StoredList,
    store: TrustStore,
    selection: Selection,
    *,
    in_use: bool,
    now: datetime,
    max_age: float,
) -> ListView:
    age = stored.age_days(now)
    anchors: tuple[CertificateSummary, ...] = ()
    ekus: tuple[str, ...] = ()
    problem = None
    try:
        anchors = _summaries(store.read_part(stored, PartKind.ANCHORS), stored.title)
        eku_text = store.read_part(stored, PartKind.EKU)
        ekus = parse_eku_config(eku_text) if eku_text else ()
    except (TrustConfigError, TrustListError) as exc:
        problem = str(exc)
    allowed = stored.part(PartKind.ALLOWED)
    return ListView(
        name=stored.title,
        slug=stored.slug,
        kind=stored.kind.value,
        in_use=in_use,
        selected_by=selection.lists_from.value if in_use else None,
        sources=tuple(p.source for p in stored.parts),
        fetched_at=stored.fetched_at,
        age_days=round(age, 5),  # about a second: short --max-age values stay exact
        stale=age > max_age,
        anchors=anchors,
        allowed_count=allowed.count if allowed else 0,
        ekus=ekus,
        problem=problem,
    )


def _file_view(path: str, origin: Origin) -> ListView:
    anchors: tuple[CertificateSummary, ...] = ()
    problem = None
    try:
        anchors = _summaries(Path(path).expanduser().read_text(encoding="ascii"), path)
    except (OSError, UnicodeDecodeError, TrustListError) as exc:
        problem = str(exc)
    return ListView(
        name=path,
        slug=None,
        kind="manifest",
        in_use=problem is None,
        selected_by=origin.value,
        sources=(path,),
        fetched_at=None,
        age_days=None,
        stale=False,
        anchors=anchors,
        problem=problem,
    )


def collect(
    selection: Selection,
    store: TrustStore,
    now: datetime,
    max_age_days: float,
    config_file: Path | None,
) -> ShowData:
    """Everything `trust show` says, read from the store and the selected files."""
    chosen = None if selection.lists is None else set(selection.lists)
    slugs_chosen = (
        None if chosen is None else {k.slug for e in chosen if (k := known(e)) is not None}
    )
    views: list[ListView] = []
    stored_slugs = set()
    for stored in store.stored():
        stored_slugs.add(stored.slug)
        in_use = slugs_chosen is None or stored.slug in slugs_chosen
        views.append(
            _stored_view(stored, store, selection, in_use=in_use, now=now, max_age=max_age_days)
        )
    files = [e for e in selection.lists or () if known(e) is None]
    views.extend(_file_view(path, selection.lists_from) for path in files)
    views.extend(_file_view(path, selection.anchors_from) for path in selection.anchors)
    missing = tuple(k.slug for k in KNOWN_LISTS.values() if k.slug not in stored_slugs)
    return ShowData(
        lists=tuple(views),
        missing=missing,
        max_age_days=max_age_days,
        cache_dir=str(store.directory),
        config_file=str(config_file) if config_file else None,
    )


#: (unit, seconds, used below this many seconds): 90 s reads "2 minutes", 47 h "47 hours".
_UNITS = (("second", 1, 90), ("minute", 60, 90 * 60), ("hour", 3600, 48 * 3600))


def duration(days: float) -> str:
    """An age or a threshold in days, for people: "40 seconds", "5 hours", "100 days"."""
    seconds = max(days, 0.0) * 86400
    unit, size = next(((u, n) for u, n, below in _UNITS if seconds < below), ("day", 86400))
    count = round(seconds / size)
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _age(days: float | None) -> str:
    if days is None:
        return "?"
    if days < 1:
        return "today"
    return f"{days:.0f} day{'s' if round(days) != 1 else ''} ago"


def _date(iso: str) -> str:
    return iso[:10]


def _anchor_line(cert: CertificateSummary, now: datetime) -> str:
    who = cert.common_name or cert.subject
    org = f", {cert.organization}" if cert.organization else ""
    expired = "  EXPIRED" if cert.expired(now) else ""
    return f"    - {who}{org}  ({_date(cert.not_before)} to {_date(cert.not_after)}){expired}"


def render_text(data: ShowData, now: datetime) -> str:
    """The listing for people (warnings are returned separately by :func:`warnings`)."""
    from ..render_text import safe

    lines = [f"Trust lists in {data.cache_dir}"]
    if data.config_file:
        lines.append(f"Config file: {data.config_file}")
    for view in data.lists:
        use = f"used by check ({view.selected_by})" if view.in_use else "not used by check"
        slug = f" [{view.slug}]" if view.slug else ""
        lines.append("")
        lines.append(f"{safe(view.name)}{slug}: {view.kind} list, {use}")
        for source in view.sources:
            lines.append(f"  source:  {safe(source)}")
        if view.fetched_at:
            stale = "  STALE" if view.stale else ""
            lines.append(f"  fetched: {view.fetched_at} ({_age(view.age_days)}){stale}")
        if view.problem:
            lines.append(f"  problem: {safe(view.problem)}")
            continue
        lines.append(f"  {len(view.anchors)} anchor certificate(s):")
        lines.extend(safe(_anchor_line(c, now)) for c in view.anchors)
        if view.allowed_count:
            lines.append(f"  {view.allowed_count} allowed end-entity certificate(s)")
        if view.ekus:
            lines.append(f"  accepted signer EKUs: {', '.join(view.ekus)}")
    if not data.lists:
        lines.append("")
        lines.append("No trust list configured: every signer reads `untrusted`.")
        lines.append("Run `c2pa-verify trust update` to download the C2PA Trust List.")
    return "\n".join(lines) + "\n"


def warnings(data: ShowData) -> Sequence[str]:
    """Stale lists and lists that could not be read."""
    out = []
    for view in data.lists:
        if view.stale and view.age_days is not None:
            out.append(
                f"{view.name} is {duration(view.age_days)} old (older than"
                f" {duration(data.max_age_days)}): run `c2pa-verify trust update`"
            )
        if view.problem:
            out.append(f"{view.name}: {view.problem}")
    return out


def render_json(data: ShowData) -> str:
    """The same as one JSON document."""
    doc: dict[str, Any] = asdict(data)
    return json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
