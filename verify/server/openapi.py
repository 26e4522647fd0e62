"""The parts of `/openapi.json` FastAPI cannot infer: the report schema and the upload.

The report schema is the one shipped in `verify/schema/report.schema.json`; its `$defs`
become components of their own so that every `$ref` resolves inside the document.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

from .upload import FILE_FIELD, SIDECAR_FIELD

REPORT = "Report"
PROBLEM = "Problem"
READINESS = "Readiness"


def _component_name(name: str) -> str:
    return f"{REPORT}{name[:1].upper()}{name[1:]}"


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = "#/components/schemas/" + _component_name(value.removeprefix("#/$defs/"))
            else:
                out[key] = _rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def report_schemas() -> dict[str, Any]:
    """`components.schemas` entries for the report and its sub-schemas."""
    text = resources.files("verify").joinpath("schema/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    defs = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    schemas = {REPORT: _rewrite_refs(schema)}
    for name, sub in defs.items():
        schemas[_component_name(name)] = _rewrite_refs(sub)
    return schemas


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Why the request itself could not be used (not an asset verdict).",
    "required": ["detail"],
    "properties": {"detail": {"description": "A message, or FastAPI's list of field errors."}},
}

READINESS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "workers", "trust"],
    "properties": {
        "status": {"type": "string", "enum": ["ready", "not_ready"]},
        "reason": {"type": ["string", "null"]},
        "version": {"type": "string"},
        "uptime_seconds": {"type": "integer"},
        "workers": {
            "type": "object",
            "properties": {
                "configured": {"type": "integer", "description": "--workers"},
                "alive": {"type": "integer", "description": "started on demand"},
            },
        },
        "max_pending": {"type": "integer"},
        "timeout_seconds": {"type": ["number", "null"]},
        "max_body_bytes": {"type": "integer"},
        "network": {"type": "boolean", "const": False},
        "trust": {
            "type": "object",
            "properties": {
                "loaded": {"type": "boolean", "description": "at least one certificate"},
                "certificates": {"type": "integer"},
                "loaded_age_seconds": {"type": "integer"},
                "lists": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "kind": {"type": "string", "enum": ["manifest", "tsa"]},
                            "certificates": {"type": "integer"},
                            "sha256": {"type": "string"},
                            "age_seconds": {
                                "type": ["integer", "null"],
                                "description": "since `trust update` fetched it, or the"
                                " PEM file was written",
                            },
                        },
                    },
                },
            },
        },
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _report_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(REPORT)}}}


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(PROBLEM)}}}


#: `responses=` for POST /v1/verify.
VERIFY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: _report_response(
        "The asset was checked: its report (an `error` of kind unreadable or malformed is a"
        " verdict on the asset)."
    ),
    400: _problem_response("The client closed the connection before the body was complete."),
    413: _report_response("The body is over --max-body: a report with error kind too_large."),
    415: _report_response("Not a media type the verifier reads: error kind unsupported."),
    422: _problem_response("Malformed request: bad multipart, no `file` part, empty body."),
    500: _report_response("The worker checking it died (crashed) or failed (internal)."),
    503: _problem_response("The service is shutting down."),
    504: _report_response("The check took longer than --timeout: error kind timeout."),
}

_BINARY = {"schema": {"type": "string", "format": "binary"}}

#: `openapi_extra=` for POST /v1/verify: the body is read by the route, not by FastAPI.
VERIFY_REQUEST: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "The asset's bytes as the body, with Content-Type naming its media type"
            " (application/octet-stream: decided from the bytes and ?filename=), or"
            f" multipart/form-data with the asset in `{FILE_FIELD}` and optionally its .c2pa"
            f" manifest store in `{SIDECAR_FIELD}`. Bodies over --max-body are cut off (413),"
            " chunked or not."
        ),
        "content": {
            "application/octet-stream": _BINARY,
            "image/*": _BINARY,
            "video/*": _BINARY,
            "audio/*": _BINARY,
            "application/pdf": _BINARY,
            "application/c2pa": _BINARY,
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {"type": "string", "format": "binary"},
                        SIDECAR_FIELD: {"type": "string", "format": "binary"},
                    },
                }
            },
        },
    }
}


def customise(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the report, problem and readiness schemas to FastAPI's generated document."""
    out = copy.deepcopy(schema)
    components = out.setdefault("components", {}).setdefault("schemas", {})
    components.update(report_schemas())
    components[PROBLEM] = PROBLEM_SCHEMA
    components[READINESS] = READINESS_SCHEMA
    return out
