"""The invisible DWT-DCT watermark of Stable Diffusion's and FLUX's reference code.

The reference scripts call the `invisible-watermark` package (method `dwtDct`) with a
fixed public payload. This module re-implements only its decoder, on the CPU, with
numpy, PyWavelets and OpenCV (the `watermark` extra):

1. the image (RGB) is converted to YUV with OpenCV; only the U plane carries the mark
   (the reference embeds with scales [0, 36, 36] but loops over the first two planes);
2. the U plane, cut to a multiple of 4, gets one Haar DWT level; its approximation
   band is cut into 4x4 blocks, read row by row;
3. in each block the coefficient of largest magnitude (the first one excluded) holds
   one bit: `(|c| mod 36) > 18`;
4. block k carries bit `k mod n` of an n-bit payload; each bit is the mean of its
   blocks, thresholded as the reference does (`mean * 255 > 127`).

A payload of n bits matches when at most k of its bits differ, k chosen per payload from
a target false-match probability: under the null model of an unmarked image, each
decoded bit is a fair coin, so the number of agreeing-by-chance bits is binomial(n, 1/2)
and a chance match costs P(errors <= k) = sum_{i<=k} C(n, i) / 2^n. k is the largest
value keeping that at or below `FALSE_MATCH_TARGET` (1e-12): 27 of SD 1.x's 136 bits
(3.5e-13), 1 of SDXL's 48 (1.7e-13) and of FLUX's 46 (6.7e-13). SD 2.x's 32 bits cannot
reach the target even exactly (2^-32 = 2.3e-10), so they must all agree. The reference
encoder does not check that the coefficient it sets stays the largest of its block, so
a share of blocks read back at random and a few bits of a long payload come out wrong
(7-25 of 136 on 256-512 px pictures in our tests): a fixed 5% (6 bits) missed them.
The mark survives lossless saving and mild edits but not JPEG
at usual qualities, resizing or cropping, so a match is a heuristic and the absence
of one means nothing. Decoding costs a full image decode: it runs only when asked
(`--watermarks`); `benchmarks/bench_signals.py` measures it.
"""

from __future__ import annotations

import functools
import io
import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PIL import Image

from ..declaration import Basis, Origin
from ..limits import Limits
from ..signal import DetectorName, Signal
from .base import Detection

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MEDIA_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/tiff"})
#: The reference refuses images under 256x256 pixels (area).
MIN_PIXELS = 256 * 256
SCALE = 36
BLOCK = 4
#: Highest chance that an unmarked image matches one payload (binomial null model).
FALSE_MATCH_TARGET = 1e-12
_PILLOW_FORMATS = ["PNG", "JPEG", "WEBP", "TIFF"]
EXTRA = "watermark"


def _bits_of_bytes(payload: bytes) -> tuple[int, ...]:
    return tuple((byte >> (7 - i)) & 1 for byte in payload for i in range(8))


def _bits_of_int(message: int) -> tuple[int, ...]:
    # The reference builds its bit list with `bin(x)[2:]`, which drops leading zeros:
    # FLUX's 48-bit constant starts with 00, so 46 bits are embedded.
    return tuple(int(bit) for bit in bin(message)[2:])


def chance_match(n: int, errors: int) -> float:
    """P(at most `errors` of n fair-coin bits differ from a fixed payload)."""
    ways: int = sum(math.comb(n, i) for i in range(errors + 1))
    return ways / (1 << n)


@functools.cache
def max_bit_errors(n: int, target: float = FALSE_MATCH_TARGET) -> int:
    """Wrong bits an n-bit payload may have: the largest k with chance_match(n, k) <= target.

    0 when even an exact match is likelier than the target (then all bits must agree).
    """
    k = 0
    while k + 1 < n and chance_match(n, k + 1) <= target:
        k += 1
    return k


@dataclass(frozen=True)
class Payload:
    """A fixed watermark payload published in a generator's reference code."""

    name: str
    generator: str
    bits: tuple[int, ...] = field(repr=False)
    #: Where the payload is defined.
    reference: str = field(default="", repr=False)

    @property
    def max_errors(self) -> int:
        return max_bit_errors(len(self.bits))


