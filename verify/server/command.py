"""`c2pa-verify serve`: parse options, start the pool, run uvicorn on a bound socket."""

from __future__ import annotations

import socket
import sys

import click

from ..core import CheckOptions
from ..limits import Limits, with_overrides
from ..options import Seconds, limit_option, max_depth_option, watermarks_option
from ..trust.cli import TrustArgs, resolve_trust, trust_options
from .config import (
    DEFAULT_HOST,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    TEST_HOOK_ENV,
    ServerConfig,
    ServerConfigError,
    load_test_hook,
)
from .trust import describe_lists

#: Connections the kernel queues while the workers start.
BACKLOG = 2048


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free one)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def _url(sock: socket.socket) -> tuple[str, int, str]:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return host, port, f"http://{shown}:{port}"


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="TCP port; 0 picks a free one (logged in the `listening` line).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes checking uploads (default: the number of CPUs).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BODY,
    show_default=True,
    help="Request bodies over this many bytes are cut off with 413, chunked or not.",
)
@click.option(
    "--timeout",
    type=Seconds(),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds per upload before its worker is replaced (504); 0: no limit.",
)
@max_depth_option
@limit_option
@watermarks_option
@click.option(
    "--max-connections",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_CONNECTIONS,
    show_default=True,
    help="Open connections at most; more are answered 503 at once.",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
    help="Level of the server's own log lines (access lines are always written).",
)
@trust_options
def serve(  # noqa: PLR0917 - click passes every option positionally
    host: str,
    port: int,
    workers: int | None,
    max_body: int,
    timeout: float,
    trust: TrustArgs,
    max_depth: int,
    limit_settings: dict[str, int],
    watermarks: bool,
    max_connections: int,
    log_level: str,
) -> None:
    """Serve POST /v1/verify over HTTP (needs the [server] extra). Never uses the network."""
    from ..cli import ConfigError
    from ..pool import default_jobs

    try:
        import uvicorn

        from .accesslog import JsonLog, logging_config
        from .app import create_app
        from .service import Service
    except ImportError as exc:
        raise ConfigError(
            f"serve needs the server extra: pip install 'c2pa-verify[server]' ({exc})"
        ) from exc

    log = JsonLog()
    resolved = resolve_trust(trust)
    try:
        hook = load_test_hook()
        config = ServerConfig(
            options=CheckOptions(
                allow_network=False,
                limits=with_overrides(
                    Limits(max_size=max_body, max_depth=max_depth), limit_settings
                ),
                trust_lists=resolved.lists,
                certs_dir=resolved.certs,
                watermarks=watermarks,
            ),
            workers=workers or default_jobs(),
            max_body=max_body,
            timeout=timeout or None,
            max_connections=max_connections,
            trust=describe_lists(resolved.lists, resolved.stored),
            before_check=hook,
        )
    except ServerConfigError as exc:
        raise ConfigError(str(exc)) from exc
    if hook is not None:
        log.write("warning", message=f"{TEST_HOOK_ENV} is set: a test hook runs before checks")
    try:
        sock = bind_socket(host, port)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    with sock:
        try:
            service = Service.start(config)
        except ServerConfigError as exc:
            raise ConfigError(str(exc)) from exc
        bound_host, bound_port, url = _url(sock)
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(service, log),
                host=bound_host,
                port=bound_port,
                log_config=logging_config(log_level),
                access_log=False,
                # The pure-Python parser, whatever else is installed: its handling of a
                # body cut off at --max-body (drained until the keep-alive timeout, then
                # closed) is what the tests check.
                http="h11",
                server_header=False,
                limit_concurrency=max_connections,
                timeout_graceful_shutdown=int(config.shutdown_seconds),
            )
        )
        log.write(
            "listening",
            url=url,
            host=bound_host,
            port=bound_port,
            workers=config.workers,
            max_body=config.max_body,
            timeout=config.timeout,
            trust_lists=[s.name for s in config.trust.sources],
            trust_certificates=config.trust.certificates,
        )
        try:
            # On SIGTERM/SIGINT uvicorn drains the requests in flight, runs the app's
            # shutdown (which closes the pool and logs `stopped`), then re-raises the
            # signal; this `finally` covers the other ways out.
            server.run(sockets=[sock])
        finally:
            if not service.closing:
                service.close()
                log.write("stopped")
    if not server.started:  # uvicorn logged why
        sys.exit(1)
