"""Many plans: a two-worker Dask cluster gives the same outputs; rebuilds redo only what changed;
two builds in different folders and hash seeds are identical byte for byte.
"""
from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planmap.builder import build
from planmap.cache import FOLDER as CACHE_FOLDER
from planmap.cli import sample_plan

SRC = Path(__file__).resolve().parents[1] / "src"


def _tree(root: Path, skip: tuple[str, ...] = (CACHE_FOLDER,)) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not any(part in skip for part in p.relative_to(root).parts)}


def _differences(a: Path, b: Path) -> list[str]:
    ta, tb = _tree(a), _tree(b)
    return sorted(set(ta) ^ set(tb)) + sorted(k for k in set(ta) & set(tb) if ta[k] != tb[k])


def test_a_rebuild_does_its_few_changed_documents_in_a_forked_process(tmp_path, monkeypatch):
    # first in this module: the Dask tests below leave a thread in this process, and then nothing is forked
    import threading

    import planmap.distributed
    import planmap.pipeline

    if not planmap.distributed.fork_available() or threading.active_count() > 1:
        pytest.skip("a forked process is used on Linux, from a process running no other thread")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b"):
        shutil.copy(sample_plan(), docs / f"{name}.txt")
    first = build([docs], out=tmp_path / "out", maps=False)
    assert first.cached == 0
    where = tmp_path / "pids"
    real = planmap.pipeline.process_document

    def recording(*args, **kwargs):
        with open(where, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(planmap.pipeline, "process_document", recording)
    with open(docs / "b.txt", "a", encoding="utf-8") as fh:
        fh.write("\n建设铁岭县体育公园。\n")
    again = build([docs], out=tmp_path / "out", maps=False)
    assert again.cached == 1 and again.failures == []
    pids = where.read_text(encoding="utf-8").split()
    assert len(pids) == 1 and pids[0] != str(os.getpid())  # redone, but not in this process
    build([docs], out=tmp_path / "fresh", maps=False, cache=False)  # the same documents, all done here
    assert len(where.read_text(encoding="utf-8").split()) == 3
    assert _differences(tmp_path / "out" / "data", tmp_path / "fresh" / "data") == []


@pytest.mark.slow
@pytest.mark.seeds
@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_two_dask_workers_give_the_outputs_of_one(seeds_dir, tmp_path, capfd):
    seeds = sorted(seeds_dir.glob("*.txt"))
    assert len(seeds) >= 4  # enough documents for a cluster to be started
    finished: list[str] = []
    two = build(seeds, out=tmp_path / "two", maps=False, workers=2, cache=False,
                on_document=lambda r: finished.append(r.path))
    one = build(seeds, out=tmp_path / "one", maps=False, workers=1, cache=False)
    assert sorted(finished) == sorted(str(p) for p in seeds)  # progress counts every document as it finishes
    assert two.failures == one.failures == []
    assert len(two.projects) == len(one.projects) > 50
    assert "in this process" not in capfd.readouterr().err  # the cluster ran: no fallback to this process
    # GeoPackage files carry write timestamps: compare their layers
    assert [d for d in _differences(tmp_path / "one" / "data", tmp_path / "two" / "data")
            if not d.endswith(".gpkg")] == []
    import pyogrio

    for layer in ("projects_point", "projects_line", "projects_area", "counties"):
        a = pyogrio.read_dataframe(tmp_path / "one" / "data" / "projects.gpkg", layer=layer)
        b = pyogrio.read_dataframe(tmp_path / "two" / "data" / "projects.gpkg", layer=layer)
        assert a.equals(b), layer


def test_a_rebuild_redoes_only_new_or_changed_documents(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(sample_plan(), docs / f"{name}.txt")
    out = tmp_path / "out"
    redone: list[str] = []
    first = build([docs], out=out, maps=False, on_document=lambda r: redone.append(Path(r.path).name))
    assert sorted(redone) == ["a.txt", "b.txt", "c.txt"] and first.cached == 0
    before = {k: v for k, v in _tree(out).items() if not k.endswith(".gpkg")}  # GeoPackages carry timestamps

    redone.clear()
    again = build([docs], out=out, maps=False, on_document=lambda r: redone.append(Path(r.path).name))
    assert redone == [] and again.cached == 3
    assert {k: v for k, v in _tree(out).items() if not k.endswith(".gpkg")} == before  # same outputs

    with open(docs / "b.txt", "a", encoding="utf-8") as fh:
        fh.write("\n推进铁岭县腰堡镇康养基地二期建设。\n")
    (docs / "c.txt").unlink()
    (docs / "d.txt").write_text(sample_plan().read_text(encoding="utf-8") + "\n建设铁岭县体育公园。\n", encoding="utf-8")
    redone.clear()
    third = build([docs], out=out, maps=False, on_document=lambda r: redone.append(Path(r.path).name))
    assert sorted(redone) == ["b.txt", "d.txt"] and third.cached == 1
    assert sorted(p.name for p in (out / "data" / "plans").iterdir()) == ["a.geojson", "b.geojson", "d.geojson"]
    entries = sorted((out / CACHE_FOLDER).rglob("*.pickle"))
    assert len(entries) == 3  # the entry of the vanished c.txt (and of b's old bytes) is gone

    redone.clear()
    build([docs], out=out, maps=False, cache=False, on_document=lambda r: redone.append(Path(r.path).name))
    assert sorted(redone) == ["a.txt", "b.txt", "d.txt"]  # --no-cache redoes everything


def test_the_cache_can_live_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    build([sample_plan()], out=tmp_path / "out1", maps=False)
    again = build([sample_plan()], out=tmp_path / "out2", maps=False)
    assert again.cached == 1
    assert not (tmp_path / "out2" / CACHE_FOLDER).exists()
    assert list((tmp_path / "cache" / "results").rglob("*.pickle"))


def _build_in_subprocess(seeds: Path, out: Path, cwd: Path, hashseed: str) -> None:
    cwd.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONHASHSEED": hashseed, "PYTHONPATH": str(SRC)}
    env.pop("PLANMAP_CACHE", None)
    proc = subprocess.run([sys.executable, "-m", "planmap.cli", "build", str(seeds), "--out", str(out), "-q",
                           "--workers", "1"], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def two_seed_builds(tmp_path_factory, seeds_folder):
    seeds = seeds_folder
    root = tmp_path_factory.mktemp("twice")
    _build_in_subprocess(seeds, root / "a" / "maps", root / "cwd-a", "1")
    _build_in_subprocess(seeds, root / "b" / "maps", root / "cwd-b" / "deeper", "4242")
    return root / "a" / "maps", root / "b" / "maps"


@pytest.mark.slow
@pytest.mark.seeds
def test_two_builds_of_the_seeds_have_identical_data(two_seed_builds):
    a, b = two_seed_builds
    assert len(_tree(a / "data")) >= 10
    assert [d for d in _differences(a / "data", b / "data") if not d.endswith(".gpkg")] == []


@pytest.mark.slow
@pytest.mark.seeds
def test_two_builds_of_the_seeds_are_identical_byte_for_byte(two_seed_builds):
    a, b = two_seed_builds
    ta, tb = _tree(a, skip=()), _tree(b, skip=())  # everything, the document cache included (diff -r)
    assert any(name.startswith(CACHE_FOLDER) for name in ta)
    differ = sorted(set(ta) ^ set(tb)) + sorted(k for k in set(ta) & set(tb) if ta[k] != tb[k])
    assert differ == [], filecmp.dircmp(a, b).report_full_closure()


@pytest.mark.slow
@pytest.mark.seeds
@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_an_existing_dask_cluster_runs_the_same_work(seeds_dir, tmp_path):
    from distributed import LocalCluster

    seeds = sorted(seeds_dir.glob("*.txt"))[:2]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        remote = build(seeds, out=tmp_path / "remote", maps=False, scheduler=cluster.scheduler_address, cache=False)
    here = build(seeds, out=tmp_path / "here", maps=False, workers=1, cache=False)
    assert remote.failures == here.failures == []
    assert [d for d in _differences(tmp_path / "here" / "data", tmp_path / "remote" / "data")
            if not d.endswith(".gpkg")] == []


def test_documents_go_to_the_workers_in_batches_largest_first():
    from planmap.distributed import MAX_BATCH, batches

    sizes = [50, 2, 1000, 3, 3, 1, 40, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 7, 600]
    parts = batches(sizes, 1)
    flat = [k for part in parts for k in part]
    assert sorted(flat) == list(range(len(sizes)))  # every document once
    assert [sizes[k] for k in flat] == sorted(sizes, reverse=True)  # the largest first
    assert parts[0] == [2] and parts[1] == [19]  # a long document goes alone
    assert all(len(part) <= MAX_BATCH for part in parts) and len(parts[-1]) > 1  # short ones together
    assert batches([], 2) == []


@pytest.mark.slow
@pytest.mark.seeds
@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_a_lost_batch_is_redone_a_document_at_a_time(seeds_dir, tmp_path, monkeypatch):
    from distributed import LocalCluster

    import planmap.distributed

    real = planmap.distributed.documents_task

    def loses_batches(jobs, overrides, boundaries):
        if len(jobs) > 1:
            raise RuntimeError("the batch's worker died")
        return real(jobs, overrides, boundaries)

    monkeypatch.setattr(planmap.distributed, "documents_task", loses_batches)
    monkeypatch.setattr(planmap.distributed, "BATCHES_PER_WORKER", 1)  # the seeds in a few batches
    seeds = sorted(seeds_dir.glob("*.txt"))
    assert len(planmap.distributed.batches([1] * len(seeds), 1)) < len(seeds)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        built = build(seeds, out=tmp_path / "out", maps=False, scheduler=cluster.scheduler_address, cache=False)
    assert built.failures == [] and len(built.plans) == len(seeds)


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_an_unreachable_scheduler_is_a_usage_error(tmp_path, capsys):
    from planmap.cli import main

    code = main(["build", str(sample_plan()), "--out", str(tmp_path / "out"), "-q", "--scheduler", "tcp://127.0.0.1:9"])
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 2
    assert len(err) == 1 and err[0].startswith("error: --scheduler tcp://127.0.0.1:9: cannot connect")
    assert not (tmp_path / "out").exists()


def test_an_unchanged_map_page_is_taken_from_the_previous_set(tmp_path):
    out = tmp_path / "out"
    first = build([sample_plan()], out=out)
    page = out / "plans" / f"{first.plans[0].id}.html"
    inode = page.stat().st_ino
    region_pages = {p.name: p.stat().st_ino for p in (out / "regions").iterdir()}
    build([sample_plan()], out=out)
    assert page.stat().st_ino == inode  # the same file, carried over rather than drawn again
    assert {p.name: p.stat().st_ino for p in (out / "regions").iterdir()} == region_pages
    build([sample_plan()], out=out, tiles="none")
    assert page.stat().st_ino != inode  # other tiles: drawn again
    inode = page.stat().st_ino
    build([sample_plan()], out=out, tiles="none", cache=False)
    assert page.stat().st_ino != inode


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_workers_are_forked_holding_the_reference_data_and_give_the_outputs_of_one(tmp_path, monkeypatch):
    import threading

    import planmap.builder
    import planmap.distributed

    if not planmap.distributed.fork_available():
        pytest.skip("workers are forked on Linux only")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b", "c", "d"):
        (docs / f"{name}.txt").write_text(sample_plan().read_text(encoding="utf-8") + f"\n建设{name}路。\n",
                                          encoding="utf-8")
    monkeypatch.setattr(planmap.builder, "MIN_PAGES_FOR_PROCESSES", 2)  # the few pages are drawn by processes too
    forked: list[int] = []
    real = planmap.builder._PageDrawing.__init__

    def counting(self, draws, processes):
        real(self, draws, processes)
        forked.append(len(self._futures))

    monkeypatch.setattr(planmap.builder._PageDrawing, "__init__", counting)
    planmap.distributed.last_cluster.clear()
    if threading.active_count() > 1:  # a thread of an earlier test still runs: the build must not fork
        two = build([docs], out=tmp_path / "two", workers=2, cache=False)
        assert planmap.distributed.last_cluster["start"] == "spawn"
    else:
        two = build([docs], out=tmp_path / "two", workers=2, cache=False)
        # loaded before the fork, so each worker held it before its warm-up
        assert planmap.distributed.last_cluster == {"start": "fork", "preloaded": [True, True]}
    assert forked and forked[0] > 0  # the map pages were drawn in forked processes
    one = build([docs], out=tmp_path / "one", workers=1, cache=False)
    assert two.failures == one.failures == []
    assert len(two.plans) == 4
    assert _differences(tmp_path / "one", tmp_path / "two") == []  # maps, exports and index, byte for byte


def test_pages_drawn_by_forked_processes_report_each_failure(tmp_path):
    from functools import partial

    import planmap.builder
    import planmap.distributed

    def page(i: int) -> Path:
        if i == 7:
            raise ValueError("no counties")
        path = tmp_path / f"{i}.html"
        path.write_text(f"page {i} drawn by {os.getpid()}", encoding="utf-8")
        return path

    draws = [partial(page, i) for i in range(40)]
    errors = planmap.builder._PageDrawing(draws, 2).result()
    assert [i for i, e in enumerate(errors) if e is not None] == [7]
    assert isinstance(errors[7], ValueError) and "no counties" in str(errors[7])
    written = {p.name for p in tmp_path.glob("*.html")}
    assert written == {f"{i}.html" for i in range(40) if i != 7}
    drawers = {p.read_text(encoding="utf-8").rsplit(" ", 1)[1] for p in tmp_path.glob("*.html")}
    if planmap.distributed.fork_available():
        assert str(os.getpid()) not in drawers  # drawn by the forked processes, not here
    assert planmap.builder._PAGES == []  # nothing left behind for a later fork


def test_a_page_failing_to_write_fails_the_build_output(tmp_path):
    from functools import partial

    import planmap.builder

    def page(i: int) -> Path:
        if i == 3:
            raise PermissionError(13, "Permission denied")
        return tmp_path / f"{i}.html"

    with pytest.raises(PermissionError):
        planmap.builder._PageDrawing([partial(page, i) for i in range(20)], 2).result()


def test_an_unchanged_rebuild_links_the_previous_exports(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b"):
        shutil.copy(sample_plan(), docs / f"{name}.txt")
    out = tmp_path / "out"
    build([docs], out=out, maps=False)
    inode = (out / "data" / "projects.gpkg").stat().st_ino
    build([docs], out=out, maps=False)
    assert (out / "data" / "projects.gpkg").stat().st_ino == inode  # linked, not written again
    (docs / "b.txt").rename(docs / "c.txt")  # another file name: the exports name it
    third = build([docs], out=out, maps=False)
    assert (out / "data" / "projects.gpkg").stat().st_ino != inode
    assert sorted(p.name for p in (out / "data" / "plans").iterdir()) == ["a.geojson", "c.geojson"]
    assert third.failures == []
    (out / "data" / "projects.csv").unlink()  # a file of the set is gone: the set is written again
    build([docs], out=out, maps=False)
    assert (out / "data" / "projects.csv").is_file()
    written = (out / "data" / "projects.csv").read_bytes()
    (out / "data" / "projects.csv").write_bytes(b"edited by hand\n")  # changed since: written again
    build([docs], out=out, maps=False)
    assert (out / "data" / "projects.csv").read_bytes() == written