PAYLOADS: tuple[Payload, ...] = (
    Payload(
        "StableDiffusionV1",
        "Stable Diffusion 1.x",
        _bits_of_bytes(b"StableDiffusionV1"),
        "CompVis/stable-diffusion scripts/txt2img.py",
    ),
    Payload(
        "SDV2",
        "Stable Diffusion 2.x",
        _bits_of_bytes(b"SDV2"),
        "Stability-AI/stablediffusion scripts/txt2img.py",
    ),
    Payload(
        "SDXL",
        "Stable Diffusion XL",
        _bits_of_int(0b101100111110110010010000011110111011000110011110),
        "Stability-AI/generative-models (streamlit_helpers.py WATERMARK_MESSAGE)",
    ),
    Payload(
        "FLUX",
        "FLUX.1",
        _bits_of_int(0b001010101111111010000111100111001111010100101110),
        "black-forest-labs/flux src/flux/util.py WATERMARK_MESSAGE",
    ),
)


def missing_dependencies() -> str | None:
    """None when the decoder can run; otherwise which module is missing."""
    for module in ("numpy", "cv2", "pywt"):
        try:
            __import__(module)
        except ImportError:
            return module
    return None


MISSING_EXTRA = (
    "the watermark check needs numpy, opencv-python-headless and PyWavelets:"
    f" pip install 'c2pa-verify[{EXTRA}]'"
)


def require() -> None:
    """Raise ModuleNotFoundError with an install hint when the decoder cannot run."""
    module = missing_dependencies()
    if module is not None:
        raise ModuleNotFoundError(f"{MISSING_EXTRA} ({module} is missing)", name=module)


