"""Run every planmap benchmark in sequence and print their figures.

    python benchmarks/run.py            # from the repo root, with the planmap venv's python

Each benchmark runs in its own fresh interpreter (so one part's caches do not warm the next),
one after the other (so they do not compete for the CPU). The seed documents are read from
../shared/seeds (relative to the repo root; PLANMAP_SEEDS overrides); without them every part
is skipped with the reason printed. bench_maps.py runs only where planmap.output.render, Chromium and
playwright are present; it prints its own reason otherwise.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEEDS = Path(os.environ.get("PLANMAP_SEEDS", ROOT.parent / "shared" / "seeds"))
PARTS = ["bench_issue.py", "bench_extract.py", "bench_build.py", "bench_geocode.py", "bench_maps.py"]


def main() -> int:
    try:
        from planmap import __version__
    except ImportError:
        __version__ = "? (planmap not importable: use the repo's .venv python)"
    print(f"planmap {__version__}; python {platform.python_version()} ({sys.executable}); "
          f"{platform.machine()}, {os.cpu_count()} CPUs; seeds {SEEDS}")
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        for part in PARTS:
            print(f"\n== {part}\nskipped: seeds folder {SEEDS} is missing or has no .txt documents")
        return 0
    failed = []
    for part in PARTS:
        print(flush=True)
        t = time.perf_counter()
        rc = subprocess.call([sys.executable, str(HERE / part)], cwd=ROOT)
        print(f"({part}: {time.perf_counter() - t:.1f} s{'' if rc == 0 else f', exit {rc}'})", flush=True)
        if rc != 0:
            failed.append(part)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
