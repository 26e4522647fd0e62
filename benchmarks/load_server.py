"""Load test for `c2pa-verify serve`: N requests at concurrency C against a local server.

Starts `c2pa-verify serve --workers W` on a free loopback port (or uses --url), posts the
samples round-robin as raw bodies, and prints throughput, p50/p99 latency, errors, and
the server's memory (the server process and its workers, resident set) after the first
100 requests and after the run. The baseline, measured in the same run, is the same
assets checked one after another in this process with `Verifier.check_bytes`: the
service's throughput is reported as a ratio to it.

    .venv/bin/pip install -e '.[server,test]'
    .venv/bin/python benchmarks/load_server.py            # 1,000 requests, concurrency 32

Exit status 0 when every request answered 200 and memory after the run is within
--max-growth of memory after the first 100 requests; 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ANCHORS = SAMPLES / "trust" / "anchors.pem"
START_SECONDS = 120.0
REQUEST_SECONDS = 120.0
#: Memory is sampled after this many requests (the warm state) and at the end.
WARM_REQUESTS = 100
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def sample_assets(directory: Path) -> list[tuple[str, bytes]]:
    """The samples that are verdicts (not unsupported, not sidecar-dependent)."""
    expected = json.loads((directory / "expected.json").read_text())["samples"]
    return [
        (name, (directory / name).read_bytes())
        for name, facts in sorted(expected.items())
        if facts.get("error_kind") is None
        and facts.get("credentials") != "sidecar"
        and not name.endswith(".c2pa")
    ]


def descendants(pid: int) -> list[int]:
    """pid and every process below it (the forkserver's workers are grandchildren)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def tree_rss(pid: int) -> int:
    """Resident bytes of a process tree (from /proc/PID/statm)."""
    total = 0
    for p in descendants(pid):
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (from /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def tree_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of the server process itself, and of everything below it (the workers)."""
    return cpu_seconds(pid), sum(cpu_seconds(p) for p in descendants(pid) if p != pid)


@dataclass
class Result:
    latencies: list[float]
    statuses: dict[str, int]
    seconds: float
    rss_warm: int | None
    rss_end: int | None
    #: CPU seconds spent during the run: (server process, workers).
    cpu: tuple[float, float] | None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


async def run_load(
    url: str, assets: list[tuple[str, bytes]], total: int, concurrency: int, pid: int | None
) -> Result:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    rss_warm: int | None = None
    next_index = 0
    done = 0
    warm = asyncio.Event()

    async def one(client: httpx.AsyncClient, i: int) -> None:
        nonlocal done, rss_warm
        name, data = assets[i % len(assets)]
        start = time.perf_counter()
        try:
            response = await client.post(
                "/v1/verify",
                params={"filename": name},
                content=data,
                headers={"Content-Type": "application/octet-stream"},
            )
            key = str(response.status_code)
        except httpx.HTTPError as exc:
            key = type(exc).__name__
        latencies.append(time.perf_counter() - start)
        statuses[key] = statuses.get(key, 0) + 1
        done += 1
        if done == WARM_REQUESTS:
            rss_warm = tree_rss(pid) if pid is not None else None
            warm.set()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal next_index
        while next_index < total:
            i = next_index
            next_index += 1
            await one(client, i)

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    cpu_before = tree_cpu(pid) if pid is not None else None
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_SECONDS, limits=limits) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        seconds = time.perf_counter() - start
    rss_end = tree_rss(pid) if pid is not None else None
    cpu = None
    if pid is not None and cpu_before is not None:
        after = tree_cpu(pid)
        cpu = (after[0] - cpu_before[0], after[1] - cpu_before[1])
    return Result(latencies, statuses, seconds, rss_warm, rss_end, cpu)


def baseline(assets: list[tuple[str, bytes]], count: int) -> float:
    """Assets per second checked one at a time in this process (no HTTP, no pool)."""
    from verify.core import CheckOptions, Verifier

    verifier = Verifier(CheckOptions(trust_anchors_pem=ANCHORS.read_text()))
    for name, data in assets:  # warm the library's caches, as the server's warm-up does
        verifier.check_bytes(data, name=name)
    start = time.perf_counter()
    for i in range(count):
        name, data = assets[i % len(assets)]
        verifier.check_bytes(data, name=name)
    return count / (time.perf_counter() - start)


class Server:
    """`c2pa-verify serve` on a free loopback port, stopped on exit."""

    def __init__(self, workers: int) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "verify.cli",
                "serve",
                "--port",
                "0",
                "--workers",
                str(workers),
                "--trust-anchors",
                str(ANCHORS),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.url = self._wait_listening()

    def _wait_listening(self) -> str:
        assert self.process.stderr is not None
        deadline = time.monotonic() + START_SECONDS
        os.set_blocking(self.process.stderr.fileno(), False)
        buffered = b""
        while time.monotonic() < deadline and self.process.poll() is None:
            buffered += self.process.stderr.read() or b""
            for line in buffered.splitlines():
                if b'"listening"' in line:
                    url = str(json.loads(line)["url"])
                    self._drain()
                    return url
            time.sleep(0.05)
        self.stop()
        raise SystemExit("serve did not start:\n" + buffered.decode("utf-8", "replace"))

    def _drain(self) -> None:
        """Discard the access log (stderr) in the background so the server never blocks."""
        assert self.process.stderr is not None
        os.set_blocking(self.process.stderr.fileno(), True)
        stream = self.process.stderr

        def discard() -> None:
            for _ in stream:
                pass

        threading.Thread(target=discard, daemon=True).start()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{url} never became ready")


def mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 2**20:.1f} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="serve --workers")
    parser.add_argument("--url", help="Use a running server instead (no memory figures).")
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument(
        "--max-growth", type=float, default=0.20, help="Allowed memory growth (0.20: 20%%)."
    )
    parser.add_argument(
        "--baseline", type=int, default=200, help="In-process checks for the baseline."
    )
    args = parser.parse_args()
    if args.requests < WARM_REQUESTS:
        parser.error(f"--requests must be at least {WARM_REQUESTS}")

    assets = sample_assets(args.samples)
    server = None if args.url else Server(args.workers)
    url = args.url or (server.url if server else "")
    try:
        wait_ready(url)
        pid = server.process.pid if server else None
        result = asyncio.run(run_load(url, assets, args.requests, args.concurrency, pid))
    finally:
        if server is not None:
            server.stop()
    direct = baseline(assets, args.baseline)

    errors = sum(n for status, n in result.statuses.items() if status != "200")
    rate = args.requests / result.seconds
    p50 = statistics.median(result.latencies) * 1000
    p99 = percentile(result.latencies, 99) * 1000
    print(f"server:       c2pa-verify serve --workers {args.workers} ({url})")
    print(f"assets:       {len(assets)} samples round-robin from {args.samples}")
    print(f"requests:     {args.requests} at concurrency {args.concurrency}")
    print(f"statuses:     {dict(sorted(result.statuses.items()))}")
    print(f"errors:       {errors}")
    print(f"wall time:    {result.seconds:.2f} s")
    print(f"throughput:   {rate:.1f} requests/s")
    print(f"latency:      p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"baseline:     {direct:.1f} checks/s in one process, no HTTP ({args.baseline} checks)")
    print(f"ratio:        {rate / direct:.2f}x the in-process baseline")
    if result.cpu is not None:
        server_ms = result.cpu[0] / args.requests * 1000
        worker_ms = result.cpu[1] / args.requests * 1000
        print(
            f"cpu/request:  {server_ms:.1f} ms in the server process, {worker_ms:.1f} ms in workers"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (shared)")
    ok = errors == 0
    if result.rss_warm is not None and result.rss_end is not None:
        growth = result.rss_end / result.rss_warm - 1
        print(f"memory:       {mib(result.rss_warm)} after {WARM_REQUESTS} requests,")
        print(f"              {mib(result.rss_end)} after {args.requests} ({growth:+.1%})")
        ok = ok and growth <= args.max_growth
    print("result:       " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
