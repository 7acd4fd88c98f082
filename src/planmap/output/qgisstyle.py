"""QGIS layer styles (QML) for the GeoPackage, drawn from the same style data as the web maps.

A GIS team opening ``projects.gpkg`` should see what the HTML map shows: the colour and glyph
of each category (``data/styles.toml``), solid badges and lines for exact or approximate
placements, hollow dashed badges with a dashed uncertainty ring (its radius in metres on the
ground) for placements at a town, county or city, and the faint dashed course of a route known
only by its ends. The QML is built with :mod:`xml.etree.ElementTree`, so every value is escaped;
category ids and labels reach QGIS expressions only as quoted string literals.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from planmap.errors import PlanmapError
from planmap.output.styles import Styles, color, load_styles

#: QGIS reads styles written for an older 3.x; this is the LTR the files were checked against.
QGIS_VERSION = "3.28.0-Firenze"
_HEX = re.compile(r"^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$|^#([0-9a-fA-F]{3})$")
_DASH = re.compile(r"^\s*[0-9.]+([ ,]+[0-9.]+)*\s*$")


# ------------------------------------------------------------------ QGIS values


def qgis_color(hex_color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` (or ``#rgb``, ``#rrggbbaa``) as QGIS's ``r,g,b,a``."""
    m = _HEX.match(hex_color)
    if not m:
        raise PlanmapError(f"{hex_color!r} is not a #hex colour")
    if m.group(3):
        digits = "".join(ch * 2 for ch in m.group(3))
        alpha = 255
    else:
        digits = m.group(1)
        alpha = int(m.group(2), 16) if m.group(2) else 255
    r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(alpha * opacity)}"


def qgis_dash(svg_dash: str) -> str:
    """An SVG dash array (``"10 4 2 4"``) as QGIS's ``customdash`` (``"10;4;2;4"``)."""
    if not _DASH.match(svg_dash or ""):
        raise PlanmapError(f"{svg_dash!r} is not a dash pattern")
    return ";".join(re.split(r"[ ,]+", svg_dash.strip()))


def quote_literal(text: str) -> str:
    """A QGIS expression string literal: single quotes, inner quotes doubled."""
    return "'" + str(text).replace("\\", "\\\\").replace("'", "''") + "'"


def zoom_scale(zoom: float) -> int:
    """The map scale denominator of a web-map zoom level at the equator (256-px tiles)."""
    return round(559082264.028 / 2 ** zoom)


# ------------------------------------------------------------------ symbol layers


def _options(parent: ET.Element, props: dict[str, Any]) -> None:
    """Symbol-layer properties as ``prop`` pairs: the form every QGIS 3.x reads."""
    for k, v in props.items():
        ET.SubElement(parent, "prop", k=k, v=str(v))


def _layer(symbol: ET.Element, cls: str, props: dict[str, Any]) -> ET.Element:
    layer = ET.SubElement(symbol, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, props)
    return layer


def _symbol(parent: ET.Element, kind: str, name: str, alpha: float = 1.0) -> ET.Element:
    return ET.SubElement(parent, "symbol", type=kind, name=name, alpha=f"{alpha:g}", clip_to_extent="1",
                         force_rhr="0")


def _circle(symbol: ET.Element, *, fill: str, outline: str, outline_style: str, outline_px: float,
            size: float, unit: str = "Pixel") -> None:
    _layer(symbol, "SimpleMarker", {
        "name": "circle", "color": fill, "outline_color": outline, "outline_style": outline_style,
        "outline_width": f"{outline_px:g}", "outline_width_unit": "Pixel", "size": f"{size:g}", "size_unit": unit,
        "scale_method": "diameter", "angle": "0", "offset": "0,0", "offset_unit": "Pixel",
        "horizontal_anchor_point": "1", "vertical_anchor_point": "1", "joinstyle": "bevel",
    })


def _glyph(symbol: ET.Element, chr_: str, color: str, font: str) -> None:
    if not chr_:
        return
    _layer(symbol, "FontMarker", {
        "chr": chr_, "font": font, "font_style": "Bold", "color": color, "size": "12", "size_unit": "Pixel",
        "outline_color": "0,0,0,0", "outline_width": "0", "angle": "0", "offset": "0,0", "offset_unit": "Pixel",
        "horizontal_anchor_point": "1", "vertical_anchor_point": "1", "joinstyle": "bevel",
    })


