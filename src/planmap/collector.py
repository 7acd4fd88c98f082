"""Python's cyclic garbage collector during ``planmap build``: paused, collecting now and then.

A build is a burst of allocation (the reference data, then frames and pages) that leaves
little cyclic garbage, some tens of objects a document. The collector's passes over the
growing heap cost a cold build of a few documents a tenth of its time, and a Dask worker's
passes over what it allocates cost the per-document stage about 5 % of its CPU. So the command
pauses the collector, and the processes it forks (local Dask workers, page-drawing processes)
inherit the pause; every process collects after each COLLECT_EVERY documents it built or pages
it drew (:func:`now_and_then`), so garbage stays bounded however many documents a build has.
A forked process does not walk the objects it inherited: ``planmap.distributed.frozen_for_fork``.
"""
from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

#: with the collector paused, a full collection after this many documents built (or pages
#: drawn) in one process
COLLECT_EVERY = 500

_done = 0  # units of work done in this process since its last collection


def now_and_then(units: int = 1) -> None:
    """Count ``units`` of work done in this process and, while the collector is paused, collect
    after every COLLECT_EVERY of them. With the collector on, Python collects by itself.
    """
    global _done
    if gc.isenabled():
        return
    _done += units
    if _done >= COLLECT_EVERY:
        _done = 0
        gc.collect()


class CollectorPaused:
    """The command's build with the collector paused; entering gives the build's
    ``on_document``, which counts the documents done in this process (:func:`now_and_then`).
    Leaving gives the collector back as it was.
    """

    def __enter__(self) -> Callable[[Any], None]:
        self._was_on = gc.isenabled()
        gc.disable()
        return self._document_done

    @staticmethod
    def _document_done(_result: Any) -> None:
        now_and_then()

    def __exit__(self, *exc: object) -> None:
        if self._was_on:
            gc.enable()
