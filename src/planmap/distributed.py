"""The per-document stages on Dask: a LocalCluster of worker processes, or an existing cluster.

Dask schedules, moves results and survives a worker dying; planmap only says what to run.
Each worker process keeps one geocoder (gazetteer and feature index) for all the documents it
is given (:func:`planmap.pipeline.geocoder_for`), so the reference data loads once per worker.
On Linux a LocalCluster's workers are forked from this process after it has loaded the modules and
reference data every document needs (gazetteer, place-name index, county polygons), so they share
them copy-on-write instead of each spending seconds of CPU loading them again; elsewhere they are
spawned. Either way each then warms up on the bundled sample plan.
The workers' statistical profiler is off: it costs CPU and nobody reads it.
Results come back as they finish, so progress counts finished documents. A document's result
does not depend on the worker that made it, so 1 and N workers give the same outputs.
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
    spawned, and no worker profiler.
    """
    return {"distributed.worker.multiprocessing-method": "fork" if fork else "spawn",
            "distributed.worker.profile.enabled": False}


#: how the last LocalCluster of this process started its workers ("fork" or "spawn") and whether
#: each worker already held the reference data before its warm-up (forked workers do)
last_cluster: dict[str, object] = {}


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

    from planmap.pipeline import document_task

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
            with dask.config.set(cluster_config(fork)):
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
        futures = []
        where = {}
        for i, (path, pid) in zip(index, jobs, strict=True):
            # the largest documents first, so no worker is left alone with a long one at the end
            fut = client.submit(document_task, path, pid, overrides, boundaries, key=f"planmap-doc-{run}-{i}",
                                priority=_size(path))
            futures.append(fut)
            where[fut.key] = (i, path, pid)
        done = as_completed(futures)
        futures.clear()  # only the iterator holds a document's future, and only until it is done
        for fut in done:
            i, path, pid = where.pop(fut.key)
            result: tuple[dict[str, float], bytes] | str
            try:
                result = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker died or the result did not travel
                result = f"{path}: {type(exc).__name__}: {exc} (on a Dask worker)"
            fut.release()
            del fut
            yield i, result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

