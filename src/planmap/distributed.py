"""The per-document stages on Dask: a LocalCluster of worker processes, or an existing cluster.

Dask schedules, moves results and survives a worker dying; planmap only says what to run.
Each worker process keeps one geocoder (gazetteer and feature index) for all the documents it
is given (:func:`planmap.pipeline.geocoder_for`), so the reference data loads once per worker.
On Linux a LocalCluster's workers are forked from this process after it has loaded the modules and
reference data every document needs (gazetteer, place-name index, county polygons), so they share
them copy-on-write instead of each spending seconds of CPU loading them again; elsewhere they are
spawned. Either way each then warms up on the bundled sample plan.
The workers' statistical profiler is off, and their event-loop checks (health tick, system and
memory monitors) run seldom: they cost CPU beside the documents and nobody reads them.
Documents go to the workers in small batches, the largest first (one Dask task per batch: the
scheduler's and client's work in the build's process is per task), and come back as batches
finish, so progress counts finished documents. A document's result does not depend on the
worker that made it, so 1 and N workers give the same outputs.
"""
from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterator

from planmap.errors import UsageError


class ClusterUnavailable(Exception):
    """A LocalCluster could not start (no local networking, no process spawning); nothing ran on it."""


def _warm(overrides: str | None, boundaries: str | None = None) -> bool:
    """Load the reference data and the extraction rules on a worker before its first document,
    by running the bundled sample plan through the per-document stages (result discarded).
    """
    from planmap.paths import sample_plan
    from planmap.pipeline import process_document

    process_document(sample_plan(), "warm-up", overrides, join=True, boundaries=boundaries)
    return True


def fork_available() -> bool:
    """Whether LocalCluster workers can be forked from this process (Linux, not macOS or Windows,
    where fork is unsafe or missing).
    """
    import multiprocessing
    import sys

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def preload(overrides: str | None, boundaries: str | None = None) -> None:
    """Load, in this process, what every document task reads and the build's assembly needs
    anyway: the modules of the per-document stages, the gazetteer, the extraction's place-name
    index and, with the shipped boundaries, the county polygons of every province. Forked workers
    then find them loaded. What the warm-up (:func:`_warm`) loads besides (word index, towns,
    the sample plan's province, about 90 MB) is loaded by each worker, not here: this process
    also holds every plan's pieces, and it stays under 1 GB on 10,000 documents that way.
    """
    import planmap.extract.projects  # noqa: F401 - imported once, here, for every worker
    import planmap.output.assemble  # noqa: F401
    import planmap.place.geocode  # noqa: F401
    import planmap.plan  # noqa: F401
    from planmap.pipeline import geocoder_for, places_for

    places_for(overrides)
    if (boundaries or os.environ.get("PLANMAP_BOUNDARIES", "simplified")) == "simplified":
        from planmap.join.regions import county_layer

        gaz = geocoder_for(overrides).gaz
        county_layer([p.stem for p in (gaz.folder / "boundaries").glob("[0-9]*.parquet")], gaz, boundaries)


def cluster_config(fork: bool) -> dict[str, object]:
    """The Dask settings of a LocalCluster started by a build: workers forked (``fork``) or
    spawned, no worker profiler, and the periodic checks of each process's event loop (every
    20 to 500 ms by default, each taking the GIL from the document the worker runs)
    made every few seconds: a local build's tasks are documents of a second or less, nothing
    is spilled, and a worker that dies is still noticed by its nanny at once.
    """
    return {"distributed.worker.multiprocessing-method": "fork" if fork else "spawn",
            "distributed.worker.profile.enabled": False,
            "distributed.admin.tick.interval": "2s",
            "distributed.admin.system-monitor.interval": "5s",
            "distributed.admin.system-monitor.gil.enabled": False,
            "distributed.worker.memory.monitor-interval": "2s",
            "distributed.scheduler.work-stealing": False}


#: the most documents in one Dask task, and the share of all the documents' bytes a batch may
#: hold beyond its first document: about 16 batches a worker, so they still spread evenly and
#: progress moves in small steps
MAX_BATCH = 8
BATCHES_PER_WORKER = 16


def batches(sizes: list[int], workers: int) -> list[list[int]]:
    """The positions of the documents (``sizes``: their bytes) in batches, in order of size,
    the largest first, so the last batches are the quickest and the workers finish together.
    A batch holds up to MAX_BATCH documents and, past its first, no more than its share of
    the bytes: a long document goes alone, short ones together. Equal sizes keep their order.
    """
    order = sorted(range(len(sizes)), key=lambda k: -sizes[k])
    share = sum(sizes) / (max(1, workers) * BATCHES_PER_WORKER)
    out: list[list[int]] = []
    held = 0
    for k in order:
        if out and len(out[-1]) < MAX_BATCH and held + sizes[k] <= share:
            out[-1].append(k)
            held += sizes[k]
        else:
            out.append([k])
            held = sizes[k]
    return out


