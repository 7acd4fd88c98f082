"""HTML map sizes and time to first render in headless Chromium.

    python benchmarks/bench_maps.py [--loads N]

Builds the five seeds with ``build(seeds, out=tmpdir, offline=True)`` (Leaflet/jQuery inlined,
no tiles: the pages need no network), then opens every generated HTML page in Debian's
Chromium (``/usr/bin/chromium``) through playwright and prints, per page: its size in KB, the
time from ``page.goto`` until the ``load`` event, and until ``networkidle`` (playwright's: no
request for 500 ms, so it is never under ~0.5 s; the figure shown is the time until that
state was reported). Every page gets a new browser context; the first load is reported, and
the median of ``--loads`` loads. Any non-file request is aborted and counted (offline maps
should make none). Skips with a reason when planmap.output.render, Chromium or playwright is missing.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("PLANMAP_SEEDS", ROOT.parent / "shared" / "seeds"))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def missing() -> str | None:
    """Why this benchmark cannot run here, or None."""
    if not seed_paths():
        return f"no seed documents at {SEEDS}"
    if importlib.util.find_spec("planmap.output.render") is None:
        return "planmap.output.render not present"
    if not (Path(CHROMIUM).exists() and shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not installed (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright not installed (pip install -e '.[test]')"
    return None


def _load(browser, url: str, blocked: list[str]) -> tuple[float, float]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()

        def route(r):
            if r.request.url.startswith(("file:", "data:", "about:", "blob:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        t = time.perf_counter()
        page.goto(url, wait_until="load")
        loaded = time.perf_counter() - t
        page.wait_for_load_state("networkidle")
        idle = time.perf_counter() - t
        return loaded, idle
    finally:
        ctx.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loads", type=int, default=3)
    args = ap.parse_args(argv)
    print("== maps: HTML size and headless Chromium load / networkidle times (offline=True build)")
    why = missing()
    if why:
        print(f"skipped: {why}")
        return 0
    from playwright.sync_api import sync_playwright

    from planmap.builder import build

    with tempfile.TemporaryDirectory(prefix="planmap-maps-") as tmp:
        out = Path(tmp)
        t = time.perf_counter()
        result = build(seed_paths(), out=out, offline=True)
        print(f"build (offline=True): {time.perf_counter() - t:.2f} s")
        pages = sorted((f for f in result.files if f.suffix == ".html"),
                       key=lambda f: (f.parent.name != "", str(f.relative_to(out))))
        blocked: list[str] = []
        rows = []
        with sync_playwright() as pw:
            t = time.perf_counter()
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            launch = time.perf_counter() - t
            try:
                for f in pages:
                    times = [_load(browser, f.as_uri(), blocked) for _ in range(max(1, args.loads))]
                    rows.append((str(f.relative_to(out)), f.stat().st_size / 1024, times))
            finally:
                browser.close()
    head = ("page", "KB", "load 1st ms", "idle 1st ms", "load med ms", "idle med ms")
    table = []
    for name, kb, times in rows:
        table.append((name, f"{kb:,.1f}", f"{times[0][0] * 1000:.0f}", f"{times[0][1] * 1000:.0f}",
                      f"{statistics.median(x[0] for x in times) * 1000:.0f}",
                      f"{statistics.median(x[1] for x in times) * 1000:.0f}"))
    widths = [max(len(x[k]) for x in [head, *table]) for k in range(len(head))]
    for r in [head, *table]:
        print("  ".join(v.ljust(widths[k]) if k == 0 else v.rjust(widths[k]) for k, v in enumerate(r)))
    kbs = [kb for _, kb, _ in rows]
    loads = [statistics.median(x[0] for x in t) for _, _, t in rows]
    print(f"{len(rows)} pages, {sum(kbs):,.0f} KB in all (min {min(kbs):,.1f}, median {statistics.median(kbs):,.1f}, "
          f"max {max(kbs):,.1f} KB); median load {statistics.median(loads) * 1000:.0f} ms, "
          f"slowest {max(loads) * 1000:.0f} ms; chromium launch {launch * 1000:.0f} ms; "
          f"{len(blocked)} non-file requests (aborted){': ' + ', '.join(sorted(set(blocked))[:5]) if blocked else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
