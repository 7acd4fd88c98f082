"""The map page as a planner uses it, in headless Chromium: clusters, project list, legend,
header, downloads and the correction round trip (drag -> overrides CSV -> rebuild)."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

import render_synth as synth
from planmap.builder import build
from planmap.output import render
from render_browser import screenshot, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return synth.counties(3, 2, 8)


def stacked_plan(counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Six projects on one county seat (as coarse placements are), three elsewhere, one line."""
    c0, c1 = counties.iloc[0], counties.iloc[4]
    seat = c0.geometry.representative_point()
    far = c1.geometry.representative_point()
    rows = [
        synth.project(f"s{i}", f"县城项目{i}", cat, Point(seat.x, seat.y), precision="county",
                      counties=[c0["name"]], county_adcodes=[c0["adcode"]], city_adcode=c0["city_adcode"])
        for i, cat in enumerate(["road", "road", "water", "market", "other", "public_service"])
    ]
    rows += [
        synth.project("p1", "=1+1公园", "park_green", Point(far.x, far.y), counties=[c1["name"]],
                      county_adcodes=[c1["adcode"]], city_adcode=c1["city_adcode"]),
        synth.project("p2", "河东物流园", "logistics", Point(far.x + 0.3, far.y + 0.2), precision="town",
                      counties=[c1["name"]], county_adcodes=[c1["adcode"]], city_adcode=c1["city_adcode"]),
        synth.project("p3", "滨河大道", "road", LineString([(far.x - 0.2, far.y - 0.1), (far.x + 0.2, far.y - 0.05)]),
                      counties=[c1["name"]], county_adcodes=[c1["adcode"]], city_adcode=c1["city_adcode"]),
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


@pytest.fixture
def stacked(tmp_path, counties):
    prj = stacked_plan(counties)
    plan = SimpleNamespace(path="/somewhere/测试规划.txt", issuer="测试市人民政府", date="2024-03-01",
                           doc_number="测政发〔2024〕5号")
    out = render.render_plan_map(prj, counties, "plan-a", "测试市重点项目方案", tmp_path / "plan.html",
                                 offline=True, plan=plan)
    return prj, out


def _assert_clean(trace):
    assert trace.page_errors == [], trace.page_errors
    assert trace.console_errors == [], trace.console_errors
    assert trace.requests == []


def visible_names(page) -> list[str]:
    return page.eval_on_selector_all(".pm-row:not([hidden]) .pm-row-name", "els => els.map(e => e.textContent)")


def cluster_counts(page) -> list[int]:
    return page.eval_on_selector_all("#pm-map .leaflet-marker-pane .pm-cluster",
                                     "els => els.map(e => Number(e.textContent))")


def single_badges(page) -> int:
    return page.evaluate("() => document.querySelectorAll('#pm-map .leaflet-marker-pane .pm-badge').length")


def test_clusters_show_counts_and_spiderfy(stacked, page_factory):
    prj, out = stacked
    page, trace = page_factory(out)
    wait_ready(page)
    counts = cluster_counts(page)
    assert 6 in counts, counts
    assert sum(counts) + single_badges(page) == len(prj)
    # one dashed uncertainty ring for the six projects placed at the county seat (and one for the town one)
    assert page.evaluate("() => document.querySelectorAll('path.pm-ring').length") == 2
    page.click("#pm-map .leaflet-marker-pane .pm-cluster[data-pm-count='6']")
    page.wait_for_timeout(400)
    spread = page.evaluate(
        "() => Array.from(document.querySelectorAll('#pm-map .leaflet-marker-pane .pm-badge'))"
        ".filter(e => e.getAttribute('data-pm-id').startsWith('s')).map(e => {"
        " var r = e.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top)]; })")
    assert len(spread) == 6 and len({tuple(p) for p in spread}) == 6, spread  # spiderfied apart
    screenshot(page, "ux-spiderfied")
    _assert_clean(trace)


def test_list_has_every_project_and_its_filters_change_the_map(stacked, page_factory):
    prj, out = stacked
    page, trace = page_factory(out)
    wait_ready(page)
    assert sorted(visible_names(page)) == sorted(prj["name"])
    assert "共 9 个项目" in page.inner_text(".pm-count")
    page.select_option("select[data-filter='c']", "road")
    assert sorted(visible_names(page)) == sorted(prj[prj["category"] == "road"]["name"])
    assert page.evaluate("() => planmap.count()") == 3
    assert sum(cluster_counts(page)) + single_badges(page) == 3
    assert page.evaluate("() => planmap.shapeLayer.getLayers().length") == 1  # the road line stays
    page.select_option("select[data-filter='pr']", "county")
    assert sorted(visible_names(page)) == ["县城项目0", "县城项目1"]
    assert page.evaluate("() => planmap.shapeLayer.getLayers().length") == 0
    page.select_option("select[data-filter='c']", "")
    page.select_option("select[data-filter='pr']", "")
    page.select_option("select[data-filter='county']", prj["counties"].iloc[-1][0])
    assert sorted(visible_names(page)) == ["=1+1公园", "河东物流园", "滨河大道"]
    assert page.evaluate("() => document.querySelectorAll('path.pm-ring').length") == 1
    page.select_option("select[data-filter='county']", "")
    # sorting by name, then reversed
    page.click(".pm-list th[data-sort='n']")
    names = visible_names(page)
    assert names == sorted(names) and page.get_attribute("th[data-sort='n']", "aria-sort") == "ascending"
    page.click(".pm-list th[data-sort='n']")
    assert visible_names(page) == sorted(names, reverse=True)
    # the legend's check boxes are the layer toggles, and the legend follows them
    assert "道路：走向已知" in page.inner_text(".pm-legend")
    page.uncheck(".pm-legend input[data-cat='road']")
    assert page.evaluate("() => planmap.count()") == 6
    assert "道路：走向已知" not in page.inner_text(".pm-legend")
    assert "县城项目0" not in visible_names(page)
    _assert_clean(trace)


def test_a_row_flies_to_its_project_at_a_zoom_fitting_its_precision(stacked, page_factory):
    prj, out = stacked
    page, trace = page_factory(out)
    wait_ready(page)
    page.click(".pm-row:has-text('县城项目3')")
    assert page.evaluate("() => planmap.map.getZoom()") == render.load_styles().precision["county"]["zoom"]
    assert "县城项目3" in page.inner_text(".leaflet-popup-content h3")
    page.click(".pm-row:has-text('=1+1公园')")
    assert page.evaluate("() => planmap.map.getZoom()") == render.load_styles().precision["exact"]["zoom"]
    assert page.inner_text(".leaflet-popup-content h3") == "=1+1公园"
    _assert_clean(trace)


def test_header_shows_what_the_document_is(stacked, page_factory):
    _, out = stacked
    page, trace = page_factory(out)
    wait_ready(page)
    head = page.inner_text(".pm-header")
    for text in ("测试市重点项目方案", "测试市人民政府", "2024-03-01", "测政发〔2024〕5号", "测试规划.txt", "9 个项目"):
        assert text in head, text
    assert "/somewhere" not in head and "规划编号" not in head
    _assert_clean(trace)


def test_panel_collapses_on_a_small_screen(stacked, page_factory):
    _, out = stacked
    page, trace = page_factory(out, width=420, height=800)
    wait_ready(page)
    assert not page.is_visible(".pm-list")
    page.click("button[data-action='panel']")
    assert page.is_visible(".pm-list")
    _assert_clean(trace)


def test_downloads_hold_every_project(stacked, page_factory, tmp_path):
    prj, out = stacked
    page, trace = page_factory(out)
    wait_ready(page)
    with page.expect_download() as dl:
        page.click("button[data-action='geojson']")
    fc = json.loads(open(dl.value.path(), encoding="utf-8").read())
    assert sorted(f["properties"]["name"] for f in fc["features"]) == sorted(prj["name"])
    kinds = {f["properties"]["name"]: f["geometry"]["type"] for f in fc["features"]}
    assert kinds["滨河大道"] == "LineString" and kinds["=1+1公园"] == "Point"
    park = next(f for f in fc["features"] if f["properties"]["id"] == "p1")
    assert park["geometry"]["coordinates"] == pytest.approx(list(prj.geometry.iloc[6].coords[0]), abs=1e-6)
    with page.expect_download() as dl:
        page.click("button[data-action='csv']")
    assert dl.value.suggested_filename == "plan-a.csv"
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["name"] for r in rows) == sorted(["'=1+1公园", *[n for n in prj["name"] if n != "=1+1公园"]])
    assert {r["category_label"] for r in rows} >= {"道路", "公园绿地"}
    assert next(r for r in rows if r["id"] == "p3")["wkt"].startswith("LINESTRING")
    _assert_clean(trace)


