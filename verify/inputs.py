"""Expand command-line arguments into the list of inputs to check."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .media import is_known_media

STDIN = "-"


@dataclass(frozen=True)
class Input:
    """One asset to check: a path, or standard input (`path == "-"`)."""

    path: str

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN


def expand(arguments: Iterable[str]) -> Iterator[Input]:
    """Files as given; directories recursively (known media extensions, sorted).

    A path that does not exist is still yielded, so that it gets a report saying so.
    Symbolic links to directories are not followed (no loops); links to files are.
    """
    for arg in arguments:
        if arg == STDIN:
            yield Input(STDIN)
            continue
        p = Path(arg)
        if p.is_dir() and not p.is_symlink():
            yield from _walk(p)
        else:
            yield Input(arg)


def _walk(root: Path) -> Iterator[Input]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            if is_known_media(name):
                yield Input(str(Path(dirpath) / name))
