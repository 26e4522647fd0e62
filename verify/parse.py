"""Turn the library's manifest-store JSON into the typed model.

The input is attacker-controlled JSON decoded by the native library: every field may
be missing, of the wrong type or absurdly large. Parsing never raises on content; it
keeps what it can read, applies :class:`~verify.limits.Limits`, and records notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .limits import DEFAULT_LIMITS, Limits
from .model import (
    Action,
    Certificate,
    Ingredient,
    IngredientDelta,
    Manifest,
    ManifestStore,
    SignatureInfo,
    SourceTypeFrom,
    StatusEntry,
    Validation,
)

ADOBE_SOURCE_TYPE_PARAM = "com.adobe.digitalSourceType"
_ACTIONS_LABELS = ("c2pa.actions", "c2pa.actions.v2")
_INGREDIENT_PREFIX = "c2pa.ingredient"
_METADATA_LABELS = ("c2pa.metadata", "stds.iptc", "stds.iptc.photo-metadata")


class _Cutter:
    """Shortens strings to the configured limit and remembers that it did."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.cut = False

    def text(self, value: object) -> str | None:
        if isinstance(value, str):
            text = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            text = str(value)
        else:
            return None
        if len(text) > self.limit:
            self.cut = True
            return text[: self.limit] + "…"
        return text

    @staticmethod
    def ident(value: object) -> str | None:
        """A label that links manifests and assertions: kept whole, never cut.

        Cutting one would break the link it makes (a long active label would hide the
        active manifest, a long instance suffix its actions); the manifest keys it is
        matched against are whole too, and the input size bounds them all.
        """
        return value if isinstance(value, str) else None


def base_label(label: str) -> str:
    """Strip the instance suffix (`c2pa.actions.v2__1` -> `c2pa.actions.v2`)."""
    head, sep, tail = label.rpartition("__")
    if sep and tail.isdigit():
        return head
    return label


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list) else ()


def _agent(value: Any, cut: _Cutter) -> tuple[str | None, str | None]:
    """softwareAgent is a string in v1 and `{name, version}` in v2: (name, version)."""
    if isinstance(value, Mapping):
        return cut.text(value.get("name")), cut.text(value.get("version"))
    return cut.text(value), None


def _templates(data: Mapping[str, Any], cut: _Cutter) -> dict[str, Mapping[str, Any]]:
    """Template defaults by action name ("*" applies to every action)."""
    out: dict[str, Mapping[str, Any]] = {}
    for raw_tpl in _list(data.get("templates")):
        tpl = _dict(raw_tpl)
        name = cut.text(tpl.get("action"))
        if name:
            out.setdefault(name, tpl)
    return out


class _Defaults:
    """Where an action's missing fields come from, field by field.

    The action's own value first, then the template for its name, then the `"*"`
    template: a named template that gives only a software agent must not hide the
    `"*"` template's digital source type. A `softwareAgentIndex` (v2) points into
    the assertion's `softwareAgents` list.
    """

    def __init__(
        self, raw: Mapping[str, Any], templates: Mapping[str, Mapping[str, Any]], name: str
    ) -> None:
        self.layers = [raw, *(t for t in (templates.get(name), templates.get("*")) if t)]

    def first(self, key: str) -> Any:
        for layer in self.layers:
            value = layer.get(key)
            if value is not None and value != "":
                return value
        return None

    def agent(self, agents: Sequence[Any], cut: _Cutter) -> tuple[str | None, str | None]:
        for layer in self.layers:
            name, version = _agent(layer.get("softwareAgent"), cut)
            if name:
                return name, version
            index = layer.get("softwareAgentIndex")
            if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(agents):
                name, version = _agent(agents[index], cut)
                if name:
                    return name, version
        return None, None


