"""Static HTML maps of plan projects: one page per plan, per region, and an index page.

Pages are folium maps, but every piece of document text is escaped here and handed to the
inline runtime as JSON (see :mod:`planmap.mapelements`); folium's own Popup/Tooltip are not used
because they splice HTML into JavaScript template literals. Styling comes from
``data/styles.toml``. ``offline=True`` pages inline Leaflet and need no network at all.
"""
from __future__ import annotations

import html
import math
import os
import re
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import folium
import geopandas as gpd
import jinja2
import numpy as np
import shapely
from branca.colormap import StepColormap
from shapely.geometry import mapping

from planmap.errors import PlanmapError
from planmap.mapelements import CountyLayer, FitView, Legend, ProjectLayer, SearchBox, TitleBox
from planmap.offline import assert_no_remote_assets, data_path, install_assets

TILES = ("osm", "gaode", "none")
_TILE_LABELS = {"osm": "OpenStreetMap", "gaode": "高德地图（GCJ-02）", "none": "无底图"}
_FIGURE_KINDS = {"length": "长度", "count": "数量", "capacity": "规模", "investment": "投资", "area": "面积"}
_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_DASH = re.compile(r"^[0-9. ,]*$")
_FONT = re.compile(r'^[\w\s",\-]+$')
_DEFAULT_VIEW = ((35.0, 105.0), 4)  # all of China


# ---------------------------------------------------------------- styles


@dataclass(frozen=True)
class Styles:
    """The validated style table (categories, precision levels, county look, font)."""

    categories: dict[str, dict[str, Any]]
    precision: dict[str, dict[str, Any]]
    counties: dict[str, Any]
    font: str


def _color(value: str, where: str) -> str:
    if not _COLOR.match(value or ""):
        raise PlanmapError(f"styles.toml: {where}: {value!r} is not a #hex colour")
    return value


def _dash(value: str, where: str) -> str:
    if not _DASH.match(value or ""):
        raise PlanmapError(f"styles.toml: {where}: {value!r} is not an SVG dash pattern")
    return value


@cache
def load_styles() -> Styles:
    """Read and check ``data/styles.toml``; the values end up in CSS, SVG and JS."""
    raw = tomllib.loads(data_path("styles.toml").read_text(encoding="utf-8"))
    cats: dict[str, dict[str, Any]] = {}
    for key, c in raw["categories"].items():
        ln = c.get("line", {})
        overlay = None
        if ln.get("overlay"):
            color, weight, dash = ln["overlay"].split("|")
            overlay = {"color": _color(color, key), "weight": float(weight), "dash": _dash(dash, key)}
        cats[key] = {
            "label": str(c["label"]),
            "color": _color(c["color"], key),
            "glyph": str(c["glyph"])[:2],
            "weight": float(ln.get("weight", 3)),
            "dash": _dash(ln.get("dash", ""), key),
            "casing": _color(ln["casing"], key) if ln.get("casing") else "",
            "overlay": overlay,
        }
    if "other" not in cats:
        raise PlanmapError("styles.toml: a category 'other' is required")
    prec = {k: dict(v) for k, v in raw["precision"].items()}
    font = raw["font"]["family"]
    if not _FONT.match(font):
        raise PlanmapError(f"styles.toml: font.family {font!r} has characters not allowed in CSS here")
    counties = dict(raw["counties"])
    for c in [counties["color"], counties["fill"], *counties["choropleth"]]:
        _color(c, "counties")
    return Styles(cats, prec, counties, font)


# ---------------------------------------------------------------- small helpers


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


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
    value = row.get(key) if hasattr(row, "get") else None
    if _missing(value) or isinstance(value, str | bytes):
        return [value] if isinstance(value, str) and value else []
    try:
        return list(value)
    except TypeError:
        return []


def _http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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


# ---------------------------------------------------------------- popups


def highlight(text: str, name: str) -> str:
    """Escaped ``text`` with every occurrence of ``name`` wrapped in ``<mark>``."""
    if not name or name not in text:
        return _esc(text)
    return "<mark>".join(_esc(p) for p in text.split(name)).replace("<mark>", f"<mark>{_esc(name)}</mark>")


