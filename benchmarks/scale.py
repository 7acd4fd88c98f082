"""Scale benchmark: ``planmap build`` over the shared corpus with 1 and 2 Dask workers, cached.

    python benchmarks/scale.py                      # ../shared/corpus (380 documents)
    python benchmarks/scale.py --copies 27          # the corpus copied under new names (10,260 documents)
    python benchmarks/scale.py --no-maps            # exports only (the maps are written in the main process)
    python benchmarks/scale.py --pairs 3            # three interleaved cold 1-worker/2-worker pairs and their ratios

Each build runs in a fresh interpreter (``python -c`` calling ``planmap.build`` as the ``planmap
build`` command does, Python's collector paused in the build's process); the benchmark
samples the resident memory of that process and of every process it starts (the Dask nanny and
worker processes) every 0.2 s and reports the peak of each worker. Runs, in order:

* ``cold 1w``  - empty output folder, ``workers=1`` (the documents are read and the maps drawn in
  the main process)
* ``cold 2w``  - empty output folder, ``workers=2`` (a LocalCluster of two worker processes)
* ``cached``   - the ``cold 2w`` output folder rebuilt unchanged (every document from the cache)
* ``1 changed``- the same, after one document was changed (one document redone)

With ``--pairs N``: N pairs of cold runs instead, 1 and 2 workers in turns (1-2, 2-1, ...), each
in a new output folder, with the load average before each run and each pair's wall ratio.

Figures: wall and CPU seconds (user+sys of the build and its workers) of the whole build
(interpreter start to exit), documents per second over the whole build and over the per-document
stage alone (read, extract, geocode, county join, export pieces; the part the workers share), peak
RSS and PSS per process (forked workers share the reference data: PSS divides it among them),
and output sizes. Benchmarks assert nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = Path(os.environ.get("PLANMAP_CORPUS", ROOT.parent / "shared" / "corpus"))

DRIVER = """
import json, resource, sys, time
t = time.perf_counter()
from planmap.builder import build
from planmap.collector import CollectorPaused
with CollectorPaused() as collect:  # as the planmap build command runs it
    r = build([sys.argv[1]], out=sys.argv[2], workers=int(sys.argv[3]), maps=sys.argv[4] == "1", progress=False,
              on_document=collect)
own = resource.getrusage(resource.RUSAGE_SELF)
print("RESULT " + json.dumps({"plans": len(r.plans), "failures": len(r.failures), "cached": r.cached,
                             "projects": r.project_count, "timings": r.timings, "in_process_s": time.perf_counter() - t,
                             "main_cpu": own.ru_utime + own.ru_stime}))
from planmap.cli import quick_exit
quick_exit(0)  # and ends as the planmap command does: no teardown of every object
"""


def _sample(pid: int, peaks: dict[int, tuple[str, int, int]], stop: threading.Event) -> None:
    """Peak RSS and PSS of the build process and of every process it starts, every 0.2 s.

    Spawned workers run ``multiprocessing.spawn``; forked ones have the build's own command line
    (the nanny forks them from the build process). Forked workers share the reference data the build
    loaded before forking: RSS counts those pages in every process that maps them, PSS (proportional
    set size) divides each shared page among its sharers, so the PSS of all processes adds up to
    the memory really used. Dask's resource tracker is a helper, not a worker.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        main_cmd = root.cmdline()
    except psutil.Error:
        return
    while not stop.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            break
        for p in procs:
            try:
                mem = p.memory_full_info()
                cmdline = p.cmdline()
            except psutil.Error:
                continue
            cmd = " ".join(cmdline)
            if p.pid == pid:
                role = "main"
            elif "resource_tracker" in cmd or "semaphore_tracker" in cmd:
                role = "helper"
            elif "spawn" in cmd or "multiprocessing" in cmd or cmdline == main_cmd:
                role = "worker"
            else:
                role = "helper"
            old = peaks.get(p.pid, ("", 0, 0))
            peaks[p.pid] = (role, max(old[1], mem.rss), max(old[2], getattr(mem, "pss", mem.rss)))
        stop.wait(0.2)


