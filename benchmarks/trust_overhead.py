"""What signer identity and trust lists cost per file, as ratios to a baseline.

Three verifiers check the same files, interleaved file by file, for several rounds:

* baseline: no trust list, and the signature's certificates not read (the checks as they
  were before signer identity: the reader's JUMBF hand-over is switched off);
* identity: no trust list, certificates read (JUMBF, COSE, SHA-256 of the signer);
* lists: the C2PA, TSA and Interim lists (with its 86-certificate allowed list) configured.

It also times building each verifier, which happens once per process or worker, and,
when the lists are present, the c2pa reader alone under four trust settings (none; the
three lists; the same without the allowed list and EKUs; the C2PA list only), to show
where the cost of the lists lies.

    .venv/bin/python benchmarks/trust_overhead.py [--rounds 5] [FILES_OR_DIRS ...]

Defaults: the signed samples, plus ../shared/corpus/files when present; the lists come
from ../shared/trust-lists (the lists variant is skipped when they are absent).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from verify import CheckOptions, Verifier
from verify.inputs import expand
from verify.reader import ManifestReader
from verify.trust.anchors import TrustIndex
from verify.trust.lists import TrustKind, TrustList

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def real_lists() -> tuple[TrustList, ...]:
    base = SHARED / "trust-lists"
    if not (base / "C2PA-TRUST-LIST.pem").exists():
        return ()
    return (
        TrustList("C2PA Trust List", anchors_pem=(base / "C2PA-TRUST-LIST.pem").read_text()),
        TrustList(
            "C2PA TSA Trust List",
            kind=TrustKind.TSA,
            anchors_pem=(base / "C2PA-TSA-TRUST-LIST.pem").read_text(),
        ),
        TrustList(
            "Interim Trust List",
            anchors_pem=(base / "interim" / "anchors.pem").read_text(),
            allowed_pem=(base / "interim" / "allowed.pem").read_text(),
            eku_config=(base / "interim" / "store.cfg").read_text(),
        ),
    )


def timed(build: Callable[[], Verifier]) -> tuple[Verifier, float]:
    start = time.perf_counter()
    verifier = build()
    return verifier, time.perf_counter() - start


def reader_probe(files: list[Path], lists: tuple[TrustList, ...], rounds: int) -> None:
    """The c2pa reader alone (no report), interleaved file by file, as ratios to no trust."""
    full = TrustIndex(lists).c2pa_settings() or {}
    settings: dict[str, dict[str, Any] | None] = {
        "no trust": None,
        "3 lists": full,
        "no allowed/EKU": {k: v for k, v in full.items() if k == "anchors"},
        "C2PA list only": {"anchors": full["anchors"][:1]},
    }
    readers = {name: ManifestReader(trust_settings=s) for name, s in settings.items()}
    names = list(readers)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        spent = dict.fromkeys(names, 0.0)
        for i, f in enumerate(files):
            shift = (round_ + i) % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                readers[name].read_path(f, None)
                spent[name] += time.perf_counter() - start
        for name in names:
            times[name].append(spent[name])
    base = statistics.median(times["no trust"])
    print("\nc2pa reader alone")
    print(f"{'settings':16} {'ratio':>7}")
    for name in names:
        print(f"{name:16} {statistics.median(times[name]) / base:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    paths = args.paths or [str(ROOT / "samples")]
    if not args.paths and (SHARED / "corpus" / "files").is_dir():
        paths.append(str(SHARED / "corpus" / "files"))
    files = [Path(i.path) for i in expand(paths)]
    lists = real_lists()

    no_jumbf = mock.patch("verify.reader._manifest_jumbf", return_value=None)
    builds: dict[str, Callable[[], Verifier]] = {
        "baseline": Verifier,
        "identity": Verifier,
    }
    if lists:
        builds["lists"] = lambda: Verifier(CheckOptions(trust_lists=lists))
    verifiers: dict[str, Verifier] = {}
    build_time: dict[str, list[float]] = {name: [] for name in builds}
    for _ in range(5):
        for name, build in builds.items():
            verifiers[name], seconds = timed(build)
            build_time[name].append(seconds)

    # Interleaved per file, in a rotating order, so that load from other processes on a
    # shared machine falls on every variant alike.
    names = list(verifiers)
    times: dict[str, list[float]] = {name: [] for name in builds}
    for round_ in range(args.rounds):
        spent = dict.fromkeys(names, 0.0)
        for i, f in enumerate(files):
            shift = (round_ + i) % len(names)
            for name in names[shift:] + names[:shift]:
                if name == "baseline":
                    no_jumbf.start()
                start = time.perf_counter()
                verifiers[name].check_path(f)
                spent[name] += time.perf_counter() - start
                if name == "baseline":
                    no_jumbf.stop()
        for name in names:
            times[name].append(spent[name])

    base = statistics.median(times["baseline"])
    base_build = statistics.median(build_time["baseline"])
    print(f"{len(files)} files x {args.rounds} rounds (median round)")
    print(f"{'variant':10} {'files/s':>9} {'ratio':>7} {'build ms':>9} {'build ratio':>12}")
    for name in builds:
        median = statistics.median(times[name])
        build = statistics.median(build_time[name])
        print(
            f"{name:10} {len(files) / median:9.1f} {median / base:7.3f}"
            f" {build * 1000:9.1f} {build / base_build:12.1f}"
        )

    if lists:
        reader_probe(files, lists, args.rounds)


if __name__ == "__main__":
    main()