def _figures_html(figures: Iterable[Any]) -> str:
    items = []
    for f in figures:
        if not isinstance(f, dict):
            items.append(_esc(f))
            continue
        kind = _FIGURE_KINDS.get(str(f.get("kind", "")), str(f.get("kind", "")))
        value = f.get("value")
        detail = f"{kind} {'' if _missing(value) else format(value, 'g') if isinstance(value, float | int) else value}{f.get('unit') or ''}"
        items.append(f"{_esc(f.get('text') or '')} <small>（{_esc(detail.strip())}）</small>")
    return "<br>".join(items)


def _source_html(source: str) -> str:
    if _http_url(source):
        return f'<a href="{_esc(source)}" target="_blank" rel="noopener noreferrer">{_esc(source)}</a>'
    if source == "admin-centroid":
        return "行政区中心点 (admin-centroid)"
    if source.startswith("gazetteer:"):
        return f"地名库 {_esc(source)}"
    return _esc(source)


def precision_label(precision: str) -> str:
    """Chinese and English, e.g. ``县级定位 (county)``."""
    p = load_styles().precision.get(precision)
    if not p:
        return f"未知精度 ({precision or 'unknown'})"
    return f"{p['label']} ({p['en']})"


def popup_html(row: Any) -> str:
    """The popup of one project, every value escaped."""
    st = load_styles()
    cat = st.categories.get(_text(row, "category"), st.categories["other"])
    name = _text(row, "name")
    rows = [
        ("规划", _esc(_text(row, "plan_title") or _text(row, "plan"))),
        ("章节", _esc(_text(row, "section"))),
        ("牵头单位", _esc("、".join(map(str, _list(row, "lead_units"))))),
        ("配合单位", _esc("、".join(map(str, _list(row, "support_units"))))),
        ("完成时限", _esc(_text(row, "deadline"))),
        ("指标", _figures_html(_list(row, "figures"))),
        ("定位精度", _esc(precision_label(_text(row, "precision")))),
        ("置信度", _esc(_confidence(row))),
        ("位置来源", _source_html(_text(row, "location_source"))),
        ("县区", _esc("、".join(map(str, _list(row, "counties"))))),
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows if v)
    evidence = _text(row, "evidence")
    quote_html = f"<blockquote>{highlight(evidence, name)}</blockquote>" if evidence else ""
    return (
        f'<div class="pm-popup"><h3>{_esc(name)}</h3>'
        f'<div class="pm-cat"><span class="pm-swatch" style="background:{cat["color"]}"></span> '
        f"{_esc(cat['label'])}</div><table>{body}</table>{quote_html}</div>"
    )


def _confidence(row: Any) -> str:
    value = row.get("confidence") if hasattr(row, "get") else None
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return ""


# ---------------------------------------------------------------- geometry for display


def _display_transform(tiles: str):
    """The coordinate shift for the base map: GaoDe tiles are GCJ-02, everything else WGS-84."""
    if tiles != "gaode":
        return None
    try:
        from planmap.datum import wgs84_to_gcj02
    except ImportError as exc:  # pragma: no cover - depends on a sibling module
        raise PlanmapError("tiles='gaode' needs planmap.datum.wgs84_to_gcj02") from exc

    def shift(xy: np.ndarray) -> np.ndarray:
        out = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack(out) if isinstance(out, tuple) else np.asarray(out)

    return shift


def _shift(geoms: np.ndarray, shift) -> np.ndarray:
    return geoms if shift is None else shapely.transform(geoms, shift)


def _latlng(coords: Sequence[Sequence[float]], nd: int) -> list[list[float]]:
    return [[round(y, nd), round(x, nd)] for x, y, *_ in coords]


def _round_geojson(geom: Any, nd: int) -> Any:
    """A GeoJSON geometry dict with coordinates rounded to ``nd`` decimals."""

    def rnd(c: Any) -> Any:
        if isinstance(c[0], float | int):
            return [round(c[0], nd), round(c[1], nd)]
        return [rnd(x) for x in c]

    gj = mapping(geom)
    return {"type": gj["type"], "coordinates": rnd(gj["coordinates"])}


