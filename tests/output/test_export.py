"""GIS exports written by :mod:`planmap.output.export`, read back as a GIS team or a spreadsheet would."""
from __future__ import annotations

import csv
import os
import stat

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon

from planmap.output.export import PROPERTIES, safe_cell, write_csv, write_geojson, write_gpkg, write_rows_csv


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


def test_exports_do_not_depend_on_the_row_order(tmp_path, counties):
    """Rows are written sorted by id whether they come sorted (taken as they are) or not."""
    frame = _frame()
    shuffled = frame.iloc[[2, 0, 1]]
    for name, write in _writers(counties).items():
        assert write(frame, tmp_path / "a" / name).read_bytes() == write(shuffled, tmp_path / "b" / name).read_bytes()


def test_rows_sorted_by_id_are_taken_as_they_are_only_when_ids_are_distinct():
    from planmap.output.export import _sorted_by_id

    frame = _frame()
    assert _sorted_by_id(frame) is frame
    assert list(_sorted_by_id(frame.iloc[[1, 0, 2]])["id"]) == ["p0", "p1", "p2"]
    twice = frame.assign(id=["p0", "p0", "p1"])
    assert _sorted_by_id(twice) is not twice  # repeated ids: sorted as before


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


def test_the_geopackage_bytes_do_not_depend_on_sqlites_journal(tmp_path, counties, monkeypatch):
    """The journal is kept in memory while writing (faster); the file is the one a journal file gives."""
    import contextlib

    from planmap.output import export

    quick = write_gpkg(_frame(), counties, tmp_path / "a.gpkg").read_bytes()
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_JOURNAL") is None  # the process setting is restored
    fixed = export._fixed_gdal_date

    @contextlib.contextmanager
    def with_a_journal_file():
        with fixed():
            pyogrio.set_gdal_config_options({"OGR_SQLITE_JOURNAL": "DELETE"})
            yield

    monkeypatch.setattr(export, "_fixed_gdal_date", with_a_journal_file)
    assert write_gpkg(_frame(), counties, tmp_path / "b.gpkg").read_bytes() == quick


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


# ------------------------------------------------------------------ typed layers


def test_project_layers_have_one_geometry_type_each(tmp_path, counties):
    import shapely

    gdf = _frame()
    point_area = gdf.iloc[[0]].copy()
    point_area["id"], point_area["name"] = "p3", "丁园区"  # an area known only by a point
    gdf = gpd.GeoDataFrame(pd.concat([gdf, point_area], ignore_index=True), crs="EPSG:4326")
    path = write_gpkg(gdf, counties, tmp_path / "p.gpkg")
    expected = {"projects_point": ("Point", {"p0", "p3"}), "projects_line": ("MultiLineString", {"p1"}),
                "projects_area": ("MultiPolygon", {"p2"})}
    for layer, (gtype, ids) in expected.items():
        info = pyogrio.read_info(path, layer=layer)
        assert info["geometry_type"] == gtype and info["crs"] == "EPSG:4326", layer
        read = pyogrio.read_dataframe(path, layer=layer)
        assert set(read["id"]) == ids, layer
        assert set(read.geometry.geom_type) == {gtype}
    points = pyogrio.read_dataframe(path, layer="projects_point").set_index("id")
    assert points.loc["p3", "geom_kind"] == "area" and points.loc["p3", "geom_kind_label"] == "面状项目"
    assert points.loc["p3", "shown_as"] == "point" and points.loc["p3", "shown_as_label"] == "以点表示"
    assert pyogrio.read_dataframe(path, layer="projects_area").loc[0, "shown_as"] == "area"
    area = pyogrio.read_dataframe(path, layer="projects_area").geometry.iloc[0]
    assert shapely.equals(area.geoms[0], gdf.geometry.iloc[2])  # the polygon itself, promoted


def test_empty_project_layers_are_still_typed(tmp_path, counties):
    path = write_gpkg(_frame().iloc[[0]], counties, tmp_path / "p.gpkg")
    no_cities = write_gpkg(_frame().iloc[[0]], counties.assign(city_adcode=""), tmp_path / "q.gpkg")
    fields = set(pyogrio.read_info(no_cities, layer="cities")["fields"])
    assert pyogrio.read_info(no_cities, layer="cities")["features"] == 0 and {"projects", "n_road", "km_road"} <= fields
    assert pyogrio.read_info(path, layer="projects_line")["geometry_type"] == "MultiLineString"
    assert pyogrio.read_info(path, layer="projects_area")["geometry_type"] == "MultiPolygon"
    assert pyogrio.read_info(path, layer="projects_area")["features"] == 0


