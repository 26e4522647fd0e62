"""The service behind the routes: the worker pool, admission, one report per upload."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from concurrent.futures import Future
from typing import Any

from .. import __version__, media
from ..core import error_report
from ..pool import PoolClosed, WorkerPool
from ..reader import ErrorKind, library_versions, supported_mime_types
from ..report import Report
from .config import ServerConfig, ServerConfigError
from .metrics import Metrics
from .upload import OCTET_STREAM, Upload, choose_media_type


class ServiceUnavailable(Exception):
    """The service is shutting down or its workers cannot start."""


def supported_media_types() -> frozenset[str]:
    """Media types the native reader accepts (the library also lists bare extensions)."""
    return frozenset(t for t in supported_mime_types() if "/" in t)


def _bridge(future: Future[Report]) -> asyncio.Future[Report]:
    """An asyncio future that follows a pool future, without ever cancelling it.

    (`asyncio.wrap_future` would cancel the pool's future if the request were
    cancelled, and a cancelled pool future never gives back its submission slot.)
    """
    loop = asyncio.get_running_loop()
    result: asyncio.Future[Report] = loop.create_future()

    def copy(done: Future[Report]) -> None:
        if not result.done():
            result.set_result(done.result())

    def on_done(done: Future[Report]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed during shutdown
            loop.call_soon_threadsafe(copy, done)

    future.add_done_callback(on_done)
    return result


class Service:
    """Checks uploads in the worker pool; knows whether it is ready."""

    def __init__(self, config: ServerConfig, metrics: Metrics, pool: WorkerPool[Report]) -> None:
        self.config = config
        self.metrics = metrics
        self.pool = pool
        self.supported = supported_media_types()
        self.started_at = time.time()
        self.closing = False
        # Submissions are admitted here, so the pool's own bound never blocks the loop.
        self._admission = asyncio.Semaphore(pool.max_pending)
        metrics.watch_workers(lambda: len(pool.worker_pids))
        metrics.set_trust(config.trust)
        libs = library_versions()
        metrics.build.info(
            {"version": __version__, "c2pa_python": libs["c2pa-python"], "c2pa_rs": libs["c2pa-rs"]}
        )

    @classmethod
    def start(cls, config: ServerConfig, metrics: Metrics | None = None) -> Service:
        """Start the pool and check one asset through it; ServerConfigError if it cannot."""
        pool: WorkerPool[Report] = WorkerPool(
            config.options,
            jobs=config.workers,
            timeout=config.timeout,
            before_check=config.before_check,
        )
        why = pool.warm_up()
        if why is not None:
            pool.terminate()
            raise ServerConfigError(f"the worker pool cannot check assets: {why}")
        return cls(config, metrics or Metrics(), pool)

    async def check(self, upload: Upload) -> Report:
        """One report for one upload: unsupported media, or the pool's answer."""
        self.metrics.observe_upload(len(upload.data))
        mime = choose_media_type(
            upload.data[: media.SNIFF_BYTES], upload.declared_type, upload.name
        )
        if mime not in self.supported:
            return self.unsupported(upload, mime)
        if self.closing:
            raise ServiceUnavailable("the service is shutting down")
        async with self._admission:
            try:
                future = self.pool.submit_bytes(
                    upload.data, name=upload.name, media_type=mime, sidecar=upload.sidecar
                )
            except PoolClosed as exc:
                raise ServiceUnavailable("the service is shutting down") from exc
            return await _bridge(future)

    def unsupported(self, upload: Upload, mime: str) -> Report:
        """The report for an upload whose media type the verifier does not read."""
        if mime == OCTET_STREAM:
            why = "the media type is not recognisable from the bytes, Content-Type or file name"
        else:
            why = f"{mime} is not a media type the verifier reads"
        report = error_report(
            upload.name,
            ErrorKind.UNSUPPORTED,
            f"{why}; name the type in Content-Type or give ?filename= with its extension",
            size=len(upload.data),
        )
        return dataclasses.replace(report, media_type=mime)

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Whether to send traffic here, and the facts behind it (`/readyz`)."""
        reason = None
        if self.closing:
            reason = "shutting down"
        elif self.pool.broken is not None:
            reason = self.pool.broken
        now = time.time()
        body: dict[str, Any] = {
            "status": "not_ready" if reason else "ready",
            "reason": reason,
            "version": __version__,
            "uptime_seconds": round(now - self.started_at),
            "workers": {"configured": self.pool.jobs, "alive": len(self.pool.worker_pids)},
            "max_pending": self.pool.max_pending,
            "timeout_seconds": self.config.timeout,
            "max_body_bytes": self.config.max_body,
            "network": self.config.options.allow_network,
            "trust": self.config.trust.describe(now),
        }
        return reason is None, body

    def close(self) -> None:
        """Finish the checks in flight (bounded by the shutdown time), then stop the workers."""
        self.closing = True
        self.pool.close(self.config.shutdown_seconds)