def run_build(docs: Path, out: Path, workers: int, maps: bool, sample: bool = True) -> dict:
    """One build in a fresh interpreter: its result line, wall and CPU seconds and, with ``sample``,
    the peak memory of its processes. Sampling reads every process's memory map five times a
    second, which costs CPU on the same two cores the build uses (more with more processes), so
    the timed pairs run without it.
    """
    import resource

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(docs), str(out), str(workers), "1" if maps else "0"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, tuple[str, int, int]] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(proc.pid, peaks, stop), daemon=True) if sample else None
    if sampler is not None:
        sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stop.set()
    if sampler is not None:
        sampler.join()
    line = next((x for x in stdout.splitlines() if x.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"build failed (exit {proc.returncode}):\n{stderr[-3000:]}")
    result = json.loads(line[len("RESULT "):])
    result["wall"] = wall
    # user+sys of the build and every process it waited for (its workers), the sampler excluded
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["peak_main_mb"] = max((rss for role, rss, _ in peaks.values() if role == "main"), default=0) / 2**20
    result["peak_main_pss_mb"] = max((pss for role, _, pss in peaks.values() if role == "main"), default=0) / 2**20
    result["peak_workers_mb"] = sorted(((rss / 2**20, pss / 2**20) for role, rss, pss in peaks.values()
                                        if role == "worker"), reverse=True)
    return result


def folder_sizes(out: Path) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for p in out.rglob("*"):
        if p.is_file():
            top = p.relative_to(out).parts[0] if len(p.relative_to(out).parts) > 1 else "(top)"
            sizes[top] = sizes.get(top, 0) + p.stat().st_size
    return dict(sorted(sizes.items()))


def copy_corpus(src: Path, dst: Path, copies: int) -> int:
    """The corpus ``copies`` times under new names (each copy is a different file, same bytes)."""
    n = 0
    for k in range(copies):
        for p in sorted(src.rglob("*.txt")):
            rel = p.relative_to(src)
            target = dst / f"copy{k:03d}" / rel.parent / f"{rel.stem}-c{k:03d}{rel.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, target)
            n += 1
    return n


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def _pairs(docs: Path, work: Path, pairs: int, maps: bool) -> int:
    """Interleaved cold builds with 1 and 2 workers; wall and CPU seconds of each, the load
    average before it, and each pair's wall ratio (1 worker / 2 workers).
    """
    import statistics

    print(f"{'pair':<5} {'workers':>7} {'load':>5} {'wall s':>7} {'cpu s':>6} {'main cpu':>8} {'rest cpu':>8} {'stage s':>8} {'maps s':>7}")
    ratios = []
    for k in range(pairs):
        walls = {}
        for workers in ((1, 2) if k % 2 == 0 else (2, 1)):
            out = work / f"pair{k}-{workers}w"
            load = _load()
            r = run_build(docs, out, workers, maps, sample=False)
            walls[workers] = r["wall"]
            t = r["timings"]
            print(f"{k + 1:<5} {workers:>7} {load:>5} {r['wall']:>7.1f} {r['cpu']:>6.1f} {r['main_cpu']:>8.1f} "
                  f"{r['cpu'] - r['main_cpu']:>8.1f} {t.get('documents', 0):>8.1f} {t.get('maps', 0):>7.1f}")
            if k:
                shutil.rmtree(out, ignore_errors=True)  # the first pair's folders stay, to be compared
        ratios.append(walls[1] / walls[2])
        print(f"      pair {k + 1}: 1 worker / 2 workers = {ratios[-1]:.2f}x")
    same = filecmp_trees(work / "pair0-1w", work / "pair0-2w")
    print(f"ratios {', '.join(f'{x:.2f}' for x in ratios)}; median {statistics.median(ratios):.2f}x; "
          f"outputs of the first pair's 1 and 2 workers: {'identical' if not same else f'{len(same)} files differ'}")
    print("cpu s = user+sys seconds of the build and every process it started; main cpu = the build's own process "
          "until build() returned; rest cpu = its Dask workers and map-drawing processes, and the build process's exit "
          "(ended as the planmap command ends, without freeing every object); load = 1-minute load average before the run")
    return 0


def filecmp_trees(a: Path, b: Path) -> list[str]:
    """Files that differ or exist in one folder only, cache folder included."""
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    return sorted(str(p) for p in files_a ^ files_b) + sorted(
        str(p) for p in files_a & files_b if (a / p).read_bytes() != (b / p).read_bytes())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--copies", type=int, default=0, help="build the corpus copied N times under new names")
    ap.add_argument("--no-maps", action="store_true", help="exports only")
    ap.add_argument("--runs", default="cold1,cold2,cached,changed", help="which runs, comma-separated")
    ap.add_argument("--pairs", type=int, default=0, help="N interleaved cold 1-worker/2-worker pairs instead of --runs")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"skipped: corpus folder {args.corpus} not found")
        return 0
    work = Path(tempfile.mkdtemp(prefix="planmap-scale-"))
    try:
        docs = args.corpus
        if args.copies:
            docs = work / "docs"
            n = copy_corpus(args.corpus, docs, args.copies)
        else:
            n = sum(1 for p in docs.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".pdf", ".docx", ".html", ".htm"))
        print(f"planmap scale benchmark: {n} documents from {os.path.relpath(Path(args.corpus).resolve(), ROOT)}"
              f"{f' x{args.copies} copies' if args.copies else ''}; maps {'off' if args.no_maps else 'on'}; "
              f"{os.cpu_count()} CPUs")
        print(f"{'run':<10} {'wall s':>8} {'cpu s':>6} {'docs':>6} {'cached':>6} {'docs/s':>7} {'stage s':>8} {'stage docs/s':>12} "
              f"{'join s':>7} {'export s':>8} {'maps s':>7} {'main MB':>8} {'PSS':>5}  worker peak MB RSS/PSS")
        if args.pairs:
            return _pairs(docs, work, args.pairs, not args.no_maps)
        runs = [r.strip() for r in args.runs.split(",")]
        changed_doc = None
        for name in runs:
            if name == "cold1":
                out, workers = work / "out1", 1
                shutil.rmtree(out, ignore_errors=True)
            elif name == "cold2":
                out, workers = work / "out2", 2
                shutil.rmtree(out, ignore_errors=True)
            elif name == "cached":
                out, workers = work / "out2", 2
            elif name == "changed":
                out, workers = work / "out2", 2
                if docs == args.corpus:  # never touch the shared corpus: rebuild from a copy
                    docs = work / "docs"
                    shutil.copytree(args.corpus, docs)
                changed_doc = sorted(docs.rglob("*.txt"))[0]
                with open(changed_doc, "a", encoding="utf-8") as fh:
                    fh.write("\n")
            else:
                raise SystemExit(f"unknown run {name!r}")
            r = run_build(docs, out, workers, not args.no_maps)
            t = r["timings"]
            stage = t.get("documents", 0.0)
            redone = r["plans"] - r["cached"]
            print(f"{name:<10} {r['wall']:>8.1f} {r['cpu']:>6.1f} {r['plans']:>6} {r['cached']:>6} {r['plans'] / r['wall']:>7.1f} "
                  f"{stage:>8.1f} {(redone / stage if stage and redone else 0):>12.1f} {t.get('join', 0):>7.1f} "
                  f"{t.get('export', 0):>8.1f} {t.get('maps', 0):>7.1f} {r['peak_main_mb']:>8.0f} {r['peak_main_pss_mb']:>5.0f}  "
                  f"{', '.join(f'{m:.0f}/{q:.0f}' for m, q in r['peak_workers_mb']) or '-'}"
                  + (f"  ({r['failures']} failed)" if r["failures"] else ""))
        for label, out in (("cold 1w", work / "out1"), ("cold 2w", work / "out2")):
            if out.is_dir():
                sizes = folder_sizes(out)
                print(f"output sizes ({label}): " + ", ".join(f"{k} {v / 2**20:.1f} MB" for k, v in sizes.items())
                      + f"; total {sum(sizes.values()) / 2**20:.1f} MB")
        print("cpu s = user+sys seconds of the build and its worker processes; docs/s = documents / wall; stage = per-document stages (read, extract, geocode, join, pieces) wall, "
              "stage docs/s over the documents redone; main MB = peak RSS of the build's process, PSS its peak proportional set size; worker peak = peak RSS/PSS of "
              "each Dask worker process (forked workers share the reference data loaded before the fork: RSS counts "
              "it in each, PSS divides it among them)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