def test_every_code_has_its_chinese_label_beside_it(tmp_path, counties):
    from planmap.output.styles import load_styles

    st = load_styles()
    gdf = _frame()
    gdf.loc[1, "category"] = "no_such_category"
    read = pyogrio.read_dataframe(write_gpkg(gdf, counties, tmp_path / "p.gpkg"), layer="projects_point")
    cols = list(read.columns)
    for code, label in (("category", "category_label"), ("precision", "precision_label")):
        assert cols.index(label) == cols.index(code) + 1
    assert read.loc[0, "category_label"] == st.categories["industrial_park"]["label"] == "产业园区"
    assert read.loc[0, "precision_label"] == st.precision["town"]["label"] == "乡镇级定位"
    line = pyogrio.read_dataframe(tmp_path / "p.gpkg", layer="projects_line")
    assert line.loc[0, "category_label"] == "其他"  # unknown codes read as other, as on the map
    import json

    props = json.loads(write_geojson(gdf, tmp_path / "p.geojson").read_text(encoding="utf-8"))["features"][0]
    assert props["properties"]["category_label"] == "产业园区"
    assert _read(write_csv(gdf, tmp_path / "p.csv"))[0]["precision_label"] == "乡镇级定位"


# ------------------------------------------------------------------ counties and cities


def test_counties_and_cities_carry_the_region_figures(tmp_path, counties):
    regions = [
        {"adcode": "211200", "name": "铁岭市", "level": "city", "city_adcode": "211200", "province": "辽宁省",
         "projects": 3, "line_km": 12.5, "counts": {"industrial_park": 1, "new_town": 1, "road": 1}},
        {"adcode": "211202", "name": "银州区", "level": "county", "city_adcode": "211200", "province": "辽宁省",
         "projects": 3, "line_km": 12.5, "counts": {"industrial_park": 1, "new_town": 1, "road": 1}},
    ]
    path = write_gpkg(_frame(), counties, tmp_path / "p.gpkg", regions=regions)
    c = pyogrio.read_dataframe(path, layer="counties").set_index("adcode")
    assert c.loc["211202", "projects"] == 3 and c.loc["211202", "n_road"] == 1 and c.loc["211202", "n_railway"] == 0
    assert c.loc["211202", "line_km"] == 12.5 and c.loc["211202", "city"] == "铁岭市"
    assert "道路 1" in c.loc["211202", "counts_label"]
    assert c.loc["211202", "km_road"] == 12.5 and c.loc["211202", "km_railway"] == 0
    assert c.loc["211221", "projects"] == 0  # a county without projects is there, with zeros
    cities = pyogrio.read_dataframe(path, layer="cities")
    assert list(cities["adcode"]) == ["211200"] and cities.loc[0, "counties"] == 2
    assert cities.loc[0, "n_new_town"] == 1 and cities.loc[0, "name"] == "铁岭市"
    assert cities.loc[0, "km_road"] == 12.5 and cities.loc[0, "line_km"] == 12.5
    assert cities.geometry.iloc[0].equals(counties.geometry.union_all())  # the union of its counties


# ------------------------------------------------------------------ QGIS styles


