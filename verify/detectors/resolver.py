"""Soft-binding resolution: ask a C2PA Soft Binding Resolution API which manifests match.

The one part of the signal code that uses the network, and only when the user asked for
it twice: a resolver URL (`--soft-binding-resolver`) and `--allow-network`. Without both
nothing is sent; the soft-binding signals then say which one is missing.

For each `c2pa.soft-binding` block of the active manifest it sends the query of the
API's `queryByLargeBinding` operation (C2PA Soft Binding Resolution API, OpenAPI
`/matches/byBinding`, POST): `{"alg": ..., "value": ...}` as JSON, `maxResults` in the
query string. The answer, `{"matches": [{"manifestId", "endpoint"?, "similarityScore"?}]}`,
becomes one signal per matched manifest id: what the resolver says, unverified (the
manifests are not fetched), never a declaration: match signals have no origin, so they
never vote in the combined declaration.

Each request has a short timeout and its response a size cap; a failure (refused,
timed out, not JSON, too large) is said in the detail of the soft-binding signal and
costs nothing else. Standard library only (urllib).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..declaration import Basis
from ..limits import Limits
from ..signal import DetectorName, Signal, cut
from .soft_binding import NOT_RESOLVED

#: Seconds for one request (connect and each read).
TIMEOUT = 5.0
#: Largest response read; a match list of this size holds thousands of ids.
MAX_RESPONSE_BYTES = 1024 * 1024
#: Matches asked for (`maxResults`) and kept per soft binding.
MAX_RESULTS = 10
#: Soft-binding blocks resolved per asset; the rest are reported unresolved.
MAX_QUERIES = 8

NETWORK_OFF = (
    "a watermark or fingerprint named by the credentials; not resolved: a soft-binding"
    " resolver is configured but the network is not allowed (--allow-network)"
)


@dataclass(frozen=True)
class Resolver:
    """A Soft Binding Resolution API endpoint (its base URL, before `/matches/...`)."""

    url: str
    timeout: float = TIMEOUT
    max_response_bytes: int = MAX_RESPONSE_BYTES
    max_results: int = MAX_RESULTS

    def query_url(self) -> str:
        base = self.url.rstrip("/")
        return f"{base}/matches/byBinding?" + urllib.parse.urlencode(
            {"maxResults": self.max_results}
        )


def check_url(url: str) -> str:
    """The URL if it is http(s) with a host; ValueError otherwise (a usage error)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return url


@dataclass(frozen=True)
class Match:
    """One manifest the resolver matched."""

    manifest_id: str
    endpoint: str | None = None
    similarity: int | None = None


@dataclass(frozen=True)
class Resolution:
    """The resolver's matches, or why there are none."""

    matches: tuple[Match, ...] = ()
    problem: str | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere; the configured resolver is the only host asked."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _matches(doc: Any, resolver: Resolver, limits: Limits) -> Resolution:
    if not isinstance(doc, dict) or not isinstance(doc.get("matches", []), list):
        return Resolution(problem="the answer is not a match list")
    found: list[Match] = []
    for item in doc.get("matches", [])[: resolver.max_results]:
        if not isinstance(item, dict) or not isinstance(item.get("manifestId"), str):
            continue
        endpoint = item.get("endpoint")
        score = item.get("similarityScore")
        found.append(
            Match(
                cut(item["manifestId"], limits.max_string),
                cut(endpoint, limits.max_string) if isinstance(endpoint, str) else None,
                score if isinstance(score, int) and not isinstance(score, bool) else None,
            )
        )
    return Resolution(tuple(found))


def query(resolver: Resolver, alg: str, value: str, limits: Limits) -> Resolution:
    """Ask the resolver for the manifests matching one soft binding."""
    body = json.dumps({"alg": alg, "value": value}).encode()
    request = urllib.request.Request(
        resolver.query_url(),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with _OPENER.open(request, timeout=resolver.timeout) as response:
            raw = response.read(resolver.max_response_bytes + 1)
    except urllib.error.HTTPError as exc:
        return Resolution(problem=f"the resolver answered HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Resolution(problem=f"the resolver could not be reached ({cut(str(reason), 120)})")
    if len(raw) > resolver.max_response_bytes:
        return Resolution(problem=f"the answer is over {resolver.max_response_bytes} bytes")
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return Resolution(problem="the answer is not JSON")
    return _matches(doc, resolver, limits)


def _match_signal(binding: Signal, match: Match, resolver: Resolver) -> Signal:
    score = f", similarity {match.similarity}" if match.similarity is not None else ""
    where = f"; available from {match.endpoint}" if match.endpoint else ""
    return Signal(
        detector=DetectorName.SOFT_BINDING,
        field=binding.field,
        value=match.manifest_id,
        basis=Basis.HEURISTIC,
        source=f"soft-binding resolver {resolver.url}",
        detail=(
            f"a manifest the resolver matched to this soft binding{score}{where}"
            " (what the resolver says: the manifest was not fetched or verified)"
        ),
    )


_HEAD = "a watermark or fingerprint named by the credentials"


def _resolved(binding: Signal, resolver: Resolver, limits: Limits) -> list[Signal]:
    head = _HEAD
    if not binding.value or binding.value.endswith("…"):
        why = "no value" if not binding.value else "its value was cut (max_string)"
        return [replace(binding, detail=f"{head}; not resolved: {why}")]
    found = query(resolver, binding.field, binding.value, limits)
    if found.problem is not None:
        return [replace(binding, detail=f"{head}; resolving failed: {found.problem}")]
    count = len(found.matches)
    said = f"{count} matching manifest{'s' if count != 1 else ''}" if count else "no match"
    return [
        replace(binding, detail=f"{head}; resolved with {resolver.url}: {said}"),
        *(_match_signal(binding, m, resolver) for m in found.matches),
    ]


def resolve_signals(
    signals: Sequence[Signal],
    resolver: Resolver | None,
    allow_network: bool,
    limits: Limits,
) -> tuple[Signal, ...]:
    """The soft-binding signals resolved (with their matches after each), others as they are.

    Nothing is sent unless `resolver` is set and `allow_network` is true.
    """
    out: list[Signal] = []
    queries = 0
    for sig in signals:
        if sig.detector is not DetectorName.SOFT_BINDING:
            out.append(sig)
        elif resolver is None:
            out.append(replace(sig, detail=NOT_RESOLVED))
        elif not allow_network:
            out.append(replace(sig, detail=NETWORK_OFF))
        elif queries >= MAX_QUERIES:
            why = f"not resolved: over {MAX_QUERIES} soft bindings in one asset"
            out.append(replace(sig, detail=f"{_HEAD}; {why}"))
        else:
            queries += 1
            out.extend(_resolved(sig, resolver, limits))
    return tuple(out)
