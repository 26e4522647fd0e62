"""The core: bytes or a path in, exactly one :class:`~verify.report.Report` out.

Everything else (CLI, batch runner, renderers) is a thin layer over
:class:`Verifier`. No input makes it raise: failures become reports with an error kind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from . import combine, fastpath, images, media
from .declaration import (
    Basis,
    Declaration,
    Origin,
    classify_declaration,
    declaration_basis,
    signed_basis,
)
from .detectors import applicable, run_detectors
from .detectors.soft_binding import soft_binding_signals
from .integrity import Integrity, IntegrityAssessment, assess_integrity
from .limits import DEFAULT_LIMITS, Limits
from .model import ManifestStore, Validation
from .parse import parse_store
from .provenance import build_provenance
from .reader import ErrorKind, ManifestReader, ReadKind, ReadOutcome
from .report import (
    REMOTE_FETCH_FAILED,
    Credentials,
    DeclarationReport,
    IntegrityDetail,
    Report,
    ReportError,
    Signer,
    ValidationState,
    ValidationSummary,
)
from .trust.anchors import TrustIndex
from .trust.certfiles import write_chain
from .trust.identity import SignatureEvidence, SignerContext, build_signer, read_evidence
from .trust.lists import TrustList

_CHUNK = 1 << 20
SIDECAR_SUFFIX = ".c2pa"
SIDECAR_TYPE = "application/c2pa"


@dataclass(frozen=True)
class CheckOptions:
    """What a check may use: trust lists and anchors, the network, and its limits."""

    trust_anchors_pem: str | None = None
    allow_network: bool = False
    limits: Limits = field(default_factory=lambda: DEFAULT_LIMITS)
    #: Named trust lists (see `verify.trust.config.load_lists` for the CLI's selection).
    trust_lists: tuple[TrustList, ...] = ()
    #: Write each signer's certificate chain as PEM into this directory.
    certs_dir: str | None = None
    #: Skip the native reader for JPEG/PNG files whose container shows no credentials
    #: (verify/fastpath.py). Off only to compare against the full read.
    fast_path: bool = True
    #: Also decode the invisible Stable Diffusion / FLUX watermark (costs a full image
    #: decode; needs the `watermark` extra).
    watermarks: bool = False
    #: Base URL of a C2PA Soft Binding Resolution API to ask about `c2pa.soft-binding`
    #: assertions; used only with `allow_network` (verify/detectors/resolver.py).
    soft_binding_resolver: str | None = None

    def all_trust_lists(self) -> tuple[TrustList, ...]:
        """`trust_lists`, plus `trust_anchors_pem` as a list of its own."""
        if not self.trust_anchors_pem:
            return self.trust_lists
        return (*self.trust_lists, TrustList(ANCHORS_NAME, anchors_pem=self.trust_anchors_pem))


#: The list name given to `CheckOptions.trust_anchors_pem`.
ANCHORS_NAME = "configured trust anchors"


@dataclass(frozen=True)
class _Read:
    outcome: ReadOutcome
    credentials: Credentials
    standalone: bool = False
    note: str | None = None
    #: The check was allowed to use the network (a remote manifest could be fetched).
    network: bool = False


def _state(value: str | None) -> ValidationState | None:
    if value is None:
        return None
    try:
        return ValidationState(value.lower())
    except ValueError:
        return None


def summarize_validation(validation: Validation) -> ValidationSummary:
    """State plus failure/informational codes; ingredient codes prefixed `ingredient:`."""

    def unique(codes: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(codes))

    failures = [e.code for e in validation.failure]
    informational = [e.code for e in validation.informational]
    for delta in validation.ingredient_deltas:
        failures.extend(f"ingredient:{e.code}" for e in delta.failure)
        informational.extend(f"ingredient:{e.code}" for e in delta.informational)
    return ValidationSummary(
        state=_state(validation.state),
        failures=unique(failures),
        informational=unique(informational),
    )


_NO_TRUST = SignerContext(TrustIndex())


def signer_of(
    store: ManifestStore,
    evidence: SignatureEvidence | None = None,
    context: SignerContext = _NO_TRUST,
    integrity: Integrity = Integrity.INTACT,
) -> Signer | None:
    """The active manifest's signer with its trust assessment."""
    return build_signer(store, evidence or SignatureEvidence(), context, integrity)


