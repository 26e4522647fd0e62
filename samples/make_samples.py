"""Generate the c2pa-verify sample corpus.

Run from the repository root::

    python samples/make_samples.py            # (re)generate everything, then check it
    python samples/make_samples.py --check    # only re-read the samples and check them

What it does:

* keeps a small test PKI in ``samples/trust/`` (made with ``cryptography`` on the first run and
  reused afterwards, so ``trust/anchors.pem`` does not change when the samples are regenerated);
* draws small abstract images with Pillow (gradients, shapes, a text label; no photos, no people);
* signs them with c2pa-python (ES256, no timestamp authority, fully offline);
* damages a few on purpose (tampered pixels, tampered ingredient, truncated, malformed);
* reads every sample back with the sample anchors configured and writes ``samples/expected.json``
  with the intended verdict and what c2pa-python actually reported;
* asserts that what c2pa-python reports is what each sample is meant to show;
* adds declarations outside C2PA (XMP, a TC260 label, A1111 and ComfyUI PNG text chunks, the
  Stable Diffusion 1.x invisible watermark embedded with our own encoder); these files carry no
  signature, so their bytes are the same on every run.

Everything here is test material: the private keys in ``samples/trust/private/`` protect nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import struct
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

SAMPLES_DIR = Path(__file__).resolve().parent
TRUST_DIR = SAMPLES_DIR / "trust"
PRIVATE_DIR = TRUST_DIR / "private"
REMOTE_DIR = SAMPLES_DIR / "remote"
EXPECTED_JSON = SAMPLES_DIR / "expected.json"
ANCHORS_PEM = TRUST_DIR / "anchors.pem"

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
TRAINED = IPTC + "trainedAlgorithmicMedia"
COMPOSITE_TRAINED = IPTC + "compositeWithTrainedAlgorithmicMedia"
ALGORITHMIC = IPTC + "algorithmicMedia"
DIGITAL_CAPTURE = IPTC + "digitalCapture"
DIGITAL_CREATION = IPTC + "digitalCreation"

REMOTE_URL = "http://127.0.0.1:9/manifests/remote-manifest.c2pa"
# Not next to the asset: a .c2pa beside the asset would read as a sidecar.
REMOTE_MANIFEST = "remote/remote-manifest.c2pa"
CLAIM_GENERATOR = {"name": "c2pa-verify sample generator", "version": "1.0"}
IMAGE_SIZE = (256, 192)
MAX_SAMPLE_BYTES = 60_000
EXPIRED_LIFETIME = dt.timedelta(seconds=3)

JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
TIFF = "image/tiff"
C2PA = "application/c2pa"

PRIVATE_README = (
    "# Test-only keys\n\n"
    "These private keys belong to the c2pa-verify sample PKI made by `samples/make_samples.py`.\n"
    "They are TEST-ONLY keys, published on purpose: they protect nothing and must never be\n"
    "trusted for anything outside this repository's tests.\n"
)

OFFLINE: dict[str, Any] = {"remote_manifest_fetch": False, "ocsp_fetch": False}
# c2pa-rs's default thumbnail (up to 1024 px, high quality) is several times the size of these small
# pictures; a small one keeps every sample (manifest, ingredient manifests, thumbnails) < 60 KB.
THUMBNAIL: dict[str, Any] = {"long_edge": 128, "quality": "low"}


# --------------------------------------------------------------------------------------------
# Test PKI
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


@dataclass(frozen=True)
class Chain:
    """Root -> intermediate -> signer."""

    root: Issued
    intermediate: Issued
    signer: Issued

    def signer_info(self, signer: Issued | None = None) -> c2pa.C2paSignerInfo:
        """ES256 signer info: end-entity cert + intermediate, no timestamp authority."""
        leaf = signer or self.signer
        return c2pa.C2paSignerInfo(
            b"es256", leaf.cert_pem + self.intermediate.cert_pem, leaf.key_pem, None
        )


def _name(org: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ZZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: Issued | None,
    *,
    ca: bool,
    path_length: int | None,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> Issued:
    """Issue a certificate; ``issuer=None`` makes a self-signed root."""
    issuer_name = issuer.cert.subject if issuer else subject
    issuer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if ca:
        usage = x509.KeyUsage(
            digital_signature=False,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=True,
            crl_sign=True,
            encipher_only=False,
            decipher_only=False,
        )
        builder = builder.add_extension(usage, critical=True)
    else:
        usage = x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        )
        builder = builder.add_extension(usage, critical=True).add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    return Issued(builder.sign(issuer_key, hashes.SHA256()), key)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _make_chain(org: str, root_cn: str, intermediate_cn: str, signer_cn: str) -> Chain:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start = now - dt.timedelta(days=1)
    root = _issue(
        _name(org, root_cn),
        _new_key(),
        None,
        ca=True,
        path_length=1,
        not_before=start,
        not_after=now + dt.timedelta(days=365 * 20),
    )
    intermediate = _issue(
        _name(org, intermediate_cn),
        _new_key(),
        root,
        ca=True,
        path_length=0,
        not_before=start,
        not_after=now + dt.timedelta(days=365 * 15),
    )
    signer = _issue(
        _name(org, signer_cn),
        _new_key(),
        intermediate,
        ca=False,
        path_length=None,
        not_before=start,
        not_after=now + dt.timedelta(days=365 * 10),
    )
    return Chain(root, intermediate, signer)


def _load(cert_path: Path, key_path: Path) -> Issued:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{key_path} is not an EC private key")
    return Issued(cert, key)


def _chain_files(prefix: str) -> list[tuple[Path, Path]]:
    """(cert, key) paths for root, intermediate, signer of a chain."""
    root_cert = ANCHORS_PEM if prefix == "" else TRUST_DIR / f"{prefix}root-ca.pem"
    return [
        (root_cert, PRIVATE_DIR / f"{prefix}root-ca.key.pem"),
        (
            TRUST_DIR / f"{prefix}intermediate-ca.pem",
            PRIVATE_DIR / f"{prefix}intermediate-ca.key.pem",
        ),
        (TRUST_DIR / f"{prefix}signer.pem", PRIVATE_DIR / f"{prefix}signer.key.pem"),
    ]


def _load_or_make_chain(prefix: str, org: str, names: tuple[str, str, str]) -> Chain:
    files = _chain_files(prefix)
    if all(c.exists() and k.exists() for c, k in files):
        root, intermediate, signer = (_load(c, k) for c, k in files)
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        if signer.cert.not_valid_after_utc > soon:
            return Chain(root, intermediate, signer)
        print(f"note: {prefix or 'trusted '}signer certificate is about to expire: new PKI")
    chain = _make_chain(org, *names)
    for (cert_path, key_path), issued in zip(
        files, (chain.root, chain.intermediate, chain.signer), strict=True
    ):
        cert_path.write_bytes(issued.cert_pem)
        key_path.write_bytes(issued.key_pem)
    return chain


@dataclass(frozen=True)
class Pki:
    trusted: Chain
    untrusted: Chain


def load_or_make_pki() -> Pki:
    TRUST_DIR.mkdir(parents=True, exist_ok=True)
    PRIVATE_DIR.mkdir(parents=True, exist_ok=True)
    (PRIVATE_DIR / "README.md").write_text(PRIVATE_README)
    trusted = _load_or_make_chain(
        "",
        "c2pa-verify Test Signer",
        (
            "c2pa-verify Test Root CA",
            "c2pa-verify Test Intermediate CA",
            "c2pa-verify sample signer",
        ),
    )
    untrusted = _load_or_make_chain(
        "untrusted-",
        "c2pa-verify Untrusted Test CA",
        (
            "c2pa-verify Untrusted Test CA",
            "c2pa-verify Untrusted Intermediate CA",
            "c2pa-verify untrusted sample signer",
        ),
    )
    return Pki(trusted, untrusted)


def make_short_lived_signer(chain: Chain) -> Issued:
    """A signer under the trusted intermediate that lapses a few seconds from now."""
    now = dt.datetime.now(dt.UTC)
    signer = _issue(
        _name("c2pa-verify Test Signer", "c2pa-verify short-lived sample signer"),
        _new_key(),
        chain.intermediate,
        ca=False,
        path_length=None,
        not_before=now - dt.timedelta(minutes=1),
        not_after=now + EXPIRED_LIFETIME,
    )
    (TRUST_DIR / "expired-signer.pem").write_bytes(signer.cert_pem)
    (PRIVATE_DIR / "expired-signer.key.pem").write_bytes(signer.key_pem)
    return signer


# --------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------


def draw_image(label: str, size: tuple[int, int] = IMAGE_SIZE) -> Image.Image:
    """A benign abstract picture: a two-colour gradient, a few shapes and a text label."""
    rng = random.Random(label)
    width, height = size

    def colour() -> tuple[int, int, int]:
        return (rng.randrange(256), rng.randrange(256), rng.randrange(256))

    mask = Image.linear_gradient("L").rotate(rng.uniform(0, 360), expand=False).resize(size)
    base = Image.composite(Image.new("RGB", size, colour()), Image.new("RGB", size, colour()), mask)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(rng.randint(4, 7)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randint(20, 110), y0 + rng.randint(20, 90)
        fill = (*colour(), rng.randint(110, 200))
        shape = rng.choice(("ellipse", "rectangle", "triangle"))
        if shape == "ellipse":
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif shape == "rectangle":
            draw.rounded_rectangle((x0, y0, x1, y1), radius=8, fill=fill)
        else:
            draw.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=fill)
    image = Image.alpha_composite(base.convert("RGBA"), overlay)
    text_draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    box = text_draw.textbbox((0, 0), label, font=font)
    text_w, text_h = box[2] - box[0], box[3] - box[1]
    top = height - text_h - 14
    text_draw.rectangle((0, top, width, height), fill=(255, 255, 255, 215))
    text_draw.text(((width - text_w) // 2, top + 5), label, fill=(20, 20, 20, 255), font=font)
    return image.convert("RGB")


def encode(image: Image.Image, mime: str) -> bytes:
    buf = io.BytesIO()
    if mime == JPEG:
        image.save(buf, "JPEG", quality=82)
    elif mime == PNG:
        image.quantize(colors=64).save(buf, "PNG", optimize=True)
    elif mime == WEBP:
        image.save(buf, "WEBP", quality=80)
    elif mime == TIFF:
        image.save(buf, "TIFF", compression="tiff_adobe_deflate")
    else:
        raise ValueError(mime)
    return buf.getvalue()


def picture(label: str, mime: str = JPEG, size: tuple[int, int] = IMAGE_SIZE) -> bytes:
    return encode(draw_image(label, size), mime)


# --------------------------------------------------------------------------------------------
# Signing helpers
# --------------------------------------------------------------------------------------------


def action(
    name: str,
    source_type: str | None = None,
    agent: str | None = None,
    *,
    version: str | None = None,
    ingredient: str | None = None,
    parameters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A v2 action; ``ingredient`` links it to an ingredient added with that label."""
    entry: dict[str, Any] = {"action": name}
    if source_type:
        entry["digitalSourceType"] = source_type
    if agent:
        entry["softwareAgent"] = {"name": agent, **({"version": version} if version else {})}
    params = dict(parameters or {})
    if ingredient:
        params["ingredientIds"] = [ingredient]
    if params:
        entry["parameters"] = params
    return entry