def test_project_styles_follow_the_map_style_table():
    import xml.etree.ElementTree as ET

    from planmap.output.qgisstyle import project_qml, qgis_color
    from planmap.output.styles import load_styles

    st = load_styles()
    for kind in ("point", "line", "area"):
        root = ET.fromstring(project_qml(kind, ["id", "name", "category_label"]))
        assert root.tag == "qgis"
        rules = root.find("renderer-v2/rules")
        labels = [r.get("label") for r in rules]
        assert labels == [c["label"] for c in st.categories.values()]
        assert [r.get("filter") for r in rules if r.get("label") == "其他"] == ["ELSE"]
        colours = {p.get("v") for p in root.iter("prop") if p.get("k") in ("color", "line_color", "outline_color")}
        for cat in st.categories.values():
            assert any(v.startswith(qgis_color(cat["color"]).rsplit(",", 1)[0]) for v in colours), cat["label"]
        assert root.find("labeling/settings/text-style").get("fieldName") == "name"
        assert root.find("aliases/alias[@field='category_label']").get("name") == "类别"
    line = ET.fromstring(project_qml("line", []))
    dashes = {p.get("v") for p in line.iter("prop") if p.get("k") == "customdash"}
    assert "2;7" in dashes  # roughly placed routes: the map's faint dashed course
    energy = st.categories["energy_utility"]["dash"]
    assert energy.replace(" ", ";") in dashes
    point = ET.fromstring(project_qml("point", []))
    rings = [p for p in point.iter("layer") if p.find("prop[@k='size_unit']").get("v") == "RenderMetersInMapUnits"]
    sizes = {float(r.find("prop[@k='size']").get("v")) for r in rings}
    assert sizes == {2 * p["radius_m"] for p in st.precision.values() if not p["solid"] and p["radius_m"]}


def test_style_text_is_escaped_and_quoted(monkeypatch):
    import xml.etree.ElementTree as ET

    from planmap.output import qgisstyle

    st = qgisstyle.load_styles()
    evil = {**st.categories["road"], "label": '</rule><x a="1">&\'', "glyph": "<"}
    fake = qgisstyle.Styles({"it's": evil, "other": st.categories["other"]}, st.precision, st.counties,
                            'Font"<', st.fields, st.layers)
    monkeypatch.setattr(qgisstyle, "load_styles", lambda: fake)
    root = ET.fromstring(qgisstyle.project_qml("point", ["name"]))
    rule = root.find("renderer-v2/rules/rule")
    assert rule is not None and rule.get("label") == evil["label"]
    assert rule.get("filter") == "\"category\" = 'it''s'"
    assert {p.get("v") for p in root.iter("prop") if p.get("k") == "chr"} >= {"<"}


def test_style_text_is_written_as_elementtree_writes_it(monkeypatch):
    """The QML writer gives ElementTree's bytes, escaping hostile text the same way."""
    import copy
    import xml.etree.ElementTree as ET

    from planmap.output import qgisstyle

    st = qgisstyle.load_styles()
    evil = {**st.categories["road"], "label": '</rule>\r\n\t<x a="1">&\'', "glyph": "<"}
    fake = qgisstyle.Styles({"it's": evil, "other": st.categories["other"]}, st.precision, st.counties,
                            'Font"<', st.fields, st.layers)
    trees = []
    written = qgisstyle._to_text

    def keep(root):
        text = written(root)
        trees.append(copy.deepcopy(root))
        return text

    monkeypatch.setattr(qgisstyle, "_to_text", keep)
    fields = ["id", "name", 'a"b<c>&\n']
    texts = [qgisstyle.project_qml(k, fields) for k in ("point", "line", "area")]
    texts.append(qgisstyle.region_qml("city", [*fields, "projects"], [0, 1, 4, 20]))
    monkeypatch.setattr(qgisstyle, "load_styles", lambda: fake)
    texts.append(qgisstyle.project_qml("point", fields))
    assert len(trees) == 5
    for root, text in zip(trees, texts, strict=True):
        assert text.endswith(ET.tostring(root, encoding="unicode") + "\n")
        assert qgisstyle._xml(root) == ET.tostring(root, encoding="unicode")


def test_layer_styles_table_has_a_default_style_per_layer(tmp_path, counties):
    import sqlite3
    import xml.etree.ElementTree as ET

    path = write_gpkg(_frame(), counties, tmp_path / "p.gpkg")
    styles = pyogrio.read_dataframe(path, layer="layer_styles")
    assert set(styles["f_table_name"]) == {"projects_point", "projects_line", "projects_area", "counties", "cities"}
    assert (styles["f_geometry_column"] == "geom").all() and (styles["f_table_schema"] == "").all()
    assert styles["useAsDefault"].all()
    for qml in styles["styleQML"]:
        assert ET.fromstring(qml).tag == "qgis"
    with sqlite3.connect(path) as db:  # QGIS matches the rows on the layer's geometry column name
        geom_cols = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
        cols = {r[1] for r in db.execute("PRAGMA table_info(layer_styles)")}
    assert set(geom_cols.values()) == {"geom"}
    with sqlite3.connect(path) as db:
        described = dict(db.execute("SELECT table_name, description FROM gpkg_contents"))
    assert described["projects_point"].startswith("规划项目（点）") and described["plans"].startswith("规划文件")
    assert {"id", "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML",
            "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"} == cols