def parse_actions(
    label: str, data: Mapping[str, Any], limits: Limits, cut: _Cutter
) -> tuple[list[Action], bool]:
    """Parse one actions assertion; returns (actions, truncated)."""
    templates = _templates(data, cut)
    agents = _list(data.get("softwareAgents"))
    actions: list[Action] = []
    raw_actions = _list(data.get("actions"))
    truncated = len(raw_actions) > limits.max_actions
    for index, item in enumerate(raw_actions[: limits.max_actions]):
        raw = _dict(item)
        name = cut.text(raw.get("action"))
        if not name:
            continue
        defaults = _Defaults(raw, templates, name)
        params = _dict(raw.get("parameters"))
        source_type: str | None = cut.text(raw.get("digitalSourceType"))
        source_from: SourceTypeFrom | None = SourceTypeFrom.ACTION if source_type else None
        if not source_type:
            vendor = cut.text(params.get(ADOBE_SOURCE_TYPE_PARAM))
            if vendor:
                source_type, source_from = vendor, SourceTypeFrom.PARAMETERS
        if not source_type:
            from_template = cut.text(defaults.first("digitalSourceType"))
            if from_template:
                source_type, source_from = from_template, SourceTypeFrom.TEMPLATE
        agent, agent_version = defaults.agent(agents, cut)
        description = (
            cut.text(raw.get("description"))
            or cut.text(params.get("description"))
            or cut.text(defaults.first("description"))
        )
        actions.append(
            Action(
                action=name,
                assertion_label=label,
                index=index,
                digital_source_type=source_type,
                source_type_from=source_from,
                software_agent=agent,
                software_version=agent_version,
                description=description,
                when=cut.text(raw.get("when")),
            )
        )
    return actions, truncated


def _metadata_source_types(data: Mapping[str, Any], cut: _Cutter) -> list[str]:
    """`DigitalSourceType` values of a metadata assertion (JSON-LD, any key prefix).

    The value may be a string, an `{"@id": uri}` node, or a list of either; the key is
    matched without regard to case (`Iptc4xmpExt:DigitalSourceType`, `digitalSourceType`).
    """
    found: list[str] = []
    for key, value in data.items():
        if not isinstance(key, str) or not key.lower().endswith("digitalsourcetype"):
            continue
        for item in value if isinstance(value, list) else (value,):
            text = cut.text(item)
            if text is None and isinstance(item, Mapping):  # {"@id": uri} form
                text = cut.text(item.get("@id"))
            if text:
                found.append(text)
    return found


def _ingredient(raw: Mapping[str, Any], cut: _Cutter) -> Ingredient:
    return Ingredient(
        title=cut.text(raw.get("title")),
        format=cut.text(raw.get("format")),
        relationship=cut.text(raw.get("relationship")) or "componentOf",
        manifest_label=cut.ident(raw.get("active_manifest")),
        assertion_label=cut.ident(raw.get("label")),
    )


def _certificate(sig: Mapping[str, Any] | None, cut: _Cutter) -> Certificate | None:
    """From crJSON's `signature.certificateInfo`, when the adapter provides it."""
    if not sig:
        return None
    info = _dict(sig.get("certificateInfo"))
    if not info:
        return None
    subject = _dict(info.get("subject"))
    issuer = _dict(info.get("issuer"))
    validity = _dict(info.get("validity"))
    return Certificate(
        subject_organization=cut.text(subject.get("O")),
        subject_common_name=cut.text(subject.get("CN")),
        issuer_organization=cut.text(issuer.get("O")),
        issuer_common_name=cut.text(issuer.get("CN")),
        serial_number=cut.text(info.get("serialNumber")),
        not_before=cut.text(validity.get("notBefore")),
        not_after=cut.text(validity.get("notAfter")),
    )


def _signature(
    raw: Mapping[str, Any], detail: Mapping[str, Any] | None, cut: _Cutter
) -> SignatureInfo | None:
    info = _dict(raw.get("signature_info"))
    if not info and not detail:
        return None
    tsa = _dict(_dict(_dict(detail).get("timeStampInfo")).get("certificateInfo"))
    tsa_name = cut.text(_dict(tsa.get("subject")).get("CN")) if tsa else None
    return SignatureInfo(
        algorithm=cut.text(info.get("alg")),
        organization=cut.text(info.get("issuer")),
        common_name=cut.text(info.get("common_name")),
        serial_number=cut.text(info.get("cert_serial_number")),
        signed_at=cut.text(info.get("time")),
        timestamp_authority=tsa_name,
        certificate=_certificate(detail, cut),
    )


