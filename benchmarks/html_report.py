"""What the HTML report costs over JSONL for the same folder, measured in the same run.

    .venv/bin/python benchmarks/html_report.py [FOLDER] [--jobs N] [--repeat R]

Runs `c2pa-verify check FOLDER -f jsonl` (the baseline) and `-f html` alternately, R times
each, and prints the median wall time of each, their ratio, and the page size per asset.
The HTML run does the same checks, then decodes and downscales a preview of every image and
re-encodes every thumbnail in the credentials; that picture work is the difference.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(folder: Path, fmt: str, jobs: int, out: Path) -> float:
    command = [sys.executable, "-m", "verify", "check", str(folder), "-f", fmt, "-o", str(out)]
    command += ["--jobs", str(jobs)]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stderr=subprocess.DEVNULL, check=False, timeout=3600)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "samples")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"jsonl": [], "html": []}
    with tempfile.TemporaryDirectory() as tmp:
        outs = {fmt: Path(tmp) / f"report.{fmt}" for fmt in times}
        for _ in range(args.repeat):
            for fmt, spent in times.items():
                spent.append(_run(args.folder, fmt, args.jobs, outs[fmt]))
        assets = sum(1 for _ in outs["jsonl"].open(encoding="utf-8"))
        page = outs["html"].stat().st_size
    jsonl, html = (statistics.median(times[f]) for f in ("jsonl", "html"))
    print(f"folder {args.folder} ({assets} assets), --jobs {args.jobs}, median of {args.repeat}")
    print(f"  -f jsonl (baseline) {jsonl:7.2f} s")
    print(f"  -f html             {html:7.2f} s   ratio {html / jsonl:.2f}x")
    print(f"  page size {page / 1e6:.1f} MB, {page / max(assets, 1) / 1e3:.0f} kB per asset")


if __name__ == "__main__":
    main()