def _declaration_report(
    declaration: Declaration, basis: Basis, explanation: str | None = None
) -> DeclarationReport:
    return DeclarationReport(
        origin=declaration.origin,
        declares_ai=declaration.declares_ai,
        basis=basis,
        ai_tools=declaration.ai_tools,
        evidence=declaration.evidence,
        explanation=explanation or declaration.rule,
    )


_NO_DECLARATION = Declaration(Origin.NOT_DECLARED, (), (), "no Content Credentials found")


def _unknown_integrity(why: str) -> IntegrityAssessment:
    return IntegrityAssessment(Integrity.UNKNOWN, (), why)


def _report_without_store(base: dict[str, object], read: _Read) -> Report:
    outcome = read.outcome
    notes = [read.note] if read.note else []
    if outcome.kind is ReadKind.NO_MANIFEST:
        return Report(
            **base,  # type: ignore[arg-type]
            credentials=Credentials.NONE,
            validation=ValidationSummary(state=None),
            integrity=Integrity.UNKNOWN,
            integrity_detail=IntegrityDetail((), "no Content Credentials to check"),
            signer=None,
            declaration=_declaration_report(_NO_DECLARATION, Basis.NONE),
            provenance=None,
            error=None,
            notes=tuple(notes),
        )
    undetermined = Declaration(Origin.UNDETERMINED, (), (), "")
    if outcome.kind is ReadKind.REMOTE:
        if read.network:
            why = REMOTE_FETCH_FAILED
            said = (
                "Content Credentials are stored remotely and could not be fetched:"
                f" {outcome.message}"
            )
        else:
            why = "the manifest is stored remotely; fetching it needs --allow-network"
            said = "Content Credentials are stored remotely and were not fetched (offline)"
        return Report(
            **base,  # type: ignore[arg-type]
            credentials=Credentials.REMOTE,
            remote_url=outcome.remote_url,
            validation=ValidationSummary(state=None),
            integrity=Integrity.UNKNOWN,
            integrity_detail=IntegrityDetail((), why),
            signer=None,
            declaration=_declaration_report(undetermined, Basis.NONE, said),
            provenance=None,
            error=None,
            notes=tuple(notes),
        )
    kind = outcome.error_kind or ErrorKind.INTERNAL
    message = outcome.message or "unknown error"
    if outcome.library_error:
        message = (
            f"{outcome.library_error}: {message}"
            if not message.startswith(outcome.library_error)
            else message
        )
    return Report(
        **base,  # type: ignore[arg-type]
        credentials=Credentials.UNREADABLE,
        validation=ValidationSummary(state=None),
        integrity=Integrity.UNKNOWN,
        integrity_detail=IntegrityDetail((), "the asset could not be checked"),
        signer=None,
        declaration=_declaration_report(undetermined, Basis.NONE, "the asset could not be checked"),
        provenance=None,
        error=ReportError(kind=kind, message=message),
        notes=tuple(notes),
    )


def build_report(
    base: dict[str, object],
    read: _Read,
    limits: Limits,
    context: SignerContext = _NO_TRUST,
    evidence: SignatureEvidence | None = None,
) -> Report:
    """Combine the read outcome and the policies into the report (no I/O)."""
    outcome = read.outcome
    if outcome.kind is not ReadKind.MANIFEST or outcome.store is None:
        return _report_without_store(base, read)
    store = parse_store(outcome.store, limits, outcome.signature_details)
    if evidence is None:
        evidence = read_evidence(outcome.manifest_jumbf, store.active_label)
    notes = [*store.notes, *outcome.notes]
    if read.note:
        notes.append(read.note)
    if not outcome.embedded and outcome.remote_url:
        notes.append(f"manifest store fetched from {outcome.remote_url} (--allow-network)")
    integrity = assess_integrity(store.validation, standalone_manifest=read.standalone)
    if read.standalone:
        notes.append(
            "a .c2pa manifest store read on its own: there is no asset to compare hashes with"
        )
    signer = signer_of(store, evidence, context, integrity.integrity)
    if signer is not None and evidence.problem:
        notes.append(f"the signer's certificates could not be read: {evidence.problem}")
    declaration = classify_declaration(store, limits=limits)
    classified = {store.active_label: declaration.origin} if store.active_label else {}
    if declaration.truncated:
        why = (
            f"it stopped at max_depth={limits.max_depth}"
            if declaration.depth_cut
            else "a limit above cut what it could read"
        )
        notes.append(
            f"the provenance walk did not see every manifest ({why}); a verdict other than"
            " AI is left undetermined"
        )
    explanation = None
    if declaration.origin is Origin.NOT_DECLARED and integrity.integrity is Integrity.MALFORMED:
        declaration = dataclasses.replace(declaration, origin=Origin.UNDETERMINED, ai_tools=())
        explanation = "the manifest is malformed; a declaration in it may not have been readable"
    trust = signer.trust if signer else None
    basis = declaration_basis(declaration, integrity.integrity, trust, store.active_label)
    soft = soft_binding_signals(store, signed_basis(integrity.integrity, trust), limits)
    return Report(
        **base,  # type: ignore[arg-type]
        credentials=read.credentials,
        remote_url=outcome.remote_url if not outcome.embedded else None,
        validation=summarize_validation(store.validation),
        integrity=integrity.integrity,
        integrity_detail=IntegrityDetail(integrity.codes, integrity.explanation),
        signer=signer,
        declaration=_declaration_report(declaration, basis, explanation),
        provenance=build_provenance(store, limits, classified),
        error=None,
        notes=tuple(notes),
        signals=soft,
    )


