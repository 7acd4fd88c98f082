"""Extraction throughput (characters/second) over the seed plans, planmap beside cpca.

    python benchmarks/bench_extract.py [--repeats N]

Each seed is read with ``planmap.read_plan`` (not timed); then ``extract_projects(plan)`` is
timed. The first pass over the five seeds is reported as *cold*: it pays for the word
index load (planmap.reference.words) and any gazetteer layer the extractor asks for first (all of it lands on the
first document). Warm figures are the median of ``--repeats`` further passes, reported twice:

* ``warm``       - the extractor's per-sentence/per-name memo caches (``functools.lru_cache`` in
                   planmap.extract.projects and planmap.extract.place_names) left as they are, so repeats of the same
                   text hit them: an upper bound;
* ``warm-fresh`` - those memo caches cleared before each call (jieba, rules and the gazetteer
                   stay loaded): the rate for text the process has not seen yet.

cpca (``cpca.transform(sentences)``, sentences = the same clean text split on 。；and newlines)
runs in the same process over the same text, cold first call and warm median. cpca is not a
planmap dependency: it is imported lazily, and when it is missing the cpca column says so.
cpca only finds 省/市/区 names per sentence; it is a speed reference, not the same task.
Rates divide ``len(plan.text)`` (the clean text) by the time, for both tools.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path(os.environ.get("PLANMAP_SEEDS", ROOT.parent / "shared" / "seeds"))
CPCA_HINT = "pip install cpca==0.5.5"
_SPLIT = re.compile(r"[。；\n]")


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


def _memo_caches():
    """The per-text lru caches of the extractor (not rules, jieba or the gazetteer)."""
    import planmap.extract.place_names as pl
    import planmap.extract.projects as ex

    out = []
    for mod in (ex, pl):
        for name, obj in vars(mod).items():
            if name == "load_rules":
                continue
            if callable(getattr(obj, "cache_clear", None)) and getattr(obj, "__module__", "") == mod.__name__:
                out.append(obj)
    return out


def _rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds:,.0f}" if seconds > 0 else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args(argv)

    paths = seed_paths()
    print("== extract: planmap.extract.projects.extract_projects vs cpca.transform (chars/s)")
    if not paths:
        print(f"skipped: no seed documents at {SEEDS}")
        return 0

    import planmap
    from planmap.extract.projects import extract_projects

    plans = [planmap.read_plan(p) for p in paths]

    # cold: first pass over every seed, in order
    cold = []
    projects = []
    for plan in plans:
        t = time.perf_counter()
        found = extract_projects(plan)
        cold.append(time.perf_counter() - t)
        projects.append(len(found))

    # warm: memo caches kept
    warm = [[] for _ in plans]
    for _ in range(args.repeats):
        for i, plan in enumerate(plans):
            t = time.perf_counter()
            extract_projects(plan)
            warm[i].append(time.perf_counter() - t)

    # warm-fresh: memo caches cleared before each call
    caches = _memo_caches()
    fresh = [[] for _ in plans]
    for _ in range(args.repeats):
        for i, plan in enumerate(plans):
            for c in caches:
                c.cache_clear()
            t = time.perf_counter()
            extract_projects(plan)
            fresh[i].append(time.perf_counter() - t)

    # cpca, same process, same clean text
    cpca_cold: list[float | None] = [None] * len(plans)
    cpca_warm: list[list[float]] = [[] for _ in plans]
    cpca_note = ""
    try:
        t = time.perf_counter()
        import cpca  # noqa: PLC0415 - optional, lazily imported
        cpca_import = time.perf_counter() - t
    except ImportError:
        cpca = None
        cpca_note = f"cpca not installed: {CPCA_HINT} (into the planmap venv) to get its column"
    if cpca is not None:
        sentences = [[s for s in _SPLIT.split(p.text) if s.strip()] for p in plans]
        for i, sents in enumerate(sentences):
            t = time.perf_counter()
            cpca.transform(sents)
            cpca_cold[i] = time.perf_counter() - t
        for _ in range(max(3, args.repeats // 2)):
            for i, sents in enumerate(sentences):
                t = time.perf_counter()
                cpca.transform(sents)
                cpca_warm[i].append(time.perf_counter() - t)
        ver = getattr(cpca, "__version__", "?")
        cpca_note = (f"cpca {ver}: import {cpca_import * 1000:.0f} ms (loads its adcode table; not in the rates); "
                     f"cpca cold = first transform call (pandas is first imported there); "
                     f"chars/s = median of {max(3, args.repeats // 2)} warm calls")

    med = statistics.median
    head = ("doc", "chars", "projects", "planmap cold s", "planmap chars/s", "planmap fresh chars/s",
            "cpca cold s", "cpca chars/s")
    rows = []
    for i, plan in enumerate(plans):
        n = len(plan.text)
        rows.append((plan.id, f"{n:,}", str(projects[i]), f"{cold[i]:.3f}",
                     _rate(n, med(warm[i])), _rate(n, med(fresh[i])),
                     f"{cpca_cold[i]:.3f}" if cpca_cold[i] is not None else "-",
                     _rate(n, med(cpca_warm[i])) if cpca_warm[i] else "-"))
    total = sum(len(p.text) for p in plans)
    rows.append(("ALL", f"{total:,}", str(sum(projects)), f"{sum(cold):.3f}",
                 _rate(total, sum(med(w) for w in warm)), _rate(total, sum(med(w) for w in fresh)),
                 f"{sum(c for c in cpca_cold if c is not None):.3f}" if cpca is not None else "-",
                 _rate(total, sum(med(w) for w in cpca_warm)) if cpca is not None else "-"))
    widths = [max(len(r[k]) for r in [head, *rows]) for k in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(c.ljust(widths[k]) if k == 0 else c.rjust(widths[k]) for k, c in enumerate(r)))
    print(f"planmap cold = first pass (word index and gazetteer loads land on the first doc); "
          f"chars/s = median of {args.repeats} warm passes with memo caches kept; "
          f"fresh = memo caches cleared before each call ({len(caches)} caches)")
    print(cpca_note)
    print(f"python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
