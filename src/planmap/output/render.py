"""Static HTML maps of plan projects: one page per plan, per region, and an index page.

Each page is rendered once from one template (see :mod:`planmap.output.mapelements`): the projects,
counties and header go into the page as one JSON literal, and the inline runtime
(``data/templates/planmap.js``) builds the map, popups, project list and legend from it with
``textContent``. No template is ever compiled from rendered output or from document text.
Styling comes from ``data/styles.toml``. ``offline=True`` pages inline every library and need
no network at all.
"""
from __future__ import annotations

import html
import math
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from planmap.errors import PlanmapError
from planmap.output.mapelements import raw_html, render_attach, render_index_page, render_page
from planmap.output.offline import assert_no_remote_assets
from planmap.output.styles import load_styles

if TYPE_CHECKING:
    import folium

TILES = ("osm", "gaode", "none")
_TILE_LABELS = {"osm": "OpenStreetMap", "gaode": "高德地图（GCJ-02）", "none": "无底图"}
_FIGURE_KINDS = {"length": "长度", "count": "数量", "capacity": "规模", "investment": "投资", "area": "面积"}
_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTR = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
_MAX_ZOOM = 18


# ---------------------------------------------------------------- small helpers


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return False


def _text(row: Any, key: str) -> str:
    value = row.get(key) if hasattr(row, "get") else None
    return "" if _missing(value) else str(value)


def _list(row: Any, key: str) -> list[Any]:
    value: Any = row.get(key) if hasattr(row, "get") else None
    if _missing(value) or isinstance(value, str | bytes):
        return [value] if isinstance(value, str) and value else []
    try:
        return list(value)
    except TypeError:
        return []