def error_report(path: str, kind: ErrorKind, message: str, size: int | None = None) -> Report:
    """The report for an input that could not be checked at all (timed out, crashed, ...)."""
    base: dict[str, object] = {"path": path, "size": size, "sha256": None, "media_type": None}
    return _error_report(base, kind, message)


def not_regular_message(directory: bool) -> str:
    """Why a directory, FIFO or device is `unsupported` (it is never opened)."""
    what = "a directory" if directory else "not a regular file"
    return f"{what}; only regular files are checked"


def too_large_message(size: int, limits: Limits) -> str:
    """Why an input over `max_size` is `too_large` (it is not read)."""
    return f"{size} bytes is over the limit of {limits.max_size} (max_size)"


def _failure_report(base: dict[str, object], exc: Exception) -> Report:
    """An exception escaped the check: out of memory is the input's size, the rest a bug."""
    if isinstance(exc, MemoryError):
        return _error_report(
            base, ErrorKind.TOO_LARGE, "ran out of memory while checking this input"
        )
    return _error_report(base, ErrorKind.INTERNAL, f"{type(exc).__name__}: {exc}")


def _error_report(base: dict[str, object], kind: ErrorKind, message: str) -> Report:
    return _report_without_store(
        base,
        _Read(
            ReadOutcome(ReadKind.ERROR, error_kind=kind, message=message), Credentials.UNREADABLE
        ),
    )


@dataclass(frozen=True)
class SidecarSource:
    """A `.c2pa` sidecar, looked at only when the asset embeds no manifest.

    `size()` is its size in bytes, or None when there is no such regular file; `read()`
    its bytes. Both may raise OSError (then there is no sidecar, or it is unreadable).
    """

    name: str
    size: Callable[[], int | None]
    read: Callable[[], bytes]


def file_sidecar(path: Path) -> SidecarSource:
    """The sidecar at `path` on the local file system."""

    def size() -> int | None:
        st = path.stat()
        return st.st_size if stat.S_ISREG(st.st_mode) else None

    return SidecarSource(path.name, size, path.read_bytes)


