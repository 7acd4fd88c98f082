"""GIS exports written by :mod:`planmap.export`, read back as a GIS team or a spreadsheet would."""
from __future__ import annotations

import csv
import os
import stat

import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon

from planmap.export import PROPERTIES, safe_cell, write_csv, write_geojson, write_gpkg, write_rows_csv


def _frame(names=("甲产业园", "乙大道", "丙新区")) -> gpd.GeoDataFrame:
    """Three projects of one plan: a point, a line and a polygon, in 铁岭 (Liaoning)."""
    geoms = [Point(123.84, 42.29), LineString([(123.80, 42.20), (123.90, 42.30)]),
             Polygon([(123.70, 42.10), (123.70, 42.15), (123.75, 42.15), (123.75, 42.10)])]
    rows = []
    for i, (name, cat, kind, prec) in enumerate(zip(names, ("industrial_park", "road", "new_town"),
                                                    ("area", "line", "area"), ("town", "exact", "approx"),
                                                    strict=False)):
        rows.append({k: None for k in PROPERTIES} | {
            "id": f"p{i}", "name": name, "category": cat, "plan": "tieling", "plan_title": "铁岭市方案",
            "section": "一、重点任务", "evidence": f"推进{name}建设。", "span": [0, len(name)],
            "lead_units": [], "support_units": [], "figures": [], "precision": prec, "confidence": 0.5,
            "location_source": "gazetteer:test", "province": "辽宁省", "city": "铁岭市", "city_adcode": "211200",
            "counties": ["银州区"], "county_adcodes": ["211202"], "registry_id": f"R{i}", "geom_kind": kind,
            "county_km": {"211202": 12.5} if kind == "line" else {}, "county_share": {},
        })
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


@pytest.fixture
def counties() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [{"adcode": "211202", "name": "银州区", "city_adcode": "211200", "province_adcode": "210000"},
         {"adcode": "211221", "name": "铁岭县", "city_adcode": "211200", "province_adcode": "210000"}],
        geometry=[Polygon([(123.6, 42.0), (123.6, 42.4), (124.0, 42.4), (124.0, 42.0)]),
                  Polygon([(124.0, 42.0), (124.0, 42.4), (124.4, 42.4), (124.4, 42.0)])],
        crs="EPSG:4326")


# ------------------------------------------------------------------ CSV cells never run as formulas


@pytest.mark.parametrize("text", ["=1+1&\"x\"", "+86 24", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_would_start_a_formula_is_prefixed(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["铁岭=1", "a-b", "", 0.5, -3, None, "[\"211202\"]"])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_projects_csv_neutralises_document_text(tmp_path):
    gdf = _frame(names=('=HYPERLINK("http://x","y")', "@cmd", "-1+2"))
    gdf.loc[0, "evidence"] = "+1 推进建设"
    rows = {r["id"]: r for r in _read(write_csv(gdf, tmp_path / "projects.csv"))}
    assert rows["p0"]["name"] == '\'=HYPERLINK("http://x","y")'
    assert rows["p0"]["evidence"] == "'+1 推进建设"
    assert rows["p1"]["name"] == "'@cmd"
    assert rows["p2"]["name"] == "'-1+2"
    assert rows["p1"]["confidence"] == "0.5"  # numbers stay numbers
    assert rows["p1"]["wkt"].startswith("LINESTRING")


def test_table_csvs_neutralise_cells_but_keep_json_lists(tmp_path):
    rows = [{"registry_id": "R1", "name": "=cmd|' /C calc'!A0", "plans": ["-p"], "n_plans": 1}]
    out = _read(write_rows_csv(rows, ["registry_id", "name", "plans", "n_plans"], tmp_path / "registry.csv"))
    assert out[0]["name"] == "'=cmd|' /C calc'!A0"
    assert out[0]["plans"] == '["-p"]'
    assert out[0]["n_plans"] == "1"


def test_geojson_keeps_the_text_as_written(tmp_path):
    import json

    gdf = _frame(names=("=1+1", "乙大道", "丙新区"))
    feats = json.loads(write_geojson(gdf, tmp_path / "p.geojson").read_text(encoding="utf-8"))["features"]
    assert feats[0]["properties"]["name"] == "=1+1"


# ------------------------------------------------------------------ identical input, identical bytes; mode 0644


def _writers(counties):
    return {
        "projects.gpkg": lambda g, p: write_gpkg(g, counties, p),
        "projects.geojson": write_geojson,
        "projects.csv": write_csv,
    }


def test_two_exports_of_the_same_frame_are_byte_identical(tmp_path, counties):
    import time

    for name, write in _writers(counties).items():
        first = write(_frame(), tmp_path / "a" / name).read_bytes()
        time.sleep(1.1 if name.endswith(".gpkg") else 0)  # a clock stamp would now differ
        second = write(_frame(), tmp_path / "b" / name).read_bytes()
        assert first == second, name


def test_the_geopackage_stamp_follows_source_date_epoch(tmp_path, counties, monkeypatch):
    import sqlite3

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = write_gpkg(_frame(), counties, tmp_path / "p.gpkg")
    with sqlite3.connect(path) as db:
        stamps = {r[0] for r in db.execute("SELECT last_change FROM gpkg_contents")}
    assert stamps == {"2023-11-14T22:13:20.000Z"}
    assert pyogrio.get_gdal_config_option("OGR_CURRENT_DATE") is None  # the process setting is restored


def test_exports_are_readable_by_others(tmp_path, counties):
    old = os.umask(0o077)  # mkstemp files are 0600 whatever the umask; the export must not be
    try:
        paths = [write(_frame(), tmp_path / name) for name, write in _writers(counties).items()]
        paths.append(write_rows_csv([{"a": 1}], ["a"], tmp_path / "regions.csv"))
    finally:
        os.umask(old)
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temp files left