def _feature_geometry(geom: Any, solid: bool, nd: int = 6) -> tuple[str, Any] | None:
    """(kind, Leaflet lat/lng coordinates) of one project; coarse placements become rings."""
    if geom is None or geom.is_empty:
        return None
    if not solid:
        if geom.geom_type in ("LineString", "MultiLineString"):
            # a route between roughly placed ends: its course is worth showing, faintly
            parts = [geom] if geom.geom_type == "LineString" else list(geom.geoms)
            mid = geom.interpolate(0.5, normalized=True) if geom.geom_type == "LineString" \
                else geom.representative_point()
            return "rline", {"line": [_latlng(g.coords, nd) for g in parts], "at": [round(mid.y, nd), round(mid.x, nd)]}
        p = geom if geom.geom_type == "Point" else geom.representative_point()
        return "ring", [round(p.y, nd), round(p.x, nd)]
    t = geom.geom_type
    if t == "Point":
        return "point", [round(geom.y, nd), round(geom.x, nd)]
    if t in ("LineString", "LinearRing"):
        return "line", [_latlng(geom.coords, nd)]
    if t == "MultiLineString":
        return "line", [_latlng(g.coords, nd) for g in geom.geoms]
    if t == "Polygon":
        return "area", [[_latlng(r.coords, nd) for r in (geom.exterior, *geom.interiors)]]
    if t == "MultiPolygon":
        return "area", [[_latlng(r.coords, nd) for r in (g.exterior, *g.interiors)] for g in geom.geoms]
    p = geom.representative_point()  # GeometryCollection, MultiPoint
    return "point", [round(p.y, nd), round(p.x, nd)]


def project_features(projects: gpd.GeoDataFrame, shift=None) -> tuple[list[dict], list[Any]]:
    """The JSON features of the projects layer and their display geometries (for bounds)."""
    st = load_styles()
    if projects is None or len(projects) == 0:
        return [], []
    geoms = _shift(np.asarray(projects.geometry.values, dtype=object), shift)
    features, drawn = [], []
    for key, ((_, row), geom) in enumerate(zip(projects.iterrows(), geoms, strict=False)):
        category = _text(row, "category")
        category = category if category in st.categories else "other"
        prec = st.precision.get(_text(row, "precision"), {"solid": False, "radius_m": 0})
        fg = _feature_geometry(geom, bool(prec["solid"]))
        if fg is None:
            continue
        kind, coords = fg
        name = _text(row, "name")
        features.append(
            {
                "key": key,
                "id": _text(row, "id"),
                "c": category,
                "k": kind,
                "g": coords,
                "r": float(prec.get("radius_m", 0)),
                "n": name,  # plain text: only ever shown via textContent
                "t": f"{_esc(name)}<br><small>{_esc(st.categories[category]['label'])} · "
                f"{_esc(precision_label(_text(row, 'precision')))}</small>",
                "p": popup_html(row),
            }
        )
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
    counties: gpd.GeoDataFrame, shift=None, counts: dict[str, int] | None = None, colormap=None
) -> tuple[dict, list[dict], list[Any]]:
    """GeoJSON of the counties (simplified, rounded), label points and display geometries."""
    if counties is None or len(counties) == 0:
        return {"type": "FeatureCollection", "features": []}, [], []
    st = load_styles()
    raw = np.asarray(counties.geometry.values, dtype=object)
    labels_at = _shift(shapely.point_on_surface(raw), shift)
    simple = _shift(simplify_counties(raw, float(st.counties["simplify_deg"])), shift)
    features, labels = [], []
    for (_, row), geom, at in zip(counties.iterrows(), simple, labels_at, strict=False):
        if geom is None or geom.is_empty:
            continue
        adcode, name = _text(row, "adcode"), _text(row, "name")
        props: dict[str, Any] = {"adcode": adcode, "tip": _esc(name)}
        if counts is not None:
            n = counts.get(adcode, 0)
            props["count"] = n
            props["fill"] = colormap(n) if colormap is not None else None
            props["tip"] = f"{_esc(name)}：{n} 个项目"
        features.append({"type": "Feature", "properties": props, "geometry": _round_geojson(geom, 5)})
        labels.append({"name": _esc(name), "at": [round(at.y, 5), round(at.x, 5)]})
    return {"type": "FeatureCollection", "features": features}, labels, list(simple)


# ---------------------------------------------------------------- legend, title, choropleth