class Verifier:
    """Checks assets with one native reader (one Context) built up front."""

    def __init__(
        self, options: CheckOptions | None = None, reader: ManifestReader | None = None
    ) -> None:
        self.options = options or CheckOptions()
        images.apply_pixel_limit(self.options.limits)
        # Parsed once: a verifier per process or worker loads its lists once.
        self.trust = TrustIndex(self.options.all_trust_lists())
        self.reader = reader or ManifestReader(
            allow_network=self.options.allow_network, trust_settings=self.trust.c2pa_settings()
        )
        self._context = SignerContext(self.trust, self.options.allow_network)
        self._certs_dir = Path(self.options.certs_dir) if self.options.certs_dir else None

    @property
    def limits(self) -> Limits:
        return self.options.limits

    def check_path(self, path: str | Path, display: str | None = None) -> Report:
        """Check one file. Never raises for anything the file contains or lacks."""
        p = Path(path)
        name = display if display is not None else str(path)
        base: dict[str, object] = {"path": name, "size": None, "sha256": None, "media_type": None}
        try:
            return self._check_path(p, base)
        except Exception as exc:  # a bug must still yield one report for this input
            return _failure_report(base, exc)

    def _check_path(self, p: Path, base: dict[str, object]) -> Report:
        try:
            st = p.stat()
        except OSError as exc:
            return _error_report(base, ErrorKind.UNREADABLE, exc.strerror or str(exc))
        except ValueError as exc:  # a NUL byte in the name: no such file can exist
            return _error_report(base, ErrorKind.UNREADABLE, str(exc))
        if not stat.S_ISREG(st.st_mode):
            return _error_report(
                base, ErrorKind.UNSUPPORTED, not_regular_message(stat.S_ISDIR(st.st_mode))
            )
        base["size"] = st.st_size
        if st.st_size > self.limits.max_size:
            return _error_report(
                base, ErrorKind.TOO_LARGE, too_large_message(st.st_size, self.limits)
            )
        try:
            scan = _scan_file(p, self.limits.max_size)
        except OSError as exc:
            return _error_report(base, ErrorKind.UNREADABLE, exc.strerror or str(exc))
        except _NotRegular:
            return _error_report(base, ErrorKind.UNSUPPORTED, not_regular_message(False))
        except _Grew:
            return _error_report(
                base,
                ErrorKind.TOO_LARGE,
                f"grew past the limit of {self.limits.max_size} (max_size) while being read",
            )
        base["size"] = scan.size
        base["sha256"] = scan.digest
        mime = scan.mime
        base["media_type"] = mime
        read = self._read_path(p, mime, scan)
        return self._report(base, read, lambda: _signal_bytes(p, scan, self.limits))

    def _signals(self, report: Report, data: Callable[[], bytes | None]) -> Report:
        """The report with the signal detectors' findings, combined with its declaration."""
        if not applicable(report.media_type, self.options.watermarks):
            return combine.apply(report, ())
        content = data()
        if content is None:
            return combine.apply(report, ())
        notes: tuple[str, ...] = ()
        if report.size is not None and report.size > len(content):
            notes = (
                f"only the first {len(content)} bytes were examined for metadata and"
                " watermarks (max_signal_bytes)",
            )
        found = run_detectors(
            content, report.media_type, self.limits, watermarks=self.options.watermarks
        )
        return combine.apply(report, found.signals, (*notes, *found.notes))

    def _resolve(self, report: Report) -> Report:
        """The report with its soft bindings resolved, when a resolver is configured."""
        url = self.options.soft_binding_resolver
        if url is None or not report.signals:
            return report
        # Imported here: urllib.request is only worth loading when a resolver is set.
        from .detectors.resolver import Resolver, resolve_signals

        signals = resolve_signals(
            report.signals, Resolver(url), self.options.allow_network, self.limits
        )
        return dataclasses.replace(report, signals=signals)

    def _report(
        self, base: dict[str, object], read: _Read, data: Callable[[], bytes | None]
    ) -> Report:
        """Build the report with its signals; with `certs_dir`, also write the signer's chain."""
        if self.options.allow_network:
            read = dataclasses.replace(read, network=True)
        outcome = read.outcome
        active = outcome.store.get("active_manifest") if outcome.store else None
        evidence = read_evidence(
            outcome.manifest_jumbf, active if isinstance(active, str) else None
        )
        report = build_report(base, read, self.limits, self._context, evidence)
        report = self._signals(self._resolve(report), data)
        if report.credentials is Credentials.REMOTE and report.remote_url is None:
            # A failed fetch's message may not name the URL; the XMP reference does.
            report = dataclasses.replace(report, remote_url=_provenance_url(report))
        if self._certs_dir is None or report.signer is None or not evidence.chain:
            return report
        try:
            write_chain(self._certs_dir, evidence.signer_sha256 or "", evidence.chain)
        except OSError as exc:
            note = f"could not write the certificate chain to {self._certs_dir}: {exc}"
            return dataclasses.replace(report, notes=(*report.notes, note))
        return report

    def _read_path(self, p: Path, mime: str, scan: _Scan) -> _Read:
        if _standalone_store(p.name, mime):
            outcome = self.reader.read_path(p, SIDECAR_TYPE)
            return _Read(outcome, Credentials.SIDECAR, standalone=True)
        data = scan.data
        if self.options.fast_path and not scan.marked and _plain_container(p, mime, scan):
            outcome = _NO_MANIFEST
        elif data is not None:
            # The whole file is already in memory from the hashing pass: read it once.
            outcome = self.reader.read_bytes(data, mime)
        else:
            outcome = self.reader.read_path(p, mime)
        if outcome.kind in (ReadKind.NO_MANIFEST, ReadKind.REMOTE):
            found = self._read_sidecar(
                file_sidecar(p.with_suffix(SIDECAR_SUFFIX)),
                lambda side: (
                    self.reader.read_path(p, mime, side)
                    if data is None
                    else self.reader.read_bytes(data, mime, side)
                ),
            )
            if found is not None:
                return found
        return _Read(outcome, _credentials_for(outcome))

    def _read_sidecar(
        self, sidecar: SidecarSource, read: Callable[[bytes], ReadOutcome]
    ) -> _Read | None:
        try:
            size = sidecar.size()
        except OSError:
            return None
        if size is None:
            return None
        note = f"manifest read from the sidecar {sidecar.name}"
        if size > self.limits.max_size:
            return _Read(
                ReadOutcome(
                    ReadKind.ERROR,
                    error_kind=ErrorKind.TOO_LARGE,
                    message=f"sidecar {sidecar.name} is over max_size",
                ),
                Credentials.UNREADABLE,
                note=note,
            )
        try:
            data = sidecar.read()
        except OSError as exc:
            return _Read(
                ReadOutcome(ReadKind.ERROR, error_kind=ErrorKind.UNREADABLE, message=str(exc)),
                Credentials.UNREADABLE,
                note=note,
            )
        outcome = read(data)
        return _Read(outcome, _credentials_for(outcome, Credentials.SIDECAR), note=note)

    def check_bytes(
        self,
        data: bytes,
        name: str = "-",
        media_type: str | None = None,
        sidecar: bytes | None = None,
        *,
        sidecar_source: SidecarSource | None = None,
    ) -> Report:
        """Check an asset held in memory (standard input, an upload).

        `sidecar`: manifest bytes to validate the asset against when it embeds none.
        `sidecar_source`: a sidecar looked up only then, as `check_path` looks for the
        `.c2pa` file beside the asset (the Dask adapter passes one on remote storage).
        """
        base: dict[str, object] = {
            "path": name,
            "size": len(data),
            "sha256": None,
            "media_type": None,
        }
        try:
            if len(data) > self.limits.max_size:
                return _error_report(
                    base, ErrorKind.TOO_LARGE, too_large_message(len(data), self.limits)
                )
            base["sha256"] = hashlib.sha256(data).hexdigest()
            mime = media_type or media.detect(data[: media.SNIFF_BYTES], name)
            base["media_type"] = mime

            def content() -> bytes:
                return data[: self.limits.max_signal_bytes]

            if _standalone_store(name, mime):
                outcome = self.reader.read_bytes(data, SIDECAR_TYPE)
                return self._report(
                    base, _Read(outcome, Credentials.SIDECAR, standalone=True), content
                )
            if self.options.fast_path and not fastpath.needs_reader(data, mime):
                outcome = _NO_MANIFEST
            else:
                outcome = self.reader.read_bytes(data, mime)
            if sidecar_source is not None and outcome.kind in (
                ReadKind.NO_MANIFEST,
                ReadKind.REMOTE,
            ):
                found = self._read_sidecar(
                    sidecar_source, lambda side: self.reader.read_bytes(data, mime, side)
                )
                if found is not None:
                    return self._report(base, found, content)
            if sidecar is not None and outcome.kind in (ReadKind.NO_MANIFEST, ReadKind.REMOTE):
                side = self.reader.read_bytes(data, mime, sidecar)
                return self._report(
                    base,
                    _Read(
                        side,
                        _credentials_for(side, Credentials.SIDECAR),
                        note="manifest read from the sidecar",
                    ),
                    content,
                )
            return self._report(base, _Read(outcome, _credentials_for(outcome)), content)
        except Exception as exc:
            return _failure_report(base, exc)