def _claim_generator(raw: Mapping[str, Any], cut: _Cutter) -> str | None:
    infos = _list(raw.get("claim_generator_info"))
    if infos:
        first = _dict(infos[0])
        name = cut.text(first.get("name"))
        version = cut.text(first.get("version"))
        if name:
            return f"{name} {version}" if version else name
    return cut.text(raw.get("claim_generator"))


def parse_manifest(
    label: str,
    raw: Mapping[str, Any],
    limits: Limits = DEFAULT_LIMITS,
    signature_detail: Mapping[str, Any] | None = None,
    cut: _Cutter | None = None,
) -> Manifest:
    """Parse one manifest of the store."""
    cut = cut or _Cutter(limits.max_string)
    actions: list[Action] = []
    labels: list[str] = []
    metadata_types: list[tuple[str, str]] = []
    soft_bindings: list[tuple[str, str]] = []
    assertions = _list(raw.get("assertions"))
    # max_actions also caps the assertions looked at (each may hold actions).
    actions_cut = len(assertions) > limits.max_actions
    assertions = assertions[: limits.max_actions]
    for item in assertions:
        assertion = _dict(item)
        a_label = cut.ident(assertion.get("label"))
        if not a_label:
            continue
        labels.append(a_label)
        base = base_label(a_label)
        data = _dict(assertion.get("data"))
        if base in _ACTIONS_LABELS:
            room = limits.max_actions - len(actions)
            parsed, cut_short = parse_actions(a_label, data, limits, cut)
            actions_cut = actions_cut or cut_short or len(parsed) > room
            actions.extend(parsed[: max(room, 0)])
        elif base in _METADATA_LABELS or base.startswith("stds.iptc"):
            metadata_types.extend((a_label, v) for v in _metadata_source_types(data, cut))
        elif base == "c2pa.soft-binding":
            alg = cut.text(data.get("alg")) or "unknown"
            for block in _list(data.get("blocks")):
                value = cut.text(_dict(block).get("value"))
                if value:
                    soft_bindings.append((alg, value))
            if not _list(data.get("blocks")):
                soft_bindings.append((alg, ""))
    raw_ingredients = _list(raw.get("ingredients"))
    ingredients_cut = len(raw_ingredients) > limits.max_ingredients
    if ingredients_cut:
        raw_ingredients = raw_ingredients[: limits.max_ingredients]
    cut_limits = tuple(
        name
        for name, hit in (("max_actions", actions_cut), ("max_ingredients", ingredients_cut))
        if hit
    )
    ingredients = tuple(_ingredient(_dict(i), cut) for i in raw_ingredients)
    # Ingredient assertions are listed separately; keep their labels for evidence.
    labels.extend(i.assertion_label for i in ingredients if i.assertion_label)
    version = raw.get("claim_version")
    return Manifest(
        label=label,
        title=cut.text(raw.get("title")),
        format=cut.text(raw.get("format")),
        claim_generator=_claim_generator(raw, cut),
        claim_version=version
        if isinstance(version, int) and not isinstance(version, bool)
        else None,
        signature=_signature(raw, signature_detail, cut),
        actions=tuple(actions),
        ingredients=ingredients,
        assertion_labels=tuple(labels),
        metadata_source_types=tuple(metadata_types),
        soft_bindings=tuple(soft_bindings),
        truncated=bool(cut_limits),
        cut_limits=cut_limits,
    )


