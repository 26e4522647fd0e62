"""Seed inputs for each harness, made from samples/ (nothing is stored twice).

`python -m fuzz.seeds OUT` writes OUT/<harness>/<name> files; the runner does this
itself when no corpus directory is given.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from verify import jumbf, media
from verify.reader import ManifestReader

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def _assets() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.is_file() and media.is_known_media(p.name))


def seeds() -> Iterator[tuple[str, str, bytes]]:
    """(harness, name, bytes) for every seed."""
    reader = ManifestReader()
    for path in _assets():
        data = path.read_bytes()
        yield "verify", path.name, data
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
