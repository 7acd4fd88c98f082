"""Gazetteer load time (cold and warm) and geocoding throughput (projects/second).

    python benchmarks/bench_geocode.py              # the report (spawns the cold process itself)
    python benchmarks/bench_geocode.py --load-once  # one fresh process: load steps as JSON

Gazetteer steps, in order, in a fresh interpreter (*cold*: new process, nothing cached):
  import        ``from planmap.reference.gazetteer import default_gazetteer``
  admin         ``default_gazetteer()`` (the admin layer loads at construction)
  scan          first ``gaz.scan(text)`` over the first seed file's raw text (builds the admin automaton)
  town lookup   first ``gaz.towns_named("腰堡镇")`` (loads the town layer)
  town scan     first ``gaz.scan_towns(text)`` (builds the town automaton)
  polygons      ``gaz.county_polygons(['210000', '410000'])`` (two GeoParquet files; geopandas import)
Then, in that same process: *warm-cached* repeats the same calls (the lru/cached_property
caches answer), and *warm-new* does the same steps on a new ``Gazetteer()`` (modules imported,
files in the OS page cache, in-memory caches empty: the cost of a reload).

Throughput: every project the extractor finds in the five seeds is placed with
``Geocoder().place(project, plan)``. The first pass (new Geocoder, in a process where the
gazetteer is already loaded by ``read_plan``) and the median of ``--repeats`` further passes with
the same Geocoder (its seat cache and planmap.extract.place_names' memo caches warm: an upper bound) are
reported, and *fresh* passes: a new Geocoder and those memo caches cleared before each pass (the
gazetteer, its town layer and loaded polygons stay): the rate for projects not seen before.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("PLANMAP_SEEDS", ROOT.parent / "shared" / "seeds"))
TOWN = "腰堡镇"
PROVINCES = ["210000", "410000"]
STEPS = ("import", "admin", "scan", "town lookup", "town scan", "polygons")


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def _steps(make, text: str) -> dict[str, float]:
    out = {}
    t = time.perf_counter()
    gaz = make()
    out["admin"] = time.perf_counter() - t
    t = time.perf_counter()
    n_scan = len(gaz.scan(text))
    out["scan"] = time.perf_counter() - t
    t = time.perf_counter()
    n_town = len(gaz.towns_named(TOWN))
    out["town lookup"] = time.perf_counter() - t
    t = time.perf_counter()
    n_tscan = len(gaz.scan_towns(text))
    out["town scan"] = time.perf_counter() - t
    t = time.perf_counter()
    n_poly = len(gaz.county_polygons(PROVINCES))
    out["polygons"] = time.perf_counter() - t
    out["_counts"] = {"scan": n_scan, "towns named": n_town, "town scan": n_tscan, "county polygons": n_poly}
    return out


def load_once() -> dict:
    text = seed_paths()[0].read_text(encoding="utf-8", errors="replace")
    t = time.perf_counter()
    from planmap.reference.gazetteer import Gazetteer, default_gazetteer
    imp = time.perf_counter() - t
    cold = _steps(default_gazetteer, text)
    cold["import"] = imp
    cached = _steps(default_gazetteer, text)
    cached["import"] = 0.0
    new = _steps(Gazetteer, text)
    new["import"] = 0.0
    gaz = default_gazetteer()
    sizes = {"admin units": len(gaz.admin.units), "towns": len(gaz.towns.towns)}
    return {"cold": cold, "warm-cached": cached, "warm-new": new, "sizes": sizes, "chars": len(text)}


def throughput(repeats: int) -> None:
    import planmap
    from planmap.extract.projects import extract_projects
    from planmap.place.geocode import Geocoder

    plans = [planmap.read_plan(p) for p in seed_paths()]
    work = [(proj, plan) for plan in plans for proj in extract_projects(plan)]
    t = time.perf_counter()
    geo = Geocoder()
    init = time.perf_counter() - t
    t = time.perf_counter()
    precisions: dict[str, int] = {}
    for proj, plan in work:
        p = geo.place(proj, plan)
        precisions[p.precision] = precisions.get(p.precision, 0) + 1
    first = time.perf_counter() - t
    passes = []
    for _ in range(repeats):
        t = time.perf_counter()
        for proj, plan in work:
            geo.place(proj, plan)
        passes.append(time.perf_counter() - t)
    import planmap.extract.place_names as places_mod

    memo = [f for f in vars(places_mod).values() if callable(getattr(f, "cache_clear", None))]
    fresh = []
    for _ in range(repeats):
        for f in memo:
            f.cache_clear()
        g = Geocoder()
        t = time.perf_counter()
        for proj, plan in work:
            g.place(proj, plan)
        fresh.append(time.perf_counter() - t)
    med = statistics.median(passes)
    fmed = statistics.median(fresh)
    n = len(work)
    print(f"geocode throughput: {n} projects from {len(plans)} seeds; Geocoder() {init * 1000:.1f} ms")
    print(f"  first pass  {first:.3f} s  {n / first:,.0f} projects/s")
    print(f"  warm passes {med:.3f} s  {n / med:,.0f} projects/s  (median of {repeats}, "
          f"min {min(passes):.3f} s, max {max(passes):.3f} s)")
    print(f"  fresh passes {fmed:.3f} s  {n / fmed:,.0f} projects/s  (median of {repeats}: new Geocoder and "
          f"planmap.extract.place_names memo caches cleared each pass; gazetteer and its polygons stay loaded)")
    print("  precision: " + ", ".join(f"{k} {v}" for k, v in sorted(precisions.items())))


def report(repeats: int) -> int:
    print("== geocode: gazetteer load (cold process vs warm) and Geocoder.place throughput")
    if not seed_paths():
        print(f"skipped: no seed documents at {SEEDS}")
        return 0
    cmd = [sys.executable, str(Path(__file__).resolve()), "--load-once"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    total = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    runs = ("cold", "warm-cached", "warm-new")
    head = ("step (ms)", *runs)
    rows = [(s, *(f"{data[r][s] * 1000:.1f}" for r in runs)) for s in STEPS]
    rows.append(("total", *(f"{sum(data[r][s] for s in STEPS) * 1000:.1f}" for r in runs)))
    widths = [max(len(x[k]) for x in [head, *rows]) for k in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(v.ljust(widths[k]) if k == 0 else v.rjust(widths[k]) for k, v in enumerate(r)))
    counts = data["cold"]["_counts"]
    print(f"gazetteer: {data['sizes']['admin units']:,} admin units, {data['sizes']['towns']:,} towns; scan text "
          f"{data['chars']:,} chars -> {counts['scan']} admin mentions, {counts['town scan']} town mentions; "
          f"{counts['towns named']} towns named {TOWN}; {counts['county polygons']} county polygons "
          f"({'+'.join(PROVINCES)}); cold process total {total:.2f} s")
    throughput(repeats)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--load-once", action="store_true", help="gazetteer load steps in this process, JSON")
    ap.add_argument("--repeats", type=int, default=10)
    args = ap.parse_args(argv)
    if args.load_once:
        if not seed_paths():
            print(f"no seed documents at {SEEDS}", file=sys.stderr)
            return 2
        print(json.dumps(load_once()))
        return 0
    return report(args.repeats)


if __name__ == "__main__":
    sys.exit(main())
