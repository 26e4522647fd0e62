"""Structured logs: one JSON line per request on stderr, and JSON for every other log.

An access line carries the request's method, path (no query string), status, duration,
byte counts, client address and request id, and for checks the asset's sha256 and
verdict. Never a body, never the file name: uploads are the platform's users' data.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any, TextIO

from .metrics import Metrics, route_label

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID_HEADER = "x-request-id"
#: A client's request id is echoed only when it is short and plain.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
#: Key in the ASGI scope's state where a route leaves fields for the access line.
LOG_FIELDS = "access_log_fields"


def _timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


class JsonLog:
    """Writes one JSON object per line to a text stream (stderr by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, event: str, **fields: Any) -> None:
        record = {"ts": _timestamp(time.time()), "event": event, **fields}
        line = json.dumps(record, ensure_ascii=True, default=str) + "\n"
        stream = self._stream or sys.stderr
        with self._lock:
            stream.write(line)
            stream.flush()


class JsonFormatter(logging.Formatter):
    """Other loggers (uvicorn's) as the same JSON lines: event `log`."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "ts": _timestamp(record.created),
            "event": "log",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        return json.dumps(fields, ensure_ascii=True, default=str)


def logging_config(level: str = "info") -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn: JSON lines on stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
        },
    }


def request_id(scope: Scope) -> str:
    """The client's X-Request-ID when it is safe to echo, else a new one."""
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER.encode():
            text: str = value.decode("latin-1")
            if _SAFE_ID.fullmatch(text):
                return text
    return uuid.uuid4().hex


class AccessLogMiddleware:
    """Times every request, counts it in the metrics and writes its access line."""

    def __init__(self, app: ASGIApp, log: JsonLog, metrics: Metrics) -> None:
        self.app = app
        self.log = log
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        rid = request_id(scope)
        state: dict[str, Any] = {"status": 500, "bytes_in": 0, "bytes_out": 0}

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["bytes_in"] += len(message.get("body", b""))
            return message

        async def tagging_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), rid.encode()))
                message["headers"] = headers
            elif message["type"] == "http.response.body":
                state["bytes_out"] += len(message.get("body", b""))
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, counting_receive, tagging_send)
        finally:
            self.metrics.in_flight.dec()
            seconds = time.perf_counter() - start
            path = scope.get("path", "")
            self.metrics.observe_request(
                route_label(path), scope.get("method", ""), state["status"], seconds
            )
            client = scope.get("client")
            extra = scope.get("state", {}).get(LOG_FIELDS, {})
            self.log.write(
                "access",
                request_id=rid,
                client=f"{client[0]}:{client[1]}" if client else None,
                method=scope.get("method"),
                path=path,
                status=state["status"],
                duration_ms=round(seconds * 1000, 3),
                bytes_in=state["bytes_in"],
                bytes_out=state["bytes_out"],
                **extra,
            )