# ------------------------------------------------------------------ GeoParquet


def test_geoparquet_reads_back_in_wgs84_with_labels(tmp_path):
    import json

    import pyarrow.parquet as pq

    from planmap.output.export import write_geoparquet

    path = write_geoparquet(_frame(), tmp_path / "projects.parquet")
    geo = json.loads(pq.read_schema(path).metadata[b"geo"])
    assert geo["version"].startswith("1.") and geo["primary_column"] == "geometry"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    assert set(geo["columns"]["geometry"]["geometry_types"]) == {"Point", "LineString", "Polygon"}
    read = gpd.read_parquet(path)
    assert read.crs.to_epsg() == 4326
    assert list(read["category_label"]) == ["产业园区", "道路", "新城"]
    assert list(read["county_adcodes"].iloc[0]) == ["211202"]  # lists stay lists
    assert json.loads(read["county_km"].iloc[1]) == {"211202": 12.5}
    assert read.geometry.iloc[1].equals(_frame().geometry.iloc[1])
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_geoparquet_schema_does_not_depend_on_the_rows(tmp_path):
    import pyarrow.parquet as pq

    from planmap.output.export import write_geoparquet

    full = pq.read_schema(write_geoparquet(_frame(), tmp_path / "a.parquet"))
    empty_lists = _frame()
    empty_lists["county_adcodes"] = [[], [], []]
    one = pq.read_schema(write_geoparquet(empty_lists, tmp_path / "b.parquet"))
    assert full.remove_metadata().equals(one.remove_metadata())
    import pyarrow as pa

    assert pa.types.is_list(one.field("county_adcodes").type)
    assert one.field("county_adcodes").type.value_type == pa.string()


def test_geoparquet_crs_does_not_depend_on_what_the_process_did_before(tmp_path):
    """PROJ answers ``CRS.from_epsg(4326).to_json_dict()`` differently once a CRS read from
    PROJJSON has been identified (its database cache): the file must not follow that."""
    import json
    import subprocess
    import sys

    import pyarrow.parquet as pq

    from planmap.output.export import write_geoparquet

    first = write_geoparquet(_frame(), tmp_path / "a.parquet").read_bytes()
    # in a fresh process, first make PROJ identify a CRS read from the boundary files' PROJJSON
    code = ("import sys, geopandas; from planmap.paths import geodata_dir; "
            "geopandas.read_parquet(geodata_dir() / 'boundaries' / '210000.parquet').crs.to_epsg(); "
            "import pickle; from planmap.output.export import write_geoparquet; "
            "write_geoparquet(pickle.loads(sys.stdin.buffer.read()), sys.argv[1])")
    import pickle

    subprocess.run([sys.executable, "-c", code, str(tmp_path / "b.parquet")], input=pickle.dumps(_frame()),
                   check=True)
    assert (tmp_path / "b.parquet").read_bytes() == first
    crs = json.loads(pq.read_schema(tmp_path / "a.parquet").metadata[b"geo"])["columns"]["geometry"]["crs"]
    assert crs["id"] == {"authority": "EPSG", "code": 4326}
    assert gpd.read_parquet(tmp_path / "a.parquet").crs.to_epsg() == 4326


# ------------------------------------------------------------------ the build's exports, read back


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from planmap.builder import build
    from planmap.cli import sample_plan

    return build([sample_plan()], out=tmp_path_factory.mktemp("export-build"), maps=False)