def test_a_line_is_redrawn_by_clicking_its_course(stacked, page_factory):
    prj, out = stacked
    page, trace = page_factory(out)
    wait_ready(page)
    key = list(prj["name"]).index("滨河大道")
    page.click("button[data-action='edit']")
    page.click(f".pm-row[data-pm-key='{key}']")
    page.click(".leaflet-popup-content button[data-action='redraw']")
    box = page.locator("#pm-map").bounding_box()
    x, y = box["x"] + 150, box["y"] + box["height"] - 120
    for dx, dy in ((0, 0), (60, -20), (120, -10)):
        page.mouse.click(x + dx, y + dy)
        page.wait_for_timeout(350)  # apart, so no two clicks make a double-click
    page.mouse.dblclick(x + 180, y)
    line = page.evaluate(f"() => planmap.corrections[{key}].line")
    assert len(line) == 4, line
    row = next(csv.DictReader(io.StringIO(page.evaluate("() => planmap.overridesCsv()").lstrip("\ufeff"))))
    assert row["kind"] == "line" and row["wkt"].startswith("LINESTRING(") and row["wkt"].count(",") == 3
    assert page.evaluate(f"() => planmap.shapes[{key}].getLayers()[0].getLatLngs().length") == 4
    _assert_clean(trace)


