"""One pipeline: build(), analyse_plan() and the exports agree on each plan's projects and counties;
the library never imports the command line.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

import planmap
from planmap.builder import build
from planmap.pipeline import touched_counties

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def seeds_built(tmp_path_factory, seeds_folder):
    seeds = seeds_folder
    out = tmp_path_factory.mktemp("seeds")
    return sorted(seeds.glob("*.txt")), build([seeds], out=out, maps=False, workers=1)


def _counties(gdf) -> list[str]:
    return sorted(str(c) for c in gdf["adcode"])


@pytest.mark.seeds
def test_build_analyse_plan_and_exports_agree_on_each_plan(seeds_built):
    seeds, built = seeds_built
    results = {r.plan.id: r for r in built.results}
    assert sorted(results) == sorted(p.stem for p in seeds)
    exported = json.loads((built.out / "data" / "projects.geojson").read_text(encoding="utf-8"))["features"]
    for path in seeds:
        one = planmap.analyse_plan(path)
        from_build = results[path.stem]
        ids = sorted(one.projects["id"])
        assert ids == sorted(from_build.projects["id"]), path.name
        assert ids == sorted(f["id"] for f in exported if f["properties"]["plan"] == path.stem)
        by_id = {row["id"]: row for _, row in from_build.projects.iterrows()}
        for _, row in one.projects.iterrows():
            assert list(row["county_adcodes"]) == list(by_id[row["id"]]["county_adcodes"]), row["name"]
        # the counties the plan map draws (touched_counties over the build's layer), explore()'s and analyse's
        drawn = _counties(touched_counties(from_build.projects, built.counties))
        assert drawn == _counties(from_build.touched_counties()) == _counties(one.touched_counties()), path.name
        assert drawn, path.name


@pytest.mark.seeds
def test_the_geopackage_holds_the_counties_the_plans_touch(seeds_built):
    _, built = seeds_built
    layer = pyogrio.read_dataframe(built.out / "data" / "projects.gpkg", layer="counties")
    drawn = set(_counties(touched_counties(built.projects, built.counties)))
    assert drawn <= set(layer["adcode"])


def test_the_library_never_imports_the_command_line():
    code = ("import sys, planmap, planmap.builder, planmap.pipeline, planmap.result, planmap.inputs, "
            "planmap.cache, planmap.distributed; "
            "from planmap.builder import build; from planmap.result import analyse_plan; "
            "print('planmap.cli' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": str(SRC)},
                          check=True)
    assert proc.stdout.strip() == "False"
    for module in ("builder", "pipeline", "result", "inputs", "cache", "distributed", "regions", "registry"):
        (path,) = (SRC / "planmap").rglob(f"{module}.py")
        text = path.read_text(encoding="utf-8")
        assert "planmap.cli" not in text and "from planmap import cli" not in text, module


def test_provinces_touched_are_those_the_geometries_intersect():
    import geopandas as gpd
    import shapely

    from planmap.pipeline import provinces_touched
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    geoms = [
        shapely.LineString([(123.84, 42.29), (125.32, 43.89)]),  # 铁岭 to 长春: Liaoning into Jilin
        shapely.Point(113.93, 35.30),  # 新乡
        shapely.Point(124.5, 36.0),  # the Yellow Sea
        shapely.box(114.9, 39.2, 115.1, 39.4),  # 涞源 area, in Hebei
    ]
    frame = gpd.GeoDataFrame({"name": [str(i) for i in range(len(geoms))]}, geometry=geoms, crs="EPSG:4326")
    found = provinces_touched(frame, gaz)
    assert {"210000", "220000", "410000", "130000"} <= found
    outlines = {c: gaz.unit_polygon(c) for c in found}
    assert all(any(outlines[c].intersects(g) for g in geoms) for c in found)  # nothing it does not touch
    assert provinces_touched(frame.iloc[[2]], gaz) == set()
