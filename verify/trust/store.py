"""Trust lists on disk: content files plus one metadata file per list, replaced atomically.

Layout of the cache directory::

    c2pa.json                      metadata: title, kind, fetch time, and per part the
                                   source URL, SHA-256, entry count and content file
    c2pa.anchors.<sha256>.pem      content, named by its own hash (never overwritten);
                                   the Interim list adds `.allowed.` and `.eku.` files

Saving writes the new content files first (new names, so the list in use is untouched),
then replaces `<slug>.json` in one `os.replace`: readers see the old list or the new
one, never a mix. Only then are content files no longer referenced removed. Loading
checks each content file against the SHA-256 in the metadata.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import TrustConfigError
from .lists import KNOWN_LISTS, KnownList, PartKind, TrustKind, TrustList

FORMAT_VERSION = 1


@dataclass(frozen=True)
class StoredPart:
    """One file of a stored list."""

    kind: PartKind
    source: str
    sha256: str
    count: int
    file: str


@dataclass(frozen=True)
class StoredList:
    """A list as `trust update` left it."""

    slug: str
    title: str
    kind: TrustKind
    fetched_at: str
    parts: tuple[StoredPart, ...]

    def part(self, kind: PartKind) -> StoredPart | None:
        return next((p for p in self.parts if p.kind is kind), None)

    def age_days(self, now: datetime) -> float:
        return (now - datetime.fromisoformat(self.fetched_at)).total_seconds() / 86400


@dataclass(frozen=True)
class NewPart:
    """Validated content to store."""

    kind: PartKind
    source: str
    content: bytes
    count: int


def _metadata(stored: StoredList) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "slug": stored.slug,
        "title": stored.title,
        "kind": stored.kind.value,
        "fetched_at": stored.fetched_at,
        "parts": [
            {
                "kind": p.kind.value,
                "source": p.source,
                "sha256": p.sha256,
                "count": p.count,
                "file": p.file,
            }
            for p in stored.parts
        ],
    }


def _from_metadata(doc: Any, where: Path) -> StoredList:
    try:
        if doc["format"] != FORMAT_VERSION:
            raise TrustConfigError(f"{where}: unknown format {doc['format']!r}")
        parts = tuple(
            StoredPart(
                kind=PartKind(p["kind"]),
                source=str(p["source"]),
                sha256=str(p["sha256"]),
                count=int(p["count"]),
                file=str(p["file"]),
            )
            for p in doc["parts"]
        )
        stored = StoredList(
            slug=str(doc["slug"]),
            title=str(doc["title"]),
            kind=TrustKind(doc["kind"]),
            fetched_at=str(doc["fetched_at"]),
            parts=parts,
        )
        datetime.fromisoformat(stored.fetched_at)
    except (KeyError, TypeError, ValueError) as exc:
        raise TrustConfigError(
            f"{where} is damaged ({exc!r}); run `c2pa-verify trust update`"
        ) from exc
    for part in parts:
        if Path(part.file).name != part.file:
            raise TrustConfigError(f"{where} names a file outside the cache: {part.file!r}")
    return stored


class TrustStore:
    """The lists `trust update` saved, in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _meta_path(self, slug: str) -> Path:
        return self.directory / f"{slug}.json"

    def load(self, slug: str) -> StoredList | None:
        """The stored list `slug`, or None if it was never downloaded."""
        path = self._meta_path(slug)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TrustConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise TrustConfigError(
                f"{path} is damaged ({exc}); run `c2pa-verify trust update`"
            ) from exc
        return _from_metadata(doc, path)

    def stored(self) -> tuple[StoredList, ...]:
        """Every known list that has been downloaded, in catalogue order."""
        return tuple(s for slug in KNOWN_LISTS if (s := self.load(slug)) is not None)

    def read_part(self, stored: StoredList, kind: PartKind) -> str:
        """A part's content, checked against the SHA-256 in the metadata ('' if absent)."""
        part = stored.part(kind)
        if part is None:
            return ""
        path = self.directory / part.file
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TrustConfigError(
                f"{stored.title}: cannot read {path}: {exc.strerror or exc};"
                " run `c2pa-verify trust update`"
            ) from exc
        if hashlib.sha256(data).hexdigest() != part.sha256:
            raise TrustConfigError(
                f"{stored.title}: {path} does not match its recorded SHA-256;"
                " run `c2pa-verify trust update`"
            )
        return data.decode("ascii", errors="replace")

    def trust_list(self, stored: StoredList) -> TrustList:
        """The stored list in the form a check uses."""
        return TrustList(
            name=stored.title,
            kind=stored.kind,
            anchors_pem=self.read_part(stored, PartKind.ANCHORS),
            allowed_pem=self.read_part(stored, PartKind.ALLOWED),
            eku_config=self.read_part(stored, PartKind.EKU),
        )

    def save(self, entry: KnownList, parts: Sequence[NewPart], now: datetime) -> StoredList:
        """Store validated parts as the new version of `entry`, atomically."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._locked():
            stored_parts = []
            for part in parts:
                digest = hashlib.sha256(part.content).hexdigest()
                suffix = ".cfg" if part.kind is PartKind.EKU else ".pem"
                name = f"{entry.slug}.{part.kind.value}.{digest}{suffix}"
                # Same name means same content; rewriting also repairs a damaged copy.
                atomic_write(self.directory / name, part.content)
                stored_parts.append(StoredPart(part.kind, part.source, digest, part.count, name))
            stored = StoredList(
                slug=entry.slug,
                title=entry.title,
                kind=entry.kind,
                fetched_at=now.astimezone(UTC).isoformat(timespec="seconds"),
                parts=tuple(stored_parts),
            )
            text = json.dumps(_metadata(stored), indent=2) + "\n"
            atomic_write(self._meta_path(entry.slug), text.encode("utf-8"))
            self._remove_unreferenced(entry.slug, {p.file for p in stored_parts})
        return stored

    def _remove_unreferenced(self, slug: str, keep: set[str]) -> None:
        for kind in PartKind:
            for path in self.directory.glob(f"{slug}.{kind.value}.*"):
                if path.name not in keep:
                    with contextlib.suppress(OSError):
                        path.unlink()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One `trust update` at a time per cache directory (POSIX advisory lock)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: updates are rare and atomic anyway
            yield
            return
        with (self.directory / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def atomic_write(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, flush it to disk, then rename it.

    Lists and certificates are public: the file is readable by all (mkstemp makes 0600).
    """
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise
