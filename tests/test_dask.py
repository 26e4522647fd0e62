"""The Dask adapter: the command line's records from a bag of paths or URLs, on a real cluster."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dask
import dask.bag as db
import fsspec
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from verify import CheckOptions, Limits, Verifier
from verify.cli import main
from verify.dask import check_bag, check_partition, check_url, check_urls, expand_urls, to_jsonl
from verify.inputs import Selection, expand
from verify.serialize import report_to_dict
from verify.trust.cli import TrustArgs, resolve_check_trust

ANCHORS = "samples/trust/anchors.pem"
WAIT = 180  # seconds: bound on any cluster operation


@pytest.fixture
def in_repo(samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(samples_dir.parent)


@pytest.fixture(scope="module")
def cluster_client() -> Iterator[Client]:
    """A real distributed cluster: two worker processes, one thread each."""
    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address="127.0.0.1:0",  # never the fixed 8787: other clusters may run
            host="127.0.0.1",
            timeout=WAIT,
        ) as cluster,
        Client(cluster, timeout=WAIT) as client,
    ):
        yield client


def cli_jsonl(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["check", "-f", "jsonl", "--ordered", *args])
    assert result.exit_code in (0, 1, 3), result.output
    return result.stdout.splitlines()


def cli_options() -> CheckOptions:
    """The options `c2pa-verify check --trust-anchors samples/trust/anchors.pem` uses."""
    lists, _ = resolve_check_trust(TrustArgs(anchors=(ANCHORS,)))
    return CheckOptions(trust_lists=lists)


@pytest.mark.usefixtures("in_repo")
def test_cluster_records_equal_the_cli_jsonl(cluster_client: Client) -> None:
    """On a 2-process LocalCluster, samples/ gives the CLI's JSONL lines, index included."""
    urls = list(expand_urls(["samples"]))
    bag = check_urls(urls, cli_options(), npartitions=4)
    lines = cluster_client.compute(to_jsonl(bag)).result(timeout=WAIT)
    by_index = sorted(lines, key=lambda line: json.loads(line)["index"])
    assert len(by_index) == len(urls) > 20
    assert by_index == cli_jsonl("--trust-anchors", ANCHORS, "samples")
    workers = cluster_client.run(os.getpid, workers=None)
    assert len(set(workers.values())) == 2


@pytest.mark.usefixtures("in_repo")
def test_expand_urls_matches_the_cli_walk(tmp_path: Path) -> None:
    """Directory expansion gives the CLI's inputs in the CLI's order, selection included."""
    selection = Selection(include=("*.jpg", "*.c2pa"), exclude=("ai-*",))
    args = ["./samples", "./samples/captured.tif", "nowhere.jpg", "samples/remote/"]
    want = [i.path for i in expand(args, selection)]
    assert list(expand_urls(args, selection)) == want
    assert list(expand_urls(["samples/"])) == [i.path for i in expand(["samples/"])]


def test_file_urls_keep_their_name(samples_dir: Path) -> None:
    """`file://` URLs are read through fsspec and the records carry the URL as path."""
    url = (samples_dir / "ai-generated.jpg").as_uri()
    (record,) = check_partition([url])
    assert record["path"] == url
    want = report_to_dict(Verifier().check_path(samples_dir / "ai-generated.jpg"))
    assert {**record, "path": None} == {**want, "path": None}


def test_sidecar_found_beside_the_asset_on_other_storage(samples_dir: Path) -> None:
    """On an fsspec store (memory://) the `.c2pa` beside an asset is used as the CLI uses it."""
    fs = fsspec.filesystem("memory")
    for name in ("sidecar.jpg", "sidecar.c2pa"):
        fs.pipe_file(f"/dask-test/{name}", (samples_dir / name).read_bytes())
    try:
        report = check_url(Verifier(), "memory://dask-test/sidecar.jpg")
    finally:
        fs.rm("/dask-test", recursive=True)
    want = report_to_dict(Verifier().check_path(samples_dir / "sidecar.jpg"))
    got = report_to_dict(report)
    assert got["credentials"] == "sidecar"
    assert {**got, "path": None} == {**want, "path": None}


def test_oversized_file_is_not_read(tmp_path: Path) -> None:
    """A file over max_size is too_large from its listed size, as the CLI reports it."""
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as fh:  # sparse
        fh.truncate(5000)
    options = CheckOptions(limits=Limits(max_size=4096))
    report = check_url(Verifier(options), str(huge), index=7)
    assert report.error is not None and report.error.kind.value == "too_large"
    assert report.index == 7 and report.size == 5000
    assert report_to_dict(report) == {
        **report_to_dict(Verifier(options).check_path(huge)),
        "index": 7,
    }


def test_fifo_is_unsupported_without_opening(tmp_path: Path) -> None:
    """A FIFO is `unsupported` (opening it would block), with the CLI's message."""
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    report = check_url(Verifier(), str(fifo))
    assert report_to_dict(report) == report_to_dict(Verifier().check_path(fifo))
    assert report.error is not None and report.error.kind.value == "unsupported"


@pytest.mark.parametrize(
    ("url", "says"),
    [("/nowhere/missing.jpg", "No such file"), ("nosuchproto://x/y.jpg", "nosuchproto")],
)
def test_unopenable_input_is_unreadable(url: str, says: str) -> None:
    """A missing file or an unknown protocol is one `unreadable` record, not an exception."""
    report = check_url(Verifier(), url)
    assert report.error is not None and report.error.kind.value == "unreadable"
    assert says in report.error.message and report.path == url


def test_one_verifier_per_partition(monkeypatch: pytest.MonkeyPatch, samples_dir: Path) -> None:
    """check_bag builds one Verifier per partition, not per input."""
    built: list[object] = []
    real_init: Callable[..., None] = Verifier.__init__

    def counting_init(self: Verifier, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(Verifier, "__init__", counting_init)
    paths = [str(samples_dir / "captured.jpg")] * 6
    bag = check_bag(db.from_sequence(paths, npartitions=3))
    records = bag.compute(scheduler="sync")
    assert len(records) == 6 and len(built) == 3
    assert all(r["index"] is None for r in records)


def test_directory_as_input_of_a_bag(tmp_path: Path, samples_dir: Path) -> None:
    """A directory put straight into a bag is one `unsupported` record (expand it first)."""
    shutil.copy(samples_dir / "captured.jpg", tmp_path / "a.jpg")
    with dask.config.set(scheduler="sync"):
        (record,) = check_urls([str(tmp_path)]).compute()
    assert record["error"]["kind"] == "unsupported" and record["index"] == 0
