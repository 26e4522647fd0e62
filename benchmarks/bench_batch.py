"""Batch throughput and memory, against a bare c2pa-python loop measured in the same run.

    python benchmarks/bench_batch.py                 # 2,000 signed + 2,000 unsigned files
    python benchmarks/bench_batch.py --files 500     # quicker
    python benchmarks/bench_batch.py --rss-files 0   # skip the 1,000 vs 10,000 memory runs

It generates N signed JPEGs (signed here with the test PKI in samples/trust/, so they chain to
samples/trust/anchors.pem) and N unsigned JPEGs in a temporary directory, then runs, each as its
own process and timed end to end (start-up included):

- baseline: a bare c2pa-python loop, `Reader(mime, file, context)` + `reader.json()` per file,
  with the same Context settings as c2pa-verify (trust anchors, offline);
- `c2pa-verify check -f jsonl --jobs 1` and `--jobs 2` on the signed files;
- `c2pa-verify check -f jsonl --jobs 1` on the unsigned files (files/s and files per CPU-second);
- peak RSS (summed over the process and its workers) for 1,000 and 10,000 files.

Each command is also run on one file, to measure its start-up (interpreter, imports, c2pa
Context, worker start): the "steady" columns subtract it, which is what matters for the
long batches the tool is for. Ratios are to the baseline of this run, so machines can be
compared. Needs psutil and Pillow
(`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TRUST = ROOT / "samples" / "trust"
ANCHORS = TRUST / "anchors.pem"

BASELINE = r"""
import sys, c2pa
from pathlib import Path
from verify.reader import build_settings
anchors = Path(sys.argv[1]).read_text()
context = c2pa.Context.from_dict(build_settings(anchors, False))
count = 0
for line in open(sys.argv[2]):
    with open(line.rstrip("\n"), "rb") as fh:
        with c2pa.Reader("image/jpeg", fh, context=context) as reader:
            reader.json()
    count += 1
print(count)
"""


@dataclass(frozen=True)
class Run:
    name: str
    files: int
    seconds: float
    cpu_seconds: float
    peak_rss: int

    @property
    def rate(self) -> float:
        return self.files / self.seconds

    @property
    def per_cpu_second(self) -> float:
        return self.files / self.cpu_seconds if self.cpu_seconds else float("nan")

    def steady(self, startup: Run) -> tuple[float, float]:
        """Files/s and files per CPU-second with the start-up run's cost taken out."""
        files = self.files - startup.files
        seconds = self.seconds - startup.seconds
        cpu = self.cpu_seconds - startup.cpu_seconds
        return (
            files / seconds if seconds > 0 else float("nan"),
            files / cpu if cpu > 0 else float("nan"),
        )


def picture(seed: int) -> bytes:
    """A small, distinct, photo-sized-ish JPEG (noise over a gradient), about 20 KB."""
    from PIL import Image

    image = Image.effect_noise((320, 240), 40 + seed % 20).convert("RGB")
    gradient = Image.linear_gradient("L").resize((320, 240)).convert("RGB")
    out = io.BytesIO()
    Image.blend(image, gradient, 0.5).save(out, "JPEG", quality=80)
    return out.getvalue()


def sign_all(sources: list[bytes], count: int) -> list[bytes]:
    import c2pa

    context = c2pa.Context.from_dict(
        {
            "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
            "builder": {"thumbnail": {"long_edge": 128, "quality": "low"}},
        }
    )
    chain = (TRUST / "signer.pem").read_bytes() + (TRUST / "intermediate-ca.pem").read_bytes()
    key = (TRUST / "private" / "signer.key.pem").read_bytes()
    info = c2pa.C2paSignerInfo(b"es256", chain, key, None)
    definition = {
        "claim_generator_info": [{"name": "c2pa-verify benchmark", "version": "1.0"}],
        "title": "benchmark.jpg",
        "format": "image/jpeg",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
                            "softwareAgent": {"name": "Benchmark Diffusion"},
                        }
                    ]
                },
            }
        ],
    }
    out: list[bytes] = []
    signer = c2pa.Signer.from_info(info)
    try:
        for i in range(count):
            builder = c2pa.Builder(json.dumps(definition), context=context)
            try:
                dest = io.BytesIO()
                builder.sign(signer, "image/jpeg", io.BytesIO(sources[i % len(sources)]), dest)
                out.append(dest.getvalue())
            finally:
                builder.close()
    finally:
        signer.close()
    return out


def write_files(directory: Path, blobs: list[bytes], count: int) -> list[Path]:
    """`count` files; beyond the distinct blobs they are hard links (same bytes, new paths)."""
    directory.mkdir(parents=True)
    paths = []
    for i in range(count):
        path = directory / f"{i:06d}.jpg"
        if i < len(blobs):
            path.write_bytes(blobs[i])
        else:
            os.link(directory / f"{i % len(blobs):06d}.jpg", path)
        paths.append(path)
    return paths


