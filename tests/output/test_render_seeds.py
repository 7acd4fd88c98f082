"""Every map of the five-seed build (offline) opened from disk in headless Chromium.

One browser (the session fixture of render_browser), one page reused for every map: each
navigation gets a fresh Trace. Every request for a non-file URL is recorded and aborted, so
an offline map must make none. Screenshots go to test-artifacts/ (git-ignored).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import SEEDS, require_folder  # module-scoped fixtures cannot use seeds_dir
from planmap.builder import build
from render_browser import Trace, distinct_colours, screenshot, wait_ready
from test_build_seeds import TIELING  # a small plan of our own naming 沈铁城际铁路

pytestmark = pytest.mark.browser

LOCAL = ("file:", "data:", "about:", "blob:")
MAX_PLAN_MAP_BYTES = 2_000_000




@pytest.fixture(scope="module")
def built(tmp_path_factory):
    paths = sorted(require_folder(SEEDS, "seed documents").glob("*.txt"))
    assert len(paths) == 5, paths
    t = time.perf_counter()
    result = build(paths, out=tmp_path_factory.mktemp("seeds-maps"), maps=True, offline=True)
    print(f"\nbuild of {len(paths)} seeds: {time.perf_counter() - t:.2f} s")
    assert result.failures == []
    return result


def _features(built) -> list[dict]:
    raw = json.loads((built.out / "data" / "projects.geojson").read_text(encoding="utf-8"))
    return [f["properties"] for f in raw["features"]]


def _plan_features(built, plan_id: str) -> list[dict]:
    raw = json.loads((built.out / "data" / "plans" / f"{plan_id}.geojson").read_text(encoding="utf-8"))
    return raw["features"]


class Viewer:
    """One page, reused: ``open(path)`` navigates and returns the Trace of that navigation."""

    def __init__(self, browser):
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 860}, service_workers="block")
        self.page = self.ctx.new_page()
        self.trace = Trace()
        self.page.on("console", lambda m: self.trace.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.trace.page_errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        # every request, routed or not (the route sees the ones Chromium lets it see)
        self.ctx.on("request", self._seen)
        self.ctx.route("**/*", self._route)
        self.routed: list[str] = []

    def _dialog(self, d):
        self.trace.dialogs.append(d.message)
        d.dismiss()

    def _seen(self, request):
        if not request.url.startswith(LOCAL):
            self.trace.requests.append(request.url)

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.routed.append(url)
            route.abort()

    def open(self, path: Path, ready: bool = True) -> Trace:
        self.trace = Trace()
        self.page.goto(Path(path).resolve().as_uri())
        if ready:
            wait_ready(self.page)
        return self.trace

    def drawn_ids(self) -> list[str]:
        # projects on the map, alone or inside a cluster
        return self.page.evaluate(
            "() => { var ids = {}; planmap.features.forEach(function (f) {"
            " if (f._on && planmap.cluster.hasLayer(planmap.layers[f.key])) { ids[f.id] = 1; } });"
            " return Object.keys(ids); }"
        )

    def close(self):
        self.ctx.close()


@pytest.fixture(scope="module")
def viewer(browser):
    v = Viewer(browser)
    yield v
    assert v.routed == [], f"requests for non-file URLs: {v.routed}"
    v.close()


def _assert_clean(trace: Trace, what: str) -> None:
    assert trace.page_errors == [], (what, trace.page_errors)
    assert trace.console_errors == [], (what, trace.console_errors)
    assert trace.dialogs == [], (what, trace.dialogs)
    assert trace.requests == [], (what, "network requests", trace.requests)


# ------------------------------------------------------------------ plan maps


def test_plan_maps_are_small(built):
    for plan in built.plans:
        path = built.out / "plans" / f"{plan.id}.html"
        assert path.stat().st_size < MAX_PLAN_MAP_BYTES, (plan.id, path.stat().st_size)


def test_plan_maps_draw_every_project_cleanly_offline(built, viewer):
    timings = []
    for plan in built.plans:
        feats = _plan_features(built, plan.id)
        assert feats, plan.id
        t = time.perf_counter()
        trace = viewer.open(built.out / "plans" / f"{plan.id}.html")
        timings.append((plan.id, time.perf_counter() - t))
        assert viewer.page.evaluate("() => planmap.count()") == len(feats), plan.id
        assert sorted(viewer.drawn_ids()) == sorted(f["properties"]["id"] for f in feats), plan.id
        png = screenshot(viewer.page, f"seed-plan-{plan.id}")
        colours = distinct_colours(png)
        assert colours > 200, (plan.id, colours, "the map looks blank")
        viewer.page.wait_for_timeout(100)  # late errors (tiles, fonts) would land here
        _assert_clean(trace, plan.id)
    print("\n" + "\n".join(f"{pid}: ready in {s:.2f} s" for pid, s in timings))


_OVERLAPS = """() => {
  var icons = Array.from(document.querySelectorAll('#pm-map .leaflet-marker-pane .leaflet-marker-icon'));
  var pts = icons.map(function (e) {
    var r = e.getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2, count: e.querySelector('.pm-cluster') !== null,
            id: (e.querySelector('[data-pm-id]') || e).getAttribute('data-pm-id')};
  });
  var clashes = [];
  for (var i = 0; i < pts.length; i++) {
    for (var j = i + 1; j < pts.length; j++) {
      var d = Math.hypot(pts[i].x - pts[j].x, pts[i].y - pts[j].y);
      if (d < 11) { clashes.push([pts[i].id, pts[j].id, Math.round(d)]); }
    }
  }
  return {icons: pts.length, clusters: pts.filter(function (p) { return p.count; }).length, clashes: clashes};
}"""


def test_plan_maps_list_every_project_and_stack_none_at_the_initial_view(built, viewer):
    for plan in built.plans:
        feats = _plan_features(built, plan.id)
        trace = viewer.open(built.out / "plans" / f"{plan.id}.html")
        names = viewer.page.eval_on_selector_all(".pm-row:not([hidden]) .pm-row-name",
                                                 "els => els.map(e => e.textContent)")
        assert sorted(names) == sorted(f["properties"]["name"] for f in feats), plan.id
        seen = viewer.page.evaluate(_OVERLAPS)
        # every symbol is a lone project or a cluster showing its count; none hides another
        assert seen["clashes"] == [], (plan.id, seen)
        counts = viewer.page.eval_on_selector_all(
            "#pm-map .leaflet-marker-pane .pm-cluster", "els => els.map(e => Number(e.textContent))")
        assert sum(counts) + seen["icons"] - seen["clusters"] == len(feats), plan.id
        _assert_clean(trace, plan.id)


# ------------------------------------------------------------------ region maps


def _region_ids(feats: list[dict], region: dict, county_city: dict[str, str]) -> tuple[set[str], set[str]]:
    """(must, may): the projects a region map has to draw, and those it may draw.

    A county map draws exactly the projects whose county_adcodes hold the county. A city map
    draws at least those whose city_adcode is the city (the build's _start_maps selects them so)
    and at most those plus the ones running through one of its counties (the rows that
    regions.csv counts).
    """
    code = region["adcode"]
    if region["level"] == "county":
        ids = {p["id"] for p in feats if code in p["county_adcodes"]}
        return ids, ids
    must = {p["id"] for p in feats if p["city_adcode"] == code}
    may = must | {p["id"] for p in feats if any(county_city.get(c) == code for c in p["county_adcodes"])}
    return must, may


def test_region_maps_draw_their_projects_cleanly_offline(built, viewer):
    feats = _features(built)
    assert built.regions
    on_disk = {p.stem for p in (built.out / "regions").glob("*.html")}
    assert on_disk == {r["adcode"] for r in built.regions}
    county_city = {r["adcode"]: r["city_adcode"] for r in built.regions if r["level"] == "county"}
    for region in built.regions:
        must, may = _region_ids(feats, region, county_city)
        what = f"{region['adcode']} {region['name']} ({region['level']})"
        if region["level"] == "county":
            assert len(must) == region["projects"], what  # regions.csv agrees with the county map
        trace = viewer.open(built.out / "regions" / f"{region['adcode']}.html")
        drawn = viewer.drawn_ids()
        assert viewer.page.evaluate("() => planmap.count()") == len(drawn), what
        assert must <= set(drawn) <= may, (what, "missing", must - set(drawn), "extra", set(drawn) - may)
        _assert_clean(trace, what)


# ------------------------------------------------------------------ index


def test_index_links_resolve_and_cover_every_map(built, viewer):
    index = built.out / "index.html"
    trace = viewer.open(index, ready=False)
    hrefs = viewer.page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    assert hrefs
    targets = set()
    for href in hrefs:
        assert href.startswith("file://"), href
        path = Path(unquote(urlsplit(href).path))
        assert path.is_file(), href
        targets.add(path.resolve())
    maps = {p.resolve() for p in (built.out / "plans").glob("*.html")} | {
        p.resolve() for p in (built.out / "regions").glob("*.html")}
    assert targets == maps
    _assert_clean(trace, "index")
    # and a link opens a working map
    first = built.plans[0].id
    viewer.page.click(f"a[href='plans/{first}.html']")
    wait_ready(viewer.page)
    assert viewer.page.evaluate("() => planmap.count()") == len(_plan_features(built, first))
    _assert_clean(trace, "index -> plan map")


# ------------------------------------------------------------------ region maps: known gaps (small plans of our own)



@pytest.fixture(scope="module")
def cross_city(tmp_path_factory):
    src = tmp_path_factory.mktemp("cross-city") / "tieling.txt"
    src.write_text(TIELING, encoding="utf-8")
    result = build([src], out=tmp_path_factory.mktemp("cross-city-maps"), maps=True, offline=True)
    g = result.projects
    row = g[g["name"] == "沈铁城际铁路"]
    assert len(row) == 1
    # the line runs through counties of two cities (沈阳市 and 铁岭市) and has one city_adcode
    cities = {r["city_adcode"] for r in result.regions if r["adcode"] in row["county_adcodes"].iloc[0]}
    assert cities == {"210100", "211200"}, cities
    return result


def test_city_map_shows_every_project_in_its_counties(cross_city, viewer):
    for region in cross_city.regions:
        if region["level"] != "city":
            continue
        viewer.open(cross_city.out / "regions" / f"{region['adcode']}.html")
        shown = viewer.page.evaluate("() => planmap.count()")
        assert shown == region["projects"], (region["adcode"], region["name"], shown, region["projects"])