def _entries(value: Any, cut: _Cutter) -> tuple[StatusEntry, ...]:
    out: list[StatusEntry] = []
    for item in _list(value):
        raw = _dict(item)
        code = cut.text(raw.get("code"))
        if code:
            out.append(
                StatusEntry(
                    code=code,
                    url=cut.text(raw.get("url")),
                    explanation=cut.text(raw.get("explanation")),
                )
            )
    return tuple(out)


def parse_validation(store: Mapping[str, Any], cut: _Cutter | None = None) -> Validation:
    """Parse `validation_state` / `validation_results` (or the legacy `validation_status`)."""
    cut = cut or _Cutter(DEFAULT_LIMITS.max_string)
    state = cut.text(store.get("validation_state"))
    results = _dict(store.get("validation_results"))
    if results:
        active = _dict(results.get("activeManifest"))
        deltas = tuple(
            IngredientDelta(
                ingredient_uri=cut.text(_dict(d).get("ingredientAssertionURI")),
                failure=_entries(_dict(_dict(d).get("validationDeltas")).get("failure"), cut),
                informational=_entries(
                    _dict(_dict(d).get("validationDeltas")).get("informational"), cut
                ),
            )
            for d in _list(results.get("ingredientDeltas"))
        )
        return Validation(
            state=state,
            success=_entries(active.get("success"), cut),
            informational=_entries(active.get("informational"), cut),
            failure=_entries(active.get("failure"), cut),
            ingredient_deltas=deltas,
        )
    # Legacy form: one flat failure list; entries pointing into another manifest are
    # treated as ingredient failures.
    active_label = cut.ident(store.get("active_manifest")) or ""
    own: list[StatusEntry] = []
    other: list[StatusEntry] = []
    for entry in _entries(store.get("validation_status"), cut):
        url = entry.url or ""
        if "/c2pa/" in url and active_label and f"/c2pa/{active_label}" not in url:
            other.append(entry)
        else:
            own.append(entry)
    deltas = (IngredientDelta(ingredient_uri=None, failure=tuple(other)),) if other else ()
    return Validation(state=state, failure=tuple(own), ingredient_deltas=deltas)


def parse_store(
    store: Mapping[str, Any],
    limits: Limits = DEFAULT_LIMITS,
    signature_details: Mapping[str, Mapping[str, Any]] | None = None,
) -> ManifestStore:
    """Parse a whole manifest store (the `Reader.json()` document).

    `signature_details` maps manifest labels to crJSON `signature` objects, which carry
    certificate subject/issuer/validity that the plain JSON omits.
    """
    cut = _Cutter(limits.max_string)
    notes: list[str] = []
    raw_manifests = _dict(store.get("manifests"))
    items = [(k, v) for k, v in raw_manifests.items() if isinstance(k, str)]
    active_label = cut.ident(store.get("active_manifest"))
    if len(items) > limits.max_manifests:
        notes.append(
            f"store has {len(items)} manifests; only {limits.max_manifests} were parsed"
            " (max_manifests)"
        )
        keep = items[: limits.max_manifests]
        if (
            active_label
            and active_label not in {k for k, _ in keep}
            and active_label in raw_manifests
        ):
            keep = [(active_label, raw_manifests[active_label]), *keep[:-1]]
        items = keep
    details = signature_details or {}
    manifests: dict[str, Manifest] = {}
    for label, raw in items:
        manifests[label] = parse_manifest(
            label, _dict(raw), limits, _dict(details.get(label)) or None, cut
        )
    for name, what in (("max_actions", "actions"), ("max_ingredients", "ingredients")):
        cut_here = [m.label for m in manifests.values() if name in m.cut_limits]
        if cut_here:
            notes.append(
                f"{len(cut_here)} manifest(s) had more {what} than {name}; the rest were not read"
            )
    validation = parse_validation(store, cut)
    if cut.cut:
        notes.append(
            f"strings longer than {limits.max_string} characters were shortened (max_string)"
        )
    return ManifestStore(
        active_label=active_label,
        manifests=manifests,
        validation=validation,
        notes=tuple(notes),
        truncated=len(raw_manifests) > len(items),
    )
