"""Invisible-watermark detector: each published payload found, nothing on clean or broken input."""

from __future__ import annotations

import io

import numpy as np
import pytest
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
