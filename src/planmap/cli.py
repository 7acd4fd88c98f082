"""The ``planmap`` command: inspect, extract, geocode, evaluate, build.

Every subcommand takes several documents; a bad one is reported in one line naming the file
and the others are still processed. ``inspect``/``extract`` exit 1 only when nothing could be
read; ``build`` exits 0 when every document was built, 1 when none was, 2 on a usage error (found
before any work) and 3 when some documents failed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from planmap.errors import PlanmapError
from planmap.inputs import DOC_SUFFIXES as DOC_SUFFIXES
from planmap.inputs import expand_inputs as _expand
from planmap.paths import sample_plan


def expand_inputs(items: Iterable[str]) -> list[Path]:
    """Documents of the given files and folders (folders walked recursively)."""
    return _expand(items).paths


def _read_all(paths: list[Path]):
    """Read every document; yield (path, plan or None, error or None)."""
    from planmap.plan import read_plan

    for p in paths:
        try:
            yield p, read_plan(p), None
        except PlanmapError as exc:
            yield p, None, exc
        except Exception as exc:  # a reader library failed in a way we did not foresee
            yield p, None, PlanmapError(f"{p}: could not be read ({type(exc).__name__}: {exc})")


def _report_failures(failures: list[PlanmapError]) -> None:
    if failures:
        print(f"{len(failures)} document(s) could not be read:", file=sys.stderr)
        for exc in failures:
            print(f"  error: {exc}", file=sys.stderr)


def _each_plan(args: argparse.Namespace, handle) -> int:
    """Run ``handle(plan)`` on every readable document; report the others; exit 1 if none read."""
    paths = expand_inputs(args.docs) if args.docs else [sample_plan()]
    failures: list[PlanmapError] = []
    ok = 0
    for _, plan, err in _read_all(paths):
        if err:
            failures.append(err)
            continue
        ok += 1
        handle(plan)
    _report_failures(failures)
    return 0 if ok else 1


def cmd_inspect(args: argparse.Namespace) -> int:
    """``planmap inspect``: metadata and outline of each document."""
    def show(plan) -> None:
        if args.json:
            print(json.dumps(plan.to_dict(), ensure_ascii=False))
        else:
            _print_plan(plan)

    return _each_plan(args, show)


def _print_plan(plan) -> None:
    region = plan.home_region
    print(f"== {plan.path}")
    print(f"title:      {plan.title or '(none)'}")
    print(f"issuer:     {plan.issuer or '(none)'}")
    print(f"date:       {plan.date or '(none)'}")
    print(f"doc number: {plan.doc_number or '(none)'}")
    print(f"home:       {region.name + ' ' + region.adcode + ' (' + region.level + ')' if region else '(unknown)'}")
    from planmap.place.homeregion import decide_home_region

    for reason in decide_home_region(plan.text, plan.title, plan.issuer, plan.doc_number).reasons:
        print(f"  why:      {reason}")
    print(f"outline:    {len(plan.headings)} headings, depth {plan.outline_depth}, {len(plan.clauses)} clauses, "
          f"{len(plan.ledger)} ledger rows")
    for h in plan.headings:
        print("  " * h.level + f"{h.marker}{h.title}")
    for w in plan.warnings:
        print(f"warning: {w}")
    print()


def cmd_extract(args: argparse.Namespace) -> int:
    """``planmap extract``: the projects of each document, as a listing or JSON."""
    from planmap.extract.projects import extract_projects

    records: list[dict] = []

    def show(plan) -> None:
        projects = extract_projects(plan)
        if args.json:
            records.extend(p.to_dict() for p in projects)
            return
        from planmap.vocab import category_label as label

        print(f"== {plan.id}: {plan.title} ({len(projects)} projects)")
        print(f"  {'类别':<6} {'几何':<4} {'名称'}  [章节] 期限")
        for p in projects:
            print(f"  {label(p.category):<6} {_GEOM.get(p.geom, p.geom):<4} {p.name}  [{_short_section(p.section)}] "
                  f"{p.deadline or ''}".rstrip())

    code = _each_plan(args, show)
    if args.json and code == 0:
        text = json.dumps(records, ensure_ascii=False, indent=1)
        if args.output:
            from planmap.atomic import write_text

            write_text(Path(args.output), text + "\n")
        else:
            print(text)
    return code


_GEOM = {"point": "点", "line": "线", "area": "面"}


def _short_section(path: str, width: int = 24) -> str:
    """The innermost headings of a section path that fit ``width``, cut only between headings."""
    parts = [p.strip() for p in path.split(">") if p.strip()]
    kept: list[str] = []
    for part in reversed(parts):
        if kept and len(" > ".join([part, *kept])) > width:
            return "… > " + " > ".join(kept)
        kept.insert(0, part)
    return " > ".join(kept)


def cmd_evaluate(args: argparse.Namespace) -> int:
    """``planmap evaluate``: score predictions against gold annotations."""
    from planmap.evaluation.evaluate import main_evaluate

    return main_evaluate(args.pred, args.gold, as_json=args.json, shared=args.shared, out=args.keep)


def cmd_geocode(args: argparse.Namespace) -> int:
    """``planmap geocode``: the offline candidates for one name."""
    from planmap.place.geocode import candidates_table

    try:
        print(candidates_table(args.text, region=args.region))
    except PlanmapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """``planmap build``: the whole pipeline; exit codes in :func:`planmap.builder.run_build`."""
    from planmap.builder import run_build

    if args.workers is not None and args.workers < 1:
        print(f"error: --workers {args.workers}: give 1 or more", file=sys.stderr)
        return 2
    docs = args.docs if args.docs else [str(sample_plan())]
    return run_build(docs, Path(args.out), tiles=args.tiles, offline=args.offline,
                     overrides=args.overrides, progress=not args.quiet,
                     boundaries="full" if args.full_boundaries else None,
                     workers=args.workers, scheduler=args.scheduler,
                     cache=not args.no_cache, include=args.include, exclude=args.exclude, verbose=args.verbose)


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    from planmap import __version__

    parser = argparse.ArgumentParser(
        prog="planmap",
        description="Turn Chinese government plan documents into maps of their projects, offline: "
                    "inspect, extract, geocode, evaluate, build.")
    parser.add_argument("--version", action="version", version=f"planmap {__version__}")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("inspect", help="print metadata and the outline of plan documents")
    p.add_argument("docs", nargs="*", help="documents or folders (default: the bundled sample plan)")
    p.add_argument("--json", action="store_true", help="one JSON object per document")
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("extract", help="list the projects of plan documents")
    p.add_argument("docs", nargs="*", help="documents or folders (default: the bundled sample plan)")
    p.add_argument("--json", action="store_true", help="write records as JSON")
    p.add_argument("-o", "--output", help="with --json: write to this file instead of stdout")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("evaluate", help="score predictions against gold annotations (no arguments: "
                                        "build the gold documents and score them)")
    p.add_argument("pred", nargs="?", help="predictions: JSON/GeoJSON/CSV file or folder (a build's data/plans)")
    p.add_argument("gold", nargs="?", help="gold CSV file or folder")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--yardstick", action="store_true",
                   help="build the documents that have gold (seeds, dev_docs) and score them (the default)")
    p.add_argument("--shared", help="the shared folder holding eval/ and seeds/ (default: ../shared)")
    p.add_argument("--keep", metavar="DIR", help="with --yardstick: build into DIR and keep it")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("geocode", help="look up a place or project name offline")
    p.add_argument("text", help="a name, e.g. 铁岭县腰堡镇康养基地")
    p.add_argument("--region", help="6-digit adcode of the prior region, e.g. 211200")
    p.set_defaults(func=cmd_geocode)

    p = sub.add_parser("build", help="run the whole pipeline: maps and GIS exports")
    p.add_argument("docs", nargs="*", help="documents or folders (default: the bundled sample plan)")
    p.add_argument("--out", default="maps", help="output folder (default: maps/)")
    p.add_argument("--tiles", default="osm", choices=["osm", "gaode", "none"], help="base map tiles")
    p.add_argument("--offline", action="store_true", help="inline all map code; no tiles unless asked")
    p.add_argument("--overrides", help="a features CSV whose rows win over the shipped gazetteer")
    p.add_argument("--full-boundaries", action="store_true",
                   help="join against full-resolution county polygons (needs planmap[boundaries])")
    p.add_argument("--workers", type=int, help="Dask worker processes for reading, extraction and geocoding "
                                               "(default: the machine's cores for 50 documents or more, "
                                               "else this process; 1: no cluster)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="use an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--no-cache", action="store_true", help="redo every document (results are still cached)")
    p.add_argument("--include", action="append", default=[], metavar="GLOB",
                   help="inside folders, read only documents matching GLOB (repeatable)")
    p.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="inside folders, skip documents matching GLOB (repeatable)")
    p.add_argument("-v", "--verbose", action="store_true", help="list files skipped inside folders")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary table: one summary line")
    p.set_defaults(func=cmd_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 for usage errors)."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at exit
        return code
    except PlanmapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (``planmap inspect X | head``): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def run() -> None:
    """The ``planmap`` command's entry point: :func:`main`, then a quick exit.

    Once the command is done, the exit handlers run (temporary folders, logging, Dask) and the
    process ends without tearing down every module and object one by one, which after a build
    (gazetteer, automata, frames) took as long as writing the maps. With a thread still running,
    the ordinary exit waits for it.
    """
    quick_exit(main())


def quick_exit(code: int) -> None:
    """End the process with ``code`` the way the command does (:func:`run`): output flushed,
    exit handlers run, no teardown of every object; the ordinary exit while a thread runs.
    """
    import atexit
    import threading

    if threading.active_count() > 1:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    run()
