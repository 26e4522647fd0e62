"""Scale-out on Dask: the core check mapped over a `dask.bag` of paths or URLs.

Needs the `[dask]` extra (dask[bag], distributed, fsspec); `s3://` needs `s3fs`, `gs://`
needs `gcsfs`. Each input is read through fsspec (its size first: an input over
`max_size` is `too_large` without being read), then checked with
:meth:`~verify.core.Verifier.check_bytes` under its original name, with the `.c2pa`
sidecar beside it looked up the way the command line does. One Verifier (one c2pa
Context) is built per partition. The records are the command line's JSONL records, as
dicts, `index` included when the bag holds `(index, url)` pairs::

    import dask.bag as db
    from verify.dask import check_urls, expand_urls, to_jsonl

    urls = list(expand_urls(["s3://bucket/uploads/"]))
    records = check_urls(urls, npartitions=64)
    to_jsonl(records).to_textfiles("s3://bucket/reports/part-*.jsonl")

Unlike the command line's worker pool, a Dask task cannot be stopped mid-check: the
per-asset `timeout` of `c2pa-verify check` does not apply here, and a worker killed by a
native crash makes Dask re-run its partition elsewhere (up to the scheduler's
`allowed-failures`). Use small partitions for untrusted inputs.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import dask.bag as db
import fsspec
from fsspec.spec import AbstractFileSystem

from .core import (
    SIDECAR_SUFFIX,
    CheckOptions,
    SidecarSource,
    Verifier,
    error_report,
    not_regular_message,
    too_large_message,
)
from .inputs import DEFAULT_SELECTION, STDIN, Selection
from .reader import ErrorKind
from .report import Report
from .serialize import record_to_json, report_to_dict

#: An input: a path or URL, or `(index, path or URL)` to number the records.
Item = str | tuple[int, str]


def _open_fs(url: str, storage_options: Mapping[str, Any]) -> tuple[AbstractFileSystem, str]:
    fs, path = fsspec.core.url_to_fs(url, **storage_options)
    return fs, path


def _is_url(name: str) -> bool:
    return "://" in name or "::" in name


def _display(name: str) -> str:
    """A directory's name as the command line joins it: local paths normalised by pathlib."""
    if _is_url(name):
        return name.rstrip("/") or name
    return str(Path(name))


def expand_urls(
    urls: Iterable[str],
    selection: Selection = DEFAULT_SELECTION,
    storage_options: Mapping[str, Any] | None = None,
) -> Iterator[str]:
    """Files as given; directories walked as `c2pa-verify check` walks them.

    The order is the command line's (each directory's selected files sorted by name, then
    its subdirectories), so `enumerate()` of the result gives the CLI's `index`. Names
    keep the form given (`s3://bucket/dir` gives `s3://bucket/dir/a.jpg`). Links to
    directories are not followed (`selection.follow_links` is refused). A directory that
    cannot be listed, and an input that cannot be opened at all, are yielded as given, so
    that the check reports them.
    """
    if selection.follow_links:
        raise ValueError("expand_urls does not follow links to directories")
    options = dict(storage_options or {})
    for url in urls:
        if url == STDIN:
            raise ValueError("standard input cannot be checked on a cluster")
        try:
            fs, path = _open_fs(url, options)
            is_dir = fs.isdir(path) and not fs.info(path).get("islink", False)
        except Exception:  # reported by the check: one record for this input
            yield url
            continue
        if is_dir:
            yield from _walk(fs, path, _display(url), selection)
        else:
            yield url  # a file keeps the name it was given, as on the command line


def _walk(fs: AbstractFileSystem, root: str, root_name: str, selection: Selection) -> Iterator[str]:
    stack: list[tuple[str, str]] = [(root, root_name)]
    while stack:
        path, name = stack.pop()
        try:
            entries = fs.ls(path, detail=True)
        except Exception:  # the check reports what is wrong with it
            yield name
            continue
        subdirs: list[tuple[str, str]] = []
        for entry in sorted(entries, key=_base):
            base = _base(entry)
            if not base or entry["name"].rstrip("/") == path.rstrip("/"):
                continue  # some stores list the directory itself
            child = f"{name}/{base}"
            relative = PurePosixPath(child[len(root_name) + 1 :])
            if entry.get("type") == "directory" and not entry.get("islink", False):
                if not selection.prunes_directory(relative):
                    subdirs.append((entry["name"], child))
            elif selection.wants_file(relative):
                yield child
        stack.extend(reversed(subdirs))


