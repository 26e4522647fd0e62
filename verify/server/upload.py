"""The upload: the request body read within a byte limit, raw or multipart.

The body is counted while it streams, whatever the framing (Content-Length or chunked),
and reading stops at the first byte over the limit. Multipart bodies are parsed from the
same counted stream into memory (no temporary files); only the `file` and `sidecar`
parts are accepted, so every byte held belongs to the asset.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

from .. import media

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

#: The form field that carries the asset, and the optional one with its `.c2pa` sidecar.
FILE_FIELD = "file"
SIDECAR_FIELD = "sidecar"
FORM_FIELDS = (FILE_FIELD, SIDECAR_FIELD)
#: The report's `path` when the client names no file (as for standard input in the CLI).
UNNAMED = "-"
#: What an upload is checked as when nothing says what it is (then: 415).
OCTET_STREAM = "application/octet-stream"

#: Content types that name no media type: the bytes and the file name decide.
#: (`curl --data-binary` sends application/x-www-form-urlencoded unless told otherwise.)
GENERIC_TYPES = frozenset(
    {
        "application/octet-stream",
        "binary/octet-stream",
        "application/x-www-form-urlencoded",
        "application/unknown",
        "*/*",
    }
)
#: Names clients use for a type the library knows by another name.
ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg"}


class BodyTooLarge(Exception):
    """The request body is over the configured limit."""

    def __init__(self, limit: int, declared: int | None = None) -> None:
        self.limit = limit
        self.declared = declared
        size = f"{declared} bytes" if declared is not None else "the request body"
        super().__init__(f"{size} is over the limit of {limit} bytes (--max-body)")


class MalformedUpload(Exception):
    """The request cannot be read as an upload (bad framing, bad multipart, no file)."""


@dataclass(frozen=True)
class Upload:
    """One asset received: its bytes, its name, and the type the client declared."""

    data: bytes
    name: str
    declared_type: str | None
    sidecar: bytes | None = None


def media_type_of(content_type: str | None) -> str | None:
    """`Image/JPEG; q=1` -> `image/jpeg`; types that name no media (octet-stream) -> None."""
    if not content_type:
        return None
    value = content_type.split(";", 1)[0].strip().lower()
    if not value or value in GENERIC_TYPES:
        return None
    return ALIASES.get(value, value)


def choose_media_type(head: bytes, declared: str | None, filename: str | None) -> str:
    """The type an upload is checked as.

    As in the CLI, the bytes decide when they are recognisable; otherwise the declared
    type, then the file name's extension. SVG (text), TIFF-based raw formats and
    ZIP-based documents (Office, ODF, EPUB) keep a declared or extension type, since
    their first bytes are not specific enough (`verify.media.prefer`).
    """
    named = media_type_of(declared) or (media.from_extension(filename) if filename else None)
    return media.prefer(media.sniff(head), named) or OCTET_STREAM


async def read_body(chunks: AsyncIterator[bytes], limit: int) -> bytes:
    """All of a body, or BodyTooLarge as soon as more than `limit` bytes arrived."""
    parts: list[bytes] = []
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge(limit)
        parts.append(chunk)
    return b"".join(parts)


async def _counted(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge(limit)
        yield chunk


@dataclass
class FormPart:
    """One part of a multipart body."""

    name: str
    filename: str | None
    content_type: str | None
    chunks: list[bytes] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks)


class _FormCollector:
    """python-multipart callbacks that keep the accepted parts in memory."""

    def __init__(self) -> None:
        self.parts: dict[str, FormPart] = {}
        self.finished = False
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._current: FormPart | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._headers = {}
        self._current = None

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._field.strip().lower()] = self._value.strip()
        self._field = self._value = b""

    def _headers_finished(self) -> None:
        disposition, params = parse_options_header(self._headers.get(b"content-disposition"))
        if disposition != b"form-data" or b"name" not in params:
            raise MalformedUpload("a multipart part has no Content-Disposition form-data name")
        name = params[b"name"].decode("utf-8", "replace")
        if name not in FORM_FIELDS:
            raise MalformedUpload(
                f"unexpected form field {name!r}: send the asset as {FILE_FIELD!r}"
                f" (and optionally its .c2pa manifest as {SIDECAR_FIELD!r})"
            )
        if name in self.parts:
            raise MalformedUpload(f"the form field {name!r} appears more than once")
        filename = params.get(b"filename")
        ctype = self._headers.get(b"content-type")
        self._current = FormPart(
            name=name,
            filename=filename.decode("utf-8", "replace") if filename is not None else None,
            content_type=ctype.decode("latin-1") if ctype is not None else None,
        )
        self.parts[name] = self._current

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current is not None:
            self._current.chunks.append(data[start:end])

    def _end(self) -> None:
        self.finished = True


async def _read_multipart(
    chunks: AsyncIterator[bytes], content_type: str, limit: int
) -> dict[str, FormPart]:
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise MalformedUpload("multipart/form-data without a boundary")
    collector = _FormCollector()
    try:
        parser = MultipartParser(boundary, collector.callbacks())
        async for chunk in _counted(chunks, limit):
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise MalformedUpload(f"the multipart body cannot be parsed: {exc}") from exc
    if not collector.finished:
        raise MalformedUpload("the multipart body ended before its closing boundary")
    if FILE_FIELD not in collector.parts:
        raise MalformedUpload(f"the multipart body has no {FILE_FIELD!r} part")
    return collector.parts


async def read_upload(
    chunks: AsyncIterator[bytes],
    headers: Mapping[str, str],
    limit: int,
    filename: str | None = None,
) -> Upload:
    """Read one upload: a raw body (Content-Type names the media) or multipart/form-data."""
    declared_length = headers.get("content-length")
    if declared_length is not None and declared_length.strip().isdigit():
        length = int(declared_length)
        if length > limit:
            raise BodyTooLarge(limit, length)
    content_type = headers.get("content-type")
    main = (content_type or "").split(";", 1)[0].strip().lower()
    if main == "multipart/form-data":
        assert content_type is not None
        parts = await _read_multipart(chunks, content_type, limit)
        asset = parts[FILE_FIELD]
        sidecar = parts.get(SIDECAR_FIELD)
        upload = Upload(
            data=asset.data,
            name=filename or asset.filename or UNNAMED,
            declared_type=asset.content_type,
            sidecar=sidecar.data if sidecar is not None else None,
        )
    else:
        upload = Upload(await read_body(chunks, limit), filename or UNNAMED, content_type)
    if not upload.data:
        raise MalformedUpload("the upload is empty: send the asset's bytes as the request body")
    return upload
