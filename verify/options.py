"""Command-line options shared by `check` and `serve` (one definition, one help text)."""

from __future__ import annotations

import click

from .limits import DEFAULT_LIMITS

max_depth_option = click.option(
    "--max-depth",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_depth,
    show_default=True,
    help="Deepest ingredient link followed in the provenance walk.",
)


def _watermark_extra(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    """--watermarks without numpy/OpenCV/PyWavelets is a usage error naming the extra."""
    if value:
        from .detectors.watermark import MISSING_EXTRA, missing_dependencies

        if missing_dependencies() is not None:
            raise click.BadParameter(MISSING_EXTRA)
    return value


watermarks_option = click.option(
    "--watermarks",
    is_flag=True,
    callback=_watermark_extra,
    help="Also look for the invisible Stable Diffusion / FLUX watermark (a full image"
    " decode per file; needs the [watermark] extra).",
)
