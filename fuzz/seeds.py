"""Seed inputs for each harness, made from samples/ (nothing is stored twice).

`python -m fuzz.seeds OUT` writes OUT/<harness>/<name> files; the runner does this
itself when no corpus directory is given.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from verify import jumbf, media
from verify.detectors import generator, xmp
from verify.limits import DEFAULT_LIMITS
from verify.reader import ManifestReader

from .harnesses import PNG_KEYWORDS, TEXT_TYPES, XMP_TYPES, prefix

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def _assets() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.is_file() and media.is_known_media(p.name))


#: Declarations the samples do not carry in every form (a TC260 label outside XMP, IIM).
_TEXT_SEEDS = (
    ("png", "image/png", 3 << 2, b'{"AIGC":{"Label":"1","ContentProducer":"c","ProduceID":"p"}}'),
    ("exif", "image/jpeg", 2, b'ASCII\0\0\0{"Label":"2","ContentProducer":"c"}'),
    ("iim", "image/jpeg", 1, b"8BIM\x04\x04\0\0\0\0\0\x18\x1c\x02\x6e\0\x13Made with Google AI\0"),
    ("com", "image/jpeg", 0, b"a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1"),
)


def _detector_seeds(name: str, data: bytes) -> Iterator[tuple[str, str, bytes]]:
    """Seeds of the xmp and metadata harnesses: the file, and what it holds, wrapped."""
    mime = media.detect(data[:64], name)
    if mime in XMP_TYPES:
        yield "xmp", name, prefix(XMP_TYPES, mime) + data
        for packet in xmp.packets(data, mime, DEFAULT_LIMITS):
            if isinstance(packet, xmp.Packet) and packet.data:
                yield "xmp", name + ".xmp", prefix(XMP_TYPES, "image/png", 3) + packet.data
    if mime in TEXT_TYPES:
        yield "metadata", name, prefix(TEXT_TYPES, mime) + data
        for item in generator.texts(data, mime, DEFAULT_LIMITS):
            if isinstance(item, generator.Text) and item.field.startswith("png:"):
                keyword = item.field.removeprefix("png:")
                style = PNG_KEYWORDS.index(keyword) << 2 if keyword in PNG_KEYWORDS else 0
                wrapped = prefix(TEXT_TYPES, "image/png", style)
                yield "metadata", f"{name}.{keyword}", wrapped + item.value.encode()


def _heif_seeds() -> Iterator[tuple[str, str, bytes]]:
    """HEIF files with XMP items (the samples have none), made by the tests' builder."""
    spec = importlib.util.spec_from_file_location(
        "signal_builders", ROOT / "tests" / "signal_builders.py"
    )
    if spec is None or spec.loader is None:
        return
    builders = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builders)
    packet = builders.xmp(
        builders.prop("Iptc4xmpExt:DigitalSourceType", builders.IPTC + "trainedAlgorithmicMedia")
    )
    mime = prefix(XMP_TYPES, "image/heic")
    yield "xmp", "primary-and-thumbnail.heic", mime + builders.heif([(packet, 1), (packet, 2)])
    yield "xmp", "idat.heic", mime + builders.heif([(packet, None)], in_idat=True)


def seeds() -> Iterator[tuple[str, str, bytes]]:
    """(harness, name, bytes) for every seed."""
    reader = ManifestReader()
    yield from _heif_seeds()
    for label, mime, style, body in _TEXT_SEEDS:
        yield "metadata", label, prefix(TEXT_TYPES, mime, style) + body
    for path in _assets():
        data = path.read_bytes()
        yield "verify", path.name, data
        yield from _detector_seeds(path.name, data)
        if path.suffix.lower() in (".jpg", ".png"):
            yield "fastpath", path.name, data
        outcome = reader.read_path(path, media.detect(data[:64], path.name))
        if outcome.store is not None:
            yield "parse", path.name + ".json", json.dumps(outcome.store).encode()
        store = outcome.manifest_jumbf
        if store is None:
            continue
        yield "jumbf", path.name + ".jumbf", store
        try:
            manifests = jumbf.store_manifests(store)
        except jumbf.JumbfError:
            continue
        for m in manifests:
            if m.signature is not None:
                yield "cose", path.name + ".cose", m.signature
                yield "cbor", path.name + ".cbor", m.signature
                break
    for pem in sorted((SAMPLES / "trust").glob("*.pem")):
        yield "pem", pem.name, pem.read_bytes()
    yield "pem", "eku.cfg", b"// EKUs\n1.3.6.1.5.5.7.3.4\n1.3.6.1.5.5.7.3.36\n"


def regressions(harness: str) -> list[Path]:
    """Inputs that once broke a harness (kept forever as regression tests)."""
    folder = REGRESSIONS / harness
    return sorted(folder.iterdir()) if folder.is_dir() else []


def write_seeds(out: Path, only: str | None = None) -> dict[str, Path]:
    """Write the seeds under out/<harness>/ and return the folders."""
    folders: dict[str, Path] = {}
    for harness, name, data in seeds():
        if only is not None and harness != only:
            continue
        folder = folders.setdefault(harness, out / harness)
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()[:12]
        (folder / f"{name}-{digest}").write_bytes(data)
    return folders


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m fuzz.seeds OUT_DIR")
    for harness, folder in sorted(write_seeds(Path(sys.argv[1])).items()):
        print(f"{harness}: {sum(1 for _ in folder.iterdir())} seeds in {folder}")