def test_build_geopackage_layers_read_back(built):
    path = built.out / "data" / "projects.gpkg"
    info = {name: pyogrio.read_info(path, layer=name) for name, _ in pyogrio.list_layers(path)}
    assert set(info) == {"projects_point", "projects_line", "projects_area", "counties", "cities", "plans",
                         "layer_styles"}
    types = {"projects_point": "Point", "projects_line": "MultiLineString", "projects_area": "MultiPolygon",
             "counties": "MultiPolygon", "cities": "MultiPolygon"}
    for name, gtype in types.items():
        assert info[name]["geometry_type"] == gtype and info[name]["crs"] == "EPSG:4326", name
    assert sum(info[n]["features"] for n in types if n.startswith("projects_")) == len(built.projects) > 0
    assert info["projects_line"]["features"] > 0
    plans = pyogrio.read_dataframe(path, layer="plans")
    plan = built.plans[0]
    assert plans.loc[0, "title"] == plan.title and plans.loc[0, "issuer"] == plan.issuer
    assert plans.loc[0, "home_adcode"] == plan.home_region.adcode and plans.loc[0, "projects"] == len(built.projects)


def test_build_region_layers_equal_regions_csv(built):
    import json

    path = built.out / "data" / "projects.gpkg"
    rows = {r["adcode"]: r for r in _read(built.out / "data" / "regions.csv")}
    assert rows
    for layer, level in (("counties", "county"), ("cities", "city")):
        read = pyogrio.read_dataframe(path, layer=layer, read_geometry=False).set_index("adcode")
        wanted = {k: r for k, r in rows.items() if r["level"] == level}
        assert set(wanted) <= set(read.index), layer
        for code, r in wanted.items():
            got = read.loc[code]
            assert got["projects"] == int(r["projects"]) and got["line_km"] == pytest.approx(float(r["line_km"]))
            counts = json.loads(r["counts"])
            assert {c: got[f"n_{c}"] for c in counts} == counts, code
            assert sum(got[c] for c in read.columns if c.startswith("n_")) == sum(counts.values())
            km = sum(got[c] for c in read.columns if c.startswith("km_"))
            assert km == pytest.approx(float(r["line_km"]), abs=0.01), code
        others = read.drop(index=list(wanted))
        assert (others["projects"] == 0).all(), layer


def test_build_exports_are_shared_and_reproducible(built, tmp_path):
    from planmap.builder import build
    from planmap.cli import sample_plan

    again = build([sample_plan()], out=tmp_path, maps=False)
    data = built.out / "data"
    for path in data.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name
            assert path.read_bytes() == (again.out / "data" / path.relative_to(data)).read_bytes(), path.name
    read = gpd.read_parquet(data / "projects.parquet")
    assert read.crs.to_epsg() == 4326 and len(read) == len(built.projects)
    assert read["category_label"].map(lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)).all()


@pytest.mark.seeds
def test_seed_build_geopackage_opens_typed_styled_and_counted(seeds_dir, tmp_path):
    import json
    import xml.etree.ElementTree as ET

    from planmap.builder import build
    from planmap.output.styles import load_styles

    result = build(sorted(seeds_dir.iterdir()), out=tmp_path, maps=False)
    path = tmp_path / "data" / "projects.gpkg"
    types = {"projects_point": "Point", "projects_line": "MultiLineString", "projects_area": "MultiPolygon"}
    for layer, gtype in types.items():
        assert pyogrio.read_info(path, layer=layer)["geometry_type"] == gtype
    styles = pyogrio.read_dataframe(path, layer="layer_styles")
    assert set(types) <= set(styles["f_table_name"])
    assert all(ET.fromstring(q).find("renderer-v2").get("type") == "RuleRenderer"
               for q, n in zip(styles["styleQML"], styles["f_table_name"], strict=True) if n in types)
    counties = pyogrio.read_dataframe(path, layer="counties", read_geometry=False).set_index("adcode")
    rows = [r for r in _read(tmp_path / "data" / "regions.csv") if r["level"] == "county"]
    assert rows and all(counties.loc[r["adcode"], "projects"] == int(r["projects"]) for r in rows)
    assert sum(json.loads(r["counts"]).get("railway", 0) for r in rows) == counties["n_railway"].sum()
    plans = pyogrio.read_dataframe(path, layer="plans")
    assert sorted(plans["plan"]) == sorted(p.id for p in result.plans)
    parquet = gpd.read_parquet(tmp_path / "data" / "projects.parquet")
    assert parquet.crs.to_epsg() == 4326 and len(parquet) == len(result.projects)
    assert set(parquet["precision_label"]) <= {p["label"] for p in load_styles().precision.values()}


# ------------------------------------------------------------------ QGIS itself, where PyQGIS is installed