def block_bits(rgb: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """The bit read from every 4x4 block of the U plane's DWT approximation, row-major."""
    import cv2
    import numpy as np
    import pywt

    height, width = rgb.shape[:2]
    yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV)
    plane = yuv[: height // 4 * 4, : width // 4 * 4, 1]
    approx, _ = pywt.dwt2(plane, "haar")
    rows, cols = approx.shape[0] // BLOCK, approx.shape[1] // BLOCK
    blocks = (
        approx[: rows * BLOCK, : cols * BLOCK]
        .reshape(rows, BLOCK, cols, BLOCK)
        .swapaxes(1, 2)
        .reshape(rows * cols, BLOCK * BLOCK)
    )
    position = np.abs(blocks[:, 1:]).argmax(axis=1) + 1
    value = np.abs(blocks[np.arange(len(blocks)), position])
    bits: NDArray[np.bool_] = (value % SCALE) > SCALE * 0.5
    return bits


def embed(rgb: NDArray[np.uint8], bits: tuple[int, ...], margin: float = 4.0) -> NDArray[np.uint8]:
    """`rgb` with `bits` embedded the way the reference `dwtDct` encoder does (for tests).

    Same transform and quantisation as the reference (U plane, Haar approximation band,
    4x4 blocks, the largest coefficient but the first set to `(q + 0.25 + bit / 2) * 36`),
    with one care the reference lacks: `q` is raised until that coefficient stays the
    largest of its block (by `margin`), so that every block reads back as written.
    The reference also swaps the horizontal and vertical detail bands when it inverts the
    transform; that is kept, since it is what generated images carry.
    """
    import cv2
    import numpy as np
    import pywt

    yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV)
    height, width = yuv.shape[:2]
    rows4, cols4 = height // 4 * 4, width // 4 * 4
    approx, (horizontal, vertical, diagonal) = pywt.dwt2(
        yuv[:rows4, :cols4, 1].astype(np.float64), "haar"
    )
    count = 0
    for i in range(approx.shape[0] // BLOCK):
        for j in range(approx.shape[1] // BLOCK):
            block = approx[i * BLOCK : (i + 1) * BLOCK, j * BLOCK : (j + 1) * BLOCK]
            magnitudes = np.abs(block.flatten())
            position = int(magnitudes[1:].argmax()) + 1
            others = float(np.delete(magnitudes, [0, position]).max())
            row, col = divmod(position, BLOCK)
            bit = bits[count % len(bits)]
            level = float(magnitudes[position] // SCALE)
            while (level + 0.25 + 0.5 * bit) * SCALE < others + margin:
                level += 1
            value = (level + 0.25 + 0.5 * bit) * SCALE
            block[row, col] = value if block[row, col] >= 0 else -value
            count += 1
    restored = pywt.idwt2((approx, (vertical, horizontal, diagonal)), "haar")
    yuv[:rows4, :cols4, 1] = np.clip(np.rint(restored), 0, 255).astype(np.uint8)
    out = cv2.cvtColor(yuv, cv2.COLOR_YUV2RGB)
    return np.asarray(out, dtype=np.uint8)


def read_payload(bits: NDArray[np.bool_], length: int) -> tuple[int, ...] | None:
    """The `length`-bit payload repeated over the blocks, or None if there are too few."""
    import numpy as np

    if len(bits) < length:
        return None
    index = np.arange(len(bits)) % length
    ones = np.bincount(index, weights=bits.astype(np.float64), minlength=length)
    totals = np.bincount(index, minlength=length)
    mean = ones / totals
    return tuple(int(b) for b in (mean * 255 > 127))


@dataclass(frozen=True)
class Match:
    payload: Payload
    errors: int


def match_payloads(bits: NDArray[np.bool_]) -> list[Match]:
    """Known payloads found in the block bits (at most `Payload.max_errors` bits wrong)."""
    found: list[Match] = []
    for payload in PAYLOADS:
        decoded = read_payload(bits, len(payload.bits))
        if decoded is None:
            continue
        errors = sum(a != b for a, b in zip(decoded, payload.bits, strict=True))
        if errors <= payload.max_errors:
            found.append(Match(payload, errors))
    return found


def _rgb(data: bytes, limits: Limits) -> tuple[Any, str | None]:
    """(RGB array or None, why not) for an image of checkable size."""
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS)
        except Image.DecompressionBombError:
            return None, "the image is over max_image_pixels"
        except (OSError, ValueError, SyntaxError):
            return None, "the image could not be decoded"
        with image:
            pixels = image.width * image.height
            # Pillow only refuses at twice its limit (a warning below): ours is exact.
            if pixels > limits.max_image_pixels:
                return None, f"{pixels} pixels is over max_image_pixels"
            if pixels < MIN_PIXELS:
                return None, "the image is smaller than 256x256 pixels"
            if pixels > limits.max_watermark_pixels:
                return None, f"{pixels} pixels is over max_watermark_pixels"
            try:
                rgb = np.asarray(image.convert("RGB"))
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
                return None, "the image could not be decoded"
    return rgb, None


NO_MATCH_NOTE = (
    "invisible watermark: none of the known Stable Diffusion / FLUX payloads was found;"
    " absence means nothing (the mark does not survive JPEG, resizing or cropping)"
)


class WatermarkDetector:
    """Stable Diffusion 1.x/2.x, SDXL and FLUX reference-code watermarks (heuristic)."""

    name = DetectorName.WATERMARK
    media_types = MEDIA_TYPES
    on_request = True

    def detect(self, data: bytes, media_type: str, limits: Limits) -> Detection:
        missing = missing_dependencies()
        if missing is not None:
            return Detection(notes=(f"invisible watermark not checked: {MISSING_EXTRA}",))
        rgb, problem = _rgb(data, limits)
        if rgb is None:
            return Detection(notes=(f"invisible watermark not checked: {problem}",))
        matches = match_payloads(block_bits(rgb))
        if not matches:
            return Detection(notes=(NO_MATCH_NOTE,))
        signals = tuple(
            Signal(
                detector=self.name,
                field="dwtDct",
                value=m.payload.name,
                basis=Basis.HEURISTIC,
                origin=Origin.AI_GENERATED,
                tool=m.payload.generator,
                source="pixels (U plane, Haar DWT)",
                detail=(
                    f"the invisible watermark of {m.payload.generator}'s reference code"
                    f" ({len(m.payload.bits) - m.errors}/{len(m.payload.bits)} bits):"
                    " made or passed through that pipeline"
                ),
            )
            for m in matches
        )
        return Detection(signals)
