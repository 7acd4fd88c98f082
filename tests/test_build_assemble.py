"""Exports assembled from per-plan pieces are the files the whole-frame writers make; the
indexed registry matches as the all-pairs one did; a cached rebuild reads no document.
"""
from __future__ import annotations

import hashlib
import shutil

import pyogrio
import pytest
from pyproj import Geod

from planmap.builder import build
from planmap.cli import sample_plan
from planmap.join.registry import MAX_KM, Mention, registry_of
from planmap.output import export


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory):
    """The sample plan under two names, one with a sentence of its own: two plans sharing projects."""
    root = tmp_path_factory.mktemp("assemble")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(sample_plan(), docs / "a.txt")
    (docs / "b.txt").write_text(sample_plan().read_text(encoding="utf-8") + "\n推进铁岭县体育公园建设。\n",
                                encoding="utf-8")
    out = root / "out"
    return out, build([docs], out=out, maps=False, workers=1)


def test_assembled_exports_are_the_whole_frame_exports(two_plans, tmp_path):
    out, built = two_plans
    gdf = built.projects
    assert built.project_count == len(gdf) > 20 and set(gdf["plan"]) == {"a", "b"}
    shared = set(gdf[gdf["plan"] == "a"]["registry_id"]) & set(gdf[gdf["plan"] == "b"]["registry_id"])
    assert shared  # the same project in both plans is one registry entry: the ids crossed plans
    export.write_geojson(gdf, tmp_path / "projects.geojson")
    export.write_csv(gdf, tmp_path / "projects.csv")
    export.write_geoparquet(gdf, tmp_path / "projects.parquet")
    export.write_geojson(gdf[gdf["plan"] == "b"], tmp_path / "b.geojson")
    data = out / "data"
    for name in ("projects.geojson", "projects.csv", "projects.parquet"):
        assert (data / name).read_bytes() == (tmp_path / name).read_bytes(), name
    assert (data / "plans" / "b.geojson").read_bytes() == (tmp_path / "b.geojson").read_bytes()
    export.write_gpkg(gdf, built.counties, tmp_path / "projects.gpkg", regions=built.regions,
                      plans=built.plans)
    for layer in ("projects_point", "projects_line", "projects_area", "counties", "cities", "plans"):
        a = pyogrio.read_dataframe(data / "projects.gpkg", layer=layer)
        b = pyogrio.read_dataframe(tmp_path / "projects.gpkg", layer=layer)
        assert a.equals(b), layer


def test_region_table_is_the_sum_over_the_plans(two_plans):
    from planmap.join.regions import region_table

    _, built = two_plans
    assert built.regions == region_table(built.projects)


def test_a_cached_rebuild_reads_no_document_and_writes_the_same_files(two_plans, monkeypatch):
    out, _ = two_plans
    before = {p.relative_to(out): p.read_bytes() for p in (out / "data").rglob("*") if p.is_file() and p.suffix != ".gpkg"}
    import planmap.pipeline

    def no_reading(*args, **kwargs):
        raise AssertionError("a cached document was processed again")

    monkeypatch.setattr(planmap.pipeline, "process_document", no_reading)
    again = build([out.parent / "docs"], out=out, maps=False, workers=1)
    assert again.cached == 2
    assert {p.relative_to(out): p.read_bytes() for p in (out / "data").rglob("*") if p.is_file() and p.suffix != ".gpkg"} == before


def _all_pairs(mentions: list[Mention]) -> dict[str, str]:
    """The registry as first written: every project compared with every entry before it."""
    geod = Geod(ellps="WGS84")
    entries: list[dict] = []
    out = {}
    for pid, key, province, x, y, *_ in mentions:
        match = None
        for e in entries:
            same = e["key"] == key or (len(key) >= 3 and len(e["key"]) >= 3 and
                                       (e["key"].endswith(key) or key.endswith(e["key"])))
            if not same or e["province"] != province:
                continue
            if x is not None and e["x"] is not None and geod.inv(x, y, e["x"], e["y"])[2] / 1000 > MAX_KM:
                continue
            match = e
            break
        if match is None:
            match = {"key": key, "province": province, "x": x, "y": y,
                     "rid": "R" + hashlib.sha1(f"{province}|{key}".encode()).hexdigest()[:10]}
            entries.append(match)
        out[pid] = match["rid"]
    return out


def test_indexed_registry_matches_the_all_pairs_registry():
    import random

    rng = random.Random(7)
    keys = ["环城路", "城环城路", "北环城路", "大桥", "跨江大桥", "江大桥", "公园", "体育公园", "中心", "路"]
    mentions: list[Mention] = []
    for n in range(400):
        x, y = (None, None) if n % 17 == 0 else (116 + rng.random() * 1.5, 39 + rng.random() * 1.5)
        mentions.append((f"{n:05d}", rng.choice(keys), rng.choice(["11", "12", ""]), x, y, "名", "road", "p", 1))
    by_id, rows = registry_of(mentions)
    assert by_id == _all_pairs(mentions)
    assert 10 < len(rows) < 400  # some mentions joined, some did not