# ------------------------------------------------------------------ corrections round trip

PLAN = """铁岭市加快推进重点项目建设三年行动方案

铁岭市人民政府
2023年3月1日

一、重点任务
（一）重点项目
加快推进铁岭县腰堡镇康养基地建设，力争2025年完工。
加快建设凡河新区物流园，2025年底前完成。
推进沈铁城际铁路建设。
"""


def _drag(page, selector: str, dx: int, dy: int) -> None:
    box = page.locator(selector).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x + dx * k / 10, y + dy * k / 10)
    page.mouse.up()


def test_drag_export_rebuild_puts_the_project_where_it_was_dragged(tmp_path, page_factory):
    doc = tmp_path / "tieling.txt"
    doc.write_text(PLAN, encoding="utf-8")
    first = build([doc], out=tmp_path / "one", maps=True, offline=True)
    names = list(first.projects["name"])
    assert {"铁岭县腰堡镇康养基地", "凡河新区物流园"} <= set(names)
    page, trace = page_factory(tmp_path / "one" / "plans" / "tieling.html")
    wait_ready(page)
    key = names.index("铁岭县腰堡镇康养基地")
    drop = names.index("凡河新区物流园")
    page.click(f".pm-row[data-pm-key='{key}']")
    page.click("button[data-action='edit']")
    page.keyboard.press("Escape")
    page.evaluate("() => planmap.map.closePopup()")
    _drag(page, f".pm-badge[data-pm-key='{key}']", 120, -60)
    moved = page.evaluate(f"() => planmap.corrections[{key}].moved")
    rail = names.index("沈铁城际铁路")
    course = [[41.80, 123.43], [42.00, 123.60], [42.28, 123.84]]  # Shenyang -> Tieling, by hand
    assert page.evaluate(f"() => planmap.redraw({rail}, {course})")
    # mark another project "not a project" from its popup
    page.click(f".pm-row[data-pm-key='{drop}']")
    page.click(".leaflet-popup-content button[data-action='drop']")
    assert page.inner_text("button[data-action='overrides']").endswith("（3）")
    with page.expect_download() as dl:
        page.click("button[data-action='overrides']")
    overrides = tmp_path / "overrides.csv"
    dl.value.save_as(overrides)
    _assert_clean(trace)

    second = build([doc], out=tmp_path / "two", maps=True, offline=True, overrides=str(overrides))
    g = second.projects
    assert "凡河新区物流园" not in set(g["name"])
    row = g[g["name"] == "铁岭县腰堡镇康养基地"].iloc[0]
    assert (row["precision"], row["location_source"]) == ("user", "override")
    assert (row.geometry.y, row.geometry.x) == pytest.approx(tuple(moved), abs=1e-6)
    rail_row = g[g["name"] == "沈铁城际铁路"].iloc[0]
    assert rail_row["precision"] == "user" and rail_row.geometry.geom_type == "LineString"
    got = [v for x, y in rail_row.geometry.coords for v in (y, x)]
    assert got == pytest.approx([v for p in course for v in p], abs=1e-6)
    page, trace = page_factory(tmp_path / "two" / "plans" / "tieling.html")
    wait_ready(page)
    assert "凡河新区物流园" not in visible_names(page)
    page.click(".pm-row:has-text('铁岭县腰堡镇康养基地')")
    popup = page.inner_text(".leaflet-popup-content")
    assert "用户校正 (user)" in popup and "用户校正 (override)" in popup
    screenshot(page, "ux-corrected")
    _assert_clean(trace)