def manifest(
    title: str,
    mime: str,
    actions: Sequence[dict[str, Any]] | None,
    templates: Sequence[dict[str, Any]] | None = None,
    claim_version: int | None = None,
) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "claim_generator_info": [CLAIM_GENERATOR],
        "title": title,
        "format": mime,
        "assertions": [],
    }
    if actions is not None:
        data: dict[str, Any] = {"actions": list(actions)}
        if templates:
            data["templates"] = list(templates)
        definition["assertions"].append({"label": "c2pa.actions.v2", "data": data})
    if claim_version is not None:
        definition["claim_version"] = claim_version
    return definition


@dataclass(frozen=True)
class Ingredient:
    title: str
    relationship: str  # parentOf | componentOf | inputTo
    label: str
    mime: str
    data: bytes


@dataclass
class Signing:
    """Signing environment: PKI plus builder contexts."""

    pki: Pki
    anchors_pem: str
    contexts: dict[bool, c2pa.Context] = field(default_factory=dict)

    def context(self, verify_after_sign: bool = True) -> c2pa.Context:
        if verify_after_sign not in self.contexts:
            self.contexts[verify_after_sign] = c2pa.Context.from_dict(
                {
                    "verify": {**OFFLINE, "verify_after_sign": verify_after_sign},
                    "trust": {"trust_anchors": self.anchors_pem},
                    "builder": {"thumbnail": THUMBNAIL},
                }
            )
        return self.contexts[verify_after_sign]

    def sign(
        self,
        definition: dict[str, Any],
        mime: str,
        source: bytes,
        *,
        ingredients: Sequence[Ingredient] = (),
        info: c2pa.C2paSignerInfo | None = None,
        verify_after_sign: bool = True,
        no_embed: bool = False,
        remote_url: str | None = None,
    ) -> tuple[bytes, bytes]:
        """Sign ``source``; return (signed asset, manifest store bytes)."""
        builder = c2pa.Builder(definition, context=self.context(verify_after_sign))
        for ing in ingredients:
            builder.add_ingredient(
                {"title": ing.title, "relationship": ing.relationship, "label": ing.label},
                ing.mime,
                io.BytesIO(ing.data),
            )
        if no_embed:
            builder.set_no_embed()
        if remote_url:
            builder.set_remote_url(remote_url)
        signer = c2pa.Signer.from_info(info or self.pki.trusted.signer_info())
        try:
            out = io.BytesIO()
            store = builder.sign(signer, mime, io.BytesIO(source), out)
        finally:
            signer.close()
            builder.close()
        return out.getvalue(), store


