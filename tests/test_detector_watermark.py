"""Invisible-watermark detector: each published payload found, nothing on clean or broken input."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
import pywt
from PIL import Image
from signal_builders import image_bytes

from verify.detectors import watermark
from verify.detectors.watermark import PAYLOADS, WatermarkDetector, embed
from verify.limits import Limits

LIMITS = Limits()
DETECTOR = WatermarkDetector()


def picture(size: tuple[int, int] = (256, 256)) -> np.ndarray:  # type: ignore[type-arg]
    """A textured RGB picture (gradients in three directions)."""
    y, x = np.mgrid[0 : size[1], 0 : size[0]]
    rgb = np.stack([(x * 255 // size[0]), (y * 255 // size[1]), ((x + y) % 256)], axis=-1)
    return rgb.astype(np.uint8)


def encoded(rgb: np.ndarray, fmt: str = "PNG", **options: object) -> bytes:  # type: ignore[type-arg]
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, fmt, **options)
    return buf.getvalue()


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_each_payload_is_found(payload: watermark.Payload) -> None:
    """A picture marked with a published payload yields exactly that payload, as a heuristic."""
    data = encoded(embed(picture(), payload.bits))
    (signal,) = DETECTOR.detect(data, "image/png", LIMITS).signals
    assert (signal.value, signal.tool) == (payload.name, payload.generator)
    assert (signal.basis.value, signal.origin and signal.origin.value) == (
        "heuristic",
        "ai_generated",
    )


def test_lossless_webp_keeps_the_mark() -> None:
    """The mark survives lossless WebP."""
    data = encoded(embed(picture(), PAYLOADS[0].bits), "WEBP", lossless=True)
    assert [s.value for s in DETECTOR.detect(data, "image/webp", LIMITS).signals] == [
        "StableDiffusionV1"
    ]


def test_clean_picture_has_no_mark() -> None:
    """An unmarked picture yields no signal and the 'absence means nothing' note."""
    detection = DETECTOR.detect(encoded(picture()), "image/png", LIMITS)
    assert detection.signals == ()
    assert detection.notes == (watermark.NO_MATCH_NOTE,)


def test_jpeg_destroys_the_mark() -> None:
    """JPEG at quality 85 removes the mark: no signal (which proves nothing)."""
    data = encoded(embed(picture(), PAYLOADS[0].bits), "JPEG", quality=85)
    assert DETECTOR.detect(data, "image/jpeg", LIMITS).signals == ()


NOT_CHECKED = [
    ("too small", image_bytes((128, 128)), "smaller than 256x256"),
    ("not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "could not be decoded"),
    ("truncated", encoded(picture())[:400], "could not be decoded"),
    ("empty", b"", "could not be decoded"),
]


@pytest.mark.parametrize(("case", "data", "why"), NOT_CHECKED, ids=[n[0] for n in NOT_CHECKED])
def test_unusable_input_is_noted(case: str, data: bytes, why: str) -> None:
    """Input the decoder cannot use yields no signal and a note saying why."""
    detection = DETECTOR.detect(data, "image/png", LIMITS)
    assert detection.signals == ()
    (note,) = detection.notes
    assert why in note


def test_pixel_limit_is_enforced() -> None:
    """An image over max_watermark_pixels is not decoded."""
    detection = DETECTOR.detect(
        encoded(picture()), "image/png", Limits(max_watermark_pixels=256 * 255)
    )
    assert detection.notes == (
        "invisible watermark not checked: 65536 pixels is over max_watermark_pixels",
    )


def test_missing_extra_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without numpy/OpenCV/PyWavelets the detector says which extra to install."""
    monkeypatch.setattr(watermark, "missing_dependencies", lambda: "cv2")
    detection = DETECTOR.detect(encoded(picture()), "image/png", LIMITS)
    assert detection.signals == ()
    assert "pip install 'c2pa-verify[watermark]'" in detection.notes[0]


def test_require_raises_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    """require() names the missing module and the extra."""
    monkeypatch.setattr(watermark, "missing_dependencies", lambda: "pywt")
    with pytest.raises(ModuleNotFoundError, match=r"c2pa-verify\[watermark\].*pywt"):
        watermark.require()


def test_payload_bits_follow_the_reference() -> None:
    """SD 1.x is the bytes 'StableDiffusionV1'; SDXL is 48 bits; FLUX loses its leading zeros."""
    lengths = {p.name: len(p.bits) for p in PAYLOADS}
    assert lengths == {"StableDiffusionV1": 136, "SDV2": 32, "SDXL": 48, "FLUX": 46}
    assert PAYLOADS[0].bits[:8] == (0, 1, 0, 1, 0, 0, 1, 1)  # "S"


