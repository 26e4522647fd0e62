"""`trust update`: download each list, validate every part, then store it atomically.

A list is all or nothing: if any of its parts fails to download or validate, nothing of
it is stored and the previous version stays in use.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from . import pem
from .download import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, fetch
from .errors import TrustConfigError, TrustListError
from .lists import KnownList, PartKind
from .store import NewPart, StoredList, TrustStore

Fetcher = Callable[[str], bytes]


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


def update_list(
    store: TrustStore,
    entry: KnownList,
    sources: Mapping[PartKind, str],
    now: datetime,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> UpdateResult:
    """Fetch and store one list; on any failure keep the previous one and say why."""
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
    unchanged = previous is not None and {(p.kind, p.sha256) for p in previous.parts} == {
        (p.kind, hashlib.sha256(p.content).hexdigest()) for p in parts
    }
    try:
        saved = store.save(entry, parts, now)
    except OSError as exc:
        why = f"cannot write the trust store {store.directory}: {exc.strerror or exc}"
        return UpdateResult(entry, previous, error=why)
    return UpdateResult(entry, saved, unchanged=unchanged)
