"""The HTTP routes: POST /v1/verify, the probes, metrics and the OpenAPI document."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from .. import __version__
from ..core import error_report
from ..reader import ErrorKind
from ..report import Report
from .accesslog import LOG_FIELDS, AccessLogMiddleware, JsonLog
from .metrics import EXPOSITION_TYPE
from .openapi import READINESS, VERIFY_REQUEST, VERIFY_RESPONSES, customise
from .responses import report_body, status_for
from .service import Service, ServiceUnavailable
from .upload import UNNAMED, BodyTooLarge, MalformedUpload, read_upload

TITLE = "c2pa-verify"
DESCRIPTION = (
    "Offline C2PA Content Credentials verifier. POST an asset to /v1/verify and get the same"
    " report JSON as `c2pa-verify check -f json`: whether it declares AI, whether that"
    " declaration is intact, and who signed it. The service never uses the network."
)
#: Longest `?filename=` accepted (longer: 422).
MAX_FILENAME = 1024


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def create_app(service: Service, log: JsonLog | None = None) -> FastAPI:
    """The FastAPI application over a started :class:`Service`."""
    journal = log or JsonLog()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        # Runs after uvicorn drained the requests in flight, before it exits.
        await asyncio.to_thread(service.close)
        journal.write("stopped")

    app = FastAPI(
        lifespan=lifespan,
        title=TITLE,
        version=__version__,
        description=DESCRIPTION,
        # The interactive pages load scripts from a CDN; the document itself is served.
        docs_url=None,
        redoc_url=None,
    )
    app.add_middleware(AccessLogMiddleware, log=journal, metrics=service.metrics)

    def answer(request: Request, report: Report) -> Response:
        service.metrics.observe_report(report)
        setattr(
            request.state,
            LOG_FIELDS,
            {
                "sha256": report.sha256,
                "size": report.size,
                "media_type": report.media_type,
                "origin": report.declaration.origin.value,
                "integrity": report.integrity.value,
                "error_kind": report.error.kind.value if report.error else None,
            },
        )
        return Response(
            report_body(report), status_code=status_for(report), media_type="application/json"
        )

    @app.post(
        "/v1/verify",
        summary="Check one asset",
        operation_id="verify",
        response_class=Response,
        responses=VERIFY_RESPONSES,
        openapi_extra=VERIFY_REQUEST,
    )
    async def verify(
        request: Request,
        filename: Annotated[
            str | None,
            Query(
                max_length=MAX_FILENAME,
                description="The asset's file name: the report's `path`, and its extension"
                " helps decide the media type when the bytes do not.",
            ),
        ] = None,
    ) -> Response:
        try:
            upload = await read_upload(
                request.stream(), request.headers, service.config.max_body, filename
            )
        except BodyTooLarge as exc:
            report = error_report(
                filename or UNNAMED, ErrorKind.TOO_LARGE, str(exc), size=exc.declared
            )
            return answer(request, report)
        except MalformedUpload as exc:
            return _problem(422, str(exc))
        except ClientDisconnect:
            return _problem(400, "the client closed the connection before the body was complete")
        try:
            report = await service.check(upload)
        except ServiceUnavailable as exc:
            return _problem(503, str(exc))
        return answer(request, report)

    @app.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="Readiness: workers can start, trust anchors loaded, and their age",
        response_class=JSONResponse,
        responses={
            200: {
                "description": "Ready",
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{READINESS}"}}
                },
            },
            503: {"description": "Not ready (shutting down, or workers cannot start)"},
        },
    )
    async def readyz() -> JSONResponse:
        ready, body = service.readiness()
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get(
        "/metrics",
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"description": "Text exposition", "content": {"text/plain": {}}}},
    )
    async def metrics() -> Response:
        return Response(service.metrics.render(), media_type=EXPOSITION_TYPE)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = customise(
                get_openapi(
                    title=TITLE, version=__version__, description=DESCRIPTION, routes=app.routes
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
