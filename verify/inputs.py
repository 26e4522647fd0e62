"""Expand command-line arguments and path lists into the stream of inputs to check.

Inputs are produced lazily (a list of a million paths is never held in memory) and every
input the caller named gives exactly one record downstream: a path that does not exist,
a FIFO or a device is still yielded, and the check reports it (`unreadable`,
`unsupported`). A directory that cannot be listed is yielded with the reason, so that it
too gets a record.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from .media import EXTENSION_TYPES

STDIN = "-"


@dataclass(frozen=True)
class Input:
    """One asset to check: a path, or standard input (`path == "-"`).

    `unreadable` is set when the input is known to be unreadable before any check (a
    directory that could not be listed); it is the reason.
    """

    path: str
    unreadable: str | None = None

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN


@dataclass(frozen=True)
class Selection:
    """Which files a directory walk picks up.

    A pattern without `/` is matched against the file name, one with `/` against the path
    relative to the directory given (`raw/*.dng`). `extensions` (lower case, with or
    without the dot) replaces the default list of known media extensions. Paths named
    explicitly (arguments, list files) are always checked, whatever the selection.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extensions: frozenset[str] | None = None
    #: Follow symbolic links to directories (each directory is entered once: no loops).
    follow_links: bool = False

    def __post_init__(self) -> None:
        if self.extensions is not None:
            normal = frozenset(
                e.lower() if e.startswith(".") else f".{e.lower()}" for e in self.extensions
            )
            object.__setattr__(self, "extensions", normal)

    def wants_file(self, relative: PurePath | str) -> bool:
        """Whether a file found in a directory walk is checked (`relative`: a path, or
        its `/`-separated text)."""
        text = relative if isinstance(relative, str) else relative.as_posix()
        return self._wants(text.rpartition("/")[2], text)

    def prunes_directory(self, relative: PurePath | str) -> bool:
        """Whether an excluded pattern removes a whole subdirectory from the walk."""
        text = relative if isinstance(relative, str) else relative.as_posix()
        return self._excluded(text.rpartition("/")[2], text)

    def _wants(self, name: str, relative: str) -> bool:
        suffix = _suffix(name)
        if self.extensions is not None:
            if suffix not in self.extensions:
                return False
        elif suffix not in EXTENSION_TYPES:
            return False
        if self.include and not any(_matches(name, relative, p) for p in self.include):
            return False
        return not self._excluded(name, relative)

    def _excluded(self, name: str, relative: str) -> bool:
        return any(_matches(name, relative, p) for p in self.exclude)


DEFAULT_SELECTION = Selection()


def _suffix(name: str) -> str:
    """`PurePath(name).suffix.lower()`, without building a path per file of a walk."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def _matches(name: str, relative: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(relative if "/" in pattern else name, pattern)


def expand(arguments: Iterable[str], selection: Selection = DEFAULT_SELECTION) -> Iterator[Input]:
    """Files as given; directories recursively (selected files, sorted by name).

    A path that does not exist is still yielded, so that it gets a report saying so.
    Symbolic links to directories are not followed unless `selection.follow_links`, and
    then each directory is entered at most once (no loops); links to files are followed.
    """
    for arg in arguments:
        if arg == STDIN:
            yield Input(STDIN)
            continue
        p = Path(arg)
        if p.is_dir() and (selection.follow_links or not p.is_symlink()):
            yield from _walk(p, selection)
        else:
            yield Input(arg)


def read_list(stream: Iterable[bytes]) -> Iterator[str]:
    """Paths from a list file, one per line (bytes decoded as the OS does for file names).

    Blank lines are skipped; nothing else is interpreted, so any file name but one with a
    newline can be listed.
    """
    for raw in stream:
        line = raw.rstrip(b"\r\n")
        if line.strip():
            yield os.fsdecode(line)


def _walk(root: Path, selection: Selection) -> Iterator[Input]:
    # Plain strings throughout (no Path per entry): the walk runs in the batch parent,
    # whose time per input is the ceiling on unsigned files. `entry.path` joins the
    # directory's text and the name, as Path did.
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[str, str]] = [(str(root), "")]  # (directory, its path below root + "/")
    follow = selection.follow_links
    while stack:
        directory, prefix = stack.pop()
        try:
            st = os.stat(directory)  # noqa: PTH116 - strings here, not a Path per directory
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue  # reached again through a link: a loop or a second route
            seen.add(key)
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Input(directory, unreadable=f"cannot list directory: {exc.strerror or exc}")
            continue
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            name = entry.name
            relative = prefix + name
            if _is_dir(entry, follow):
                if not selection._excluded(name, relative):
                    subdirs.append((entry.path, relative + "/"))
            elif selection._wants(name, relative):
                yield Input(entry.path)
        stack.extend(reversed(subdirs))


def _is_dir(entry: os.DirEntry[str], follow_links: bool) -> bool:
    """A directory to enter: a link to one only with `follow_links`. Mostly answered from
    the listing's file type, without a stat per entry."""
    try:
        return entry.is_dir(follow_symlinks=follow_links)
    except OSError:
        return False  # a broken link: yielded as a file if selected, and reported unreadable