def _pyqgis_python() -> str:
    """A Python that imports PyQGIS (Debian's python3-qgis), else skip: QGIS is no dependency."""
    import shutil
    import subprocess

    for exe in ("/usr/bin/python3", shutil.which("python3") or ""):
        if exe and subprocess.run([exe, "-c", "import qgis.core"], capture_output=True, timeout=60).returncode == 0:
            return exe
    pytest.skip("PyQGIS not installed (apt-get install python3-qgis qgis-providers)")


def test_qgis_opens_every_layer_with_its_default_style(built):
    import json
    import subprocess
    from pathlib import Path

    from planmap.output.styles import load_styles

    exe = _pyqgis_python()
    script = Path(__file__).resolve().parents[1] / "qgis_check.py"
    proc = subprocess.run([exe, str(script), str(built.out / "data" / "projects.gpkg")], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    st = load_styles()
    for name in ("projects_point", "projects_line", "projects_area"):
        layer = report[name]
        assert layer["valid"] and layer["crs"] == "EPSG:4326", name
        assert layer["renderer"] == "RuleRenderer", name
        assert layer["rules"] == [c["label"] for c in st.categories.values()]
        assert layer["labels"], name
        assert layer["aliases"]["category_label"] == "类别"
        assert {c["color"].lower() for c in st.categories.values()} <= set(layer["colors"]), name
    assert {"SimpleMarker", "FontMarker"} <= set(report["projects_point"]["symbol_layers"])
    assert {"SimpleLine", "MarkerLine"} <= set(report["projects_line"]["symbol_layers"])
    assert report["projects_area"]["symbol_layers"] == ["SimpleFill"]
    for name in ("counties", "cities"):
        assert report[name]["valid"] and report[name]["renderer"] == "RuleRenderer" and report[name]["labels"]
    assert report["counties"]["rules"][0] == "0 个项目"


def test_regions_without_boundaries_still_give_typed_layers(tmp_path):
    none = write_gpkg(_frame(), None, tmp_path / "none.gpkg")
    for layer in ("counties", "cities"):
        info = pyogrio.read_info(none, layer=layer)
        assert info["features"] == 0 and info["geometry_type"] == "MultiPolygon"
        assert {"adcode", "name", "projects", "line_km", "n_road"} <= set(info["fields"]), layer
    # a county frame without city and province columns: the gazetteer says them
    bare = gpd.GeoDataFrame({"adcode": ["211202"], "name": ["银州区"]},
                            geometry=[Polygon([(123.6, 42.0), (123.6, 42.4), (124.0, 42.4), (124.0, 42.0)])],
                            crs="EPSG:4326")
    cities = pyogrio.read_dataframe(write_gpkg(_frame(), bare, tmp_path / "bare.gpkg"), layer="cities")
    assert list(cities["adcode"]) == ["211200"] and cities.loc[0, "province"] == "辽宁省"
    assert cities.loc[0, "projects"] == 3


def test_region_styles_are_the_region_maps_choropleth():
    import xml.etree.ElementTree as ET

    from planmap.output.qgisstyle import choropleth_steps, qgis_color, region_qml
    from planmap.output.styles import load_styles

    assert [label for _, _, label in choropleth_steps([0, 3, 9], 5)] == ["0", "1", "2–3", "4–7", "≥8"]
    assert [lo for lo, _, _ in choropleth_steps([0, 40], 5)] == [0, 1, 5, 10, 20]
    palette = load_styles().counties["choropleth"]
    root = ET.fromstring(region_qml("county", ["adcode", "projects", "n_road"], [0, 2, 3]))
    rules = root.find("renderer-v2/rules")
    assert [r.get("filter") for r in rules][:2] == ['"projects" >= 0 AND "projects" < 1',
                                                    '"projects" >= 1 AND "projects" < 2']
    assert rules[-1].get("filter") == '"projects" >= 8'
    fills = [p.get("v") for p in root.iter("prop") if p.get("k") == "color"]
    assert fills == [qgis_color(c, 0.6) for c in palette]
    assert root.find("aliases/alias[@field='n_road']").get("name") == "道路项目数"
    city = ET.fromstring(region_qml("city", ["adcode"], [0, 2, 3]))
    assert [p.get("v") for p in city.iter("prop") if p.get("k") == "color"] == ["255,255,255,0"]  # frames only