def _base(entry: Mapping[str, Any]) -> str:
    name: str = entry["name"]
    return name.rstrip("/").rsplit("/", 1)[-1]


def _unreadable(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _sidecar(fs: AbstractFileSystem, path: str) -> SidecarSource:
    """The `.c2pa` file beside an asset on any fsspec file system."""
    sidecar = posixpath.splitext(path)[0] + SIDECAR_SUFFIX

    def size() -> int | None:
        try:
            info = fs.info(sidecar)
        except OSError:
            raise
        except Exception as exc:  # remote stores raise their own errors
            raise OSError(str(exc)) from exc
        return int(info["size"]) if info.get("type") == "file" else None

    def read() -> bytes:
        try:
            data: bytes = fs.cat_file(sidecar)
        except OSError:
            raise
        except Exception as exc:
            raise OSError(str(exc)) from exc
        return data

    return SidecarSource(posixpath.basename(sidecar), size, read)


def check_url(
    verifier: Verifier,
    url: str,
    *,
    index: int | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> Report:
    """Check one path or URL through fsspec: exactly one report, never an exception."""
    report = _check_url(verifier, url, dict(storage_options or {}))
    if index is not None:
        report = dataclasses.replace(report, index=index)
    return report


def _check_url(verifier: Verifier, url: str, storage_options: dict[str, Any]) -> Report:
    try:
        fs, path = _open_fs(url, storage_options)
        info = fs.info(path)
    except Exception as exc:  # unknown protocol, missing backend, missing file, denied
        return error_report(url, ErrorKind.UNREADABLE, _unreadable(exc))
    kind = info.get("type")
    if kind != "file":
        return error_report(url, ErrorKind.UNSUPPORTED, not_regular_message(kind == "directory"))
    size = int(info.get("size") or 0)
    limit = verifier.limits.max_size
    if size > limit:
        return error_report(
            url, ErrorKind.TOO_LARGE, too_large_message(size, verifier.limits), size
        )
    try:
        with fs.open(path, "rb") as fh:
            data: bytes = fh.read(limit + 1)
    except Exception as exc:
        return error_report(url, ErrorKind.UNREADABLE, _unreadable(exc), size)
    return verifier.check_bytes(data, name=url, sidecar_source=_sidecar(fs, path))


def check_partition(
    items: Iterable[Item],
    options: CheckOptions | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Check one partition with one Verifier: the JSON records, in the partition's order."""
    verifier = Verifier(options)
    records = []
    for item in items:
        index, url = item if isinstance(item, tuple) else (None, item)
        report = check_url(verifier, url, index=index, storage_options=storage_options)
        records.append(report_to_dict(report))
    return records


def check_bag(
    bag: db.Bag,
    options: CheckOptions | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> db.Bag:
    """Map the check over a bag of paths/URLs or `(index, url)` pairs: a bag of records."""
    return bag.map_partitions(check_partition, options=options, storage_options=storage_options)


def check_urls(
    urls: Sequence[str],
    options: CheckOptions | None = None,
    *,
    npartitions: int | None = None,
    partition_size: int | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> db.Bag:
    """A bag of the records for these files, each with its position as `index`."""
    pairs = list(enumerate(urls))
    if npartitions is None and partition_size is None:
        partition_size = 100
    bag = db.from_sequence(pairs, npartitions=npartitions, partition_size=partition_size)
    return check_bag(bag, options, storage_options)


def to_jsonl(records: db.Bag) -> db.Bag:
    """Records as JSONL lines, byte for byte as `c2pa-verify check -f jsonl` writes them."""
    return records.map(record_to_json)
