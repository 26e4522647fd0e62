"""The report: one frozen value per input, the single source of the JSON shape.

Field names and enum values are an interface (pipelines parse them); the JSON Schema
in `verify/schema/report.schema.json` describes them and is validated in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .declaration import Basis, Evidence, Origin
from .integrity import Integrity, SignerTrust
from .limits import LIMIT_NAMES
from .reader import ErrorKind
from .signal import Signal
from .trust.policy import Revocation, RevocationSource

SCHEMA_VERSION = "1.3"
#: `integrity_detail.explanation` of remote credentials whose fetch (with --allow-network)
#: failed; offline, the explanation says that fetching needs --allow-network instead.
REMOTE_FETCH_FAILED = "the manifest is stored remotely and could not be fetched"


class Credentials(StrEnum):
    NONE = "none"
    EMBEDDED = "embedded"
    SIDECAR = "sidecar"
    REMOTE = "remote"
    UNREADABLE = "unreadable"


class ValidationState(StrEnum):
    TRUSTED = "trusted"
    VALID = "valid"
    INVALID = "invalid"


@dataclass(frozen=True)
class ValidationSummary:
    """The library's state and codes (ingredient codes prefixed `ingredient:`)."""

    state: ValidationState | None
    failures: tuple[str, ...] = ()
    informational: tuple[str, ...] = ()


@dataclass(frozen=True)
class IntegrityDetail:
    codes: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class Signer:
    """Who signed the active manifest and whether that signer is recognised."""

    trust: SignerTrust
    trust_explanation: str
    organization: str | None
    common_name: str | None
    issuer: str | None
    signed_at: str | None
    timestamped: bool
    timestamp_authority: str | None = None
    algorithm: str | None = None
    serial_number: str | None = None
    not_before: str | None = None
    not_after: str | None = None
    #: The list that recognised the signer (`C2PA Trust List`, a PEM path), or None.
    trust_list: str | None = None
    #: Recognised because its certificate is on an allowed list (matched by us, not c2pa-rs).
    allowed_list_match: bool = False
    #: Whether c2pa-rs trusts the timestamp; None when there is none or it said nothing.
    timestamp_trusted: bool | None = None
    #: SHA-256 of the signer certificate's DER (the `--certs` file name), if readable.
    certificate_sha256: str | None = None
    revocation: Revocation = Revocation.NOT_CHECKED
    revocation_source: RevocationSource | None = None


@dataclass(frozen=True)
class Claim:
    """One source's reading of the origin (C2PA, or a detector), shown side by side."""

    #: `c2pa`, or the detector (`xmp`, `generator_metadata`, `watermark`).
    source: str
    origin: Origin
    basis: Basis
    #: The fields the claim rests on (`c2pa.actions.v2`, `Iptc4xmpExt:DigitalSourceType`).
    fields: tuple[str, ...]
    #: Indicative only (a generator's name, "possibly AI"): ranks below a declaration.
    weak: bool
    explanation: str
    #: The declaration's origin follows this claim (the strongest basis).
    decisive: bool = False


@dataclass(frozen=True)
class DeclarationReport:
    """What the asset declares about AI, how strongly, and the evidence."""

    origin: Origin
    declares_ai: bool
    basis: Basis
    ai_tools: tuple[str, ...]
    #: The C2PA findings (the evidence of the `c2pa` claim).
    evidence: tuple[Evidence, ...]
    explanation: str
    #: Claims disagree about AI (one says AI, another a non-AI origin).
    conflict: bool = False
    #: Every source that declared an origin, in report order; `decisive` marks the winner.
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class ProvenanceAction:
    action: str
    digital_source_type: str | None = None
    source_type_from: str | None = None
    software_agent: str | None = None
    software_version: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ProvenanceSigner:
    organization: str | None
    common_name: str | None
    signed_at: str | None


@dataclass(frozen=True)
class ProvenanceNode:
    """A manifest, or an ingredient without credentials (then `label` is null)."""

    label: str | None
    relationship: str
    title: str | None
    format: str | None
    generator: str | None = None
    signer: ProvenanceSigner | None = None
    actions: tuple[ProvenanceAction, ...] = ()
    origin: Origin | None = None
    ingredients: tuple[ProvenanceNode, ...] = ()
    #: The ingredient points back at a manifest already on the path (a cycle) or the
    #: tree is deeper than the depth limit; its subtree is not repeated.
    cut: bool = False
    #: An ingredient's own credentials as validated from this asset (schema 1.2): `intact`,
    #: `tampered`, `malformed` or `unknown`. None when the validation says nothing about it,
    #: and for the active manifest, whose integrity is the report's `integrity`.
    integrity: Integrity | None = None
    #: The ingredient's signer as c2pa-rs judged it (schema 1.2); None when not reported,
    #: and for the active manifest (see the report's `signer.trust`).
    trust: SignerTrust | None = None
    #: The validation failure codes reported for this ingredient (schema 1.2).
    failures: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportError:
    kind: ErrorKind
    message: str


@dataclass(frozen=True)
class Report:
    """Everything c2pa-verify says about one input."""

    path: str
    size: int | None
    sha256: str | None
    media_type: str | None
    credentials: Credentials
    validation: ValidationSummary
    integrity: Integrity
    integrity_detail: IntegrityDetail
    signer: Signer | None
    declaration: DeclarationReport
    provenance: ProvenanceNode | None
    error: ReportError | None
    remote_url: str | None = None
    notes: tuple[str, ...] = ()
    #: Every finding of the signal detectors and soft bindings (schema 1.1).
    signals: tuple[Signal, ...] = ()
    schema_version: str = field(default=SCHEMA_VERSION)
    #: Position of the input in a batch (0-based, in the order inputs were given), so that
    #: records streamed in completion order can be matched to their inputs. None outside a batch.
    index: int | None = None

    @property
    def remote_unread(self) -> bool:
        """The credentials are stored remotely and were not read (offline, or the fetch
        failed). A store fetched with --allow-network is `remote` too, but was read."""
        return self.credentials is Credentials.REMOTE and self.validation.state is None

    @property
    def remote_fetch_failed(self) -> bool:
        """Remote credentials the check was allowed to fetch, but could not."""
        return self.remote_unread and self.integrity_detail.explanation == REMOTE_FETCH_FAILED

    @property
    def limits_hit(self) -> tuple[str, ...]:
        """The limits (`verify.limits.Limits` names) this check ran into, in their order.

        A limit either stops the check (`error.kind` `too_large`) or cuts what is read and
        says so in a note; every such message names its limit, which is how it is found
        here: pipelines can filter on this list instead of parsing notes (schema 1.3).
        """
        texts = [*self.notes, self.error.message if self.error else ""]
        return tuple(name for name in LIMIT_NAMES if any(_names(text, name) for text in texts))


def _names(text: str, name: str) -> bool:
    """`name` occurs in `text` as a whole word (max_size, not max_size_x)."""
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(name, end)
    return False