def _badge(symbol: ET.Element, cat: dict[str, Any], font: str, solid: bool) -> None:
    """The web map's 22-px round badge: filled with the category colour, or hollow and dashed."""
    if solid:
        _circle(symbol, fill=qgis_color(cat["color"]), outline="255,255,255,255", outline_style="solid",
                outline_px=2, size=22)
        _glyph(symbol, cat["glyph"], "255,255,255,255", font)
    else:
        _circle(symbol, fill="255,255,255,230", outline=qgis_color(cat["color"]), outline_style="dash",
                outline_px=2, size=22)
        _glyph(symbol, cat["glyph"], qgis_color(cat["color"]), font)


def _line(symbol: ET.Element, color: str, width_px: float, dash: str = "") -> None:
    _layer(symbol, "SimpleLine", {
        "line_color": color, "line_width": f"{width_px:g}", "line_width_unit": "Pixel", "line_style": "solid",
        "use_custom_dash": "1" if dash else "0", "customdash": qgis_dash(dash) if dash else "5;2",
        "customdash_unit": "Pixel", "capstyle": "round", "joinstyle": "round", "offset": "0", "offset_unit": "Pixel",
    })


def _point_symbol(parent: ET.Element, name: str, cat: dict[str, Any], st: Styles, prec: dict[str, Any],
                  solid: bool) -> None:
    sym = _symbol(parent, "marker", name)
    radius = float(prec.get("radius_m", 0) or 0)
    if not solid and radius:
        wide = radius > 15000  # as on the map: only small rings get a tint
        _circle(sym, fill="0,0,0,0" if wide else qgis_color(cat["color"], 0.05),
                outline=qgis_color(cat["color"], 0.5 if wide else 0.8), outline_style="dash",
                outline_px=1 if wide else 1.5, size=2 * radius, unit="RenderMetersInMapUnits")
    _badge(sym, cat, st.font_family, solid)


def _line_symbol(parent: ET.Element, name: str, cat: dict[str, Any], st: Styles, solid: bool) -> None:
    sym = _symbol(parent, "line", name)
    weight = float(cat["weight"])
    if not solid:
        # a route between roughly placed ends: a faint dashed course and a hollow badge midway
        _line(sym, qgis_color(cat["color"], 0.75), 2.5, "2 7")
        marker = _layer(sym, "MarkerLine", {"placements": "CentralPoint", "placement": "centralpoint",
                                            "rotate": "0", "offset": "0", "offset_unit": "Pixel"})
        inner = _symbol(marker, "marker", f"@{name}@1")
        _badge(inner, cat, st.font_family, False)
        return
    if cat["casing"]:
        _line(sym, qgis_color(cat["casing"], 0.9), weight + 3)
    _line(sym, qgis_color(cat["color"], 0.95), weight, cat["dash"])
    if cat["overlay"]:
        over = cat["overlay"]
        _line(sym, qgis_color(over["color"]), float(over["weight"]), over["dash"])


def _area_symbol(parent: ET.Element, name: str, cat: dict[str, Any], solid: bool) -> None:
    sym = _symbol(parent, "fill", name)
    _layer(sym, "SimpleFill", {
        "color": qgis_color(cat["color"], 0.3 if solid else 0.1), "style": "solid",
        "outline_color": qgis_color(cat["color"]), "outline_style": "solid" if solid else "dash",
        "outline_width": "2", "outline_width_unit": "Pixel", "joinstyle": "round", "offset": "0,0",
        "offset_unit": "Pixel",
    })


# ------------------------------------------------------------------ documents


def _root(labels: bool) -> ET.Element:
    return ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Labeling|Fields",
                      labelsEnabled="1" if labels else "0")


def _labeling(root: ET.Element, field: str, font: str, max_scale: int, placement: int) -> None:
    """Names beside features once zoomed in (as the maps show county names from a zoom on)."""
    lab = ET.SubElement(root, "labeling", type="simple")
    settings = ET.SubElement(lab, "settings", calloutType="simple")
    ET.SubElement(settings, "text-style", fieldName=field, isExpression="0", fontFamily=font, fontSize="9",
                  fontSizeUnit="Point", textColor="34,34,34,255", textOpacity="1", fontWeight="50",
                  multilineHeight="1", allowHtml="0")
    ET.SubElement(settings, "text-buffer", bufferDraw="1", bufferSize="1", bufferSizeUnits="MM",
                  bufferColor="255,255,255,255", bufferOpacity="0.9")
    ET.SubElement(settings, "placement", placement=str(placement), dist="2", distUnits="MM",
                  placementFlags="10", priority="5")
    ET.SubElement(settings, "rendering", scaleVisibility="1", scaleMin="1", scaleMax=str(max_scale),
                  obstacle="1", drawLabels="1", upsidedownLabels="0", limitNumLabels="0")


