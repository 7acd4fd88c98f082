"""The map elements planmap adds to a folium map, one class and one template each.

Every element hands its data to the inline runtime (``data/templates/planmap.js``) as a JSON
literal made by :func:`js_literal`, so no document text is ever spliced into JavaScript source;
strings that end up as HTML (popups, tooltips, legend) were escaped in Python before that.
"""
from __future__ import annotations

import json
from functools import cache
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from planmap.offline import data_path

_JS_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def js_literal(value: Any) -> str:
    r"""A JSON literal safe to paste into an inline ``<script>``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` etc. mean the same;
    so the text can neither close the script (``</script>``), open a comment (``<!--``), nor
    break on the line separators U+2028/U+2029 that older JS engines reject.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, esc in _JS_ESCAPES.items():
        text = text.replace(raw, esc)
    return text


@cache
def _template(name: str) -> Template:
    return Template(data_path(f"templates/{name}").read_text(encoding="utf-8"))


class _Element(MacroElement):
    """A MacroElement whose template lives in ``data/templates/<template_name>``."""

    template_name = ""

    def __init__(self) -> None:
        super().__init__()
        self._template = _template(self.template_name)


class ProjectLayer(_Element):
    """All project features, each added to its category's FeatureGroup (one layer per category)."""

    template_name = "projects.js.j2"

    def __init__(self, features: list[dict], styles: dict[str, dict], groups: dict[str, folium.FeatureGroup]) -> None:
        super().__init__()
        self._name = "PlanmapProjects"
        self.data_js = js_literal({"features": features, "styles": styles})
        # group variable names are generated identifiers (feature_group_<hex>), not user text
        self.groups_js = "{" + ",".join(f"{js_literal(k)}:{g.get_name()}" for k, g in groups.items()) + "}"


class CountyLayer(_Element):
    """County boundaries (optionally choropleth-filled) with name labels at representative points."""

    template_name = "counties.js.j2"

    def __init__(self, collection: dict, labels: list[dict], style: dict, label_min_zoom: int) -> None:
        super().__init__()
        self._name = "PlanmapCounties"
        self.data_js = js_literal(
            {"fc": collection, "labels": labels, "style": style, "labelMinZoom": label_min_zoom}
        )


class Legend(_Element):
    """The legend box: categories, precision symbols, choropleth steps (HTML escaped in Python)."""

    template_name = "legend.js.j2"

    def __init__(self, html: str, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "PlanmapLegend"
        self.html_js = js_literal(html)
        self.position_js = js_literal(position)


class TitleBox(_Element):
    """The map's title and counts (HTML escaped in Python)."""

    template_name = "title.js.j2"

    def __init__(self, html: str, position: str = "topright") -> None:
        super().__init__()
        self._name = "PlanmapTitle"
        self.html_js = js_literal(html)
        self.position_js = js_literal(position)


class SearchBox(_Element):
    """A search box over project names; self-contained, so it works offline (no leaflet-search)."""

    template_name = "search.js.j2"

    def __init__(self, placeholder: str = "搜索项目名称…", position: str = "topleft") -> None:
        super().__init__()
        self._name = "PlanmapSearch"
        self.options_js = js_literal({"placeholder": placeholder, "position": position, "limit": 12})


class FitView(_Element):
    """Fit the view to the content without animation.

    (An animated first zoom leaves stale SVG rasters in software-rendered Chromium; folium's
    FitBounds cannot turn animation off.)
    """

    template_name = "fit.js.j2"

    def __init__(self, bounds: list[list[float]], padding_top_left: tuple[int, int], padding_bottom_right: tuple[int, int], max_zoom: int) -> None:
        super().__init__()
        self._name = "PlanmapFit"
        self.bounds_js = js_literal(bounds)
        self.options_js = js_literal(
            {
                "animate": False,
                "paddingTopLeft": list(padding_top_left),
                "paddingBottomRight": list(padding_bottom_right),
                "maxZoom": max_zoom,
            }
        )
