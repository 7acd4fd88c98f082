"""The pieces of a map page: one Jinja environment, one template file per element, data as JSON.

A page is rendered once from ``data/templates/map.html.j2``, which includes one template per
element (header, project list, legend, popup ...). Document text, file names and override
values are never template source: they reach the page only as one JSON literal made by
:func:`js_literal` inside ``<script type="application/json">``, and the inline runtime
(``planmap.js``) puts them into the DOM with ``textContent``. The few values the template
writes itself (the ``<title>``) are autoescaped by Jinja.
"""
from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from planmap.output.offline import data_path, page_assets

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
def environment() -> jinja2.Environment:
    """The one Jinja environment of planmap's pages: files from ``data/templates``, autoescaped.

    Templates are compiled once per process from those files and nothing else.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_path("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_page(data: dict[str, Any], *, title: str, offline: bool, font: str) -> str:
    """The HTML of one map page: ``data`` goes in as JSON, ``title`` autoescaped.

    ``font`` is the CSS font stack validated by ``planmap.output.render.load_styles``.
    """
    return environment().get_template("map.html.j2").render(
        title=title,
        data_json=Markup(js_literal(data)),
        assets=page_assets(offline),
        font=Markup(font),
    )


def render_fragments() -> str:
    """The ``<template>`` elements the runtime clones (popup, legend), for pages it is attached to."""
    return environment().get_template("fragments.html.j2").render()


def render_attach(data: dict[str, Any], map_name: str, *, offline: bool, font: str) -> tuple[str, str]:
    """(head, body) HTML that draws ``data`` onto an existing Leaflet map called ``map_name``.

    For folium maps (notebooks): ``head`` holds the libraries, ``body`` the templates, the data
    as JSON and the call, made once the page has loaded (after folium's own script).
    """
    head = environment().get_template("assets.html.j2").render(assets=page_assets(offline), font=Markup(font))
    body = environment().get_template("attach.html.j2").render(
        fragments=Markup(render_fragments()), data_json=Markup(js_literal(data)), map_json=Markup(js_literal(map_name))
    )
    return head, body


@cache
def _raw_html_class() -> type:
    from branca.element import Element  # only notebooks need branca: imported on first use

    class RawHTML(Element):
        """Finished, already-safe HTML placed in a folium figure as is.

        Its text is returned by ``render`` and never compiled as a template (branca's
        ``Element(text)`` would compile it, and run any ``{{ }}`` that document text holds).
        """

        def __init__(self, text: str) -> None:
            super().__init__()
            self._text = text

        def render(self, **kwargs: Any) -> str:
            return self._text

    return RawHTML


def raw_html(text: str) -> Any:
    """A branca element that renders ``text`` unchanged (see ``_raw_html_class``)."""
    return _raw_html_class()(text)


def render_index_page(**context: Any) -> str:
    """The HTML of the index page; every value autoescaped by the template."""
    return environment().get_template("index.html.j2").render(**context)
