"""What the service says about its trust lists (for `/readyz` and `/metrics`).

The command resolves the lists once (as `check` does: flags, environment, config file,
downloaded lists) and gives them to every worker, which builds its c2pa Context with them
once. This module only describes them: how many certificates each holds, a digest, and
how old it is (a downloaded list: since `trust update` fetched it; a PEM file: since it
was last written), so an operator can see a stale list.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..trust.lists import TrustList
from ..trust.store import StoredList

PEM_BEGIN = "-----BEGIN CERTIFICATE-----"


@dataclass(frozen=True)
class TrustSource:
    """One trust list: its name, what it holds, and when it was fetched or written."""

    name: str
    #: `manifest` (signer anchors) or `tsa` (time-stamp authorities).
    kind: str
    certificates: int
    sha256: str
    #: When the bundle was written (file mtime, or a trust list's fetch time), epoch seconds.
    modified: float | None


@dataclass(frozen=True)
class TrustStatus:
    """The lists the workers were given, and when the service loaded them."""

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
            "loaded": self.configured,
            "certificates": self.certificates,
            "loaded_age_seconds": max(0, round(at - self.loaded_at)),
            "lists": [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "certificates": s.certificates,
                    "sha256": s.sha256,
                    "age_seconds": None if s.modified is None else max(0, round(at - s.modified)),
                }
                for s in self.sources
            ],
        }


def count_certificates(pem: str) -> int:
    """Certificates in a PEM bundle (its BEGIN markers; the lists were parsed on loading)."""
    return pem.count(PEM_BEGIN)


def _modified(trust_list: TrustList, stored: Sequence[StoredList]) -> float | None:
    """When a list was fetched (downloaded lists) or its PEM file written (user files)."""
    for entry in stored:
        if entry.title == trust_list.name:
            return datetime.fromisoformat(entry.fetched_at).timestamp()
    try:
        return Path(trust_list.name).expanduser().stat().st_mtime
    except OSError:
        return None


def describe_lists(lists: Sequence[TrustList], stored: Sequence[StoredList] = ()) -> TrustStatus:
    """Describe the lists the workers are given; `stored` are the downloaded ones."""
    return TrustStatus(
        tuple(
            TrustSource(
                name=item.name,
                kind=item.kind.value,
                certificates=count_certificates(item.anchors_pem),
                sha256=hashlib.sha256(item.anchors_pem.encode("ascii", "replace")).hexdigest(),
                modified=_modified(item, stored),
            )
            for item in lists
        )
    )