def test_a_correction_on_gaode_tiles_is_recorded_in_wgs84(tmp_path, page_factory, counties):
    from planmap.reference.datum import gcj02_to_wgs84

    prj = stacked_plan(counties)
    out = render.render_plan_map(prj, counties, "plan-a", "t", tmp_path / "gaode.html", tiles="gaode")
    page, trace = page_factory(out, serve_cdn=True)
    wait_ready(page)
    shown = page.evaluate("() => { var l = planmap.layers[6].getLatLng(); return [l.lat, l.lng]; }")
    target = [shown[0] + 0.01, shown[1] + 0.02]  # GCJ-02, as drawn on GaoDe tiles
    page.evaluate(f"() => planmap.move(6, {target[0]}, {target[1]})")
    moved = page.evaluate("() => planmap.corrections[6].moved")
    lon, lat = gcj02_to_wgs84(target[1], target[0])
    assert moved == pytest.approx([lat, lon], abs=2e-6)
    row = next(csv.DictReader(io.StringIO(page.evaluate("() => planmap.overridesCsv()").lstrip("\ufeff"))))
    assert row["wkt"] == f"POINT({moved[1]:.6f} {moved[0]:.6f})" and row["datum"] == "wgs84"
    assert row["name"] == "'=1+1公园" and row["county_adcodes"] == prj["county_adcodes"].iloc[6][0]
    assert trace.page_errors == [] and trace.console_errors == []


# ------------------------------------------------------------------ screenshots against references

REFERENCES = Path(__file__).resolve().parents[1] / "references"


def _compare(png: Path, name: str, tolerance: float = 0.01) -> None:
    """Fail when more than ``tolerance`` of the pixels differ visibly from the committed reference.

    ``PLANMAP_UPDATE_REFERENCES=1`` rewrites the reference instead (review the image, then commit).
    """
    from PIL import Image, ImageChops

    ref = REFERENCES / f"{name}.png"
    if os.environ.get("PLANMAP_UPDATE_REFERENCES") == "1" or not ref.exists():
        if os.environ.get("CI") and not ref.exists():
            pytest.fail(f"{ref} missing")
        REFERENCES.mkdir(exist_ok=True)
        shutil.copyfile(png, ref)
        return
    with Image.open(png) as a, Image.open(ref) as b:
        assert a.size == b.size, (a.size, b.size)
        diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L").point(lambda v: 255 if v > 40 else 0)
        changed = sum(diff.histogram()[255:]) / (a.size[0] * a.size[1])
    assert changed <= tolerance, f"{name}: {changed:.2%} of the pixels differ from {ref} (see {png})"


def test_plan_and_city_maps_look_as_before(tmp_path, page_factory, counties):
    prj = stacked_plan(counties)
    plan = render.render_plan_map(prj, counties, "plan-a", "测试市重点项目方案", tmp_path / "plan.html", offline=True)
    city = render.render_region_map(synth.projects(counties, 12), counties, "210100", "测试市", "city",
                                    tmp_path / "city.html", offline=True)
    for name, path in (("plan-map", plan), ("city-map", city)):
        page, trace = page_factory(path, width=1100, height=700)
        wait_ready(page)
        page.wait_for_timeout(300)
        _compare(screenshot(page, f"ref-{name}"), name)
        _assert_clean(trace)
