"""The browser libraries of a map page: linked from a CDN, or inlined so the page needs no network.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; planmap needs only Leaflet
and jQuery (folium's own popups call ``$``), so every map drops folium's asset lists and gets
exactly these, in order: online as CDN links pinned to the vendored versions (with SRI hashes),
offline as inline ``<style>``/``<script>`` from ``data/vendor/`` (see ``scripts/vendor_assets.py``).
planmap's own runtime (``data/templates/planmap.js``/``.css``) is always inline.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path

import folium
from branca.element import Element, MacroElement

from planmap.errors import PlanmapError


# folium asset names that planmap provides itself (anything else cannot go offline).
def data_path(name: str) -> Path:
    """A file under the package's ``data/`` folder, found next to this module.

    (Module-relative rather than ``importlib.resources``, which yields a MultiplexedPath when
    ``planmap`` is a namespace package.)
    """
    return Path(__file__).resolve().parent / "data" / name


_PROVIDED = {"leaflet", "jquery", "leaflet_css"}
# folium's default assets that planmap does not need at all.
_UNNEEDED = {
    "bootstrap",
    "awesome_markers",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
}
_CDN = "https://cdn.jsdelivr.net/npm/{pkg}@{version}/dist/{file}"
_TAG_URL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


def vendor_dir() -> Path:
    """Where ``scripts/vendor_assets.py`` put the npm files."""
    return data_path("vendor")


@cache
def vendor_versions() -> dict[str, str]:
    """Package -> version of what is vendored (the CDN links pin the same versions)."""
    return json.loads((vendor_dir() / "versions.json").read_text(encoding="utf-8"))


def _read(pkg: str, name: str) -> bytes:
    path = vendor_dir() / pkg / name
    if not path.is_file():
        raise PlanmapError(f"{path}: vendored asset missing (run scripts/vendor_assets.py)")
    return path.read_bytes()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def script_safe(code: str) -> str:
    """JS/CSS text that cannot end the ``<script>``/``<style>`` element holding it early."""
    return re.sub(r"</(script|style)", r"<\\/\1", code, flags=re.I)


@cache
def leaflet_css_inline() -> str:
    """leaflet.css with its images as data URIs (the layer-control icon needs them)."""
    css = _read("leaflet", "leaflet.css").decode("utf-8")
    return re.sub(
        r"url\(images/([\w.-]+\.png)\)",
        lambda m: f"url({_data_uri(_read('leaflet', 'images/' + m.group(1)))})",
        css,
    )


@cache
def default_icon_js() -> str:
    """Point Leaflet's default marker at data URIs; fixing the CSS alone does not do it."""
    icons = {
        "iconUrl": "marker-icon.png",
        "iconRetinaUrl": "marker-icon-2x.png",
        "shadowUrl": "marker-shadow.png",
    }
    opts = {k: _data_uri(_read("leaflet", "images/" + v)) for k, v in icons.items()}
    return f"L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({json.dumps(opts)});"


def _sri(pkg: str, name: str) -> str:
    digest = hashlib.sha384(_read(pkg, name)).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


def _cdn_url(pkg: str, file: str) -> str:
    return _CDN.format(pkg=pkg, version=vendor_versions()[pkg], file=file)


def library_tags(offline: bool) -> list[str]:
    """The ``<link>``/``<script>`` (or inline) tags for Leaflet and jQuery, in load order."""
    if offline:
        return [
            f"<style>{script_safe(leaflet_css_inline())}</style>",
            f"<script>{script_safe(_read('leaflet', 'leaflet.js').decode('utf-8'))}</script>",
            f"<script>{script_safe(default_icon_js())}</script>",
            f"<script>{script_safe(_read('jquery', 'jquery.min.js').decode('utf-8'))}</script>",
        ]
    tags = []
    for pkg, file, vendored in (
        ("leaflet", "leaflet.css", "leaflet.css"),
        ("leaflet", "leaflet.js", "leaflet.js"),
        ("jquery", "jquery.min.js", "jquery.min.js"),
    ):
        url, sri = _cdn_url(pkg, file), _sri(pkg, vendored)
        if file.endswith(".css"):
            tags.append(f'<link rel="stylesheet" href="{url}" integrity="{sri}" crossorigin="anonymous">')
        else:
            tags.append(f'<script src="{url}" integrity="{sri}" crossorigin="anonymous"></script>')
    return tags


def runtime_tags(font_family: str) -> list[str]:
    """Planmap's own CSS and JS runtime, always inline (it is small and versioned with us)."""
    css = data_path("templates/planmap.css").read_text(encoding="utf-8")
    js = data_path("templates/planmap.js").read_text(encoding="utf-8")
    return [
        f"<style>:root{{--pm-font:{font_family};}}\n{script_safe(css)}</style>",
        f"<script>{script_safe(js)}</script>",
    ]


def _walk(element: object):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def install_assets(m: folium.Map, *, offline: bool, font_family: str) -> None:
    """Replace folium's CDN asset lists on every element by planmap's tags in the page head.

    Offline, an element that needs a library planmap does not vendor raises, rather than
    producing a page that silently breaks without network.
    """
    for el in _walk(m):
        if not isinstance(el, MacroElement):
            continue
        for attr in ("default_js", "default_css"):
            links = list(getattr(el, attr, []) or [])
            if not links:
                continue
            foreign = [(n, u) for n, u in links if n not in _PROVIDED and n not in _UNNEEDED]
            if foreign and offline:
                names = ", ".join(n for n, _ in foreign)
                raise PlanmapError(f"offline map: {type(el).__name__} needs {names}, which planmap does not vendor")
            setattr(el, attr, foreign)  # instance attribute shadows folium's class list
    header = m.get_root().header
    for i, tag in enumerate(library_tags(offline) + runtime_tags(font_family)):
        header.add_child(Element(tag), name=f"planmap_asset_{i}")


def assert_no_remote_assets(html: str) -> None:
    """Fail loudly if an offline page still loads something over the network."""
    hit = _TAG_URL.search(html)
    if hit:
        raise PlanmapError(f"offline map still links a remote asset: {hit.group(0)[:120]}")