def _line_sample(c: dict) -> str:
    parts = []
    if c["casing"]:
        parts.append(f'<line x1="2" y1="6" x2="32" y2="6" stroke="{c["casing"]}" stroke-width="{c["weight"] + 3}"/>')
    dash = f' stroke-dasharray="{c["dash"]}"' if c["dash"] else ""
    parts.append(f'<line x1="2" y1="6" x2="32" y2="6" stroke="{c["color"]}" stroke-width="{c["weight"]}"{dash}/>')
    if c["overlay"]:
        o = c["overlay"]
        parts.append(
            f'<line x1="2" y1="6" x2="32" y2="6" stroke="{o["color"]}" stroke-width="{o["weight"]}" stroke-dasharray="{o["dash"]}"/>'
        )
    return f'<svg width="34" height="12" aria-hidden="true">{"".join(parts)}</svg>'


def _choropleth(counts: dict[str, int]) -> tuple[StepColormap, list[tuple[str, str]]]:
    """A step colormap over project counts and its legend rows (label, colour)."""
    colors = load_styles().counties["choropleth"]
    top = max(counts.values(), default=0)
    steps = [0, 1, 2, 4, 8] if top < 16 else [0, 1, max(2, top // 8), max(3, top // 4), max(4, top // 2)]
    steps = sorted(set(steps))[: len(colors)]
    index = [*steps, max(top + 1, steps[-1] + 1)]
    cmap = StepColormap(colors[: len(steps)], index=index, vmin=0, vmax=index[-1])
    rows = []
    for lo, hi, color in zip(index, index[1:], colors, strict=False):
        if hi == index[-1]:
            label = f"≥{lo}"
        elif hi - lo == 1:
            label = str(lo)
        else:
            label = f"{lo}–{hi - 1}"
        rows.append((label, color))
    return cmap, rows


def legend_html(features: list[dict], choropleth_rows: list[tuple[str, str]] | None = None) -> str:
    """Legend HTML (escaped): categories present with counts, precision symbols, choropleth."""
    st = load_styles()
    by_cat = Counter(f["c"] for f in features)
    line_cats = {f["c"] for f in features if f["k"] in ("line", "rline")}
    rows, lines = [], []
    for key, c in st.categories.items():
        if not by_cat.get(key):
            continue
        rows.append(
            f'<li><span class="pm-badge pm-solid" style="background:{c["color"]}">{_esc(c["glyph"])}</span>'
            f"<span>{_esc(c['label'])}</span><span class=\"pm-n\">{by_cat[key]}</span></li>"
        )
        if key in line_cats:
            lines.append(f"<li>{_line_sample(c)}<span>{_esc(c['label'])}</span></li>")
    if not rows:
        rows.append("<li>本图没有可绘制的项目</li>")
    line_html = f'<h2>线路</h2><ul class="pm-lines">{"".join(lines)}</ul>' if lines else ""
    rings = "、".join(
        f"{_esc(p['label'][:-2] or p['label'])} {p['radius_m'] / 1000:g} km"
        for p in st.precision.values()
        if not p["solid"] and p["radius_m"]
    )
    precision = (
        '<h2>定位精度</h2><ul>'
        '<li><span class="pm-badge pm-solid" style="background:#666">●</span><span>实心：精确或近似位置</span></li>'
        '<li><span class="pm-badge pm-hollow" style="border-color:#666;color:#666">○</span>'
        '<span class="pm-ring-sample"></span><span>空心+虚线圈：只知所在行政区，不是项目位置</span></li>'
        '<li><span class="pm-badge pm-hollow" style="border-color:#666;color:#666">○</span>'
        '<span>空心+细点线：只知两端所在行政区的大致走向</span></li>'
        f'</ul><p class="pm-note">圈半径表示不确定范围：{rings}</p>'
    )
    chor = ""
    if choropleth_rows:
        items = "".join(
            f'<li><span class="pm-swatch" style="background:{color}"></span><span>{_esc(label)} 个项目</span></li>'
            for label, color in choropleth_rows
        )
        chor = f'<h2>各县区项目数</h2><ul>{items}</ul><p class="pm-note">跨县区项目在所涉每个县区都计数。</p>'
    return (
        f'<details open><summary>图例</summary><h2>项目类别</h2><ul class="pm-cats">{"".join(rows)}</ul>'
        f"{line_html}{precision}{chor}</details>"
    )


def title_html(title: str, subtitle: str, n_drawn: int, n_total: int, n_counties: int, tiles: str) -> str:
    """The title box: what the map is and how much of it could be drawn."""
    missing = n_total - n_drawn
    stats = f"{n_drawn} 个项目 · {n_counties} 个县区 · 底图：{_TILE_LABELS[tiles]}"
    if missing:
        stats += f" · {missing} 个项目无坐标未绘制"
    sub = f"<p>{_esc(subtitle)}</p>" if subtitle else ""
    return f"<h1>{_esc(title)}</h1>{sub}<p>{_esc(stats)}</p>"


# ---------------------------------------------------------------- map assembly


def _resolve_tiles(tiles: str | None, offline: bool) -> str:
    chosen = ("none" if offline else "osm") if tiles is None else tiles
    if chosen not in TILES:
        raise PlanmapError(f"tiles={chosen!r}: use one of {', '.join(TILES)}")
    return chosen


def _add_tiles(m: folium.Map, tiles: str) -> None:
    if tiles == "osm":
        folium.TileLayer("OpenStreetMap", name=_TILE_LABELS["osm"], control=False).add_to(m)
    elif tiles == "gaode":
        import xyzservices.providers as xyz

        provider = xyz.Gaode.Normal
        folium.TileLayer(
            tiles=provider.build_url(),
            attr=provider.html_attribution,
            name=_TILE_LABELS["gaode"],
            subdomains=provider.get("subdomains", "abc"),
            max_zoom=provider.get("max_zoom", 18),
            control=False,
        ).add_to(m)


def _bounds(geoms: list[Any]) -> list[list[float]] | None:
    arr = np.asarray([g for g in geoms if g is not None and not g.is_empty], dtype=object)
    if len(arr) == 0:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(arr)
    return [[float(y0), float(x0)], [float(y1), float(x1)]]


def build_map(
    projects: gpd.GeoDataFrame | None,
    counties: gpd.GeoDataFrame | None = None,
    *,
    title: str = "",
    subtitle: str = "",
    tiles: str | None = None,
    offline: bool = False,
    counts: dict[str, int] | None = None,
) -> folium.Map:
    """A folium map with planmap's styling; ``counts`` (adcode -> n) turns on the choropleth."""
    st = load_styles()
    tiles = _resolve_tiles(tiles, offline)
    shift = _display_transform(tiles)
    m = folium.Map(location=_DEFAULT_VIEW[0], zoom_start=_DEFAULT_VIEW[1], tiles=None, control_scale=True)
    if title:
        m.get_root().title = _esc(title)
    _add_tiles(m, tiles)

    cmap, chor_rows = _choropleth(counts) if counts is not None else (None, None)
    fc, labels, county_geoms = county_features(counties, shift, counts, cmap)
    if fc["features"]:
        name = "各县区项目数" if counts is not None else "县区边界"
        group = folium.FeatureGroup(name=_esc(name), show=True).add_to(m)
        min_zoom = 0 if len(fc["features"]) <= 25 else int(st.counties["label_min_zoom"])
        style = {k: st.counties[k] for k in ("color", "weight", "fill", "fill_opacity")}
        group.add_child(CountyLayer(fc, labels, style, min_zoom))

    features, drawn = project_features(projects, shift)
    by_cat = Counter(f["c"] for f in features)
    groups: dict[str, folium.FeatureGroup] = {}
    for key, c in st.categories.items():
        if by_cat.get(key):
            label = (
                f'<span class="pm-swatch" style="background:{c["color"]}"></span> '
                f"{_esc(c['label'])} ({by_cat[key]})"
            )
            groups[key] = folium.FeatureGroup(name=label, show=True).add_to(m)
    m.add_child(ProjectLayer(features, {k: st.categories[k] for k in st.categories}, groups))
    folium.LayerControl(collapsed=len(groups) > 10, position="topright").add_to(m)
    m.add_child(TitleBox(title_html(title or "规划项目地图", subtitle, len(features), 0 if projects is None else len(projects), len(fc["features"]), tiles), "topright"))
    m.add_child(SearchBox())
    m.add_child(Legend(legend_html(features, chor_rows)))

    bounds = _bounds(drawn + county_geoms)
    if bounds:
        m.add_child(FitView(bounds, (40, 20), (280, 20), 12))
    install_assets(m, offline=offline, font_family=st.font)
    m._planmap_offline = offline  # type: ignore[attr-defined]
    return m


def save_map(m: folium.Map, path: str | Path) -> Path:
    """Render and write a map atomically; an offline map is checked for remote assets first."""
    text = m.get_root().render()
    if getattr(m, "_planmap_offline", False):
        assert_no_remote_assets(text)
    return write_atomic(path, text)


def _adcodes(row: Any) -> list[str]:
    return [str(a) for a in _list(row, "county_adcodes")]


def _counties_touched(projects: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Counties named by the projects; a project placed only at city level brings its whole city."""
    codes: set[str] = set()
    cities: set[str] = set()
    for _, row in projects.iterrows():
        found = _adcodes(row)
        codes.update(found)
        if not found and _text(row, "city_adcode"):
            cities.add(_text(row, "city_adcode"))
    adcode = counties["adcode"].astype(str)
    city = counties["city_adcode"].astype(str) if "city_adcode" in counties else adcode.map(lambda _: "")
    return counties[adcode.isin(codes) | city.isin(cities)]


def render_plan_map(
    projects: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    plan_id: str,
    plan_title: str,
    path: str | Path,
    *,
    tiles: str | None = None,
    offline: bool = False,
) -> Path:
    """Write the map of one plan: its projects and the counties it touches.

    ``tiles`` defaults to "osm" online and "none" offline (an offline page loads no tiles
    unless asked to).
    """
    mine = projects[projects["plan"].astype(str) == str(plan_id)] if len(projects) else projects
    drawn_counties = _counties_touched(mine, counties) if counties is not None and len(counties) else counties
    m = build_map(mine, drawn_counties, title=plan_title or str(plan_id), subtitle=f"规划编号：{plan_id}", tiles=tiles, offline=offline)
    return save_map(m, path)


def region_projects(projects: gpd.GeoDataFrame, region_adcode: str, level: str) -> gpd.GeoDataFrame:
    """Projects in a city (by city_adcode or any of its counties) or in a county."""
    if level not in ("city", "county"):
        raise PlanmapError(f"level={level!r}: region maps are drawn for 'city' or 'county'")
    code = str(region_adcode)
    if len(projects) == 0:
        return projects
    if level == "county":
        return projects[projects.apply(lambda r: code in _adcodes(r), axis=1)]
    # a city holds the projects filed under it and every project crossing one of its counties
    in_county = projects.apply(lambda r: any(c[:4] == code[:4] for c in _adcodes(r)), axis=1)
    city = projects["city_adcode"].astype(str) == code if "city_adcode" in projects else in_county & False
    return projects[city | in_county]


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
    mine = region_projects(projects, region_adcode, level)
    code = str(region_adcode)
    counts: dict[str, int] | None = None
    if counties is None or len(counties) == 0:
        shown = counties
    elif level == "city":
        shown = counties[counties["city_adcode"].astype(str) == code]
        tally: Counter[str] = Counter()
        for _, row in mine.iterrows():
            tally.update(set(_adcodes(row)))
        counts = {str(a): tally.get(str(a), 0) for a in shown["adcode"]}
    else:
        shown = counties[counties["adcode"].astype(str) == code]
    level_zh = {"city": "市", "county": "县区"}[level]
    m = build_map(mine, shown, title=region_name, subtitle=f"{level_zh}级 · 行政区划代码 {code}", tiles=tiles, offline=offline, counts=counts)
    return save_map(m, path)


def explore(projects: gpd.GeoDataFrame, counties: gpd.GeoDataFrame | None = None, **kw: Any) -> folium.Map:
    """A map for notebooks, styled like the saved pages.

    Keywords: ``title``, ``subtitle``, ``tiles``, ``offline``, ``counts`` (see :func:`build_map`).
    """
    return build_map(projects, counties, **kw)


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


@cache
def _index_template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(data_path("templates/index.html.j2").read_text(encoding="utf-8"))


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
    text = _index_template().render(title=title, plans=plan_rows, regions=region_rows, font=load_styles().font)
    return write_atomic(path, text)
