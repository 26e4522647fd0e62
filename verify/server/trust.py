"""What the service says about its trust anchors (for `/readyz` and `/metrics`).

The anchors are read once by the command and given to every worker, which builds its
c2pa Context with them once. This module only describes them: how many certificates,
from which files, and how old those files are, so an operator can see a stale bundle.

Hook for richer trust configuration (named trust lists fetched into a cache, with their
fetch time): build a :class:`TrustStatus` with one :class:`TrustSource` per list, its
``modified`` set to the fetch time, and hand it to the server config; the readiness
probe and the metrics report whatever sources it holds.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PEM_BEGIN = "-----BEGIN CERTIFICATE-----"


@dataclass(frozen=True)
class TrustSource:
    """One bundle of anchors: where it came from and when it was last changed."""

    name: str
    certificates: int
    sha256: str
    #: When the bundle was written (file mtime, or a trust list's fetch time), epoch seconds.
    modified: float | None


@dataclass(frozen=True)
class TrustStatus:
    """The anchors the workers were given, and when the service loaded them."""

    sources: tuple[TrustSource, ...] = ()
    loaded_at: float = field(default_factory=time.time)

    @property
    def configured(self) -> bool:
        return any(s.certificates for s in self.sources)

    @property
    def certificates(self) -> int:
        return sum(s.certificates for s in self.sources)

    def describe(self, now: float | None = None) -> dict[str, Any]:
        """The JSON form used by `/readyz` (ages in whole seconds)."""
        at = time.time() if now is None else now
        return {
            "anchors_configured": self.configured,
            "certificates": self.certificates,
            "loaded_age_seconds": max(0, round(at - self.loaded_at)),
            "sources": [
                {
                    "name": s.name,
                    "certificates": s.certificates,
                    "sha256": s.sha256,
                    "age_seconds": None if s.modified is None else max(0, round(at - s.modified)),
                }
                for s in self.sources
            ],
        }


def count_certificates(pem: str) -> int:
    """Certificates in a PEM bundle (the BEGIN markers; the library parses them)."""
    return pem.count(PEM_BEGIN)


def describe_anchor_files(paths: Sequence[str]) -> TrustStatus:
    """Describe PEM files already validated by the command (unreadable ones count zero)."""
    sources: list[TrustSource] = []
    for name in paths:
        p = Path(name)
        try:
            data = p.read_bytes()
            modified: float | None = p.stat().st_mtime
        except OSError:
            data, modified = b"", None
        sources.append(
            TrustSource(
                name=name,
                certificates=count_certificates(data.decode("ascii", "replace")),
                sha256=hashlib.sha256(data).hexdigest(),
                modified=modified,
            )
        )
    return TrustStatus(tuple(sources))
