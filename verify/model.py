"""Typed, frozen view of a C2PA manifest store, as read by the adapter.

Only the fields the policies and the report need are kept. Everything here is
built by :mod:`verify.parse` from the library's JSON; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class SourceTypeFrom(StrEnum):
    """Where an action's digital source type was found."""

    ACTION = "action"
    TEMPLATE = "template"
    PARAMETERS = "parameters"


@dataclass(frozen=True)
class Action:
    """One action of a `c2pa.actions` / `c2pa.actions.v2` assertion, templates overlaid."""

    action: str
    assertion_label: str
    index: int
    digital_source_type: str | None = None
    source_type_from: SourceTypeFrom | None = None
    software_agent: str | None = None
    software_version: str | None = None
    description: str | None = None
    when: str | None = None


@dataclass(frozen=True)
class Ingredient:
    """An ingredient assertion; `manifest_label` keys the store when it carries credentials."""

    title: str | None
    format: str | None
    relationship: str
    manifest_label: str | None
    assertion_label: str | None = None


@dataclass(frozen=True)
class Certificate:
    """What the library tells about the signing certificate (no DER is exposed by the binding)."""

    subject_organization: str | None = None
    subject_common_name: str | None = None
    issuer_organization: str | None = None
    issuer_common_name: str | None = None
    serial_number: str | None = None
    not_before: str | None = None
    not_after: str | None = None


@dataclass(frozen=True)
class SignatureInfo:
    """Signature facts for one manifest."""

    algorithm: str | None = None
    organization: str | None = None
    common_name: str | None = None
    serial_number: str | None = None
    signed_at: str | None = None
    timestamp_authority: str | None = None
    certificate: Certificate | None = None


@dataclass(frozen=True)
class Manifest:
    """One manifest (claim) of the store."""

    label: str
    title: str | None = None
    format: str | None = None
    claim_generator: str | None = None
    claim_version: int | None = None
    signature: SignatureInfo | None = None
    actions: tuple[Action, ...] = ()
    ingredients: tuple[Ingredient, ...] = ()
    assertion_labels: tuple[str, ...] = ()
    #: (assertion label, value) of `Iptc4xmpExt:DigitalSourceType` values found in
    #: signed metadata assertions (`c2pa.metadata`, `stds.iptc*`).
    metadata_source_types: tuple[tuple[str, str], ...] = ()
    #: (algorithm, value) of `c2pa.soft-binding` assertions.
    soft_bindings: tuple[tuple[str, str], ...] = ()
    #: Parsing stopped early on a limit (too many actions/ingredients/assertions).
    truncated: bool = False
    #: Which limits cut it (`max_actions`, `max_ingredients`).
    cut_limits: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusEntry:
    """One validation status entry (`code`, `url`, `explanation`)."""

    code: str
    url: str | None = None
    explanation: str | None = None


@dataclass(frozen=True)
class IngredientDelta:
    """Validation results of one ingredient, reported relative to the active manifest."""

    ingredient_uri: str | None
    failure: tuple[StatusEntry, ...] = ()
    informational: tuple[StatusEntry, ...] = ()


@dataclass(frozen=True)
class Validation:
    """The library's validation outcome for the whole store."""

    state: str | None  # "Trusted" | "Valid" | "Invalid" | None, as the library spells it
    success: tuple[StatusEntry, ...] = ()
    informational: tuple[StatusEntry, ...] = ()
    failure: tuple[StatusEntry, ...] = ()
    ingredient_deltas: tuple[IngredientDelta, ...] = ()


@dataclass(frozen=True)
class ManifestStore:
    """All manifests of an asset and which one is active."""

    active_label: str | None
    manifests: Mapping[str, Manifest] = field(default_factory=dict)
    validation: Validation = field(default_factory=lambda: Validation(state=None))
    #: Notes about limits hit while parsing (too many manifests, strings cut, ...).
    notes: tuple[str, ...] = ()
    #: Some manifests were left out on the `max_manifests` limit.
    truncated: bool = False

    @property
    def active(self) -> Manifest | None:
        """The active manifest, if the store names one it contains."""
        if self.active_label is None:
            return None
        return self.manifests.get(self.active_label)
