"""Decoding images under the pixel limit (decompression bombs).

The check never decodes pixels: c2pa-rs hashes bytes, and our own parsers read
containers and metadata. Code that does decode (a thumbnail, a detector reading an
image's text chunks through Pillow) must go through :func:`open_image`, and every
:class:`~verify.core.Verifier` applies :attr:`Limits.max_image_pixels` to Pillow when it
is built, so that any other Pillow use in the process is bounded too.

Pillow only warns between `MAX_IMAGE_PIXELS` and twice that; here the limit is exact: the
warning is an error, and the outcome is a value with the `too_large` kind.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .limits import Limits
from .reader import ErrorKind

if TYPE_CHECKING:
    from PIL.Image import Image


def apply_pixel_limit(limits: Limits) -> None:
    """Set Pillow's process-wide pixel limit (the decompression-bomb check)."""
    from PIL import Image as PILImage

    PILImage.MAX_IMAGE_PIXELS = limits.max_image_pixels


@dataclass(frozen=True)
class Opened:
    """An image header read under the limit, or why it was refused."""

    image: Image | None
    error_kind: ErrorKind | None = None
    message: str | None = None


def open_image(data: bytes, limits: Limits) -> Opened:
    """Open an image (header only; decoding happens on first pixel access) under the limit.

    The dimensions are checked before any pixel is decoded: an image over
    `max_image_pixels` is refused with `too_large`, one Pillow cannot read is `malformed`.
    """
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    apply_pixel_limit(limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(io.BytesIO(data))
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        return Opened(None, ErrorKind.TOO_LARGE, f"{exc} (max_image_pixels)")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        return Opened(None, ErrorKind.MALFORMED, f"not a readable image: {exc}")
    width, height = image.size
    if width * height > limits.max_image_pixels:  # formats Pillow does not check on open
        image.close()
        return Opened(
            None,
            ErrorKind.TOO_LARGE,
            f"{width}x{height} pixels is over the limit of {limits.max_image_pixels}"
            " (max_image_pixels)",
        )
    return Opened(image)
