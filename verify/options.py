"""Command-line options shared by `check` and `serve` (one definition, one help text)."""

from __future__ import annotations

import math
from typing import Any

import click

from .limits import DEFAULT_LIMITS, LIMIT_NAMES, with_overrides


class Seconds(click.FloatRange):
    """A time limit in seconds: a finite number, 0 or more (`--timeout`).

    click's FloatRange lets `nan` and `inf` through; `inf` overflows the pool's clock and
    `nan` compares false with every deadline, so both are usage errors here (0 is the
    spelling for no limit).
    """

    name = "number"

    def __init__(self) -> None:
        super().__init__(min=0)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a finite number of seconds (0: no limit)", param, ctx)
        return seconds


max_depth_option = click.option(
    "--max-depth",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMITS.max_depth,
    show_default=True,
    help="Deepest ingredient link followed in the provenance walk.",
)


def _parse_limits(
    _ctx: click.Context, _param: click.Parameter, settings: tuple[str, ...]
) -> dict[str, int]:
    values: dict[str, int] = {}
    for setting in settings:
        name, sep, raw = setting.partition("=")
        try:
            if not sep:
                raise ValueError("expected NAME=N")
            values[name.strip()] = int(raw.replace("_", ""))
        except ValueError as exc:
            raise click.BadParameter(f"{setting!r}: {exc}") from exc
    try:
        with_overrides(DEFAULT_LIMITS, values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    return values


limit_option = click.option(
    "--limit",
    "limit_settings",
    multiple=True,
    metavar="NAME=N",
    callback=_parse_limits,
    help=(
        "Set a resource limit (repeatable; wins over the flags above): "
        + ", ".join(LIMIT_NAMES)
        + ". SECURITY.md lists each default."
    ),
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
