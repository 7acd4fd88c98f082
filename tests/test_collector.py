"""The collector policy of a build: paused in the build and in the processes it forks, which
collect after every COLLECT_EVERY documents or pages of their own."""
from __future__ import annotations

import gc
import os

import pytest

from planmap import collector
from planmap.paths import sample_plan


def _in_a_forked_child(work) -> int:
    """Run ``work`` (returning an exit code) in a child forked while the command's collector pause holds."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    with collector.CollectorPaused():
        pid = os.fork()
        if pid == 0:  # the child: a local Dask worker or page-drawing process forked from the build
            code = 99
            try:
                code = work()
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_worker_forked_during_the_command_keeps_the_pause_and_collects_every_few_documents(monkeypatch):
    from planmap.distributed import documents_task

    monkeypatch.setattr(collector, "COLLECT_EVERY", 2)
    monkeypatch.setattr(collector, "_done", 0)
    calls: list[int] = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or real(*a))

    def work() -> int:
        if gc.isenabled():
            return 1  # the pause was lost at the fork: the worker pays the collector's passes
        documents_task([(str(sample_plan()), "a")], None, None)
        if calls:
            return 2  # one document of two: too early
        documents_task([(str(sample_plan()), "b")], None, None)
        return 0 if len(calls) == 1 else 3

    assert _in_a_forked_child(work) == 0


def test_the_collector_left_on_by_the_caller_is_left_to_collect_by_itself(monkeypatch):
    monkeypatch.setattr(collector, "COLLECT_EVERY", 1)
    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or 0)
    assert gc.isenabled()
    collector.now_and_then()
    assert calls == []
    gc.disable()
    try:
        collector.now_and_then()
        assert calls == [1]
    finally:
        gc.enable()


def test_a_page_drawing_process_collects_every_few_pages(monkeypatch):
    from planmap import builder

    monkeypatch.setattr(collector, "COLLECT_EVERY", 3)
    monkeypatch.setattr(collector, "_done", 0)
    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or 0)
    monkeypatch.setattr(builder, "_PAGES", [lambda: None] * 7)
    gc.disable()
    try:
        done = builder._draw_share(range(7))
    finally:
        gc.enable()
    assert [k for k, _ in done] == list(range(7)) and len(calls) == 2  # after the 3rd and the 6th page
