"""What signer identity and trust lists cost per file, as ratios to a baseline.

Three verifiers check the same files, interleaved file by file, for several rounds:

* baseline: no trust list, and the signature's certificates not read (the checks as they
  were before signer identity: the reader's JUMBF hand-over is switched off);
* identity: no trust list, certificates read (JUMBF, COSE, SHA-256 of the signer);
* lists: the C2PA, TSA and Interim lists (with its 86-certificate allowed list) configured.

It also times building each verifier, which happens once per process or worker.

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
from unittest import mock

from verify import CheckOptions, Verifier
from verify.inputs import expand
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


if __name__ == "__main__":
    main()
