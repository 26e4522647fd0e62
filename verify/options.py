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
