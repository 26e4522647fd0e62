"""Input expansion: directories, globs, extensions, links, list files, unlistable folders."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from verify import inputs
from verify.inputs import Input, Selection, expand, read_list


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """a.jpg, b.png, notes.txt, raw/c.dng, raw/skip/d.jpg, .hidden/e.jpg."""
    for rel in ("a.jpg", "b.png", "notes.txt", "raw/c.dng", "raw/skip/d.jpg", ".hidden/e.jpg"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    return tmp_path


def names(items: list[Input], root: Path) -> list[str]:
    return [Path(i.path).relative_to(root).as_posix() for i in items]


def test_directory_walk_is_sorted_and_picks_media(tree: Path) -> None:
    """Files of a directory first (sorted), then its subdirectories; only media files."""
    got = names(list(expand([str(tree)])), tree)
    assert got == ["a.jpg", "b.png", ".hidden/e.jpg", "raw/c.dng", "raw/skip/d.jpg"]


def test_include_and_exclude(tree: Path) -> None:
    """Name globs match file names; globs with a slash match the relative path."""
    only_jpg = Selection(include=("*.jpg",), exclude=(".hidden",))
    assert names(list(expand([str(tree)], only_jpg)), tree) == ["a.jpg", "raw/skip/d.jpg"]
    no_skip = Selection(exclude=("raw/skip",))
    assert "raw/skip/d.jpg" not in names(list(expand([str(tree)], no_skip)), tree)
    raw_only = Selection(include=("raw/*",))
    assert names(list(expand([str(tree)], raw_only)), tree) == ["raw/c.dng", "raw/skip/d.jpg"]


def test_extension_filter(tree: Path) -> None:
    """--ext replaces the known media list; with or without the dot, any case."""
    got = names(list(expand([str(tree)], Selection(extensions=frozenset({"TXT", ".dng"})))), tree)
    assert got == ["notes.txt", "raw/c.dng"]


def test_named_files_ignore_the_selection(tree: Path) -> None:
    """A file named explicitly is always checked, whatever the filters."""
    sel = Selection(include=("*.png",))
    assert [i.path for i in expand([str(tree / "notes.txt")], sel)] == [str(tree / "notes.txt")]


def test_missing_path_is_still_an_input(tmp_path: Path) -> None:
    """A path that does not exist is yielded, so that it gets a record."""
    assert list(expand([str(tmp_path / "nope.jpg")])) == [Input(str(tmp_path / "nope.jpg"))]


def test_symlink_loop_terminates(tree: Path) -> None:
    """A link back to an ancestor: not followed by default; followed once with follow_links."""
    (tree / "raw" / "loop").symlink_to(tree, target_is_directory=True)
    plain = names(list(expand([str(tree)])), tree)
    assert len(plain) == 5
    followed = names(list(expand([str(tree)], Selection(follow_links=True))), tree)
    assert sorted(followed) == sorted(plain)


def test_link_to_other_directory_followed_once(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With follow_links a linked directory outside the tree is walked, once."""
    other = tmp_path_factory.mktemp("other")
    (other / "z.jpg").write_bytes(b"x")
    (tree / "l1").symlink_to(other, target_is_directory=True)
    (tree / "l2").symlink_to(other, target_is_directory=True)
    got = names(list(expand([str(tree)], Selection(follow_links=True))), tree)
    assert got.count("l1/z.jpg") + got.count("l2/z.jpg") == 1


def test_special_files_are_yielded(tree: Path) -> None:
    """A FIFO with a media name is an input (the check reports it unsupported, unopened)."""
    os.mkfifo(tree / "pipe.jpg")
    assert "pipe.jpg" in names(list(expand([str(tree)])), tree)


def test_unlistable_directory_is_reported(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A directory that cannot be listed becomes an input carrying the reason."""
    real = os.scandir
    blocked = tree / "raw"

    def scandir(path: Path) -> object:
        if Path(path) == blocked:
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(inputs.os, "scandir", scandir)
    items = list(expand([str(tree)]))
    bad = [i for i in items if i.unreadable]
    assert [i.path for i in bad] == [str(blocked)]
    assert "Permission denied" in (bad[0].unreadable or "")


def test_read_list() -> None:
    """One path per line; CRLF and blank lines dropped; undecodable bytes kept as the OS does."""
    listing = io.BytesIO(b"a.jpg\r\n\n  \nb c.png\n\xff.jpg")
    got = list(read_list(listing))
    assert got[:2] == ["a.jpg", "b c.png"]
    assert os.fsencode(got[2]) == b"\xff.jpg"


@pytest.mark.parametrize(
    "name", ["a.JPG", ".jpg", "a.", "a..jpg", "noext", ".hidden.png", "a.tar.gz", ".."]
)
def test_walk_suffix_is_pathlibs(name: str) -> None:
    """The walk's string suffix is exactly PurePath's (lower-cased), for odd names too."""
    from pathlib import PurePath

    assert inputs._suffix(name) == PurePath(name).suffix.lower()


def test_selection_takes_text_or_paths() -> None:
    """wants_file/prunes_directory answer the same for a relative path and its text."""
    from pathlib import PurePosixPath

    selection = Selection(include=("raw/*",), exclude=("skip",))
    for rel in ("raw/c.dng", "a.jpg", "raw/skip", "skip"):
        assert selection.wants_file(rel) == selection.wants_file(PurePosixPath(rel))
        assert selection.prunes_directory(rel) == selection.prunes_directory(PurePosixPath(rel))
