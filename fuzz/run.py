"""Run one harness under atheris (coverage-guided, libFuzzer), or replay files through it.

    python -m fuzz.run HARNESS [CORPUS_DIR ...] [-max_total_time=60 ...]
    python -m fuzz.run HARNESS --replay FILE_OR_DIR ...

Without a corpus directory the seeds (fuzz/seeds.py) are written to a temporary one, so
a run starts from real samples. libFuzzer options pass through (-max_total_time,
-runs, -jobs, -artifact_prefix=fuzz/crashes/, -print_final_stats=1, ...).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def _replay(harness: str, paths: list[str]) -> int:
    from fuzz.harnesses import HARNESSES

    run = HARNESSES[harness]
    files = [f for p in map(Path, paths) for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    for f in files:
        run(f.read_bytes())
    print(f"{harness}: {len(files)} inputs replayed, no failure")
    return 0


def main(argv: list[str]) -> int:
    import atheris

    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    harness, rest = argv[0], argv[1:]
    if rest[:1] == ["--replay"]:
        return _replay(harness, rest[1:])
    with atheris.instrument_imports(include=["verify", "fuzz"]):
        from fuzz.harnesses import HARNESSES
        from fuzz.seeds import regressions, write_seeds
    if harness not in HARNESSES:
        print(f"unknown harness {harness!r}; one of {', '.join(HARNESSES)}", file=sys.stderr)
        return 2
    options = [a for a in rest if a.startswith("-")]
    corpora = [a for a in rest if not a.startswith("-")]
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{harness}-") as tmp:
        if not corpora:
            seeded = write_seeds(Path(tmp), only=harness).get(harness, Path(tmp) / harness)
            seeded.mkdir(parents=True, exist_ok=True)
            for i, path in enumerate(regressions(harness)):
                (seeded / f"regression-{i}-{path.name}").write_bytes(path.read_bytes())
            corpora = [str(seeded)]
        atheris.Setup([sys.argv[0], *options, *corpora], HARNESSES[harness])
        atheris.Fuzz()
    return 0  # pragma: no cover - atheris.Fuzz exits the process


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
