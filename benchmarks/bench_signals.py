"""What the signal detectors cost per file, as ratios against the same run's baseline.

Run from the repository root (the watermark decoder needs the `[watermark]` extra)::

    .venv/bin/python benchmarks/bench_signals.py            # default: 5 rounds
    .venv/bin/python benchmarks/bench_signals.py --rounds 20

For each file it times, in the same process and interleaved round by round:

* baseline:   `Verifier.check_path` with the signal detectors switched off (what a check
  cost before them: hashing, the C2PA fast path or native reader, the report);
* default:    `check_path` as shipped (XMP and generator-metadata detectors on);
* watermarks: `check_path` with `CheckOptions(watermarks=True)` (adds the full decode);
* detectors:  the XMP and generator-metadata detectors alone, over the bytes in memory (the
  parsing cost of finding nothing, without the second read of the file);
* parse-all:  the same with the XMP byte pre-filter off (every packet parsed), to show
  what the pre-filter saves on files with large non-AI XMP.

and prints the median milliseconds per file and each as a ratio of the baseline. The files
are made in a temporary directory (deterministic pictures, no metadata: the no-signal case;
and two with the large non-AI XMP that Photoshop and Lightroom write: a 55 KB packet of
camera-raw settings and history, a 1.1 MB packet of document ancestors) plus a few samples
from `samples/`. Absolute times depend on the machine; the ratios are
what to compare.
"""

from __future__ import annotations

import argparse
import io
import statistics
import struct
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import numpy as np
from PIL import Image

from verify import CheckOptions, Verifier, media
from verify.detectors import run_detectors, watermark, xmp
from verify.limits import DEFAULT_LIMITS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ("no-credentials.jpg", "captured.jpg", "ai-generated.png", "xmp-ai.jpg", "a1111.png")


def picture(width: int, height: int, seed: int) -> Image.Image:
    """A deterministic photo-like picture: smooth gradients plus noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 / width, y * 255 / height, (x + y) * 127 / (width + height)], -1)
    noisy = base + rng.normal(0, 12, base.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


_XMP_HEAD = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 9.1-c002">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
    ' xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"'
    ' xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"'
    ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
    ' xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"'
    ' xmp:CreatorTool="Adobe Photoshop 25.0 (Windows)" photoshop:ColorMode="3"'
)
_XMP_TAIL = "</rdf:Description></rdf:RDF></x:xmpmeta>" + " " * 2048 + '<?xpacket end="w"?>'


def photoshop_xmp() -> bytes:
    """About 55 KB: camera-raw settings as attributes and a 250-step editing history."""
    settings = " ".join(f'crs:Setting{i}="{i}"' for i in range(300))
    events = "".join(
        f'<rdf:li stEvt:action="saved" stEvt:instanceID="xmp.iid:{i:032d}"'
        ' stEvt:when="2024-01-01T00:00:00" stEvt:softwareAgent="Adobe Photoshop 25.0 (Windows)"'
        ' stEvt:changed="/"/>'
        for i in range(250)
    )
    body = f"><xmpMM:History><rdf:Seq>{events}</rdf:Seq></xmpMM:History>"
    return (_XMP_HEAD + " " + settings + body + _XMP_TAIL).encode()


def ancestors_xmp() -> bytes:
    """About 1.1 MB: 20,000 document ancestors, as Photoshop accumulates from placed files."""
    items = "".join(f"<rdf:li>xmp.did:{i:032d}</rdf:li>" for i in range(20_000))
    body = f"><photoshop:DocumentAncestors><rdf:Bag>{items}</rdf:Bag></photoshop:DocumentAncestors>"
    return (_XMP_HEAD + body + _XMP_TAIL).encode()


def with_jpeg_xmp(jpeg: bytes, packet: bytes) -> bytes:
    segment = b"http://ns.adobe.com/xap/1.0/\x00" + packet
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment + jpeg[2:]


def with_png_xmp(png: bytes, packet: bytes) -> bytes:
    data = b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + packet
    crc = zlib.crc32(b"iTXt" + data) & 0xFFFFFFFF
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", crc)
    return png[:33] + chunk + png[33:]  # after the signature and IHDR


def make_files(directory: Path) -> list[Path]:
    """No-signal files of usual sizes, two with large non-AI XMP, and some samples."""
    made: list[Path] = []
    for name, size, fmt, options in (
        ("photo-12mp.jpg", (4000, 3000), "JPEG", {"quality": 90}),
        ("photo-2mp.jpg", (1600, 1200), "JPEG", {"quality": 90}),
        ("render-1mp.png", (1024, 1024), "PNG", {}),
        ("render-1mp.webp", (1024, 1024), "WEBP", {"quality": 90}),
    ):
        buf = io.BytesIO()
        picture(*size, seed=len(made)).save(buf, fmt, **options)
        path = directory / name
        path.write_bytes(buf.getvalue())
        made.append(path)
    photo, render = made[1].read_bytes(), made[2].read_bytes()
    for name, data in (
        ("photoshop-55k-xmp.jpg", with_jpeg_xmp(photo, photoshop_xmp())),
        ("ancestors-1m-xmp.png", with_png_xmp(render, ancestors_xmp())),
    ):
        path = directory / name
        path.write_bytes(data)
        made.append(path)
    return made + [ROOT / "samples" / name for name in SAMPLES]


def timed(check: Callable[[Path], object], path: Path) -> float:
    start = time.perf_counter()
    check(path)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per file and mode")
    args = parser.parse_args(argv)
    if watermark.missing_dependencies():
        print(watermark.MISSING_EXTRA, file=sys.stderr)
        return 2
    plain, with_marks = Verifier(), Verifier(CheckOptions(watermarks=True))

    def baseline(path: Path) -> object:
        with mock.patch("verify.core.applicable", lambda *_a, **_k: []):
            return plain.check_path(path)

    def detectors(path: Path) -> object:
        data = contents[path]
        return run_detectors(data, media.detect(data[:64], path.name), DEFAULT_LIMITS)

    def parse_all(path: Path) -> object:
        with mock.patch.object(xmp, "worth_parsing", lambda _packet: True):
            return detectors(path)

    contents: dict[Path, bytes] = {}
    modes: dict[str, Callable[[Path], object]] = {
        "baseline": baseline,
        "default": plain.check_path,
        "watermarks": with_marks.check_path,
        "detectors": detectors,
        "parse-all": parse_all,
    }
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp))
        print(
            f"{'file':22} {'bytes':>10} "
            + " ".join(f"{m + ' ms':>14}" for m in modes)
            + f" {'default/base':>13} {'wm/base':>9} {'detectors/base':>15}"
        )
        for path in files:
            contents[path] = path.read_bytes()
            for check in modes.values():  # warm up: imports, first reader, caches
                check(path)
            samples: dict[str, list[float]] = {m: [] for m in modes}
            for _ in range(args.rounds):
                for mode, check in modes.items():
                    samples[mode].append(timed(check, path))
            median = {m: statistics.median(v) * 1000 for m, v in samples.items()}
            print(
                f"{path.name:22} {path.stat().st_size:>10} "
                + " ".join(f"{median[m]:>14.2f}" for m in modes)
                + f" {median['default'] / median['baseline']:>13.2f}"
                + f" {median['watermarks'] / median['baseline']:>9.1f}"
                + f" {median['detectors'] / median['baseline']:>15.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
