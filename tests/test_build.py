"""The whole pipeline on the bundled sample plan, with every export read back."""
from __future__ import annotations

import csv
import json

import geopandas as gpd
import pyogrio
import pytest

from planmap.builder import build
from planmap.cli import main, sample_plan
from planmap.errors import BuildError
from planmap.output.export import PROPERTIES


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    return build([sample_plan()], out=out, maps=False)


def test_build_writes_every_export(built):
    data = built.out / "data"
    plan_id = built.plans[0].id
    for rel in ("projects.geojson", "projects.gpkg", "projects.csv", "registry.csv", "regions.csv",
                f"plans/{plan_id}.geojson"):
        assert (data / rel).is_file(), rel
    assert not list(data.rglob("*.tmp")), "no temporary files are left behind"


def test_geojson_is_rfc7946_with_the_property_contract(built):
    path = built.out / "data" / "projects.geojson"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in raw
    assert "铁" in path.read_text(encoding="utf-8")  # characters, not \\u escapes
    assert len(raw["features"]) == len(built.projects) > 10
    for feat in raw["features"]:
        props = feat["properties"]
        assert set(PROPERTIES) <= set(props), set(PROPERTIES) - set(props)
        assert all(len(c) == 6 and c.isdigit() for c in props["county_adcodes"])
        assert props["precision"] in ("exact", "approx", "town", "county", "city", "province")
        lon, lat = _first_coord(feat["geometry"]["coordinates"])
        assert 73 < lon < 136 and 18 < lat < 54  # lon/lat order
        assert lon == round(lon, 6)
    gdf = gpd.read_file(path)
    assert gdf.crs.to_epsg() == 4326


def _first_coord(coords):
    while isinstance(coords[0], list):
        coords = coords[0]
    return coords[0], coords[1]


def test_geopackage_layers_read_back(built):
    path = built.out / "data" / "projects.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"projects_point", "projects_line", "projects_area", "counties", "cities", "plans", "layer_styles"} <= layers
    total = 0
    for name in ("projects_point", "projects_line", "projects_area"):
        gdf = gpd.read_file(path, layer=name)
        if len(gdf):
            assert gdf.crs.to_epsg() == 4326
            assert {"id", "name", "precision", "county_adcodes"} <= set(gdf.columns)
        total += len(gdf)
    assert total == len(built.projects)
    counties = gpd.read_file(path, layer="counties")
    assert len(counties) >= 100  # Liaoning's county-level units


def test_csv_has_bom_and_wkt(built):
    path = built.out / "data" / "projects.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(built.projects)
    assert all(r["wkt"].startswith(("POINT", "LINESTRING", "MULTI", "POLYGON")) for r in rows)


def test_lines_carry_km_per_county(built):
    lines = built.projects[built.projects.geometry.geom_type == "LineString"]
    assert len(lines)
    for km, codes in zip(lines["county_km"], lines["county_adcodes"], strict=False):
        if km:
            assert set(km) == set(codes)
            assert all(v > 0 for v in km.values())


def test_admin_placements_agree_with_the_join(built):
    assert built.projects["join_agrees"].all()


def test_same_input_gives_byte_identical_files(built, tmp_path):
    again = build([sample_plan()], out=tmp_path, maps=False)
    for rel in ("projects.geojson", "projects.csv", "registry.csv", "regions.csv"):
        assert (built.out / "data" / rel).read_bytes() == (again.out / "data" / rel).read_bytes(), rel


def test_a_bad_document_is_skipped_and_reported(tmp_path, capsys):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf at all")
    code = main(["build", str(sample_plan()), str(bad), "--out", str(tmp_path / "out"), "-q"])
    assert code == 3  # some documents failed, the others were built
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.strip()] == [
        f"error: {bad}: corrupt or unreadable PDF (no %PDF header)"]
    assert (tmp_path / "out" / "data" / "projects.geojson").is_file()


def test_nothing_buildable_is_an_error(tmp_path, capsys):
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    with pytest.raises(BuildError, match="empty.txt"):
        build([bad], out=tmp_path / "out", maps=False)
    assert main(["build", str(bad), "--out", str(tmp_path / "out2"), "-q"]) == 1


def test_geojson_polygons_are_counter_clockwise_and_rounded(tmp_path):
    import shapely
    from shapely.geometry import Polygon

    from planmap.output.export import write_geojson

    clockwise = Polygon([(123.0, 42.0), (123.0, 42.1234567891), (123.1, 42.1), (123.1, 42.0)])
    assert not clockwise.exterior.is_ccw
    gdf = gpd.GeoDataFrame([{k: None for k in PROPERTIES} | {"id": "a", "name": "甲园", "confidence": 0.5,
                                                              "county_adcodes": [], "counties": []}],
                           geometry=[clockwise], crs="EPSG:4326")
    out = write_geojson(gdf, tmp_path / "a.geojson")
    geom = json.loads(out.read_text(encoding="utf-8"))["features"][0]["geometry"]
    ring = shapely.geometry.shape(geom).exterior
    assert ring.is_ccw
    assert all(round(x, 6) == x and round(y, 6) == y for x, y in ring.coords)


def test_default_workers_keep_a_small_batch_in_this_process(tmp_path, monkeypatch):
    import planmap.builder as build_module
    import planmap.distributed

    def no_cluster(*args, **kwargs):
        raise AssertionError("a cluster was started for a small batch")

    monkeypatch.setattr(planmap.distributed, "run_on_dask", no_cluster)
    docs = tmp_path / "docs"
    docs.mkdir()
    text = sample_plan().read_text(encoding="utf-8")
    for i in range(build_module.MIN_DOCS_FOR_CLUSTER):
        (docs / f"plan{i}.txt").write_text(text, encoding="utf-8")
    result = build([docs], out=tmp_path / "out", maps=False, workers=None)
    assert len(result.plans) == build_module.MIN_DOCS_FOR_CLUSTER and not result.failures
    assert build_module.MIN_DOCS_FOR_AUTO_CLUSTER > build_module.MIN_DOCS_FOR_CLUSTER


def test_the_command_builds_with_the_collector_paused_and_restores_it(tmp_path, monkeypatch):
    """``planmap build`` pauses the cyclic garbage collector while building (it cost a cold
    build a tenth of its time), collects every COLLECT_EVERY documents, and leaves it as it was."""
    import gc

    from planmap import builder, collector

    seen, collected = [], []
    real_build, real_collect = builder.build, gc.collect

    def watching_build(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_build(*args, **kwargs)

    monkeypatch.setattr(builder, "build", watching_build)
    monkeypatch.setattr(collector, "COLLECT_EVERY", 1)
    monkeypatch.setattr(gc, "collect", lambda *a: collected.append(a) or real_collect(*a))
    assert gc.isenabled()
    assert builder.run_build([sample_plan()], tmp_path / "a", progress=False) == 0
    assert seen == [False] and gc.isenabled() and len(collected) == 1  # one document, collected after it
    gc.disable()
    try:
        assert builder.run_build([sample_plan()], tmp_path / "b", progress=False) == 0
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
