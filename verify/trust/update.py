"""`trust update`: download each list, validate every part, then store it atomically.

A list is all or nothing: if any of its parts fails to download or validate, nothing of
it is stored and the previous version stays in use.

One bad download parses as a good list: a body cut at a certificate boundary by a server
that sends no Content-Length and no chunked framing (`download.py` catches the others).
Nothing published beside the PEM says how long it should be, so the guard is the stored
version: a part that loses more than a quarter of its entries is refused unless the user
says `--force` (see :func:`shrinkage`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from . import pem
from .download import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, fetch
from .errors import TrustConfigError, TrustListError
from .lists import KnownList, PartKind
from .store import NewPart, StoredList, TrustStore

Fetcher = Callable[[str], bytes]

#: A new version of a part must keep at least KEPT_NUMERATOR / KEPT_DENOMINATOR of the
#: stored entries (30 anchors: 23 or more) unless forced. Lists grow, or lose an entry or
#: two per release; losing more than a quarter at once is what a cut download looks like.
KEPT_NUMERATOR, KEPT_DENOMINATOR = 3, 4


@dataclass(frozen=True)
class UpdateResult:
    """What happened to one list."""

    entry: KnownList
    #: The list now stored (the new one on success, the previous one or None on failure).
    stored: StoredList | None
    error: str | None = None
    #: The content was identical to what was stored.
    unchanged: bool = False


def _download(
    entry: KnownList, sources: Mapping[PartKind, str], get: Fetcher
) -> tuple[NewPart, ...]:
    parts = []
    for kind, url in sources.items():
        content = get(url)
        count = pem.count_items(kind, content, f"{entry.title} ({kind.value}) from {url}")
        parts.append(NewPart(kind, url, content, count))
    return tuple(parts)


def shrinkage(previous: StoredList, parts: Sequence[NewPart]) -> str | None:
    """Why the new parts cannot replace `previous` without --force, or None if they can."""
    for part in parts:
        old = previous.part(part.kind)
        if old is None or part.count * KEPT_DENOMINATOR >= old.count * KEPT_NUMERATOR:
            continue
        return (
            f"the download holds {part.count} {part.kind.value} where the stored list holds"
            f" {old.count} (more than a quarter fewer: a download cut short looks like this;"
            " if the list really shrank, run `c2pa-verify trust update --force`)"
        )
    return None


def update_list(
    store: TrustStore,
    entry: KnownList,
    sources: Mapping[PartKind, str],
    now: datetime,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    force: bool = False,
) -> UpdateResult:
    """Fetch and store one list; on any failure keep the previous one and say why.

    `force` accepts a list markedly shorter than the stored one (:func:`shrinkage`).
    """
    try:
        previous = store.load(entry.slug)
    except TrustConfigError:
        # Damaged metadata: every other command says to run `trust update`, which must
        # therefore replace it rather than refuse.
        previous = None
    try:
        parts = _download(
            entry, sources, lambda url: fetch(url, timeout=timeout, max_bytes=max_bytes)
        )
    except TrustListError as exc:
        return UpdateResult(entry, previous, error=str(exc))
    if previous is not None and not force and (why := shrinkage(previous, parts)):
        return UpdateResult(entry, previous, error=why)
    unchanged = previous is not None and {(p.kind, p.sha256) for p in previous.parts} == {
        (p.kind, hashlib.sha256(p.content).hexdigest()) for p in parts
    }
    try:
        saved = store.save(entry, parts, now)
    except OSError as exc:
        why = f"cannot write the trust store {store.directory}: {exc.strerror or exc}"
        return UpdateResult(entry, previous, error=why)
    return UpdateResult(entry, saved, unchanged=unchanged)
