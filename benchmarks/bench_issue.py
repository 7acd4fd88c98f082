"""The "fast on one core" figures, side by side in one run: planmap's warm extract + geocode rate
beside cpca's, the cold build of the seeds beside the import floor, peak RSS and a per-stage profile.

    python benchmarks/bench_issue.py [--runs N]

* warm rate: the seeds are read once (not timed), then ``extract_projects`` + ``geocode_projects``
  run over all five; the first pass loads everything, then the median of further passes counts,
  once with the extractor's and geocoder's per-name memo caches kept (``warm``) and once with
  them cleared before each document (``fresh``: text the process has not seen). cpca 0.5.5
  (``cpca.transform`` over the same clean text split on 。；and newlines) runs in the same
  process; the ratio is planmap's rate over cpca's. cpca is not a planmap dependency.
* import floor: a fresh interpreter that imports geopandas and reads one boundary GeoParquet;
  one floor run beside each build run (floor, build, floor, build ...), so both meet the same
  load on a shared machine. Walls and CPU seconds (user + system) are printed, each as a ratio.
* cold build: a fresh ``python -m planmap.cli build SEEDS --out EMPTY -q`` (defaults: every
  map and export, workers = cores), interpreter start to exit; peak RSS of that process
  (``RUSAGE_CHILDREN``; worker processes, if the build starts any, are not in it).
* per-stage profile: the stage split (``BuildResult.timings``) of a fresh process calling
  ``planmap.builder.build`` with the CLI's defaults, plus ``other`` (wall minus stages: imports,
  reference data loads, input expansion) and the imports alone.

Walls are medians of ``--runs`` fresh processes. On a shared machine they move by tens of
percent between runs; compare ratios taken in the same run.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("PLANMAP_SEEDS", ROOT.parent / "shared" / "seeds"))
_SPLIT = re.compile(r"[。；\n]")
FLOOR = ("import sys, geopandas; geopandas.read_parquet(sys.argv[1])")
CHILD = """
import json, os, sys, time
t0 = time.perf_counter()
import planmap.builder as builder
t_import = time.perf_counter() - t0
# the CLI's default: workers=None where the builder decides by batch size, the cores before that
auto = None if hasattr(builder, "MIN_DOCS_FOR_AUTO_CLUSTER") else (os.cpu_count() or 1)
r = builder.build(sys.argv[2:], out=sys.argv[1], workers=auto)
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "import": t_import, "timings": r.timings}))
"""


def _memo_caches() -> list:
    import planmap.extract.place_names as pl
    import planmap.extract.projects as ex

    out = []
    for mod in (ex, pl):
        for name, obj in vars(mod).items():
            if name != "load_rules" and callable(getattr(obj, "cache_clear", None)) \
                    and getattr(obj, "__module__", "") == mod.__name__:
                out.append(obj)
    return out


def warm_rates(paths: list[Path], repeats: int) -> None:
    import planmap
    from planmap.extract.projects import extract_projects
    from planmap.pipeline import geocoder_for
    from planmap.place.geocode import Geocoder, geocode_projects

    plans = [planmap.read_plan(p) for p in paths]
    chars = sum(len(p.text) for p in plans)

    def one_pass(fresh: bool) -> float:
        total = 0.0
        for plan in plans:
            if fresh:
                for c in _memo_caches():
                    c.cache_clear()
                geocoder = Geocoder()
            else:
                geocoder = geocoder_for(None)
            t = time.perf_counter()
            projects = extract_projects(plan)
            if projects:
                geocode_projects(projects, plan, geocoder)
            total += time.perf_counter() - t
        return total

    first = one_pass(False)
    warm = statistics.median(one_pass(False) for _ in range(repeats))
    fresh = statistics.median(one_pass(True) for _ in range(repeats))
    try:
        import cpca
    except ImportError:
        cpca = None
    cp = None
    if cpca is not None:
        sentences = [[s for s in _SPLIT.split(p.text) if s.strip()] for p in plans]
        for sents in sentences:
            cpca.transform(sents)

        def cpca_pass() -> float:
            t = time.perf_counter()
            for sents in sentences:
                cpca.transform(sents)
            return time.perf_counter() - t

        cp = statistics.median(cpca_pass() for _ in range(repeats))
    print(f"extract + geocode over {len(plans)} seeds, {chars:,} chars of clean text (median of {repeats} passes)")
    print(f"  planmap first pass   {chars / first:>12,.0f} chars/s  ({first:.3f} s: loads the reference data)")
    for label, sec in (("warm", warm), ("fresh", fresh)):
        ratio = f"  = {chars / sec / (chars / cp):.2f} x cpca" if cp else ""
        print(f"  planmap {label:<12} {chars / sec:>12,.0f} chars/s{ratio}")
    if cp:
        print(f"  cpca 0.5.5 warm      {chars / cp:>12,.0f} chars/s  (cpca.transform, same text; 省/市/区 names only)")
    else:
        print("  cpca not installed: pip install cpca==0.5.5 (into the planmap venv) for the ratio")
    print("  warm = memo caches kept (the same text again); fresh = the extractor's memo caches cleared and a new "
          "Geocoder for every document (unseen text); reference data stays loaded in both")


def _run(cmd: list[str]) -> tuple[float, float, str, float]:
    """Wall seconds, peak RSS MB, stdout and CPU seconds (user + system) of a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}...: exit {out.returncode}: {out.stderr[-400:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, max(after.ru_maxrss, before.ru_maxrss) / 1024, out.stdout, cpu


def cold_build(paths: list[Path], runs: int) -> None:
    boundary = ROOT / "geodata" / "boundaries" / "210000.parquet"
    py = sys.executable
    floors, floor_cpus, walls, cpus, rsss, profiles = [], [], [], [], [], []
    for _ in range(runs):
        # a floor run beside each build run, so both meet the same load on a shared machine
        floor_wall, _, _, floor_cpu = _run([py, "-c", FLOOR, str(boundary)])
        floors.append(floor_wall)
        floor_cpus.append(floor_cpu)
        with tempfile.TemporaryDirectory() as tmp:
            # the peak of this run alone: a fresh grandchild measures itself
            wall, _, _, cpu = _run([py, "-m", "planmap.cli", "build", str(SEEDS), "--out", f"{tmp}/maps", "-q"])
            walls.append(wall)
            cpus.append(cpu)
        with tempfile.TemporaryDirectory() as tmp:
            code = CHILD + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
            _, _, out, _ = _run([py, "-c", code, f"{tmp}/maps", *map(str, paths)])
            lines = out.strip().splitlines()
            profiles.append(json.loads(lines[-2]))
            rsss.append(int(lines[-1]) / 1024)
    floor, wall = statistics.median(floors), statistics.median(walls)
    print(f"cold build of the seeds (fresh `planmap build {SEEDS.name} -q` into an empty folder; median of {runs})")
    print(f"  import floor   {floor:6.2f} s  (fresh python: import geopandas, read {boundary.name})")
    print(f"  cold build     {wall:6.2f} s  = {wall / floor:.2f} x the import floor  (runs: "
          f"{', '.join(f'{w:.2f}' for w in walls)}; floor runs: {', '.join(f'{f:.2f}' for f in floors)})")
    floor_cpu, cpu = statistics.median(floor_cpus), statistics.median(cpus)
    print(f"  CPU (user+sys) {cpu:6.2f} s  = {cpu / floor_cpu:.2f} x the floor's {floor_cpu:.2f} s  (runs: "
          f"{', '.join(f'{c:.2f}' for c in cpus)}; floor runs: {', '.join(f'{c:.2f}' for c in floor_cpus)})")
    print(f"  peak RSS       {max(rsss):6.0f} MB  (max over runs of the building process's own high-water mark)")
    stages = ["read", "extract", "geocode", "join", "export", "maps"]
    med = {k: statistics.median(p["timings"].get(k, 0.0) for p in profiles) for k in stages}
    pw = statistics.median(p["wall"] for p in profiles)
    imp = statistics.median(p["import"] for p in profiles)
    other = pw - sum(med.values()) - imp
    print(f"  per-stage profile of a fresh build() with the CLI's defaults (median of {runs}; wall {pw:.2f} s "
          f"from the first import, interpreter start-up not included):")
    row = {"import": imp, **med, "other": other}
    print("  " + "  ".join(f"{k:>8}" for k in row))
    print("  " + "  ".join(f"{v:8.3f}" for v in row.values()))
    print("  (other = reference data loads, Geocoder construction, input expansion, cache writes)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per cold figure")
    ap.add_argument("--repeats", type=int, default=10, help="warm passes")
    args = ap.parse_args(argv)
    paths = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    print("== issue: fast on one core (warm rate vs cpca, cold build vs import floor, peak RSS, stages)")
    if not paths:
        print(f"skipped: no seed documents at {SEEDS}")
        return 0
    cold_build(paths, args.runs)
    warm_rates(paths, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
