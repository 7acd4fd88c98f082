"""The per-document stages on Dask: a LocalCluster of worker processes, or an existing cluster.

Dask schedules, moves results and survives a worker dying; planmap only says what to run.
Each worker process keeps one geocoder (gazetteer and feature index) for all the documents it
is given (:func:`planmap.pipeline.geocoder_for`), so the reference data loads once per worker.
Results come back as they finish, so progress counts finished documents. A document's result
does not depend on the worker that made it, so 1 and N workers give the same outputs.
"""
from __future__ import annotations

import logging
import os
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
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
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

