"""planmap.output.render: static HTML maps that read well, resist hostile text and work offline."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

import render_synth as synth
from planmap.errors import PlanmapError
from planmap.output import render
from planmap.output.mapelements import js_literal
from render_browser import distinct_colours, screenshot, wait_ready

HOSTILE = [
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(2)>",
    "</script><script>window.__pwned=1</script>",
]
TEMPLATE_LITERAL = "${window.__pwned=2}`"


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return synth.counties(4, 4, 40)


@pytest.fixture(scope="module")
def projects(counties) -> gpd.GeoDataFrame:
    return synth.projects(counties, 30)


def hostile_projects(counties) -> gpd.GeoDataFrame:
    c = counties.iloc[0]
    p = c.geometry.representative_point()
    rows = []
    for i, bad in enumerate(HOSTILE + [TEMPLATE_LITERAL]):
        rows.append(
            synth.project(
                f"h{i}\"><b>", f"项目{bad}{i}", "road" if i else "bridge",
                Point(p.x + 0.01 * i, p.y) if i != 1 else LineString([(p.x, p.y), (p.x + 0.05, p.y + 0.02)]),
                precision="exact" if i < 2 else "county",
                section=f"章节{bad}", evidence=f"推进项目{bad}{i}建设{bad}", lead_units=[bad, "市交通局"],
                support_units=[bad], plan_title=f"规划{bad}", deadline=bad,
                figures=[{"kind": bad, "value": 1.0, "unit": bad, "text": bad}],
                location_source="javascript:alert(3)" if i == 0 else f"https://example.org/?q={bad}",
                counties=[bad], county_adcodes=[c["adcode"]], city_adcode=c["city_adcode"],
            )
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


# ------------------------------------------------------------------ without a browser


def test_js_literal_cannot_close_a_script():
    text = js_literal({"a": "</script><!-- \u2028\u2029 & >"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028\u2029 & >"}


def test_styles_cover_every_category_and_lines_differ():
    st = render.load_styles()
    assert set(synth.CATEGORIES) <= set(st.categories)
    looks = {k: (c["weight"], c["dash"], c["casing"], json.dumps(c["overlay"])) for k, c in st.categories.items()}
    assert len({looks["road"], looks["highway"], looks["railway"]}) == 3
    assert st.precision["county"]["radius_m"] == 15000 and st.precision["exact"]["solid"]


def page_data(path: Path) -> dict:
    """The JSON a saved page hands to its runtime."""
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="pm-data">(.*?)</script>', text, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def test_details_are_plain_text_and_sources_readable():
    row = synth.project("x", "<b>新桥</b>", "bridge", Point(123.8, 42.2), evidence="建设<b>新桥</b>。",
                        location_source="javascript:alert(1)", precision="county")
    d = render.project_details(row)
    assert d["ev"] == "建设<b>新桥</b>。"  # text, shown with textContent
    assert d["src"] == {"href": "", "text": "javascript:alert(1)"}  # only http(s) sources become links
    assert render.precision_label("county") == "县级定位 (county)"
    wiki = "https://zh.wikipedia.org/wiki/%E6%B2%88%E9%98%B3%E7%AB%99"
    assert render.source_link(wiki) == {"href": wiki, "text": "https://zh.wikipedia.org/wiki/沈阳站"}
    assert render.source_link("override")["text"] == "用户校正 (override)"


def test_offline_map_inlines_everything(tmp_path, projects, counties):
    out = render.render_plan_map(projects, counties, "plan-a", "测试规划", tmp_path / "p.html", offline=True)
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html)
    assert "cdn.jsdelivr" not in html and "bootstrap" not in html.lower() and "fontawesome" not in html.lower()
    assert 'tile.openstreetmap' not in html  # offline means no tiles unless asked
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temp file


def test_online_map_links_only_leaflet_and_markercluster(tmp_path, projects, counties):
    html = render.render_plan_map(projects, counties, "plan-a", "t", tmp_path / "p.html").read_text(encoding="utf-8")
    urls = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"([^\"]+)\"", html)
    assert sorted(u.split("/npm/")[1].split("@")[0] for u in urls) == [
        "leaflet", "leaflet", "leaflet.markercluster", "leaflet.markercluster"]
    assert all('integrity="sha384-' in t for t in re.findall(r"<(?:script|link)[^>]+(?:src|href)=[^>]+>", html))
    assert "tile.openstreetmap.org" in html


def test_plan_map_with_100_counties_and_100_projects_is_small(tmp_path):
    cties = synth.counties(10, 10, 400)  # 160 k vertices before simplification
    prj = synth.projects(cties, 100)
    for offline in (False, True):
        size = render.render_plan_map(prj, cties, "plan-a", "t", tmp_path / f"{offline}.html", offline=offline).stat().st_size
        assert size < 1_500_000, size


def test_sparse_rows_and_missing_geometry(tmp_path, counties):
    rows = [synth.project("a", "无坐标项目", "water", None), synth.project("b", "怪类别", "spaceport", Point(123.8, 42.2))]
    prj = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    prj.loc[1, "deadline"] = None
    prj["figures"] = [None, [{"kind": "count", "value": 3, "unit": "座", "text": "3座"}]]
    prj = prj.drop(columns=["support_units", "confidence"])
    features, _ = render.project_features(prj)
    assert [f["id"] for f in features] == ["b"] and features[0]["c"] == "other"
    data = page_data(render.render_plan_map(prj, counties, "plan-a", "t", tmp_path / "s.html", offline=True))
    assert data["stats"]["drawn"] == 1 and data["stats"]["total"] == 2


def test_bad_tiles_and_levels_raise(tmp_path, projects, counties):
    with pytest.raises(PlanmapError):
        render.render_plan_map(projects, counties, "plan-a", "t", tmp_path / "x.html", tiles="bing")
    with pytest.raises(PlanmapError):
        render.render_region_map(projects, counties, "210000", "辽宁", "province", tmp_path / "x.html")


def test_explore_returns_a_styled_folium_map(projects, counties):
    m = render.explore(projects, counties, title="探索")
    assert isinstance(m, folium.Map)
    html = m.get_root().render()
    assert "planmap.attach" in html and "WenQuanYi Micro Hei" in html
    assert all(name in html for name in projects["name"])


def test_index_escapes_and_quotes_links(tmp_path):
    plans = [{"id": "a b#<x>", "title": "<script>alert(1)</script>", "counts": {"road": 2, "railway": 1}}]
    regions = [{"adcode": "210100", "name": "<i>沈阳市</i>", "level": "city", "counts": {"water": 3}}]
    html = render.render_index(plans, regions, tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<i>" not in html
    assert 'href="plans/a%20b%23%3Cx%3E.html"' in html and 'href="regions/210100.html"' in html
    assert "道路" in html and "铁路" in html and "水利" in html


# ------------------------------------------------------------------ in Chromium


def _assert_clean(trace):
    assert trace.page_errors == [], trace.page_errors
    assert trace.console_errors == [], trace.console_errors
    assert trace.dialogs == [], trace.dialogs


@pytest.mark.browser
def test_offline_plan_map_in_browser(tmp_path, page_factory, projects, counties):
    out = render.render_plan_map(projects, counties, "plan-a", "测试规划", tmp_path / "plan.html", offline=True)
    page, trace = page_factory(out)
    wait_ready(page)
    assert page.evaluate("() => planmap.count()") == len(projects)
    assert page.evaluate("() => document.querySelectorAll('.pm-legend li').length") > 5
    png = screenshot(page, "offline-plan-map")
    assert distinct_colours(png) > 200
    _assert_clean(trace)
    assert trace.requests == []  # no network request at all


@pytest.mark.browser
def test_online_maps_load_from_cdn_and_tiles(tmp_path, page_factory, projects, counties):
    for tiles in ("osm", "gaode"):
        out = render.render_plan_map(projects, counties, "plan-a", "测试规划", tmp_path / f"{tiles}.html", tiles=tiles)
        page, trace = page_factory(out, serve_cdn=True)
        wait_ready(page)
        assert page.evaluate("() => planmap.count()") == len(projects)
        _assert_clean(trace)
        hosts = {re.sub(r"^https?://([^/]+)/.*$", r"\1", u) for u in trace.requests}
        assert "cdn.jsdelivr.net" in hosts
        assert any("openstreetmap" in h or "autonavi" in h for h in hosts), hosts
        assert not any("bootstrap" in u or "fontawesome" in u or "cloudflare" in u for u in trace.requests)
        screenshot(page, f"online-{tiles}")


@pytest.mark.browser
def test_city_region_map_has_choropleth(tmp_path, page_factory, projects, counties):
    projects = projects.iloc[:20]  # counties 1-4 get two projects, 5-8 one
    out = render.render_region_map(projects, counties, "210100", "测试市", "city", tmp_path / "r.html", offline=True)
    page, trace = page_factory(out)
    wait_ready(page)
    expected = len(render.region_projects(projects, "210100", "city"))
    assert 0 < expected < len(projects)
    assert page.evaluate("() => planmap.count()") == expected
    fills = page.evaluate(
        "() => Array.from(document.querySelectorAll('.leaflet-pmCounties-pane path')).map(p => p.getAttribute('fill'))"
    )
    assert len(fills) == 8 and len(set(fills)) >= 2  # 8 counties in city 210100, shaded by count
    assert "各县区项目数" in page.inner_text(".pm-legend")
    screenshot(page, "region-city")
    _assert_clean(trace)
    assert trace.requests == []


def popup_text(page, key: int) -> str:
    """Open a project's popup through the list's focus action and return its text."""
    page.evaluate(f"() => planmap.focus({key})")
    return page.inner_text(".leaflet-popup-content")


@pytest.mark.browser
def test_hostile_text_is_shown_not_run(tmp_path, page_factory, counties):
    prj = hostile_projects(counties)
    out = render.render_plan_map(prj, counties, "plan-a", HOSTILE[2], tmp_path / "hostile.html", offline=True)
    page, trace = page_factory(out)
    wait_ready(page)
    page.wait_for_timeout(300)
    assert page.evaluate("() => planmap.count()") == len(prj)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], .leaflet-container script').length") == 0
    for key in range(len(prj)):
        text = page.evaluate(
            f"() => {{ planmap.focus({key}); return document.querySelector('.leaflet-popup-content').textContent; }}"
        )
        bad = (HOSTILE + [TEMPLATE_LITERAL])[key]
        assert text.count(bad) >= 5, (key, text)  # name, section, evidence x2, units, ...
        assert page.evaluate("() => document.querySelectorAll('.leaflet-popup-content mark').length") >= 1
        assert page.evaluate("() => document.querySelector('.leaflet-popup-content a[href^=\"javascript\"]')") is None
    # the list shows hostile names as text, and its search finds them
    names = page.eval_on_selector_all(".pm-row .pm-row-name", "els => els.map(e => e.textContent)")
    assert sorted(names) == sorted(prj["name"])
    page.fill(".pm-search-input", "script")
    shown = page.eval_on_selector_all(".pm-row:not([hidden]) .pm-row-name", "els => els.map(e => e.textContent)")
    assert f"项目{HOSTILE[0]}0" in shown and len(shown) == 2
    page.click(".pm-row:not([hidden])")
    page.wait_for_timeout(200)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.title() == HOSTILE[2]
    assert page.inner_text(".pm-header h1") == HOSTILE[2]
    screenshot(page, "hostile")
    _assert_clean(trace)


@pytest.mark.browser
def test_gaode_shifts_geometry_to_gcj02(tmp_path, page_factory, counties):
    prj = gpd.GeoDataFrame(
        [synth.project("s", "沈阳站", "railway", Point(123.43, 41.80))], geometry="geometry", crs="EPSG:4326"
    )
    where = {}
    for tiles in ("osm", "gaode"):
        out = render.render_plan_map(prj, counties, "plan-a", "t", tmp_path / f"{tiles}.html", tiles=tiles)
        page, trace = page_factory(out, serve_cdn=True)
        wait_ready(page)
        where[tiles] = page.evaluate("() => { var l = planmap.layers[0].getLatLng(); return [l.lat, l.lng]; }")
        _assert_clean(trace)
    (lat0, lon0), (lat1, lon1) = where["osm"], where["gaode"]
    east = (lon1 - lon0) * 111_320 * 0.7457  # cos(41.8°)
    north = (lat1 - lat0) * 110_950
    assert 450 < east < 600 and 0 < north < 350, (east, north)  # ~510 m east, ~270 m north
    assert (lat0, lon0) == pytest.approx((41.80, 123.43))
    assert (lat1, lon1) == pytest.approx((41.802430, 123.436137), abs=2e-6)


@pytest.mark.browser
def test_empty_plan_map_opens_clean(tmp_path, page_factory, projects, counties):
    out = render.render_plan_map(projects, counties, "no-such-plan", "空规划", tmp_path / "empty.html", offline=True)
    page, trace = page_factory(out)
    wait_ready(page)
    assert page.evaluate("() => planmap.count()") == 0
    assert "本图没有可绘制的项目" in page.inner_text(".pm-legend")
    assert "没有可上图的项目" in page.inner_text(".pm-panel")
    assert "没有识别出项目" in page.inner_text(".pm-header")
    _assert_clean(trace)
    assert trace.requests == []


@pytest.mark.browser
def test_index_links_resolve(tmp_path, page_factory, projects, counties):
    for plan in ("plan-a", "plan b"):
        render.render_plan_map(projects.assign(plan=plan), counties, plan, plan, tmp_path / "plans" / f"{plan}.html", offline=True)
    render.render_region_map(projects, counties, "210100", "测试市", "city", tmp_path / "regions" / "210100.html", offline=True)
    plans = [{"id": p, "title": p, "counts": {"road": 1}} for p in ("plan-a", "plan b")]
    regions = [{"adcode": "210100", "name": "测试市", "level": "city", "counts": {"road": 2}}]
    out = render.render_index(plans, regions, tmp_path / "index.html")
    page, trace = page_factory(out)
    hrefs = page.eval_on_selector_all("a", "els => els.map(a => a.href)")
    assert len(hrefs) == 3
    for href in hrefs:
        assert href.startswith("file://")
        from urllib.parse import unquote, urlsplit

        assert Path(unquote(urlsplit(href).path)).is_file(), href
    page.click("text=plan b")
    wait_ready(page)
    assert page.evaluate("() => planmap.count()") == len(projects)
    _assert_clean(trace)


@pytest.mark.browser
def test_a_100_project_map_draws_everything(tmp_path, page_factory):
    cties = synth.counties(10, 10, 400)
    prj = synth.projects(cties, 100)
    t0 = time.perf_counter()
    out = render.render_plan_map(prj, cties, "plan-a", "t", tmp_path / "big.html", offline=True)
    build = time.perf_counter() - t0
    page, trace = page_factory(out)
    wait_ready(page)
    ready_ms = page.evaluate("() => planmap.readyAt")
    assert page.evaluate("() => planmap.count()") == 100
    print(f"\n100-project map: build {build:.2f} s, {out.stat().st_size / 1e6:.2f} MB, drawn {ready_ms:.0f} ms after navigation")
    assert ready_ms > 0
    screenshot(page, "plan-100")
    _assert_clean(trace)