def _provenance_url(report: Report) -> str | None:
    """The `dcterms:provenance` URL the XMP detector found, if any."""
    for sig in report.signals:
        if sig.field.endswith("provenance") and sig.value.startswith(("http://", "https://")):
            return sig.value
    return None


def _standalone_store(name: str, mime: str) -> bool:
    """A `.c2pa` manifest store on its own, by name or by type (paths and bytes alike: the
    Dask adapter checks files by URL through `check_bytes`)."""
    return mime == SIDECAR_TYPE or PurePath(name).suffix.lower() == SIDECAR_SUFFIX


def _credentials_for(
    outcome: ReadOutcome, found: Credentials = Credentials.EMBEDDED
) -> Credentials:
    if outcome.kind is ReadKind.MANIFEST:
        # A store fetched from the asset's remote reference (with --allow-network).
        return found if outcome.embedded else Credentials.REMOTE
    if outcome.kind is ReadKind.NO_MANIFEST:
        return Credentials.NONE
    if outcome.kind is ReadKind.REMOTE:
        return Credentials.REMOTE
    return Credentials.UNREADABLE


_NO_MANIFEST = ReadOutcome(ReadKind.NO_MANIFEST, message="no C2PA markers in the container")


@dataclass(frozen=True)
class _Scan:
    """What one pass over a file gave: its hash, type, and the fast-path facts."""

    head: bytes
    digest: str
    size: int
    mime: str
    #: A C2PA marker occurs somewhere in the file (the fast path does not apply). Only
    #: looked for in the types the fast path serves; True (read it) for the others.
    marked: bool
    #: The whole file, when it fit in the first read (else None).
    data: bytes | None


