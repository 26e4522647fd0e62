"""Builders for container bytes the signal detectors read (JPEG, PNG, WebP, TIFF/EXIF)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
NAMESPACES = {
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "TC260": "http://www.tc260.org.cn/ns/AIGC/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "dcterms": "http://purl.org/dc/terms/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def xmp(body: str, prefixes: tuple[str, ...] = tuple(NAMESPACES)) -> bytes:
    """An XMP packet whose rdf:Description holds `body` (elements, raw XML)."""
    namespaces = " ".join(f'xmlns:{p}="{NAMESPACES[p]}"' for p in prefixes)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" {namespaces}>{body}</rdf:Description>'
        '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def prop(name: str, value: str) -> str:
    """One simple XMP property element."""
    return f"<{name}>{value}</{name}>"


def segment(marker: int, payload: bytes) -> bytes:
    """A JPEG marker segment (length from the payload)."""
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(*segments: bytes, scan: bytes = b"\x00" * 16) -> bytes:
    """SOI, the segments, a minimal SOS, scan bytes and EOI (not decodable: structure only)."""
    sos = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + b"".join(segments) + sos + scan + b"\xff\xd9"


def app1_xmp(packet: bytes) -> bytes:
    return segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet)


def chunk(kind: bytes, data: bytes, length: int | None = None) -> bytes:
    """A PNG chunk; `length` overrides the declared length (to lie)."""
    size = len(data) if length is None else length
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", size) + kind + data + struct.pack(">I", crc)


def png(*chunks: bytes) -> bytes:
    """Signature, IHDR of a 1x1 image, the chunks, a tiny IDAT and IEND."""
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    idat = chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(chunks) + idat + chunk(b"IEND", b"")


def text(keyword: str, value: str) -> bytes:
    return chunk(b"tEXt", keyword.encode("latin-1") + b"\x00" + value.encode("latin-1"))


def ztxt(keyword: str, raw: bytes) -> bytes:
    """A zTXt chunk with `raw` as its (already compressed, or broken) stream."""
    return chunk(b"zTXt", keyword.encode("latin-1") + b"\x00\x00" + raw)


def itxt(keyword: str, value: bytes, compressed: bool = False) -> bytes:
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    body = zlib.compress(value) if compressed else value
    return chunk(b"iTXt", keyword.encode("latin-1") + b"\x00" + flag + b"\x00\x00" + body)


def ifd_entry(tag: int, kind: int, count: int, value: bytes) -> bytes:
    """A little-endian IFD entry; `value` is the 4-byte value/offset field."""
    return struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")[:4]


def exif(entries: dict[int, bytes]) -> bytes:
    """A little-endian TIFF structure with IFD0 holding ASCII/UNDEFINED `entries`.

    Values longer than 4 bytes are placed after the IFD with their offsets.
    """
    count = len(entries)
    data_start = 8 + 2 + 12 * count + 4
    table, blob = b"", b""
    for tag, value in sorted(entries.items()):
        kind = 7 if tag == 0x9286 else 2
        if len(value) <= 4:
            table += ifd_entry(tag, kind, len(value), value)
        else:
            table += ifd_entry(tag, kind, len(value), struct.pack("<I", data_start + len(blob)))
            blob += value
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", count) + table + b"\0" * 4 + blob


def webp(*chunks: tuple[bytes, bytes]) -> bytes:
    """A RIFF/WEBP file with the given (fourcc, payload) chunks."""
    body = b"WEBP"
    for fourcc, payload in chunks:
        body += fourcc + struct.pack("<I", len(payload)) + payload + (b"\0" * (len(payload) & 1))
    return b"RIFF" + struct.pack("<I", len(body)) + body


def image_bytes(size: tuple[int, int], fmt: str = "PNG") -> bytes:
    """A real, decodable picture of this size (a gradient)."""
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    buf = io.BytesIO()
    gradient.save(buf, fmt)
    return buf.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    """An ISOBMFF box."""
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full_box(kind: bytes, version: int, payload: bytes) -> bytes:
    return box(kind, bytes([version, 0, 0, 0]) + payload)


def _infe(item: int, kind: bytes, content_type: bytes = b"") -> bytes:
    body = struct.pack(">HH", item, 0) + kind + b"\x00"
    return full_box(b"infe", 2, body + (content_type + b"\x00" if kind == b"mime" else b""))


def heif(
    xmp_items: list[tuple[bytes, int | None]],
    *,
    in_idat: bool = False,
    after: bytes = b"",
) -> bytes:
    """A HEIF file: primary image item 1, thumbnail item 2 (`thmb`), and XMP items 10, 11, ...

    Each XMP item is (packet, the item its `cdsc` reference names, or None for none). The
    packets are stored in `mdat` (or `idat` with `in_idat`); `after` is appended (a C2PA
    box, say).
    """
    ids = [10 + i for i in range(len(xmp_items))]
    infes = [_infe(1, b"hvc1"), _infe(2, b"hvc1")]
    infes += [_infe(i, b"mime", b"application/rdf+xml") for i in ids]
    iinf = full_box(b"iinf", 0, struct.pack(">H", len(infes)) + b"".join(infes))
    refs = box(b"thmb", struct.pack(">HHH", 2, 1, 1))
    refs += b"".join(
        box(b"cdsc", struct.pack(">HHH", i, 1, target))
        for i, (_, target) in zip(ids, xmp_items, strict=True)
        if target is not None
    )
    iref = full_box(b"iref", 0, refs)
    pitm = full_box(b"pitm", 0, struct.pack(">H", 1))
    packets = b"".join(p for p, _ in xmp_items)

    def meta(base: int) -> bytes:
        entries, offset = b"", base
        for i, (packet, _) in zip(ids, xmp_items, strict=True):
            method = 1 if in_idat else 0
            entries += struct.pack(">HHHHII", i, method, 0, 1, offset, len(packet))
            offset += len(packet)
        iloc = full_box(b"iloc", 1, bytes([0x44, 0x00]) + struct.pack(">H", len(ids)) + entries)
        idat = box(b"idat", packets) if in_idat else b""
        hdlr = full_box(b"hdlr", 0, b"\0" * 4 + b"pict" + b"\0" * 13)
        return full_box(b"meta", 0, hdlr + pitm + iinf + iref + iloc + idat)

    ftyp = box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")
    if in_idat:
        return ftyp + meta(0) + box(b"mdat", b"\0" * 16) + after
    head = len(ftyp) + len(meta(0)) + 8
    return ftyp + meta(head) + box(b"mdat", packets) + after
