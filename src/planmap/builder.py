"""The whole run: documents -> plans -> projects -> placed -> regions -> exports and maps.

Every document is isolated: a failure while reading, extracting, geocoding, joining or
writing one plan becomes one line naming the file, and every other plan is built. The
per-document stages (read, extract, geocode, county join, the plan's share of each export)
run in this process or on a Dask cluster (``workers``/``scheduler``) and are cached by the
document's bytes, so a rebuild redoes only what changed and assembles the rest: this process
keeps each plan's metadata and export pieces, not its text or project frame.

Outputs are written to a sibling folder and switched in as a whole at the end: a build that
is killed, or that could build nothing, leaves the previous output set untouched, and no
file of an earlier build lingers in the new one.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planmap.errors import BuildError, GazetteerError, OutputError, PlanmapError, UsageError

if TYPE_CHECKING:
    import geopandas as gpd

    from planmap.models import Plan
    from planmap.pipeline import DocumentResult, Joined
    from planmap.result import PlanResult

#: a file every output folder holds, so a later build knows the folder is planmap's to replace
MARKER = ".planmap-output"
#: fewer documents than this are read in this process: starting worker processes would cost more
MIN_DOCS_FOR_CLUSTER = 4
#: with workers=None (the CLI's default) a cluster of the machine's cores starts only from this
#: many documents: a spawned worker pays a start-up of several seconds (imports, reference data,
#: warm-up); a forked one (Linux) about 0.2 s after this process loaded the reference data (1-2 s),
#: and two workers were not faster than one on the shared 2-core machine (README, "Scale:")
MIN_DOCS_FOR_AUTO_CLUSTER = 50


@dataclass
class BuildResult:
    """What a build produced: plans, the projects GeoDataFrame, regions, failures, timings.

    ``plans`` hold each plan's metadata, home region and warnings, not its text and outline
    (``planmap.read_plan(path)`` gives those): a build of many documents keeps little per plan.
    ``projects`` is made on first use (from the build's document cache when the maps did not
    need it), so a large build does not hold every project frame unless asked to.
    """

    out: Path
    plans: list[Plan]
    _projects: Any  # the frame, or a function making it (see ``projects``)
    counties: gpd.GeoDataFrame
    regions: list[dict]
    registry: list[dict]
    failures: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # files inside folders that are not documents
    cached: int = 0  # documents taken from the cache
    project_count: int = 0  # len(projects), known without making the frame

    @property
    def projects(self) -> gpd.GeoDataFrame:
        """Every project of the plans built, with its regions and registry id (EPSG:4326)."""
        if callable(self._projects):
            self._projects = self._projects()
        return self._projects

    @property
    def results(self) -> list[PlanResult]:
        """One :class:`planmap.result.PlanResult` per plan built, for notebooks.

        >>> import planmap, planmap.paths, tempfile
        >>> built = planmap.build([planmap.paths.sample_plan()], out=tempfile.mkdtemp() + "/maps", progress=False)
        >>> [r.title for r in built.results]
        ['铁岭市2024年重大基础设施建设工作要点（示例）']
        """
        from planmap.result import results_of_build

        return results_of_build(self)


def build(docs: Iterable[str | Path], out: str | Path = "maps", *, tiles: str = "osm", offline: bool = False,
          overrides: str | Path | None = None, maps: bool = True, progress: bool = False,
          boundaries: str | None = None, workers: int | None = 1, scheduler: str | None = None,
          cache: bool = True, include: Sequence[str] = (), exclude: Sequence[str] = (),
          on_document: Callable[[DocumentResult], None] | None = None) -> BuildResult:
    """Build maps and GIS exports for plan documents (files or folders, walked recursively) into ``out``.

    ``tiles``: "osm" (default), "gaode" (data shifted to GCJ-02 for display) or "none";
    ``offline``: no tiles (map code is always inlined); ``overrides``: a features CSV whose rows
    win over the shipped gazetteer (default ``PLANMAP_OVERRIDES``); ``maps``: also write the HTML
    maps; ``progress``: a progress bar on a terminal; ``boundaries``: "simplified" or "full"
    county polygons; ``workers``: Dask worker processes for the per-document stages (1: this
    process; None: the machine's cores when at least MIN_DOCS_FOR_AUTO_CLUSTER documents need
    doing, else this process); ``scheduler``: the address of an existing Dask scheduler instead; ``cache``: reuse
    the per-document results of earlier builds; ``include``/``exclude``: globs for documents
    inside folders.

    A document that fails is recorded in ``failures`` (path, one-line reason) and skipped.
    Raises :class:`UsageError` for unusable options (before any work), :class:`BuildError`
    when nothing could be built and :class:`OutputError` when the outputs cannot be written;
    in those cases the previous contents of ``out`` are kept.

    >>> import tempfile
    >>> from planmap.paths import sample_plan
    >>> result = build([sample_plan()], out=tempfile.mkdtemp() + "/maps", progress=False)
    >>> len(result.plans), "index.html" in {p.name for p in result.files}
    (1, True)
    """
    from planmap import cache as result_cache
    from planmap.inputs import expand_inputs, plan_ids
    from planmap.pipeline import geocoder_for, timings_of

    out = Path(out)
    if out.is_symlink():
        out = out.resolve()  # the set is switched in where the link points; the link stays
    overrides_path = _overrides_path(overrides)
    _check_out(out)
    found = expand_inputs(docs, include, exclude)
    inside_out = [p for p in found.paths if p.resolve().is_relative_to(out.resolve())]
    found.skipped += inside_out  # our own maps of an earlier build are not plans
    paths = found.paths = [p for p in found.paths if p not in inside_out]
    if not paths:
        raise BuildError("nothing could be built: no documents given")
    ids = plan_ids(paths)
    try:
        geocoder = geocoder_for(overrides_path)  # validates the overrides before the documents
    except GazetteerError as exc:
        raise UsageError(" ".join(str(exc).split())) from None
    except Exception as exc:  # noqa: BLE001 - a malformed file the row checks did not foresee
        raise UsageError(f"{overrides_path}: cannot read the overrides ({type(exc).__name__}: "
                         f"{' '.join(str(exc).split())})") from None
    timings: dict[str, float] = {}

    staging = _staging_folder(out)
    try:
        t = time.perf_counter()
        old_cache = result_cache.cache_folder(out)
        env_cache = bool(os.environ.get("PLANMAP_CACHE"))
        new_cache = old_cache if env_cache else staging / result_cache.FOLDER
        keys = [_safe_key(p, overrides_path, pid, boundaries) for p, pid in zip(paths, ids, strict=True)]
        results: list[DocumentResult | None] = [None] * len(paths)
        if cache:
            for i, (p, pid, key) in enumerate(zip(paths, ids, keys, strict=True)):
                if key:
                    hit = result_cache.load(old_cache, key, str(p), pid)
                    if hit is not None:
                        if not env_cache:
                            result_cache.carry(old_cache, new_cache, key)
                        light = results[i] = hit.light()
                        if not maps:
                            light.projects = None
        todo = [i for i, r in enumerate(results) if r is None]
        for i, r, entry in _run_documents([(str(paths[i]), ids[i]) for i in todo], todo, overrides_path, workers,
                                          scheduler, progress, len(paths) - len(todo), len(paths), boundaries):
            if keys[i] and not r.error and entry is not None:
                result_cache.store_bytes(new_cache, keys[i], entry)
            if on_document:
                on_document(r)
            results[i] = r  # light: the plan's text and outline are not needed from here on
            if not maps and not r.error:
                r.projects = None  # the exports use the pieces; the frame is read back if asked for
        timings["documents"] = time.perf_counter() - t
        done: list[DocumentResult] = [r for r in results if r is not None]
        timings.update(timings_of(r for r in done if not r.cached))
        failures: list[tuple[str, str]] = [(r.path, r.error) for r in done if r.error]
        good = [r for r in done if not r.error and r.plan is not None and r.pieces is not None]
        if not good:
            raise _nothing_built(failures)

        t = time.perf_counter()
        plans = [r.plan for r in good if r.plan is not None]
        good_ids = {id(r) for r in good}
        entries = [(r, keys[i]) for i, r in enumerate(results) if r is not None and id(r) in good_ids]
        joined, registry_ids, all_projects = _assemble_join(good, geocoder.gaz, boundaries,
                                                            _frames(entries, lambda: new_cache, maps))
        timings["join"] = time.perf_counter() - t

        finish_maps = drawing = None
        if maps:
            t = time.perf_counter()
            # Map code is always inlined, so a map opens on a network with no internet; --offline
            # also drops the tiles (county boundaries still give the reader their bearings).
            # The pages are drawn while this process writes the exports (when processes draw them).
            drawing, finish_maps = _start_maps(staging, plans, joined, "none" if offline else tiles, True,
                                      out if cache and _is_planmap_output(out) else None, boundaries,
                                      _map_processes(workers, scheduler))
            timings["maps"] = time.perf_counter() - t
        t = time.perf_counter()
        try:
            exports_key = _exports_key(entries, boundaries)
            reused = _reuse_exports(out if cache and _is_planmap_output(out) else None, staging, exports_key)
            if reused is not None:
                files, bad = reused, dict[str, str]()
            else:
                files, bad = _write_assembled(staging, good, joined, registry_ids, all_projects)
            if not bad and exports_key is not None and not env_cache:  # PLANMAP_CACHE: no cache folder in out
                _record_exports(staging, exports_key, files)
        except BaseException:
            if drawing is not None:
                drawing.cancel()
            raise
        timings["export"] = time.perf_counter() - t
        if finish_maps is not None:
            t = time.perf_counter()
            more, bad_maps = finish_maps()
            files += more
            bad.update(bad_maps)
            timings["maps"] += time.perf_counter() - t
        failures += [(p.path, bad[p.id]) for p in plans if p.id in bad]
        plans = [p for p in plans if p.id not in bad]
        if not plans:
            raise _nothing_built(failures)
        _write_marker(staging)
        _switch_in(staging, out)
    except OSError as exc:
        _remove(staging)
        raise OutputError(f"{out}: cannot write the outputs ({exc.strerror or exc}); "
                          f"the previous outputs are kept") from None
    except BaseException:
        _remove(staging)
        raise
    files = [out / f.relative_to(staging) for f in files]
    failures.sort()
    kept = {p.id for p in plans}
    final_cache = new_cache if env_cache else out / result_cache.FOLDER
    frames = all_projects if maps else _frames(entries, lambda: final_cache, False)

    def projects() -> gpd.GeoDataFrame:
        if callable(frames):
            gdf = frames()
            gdf["registry_id"] = gdf["id"].map(registry_ids) if len(gdf) else []
        else:
            gdf = frames
        return gdf[gdf["plan"].isin(kept)].reset_index(drop=True) if len(gdf) else gdf

    return BuildResult(out, plans, projects, joined.counties, joined.regions, joined.registry, failures, timings,
                       files, found.skipped, sum(1 for r in good if r.cached),
                       sum(r.pieces.n for r in good if r.pieces is not None and r.plan_id in kept))


def _map_processes(workers: int | None, scheduler: str | None) -> int:
    """How many processes draw the map pages: those of ``workers`` (None: the machine's cores);
    one with a ``scheduler`` (its workers may not see this machine's output folder).
    """
    if scheduler is not None:
        return 1
    return max(1, workers if workers is not None else (os.cpu_count() or 1))


def _nothing_built(failures: list[tuple[str, str]]) -> BuildError:
    """The error of a run that built nothing; it carries every document's failure."""
    shown = "; ".join(msg for _, msg in failures[:3]) + (f"; and {len(failures) - 3} more" if len(failures) > 3 else "")
    return BuildError(f"nothing could be built: {shown}" if failures else "nothing could be built", sorted(failures))


# ---------------------------------------------------------------- options and the output folder

def _overrides_path(overrides: str | Path | None) -> str | None:
    """The overrides file to use (argument, else ``PLANMAP_OVERRIDES``), checked to be a readable file."""
    source = "--overrides"
    if overrides is None and os.environ.get("PLANMAP_OVERRIDES"):
        overrides, source = os.environ["PLANMAP_OVERRIDES"], "PLANMAP_OVERRIDES"
    if overrides is None or str(overrides) == "":
        return None
    p = Path(overrides)
    if not p.exists():
        raise UsageError(f"{p}: overrides file not found ({source}); give a CSV in the format of geodata/features.csv")
    if not p.is_file():
        raise UsageError(f"{p}: overrides must be a CSV file, not a folder ({source})")
    if not os.access(p, os.R_OK):
        raise UsageError(f"{p}: overrides file is not readable ({source})")
    return str(p)


def _is_planmap_output(folder: Path) -> bool:
    return (folder / MARKER).is_file() or (folder / "index.html").is_file() or (folder / "data" / "projects.geojson").is_file()


def _check_out(out: Path) -> None:
    """Refuse, before any work, an output path that is a file, a foreign folder or unwritable."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: --out names a file, not a folder; choose a folder")
    if out.is_dir() and any(out.iterdir()) and not _is_planmap_output(out):
        raise UsageError(f"{out}: folder holds files planmap did not write, and a build replaces its output "
                         f"folder as a whole; choose an empty or new folder")
    parent = out.parent if str(out.parent) else Path(".")
    probe = parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"{out}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"{out}: {probe} is not writable")


def _staging_folder(out: Path) -> Path:
    """A new folder beside ``out`` to write the outputs in; leftovers of killed builds are removed."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for old in parent.glob(f".{out.name[:40]}.building-*"):
            pid = old.name.rsplit("-", 2)[-2] if old.name.count("-") >= 2 else ""
            if pid.isdigit() and not _alive(int(pid)):
                _remove(old)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name[:40]}.building-{os.getpid()}-", dir=parent))
        from planmap.atomic import DIR_MODE

        os.chmod(staging, DIR_MODE)
        (staging / ".probe").write_bytes(b"")
        (staging / ".probe").unlink()
    except OSError as exc:
        raise UsageError(f"{out}: cannot write there ({exc.strerror or exc})") from None
    return staging


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _write_marker(staging: Path) -> None:
    from planmap import __version__
    from planmap.atomic import write_text

    write_text(staging / MARKER, f"planmap {__version__} output folder; replaced as a whole by each build\n")


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def _switch_in(staging: Path, out: Path) -> None:
    """Make ``staging`` the output folder and remove the previous set."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        _remove(staging)  # now holds the previous set
        return
    retired = out.parent / f".{out.name[:40]}.old-{os.getpid()}"
    _remove(retired)
    os.rename(out, retired)
    os.rename(staging, out)
    _remove(retired)


def _safe_key(path: Path, overrides: str | None, plan_id: str, boundaries: str | None) -> str | None:
    from planmap.cache import entry_key

    try:
        return entry_key(path, overrides, plan_id, boundaries)
    except OSError:
        return None  # unreadable: the document stage reports it


# ---------------------------------------------------------------- the per-document stages

def _run_documents(jobs: list[tuple[str, str]], index: list[int], overrides: str | None, workers: int | None,
                   scheduler: str | None, progress: bool, already: int, total: int, boundaries: str | None = None):
    """Yield (index, DocumentResult, its cache entry) as documents finish, here or on a Dask cluster.

    The result is light (:meth:`planmap.pipeline.DocumentResult.light`), joined and cut into
    export pieces; the entry is its pickle (None for a document that failed).
    """
    import pickle

    from planmap.pipeline import DocumentResult, document_task

    def unpack(i: int, done: tuple[dict[str, float], bytes] | str) -> tuple[int, DocumentResult, bytes | None]:
        path, pid = jobs[index.index(i)] if isinstance(done, str) else ("", "")
        if isinstance(done, str):
            return i, DocumentResult(path, pid, error=done), None
        seconds, entry = done
        r = pickle.loads(entry)
        r.seconds = seconds
        return i, r, (None if r.error else entry)

    if workers is None:
        workers = (os.cpu_count() or 1) if len(jobs) >= MIN_DOCS_FOR_AUTO_CLUSTER else 1

    bar = _Progress(progress, already, total)
    try:
        if not jobs:
            return
        if scheduler is not None or (workers > 1 and len(jobs) >= MIN_DOCS_FOR_CLUSTER):
            from planmap.distributed import ClusterUnavailable, run_on_dask

            try:
                for i, done in run_on_dask(jobs, index, overrides, workers, scheduler, boundaries):
                    bar.advance()
                    yield unpack(i, done)
                return
            except ClusterUnavailable as exc:
                print(f"warning: {exc}; reading the documents in this process", file=sys.stderr)
        if already:
            from planmap.distributed import fork_available

            if fork_available() and threading.active_count() == 1:
                for i, done in _in_a_forked_process(jobs, index, overrides, boundaries):
                    bar.advance()
                    yield unpack(i, done)
                return
        for i, (path, pid) in zip(index, jobs, strict=True):
            done = document_task(path, pid, overrides, boundaries)
            bar.advance()
            yield unpack(i, done)
    finally:
        bar.close()


def _in_a_forked_process(jobs: list[tuple[str, str]], index: list[int], overrides: str | None,
                         boundaries: str | None) -> Iterator[tuple[int, tuple[dict[str, float], bytes]]]:
    """The per-document stages of a few documents in one process forked from this one, which
    holds the cached plans of a rebuild: the reference data and extraction rules those documents
    need are loaded there and freed with it, not loaded beside every cached plan in this process.
    A document whose process died is done here.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from planmap.distributed import frozen_for_fork
    from planmap.pipeline import document_task

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        with frozen_for_fork(True):  # the process is forked at the first submit
            futures = [pool.submit(document_task, path, pid, overrides, boundaries) for path, pid in jobs]
        for i, (path, pid), future in zip(index, jobs, futures, strict=True):
            try:
                done = future.result()
            except BrokenProcessPool:
                done = document_task(path, pid, overrides, boundaries)
            yield i, done


class _Progress:
    """Documents done out of all documents, on a terminal; silent otherwise."""

    def __init__(self, show: bool, done: int, total: int) -> None:
        self._bar: Any = None
        self._show, self._done, self._total = show and sys.stderr.isatty(), done, total

    def advance(self) -> None:
        # started at the first finished document: its refresh thread must not exist yet when
        # the Dask workers are forked (see planmap.distributed)
        if self._show and self._bar is None:
            from rich.progress import Progress

            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task("documents", total=self._total, completed=self._done)
            self._show = False
        if self._bar is not None:
            self._bar.advance(self._task)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# ---------------------------------------------------------------- outputs

def _frames(entries: list[tuple[DocumentResult, str | None]], folder: Callable[[], Path],
            now: bool) -> Any:
    """Every plan's projects in one frame (registry ids added by the caller): the frames the
    results hold, else each read back from the plan's cache entry in ``folder()``. ``now``:
    the frame itself; else a function making it when called.
    """
    from planmap import cache as result_cache
    from planmap.pipeline import concat_projects

    def make() -> gpd.GeoDataFrame:
        frames = []
        for r, key in entries:
            gdf = r.projects
            if gdf is None and key:
                hit = result_cache.load(folder(), key, r.path, r.plan_id)
                gdf = hit.projects if hit is not None else None
            if gdf is None:
                raise OutputError(f"{r.path}: its projects are no longer in the cache {folder()}")
            frames.append(gdf)
        return concat_projects(frames)

    return make() if now else make


def _assemble_join(good: list[DocumentResult], gaz: Any, boundaries: str | None,
                   frames: Any) -> tuple[Joined, dict[str, str], Any]:
    """The run-wide tables from the plans' cached pieces: the county layer of every province
    touched, the registry (matched across plans) and the region table; and all projects
    (``frames``: the frame, or a function making it, to which the registry ids are added).
    The Joined holds the projects only when ``frames`` is a frame; the third value is the
    frame or the function.
    """
    import heapq

    from planmap.join.regions import county_layer
    from planmap.join.registry import registry_of
    from planmap.output.assemble import region_rows
    from planmap.pipeline import Joined, empty_projects

    pieces = [r.pieces for r in good if r.pieces is not None]
    counties = county_layer(set().union(*(p.provinces for p in pieces)), gaz, boundaries)
    by_id, registry = registry_of(list(heapq.merge(*(p.registry for p in pieces), key=lambda m: m[0])))
    regions = region_rows(pieces, gaz)

    def with_ids(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        gdf["registry_id"] = gdf["id"].map(by_id) if len(gdf) else []
        return gdf

    if callable(frames):
        return Joined(empty_projects(), counties, registry, regions), by_id, lambda: with_ids(frames())
    gdf = with_ids(frames)
    return Joined(gdf, counties, registry, regions), by_id, gdf


def _write_assembled(out: Path, good: list[DocumentResult], joined: Any, registry_ids: dict[str, str],
                     all_projects: Any) -> tuple[list[Path], dict[str, str]]:
    """The export files, concatenated from the plans' pieces; from the whole frame when the
    plans' rows cannot simply be concatenated (see :func:`planmap.output.assemble.consistent`).
    """
    from planmap.output.assemble import assemble, consistent, write_exports

    pieces = [r.pieces for r in good if r.pieces is not None]
    plans = {r.plan_id: r.plan for r in good if r.plan is not None}
    if not sum(p.n for p in pieces) or not consistent(pieces):
        if callable(all_projects):
            joined.projects = all_projects()
        return _write_exports(out, list(plans.values()), joined)
    bad: dict[str, str] = {}

    def failed(plan_id: str, exc: BaseException) -> None:
        bad[plan_id] = _line(plans[plan_id], exc, "writing its GeoJSON")

    files = write_exports(out, assemble(pieces, registry_ids), joined.counties, joined.regions, joined.registry,
                          failed)
    return files, bad


#: where an output set records what its export files were made from (beside the maps' keys)
EXPORTS_RECORD = "exports.json"


def _exports_key(entries: list[tuple[DocumentResult, str | None]], boundaries: str | None) -> str | None:
    """What the export files are made from: the plans' cache entries in order (each names the
    document's bytes, file name, plan id, overrides and boundaries under planmap's code and
    reference data) and the county boundaries. None when a plan has no entry.
    """
    import hashlib
    import json

    from planmap.cache import code_and_data_version

    if any(key is None for _, key in entries):
        return None
    h = hashlib.sha256(code_and_data_version().encode())
    h.update(json.dumps([boundaries or os.environ.get("PLANMAP_BOUNDARIES", "simplified"),
                         [[r.plan_id, Path(r.path).name, key] for r, key in entries]]).encode())
    return h.hexdigest()


def _reuse_exports(previous: Path | None, staging: Path, key: str | None) -> list[Path] | None:
    """The previous output set's export files, linked into the new set, when they were made
    from what this build's would be (``key``); None when they must be written.
    """
    import json

    from planmap.cache import FOLDER, reuse

    if previous is None or key is None:
        return None
    try:
        record = json.loads((previous / FOLDER / EXPORTS_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = record.get("files") if isinstance(record, dict) and record.get("key") == key else None
    if not isinstance(files, dict) or any(_stamp(previous / rel) != stamp for rel, stamp in files.items()):
        return None  # a file of the set is gone or was changed since: the set is written again
    return [reuse(previous / rel, staging / rel) for rel in files]


def _stamp(path: Path) -> list[object] | None:
    """A file's size and SHA-256 (what the record holds: the same for the same outputs, unlike a
    modification time); None when it is not a file.
    """
    from planmap.cache import file_digest

    try:
        return [path.stat().st_size, file_digest(path)] if path.is_file() else None
    except OSError:
        return None


def _record_exports(staging: Path, key: str, files: list[Path]) -> None:
    import json

    from planmap.atomic import write_text
    from planmap.cache import FOLDER

    stamps = {f.relative_to(staging).as_posix(): _stamp(f) for f in files}  # in the order written
    write_text(staging / FOLDER / EXPORTS_RECORD, json.dumps({"key": key, "files": stamps}, indent=0) + "\n")


def _write_exports(out: Path, plans: list[Plan], joined: Any) -> tuple[list[Path], dict[str, str]]:
    from planmap.columns import REGION_COLUMNS, REGISTRY_COLUMNS
    from planmap.output.export import write_csv, write_geojson, write_geoparquet, write_gpkg, write_rows_csv

    data = out / "data"
    gdf = joined.projects
    files: list[Path] = []
    bad: dict[str, str] = {}
    for plan in plans:
        try:
            files.append(write_geojson(gdf[gdf["plan"] == plan.id], data / "plans" / f"{plan.id}.geojson"))
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - one plan must not sink the others
            bad[plan.id] = _line(plan, exc, "writing its GeoJSON")
    files.append(write_geojson(gdf, data / "projects.geojson"))
    files.append(write_gpkg(gdf, joined.counties, data / "projects.gpkg", regions=joined.regions, plans=plans))
    files.append(write_geoparquet(gdf, data / "projects.parquet"))
    files.append(write_csv(gdf, data / "projects.csv"))
    files.append(write_rows_csv(joined.registry, list(REGISTRY_COLUMNS), data / "registry.csv"))
    files.append(write_rows_csv(joined.regions, list(REGION_COLUMNS), data / "regions.csv"))
    return files, bad


def _line(plan: Plan, exc: BaseException, what: str) -> str:
    text = " ".join(str(exc).split())
    return f"{plan.path}: {type(exc).__name__}: {text} (while {what})"


def _start_maps(out: Path, plans: list[Plan], joined: Any, tiles: str, offline: bool,
                previous: Path | None = None, boundaries: str | None = None,
                processes: int = 1) -> tuple[_PageDrawing, Callable[[], tuple[list[Path], dict[str, str]]]]:
    """Start the plan maps, region maps and index: the pages being drawn, and a function that
    finishes them and gives the files written and the plans whose map failed.

    A page whose inputs (projects, counties, title, tiles, planmap's code and assets) are those
    of the page in the ``previous`` output set is taken from there instead of being drawn again,
    so an unchanged rebuild is quick. Pages to draw are shared among ``processes`` forked
    processes where that is possible (:class:`_PageDrawing`), which start drawing at once, so
    this process can do other work before calling the function returned.

    Every page's rows are found through indexes made once (projects by plan and by region,
    counties by code and city) and keyed by per-row digests made once, so keying thousands of
    pages costs little more than keying one.
    """
    import json
    from collections import Counter
    from functools import partial

    from planmap.cache import FOLDER, map_key, reuse, row_digests
    from planmap.output.render import RegionIndex, render_plan_map, render_region_map
    from planmap.pipeline import touched_codes

    keys_file = Path(FOLDER) / "maps.json"
    try:
        old_keys = json.loads((previous / keys_file).read_text(encoding="utf-8")) if previous else {}
    except (OSError, ValueError):
        old_keys = {}
    new_keys: dict[str, str] = {}

    gdf, counties = joined.projects, joined.counties
    digests = row_digests(gdf)
    n = len(gdf)
    plan_of = gdf["plan"].astype(str).tolist() if n else []
    found = gdf["county_adcodes"].tolist() if n and "county_adcodes" in gdf else [None] * n
    city_of = gdf["city_adcode"].tolist() if n and "city_adcode" in gdf else [None] * n
    category = gdf["category"].tolist() if n and "category" in gdf else [None] * n
    rows_of: dict[str, list[int]] = {}
    for i, plan_id in enumerate(plan_of):
        rows_of.setdefault(plan_id, []).append(i)
    county_code = counties["adcode"].astype(str).tolist() if len(counties) else []
    county_city = counties["city_adcode"].astype(str).tolist() if len(counties) and "city_adcode" in counties \
        else [""] * len(county_code)
    by_code: dict[str, list[int]] = {}
    by_city: dict[str, list[int]] = {}
    for j, (code, city) in enumerate(zip(county_code, county_city, strict=True)):
        by_code.setdefault(code, []).append(j)
        by_city.setdefault(city, []).append(j)

    def shown(codes: Iterable[str], cities: Iterable[str]) -> list[int]:
        return sorted({j for c in codes for j in by_code.get(c, ())} | {j for c in cities for j in by_city.get(c, ())})

    regions = RegionIndex(gdf)
    pages: list[tuple[str, str, Callable[[gpd.GeoDataFrame], Path]]] = []  # (rel, key, draw from the projects)
    weights: list[int] = []  # rows and counties a page shows: what drawing it costs
    plan_pages: dict[str, str] = {}  # plan id -> rel
    plan_rows = []
    for plan in plans:
        rows = rows_of.get(plan.id, [])
        touched = shown(*touched_codes([found[i] for i in rows], [city_of[i] for i in rows]))
        rel = f"plans/{plan.id}.html"
        key = map_key("plan", rel, plan.title, plan.issuer, plan.date, plan.doc_number, Path(str(plan.path)).name, tiles,
                      offline, boundaries, sorted(county_code[j] for j in touched), rows=([digests[i] for i in rows],))
        draw = partial(_draw_plan_map, render_plan_map, counties, rows, touched, plan, out / rel, tiles, offline)
        pages.append((rel, key, draw))
        weights.append(len(rows) + len(touched))
        plan_pages[plan.id] = rel
        counts = Counter(c for c in (category[i] for i in rows) if isinstance(c, str))
        plan_rows.append({"id": plan.id, "title": plan.title or plan.id, "counts": dict(sorted(counts.items()))})
    region_rows = []
    for r in joined.regions:
        code = str(r["adcode"])
        mine = regions.positions(code, r["level"])
        there = sorted(by_city.get(code, [])) if r["level"] == "city" else sorted(by_code.get(code, []))
        rel = f"regions/{r['adcode']}.html"
        key = map_key("region", rel, r["name"], r["level"], tiles, offline, boundaries,
                      sorted(county_code[j] for j in there), rows=([digests[i] for i in mine],))
        draw = partial(_draw_region_map, render_region_map, counties, mine, there, r, out / rel, tiles, offline)
        pages.append((rel, key, draw))
        weights.append(len(mine) + len(there))
        region_rows.append({"adcode": r["adcode"], "name": r["name"], "level": r["level"], "counts": r["counts"]})

    files: list[Path] = []
    todo: list[int] = []
    for k, (rel, key, _draw) in enumerate(pages):
        new_keys[rel] = key
        if previous is not None and old_keys.get(rel) == key and (previous / rel).is_file():
            files.append(reuse(previous / rel, out / rel))
        else:
            todo.append(k)
    # the largest pages first, so the drawing processes end together (each page is written to
    # its own file: the order changes no output)
    todo.sort(key=lambda k: -weights[k])
    plain = _plain_strings(gdf) if todo else gdf  # the pages take rows of it thousands of times
    drawing = _PageDrawing([partial(pages[k][2], plain) for k in todo], processes)
    return drawing, partial(_finish_maps, out, plans, pages, todo, drawing, files, new_keys, plan_pages, plan_rows,
                   region_rows, keys_file)


def _finish_maps(out: Path, plans: list[Plan], pages: list[tuple[str, str, Any]], todo: list[int],
                 drawing: _PageDrawing, files: list[Path], new_keys: dict[str, str], plan_pages: dict[str, str],
                 plan_rows: list[dict], region_rows: list[dict], keys_file: Path) -> tuple[list[Path], dict[str, str]]:
    import json

    from planmap.atomic import write_text
    from planmap.output.render import render_index

    errors = drawing.result()
    failed: set[str] = set()
    bad: dict[str, str] = {}
    plan_by_rel = {rel: plan for plan in plans for rel in (plan_pages[plan.id],)}
    for k, exc in zip(todo, errors, strict=True):
        rel = pages[k][0]
        if exc is None:
            files.append(out / rel)
            continue
        failed.add(rel)
        if rel in plan_by_rel:
            bad[plan_by_rel[rel].id] = _line(plan_by_rel[rel], exc, "drawing its map")
        else:
            print(f"warning: region map {rel}: {type(exc).__name__}: {exc}", file=sys.stderr)
    plan_rows = [row for row in plan_rows if plan_pages[str(row["id"])] not in failed]
    region_rows = [row for row in region_rows if f"regions/{row['adcode']}.html" not in failed]
    write_text(out / keys_file, json.dumps(dict(sorted(new_keys.items())), indent=0) + "\n")
    files.append(render_index(plan_rows, region_rows, out / "index.html"))
    return sorted(files), bad


def _plain_strings(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with its Arrow-backed text columns as plain object columns: the same values
    (missing ones too), but taking a few rows of an object column costs microseconds, of an
    Arrow column a tenth of a millisecond, and a page takes every column.
    """
    import pandas as pd

    text = {c: object for c in gdf.columns if isinstance(gdf[c].dtype, pd.StringDtype)}
    return gdf.astype(text) if text else gdf


def _draw_plan_map(render: Callable[..., Path], counties: gpd.GeoDataFrame, rows: list[int], touched: list[int],
                   plan: Plan, path: Path, tiles: str, offline: bool, gdf: gpd.GeoDataFrame) -> Path:
    sub = gdf.take(rows) if len(gdf) else gdf
    return render(sub, counties.take(touched).reset_index(drop=True), plan.id, plan.title or plan.id, path,
                  tiles=tiles, offline=offline, plan=plan)


def _draw_region_map(render: Callable[..., Path], counties: gpd.GeoDataFrame, rows: list[int], there: list[int],
                     region: dict, path: Path, tiles: str, offline: bool, gdf: gpd.GeoDataFrame) -> Path:
    return render(gdf.take(rows), counties.take(there), region["adcode"], region["name"], region["level"], path,
                  tiles=tiles, offline=offline)


#: fewer pages to draw than this are drawn in this process: forking would cost more
MIN_PAGES_FOR_PROCESSES = 16
#: the pages a drawing process draws: set just before the processes are forked, so they inherit
#: them (and every frame they use) without pickling
_PAGES: list[Callable[[], Path]] = []


def _draw_share(chunk: range) -> list[tuple[int, BaseException | None]]:
    """Draw some of :data:`_PAGES` (in a forked process); each page's error, if any, comes back."""
    import pickle

    from planmap.collector import now_and_then

    done: list[tuple[int, BaseException | None]] = []
    for k in chunk:
        error: BaseException | None = None
        try:
            _PAGES[k]()
        except Exception as exc:  # noqa: BLE001 - one page must not sink the others; OSError included
            error = exc
            try:
                pickle.dumps(exc)
            except Exception:  # noqa: BLE001 - an exception that cannot travel travels as its text
                error = RuntimeError(f"{type(exc).__name__}: {exc}")
        done.append((k, error))
        now_and_then()
    return done


class _PageDrawing:
    """Pages being drawn. With ``processes`` > 1 on Linux they are shared among that many
    processes forked from this one at once, which inherit the projects and counties instead of
    receiving them; :meth:`result` waits for them. Otherwise :meth:`result` draws them here.
    A page is drawn from the same inputs wherever it is drawn, so the pages do not depend on
    how many processes drew them.
    """

    def __init__(self, draws: list[Callable[[], Path]], processes: int) -> None:
        from planmap.distributed import fork_available

        self._draws = draws
        self._pool: Any = None
        self._futures: list[Any] = []
        if processes > 1 and len(draws) >= MIN_PAGES_FOR_PROCESSES and fork_available():
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from planmap.distributed import frozen_for_fork

            global _PAGES
            _PAGES = draws
            step = max(1, min(16, len(draws) // (processes * 8)))
            # fork: the processes start here, from this thread, before the pool's own thread
            with frozen_for_fork(True):
                self._pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
                self._futures = [self._pool.submit(_draw_share, range(a, min(a + step, len(draws))))
                                 for a in range(0, len(draws), step)]

    def cancel(self) -> None:
        """Stop drawing (the build failed): pages not started are dropped, the processes end."""
        global _PAGES
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._futures, self._draws = [], []
        _PAGES = []

    def result(self) -> list[BaseException | None]:
        """Each page's error (None when drawn). An OSError (the output folder) is raised. Pages
        whose process died (out of memory?) are drawn here.
        """
        from concurrent.futures.process import BrokenProcessPool

        global _PAGES
        errors: list[BaseException | None] = [None] * len(self._draws)
        left = set(range(len(self._draws)))
        try:
            for future in self._futures:
                try:
                    done = future.result()
                except BrokenProcessPool:
                    continue
                for k, exc in done:
                    errors[k] = exc
                    left.discard(k)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
            _PAGES = []
        for k in sorted(left):
            try:
                self._draws[k]()
            except OSError:
                raise
            except Exception as exc:  # noqa: BLE001 - one page must not sink the others
                errors[k] = exc
        for error in errors:
            if isinstance(error, OSError):
                raise error
        return errors


# ---------------------------------------------------------------- the command

def run_build(docs: Sequence[str | Path], out: Path, *, tiles: str = "osm", offline: bool = False,
              overrides: str | None = None, progress: bool = True, boundaries: str | None = None,
              workers: int | None = 1, scheduler: str | None = None, cache: bool = True,
              include: Sequence[str] = (), exclude: Sequence[str] = (), verbose: bool = False) -> int:
    """The ``planmap build`` command: build, print a summary, return the exit code.

    0: every document built; 1: nothing built (or the outputs could not be written);
    2: a usage error (bad option, unreadable overrides, unusable output folder), found before
    any work; 3: some documents failed (each named on stderr), the others were built.
    """
    from planmap.collector import CollectorPaused

    try:
        with CollectorPaused() as collect_now_and_then:
            result = build(docs, out, tiles=tiles, offline=offline, overrides=overrides, progress=progress,
                           boundaries=boundaries, workers=workers, scheduler=scheduler, cache=cache,
                           include=include, exclude=exclude, on_document=collect_now_and_then)
    except UsageError as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except BuildError as exc:
        for _path, msg in exc.failures:
            print(f"error: {printable(msg)}", file=sys.stderr)
        print(f"error: nothing could be built ({len(exc.failures)} documents failed)" if exc.failures
              else f"error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except PlanmapError as exc:  # OutputError and the others: nothing was switched in
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 1
    if verbose:
        for p in result.skipped:
            print(f"skipped (not a document): {printable(str(p))}", file=sys.stderr)
    if progress and len(result.plans) <= 50:  # -q: the one-line summary only (rich is not even imported)
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"planmap build -> {out}")
        for col in ("plan", "title", "projects", "exact/approx", "town", "county", "city+", "home region"):
            table.add_column(col)
        for plan in result.plans:
            sub = result.projects[result.projects["plan"] == plan.id]
            prec = sub["precision"].value_counts()
            table.add_row(plan.id, (plan.title or "")[:28], str(len(sub)),
                          str(int(prec.get("exact", 0) + prec.get("approx", 0))), str(int(prec.get("town", 0))),
                          str(int(prec.get("county", 0))), str(int(prec.get("city", 0) + prec.get("province", 0))),
                          f"{plan.home_region.name} {plan.home_region.adcode}" if plan.home_region else "?")
        Console(stderr=False).print(table)
    # plain print: one line whatever the width, and a file name's [brackets] are not markup
    print(f"{len(result.plans)} plans ({result.cached} from the cache), {result.project_count} projects, "
          f"{sum(1 for r in result.regions if r['level'] == 'county')} counties, "
          f"{sum(1 for r in result.regions if r['level'] == 'city')} cities; "
          f"index: {printable(str(out / 'index.html'))}")
    for _path, msg in result.failures:
        print(f"error: {printable(msg)}", file=sys.stderr)
    return 3 if result.failures else 0


def printable(text: str) -> str:
    """One terminal line: control and bidi characters of file names or document text shown escaped."""
    return "".join(c if c.isprintable() and not 0x202A <= ord(c) <= 0x202E and not 0x2066 <= ord(c) <= 0x2069
                   else c.encode("unicode_escape").decode("ascii") for c in text)