class _NotRegular(Exception):
    """The path turned into something else than a regular file between stat and open."""


class _Grew(Exception):
    """The file grew past max_size while it was read."""


def _scan_file(p: Path, max_size: int) -> _Scan:
    """Hash the file and look for C2PA markers, in one pass, reading at most max_size.

    Opened without blocking and checked again on the open descriptor: a file swapped
    for a FIFO after `stat` is refused instead of hanging the read.
    """
    fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise _NotRegular
        digest = hashlib.sha256()
        first = fh.read(_CHUNK)
        mime = media.detect(first[: media.SNIFF_BYTES], p.name)
        markers = fastpath.MarkerScan() if mime in fastpath.FAST_TYPES else None
        size = 0
        chunk = first
        while chunk:
            digest.update(chunk)
            if markers is not None:
                markers.feed(chunk)
            size += len(chunk)
            if size > max_size:
                raise _Grew
            chunk = fh.read(_CHUNK)
    whole = first if len(first) == size else None
    marked = markers.found if markers is not None else True
    return _Scan(first[: media.SNIFF_BYTES], digest.hexdigest(), size, mime, marked, whole)


def _signal_bytes(p: Path, scan: _Scan, limits: Limits) -> bytes | None:
    """What the signal detectors read: the file, or its first `max_signal_bytes`."""
    if scan.data is not None:
        return scan.data[: limits.max_signal_bytes]
    try:
        with p.open("rb") as fh:
            return fh.read(limits.max_signal_bytes)
    except OSError:
        return None


def _plain_container(p: Path, mime: str, scan: _Scan) -> bool:
    """The fast path's container check, in memory or with positioned reads of the file."""
    if mime not in fastpath.FAST_TYPES:
        return False
    data = scan.data
    if data is not None:
        return fastpath.container_without_manifest(
            mime, scan.size, lambda offset, n: data[offset : offset + n]
        )
    try:
        fd = os.open(p, os.O_RDONLY)
    except OSError:
        return False  # the full read reports why
    try:
        return fastpath.container_without_manifest(
            mime, scan.size, lambda offset, n: os.pread(fd, n, offset)
        )
    except OSError:
        return False
    finally:
        os.close(fd)


_default: dict[CheckOptions, Verifier] = {}


def _verifier(options: CheckOptions | None) -> Verifier:
    key = options or CheckOptions()
    if key not in _default:
        _default[key] = Verifier(key)
    return _default[key]


def verify_path(path: str | Path, options: CheckOptions | None = None) -> Report:
    """Check one file with a process-wide verifier for these options."""
    return _verifier(options).check_path(path)


def verify_bytes(
    data: bytes, name: str = "-", media_type: str | None = None, options: CheckOptions | None = None
) -> Report:
    """Check an in-memory asset with a process-wide verifier for these options."""
    return _verifier(options).check_bytes(data, name=name, media_type=media_type)