def _aliases(root: ET.Element, fields: list[str], st: Styles) -> None:
    al = ET.SubElement(root, "aliases")
    for i, f in enumerate(fields):
        ET.SubElement(al, "alias", field=f, index=str(i), name=field_alias(f, st))


def field_alias(field: str, st: Styles | None = None) -> str:
    """The Chinese name of a column (``n_road`` -> 道路项目数, ``km_road`` -> 道路里程（公里）)."""
    st = st or load_styles()
    if field.startswith("n_") and field[2:] in st.categories:
        return st.categories[field[2:]]["label"] + "项目数"
    if field.startswith("km_") and field[3:] in st.categories:
        return st.categories[field[3:]]["label"] + "里程（公里）"
    return st.fields.get(field, "")


def _to_text(root: ET.Element) -> str:
    ET.indent(root, space=" ")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + _xml(root) + "\n"


def _xml(root: ET.Element) -> str:
    """``ET.tostring(root, encoding="unicode")`` for a tree of plain elements (no namespaces,
    comments or processing instructions), as ElementTree writes it and with its escaping.

    ElementTree first walks the whole tree to collect namespaces, which a QML has none of:
    that walk cost more than the writing.
    """
    escape_attrib = getattr(ET, "_escape_attrib", None)
    escape_cdata = getattr(ET, "_escape_cdata", None)
    if escape_attrib is None or escape_cdata is None:  # another ElementTree: its own writer
        return ET.tostring(root, encoding="unicode")
    out: list[str] = []
    write = out.append

    def element(e: ET.Element) -> None:
        tag = e.tag
        if not isinstance(tag, str) or tag.startswith("{"):
            raise ValueError(f"not a plain element: {tag!r}")
        write("<" + tag)
        for k, v in e.items():
            write(f' {k}="{escape_attrib(v)}"')
        if e.text or len(e):
            write(">")
            if e.text:
                write(escape_cdata(e.text))
            for child in e:
                element(child)
            write("</" + tag + ">")
        else:
            write(" />")
        if e.tail:
            write(escape_cdata(e.tail))

    element(root)
    return "".join(out)


_GEOMETRY_TYPE = {"point": 0, "line": 1, "area": 2}


def project_qml(kind: str, fields: list[str]) -> str:
    """Default style of ``projects_point`` / ``projects_line`` / ``projects_area`` (``kind``).

    A rule per category (its Chinese label in the legend), split into solid (exact, approximate)
    and hollow (town, county, city placements); codes not in the style table draw as 其他.
    """
    st = load_styles()
    root = _root(True)
    renderer = ET.SubElement(root, "renderer-v2", type="RuleRenderer", symbollevels="0", enableorderby="0",
                             forceraster="0", referencescale="-1")
    rules = ET.SubElement(renderer, "rules", key="{planmap-root}")
    symbols = ET.Element("symbols")
    solid_codes = st.solid
    solid_expr = '"precision" IN (' + ", ".join(quote_literal(c) for c in solid_codes) + ")"
    coarse = [k for k in st.precision if k not in solid_codes]
    n = 0
    for i, (code, cat) in enumerate(st.categories.items()):
        # 其他 also takes every code the style table does not know (ELSE), as on the map
        parent = ET.SubElement(rules, "rule", key=f"{{planmap-{i}}}", label=cat["label"],
                               filter="ELSE" if code == "other" else f'"category" = {quote_literal(code)}')
        for solid in (True, False):
            if solid:
                label, flt, prec = "精确或近似位置", solid_expr, st.precision.get(solid_codes[0], {})
            else:
                label, flt, prec = "示意位置（乡镇、县、市）", f"NOT ({solid_expr})", {}
            if kind == "point" and not solid:
                # one rule per coarse level: each has its own uncertainty ring
                for level in coarse:
                    p = st.precision[level]
                    ET.SubElement(parent, "rule", key=f"{{planmap-{i}-{level}}}", symbol=str(n),
                                  label=f"{p.get('label', level)}", filter=f'"precision" = {quote_literal(level)}')
                    _point_symbol(symbols, str(n), cat, st, p, False)
                    n += 1
                ET.SubElement(parent, "rule", key=f"{{planmap-{i}-else}}", symbol=str(n), label="其他位置",
                              filter="ELSE")
                _point_symbol(symbols, str(n), cat, st, {}, False)
                n += 1
                continue
            ET.SubElement(parent, "rule", key=f"{{planmap-{i}-{int(solid)}}}", symbol=str(n), label=label,
                          filter=flt)
            if kind == "point":
                _point_symbol(symbols, str(n), cat, st, prec, True)
            elif kind == "line":
                _line_symbol(symbols, str(n), cat, st, solid)
            else:
                _area_symbol(symbols, str(n), cat, solid)
            n += 1
    renderer.append(symbols)
    _labeling(root, "name", st.font_family, zoom_scale(int(st.counties.get("label_min_zoom", 8)) + 2),
              {"point": 6, "line": 2, "area": 0}[kind])
    _aliases(root, fields, st)
    ET.SubElement(root, "layerGeometryType").text = str(_GEOMETRY_TYPE[kind])
    return _to_text(root)