def test_bit_error_allowance_follows_the_target() -> None:
    """Each payload's allowance is the largest k whose chance match stays under 1e-12."""
    allowed = {p.name: p.max_errors for p in PAYLOADS}
    assert allowed == {"StableDiffusionV1": 27, "SDV2": 0, "SDXL": 1, "FLUX": 1}
    for payload in PAYLOADS:
        n, k = len(payload.bits), payload.max_errors
        assert watermark.chance_match(n, k) <= watermark.FALSE_MATCH_TARGET or k == 0
        assert watermark.chance_match(n, k + 1) > watermark.FALSE_MATCH_TARGET


def reference_dwtdct(bgr: np.ndarray, bits: tuple[int, ...]) -> np.ndarray:  # type: ignore[type-arg]
    """The reference `dwtDct` encoder (invisible-watermark's EmbedMaxDct), written out anew.

    BGR in and out; U plane (scales [0, 36, 36], the loop covers channels 0 and 1, so only
    U is marked); Haar DWT; in each 4x4 block of the approximation band, row by row, the
    largest coefficient but the first becomes (|c| // 36 + 0.25 + bit / 2) * 36 with its
    sign; the inverse transform takes the detail bands swapped, and the float result is
    stored into the uint8 plane as numpy casts (truncating). No margin: the set value may
    stop being the block's largest, which is what the reference does.
    """
    rows, cols = bgr.shape[0] // 4 * 4, bgr.shape[1] // 4 * 4
    yuv = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV)
    approx, (horizontal, vertical, diagonal) = pywt.dwt2(yuv[:rows, :cols, 1], "haar")
    number = 0
    for top in range(0, approx.shape[0] // 4 * 4, 4):
        for left in range(0, approx.shape[1] // 4 * 4, 4):
            block = approx[top : top + 4, left : left + 4]
            place = int(np.argmax(np.abs(block.ravel()[1:]))) + 1
            row, col = place // 4, place % 4
            coefficient = block[row, col]
            level = abs(coefficient) // 36 + 0.25 + 0.5 * bits[number % len(bits)]
            block[row, col] = level * 36 if coefficient >= 0 else -level * 36
            number += 1
    restored = pywt.idwt2((approx, (vertical, horizontal, diagonal)), "haar")
    assert restored.min() >= 0 and restored.max() < 256, "the picture must not overflow"
    yuv[:rows, :cols, 1] = restored
    return np.asarray(cv2.cvtColor(yuv, cv2.COLOR_YUV2BGR))


def photo_like(seed: int, size: int = 512) -> np.ndarray:  # type: ignore[type-arg]
    """A picture with smooth colour regions and sensor-like noise (fixed seed)."""
    rng = np.random.default_rng(seed)
    coarse = rng.normal(128, 40, (size // 16, size // 16, 3)).clip(0, 255).astype(np.float32)
    smooth = cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)
    noisy = smooth + rng.normal(0, 6, smooth.shape)
    return np.asarray(noisy.clip(0, 255).astype(np.uint8))


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.name for p in PAYLOADS])
def test_reference_encoder_output_is_found(payload: watermark.Payload) -> None:
    """Pictures marked by the reference encoder (no margin) are found, SD 1.x included."""
    bgr = reference_dwtdct(photo_like(1)[:, :, ::-1].copy(), payload.bits)
    data = encoded(np.ascontiguousarray(bgr[:, :, ::-1]))
    assert [s.value for s in DETECTOR.detect(data, "image/png", LIMITS).signals] == [payload.name]


def test_reference_sd1_output_has_bit_errors_a_fixed_5_percent_missed() -> None:
    """The reference encoder leaves SD 1.x with more wrong bits than a fixed 5% (6) allowed."""
    bgr = reference_dwtdct(photo_like(1)[:, :, ::-1].copy(), PAYLOADS[0].bits)
    bits = watermark.block_bits(np.ascontiguousarray(bgr[:, :, ::-1]))
    decoded = watermark.read_payload(bits, len(PAYLOADS[0].bits))
    assert decoded is not None
    errors = sum(a != b for a, b in zip(decoded, PAYLOADS[0].bits, strict=True))
    assert int(136 * 0.05) < errors <= PAYLOADS[0].max_errors


@pytest.mark.parametrize("seed", range(6))
def test_unmarked_photos_do_not_match(seed: int) -> None:
    """Unmarked photo-like pictures match no payload."""
    assert DETECTOR.detect(encoded(photo_like(seed)), "image/png", LIMITS).signals == ()