# --------------------------------------------------------------------------------------------
# Byte-level damage
# --------------------------------------------------------------------------------------------


def jpeg_segments(data: bytes) -> tuple[list[tuple[int, int, int]], int]:
    """JPEG marker segments before the scan as (marker, offset, length); and the scan start."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    pos, segments = 2, []
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError(f"bad marker at {pos}")
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        segments.append((marker, pos, length))
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data follows its header
            return segments, pos
    raise ValueError("no scan found")


def decodes(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # any decoder error means "does not decode"
        return False
    return True


def tamper_scan(data: bytes) -> bytes:
    """Flip one bit inside the entropy-coded scan (not the manifest); the file must still decode."""
    _, scan = jpeg_segments(data)
    end = data.rfind(b"\xff\xd9")
    # Late in the scan, so only the bottom of the picture is disturbed.
    for offset in range(scan + (end - scan) * 7 // 8, end - 2):
        if 0xFF in data[offset - 1 : offset + 2] or data[offset] ^ 0x04 == 0xFF:
            continue
        tampered = bytearray(data)
        tampered[offset] ^= 0x04
        if decodes(bytes(tampered)):
            return bytes(tampered)
    raise RuntimeError("could not find a byte to tamper in the scan")


def tamper_ingredient_signature(data: bytes, ingredient_label: str) -> bytes:
    """Flip a byte of the ES256 signature of the ingredient manifest ``ingredient_label``.

    The manifest store is JUMBF in one APP11 segment; the ingredient's manifest box is found by its
    label, then its ``c2pa.signature`` box and that box's ``cbor`` content (a COSE_Sign1 whose last
    element is the 64-byte signature, CBOR header 0x58 0x40).
    """
    app11 = [(pos, length) for marker, pos, length in jpeg_segments(data)[0] if marker == 0xEB]
    if len(app11) != 1:
        raise RuntimeError(f"expected one APP11 segment, found {len(app11)}")
    seg_start, seg_len = app11[0]
    seg_end = seg_start + 2 + seg_len
    label_at = data.find(ingredient_label.encode(), seg_start, seg_end)
    sig_at = data.find(b"c2pa.signature", label_at, seg_end)
    cbor_at = data.find(b"cbor", sig_at, seg_end)
    if min(label_at, sig_at, cbor_at) < 0:
        raise RuntimeError("ingredient signature box not found")
    box_end = cbor_at - 4 + struct.unpack(">I", data[cbor_at - 4 : cbor_at])[0]
    if box_end > seg_end or data[box_end - 66 : box_end - 64] != b"\x58\x40":
        raise RuntimeError("unexpected COSE layout in the ingredient signature box")
    tampered = bytearray(data)
    tampered[box_end - 32] ^= 0x5A
    return bytes(tampered)


def _first_app11(data: bytes) -> tuple[int, int]:
    for marker, pos, length in jpeg_segments(data)[0]:
        if marker == 0xEB:
            return pos, length
    raise RuntimeError("no APP11 segment")


def truncate_file_in_manifest(data: bytes) -> bytes:
    """Cut the file in the middle of its APP11 (C2PA manifest store) segment."""
    pos, length = _first_app11(data)
    return data[: pos + 2 + length // 2]


def truncate_manifest_segment(data: bytes) -> bytes:
    """Keep only the first half of the APP11 segment, with its length fixed: the JPEG stays valid,
    the JUMBF manifest store inside it is cut short."""
    pos, length = _first_app11(data)
    half = length // 2
    head, tail = data[: pos + 2], data[pos + 2 + length :]
    return head + struct.pack(">H", half) + data[pos + 4 : pos + 2 + half] + tail


# --------------------------------------------------------------------------------------------
# Sample definitions
# --------------------------------------------------------------------------------------------


@dataclass
class Sample:
    """One sample: how it is made, the verdict expected from c2pa-verify, and the library's
    behaviour it is meant to show (checked after generation)."""

    name: str
    description: str
    expected: dict[str, Any]
    want_state: str | None = None  # Reader validation_state
    want_active: frozenset[str] = frozenset()  # exact set of activeManifest failure codes
    want_ingredient: frozenset[str] = frozenset()  # exact set of ingredientDeltas failure codes
    want_exception: str | None = None  # C2paError alias, e.g. "C2paError.NotSupported"
    want_message: str | None = None  # the exception message starts with this
    mime: str = JPEG
    manifest_file: str | None = None  # read with this manifest store (sidecar)
    asset_file: str | None = None  # a .c2pa sidecar read against this asset
    is_image: bool = True  # Pillow must decode it (False for the broken and non-image files)
    notes: dict[str, Any] = field(default_factory=dict)
    # What the signal detectors must report: basis, conflict, evidence [detector, field],
    # and "watermarks": true when that holds only with --watermarks.
    signal_check: dict[str, Any] | None = None


def verdict(
    *,
    credentials: str = "embedded",
    state: str | None = "trusted",
    integrity: str = "intact",
    signer: str | None = "trusted",
    origin: str,
    ai_tools: Sequence[str] = (),
    declares_ai: bool | None = None,
    error_kind: str | None = None,
) -> dict[str, Any]:
    return {
        "credentials": credentials,
        "validation_state": state,
        "integrity": integrity,
        "signer_trust": signer,
        "origin": origin,
        "declares_ai": bool(ai_tools) if declares_ai is None else declares_ai,
        "ai_tools": list(ai_tools),
        "error_kind": error_kind,
    }


def unreadable(error_kind: str) -> dict[str, Any]:
    """The verdict for a file whose credentials cannot be read at all."""
    return verdict(
        credentials="unreadable",
        state=None,
        integrity="unknown",
        signer=None,
        origin="undetermined",
        error_kind=error_kind,
    )


class Corpus:
    """Makes the samples and collects the files to write."""

    def __init__(self, env: Signing) -> None:
        self.env = env
        self.samples: list[Sample] = []
        self.files: dict[str, bytes] = {}
        self.lapses = dt.datetime.now(dt.UTC)  # when the short-lived signer expires

    def add(self, sample: Sample, data: bytes) -> None:
        self.files[sample.name] = data
        self.samples.append(sample)

    def created(
        self,
        name: str,
        mime: str,
        source_type: str,
        agent: str | None = None,
        version: str | None = None,
    ) -> bytes:
        """A fresh picture signed with a single c2pa.created action."""
        signed, _ = self.env.sign(
            manifest(name, mime, [action("c2pa.created", source_type, agent, version=version)]),
            mime,
            picture(name, mime),
        )
        return signed

    def generated_with_parent(self, name: str) -> bytes:
        """ChatGPT-like: opened + parentOf ingredient whose manifest says created + AI."""
        parent, _ = self.env.sign(
            manifest(
                "generated.jpg",
                JPEG,
                [action("c2pa.created", TRAINED, "Sample Image Model", version="4o")],
            ),
            JPEG,
            picture(f"{name} parent (generated)"),
        )
        final, _ = self.env.sign(
            manifest(
                name, JPEG, [action("c2pa.opened", agent="Sample Chat App", ingredient="parent")]
            ),
            JPEG,
            picture(name),
            ingredients=[Ingredient("generated.jpg", "parentOf", "parent", JPEG, parent)],
        )
        return final

    def build(self) -> None:
        # The short-lived signer goes first so that it has lapsed by the time everything is read.
        self.expired_sample()
        self.ai_samples()
        self.not_ai_samples()
        self.damaged_samples()
        self.untrusted_sample()
        self.detached_samples()
        self.other_format_samples()
        self.signal_samples()

    def expired_sample(self) -> None:
        short = make_short_lived_signer(self.env.pki.trusted)
        name = "expired-signer.jpg"
        signed, _ = self.env.sign(
            manifest(
                name, JPEG, [action("c2pa.created", TRAINED, "Sample Diffusion", version="1.0")]
            ),
            JPEG,
            picture(name),
            info=self.env.pki.trusted.signer_info(short),
        )
        self.lapses = short.cert.not_valid_after_utc
        self.add(
            Sample(
                name,
                "AI-generated (created + trainedAlgorithmicMedia, 'Sample Diffusion') signed by a "
                "certificate under the trusted intermediate that has expired, no timestamp: "
                "Invalid with signingCredential.expired, hashes intact",
                verdict(
                    state="invalid",
                    signer="expired",
                    origin="ai_generated",
                    ai_tools=["Sample Diffusion"],
                ),
                want_state="Invalid",
                want_active=frozenset({"signingCredential.expired", "signingCredential.untrusted"}),
            ),
            signed,
        )

    def ai_samples(self) -> None:
        env = self.env
        for name, mime in (("ai-generated.jpg", JPEG), ("ai-generated.png", PNG)):
            self.add(
                Sample(
                    name,
                    "created + trainedAlgorithmicMedia by softwareAgent 'Sample Diffusion' 1.0",
                    verdict(origin="ai_generated", ai_tools=["Sample Diffusion"]),
                    want_state="Trusted",
                    mime=mime,
                ),
                self.created(name, mime, TRAINED, "Sample Diffusion", "1.0"),
            )

        self.add(
            Sample(
                "ai-parent-only.jpg",
                "active manifest has only c2pa.opened and a parentOf ingredient whose own manifest "
                "says created + trainedAlgorithmicMedia by 'Sample Image Model' (ChatGPT-like)",
                verdict(origin="ai_generated", ai_tools=["Sample Image Model"]),
                want_state="Trusted",
            ),
            self.generated_with_parent("ai-parent-only.jpg"),
        )

        name = "ai-template-only.jpg"
        final, _ = env.sign(
            manifest(
                name,
                JPEG,
                [action("c2pa.opened", ingredient="source")],
                templates=[
                    {
                        "action": "c2pa.opened",
                        "digitalSourceType": TRAINED,
                        "softwareAgent": {"name": "Sample Template Model", "version": "2.1"},
                    }
                ],
            ),
            JPEG,
            picture(name),
            ingredients=[
                Ingredient(
                    "source.jpg",
                    "parentOf",
                    "source",
                    JPEG,
                    picture(f"{name} source (no credentials)"),
                ),
            ],
        )
        self.add(
            Sample(
                name,
                "c2pa.opened with no type of its own; a v2 template for c2pa.opened gives "
                "trainedAlgorithmicMedia and softwareAgent 'Sample Template Model' (the parentOf "
                "ingredient has no credentials)",
                verdict(origin="ai_generated", ai_tools=["Sample Template Model"]),
                want_state="Trusted",
                notes={"template_form": "c2pa.opened + templates[{action: c2pa.opened}]"},
            ),
            final,
        )

        name = "ai-adobe-parameter.jpg"
        opened = action(
            "c2pa.opened",
            agent="Sample Partner Model",
            ingredient="source",
            parameters={"com.adobe.digitalSourceType": TRAINED},
        )
        final, _ = env.sign(
            manifest(name, JPEG, [opened]),
            JPEG,
            picture(name),
            ingredients=[
                Ingredient(
                    "source.jpg",
                    "parentOf",
                    "source",
                    JPEG,
                    picture(f"{name} source (no credentials)"),
                ),
            ],
        )
        self.add(
            Sample(
                name,
                "c2pa.opened (softwareAgent 'Sample Partner Model') whose parameters say "
                "com.adobe.digitalSourceType = trainedAlgorithmicMedia, no top-level type "
                "(the parentOf ingredient has no credentials)",
                verdict(origin="ai_generated", ai_tools=["Sample Partner Model"]),
                want_state="Trusted",
            ),
            final,
        )

        name = "ai-edited.jpg"
        signed, _ = env.sign(
            manifest(
                name,
                JPEG,
                [
                    action("c2pa.created", DIGITAL_CREATION, "Sample Paint", version="3.0"),
                    action("c2pa.edited", COMPOSITE_TRAINED, "Sample Inpainter", version="1.2"),
                ],
            ),
            JPEG,
            picture(name),
        )
        self.add(
            Sample(
                name,
                "created + digitalCreation ('Sample Paint'), then c2pa.edited + "
                "compositeWithTrainedAlgorithmicMedia by 'Sample Inpainter'",
                verdict(origin="ai_edited", ai_tools=["Sample Inpainter"]),
                want_state="Trusted",
            ),
            signed,
        )

        name = "ai-composite.jpg"
        sticker_image = draw_image("sticker", (96, 96))
        sticker, _ = env.sign(
            manifest(
                "sticker.jpg",
                JPEG,
                [action("c2pa.created", TRAINED, "Sample Sticker Generator", version="0.9")],
            ),
            JPEG,
            encode(sticker_image, JPEG),
        )
        background = draw_image(name)
        background.paste(sticker_image, (140, 30))
        signed, _ = env.sign(
            manifest(
                name,
                JPEG,
                [
                    action("c2pa.created", DIGITAL_CREATION, "Sample Paint", version="3.0"),
                    action("c2pa.placed", agent="Sample Paint", ingredient="sticker"),
                ],
            ),
            JPEG,
            encode(background, JPEG),
            ingredients=[Ingredient("sticker.jpg", "componentOf", "sticker", JPEG, sticker)],
        )
        self.add(
            Sample(
                name,
                "created + digitalCreation, then c2pa.placed of a componentOf ingredient whose own "
                "manifest says created + trainedAlgorithmicMedia by 'Sample Sticker Generator'",
                verdict(origin="ai_composite", ai_tools=["Sample Sticker Generator"]),
                want_state="Trusted",
            ),
            signed,
        )

    def not_ai_samples(self) -> None:
        for name, source_type, origin, agent in (
            ("captured.jpg", DIGITAL_CAPTURE, "captured", "Sample Camera"),
            ("digital-creation.jpg", DIGITAL_CREATION, "digital_creation", "Sample Paint"),
            ("algorithmic.jpg", ALGORITHMIC, "algorithmic", "Sample Fractal Renderer"),
        ):
            term = source_type.rsplit("/", 1)[1]
            self.add(
                Sample(
                    name,
                    f"created + {term} by '{agent}' (no AI)",
                    verdict(origin=origin),
                    want_state="Trusted",
                ),
                self.created(name, JPEG, source_type, agent, "1.0"),
            )

        name = "signed-no-actions.jpg"
        signed, _ = self.env.sign(manifest(name, JPEG, None, claim_version=1), JPEG, picture(name))
        self.add(
            Sample(
                name,
                "signed v1 claim with no actions assertion at all (c2pa-rs refuses a v2 claim "
                "without actions): origin not declared",
                verdict(origin="not_declared"),
                want_state="Trusted",
                notes={"claim_version": 1},
            ),
            signed,
        )

        name = "no-credentials.jpg"
        self.add(
            Sample(
                name,
                "plain JPEG without any C2PA manifest",
                verdict(
                    credentials="none",
                    state=None,
                    integrity="unknown",
                    signer=None,
                    origin="not_declared",
                ),
                want_exception="C2paError.ManifestNotFound",
            ),
            picture(name),
        )

    def damaged_samples(self) -> None:
        name = "tampered-pixels.jpg"
        self.add(
            Sample(
                name,
                "AI-generated ('Sample Diffusion') and signed, then one bit of the entropy-coded "
                "image data flipped (still decodes): assertion.dataHash.mismatch",
                verdict(
                    state="invalid",
                    integrity="tampered",
                    origin="ai_generated",
                    ai_tools=["Sample Diffusion"],
                ),
                want_state="Invalid",
                want_active=frozenset({"assertion.dataHash.mismatch"}),
            ),
            tamper_scan(self.created(name, JPEG, TRAINED, "Sample Diffusion", "1.0")),
        )

        name = "tampered-ingredient.jpg"
        final = self.generated_with_parent(name)
        store = json.loads(c2pa.Reader(JPEG, io.BytesIO(final), context=self.env.context()).json())
        active = store["manifests"][store["active_manifest"]]
        self.add(
            Sample(
                name,
                "like ai-parent-only, then one byte of the parent (ingredient) manifest's claim "
                "signature flipped inside the file: the active manifest is intact, the failures "
                "are only in ingredientDeltas",
                verdict(
                    state="invalid",
                    integrity="history_tampered",
                    origin="ai_generated",
                    ai_tools=["Sample Image Model"],
                ),
                want_state="Invalid",
                want_ingredient=frozenset(
                    {"ingredient.manifest.mismatch", "claimSignature.mismatch"}
                ),
            ),
            tamper_ingredient_signature(final, active["ingredients"][0]["active_manifest"]),
        )

        name = "truncated.jpg"
        self.add(
            Sample(
                name,
                "signed AI-generated JPEG cut off in the middle of its manifest store (APP11): "
                "the JPEG itself no longer parses",
                unreadable("malformed"),
                want_exception="C2paError.Other",
                is_image=False,
            ),
            truncate_file_in_manifest(self.created(name, JPEG, TRAINED, "Sample Diffusion")),
        )

        name = "truncated-manifest.jpg"
        self.add(
            Sample(
                name,
                "signed AI-generated JPEG whose APP11 segment was cut to half (segment length "
                "fixed, so the JPEG still decodes): the manifest store itself is broken",
                unreadable("malformed"),
                want_exception="C2paError.Verify",
            ),
            truncate_manifest_segment(self.created(name, JPEG, TRAINED, "Sample Diffusion")),
        )

        name = "not-an-image.jpg"
        self.add(
            Sample(
                name,
                "a text file with a .jpg extension",
                unreadable("unsupported"),
                want_exception="C2paError.NotSupported",
                is_image=False,
            ),
            b"This is not an image. It is a c2pa-verify sample: a text file named .jpg.\n",
        )

        name = "malformed-action.jpg"
        signed, _ = self.env.sign(
            manifest(name, JPEG, [action("c2pa.created", agent="Sample Paint")]),
            JPEG,
            picture(name),
            verify_after_sign=False,
        )
        self.add(
            Sample(
                name,
                "c2pa.created without a digitalSourceType, written with "
                "verify.verify_after_sign=false: assertion.action.malformed",
                # Malformed and silent: a declaration in it may have been lost, so the
                # verifier says undetermined rather than not_declared.
                verdict(state="invalid", integrity="malformed", origin="undetermined"),
                want_state="Invalid",
                want_active=frozenset({"assertion.action.malformed"}),
            ),
            signed,
        )

    def untrusted_sample(self) -> None:
        name = "untrusted-signer.jpg"
        signed, _ = self.env.sign(
            manifest(name, JPEG, [action("c2pa.created", DIGITAL_CREATION, "Sample Paint")]),
            JPEG,
            picture(name),
            info=self.env.pki.untrusted.signer_info(),
        )
        self.add(
            Sample(
                name,
                "created + digitalCreation signed under 'c2pa-verify Untrusted Test CA' (not in "
                "the anchors): Valid with signingCredential.untrusted",
                verdict(state="valid", signer="untrusted", origin="digital_creation"),
                want_state="Valid",
                want_active=frozenset({"signingCredential.untrusted"}),
            ),
            signed,
        )

    def detached_samples(self) -> None:
        env = self.env
        name = "sidecar.jpg"
        asset = picture(name)
        unchanged, store = env.sign(
            manifest(
                name, JPEG, [action("c2pa.created", TRAINED, "Sample Diffusion", version="1.0")]
            ),
            JPEG,
            asset,
            no_embed=True,
        )
        if unchanged != asset:
            raise RuntimeError("no-embed signing changed the asset")
        sidecar = verdict(
            credentials="sidecar", origin="ai_generated", ai_tools=["Sample Diffusion"]
        )
        self.add(
            Sample(
                name,
                "plain JPEG whose manifest store is the sidecar file sidecar.c2pa "
                "(created + trainedAlgorithmicMedia by 'Sample Diffusion')",
                sidecar,
                want_state="Trusted",
                manifest_file="sidecar.c2pa",
            ),
            asset,
        )
        self.add(
            Sample(
                "sidecar.c2pa",
                "the manifest store of sidecar.jpg (application/c2pa); validate it against "
                "sidecar.jpg (read alone, c2pa-rs reports assertion.dataHash.mismatch)",
                # Read on its own there is no asset to hash: the library's state is
                # Invalid (dataHash.mismatch); the signature is valid, but whether the
                # content matches cannot be known, so integrity is unknown.
                {**sidecar, "validation_state": "invalid", "integrity": "unknown"},
                want_state="Trusted",
                mime=C2PA,
                asset_file="sidecar.jpg",
                is_image=False,
            ),
            store,
        )

        name = "remote-manifest.jpg"
        with_reference, remote_store = env.sign(
            manifest(
                name, JPEG, [action("c2pa.created", TRAINED, "Sample Diffusion", version="1.0")]
            ),
            JPEG,
            picture(name),
            no_embed=True,
            remote_url=REMOTE_URL,
        )
        self.files[REMOTE_MANIFEST] = remote_store
        self.add(
            Sample(
                name,
                f"only an XMP reference to a remote manifest ({REMOTE_URL}); the manifest is "
                f"{REMOTE_MANIFEST} (serve it to test fetching)",
                verdict(
                    credentials="remote",
                    state=None,
                    integrity="unknown",
                    signer=None,
                    origin="undetermined",
                ),
                want_exception="C2paError",
                want_message=f"Remote: must fetch remote manifests from url {REMOTE_URL}",
                notes={"remote_url": REMOTE_URL, "manifest": REMOTE_MANIFEST},
            ),
            with_reference,
        )

    def other_format_samples(self) -> None:
        for name, mime, source_type, origin, agent in (
            ("ai-generated.webp", WEBP, TRAINED, "ai_generated", "Sample Diffusion"),
            ("captured.tif", TIFF, DIGITAL_CAPTURE, "captured", "Sample Camera"),
        ):
            try:
                signed = self.created(name, mime, source_type, agent, "1.0")
            except c2pa.C2paError as exc:  # not signable by this c2pa-python: leave it out
                print(f"note: skipping {name}: {exc}", file=sys.stderr)
                continue
            term = source_type.rsplit("/", 1)[1]
            self.add(
                Sample(
                    name,
                    f"created + {term} by '{agent}' ({mime})",
                    verdict(origin=origin, ai_tools=[agent] if origin == "ai_generated" else []),
                    want_state="Trusted",
                    mime=mime,
                ),
                signed,
            )


    def signal_samples(self) -> None:
        """Declarations outside C2PA (XMP, generator metadata, watermark), and one conflict."""
        none = verdict(
            credentials="none", state=None, integrity="unknown", signer=None, origin="x"
        )
        no_c2pa = "C2paError.ManifestNotFound"

        def unsigned(
            name: str,
            description: str,
            data: bytes,
            origin: str,
            check: dict[str, Any],
            ai_tools: Sequence[str] = (),
            mime: str = JPEG,
        ) -> None:
            declares_ai = origin.startswith("ai_")
            expected = {**none, "origin": origin, "ai_tools": list(ai_tools)}
            expected["declares_ai"] = declares_ai
            self.add(
                Sample(
                    name,
                    description,
                    expected,
                    want_exception=no_c2pa,
                    mime=mime,
                    signal_check=check,
                ),
                data,
            )

        ai_xmp = xmp_packet(
            {
                "Iptc4xmpExt:DigitalSourceType": TRAINED,
                "Iptc4xmpExt:AISystemUsed": "Sample Diffusion",
                "Iptc4xmpExt:AISystemVersionUsed": "1.0",
            }
        )
        dst = ["xmp", "Iptc4xmpExt:DigitalSourceType"]
        unsigned(
            "xmp-ai.jpg",
            "no C2PA; XMP (APP1) declares Iptc4xmpExt:DigitalSourceType trainedAlgorithmicMedia "
            "with the IPTC 2025.1 AISystemUsed 'Sample Diffusion' 1.0",
            jpeg_with_xmp(picture("xmp-ai.jpg"), ai_xmp),
            "ai_generated",
            {"basis": "unsigned_metadata", "conflict": False, "evidence": [dst]},
            ["Sample Diffusion 1.0"],
        )
        unsigned(
            "xmp-ai.png",
            "no C2PA; the same XMP declaration in a PNG iTXt 'XML:com.adobe.xmp' chunk",
            png_with_text("xmp-ai.png", itxt={"XML:com.adobe.xmp": ai_xmp}),
            "ai_generated",
            {"basis": "unsigned_metadata", "conflict": False, "evidence": [dst]},
            ["Sample Diffusion 1.0"],
            mime=PNG,
        )
        label = json.dumps(
            {"Label": "1", "ContentProducer": "Sample Generator Co", "ProduceID": "sample-0001"}
        )
        unsigned(
            "tc260-label.jpg",
            "no C2PA; XMP carries China's TC260:AIGC implicit label (GB 45438-2025) with Label=1 "
            "(AI-generated) and ContentProducer 'Sample Generator Co'",
            jpeg_with_xmp(picture("tc260-label.jpg"), xmp_packet({"TC260:AIGC": label})),
            "ai_generated",
            {"basis": "unsigned_metadata", "conflict": False, "evidence": [["xmp", "TC260:AIGC"]]},
            # ContentProducer is the producing company's code, not an AI tool.
            [],
        )
        unsigned(
            "xmp-algorithmic.jpg",
            "no C2PA; XMP declares algorithmicMedia (purely algorithmic, no training data): "
            "must not count as AI",
            jpeg_with_xmp(
                picture("xmp-algorithmic.jpg"),
                xmp_packet({"Iptc4xmpExt:DigitalSourceType": ALGORITHMIC}),
            ),
            "algorithmic",
            {"basis": "unsigned_metadata", "conflict": False, "evidence": [dst]},
        )
        parameters = (
            "a benign abstract test pattern, gradients and shapes\n"
            "Negative prompt: photo, people\n"
            "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 256x192, "
            "Model hash: 0123456789, Model: sample-model, Version: v1.10.1"
        )
        unsigned(
            "a1111.png",
            "no C2PA; PNG tEXt 'parameters' as AUTOMATIC1111's web UI writes it (prompt, "
            "negative prompt, settings line)",
            png_with_text("a1111.png", text={"parameters": parameters}),
            "ai_generated",
            {
                "basis": "heuristic",
                "conflict": False,
                "evidence": [["generator_metadata", "png:parameters"]],
            },
            ["Stable Diffusion web UI"],
            mime=PNG,
        )
        prompt = {
            "3": {"class_type": "KSampler", "inputs": {"seed": 1234, "steps": 20}},
            "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sample"}},
            "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a test pattern"}},
        }
        workflow = {"last_node_id": 6, "nodes": [{"id": 3, "type": "KSampler"}], "links": []}
        unsigned(
            "comfyui.png",
            "no C2PA; PNG tEXt 'prompt' and 'workflow' JSON node graphs as ComfyUI writes them",
            png_with_text(
                "comfyui.png",
                text={"prompt": json.dumps(prompt), "workflow": json.dumps(workflow)},
            ),
            "ai_generated",
            {
                "basis": "heuristic",
                "conflict": False,
                "evidence": [
                    ["generator_metadata", "png:prompt"],
                    ["generator_metadata", "png:workflow"],
                ],
            },
            ["ComfyUI"],
            mime=PNG,
        )
        unsigned(
            "sd-watermark.png",
            "no C2PA, no metadata; the pixels carry Stable Diffusion 1.x's invisible DWT-DCT "
            "watermark ('StableDiffusionV1', embedded with verify.detectors.watermark.embed): "
            "found only with --watermarks",
            watermarked_png("sd-watermark.png"),
            "not_declared",
            {
                "watermarks": True,
                "origin": "ai_generated",
                "ai_tools": ["Stable Diffusion 1.x"],
                "basis": "heuristic",
                "conflict": False,
                "evidence": [["watermark", "dwtDct"]],
            },
            mime=PNG,
        )

        name = "captured-xmp-ai.jpg"
        signed, _ = self.env.sign(
            manifest(name, JPEG, [action("c2pa.created", DIGITAL_CAPTURE, "Sample Camera")]),
            JPEG,
            jpeg_with_xmp(picture(name), ai_xmp),
        )
        self.add(
            Sample(
                name,
                "signed C2PA says created + digitalCapture ('Sample Camera'); its XMP (covered "
                "by the signature) claims trainedAlgorithmicMedia: a conflict, and the signed "
                "and trusted credentials decide",
                verdict(origin="captured"),
                want_state="Trusted",
                signal_check={
                    "basis": "signed_trusted",
                    "conflict": True,
                    "evidence": [],
                    "claims": [["c2pa", "captured"], ["xmp", "ai_generated"]],
                },
            ),
            signed,
        )


XMP_NAMESPACES = {
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "TC260": "http://www.tc260.org.cn/ns/AIGC/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}


def xmp_packet(properties: dict[str, str]) -> str:
    """A minimal XMP packet with the given simple properties (prefix:name -> value)."""
    from xml.sax.saxutils import escape

    prefixes = sorted({key.split(":", 1)[0] for key in properties})
    namespaces = " ".join(f'xmlns:{p}="{XMP_NAMESPACES[p]}"' for p in prefixes)
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in properties.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" {namespaces}>{body}</rdf:Description>'
        "</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )


def jpeg_with_xmp(data: bytes, packet: str) -> bytes:
    """The JPEG with an APP1 XMP segment right after SOI."""
    payload = b"http://ns.adobe.com/xap/1.0/\x00" + packet.encode("utf-8")
    return data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def png_with_text(
    label: str, text: dict[str, str] | None = None, itxt: dict[str, str] | None = None
) -> bytes:
    """A PNG picture with tEXt chunks (`text`) and uncompressed iTXt chunks (`itxt`)."""
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    for key, value in (itxt or {}).items():
        info.add_itxt(key, value)
    buf = io.BytesIO()
    draw_image(label).quantize(colors=64).save(buf, "PNG", optimize=True, pnginfo=info)
    return buf.getvalue()


def watermarked_png(label: str) -> bytes:
    """A 256x256 picture (the reference's minimum) carrying the SD 1.x watermark, lossless."""
    import numpy as np

    from verify.detectors.watermark import PAYLOADS, embed

    sd1 = next(p for p in PAYLOADS if p.name == "StableDiffusionV1")
    marked = embed(np.asarray(draw_image(label, (256, 256))), sd1.bits)
    buf = io.BytesIO()
    Image.fromarray(marked).save(buf, "PNG", optimize=True)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Reading back
# --------------------------------------------------------------------------------------------


def reader_context(anchors_pem: str) -> c2pa.Context:
    return c2pa.Context.from_dict({"verify": OFFLINE, "trust": {"trust_anchors": anchors_pem}})


def exception_alias(exc: BaseException) -> str:
    for attr in dir(c2pa.C2paError):
        if getattr(c2pa.C2paError, attr, None) is type(exc):
            return f"C2paError.{attr}"
    return type(exc).__name__


def observe(open_reader: Callable[[], c2pa.Reader]) -> dict[str, Any]:
    """What c2pa-python reports: state and failure codes, or the exception."""
    try:
        reader = open_reader()
    except c2pa.C2paError as exc:
        return {
            "validation_state": None,
            "exception": {
                "class": type(exc).__name__,
                "alias": exception_alias(exc),
                "message": str(exc),
            },
        }
    try:
        report = json.loads(reader.json())
    finally:
        reader.close()
    results = report.get("validation_results") or {}
    deltas = results.get("ingredientDeltas") or []
    return {
        "validation_state": report.get("validation_state"),
        "active_manifest_failures": [
            f["code"] for f in (results.get("activeManifest") or {}).get("failure", [])
        ],
        "ingredient_delta_failures": [
            f["code"] for d in deltas for f in (d.get("validationDeltas") or {}).get("failure", [])
        ],
        "ingredient_delta_informational": [
            f["code"]
            for d in deltas
            for f in (d.get("validationDeltas") or {}).get("informational", [])
        ],
        "exception": None,
    }


def observe_sample(sample: Sample, ctx: c2pa.Context) -> dict[str, Any]:
    path = SAMPLES_DIR / sample.name
    if sample.manifest_file:  # an asset with a sidecar
        store = (SAMPLES_DIR / sample.manifest_file).read_bytes()
        with path.open("rb") as asset:
            return observe(
                lambda: c2pa.Reader(sample.mime, asset, manifest_data=store, context=ctx)
            )
    if sample.asset_file:  # a sidecar, validated against its asset
        store = path.read_bytes()
        with (SAMPLES_DIR / sample.asset_file).open("rb") as asset:
            return observe(lambda: c2pa.Reader(JPEG, asset, manifest_data=store, context=ctx))
    with path.open("rb") as stream:
        return observe(lambda: c2pa.Reader(sample.mime, stream, context=ctx))


def extra_observations(sample: Sample, ctx: c2pa.Context) -> dict[str, Any]:
    """Side readings worth recording for a few samples."""
    extra: dict[str, Any] = {}
    if sample.asset_file:
        data = (SAMPLES_DIR / sample.name).read_bytes()
        extra["observed_standalone"] = observe(
            lambda: c2pa.Reader(C2PA, io.BytesIO(data), context=ctx)
        )
    if sample.name == "remote-manifest.jpg":
        store = (SAMPLES_DIR / REMOTE_MANIFEST).read_bytes()
        data = (SAMPLES_DIR / sample.name).read_bytes()
        extra["observed_with_remote_manifest"] = observe(
            lambda: c2pa.Reader(JPEG, io.BytesIO(data), manifest_data=store, context=ctx)
        )
    return extra


def problems(sample: Sample, observed: dict[str, Any]) -> list[str]:
    out: list[str] = []
    exc = observed.get("exception")
    if sample.want_exception:
        if not exc:
            return [f"expected {sample.want_exception}, read {observed['validation_state']}"]
        if exc["alias"] != sample.want_exception:
            out.append(f"expected {sample.want_exception}, got {exc['alias']}: {exc['message']}")
        if sample.want_message and not exc["message"].startswith(sample.want_message):
            out.append(f"unexpected message: {exc['message']}")
        return out
    if exc:
        return [f"unexpected exception {exc['alias']}: {exc['message']}"]
    if observed["validation_state"] != sample.want_state:
        out.append(f"state {observed['validation_state']}, expected {sample.want_state}")
    active = set(observed["active_manifest_failures"])
    if active != sample.want_active:
        out.append(f"active failures {sorted(active)}, expected {sorted(sample.want_active)}")
    ingredient = set(observed["ingredient_delta_failures"])
    if ingredient != sample.want_ingredient:
        out.append(
            f"ingredient failures {sorted(ingredient)}, expected {sorted(sample.want_ingredient)}"
        )
    return out


def extra_problems(sample: Sample, extra: dict[str, Any]) -> list[str]:
    out: list[str] = []
    with_remote = extra.get("observed_with_remote_manifest")
    if with_remote and with_remote.get("validation_state") != "Trusted":
        out.append(f"remote manifest does not validate the asset: {with_remote}")
    return out


def check(samples: Sequence[Sample], anchors_pem: str) -> tuple[dict[str, Any], list[str]]:
    """Read every sample; return the observations and a list of problems."""
    ctx = reader_context(anchors_pem)
    observations: dict[str, Any] = {}
    failures: list[str] = []
    for sample in samples:
        observed = observe_sample(sample, ctx)
        extra = extra_observations(sample, ctx)
        observations[sample.name] = {"observed": observed, **extra}
        found = problems(sample, observed) + extra_problems(sample, extra)
        size = (SAMPLES_DIR / sample.name).stat().st_size
        if size > MAX_SAMPLE_BYTES:
            found.append(f"{size} bytes, larger than {MAX_SAMPLE_BYTES}")
        if sample.is_image != decodes((SAMPLES_DIR / sample.name).read_bytes()):
            found.append("decodes as an image" if not sample.is_image else "does not decode")
        summary = (
            observed["exception"]["alias"]
            if observed.get("exception")
            else f"{observed['validation_state']} {observed['active_manifest_failures']}"
            f" ingredients={observed['ingredient_delta_failures']}"
        )
        print(f"{'FAIL' if found else 'ok  '} {sample.name:24} {summary}")
        failures += [f"{sample.name}: {p}" for p in found]
    return observations, failures


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def sample_catalogue() -> list[Sample]:
    """The sample list without generating anything (for --check): rebuilt from expected.json."""
    data = json.loads(EXPECTED_JSON.read_text())
    samples = []
    for name, entry in data["samples"].items():
        if "check" not in entry:  # described for the verifier only (the remote manifest)
            continue
        want = entry["check"]
        samples.append(
            Sample(
                name,
                entry["description"],
                {k: entry[k] for k in verdict(origin="x")},
                want_state=want.get("state"),
                want_active=frozenset(want.get("active_manifest_failures", [])),
                want_ingredient=frozenset(want.get("ingredient_delta_failures", [])),
                want_exception=want.get("exception"),
                want_message=want.get("message"),
                mime=entry["mime"],
                manifest_file=entry.get("manifest_file"),
                asset_file=entry.get("asset_file"),
                is_image=want.get("decodes_as_image", True),
                notes=entry.get("notes", {}),
                signal_check=entry.get("signal_check"),
            )
        )
    return samples


def expected_document(samples: Sequence[Sample], observations: dict[str, Any]) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for sample in samples:
        entry: dict[str, Any] = {**sample.expected, "description": sample.description}
        entry["mime"] = sample.mime
        if sample.manifest_file:
            entry["manifest_file"] = sample.manifest_file
        if sample.asset_file:
            entry["asset_file"] = sample.asset_file
        if sample.notes:
            entry["notes"] = sample.notes
        if sample.signal_check:
            entry["signal_check"] = sample.signal_check
        entry["check"] = {
            k: v
            for k, v in {
                "state": sample.want_state,
                "active_manifest_failures": sorted(sample.want_active),
                "ingredient_delta_failures": sorted(sample.want_ingredient),
                "exception": sample.want_exception,
                "message": sample.want_message,
            }.items()
            if v not in (None, [])
        }
        entry["check"]["decodes_as_image"] = sample.is_image
        entry.update(observations[sample.name])
        entries[sample.name] = entry
    # The remote manifest's bytes are a standalone manifest store the verifier also reads
    # when it scans samples/ (the loopback tests serve them as the "remote" manifest).
    entries[REMOTE_MANIFEST] = {
        **verdict(
            credentials="sidecar",
            state="invalid",
            integrity="unknown",
            origin="ai_generated",
            ai_tools=["Sample Diffusion"],
        ),
        "description": "the manifest store that remote-manifest.jpg points to, read on its own",
        "mime": C2PA,
    }
    return {
        "anchors": "trust/anchors.pem",
        "generator": "samples/make_samples.py",
        "library": {"c2pa-python": "0.38.1", "c2pa-rs": c2pa.sdk_version()},
        "read_settings": {"verify": OFFLINE, "trust": {"trust_anchors": "<trust/anchors.pem>"}},
        "samples": entries,
    }


def generate() -> int:
    pki = load_or_make_pki()
    anchors_pem = ANCHORS_PEM.read_text()
    REMOTE_DIR.mkdir(parents=True, exist_ok=True)
    env = Signing(pki, anchors_pem)
    corpus = Corpus(env)
    corpus.build()
    samples = corpus.samples
    for name, data in corpus.files.items():
        (SAMPLES_DIR / name).write_bytes(data)
    wait = (corpus.lapses - dt.datetime.now(dt.UTC)).total_seconds() + 1.5
    if wait > 0:
        print(f"waiting {wait:.1f}s for the short-lived signer to lapse")
        time.sleep(wait)
    observations, failures = check(samples, anchors_pem)
    EXPECTED_JSON.write_text(json.dumps(expected_document(samples, observations), indent=2) + "\n")
    return report(failures)


def check_only() -> int:
    anchors_pem = ANCHORS_PEM.read_text()
    samples = sample_catalogue()
    observations, failures = check(samples, anchors_pem)
    recorded = json.loads(EXPECTED_JSON.read_text())["samples"]
    for name, seen in observations.items():
        if seen["observed"] != recorded[name]["observed"]:
            failures.append(f"{name}: differs from expected.json: {seen['observed']}")
    return report(failures)


def report(failures: Sequence[str]) -> int:
    if failures:
        print("\n".join(["", "PROBLEMS:", *failures]), file=sys.stderr)
        return 1
    print("all samples read as intended")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="only re-read the samples and check them"
    )
    args = parser.parse_args(argv)
    return check_only() if args.check else generate()


if __name__ == "__main__":
    sys.exit(main())