def choropleth_steps(counts: list[int], colors: int) -> list[tuple[int, int | None, str]]:
    """Classes ``(low, high or None, label)`` over project counts, as the region maps' legend has them.

    Fixed steps 0, 1, 2, 4, 8 while counts are small, else steps that scale with the top count.
    """
    top = max(counts, default=0)
    steps = [0, 1, 2, 4, 8] if top < 16 else [0, 1, max(2, top // 8), max(3, top // 4), max(4, top // 2)]
    steps = sorted(set(steps))[:colors]
    out: list[tuple[int, int | None, str]] = []
    for i, lo in enumerate(steps):
        hi = steps[i + 1] if i + 1 < len(steps) else None
        label = f"≥{lo}" if hi is None else str(lo) if hi - lo == 1 else f"{lo}–{hi - 1}"
        out.append((lo, hi, label))
    return out


def region_qml(level: str, fields: list[str], counts: list[int] | None = None) -> str:
    """Default style of ``counties`` (the region maps' choropleth of project counts) and ``cities``.

    Outlines and the palette are ``[counties]`` of styles.toml; names show from a zoom on.
    Cities are drawn as thick outlines only, so they frame the county choropleth beneath them
    instead of covering it (switch ``projects`` on in QGIS for a city choropleth).
    """
    st = load_styles()
    c = st.counties
    root = _root(True)
    renderer = ET.SubElement(root, "renderer-v2", type="RuleRenderer", symbollevels="0", enableorderby="0",
                             forceraster="0", referencescale="-1")
    rules = ET.SubElement(renderer, "rules", key="{planmap-root}")
    symbols = ET.SubElement(renderer, "symbols")
    weight = float(c.get("weight", 1.2)) * (2 if level == "city" else 1)
    outline = qgis_color(color(c.get("color", "#555555"), "counties"))
    palette = [color(x, "counties.choropleth") for x in c.get("choropleth", [])]
    classes = choropleth_steps(list(counts or []), len(palette)) if palette and level == "county" else []
    fills = [qgis_color(col, 0.6) for col in palette[:len(classes)]]
    if not classes:  # outlines only (cities), or a light county fill when there is no palette
        classes = [(0, None, "")]
        fill_opacity = 0.0 if level == "city" else float(c.get("fill_opacity", 0.05))
        fills = [qgis_color(color(c.get("fill", "#ffffff"), "counties"), fill_opacity)]
    for i, ((lo, hi, label), fill) in enumerate(zip(classes, fills, strict=True)):
        flt = (f'"projects" >= {lo}' + (f' AND "projects" < {hi}' if hi is not None else "")) if label else "ELSE"
        ET.SubElement(rules, "rule", key=f"{{planmap-{i}}}", symbol=str(i), filter=flt,
                      label=f"{label} 个项目" if label else "")
        sym = _symbol(symbols, "fill", str(i))
        _layer(sym, "SimpleFill", {
            "color": fill, "style": "solid", "outline_color": outline, "outline_style": "solid",
            "outline_width": f"{weight:g}", "outline_width_unit": "Pixel", "joinstyle": "round",
            "offset": "0,0", "offset_unit": "Pixel",
        })
    zoom = int(c.get("label_min_zoom", 8)) - (2 if level == "city" else 0)
    _labeling(root, "name", st.font_family, zoom_scale(zoom), 0)
    _aliases(root, fields, st)
    ET.SubElement(root, "layerGeometryType").text = "2"
    return _to_text(root)
