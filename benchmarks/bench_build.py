"""Wall time and peak memory of ``planmap.builder.build`` over the five seeds, cold and warm.

    python benchmarks/bench_build.py            # the report (spawns the fresh processes itself)
    python benchmarks/bench_build.py --once     # one fresh process: cold build, then warm build; JSON

*cold* is the first ``build(seed_paths, out=tmpdir)`` in a fresh interpreter (new process,
empty in-memory caches: jieba, gazetteer, polygons, templates; the lazy imports of
geopandas/folium inside ``build`` are part of it). *warm* is a second build in that same
process, into another temp folder. Each is split into the stages ``BuildResult.timings``
carries (read, extract, geocode, join, export, maps); ``other`` is wall minus their sum
(input expansion, Geocoder construction).

Memory, two ways:
* process max RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), a high-water mark: the warm
  figure is the process's peak after both builds, so it is never below the cold one;
* tracemalloc peak of Python allocations during each build, measured in a *second* fresh
  process with tracing on (tracing slows Python down, so its wall times are not the ones
  reported above; numpy/GEOS/Arrow buffers allocated outside Python's allocator are not seen).

Default build options (tiles="osm", offline=False): nothing is fetched during a build.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("PLANMAP_SEEDS", ROOT.parent / "shared" / "seeds"))
STAGES = ("read", "extract", "geocode", "join", "export", "maps")


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _one_build(paths: list[Path], out: Path, trace: bool) -> dict:
    import tracemalloc

    from planmap.builder import build

    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    t = time.perf_counter()
    result = build(paths, out=out)
    wall = time.perf_counter() - t
    peak = None
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "wall": wall,
        "timings": {k: float(result.timings.get(k, 0.0)) for k in STAGES},
        "maxrss_mb": _maxrss_mb(),
        "tracemalloc_peak_mb": peak / 2**20 if peak is not None else None,
        "projects": int(len(result.projects)),
        "plans": len(result.plans),
        "files": len(result.files),
        "failures": len(result.failures),
    }


def once(trace: bool) -> dict:
    """Cold then warm build in this (fresh) process."""
    paths = seed_paths()
    rss0 = _maxrss_mb()
    with tempfile.TemporaryDirectory(prefix="planmap-bench-") as tmp:
        cold = _one_build(paths, Path(tmp) / "cold", trace)
        warm = _one_build(paths, Path(tmp) / "warm", trace)
    return {"rss_at_start_mb": rss0, "cold": cold, "warm": warm}


def _spawn(trace: bool) -> tuple[dict, float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--once"] + (["--trace"] if trace else [])
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    total = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), total


def report() -> int:
    print("== build: planmap.builder.build(5 seeds, out=tmpdir), cold (fresh process) and warm (2nd build)")
    paths = seed_paths()
    if not paths:
        print(f"skipped: no seed documents at {SEEDS}")
        return 0
    plain, total = _spawn(trace=False)
    traced, _ = _spawn(trace=True)
    c, w = plain["cold"], plain["warm"]
    print(f"{c['plans']} plans, {c['projects']} projects, {c['files']} files written, {c['failures']} failures; "
          f"fresh process total {total:.2f} s (interpreter start to exit, both builds)")
    head = ("run", "wall s", *STAGES, "other", "max RSS MB", "tracemalloc peak MB")
    rows = []
    for name, r, tr in (("cold", c, traced["cold"]), ("warm", w, traced["warm"])):
        staged = sum(r["timings"].values())
        rows.append((name, f"{r['wall']:.3f}", *(f"{r['timings'][k]:.3f}" for k in STAGES),
                     f"{r['wall'] - staged:.3f}", f"{r['maxrss_mb']:.0f}", f"{tr['tracemalloc_peak_mb']:.1f}"))
    widths = [max(len(x[k]) for x in [head, *rows]) for k in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(v.ljust(widths[k]) if k == 0 else v.rjust(widths[k]) for k, v in enumerate(r)))
    print(f"max RSS at interpreter start {plain['rss_at_start_mb']:.0f} MB; warm max RSS is the process "
          f"high-water mark after both builds; tracemalloc peaks from a separate traced process "
          f"(its walls: cold {traced['cold']['wall']:.2f} s, warm {traced['warm']['wall']:.2f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--once", action="store_true", help="cold+warm build in this process, print JSON")
    ap.add_argument("--trace", action="store_true", help="with --once: tracemalloc on")
    args = ap.parse_args(argv)
    if args.once:
        if not seed_paths():
            print(f"no seed documents at {SEEDS}", file=sys.stderr)
            return 2
        print(json.dumps(once(args.trace)))
        return 0
    return report()


if __name__ == "__main__":
    sys.exit(main())
