"""Builders for manifest-store documents in the shape of `Reader.json()`."""

from __future__ import annotations

from typing import Any

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def manifest(
    actions: list[dict[str, Any]] | None = None,
    ingredients: list[dict[str, Any]] | None = None,
    templates: list[dict[str, Any]] | None = None,
    extra_assertions: list[dict[str, Any]] | None = None,
    label: str = "c2pa.actions.v2",
) -> dict[str, Any]:
    """A manifest in the shape of `Reader.json()`."""
    assertions: list[dict[str, Any]] = []
    if actions is not None or templates is not None:
        data: dict[str, Any] = {"actions": actions or []}
        if templates is not None:
            data["templates"] = templates
        assertions.append({"label": label, "data": data})
    assertions.extend(extra_assertions or [])
    out: dict[str, Any] = {"title": "t", "format": "image/jpeg", "assertions": assertions}
    if ingredients is not None:
        out["ingredients"] = ingredients
    return out


def store(manifests: dict[str, dict[str, Any]], active: str = "active") -> dict[str, Any]:
    """A manifest store document with a Valid state."""
    return {"active_manifest": active, "manifests": manifests, "validation_state": "Valid"}


def ingredient(relationship: str, target: str | None, title: str = "i") -> dict[str, Any]:
    out: dict[str, Any] = {"title": title, "format": "image/jpeg", "relationship": relationship}
    if target is not None:
        out["active_manifest"] = target
    return out