def documents_task(jobs: list[tuple[str, str]], overrides: str | None,
                   boundaries: str | None) -> list[tuple[dict[str, float], bytes]]:
    """:func:`planmap.pipeline.document_task` for each (path, plan id) of a batch, on a worker."""
    from planmap.collector import now_and_then
    from planmap.pipeline import document_task

    done = []
    for path, pid in jobs:
        done.append(document_task(path, pid, overrides, boundaries))
        now_and_then()
    return done


#: how the last LocalCluster of this process started its workers ("fork" or "spawn") and whether
#: each worker already held the reference data before its warm-up (forked workers do)
last_cluster: dict[str, object] = {}


class frozen_for_fork:
    """Python's collector told to leave the objects of this process alone while processes are
    forked from it (``fork``; nothing otherwise). A forked process collects (see
    :mod:`planmap.collector`); without this its collections walk every object
    it inherited (the reference data, the plans: about 0.4 CPU seconds on the corpus) and copy
    the shared pages they mark. The objects are given back to the collector on leaving.
    """

    def __init__(self, fork: bool) -> None:
        self._fork = fork

    def __enter__(self) -> None:
        import gc

        if self._fork:
            gc.freeze()

    def __exit__(self, *exc: object) -> None:
        import gc

        if self._fork:
            gc.unfreeze()


def _holds_reference_data() -> bool:
    from planmap import pipeline

    return bool(pipeline._GEOCODERS) and bool(pipeline._PLACES)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def run_on_dask(jobs: list[tuple[str, str]], index: list[int], overrides: str | None, workers: int,
                scheduler: str | None, boundaries: str | None = None,
                ) -> Iterator[tuple[int, tuple[dict[str, float], bytes] | str]]:
    """Yield (index, what :func:`planmap.pipeline.document_task` returned) for each (path, plan id)
    job as workers finish them; a one-line error instead when the task itself was lost.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - a declared dependency
        raise UsageError('--workers/--scheduler need Dask: pip install "dask[distributed]"') from None

    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker",
                 "distributed.core", "distributed.http.proxy"):
        logging.getLogger(name).setLevel(logging.ERROR)  # the run reports its own progress and errors
    cluster = None
    fork = False
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            import dask

            # Fork only while no other Python thread of this process runs (none can hold a lock
            # across the fork; the thread pools of OpenBLAS and Arrow reset themselves in a
            # forked child): the cluster, its event loop and the client are started just below,
            # so a build starts one cluster, first thing. A worker the nanny restarts later is
            # forked from the nanny's event-loop thread, as Dask's own fork method does.
            fork = fork_available() and threading.active_count() == 1
            if fork:
                preload(overrides, boundaries)
            with dask.config.set(cluster_config(fork)), frozen_for_fork(fork):
                cluster = LocalCluster(n_workers=max(1, min(workers, len(jobs))), threads_per_worker=1,
                                       processes=True, dashboard_address=None, host="127.0.0.1")
                client = Client(cluster)
    except Exception as exc:  # noqa: BLE001 - Dask wraps socket and spawn failures in several types
        if cluster is not None:
            cluster.close()
        if scheduler:
            raise UsageError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        raise ClusterUnavailable(f"cannot start Dask workers ({' '.join(str(exc).split())})") from None
    try:
        if cluster is not None:
            last_cluster.clear()
            last_cluster.update(start="fork" if fork else "spawn",
                                preloaded=sorted(client.run(_holds_reference_data).values()))
        client.run(_warm, overrides, boundaries)
        run = uuid.uuid4().hex[:12]  # keys unique even when several builds share a scheduler
        threads = sum(client.nthreads().values()) or workers
        futures = []
        where = {}
        parts = batches([_size(path) for path, _ in jobs], threads)
        for b, part in enumerate(parts):
            # the largest documents first, so no worker is left alone with a long one at the end
            fut = client.submit(documents_task, [jobs[k] for k in part], overrides, boundaries,
                                key=f"planmap-docs-{run}-{b}", priority=len(parts) - b)
            futures.append(fut)
            where[fut.key] = part
        done = as_completed(futures)
        futures.clear()  # only the iterator holds a batch's future, and only until it is done
        for fut in done:
            part = where.pop(fut.key)
            try:
                results: list[tuple[dict[str, float], bytes]] = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker died or the result did not travel
                if len(part) > 1:  # each document again on its own, so one bad document sinks only itself
                    for k in part:
                        alone = client.submit(documents_task, [jobs[k]], overrides, boundaries,
                                              key=f"planmap-doc-{run}-{k}", priority=len(parts) + 1)
                        where[alone.key] = [k]
                        done.add(alone)
                else:
                    yield index[part[0]], f"{jobs[part[0]][0]}: {type(exc).__name__}: {exc} (on a Dask worker)"
            else:
                for k, result in zip(part, results, strict=True):
                    yield index[k], result
            fut.release()
            del fut
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

