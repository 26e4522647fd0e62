"""The service's settings, validated once: limits, workers, and never the network."""

from __future__ import annotations

import importlib
import math
import os
from dataclasses import dataclass, field

from ..core import CheckOptions
from ..pool import BeforeCheck
from .trust import TrustStatus

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Request bodies above this are cut off with 413 (the whole upload is held in memory).
DEFAULT_MAX_BODY = 100 * 1024 * 1024
#: Seconds a worker may spend on one upload before it is replaced (504).
DEFAULT_TIMEOUT = 30.0
#: Open connections at most; more get 503 at once. Bounds memory at this x max_body.
DEFAULT_MAX_CONNECTIONS = 256
#: Seconds given to requests in flight after SIGTERM/SIGINT, beyond the check timeout.
SHUTDOWN_GRACE = 5.0

#: Test-only: "module:function" run in each worker before every check (a
#: :data:`~verify.pool.BeforeCheck`), so tests can make a chosen upload hang. Never set
#: it in production; the command warns on stderr when it is set.
TEST_HOOK_ENV = "C2PA_VERIFY_SERVE_TEST_HOOK"


class ServerConfigError(ValueError):
    """A setting the service refuses (the command exits with status 2)."""


@dataclass(frozen=True)
class ServerConfig:
    """Everything the service needs besides its socket."""

    options: CheckOptions
    workers: int
    max_body: int = DEFAULT_MAX_BODY
    #: Seconds per upload in a worker; None: no limit.
    timeout: float | None = DEFAULT_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    trust: TrustStatus = field(default_factory=TrustStatus)
    before_check: BeforeCheck | None = None

    @property
    def shutdown_seconds(self) -> float:
        """How long a shutdown waits for the checks in flight before killing workers."""
        return (self.timeout or DEFAULT_TIMEOUT) + SHUTDOWN_GRACE

    def __post_init__(self) -> None:
        if self.options.allow_network:
            raise ServerConfigError(
                "the service never uses the network: allow_network must be False"
            )
        if self.workers < 1:
            raise ServerConfigError(f"workers must be at least 1, got {self.workers}")
        if self.max_body < 1:
            raise ServerConfigError(f"max_body must be at least 1 byte, got {self.max_body}")
        if self.timeout is not None and not (0 < self.timeout < math.inf):
            raise ServerConfigError(f"timeout must be positive and finite, got {self.timeout}")
        if self.max_connections < 1:
            raise ServerConfigError(
                f"max_connections must be at least 1, got {self.max_connections}"
            )


def load_test_hook(environ: dict[str, str] | None = None) -> BeforeCheck | None:
    """The `before_check` named by :data:`TEST_HOOK_ENV`, or None when it is unset."""
    spec = (os.environ if environ is None else environ).get(TEST_HOOK_ENV, "").strip()
    if not spec:
        return None
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ServerConfigError(f"{TEST_HOOK_ENV} must be module:function, got {spec!r}")
    try:
        hook = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ServerConfigError(f"{TEST_HOOK_ENV}={spec!r} cannot be loaded: {exc}") from exc
    if not callable(hook):
        raise ServerConfigError(f"{TEST_HOOK_ENV}={spec!r} is not callable")
    checked: BeforeCheck = hook
    return checked
