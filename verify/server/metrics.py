"""Prometheus metrics for the service, in a registry of its own.

Label values come from closed sets only (routes we serve, HTTP status codes, the
report's enums), so a client cannot grow the number of series.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    disable_created_metrics,
    generate_latest,
)

from ..report import Report
from .trust import TrustStatus

#: Routes that get their own label; anything else is counted as "other".
ROUTES = frozenset({"/v1/verify", "/healthz", "/readyz", "/metrics", "/openapi.json"})
OTHER_ROUTE = "other"
#: Request latency buckets (seconds): cache-hot small images to the default timeout.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
#: Upload sizes (bytes): 1 KiB to 1 GiB in powers of 4.
SIZE_BUCKETS = tuple(float(1024 * 4**i) for i in range(11))

EXPOSITION_TYPE = CONTENT_TYPE_LATEST

# The `_created` series double the output and say only when the process started.
disable_created_metrics()  # type: ignore[no-untyped-call]


def route_label(path: str) -> str:
    """The `route` label for a request path (bounded cardinality)."""
    return path if path in ROUTES else OTHER_ROUTE


class Metrics:
    """The counters and histograms `/metrics` exposes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "c2pa_verify_http_requests",
            "HTTP requests answered, by route, method and status code.",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "c2pa_verify_http_request_duration_seconds",
            "Time from the request's arrival to the end of the response, by route.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge(
            "c2pa_verify_http_requests_in_flight",
            "Requests being received, checked or answered.",
            registry=r,
        )
        self.upload_bytes = Histogram(
            "c2pa_verify_upload_bytes",
            "Size of the assets received (bodies read within --max-body).",
            buckets=SIZE_BUCKETS,
            registry=r,
        )
        self.verdicts = Counter(
            "c2pa_verify_verdicts",
            "Assets checked, by declared origin and integrity (reports without an error).",
            ["origin", "integrity"],
            registry=r,
        )
        self.errors = Counter(
            "c2pa_verify_errors",
            "Assets that could not be checked, by the report's error kind.",
            ["kind"],
            registry=r,
        )
        self.workers = Gauge(
            "c2pa_verify_pool_workers",
            "Live worker processes (started on demand, up to --workers).",
            registry=r,
        )
        self.trust_certificates = Gauge(
            "c2pa_verify_trust_certificates",
            "Certificates in the trust lists the workers were given, by list.",
            ["list", "kind"],
            registry=r,
        )
        self.trust_modified = Gauge(
            "c2pa_verify_trust_list_timestamp_seconds",
            "When each trust list was fetched (`trust update`) or its PEM file written.",
            ["list", "kind"],
            registry=r,
        )
        self.trust_loaded = Gauge(
            "c2pa_verify_trust_loaded_timestamp_seconds",
            "When the service loaded its trust lists (Unix time).",
            registry=r,
        )
        self.build = Info(
            "c2pa_verify_build", "Versions of c2pa-verify and c2pa-python.", registry=r
        )

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route=route, method=method, status=str(status)).inc()
        self.latency.labels(route=route).observe(seconds)

    def observe_report(self, report: Report) -> None:
        """Count one answered asset: a verdict, or an error by kind."""
        if report.error is not None:
            self.errors.labels(kind=report.error.kind.value).inc()
            return
        self.verdicts.labels(
            origin=report.declaration.origin.value, integrity=report.integrity.value
        ).inc()

    def set_trust(self, trust: TrustStatus) -> None:
        """The trust lists in use (labels come from the configuration, never a client)."""
        self.trust_loaded.set(trust.loaded_at)
        for source in trust.sources:
            self.trust_certificates.labels(list=source.name, kind=source.kind).set(
                source.certificates
            )
            if source.modified is not None:
                self.trust_modified.labels(list=source.name, kind=source.kind).set(source.modified)

    def observe_upload(self, size: int) -> None:
        self.upload_bytes.observe(size)

    def watch_workers(self, count: Callable[[], int]) -> None:
        self.workers.set_function(lambda: float(count()))

    def render(self) -> bytes:
        """The exposition text for `/metrics`."""
        return generate_latest(self.registry)