def _records(df: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """The rows as dicts (geometry left out), in one pass.

    Per-row or per-column access to a GeoDataFrame costs about a millisecond a call.
    """
    cols = list(df.columns)
    geometry = df.geometry.name  # once: each df.geometry builds a GeoSeries
    keep = [i for i, c in enumerate(cols) if c != geometry]
    return [{cols[i]: row[i] for i in keep} for row in df.to_numpy(dtype=object)]


def _http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` (mode 0644) via a short-named temp file and ``os.replace``.

    The temp name does not grow with ``path``'s name, so a name near the file system's limit
    still works.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pm-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


# ---------------------------------------------------------------- project details


def precision_label(precision: str) -> str:
    """Chinese and English, e.g. ``县级定位 (county)``."""
    p = load_styles().precision.get(precision)
    if not p:
        return f"未知精度 ({precision or 'unknown'})"
    return f"{p['label']} ({p['en']})"


def _figures(figures: Iterable[Any]) -> list[list[str]]:
    """[text, detail] per extracted figure, e.g. ["全长12.5公里", "长度 12.5km"]."""
    out = []
    for f in figures:
        if not isinstance(f, dict):
            out.append([str(f), ""])
            continue
        kind = _FIGURE_KINDS.get(str(f.get("kind", "")), str(f.get("kind", "")))
        value = f.get("value")
        shown = "" if _missing(value) else format(value, "g") if isinstance(value, float | int) else str(value)
        out.append([str(f.get("text") or ""), f"{kind} {shown}{f.get('unit') or ''}".strip()])
    return out


def source_link(source: str) -> dict[str, str]:
    """How a location source is shown: ``href`` only for http(s) URLs, ``text`` readable.

    URLs are shown decoded (``…/wiki/沈阳站``, not ``%E6%B2%88…``); the link keeps the URL as is.
    """
    if _http_url(source):
        return {"href": source, "text": unquote(source, errors="replace")}
    if source == "admin-centroid":
        return {"href": "", "text": "行政区中心点 (admin-centroid)"}
    if source == "override":
        return {"href": "", "text": "用户校正 (override)"}
    if source.startswith("gazetteer:"):
        return {"href": "", "text": f"地名库 {source}"}
    return {"href": "", "text": source}


def _confidence(row: Any) -> str:
    value: Any = row.get("confidence") if hasattr(row, "get") else None
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return ""


def line_length(row: Any) -> str:
    """The popup's length of a line from its kilometres per county: "12.3 km", or "约 12 km（估算）"
    when they are estimates (a course between end units: the road is longer or shorter).
    """
    per_county = row.get("county_km") if hasattr(row, "get") else None
    if not isinstance(per_county, dict) or not per_county:
        return ""
    total = sum(float(v) for v in per_county.values())
    if total <= 0:
        return ""
    if bool(row.get("km_estimated", False)):
        why = "：按两端位置连线" if row.get("location_method") == "route-course" else ""
        return f"约 {total:.0f} km（估算{why}）"
    return f"{total:.1f} km"


def project_details(row: Any) -> dict[str, Any]:
    """The popup and download fields of one project, as plain text (shown with textContent)."""
    return {
        "km": line_length(row),
        "plan": _text(row, "plan"),
        "planTitle": _text(row, "plan_title"),
        "section": _text(row, "section"),
        "lead": [str(u) for u in _list(row, "lead_units")],
        "support": [str(u) for u in _list(row, "support_units")],
        "deadline": _text(row, "deadline"),
        "figures": _figures(_list(row, "figures")),
        "conf": _confidence(row),
        "src": source_link(_text(row, "location_source")),
        "ev": _text(row, "evidence"),
        "prov": _text(row, "province"),
        "city": _text(row, "city_adcode"),
        "ca": [str(a) for a in _list(row, "county_adcodes")],
    }


# ---------------------------------------------------------------- geometry for display


def _display_transform(tiles: str) -> Callable[[np.ndarray], np.ndarray] | None:
    """The coordinate shift for the base map: GaoDe tiles are GCJ-02, everything else WGS-84."""
    if tiles != "gaode":
        return None
    try:
        from planmap.reference.datum import wgs84_to_gcj02
    except ImportError as exc:  # pragma: no cover - depends on a sibling module
        raise PlanmapError("tiles='gaode' needs planmap.reference.datum.wgs84_to_gcj02") from exc

    def shift(xy: np.ndarray) -> np.ndarray:
        out = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack(out) if isinstance(out, tuple) else np.asarray(out)

    return shift


def _shift(geoms: np.ndarray, shift: Callable[[np.ndarray], np.ndarray] | None) -> np.ndarray:
    return geoms if shift is None else shapely.transform(geoms, shift)


def _latlng(coords: Sequence[Sequence[float]], nd: int) -> list[list[float]]:
    return [[round(y, nd), round(x, nd)] for x, y, *_ in coords]


def _pt(p: Any, nd: int) -> list[float]:
    return [round(p.y, nd), round(p.x, nd)]


def _round_geojson(geom: Any, nd: int) -> Any:
    """A GeoJSON geometry dict with coordinates rounded to ``nd`` decimals.

    Polygons (the county layer) take each ring's coordinates as one array: the same numbers as
    ``mapping`` gives, without a tuple per vertex.
    """
    t = geom.geom_type
    if t in ("Polygon", "MultiPolygon"):
        parts = shapely.get_parts(geom)
        rings = shapely.get_rings(parts)  # each part's exterior, then its holes
        ends = np.cumsum(shapely.get_num_coordinates(rings)).tolist()
        xy = np.round(shapely.get_coordinates(rings), nd).tolist()
        flat = [xy[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
        out, at = [], 0
        for holes in shapely.get_num_interior_rings(parts).tolist():
            out.append(flat[at:at + 1 + holes])
            at += 1 + holes
        return {"type": t, "coordinates": out[0] if t == "Polygon" else out}
    gj = mapping(shapely.transform(geom, lambda xy: np.round(xy, nd)))
    return {"type": gj["type"], "coordinates": gj["coordinates"]}


def _lines(geom: Any) -> list[Any]:
    return [geom] if geom.geom_type in ("LineString", "LinearRing") else list(geom.geoms)


def _midpoint(geom: Any) -> Any:
    """Where a line's badge sits: halfway along its longest part."""
    longest = max(_lines(geom), key=lambda g: g.length)
    return longest.interpolate(0.5, normalized=True)


def feature_geometry(geom: Any, solid: bool, nd: int = 6) -> tuple[str, Any, list[float]] | None:
    """(kind, Leaflet lat/lng coordinates, badge anchor) of one project.

    Kinds: ``point``; ``ring`` (placed only at a town/county/city: a hollow badge and an
    uncertainty ring); ``line`` (a course known by survey or approximation); ``rline`` (a course
    known only by its end units); ``area``.
    """
    if geom is None or geom.is_empty:
        return None
    t = geom.geom_type
    if t in ("LineString", "LinearRing", "MultiLineString"):
        parts = [_latlng(g.coords, nd) for g in _lines(geom)]
        return ("line" if solid else "rline"), parts, _pt(_midpoint(geom), nd)
    if not solid:
        p = geom if t == "Point" else geom.representative_point()
        return "ring", _pt(p, nd), _pt(p, nd)
    if t == "Point":
        return "point", _pt(geom, nd), _pt(geom, nd)
    if t == "Polygon":
        return "area", [[_latlng(r.coords, nd) for r in (geom.exterior, *geom.interiors)]], \
            _pt(geom.representative_point(), nd)
    if t == "MultiPolygon":
        return "area", [[_latlng(r.coords, nd) for r in (g.exterior, *g.interiors)] for g in geom.geoms], \
            _pt(geom.representative_point(), nd)
    p = geom.representative_point()  # GeometryCollection, MultiPoint
    return "point", _pt(p, nd), _pt(p, nd)


def project_features(projects: gpd.GeoDataFrame | None, shift=None) -> tuple[list[dict], list[Any]]:
    """The JSON features of the projects layer and their display geometries (for bounds).

    ``g``/``at`` are display coordinates (shifted for GaoDe tiles); ``w`` holds the WGS-84
    ones when they differ, for the page's downloads and corrections.
    """
    st = load_styles()
    if projects is None or len(projects) == 0:
        return [], []
    raw = np.asarray(projects.geometry.values, dtype=object)
    geoms = _shift(raw, shift)
    features, drawn = [], []
    records = _records(projects)
    for key, (row, geom, orig) in enumerate(zip(records, geoms, raw, strict=False)):
        category = _text(row, "category")
        category = category if category in st.categories else "other"
        precision = _text(row, "precision")
        prec = st.precision.get(precision, {"solid": False, "radius_m": 0.0})
        fg = feature_geometry(geom, bool(prec["solid"]))
        if fg is None:
            continue
        kind, coords, at = fg
        feature: dict[str, Any] = {
            "key": key,
            "id": _text(row, "id"),
            "n": _text(row, "name"),
            "c": category,
            "pr": precision,
            "k": kind,
            "g": coords,
            "at": at,
            "r": float(prec["radius_m"]),
            "cty": "、".join(str(c) for c in _list(row, "counties")),
            "d": project_details(row),
        }
        if shift is not None:
            wg = feature_geometry(orig, bool(prec["solid"]))
            if wg is not None:
                feature["w"] = {"g": wg[1], "at": wg[2]}
        features.append(feature)
        drawn.append(geom)
    return features, drawn


def simplify_counties(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify for display while keeping shared edges shared (falls back per polygon)."""
    if len(geoms) == 0 or tolerance <= 0:
        return geoms
    try:
        return shapely.coverage_simplify(geoms, tolerance)
    except Exception:  # not a valid coverage: simplify each polygon alone
        return shapely.simplify(geoms, tolerance, preserve_topology=True)


def county_features(
    counties: gpd.GeoDataFrame | None, shift=None, counts: dict[str, int] | None = None,
    colour_of: Callable[[int], str] | None = None,
) -> tuple[dict, list[dict], list[Any]]:
    """GeoJSON of the counties (simplified, rounded), label points and display geometries."""
    if counties is None or len(counties) == 0:
        return {"type": "FeatureCollection", "features": []}, [], []
    st = load_styles()
    raw = np.asarray(counties.geometry.values, dtype=object)
    labels_at = _shift(shapely.point_on_surface(raw), shift)
    simple = _shift(simplify_counties(raw, float(st.counties["simplify_deg"])), shift)
    features, labels = [], []
    records = _records(counties)
    for row, geom, at in zip(records, simple, labels_at, strict=False):
        if geom is None or geom.is_empty:
            continue
        adcode, name = _text(row, "adcode"), _text(row, "name")
        props: dict[str, Any] = {"adcode": adcode, "name": name}
        if counts is not None:
            n = counts.get(adcode, 0)
            props["count"] = n
            props["fill"] = colour_of(n) if colour_of is not None else None
        features.append({"type": "Feature", "properties": props, "geometry": _round_geojson(geom, 5)})
        labels.append({"name": name, "at": [round(at.y, 5), round(at.x, 5)]})
    return {"type": "FeatureCollection", "features": features}, labels, list(simple)


def _choropleth(counts: dict[str, int]) -> tuple[Callable[[int], str], list[list[str]]]:
    """The colour of a project count, and the legend rows [label, colour]."""
    colors = load_styles().counties["choropleth"]
    top = max(counts.values(), default=0)
    steps = [0, 1, 2, 4, 8] if top < 16 else [0, 1, max(2, top // 8), max(3, top // 4), max(4, top // 2)]
    steps = sorted(set(steps))[: len(colors)]
    index = [*steps, max(top + 1, steps[-1] + 1)]

    def colour_of(n: int) -> str:
        for lo, color in zip(reversed(steps), reversed(colors[: len(steps)]), strict=False):
            if n >= lo:
                return str(color)
        return str(colors[0])

    rows = []
    for lo, hi, color in zip(index, index[1:], colors, strict=False):
        if hi == index[-1]:
            label = f"≥{lo}"
        elif hi - lo == 1:
            label = str(lo)
        else:
            label = f"{lo}–{hi - 1}"
        rows.append([label, color])
    return colour_of, rows


# ---------------------------------------------------------------- pages


def _resolve_tiles(tiles: str | None, offline: bool) -> str:
    chosen = ("none" if offline else "osm") if tiles is None else tiles
    if chosen not in TILES:
        raise PlanmapError(f"tiles={chosen!r}: use one of {', '.join(TILES)}")
    return chosen


def _tile_layer(tiles: str) -> dict[str, Any] | None:
    """The base map for Leaflet's tileLayer (URLs and attributions are planmap's constants)."""
    if tiles == "osm":
        return {"url": _OSM_URL, "attr": _OSM_ATTR, "subdomains": "abc", "maxZoom": 19}
    if tiles == "gaode":
        import xyzservices.providers as xyz

        provider = xyz.Gaode.Normal
        return {"url": provider.build_url(), "attr": str(provider.html_attribution),
                "subdomains": provider.get("subdomains", "abc"), "maxZoom": provider.get("max_zoom", 18)}
    return None


def _bounds(geoms: list[Any]) -> list[list[float]] | None:
    arr = np.asarray([g for g in geoms if g is not None and not g.is_empty], dtype=object)
    if len(arr) == 0:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(arr)
    return [[round(float(y0), 6), round(float(x0), 6)], [round(float(y1), 6), round(float(x1), 6)]]


@dataclass
class MapPage:
    """A rendered map page: save it, or show it inline in Jupyter (``_repr_html_``)."""

    html: str
    title: str
    offline: bool

    def save(self, path: str | Path) -> Path:
        """Write the page atomically (0644); an offline page is checked for remote assets first."""
        if self.offline:
            assert_no_remote_assets(self.html)
        return write_atomic(path, self.html)

    def get_root(self) -> MapPage:
        """folium-style access to the page (``m.get_root().render()``)."""
        return self

    def render(self) -> str:
        """The page's HTML."""
        return self.html

    def _repr_html_(self) -> str:
        # the whole page in a sandboxed iframe, as folium does in notebooks
        return ('<div style="width:100%;height:600px"><iframe sandbox="allow-scripts allow-downloads" '
                f'srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:100%;border:none">'
                "</iframe></div>")


def page_data(
    projects: gpd.GeoDataFrame | None,
    counties: gpd.GeoDataFrame | None = None,
    *,
    title: str = "",
    subtitle: str = "",
    tiles: str | None = None,
    offline: bool = False,
    counts: dict[str, int] | None = None,
    meta: Sequence[tuple[str, str]] = (),
    kind: str = "map",
    plan_id: str = "",
) -> dict[str, Any]:
    """Everything a map page shows, as JSON-ready data (see :func:`build_map`)."""
    st = load_styles()
    tiles = _resolve_tiles(tiles, offline)
    shift = _display_transform(tiles)
    colour_of, chor_rows = _choropleth(counts) if counts is not None else (None, None)
    fc, labels, county_geoms = county_features(counties, shift, counts, colour_of)
    features, drawn = project_features(projects, shift)
    total = 0 if projects is None else len(projects)
    return {
        "kind": kind,
        "plan": plan_id,
        "title": title or "规划项目地图",
        "subtitle": subtitle,
        "meta": [[str(k), str(v)] for k, v in meta if v],
        "stats": {"drawn": len(features), "total": total, "counties": len(fc["features"]),
                  "tiles": _TILE_LABELS[tiles]},
        "tiles": _tile_layer(tiles),
        "datum": "gcj02" if shift is not None else "wgs84",
        "maxZoom": _MAX_ZOOM,
        "styles": st.categories,
        "precision": st.precision,
        "features": features,
        "counties": {
            "fc": fc,
            "labels": labels,
            "style": {k: st.counties[k] for k in ("color", "weight", "fill", "fill_opacity")},
            "labelMinZoom": 0 if len(fc["features"]) <= 25 else int(st.counties["label_min_zoom"]),
            "name": "各县区项目数" if counts is not None else "县区边界",
            "choropleth": chor_rows,
        },
        "bounds": _bounds(drawn + county_geoms),
    }


def build_map(projects: gpd.GeoDataFrame | None, counties: gpd.GeoDataFrame | None = None, **kw: Any) -> MapPage:
    """A map page with planmap's styling, rendered once from ``map.html.j2``.

    Keywords: ``title``, ``subtitle``, ``tiles`` ("osm" | "gaode" | "none"), ``offline``,
    ``counts`` (adcode -> n: turns on the choropleth), ``meta`` ((label, value) pairs shown in
    the header: issuer, date, document number ...), ``kind``, ``plan_id`` (names downloads).
    """
    data = page_data(projects, counties, **kw)
    offline = bool(kw.get("offline", False))
    return MapPage(render_page(data, title=data["title"], offline=offline, font=load_styles().font),
                   data["title"], offline)


def save_map(m: MapPage, path: str | Path) -> Path:
    """Write a map page atomically (see :meth:`MapPage.save`)."""
    return m.save(path)


def _adcodes(row: Any) -> list[str]:
    return [str(a) for a in _list(row, "county_adcodes")]


def _counties_touched(projects: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Counties named by the projects; a project placed only at city level brings its whole city."""
    codes: set[str] = set()
    cities: set[str] = set()
    for row in _records(projects):
        found = _adcodes(row)
        codes.update(found)
        if not found and _text(row, "city_adcode"):
            cities.add(_text(row, "city_adcode"))
    adcode = counties["adcode"].astype(str)
    city = counties["city_adcode"].astype(str) if "city_adcode" in counties else adcode.map(lambda _: "")
    return counties[adcode.isin(codes) | city.isin(cities)]


def plan_meta(plan: Any, plan_id: str) -> list[tuple[str, str]]:
    """The header lines of a plan map: issuer, date, document number (as extracted), file."""
    rows = []
    for label, attr in (("发文机关", "issuer"), ("发文日期", "date"), ("文号", "doc_number")):
        value = getattr(plan, attr, None) if plan is not None else None
        if value:
            rows.append((label, str(value)))
    path = str(getattr(plan, "path", "") or "") if plan is not None else ""
    rows.append(("文件", Path(path).name if path else str(plan_id)))  # the name only: no build folder
    return rows


def render_plan_map(
    projects: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    plan_id: str,
    plan_title: str,
    path: str | Path,
    *,
    tiles: str | None = None,
    offline: bool = False,
    plan: Any = None,
) -> Path:
    """Write the map of one plan: its projects and the counties it touches.

    ``plan`` (a :class:`planmap.models.Plan`) adds its issuer, date and document number to the
    header. ``tiles`` defaults to "osm" online and "none" offline (an offline page loads no
    tiles unless asked to).
    """
    mine = projects[projects["plan"].astype(str) == str(plan_id)] if len(projects) else projects
    drawn_counties = _counties_touched(mine, counties) if counties is not None and len(counties) else counties
    m = build_map(mine, drawn_counties, title=plan_title or str(plan_id), tiles=tiles, offline=offline,
                  meta=plan_meta(plan, plan_id), kind="plan", plan_id=str(plan_id))
    return save_map(m, path)


def region_projects(projects: gpd.GeoDataFrame, region_adcode: str, level: str) -> gpd.GeoDataFrame:
    """Projects in a city (by city_adcode or any of its counties) or in a county."""
    if len(projects) == 0:
        _region_mask(projects, region_adcode, level)  # checks the level
        return projects
    return projects[_region_mask(projects, region_adcode, level)]


def _region_mask(projects: gpd.GeoDataFrame, region_adcode: str, level: str) -> list[bool]:
    """Which projects lie in the region (see :func:`region_projects`)."""
    if level not in ("city", "county"):
        raise PlanmapError(f"level={level!r}: region maps are drawn for 'city' or 'county'")
    code = str(region_adcode)
    if len(projects) == 0:
        return []
    lists = [_adcodes({"county_adcodes": v}) for v in projects["county_adcodes"]] \
        if "county_adcodes" in projects else [[] for _ in range(len(projects))]
    if level == "county":
        return [code in codes for codes in lists]
    # a city holds the projects filed under it and every project crossing one of its counties
    cities = projects["city_adcode"].astype(str).tolist() if "city_adcode" in projects else [""] * len(projects)
    return [city == code or any(c[:4] == code[:4] for c in codes) for city, codes in zip(cities, lists, strict=True)]


class RegionIndex:
    """The projects of every region at once: :func:`region_projects`'s selection as row
    positions, found by looking the region up instead of testing every project for each of
    thousands of regions.
    """

    def __init__(self, projects: gpd.GeoDataFrame) -> None:
        n = len(projects)
        lists = [_adcodes({"county_adcodes": v}) for v in projects["county_adcodes"]] \
            if n and "county_adcodes" in projects else [[] for _ in range(n)]
        cities = projects["city_adcode"].astype(str).tolist() if n and "city_adcode" in projects else [""] * n
        self._county: dict[str, list[int]] = {}
        self._city: dict[str, list[int]] = {}  # filed under the city
        self._prefix: dict[str, list[int]] = {}  # crossing one of the city's counties (first 4 digits)
        for i, (city, codes) in enumerate(zip(cities, lists, strict=True)):
            for c in dict.fromkeys(codes):
                self._county.setdefault(c, []).append(i)
            for c in dict.fromkeys(c[:4] for c in codes):
                self._prefix.setdefault(c, []).append(i)
            self._city.setdefault(city, []).append(i)

    def positions(self, region_adcode: str, level: str) -> list[int]:
        """Row positions, ascending, of the projects :func:`region_projects` selects."""
        if level not in ("city", "county"):
            raise PlanmapError(f"level={level!r}: region maps are drawn for 'city' or 'county'")
        code = str(region_adcode)
        if level == "county":
            return self._county.get(code, [])
        return sorted(set(self._city.get(code, [])) | set(self._prefix.get(code[:4], [])))


def render_region_map(
    projects: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    region_adcode: str,
    region_name: str,
    level: str,
    path: str | Path,
    *,
    tiles: str | None = None,
    offline: bool = False,
) -> Path:
    """Write the map of a city or county; a city map shades its counties by project count."""
    mask = _region_mask(projects, region_adcode, level)
    # the build passes the region's projects already: no second copy when all of them are in it
    mine = projects if all(mask) else projects[mask]
    code = str(region_adcode)
    counts: dict[str, int] | None = None
    if counties is None or len(counties) == 0:
        shown = counties
    elif level == "city":
        shown = counties[counties["city_adcode"].astype(str) == code]
        tally: Counter[str] = Counter()
        for row in _records(mine):
            tally.update(set(_adcodes(row)))
        counts = {str(a): tally.get(str(a), 0) for a in shown["adcode"]}
    else:
        shown = counties[counties["adcode"].astype(str) == code]
    level_zh = {"city": "市级", "county": "县级"}[level]
    m = build_map(mine, shown, title=region_name, tiles=tiles, offline=offline, counts=counts,
                  meta=[("级别", level_zh), ("行政区划代码", code)], kind="region", plan_id=code)
    return save_map(m, path)


def explore(projects: gpd.GeoDataFrame, counties: gpd.GeoDataFrame | None = None, **kw: Any) -> folium.Map:
    """A folium map for notebooks, drawn by the same runtime as the saved pages.

    Keywords: ``title``, ``subtitle``, ``tiles``, ``offline``, ``counts`` (see :func:`build_map`).
    The data reaches the figure only through :class:`planmap.output.mapelements.RawHTML` (never
    compiled as a template), so more folium layers can be added to the map as usual.
    """
    import folium
    from branca.element import Figure

    data = page_data(projects, counties, **kw)
    offline = bool(kw.get("offline", False))
    m = folium.Map(location=(35.0, 105.0), zoom_start=4, tiles=None, max_zoom=_MAX_ZOOM, control_scale=True)
    m.default_js, m.default_css = [], []  # planmap's own pinned copies go in the head instead
    root = m.get_root()
    assert isinstance(root, Figure)
    root.title = html.escape(data["title"])
    head, body = render_attach(data, m.get_name(), offline=offline, font=load_styles().font)
    root.header.add_child(raw_html(head), name="planmap_assets")
    root.html.add_child(raw_html(body), name="planmap_data")
    return m


# ---------------------------------------------------------------- index page


def _counts_rows(counts: dict[str, Any] | None) -> list[dict[str, Any]]:
    st = load_styles()
    counts = counts or {}
    rows = []
    for key, c in st.categories.items():
        if counts.get(key):
            rows.append({"label": c["label"], "color": c["color"], "glyph": c["glyph"], "n": int(counts[key])})
    for key, n in counts.items():  # categories the style table does not know
        if key not in st.categories and n:
            rows.append({"label": str(key), "color": st.categories["other"]["color"], "glyph": "?", "n": int(n)})
    return rows


def render_index(plans: list[dict], regions: list[dict], path: str | Path, *, title: str = "规划项目地图") -> Path:
    """Write the index page listing every plan and region with links to their maps.

    plans: dicts with ``id``, ``title`` and ``counts`` (category -> n); regions: dicts with
    ``adcode``, ``name``, ``level`` and ``counts``. Links are ``plans/<id>.html`` and
    ``regions/<adcode>.html`` (URL-quoted); every value is HTML-escaped by the template.
    """
    level_zh = {"province": "省", "city": "市", "county": "县区"}
    plan_rows = [
        {
            "id": str(p.get("id", "")),
            "title": str(p.get("title") or p.get("id", "")),
            "href": f"plans/{quote(str(p.get('id', '')), safe='')}.html",
            "cats": _counts_rows(p.get("counts")),
            "total": sum(int(v) for v in (p.get("counts") or {}).values()),
        }
        for p in plans
    ]
    region_rows = [
        {
            "adcode": str(r.get("adcode", "")),
            "name": str(r.get("name", "")),
            "level": level_zh.get(str(r.get("level", "")), str(r.get("level", ""))),
            "href": f"regions/{quote(str(r.get('adcode', '')), safe='')}.html",
            "cats": _counts_rows(r.get("counts")),
            "total": sum(int(v) for v in (r.get("counts") or {}).values()),
        }
        for r in regions
    ]
    text = render_index_page(title=title, plans=plan_rows, regions=region_rows, font=load_styles().font)
    return write_atomic(path, text)