def measure(name: str, files: int, command: list[str]) -> Run:
    """Run a command; wall time, CPU time of the whole process tree, peak summed RSS.

    The command's own CPU time comes from rusage once it is reaped. Its descendants (the
    forkserver and the workers, which it does not reap itself) are sampled with psutil
    every 20 ms: each one's last reading counts, so at most the last 20 ms of a worker
    that exits is missed.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    peak = 0
    descendants_cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                children = root.children(recursive=True)
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += root.memory_info().rss
            except psutil.NoSuchProcess:
                break
            for p in children:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    descendants_cpu[p.pid] = times.user + times.system
            peak = max(peak, total)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu += sum(descendants_cpu.values())
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{name} failed ({proc.returncode}):\n{stderr.decode()[-2000:]}")
    return Run(name, files, seconds, cpu, peak)


def fastest(name: str, command: list[str], repeat: int = 3) -> Run:
    """The quickest of a few runs on one file: start-up cost with less noise."""
    return min((measure(name, 1, command) for _ in range(repeat)), key=lambda r: r.seconds)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "verify", "check", "-f", "jsonl", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="signed and unsigned files")
    parser.add_argument("--distinct", type=int, default=500, help="distinct signed files")
    parser.add_argument("--rss-files", type=int, default=10000, help="0 to skip the RSS runs")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    # An installed package carries bytecode; a checkout run with PYTHONDONTWRITEBYTECODE=1
    # would compile every module at every start (c2pa, the baseline's import, has .pyc).
    compileall.compile_dir(ROOT / "verify", quiet=1)
    workdir = Path(tempfile.mkdtemp(prefix="c2pa-verify-bench-"))
    try:
        print(f"generating in {workdir} ...", file=sys.stderr)
        sources = [picture(i) for i in range(20)]
        signed_blobs = sign_all(sources, min(args.distinct, args.files))
        signed = write_files(workdir / "signed", signed_blobs, args.files)
        unsigned = write_files(workdir / "unsigned", sources, args.files)
        listing = workdir / "signed.txt"
        listing.write_text("".join(f"{p}\n" for p in signed))
        one = workdir / "one.txt"
        one.write_text(f"{signed[0]}\n")
        anchors = ["--trust-anchors", str(ANCHORS)]
        n = args.files
        baseline = [sys.executable, "-c", BASELINE, str(ANCHORS)]
        runs = [
            measure("baseline: c2pa-python loop (signed)", n, [*baseline, str(listing)]),
            measure(
                "c2pa-verify --jobs 1 (signed)",
                n,
                cli("--jobs", "1", *anchors, str(signed[0].parent)),
            ),
            measure(
                "c2pa-verify --jobs 2 (signed)",
                n,
                cli("--jobs", "2", *anchors, str(signed[0].parent)),
            ),
            measure(
                "c2pa-verify --jobs 1 (unsigned)", n, cli("--jobs", "1", str(unsigned[0].parent))
            ),
        ]
        startups = [
            fastest("start-up: baseline, 1 file", [*baseline, str(one)]),
            fastest("start-up: --jobs 1, 1 file", cli("--jobs", "1", *anchors, str(signed[0]))),
            fastest("start-up: --jobs 2, 1 file", cli("--jobs", "2", *anchors, str(signed[0]))),
            fastest("start-up: --jobs 1, 1 unsigned", cli("--jobs", "1", str(unsigned[0]))),
        ]
        rss_runs: list[Run] = []
        if args.rss_files:
            big = write_files(workdir / "rss", signed_blobs, args.rss_files)
            small = workdir / "rss-small"
            small.mkdir()
            for path in big[:1000]:
                os.link(path, small / path.name)
            rss_runs = [
                measure(
                    "RSS: 1,000 signed, --jobs 2", 1000, cli("--jobs", "2", *anchors, str(small))
                ),
                measure(
                    f"RSS: {args.rss_files:,} signed, --jobs 2",
                    args.rss_files,
                    cli("--jobs", "2", *anchors, str(big[0].parent)),
                ),
            ]
        report(runs, startups, rss_runs)
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(runs: list[Run], startups: list[Run], rss_runs: list[Run]) -> None:
    base = runs[0].rate
    base_steady = runs[0].steady(startups[0])[0]
    print(f"CPUs available: {len(os.sched_getaffinity(0))}; Python {sys.version.split()[0]}")
    print()
    print(
        "| run | files | seconds | files/s | vs baseline | steady files/s | steady vs baseline"
        " | steady files per CPU-second | peak RSS |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r, s in zip(runs, startups, strict=True):
        rate, per_cpu = r.steady(s)
        print(
            f"| {r.name} | {r.files:,} | {r.seconds:.2f} | {r.rate:,.0f} | {r.rate / base:.2f}x"
            f" | {rate:,.0f} | {rate / base_steady:.2f}x | {per_cpu:,.0f}"
            f" | {r.peak_rss / 2**20:,.0f} MiB |"
        )
    for r in [*startups, *rss_runs]:
        print(
            f"| {r.name} | {r.files:,} | {r.seconds:.2f} | | | | |"
            f" | {r.peak_rss / 2**20:,.0f} MiB |"
        )
    print()
    j1, j2, unsigned = runs[1], runs[2], runs[3]
    print(
        f"target --jobs 1 >= 0.9x baseline: {j1.rate / base:.2f}x end to end,"
        f" {j1.steady(startups[1])[0] / base_steady:.2f}x steady"
    )
    print(
        f"target --jobs 2 >= 1.7x baseline: {j2.rate / base:.2f}x end to end,"
        f" {j2.steady(startups[2])[0] / base_steady:.2f}x steady"
    )
    print(
        "target unsigned >= 3,000 files per CPU-second:"
        f" {unsigned.per_cpu_second:,.0f} end to end,"
        f" {unsigned.steady(startups[3])[1]:,.0f} steady"
    )
    if rss_runs:
        growth = rss_runs[1].peak_rss / rss_runs[0].peak_rss - 1
        print(
            f"target peak RSS within 20% from 1,000 to {rss_runs[1].files:,} files: {growth:+.0%}"
        )


if __name__ == "__main__":
    main()
