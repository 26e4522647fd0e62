"""The fuzz harnesses (fuzz/) in the test suite: seeds and regressions, then a short run.

Every input that once broke a harness is kept in fuzz/regressions/<harness>/ and replayed
here in-process with the seeds made from samples/. Then each harness runs under atheris
(coverage-guided libFuzzer) for a few seconds in a subprocess: about a minute in total.
The long run is documented in fuzz/README.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.harnesses import HARNESSES
from fuzz.seeds import regressions, seeds

ROOT = Path(__file__).resolve().parent.parent
#: Seconds of fuzzing per harness in the test suite (9 harnesses: about a minute).
CI_SECONDS = 6


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_seeds_and_regressions_pass(name: str) -> None:
    """Each harness accepts its seeds and every input that once broke it."""
    inputs = [data for harness, _, data in seeds() if harness == name]
    inputs += [path.read_bytes() for path in regressions(name)]
    assert inputs, f"no seed for {name}"
    for data in inputs:
        HARNESSES[name](data)


def test_every_crash_became_a_regression() -> None:
    """The crashes the long runs found are kept (see fuzz/README.md)."""
    assert {"pem", "verify", "parse", "xmp"} <= {
        p.name for p in (ROOT / "fuzz" / "regressions").iterdir() if any(p.iterdir())
    }


@pytest.mark.parametrize("name", sorted(HARNESSES))
def test_short_fuzz_run(name: str, tmp_path: Path) -> None:
    """A few seconds of coverage-guided fuzzing find no crash, hang or leak."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "fuzz.run",
            name,
            f"-max_total_time={CI_SECONDS}",
            "-timeout=20",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CI_SECONDS + 120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "stat::number_of_executed_units" in proc.stderr
    assert not list(tmp_path.iterdir()), "a crash input was written"
