"""The only module that imports `c2pa`: read an asset's manifest store offline.

It turns every outcome of the native reader, exceptions included, into a
:class:`ReadOutcome` value: no manifest, a manifest store, a remote reference, or an
error with a kind. Network access (remote manifests, OCSP) is off unless asked for.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class ReadKind(StrEnum):
    MANIFEST = "manifest"
    NO_MANIFEST = "no_manifest"
    REMOTE = "remote"
    ERROR = "error"


class ErrorKind(StrEnum):
    """Why an input could not be checked (the report's `error.kind`)."""

    UNSUPPORTED = "unsupported"
    UNREADABLE = "unreadable"
    MALFORMED = "malformed"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    INTERNAL = "internal"


@dataclass(frozen=True)
class ReadOutcome:
    """What the native reader said about one asset."""

    kind: ReadKind
    store: Mapping[str, Any] | None = None
    #: crJSON `signature` objects by manifest label (certificate subject, issuer, validity).
    signature_details: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    remote_url: str | None = None
    error_kind: ErrorKind | None = None
    message: str | None = None
    #: The library's exception class, for the report's evidence.
    library_error: str | None = None
    #: The active manifest's store as JUMBF bytes (its signature holds the certificates).
    manifest_jumbf: bytes | None = None
    #: False when the manifest store was fetched from `remote_url` (with --allow-network).
    embedded: bool = True
    #: The library's own problems with optional detail (crJSON), kept as notes.
    notes: tuple[str, ...] = ()


_URL = re.compile(r"https?://[^\s\"'<>]+")
#: Punctuation that closes the sentence around a URL in a library message, not the URL.
_URL_TRAILER = ").,;:]}'\""

#: Library exception class name -> error kind. `ManifestNotFound` is not an error.
_ERROR_KINDS: dict[str, ErrorKind] = {
    "NotSupported": ErrorKind.UNSUPPORTED,
    "Io": ErrorKind.UNREADABLE,
    "FileNotFound": ErrorKind.UNREADABLE,
    "Other": ErrorKind.MALFORMED,
    "Verify": ErrorKind.MALFORMED,
    "Decoding": ErrorKind.MALFORMED,
    "Encoding": ErrorKind.MALFORMED,
    "Json": ErrorKind.MALFORMED,
    "Manifest": ErrorKind.MALFORMED,
    "Assertion": ErrorKind.MALFORMED,
    "AssertionNotFound": ErrorKind.MALFORMED,
    "ResourceNotFound": ErrorKind.MALFORMED,
    "Signature": ErrorKind.MALFORMED,
    "RemoteManifest": ErrorKind.MALFORMED,
}


def _c2pa() -> Any:
    """The binding, imported on first use.

    Only processes that read assets load the native library: the batch runner's parent
    process (inputs, pool, output) never does, and its workers get it preloaded by the
    fork server (verify/pool.py).
    """
    import c2pa

    return c2pa


def library_versions() -> dict[str, str]:
    """Versions of the binding and of c2pa-rs, as the library reports them."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        binding = version("c2pa-python")
    except PackageNotFoundError:  # pragma: no cover - only in odd installs
        binding = "unknown"
    return {"c2pa-python": binding, "c2pa-rs": str(_c2pa().sdk_version())}


def version_text() -> str:
    """Our version with the binding's and c2pa-rs's, as `--version` prints it."""
    from . import __version__

    libs = library_versions()
    return (
        f"c2pa-verify {__version__} (c2pa-python {libs['c2pa-python']}, c2pa-rs {libs['c2pa-rs']})"
    )


def supported_mime_types() -> frozenset[str]:
    """Media types the native reader accepts."""
    return frozenset(_c2pa().Reader.get_supported_mime_types())


def error_name(exc: BaseException) -> str:
    """`_C2paOther` -> `Other`; plain `C2paError` stays as it is."""
    name = type(exc).__name__
    return name.removeprefix("_C2pa") if name.startswith("_C2pa") else name


def classify_exception(exc: BaseException) -> ReadOutcome:
    """Map a library exception to an outcome (pure; tested without files)."""
    message = str(exc)
    name = error_name(exc)
    if name == "ManifestNotFound":
        return ReadOutcome(ReadKind.NO_MANIFEST, library_error=name, message=message)
    if message.startswith("Remote:") or name == "RemoteManifest":
        found = _URL.search(message)
        return ReadOutcome(
            ReadKind.REMOTE,
            remote_url=found.group(0).rstrip(_URL_TRAILER) if found else None,
            message=message,
            library_error=name,
        )
    if isinstance(exc, _c2pa().C2paError):
        kind = _ERROR_KINDS.get(name, ErrorKind.MALFORMED)
    elif isinstance(exc, OSError):
        kind = ErrorKind.UNREADABLE
    else:
        kind = ErrorKind.INTERNAL
    return ReadOutcome(ReadKind.ERROR, error_kind=kind, message=message, library_error=name)


def _signature_details(crjson_text: str) -> dict[str, Mapping[str, Any]]:
    try:
        doc = json.loads(crjson_text)
    except ValueError:
        return {}
    out: dict[str, Mapping[str, Any]] = {}
    manifests = doc.get("manifests") if isinstance(doc, dict) else None
    if not isinstance(manifests, list):
        return out
    for m in manifests:
        if (
            isinstance(m, dict)
            and isinstance(m.get("label"), str)
            and isinstance(m.get("signature"), dict)
        ):
            out[m["label"]] = m["signature"]
    return out


class ManifestReader:
    """Reads manifest stores with one native Context built up front.

    Build one per process (or per worker) and reuse it: the Context carries the trust
    anchors and the network settings. Not for sharing between threads.
    """

    def __init__(
        self,
        trust_anchors_pem: str | None = None,
        allow_network: bool = False,
        trust_settings: Mapping[str, Any] | None = None,
    ) -> None:
        self.allow_network = allow_network
        self.settings = build_settings(trust_anchors_pem, allow_network, trust_settings)
        self._c2pa = _c2pa()
        self._context = self._c2pa.Context.from_dict(self.settings)

    def read_path(
        self, path: Path, mime: str | None, manifest_data: bytes | None = None
    ) -> ReadOutcome:
        """Read an asset from a file path (fastest: the library streams it)."""
        try:
            with path.open("rb") as fh:
                return self._read(mime, fh, manifest_data)
        except OSError as exc:
            return ReadOutcome(
                ReadKind.ERROR,
                error_kind=ErrorKind.UNREADABLE,
                message=str(exc),
                library_error=None,
            )

    def read_bytes(
        self, data: bytes, mime: str | None, manifest_data: bytes | None = None
    ) -> ReadOutcome:
        """Read an asset held in memory."""
        return self._read(mime, io.BytesIO(data), manifest_data)

    def _read(self, mime: str | None, stream: Any, manifest_data: bytes | None) -> ReadOutcome:
        try:
            reader = self._c2pa.Reader(mime, stream, manifest_data, context=self._context)
        except Exception as exc:  # every library failure becomes a value
            return classify_exception(exc)
        notes: list[str] = []
        try:
            with reader:
                store = json.loads(reader.json())
                details = _optional_details(reader, notes)
                jumbf = _manifest_jumbf(reader, store)
                embedded, remote_url = _location(reader)
        except Exception as exc:
            return classify_exception(exc)
        if not isinstance(store, dict):
            return ReadOutcome(
                ReadKind.ERROR,
                error_kind=ErrorKind.MALFORMED,
                message="manifest store is not an object",
            )
        return ReadOutcome(
            ReadKind.MANIFEST,
            store=store,
            signature_details=details,
            manifest_jumbf=jumbf,
            embedded=embedded,
            remote_url=remote_url,
            notes=tuple(notes),
        )


@dataclass(frozen=True)
class ResourceRead:
    """A manifest store read without validation, with the resources that were asked for."""

    kind: ReadKind
    store: Mapping[str, Any] | None = None
    #: identifier -> bytes, for every selected resource that could be read within the limit.
    resources: Mapping[str, bytes] = field(default_factory=dict)
    #: identifier -> why it was not read (missing, over the size limit, library error).
    failed: Mapping[str, str] = field(default_factory=dict)
    message: str | None = None


class ResourceTooLarge(Exception):
    """Raised inside the sink when a resource grows past its limit (never escapes)."""


class _BoundedSink(io.RawIOBase):
    """A writable stream that refuses to hold more than `limit` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.buffer = bytearray()
        self.overflowed = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if len(self.buffer) + len(chunk) > self.limit:
            self.overflowed = True
            raise ResourceTooLarge
        self.buffer.extend(chunk)
        return len(chunk)


class ResourceReader:
    """Reads manifest stores *without* validating them, to extract embedded resources.

    The report comes from :class:`ManifestReader`; this reader only fetches bytes the
    store already holds (claim and ingredient thumbnails) for the HTML view, so it skips
    hashing the asset (`verify.verify_after_reading=false`). Offline unless asked.
    """

    def __init__(self, allow_network: bool = False) -> None:
        settings = build_settings(None, allow_network)
        settings["verify"]["verify_after_reading"] = False
        self._c2pa = _c2pa()
        self._context = self._c2pa.Context.from_dict(settings)

    def read(
        self,
        source: Path | bytes,
        mime: str | None,
        select: Callable[[Mapping[str, Any]], Iterable[str]],
        max_bytes: int,
        manifest_data: bytes | None = None,
    ) -> ResourceRead:
        """Open the store, then copy out each resource `select(store)` names, up to `max_bytes`."""
        try:
            if isinstance(source, bytes):
                return self._read(io.BytesIO(source), mime, select, max_bytes, manifest_data)
            with source.open("rb") as fh:
                return self._read(fh, mime, select, max_bytes, manifest_data)
        except OSError as exc:
            return ResourceRead(ReadKind.ERROR, message=str(exc))

    def _read(
        self,
        stream: Any,
        mime: str | None,
        select: Callable[[Mapping[str, Any]], Iterable[str]],
        max_bytes: int,
        manifest_data: bytes | None,
    ) -> ResourceRead:
        try:
            reader = self._c2pa.Reader(mime, stream, manifest_data, context=self._context)
        except Exception as exc:  # every library failure becomes a value
            outcome = classify_exception(exc)
            return ResourceRead(outcome.kind, message=outcome.message)
        resources: dict[str, bytes] = {}
        failed: dict[str, str] = {}
        try:
            with reader:
                store = json.loads(reader.json())
                if not isinstance(store, dict):
                    return ResourceRead(ReadKind.ERROR, message="manifest store is not an object")
                for identifier in select(store):
                    sink = _BoundedSink(max_bytes)
                    try:
                        reader.resource_to_stream(identifier, sink)
                    except Exception as exc:
                        failed[identifier] = _resource_problem(exc, sink, max_bytes)
                    else:
                        resources[identifier] = bytes(sink.buffer)
        except Exception as exc:
            outcome = classify_exception(exc)
            return ResourceRead(outcome.kind, message=outcome.message)
        return ResourceRead(ReadKind.MANIFEST, store=store, resources=resources, failed=failed)


def _resource_problem(exc: BaseException, sink: _BoundedSink, max_bytes: int) -> str:
    # The binding turns an exception in our sink into a failed native call: ask the sink.
    if sink.overflowed or isinstance(exc, ResourceTooLarge):
        return f"over the limit of {max_bytes} bytes"
    message = str(exc)
    name = error_name(exc)
    return message if message.startswith(name) else f"{name}: {message}"


def _optional_details(reader: Any, notes: list[str]) -> dict[str, Mapping[str, Any]]:
    """Certificate details from crJSON; its failure loses them, never the report."""
    try:
        return _signature_details(reader.crjson())
    except Exception as exc:
        notes.append(f"certificate details (crJSON) could not be read: {error_name(exc)}: {exc}")
        return {}


def _location(reader: Any) -> tuple[bool, str | None]:
    """(embedded, remote URL): a store fetched from its URL (with --allow-network).

    A sidecar or a `.c2pa` file is not embedded either, but has no remote URL: only a
    store the library fetched counts as remote.
    """
    try:
        if reader.is_embedded():
            return True, None
        url = reader.get_remote_url()
    except Exception:  # an older binding without these: the store was read locally
        return True, None
    if isinstance(url, str) and url:
        return False, url
    return True, None


def _manifest_jumbf(reader: Any, store: Any) -> bytes | None:
    """The active manifest's store as JUMBF (c2pa-rs streams it for a manifest URI).

    The binding exposes no certificates; the signature inside these bytes has them.
    None when the library cannot give them: the report then says so, nothing fails.
    """
    label = store.get("active_manifest") if isinstance(store, dict) else None
    if not isinstance(label, str):
        return None
    out = io.BytesIO()
    try:
        reader.resource_to_stream(f"self#jumbf=/c2pa/{label}", out)
    except Exception:  # an unreadable signature is reported by the policy, not raised
        return None
    return out.getvalue()


def build_settings(
    trust_anchors_pem: str | None,
    allow_network: bool,
    trust_settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """c2pa-rs settings: offline unless asked, trust anchors or trust lists when given."""
    settings: dict[str, Any] = {
        "verify": {
            "remote_manifest_fetch": allow_network,
            "ocsp_fetch": allow_network,
        },
    }
    if not allow_network:
        settings["core"] = {"allowed_network_hosts": []}
    trust: dict[str, Any] = dict(trust_settings or {})
    if trust_anchors_pem:
        trust["trust_anchors"] = trust_anchors_pem
    if trust:
        settings["trust"] = trust
    return settings
