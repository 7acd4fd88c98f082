"""The browser libraries of a map page: linked from a CDN, or inlined so the page needs no network.

A page needs Leaflet and Leaflet.markercluster, plus planmap's own runtime
(``data/templates/planmap.js``/``.css``, always inline). Online they are CDN links pinned to the
vendored versions (with SRI hashes); offline they are inline ``<style>``/``<script>`` from
``data/vendor/`` (see ``scripts/vendor_assets.py``). The tags are prepared once per process
and shared by every page of a build.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from planmap.errors import PlanmapError


def data_path(name: str) -> Path:
    """A file under the package's ``data/`` folder, found next to this module.

    (Module-relative rather than ``importlib.resources``, which yields a MultiplexedPath when
    ``planmap`` is a namespace package.)
    """
    return Path(__file__).resolve().parents[1] / "data" / name


_CDN = "https://cdn.jsdelivr.net/npm/{pkg}@{version}/dist/{file}"
_TAG_URL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)
# (package, file in the vendor folder), in load order
_ASSETS = (
    ("leaflet", "leaflet.css"),
    ("leaflet.markercluster", "MarkerCluster.css"),
    ("leaflet", "leaflet.js"),
    ("leaflet.markercluster", "leaflet.markercluster.js"),
)


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


def _css(pkg: str, name: str) -> str:
    """A vendored stylesheet with its images as data URIs (the layer-control icon needs them)."""
    css = _read(pkg, name).decode("utf-8")
    return re.sub(
        r"url\(images/([\w.-]+\.png)\)",
        lambda m: f"url({_data_uri(_read(pkg, 'images/' + m.group(1)))})",
        css,
    )


def _sri(pkg: str, name: str) -> str:
    digest = hashlib.sha384(_read(pkg, name)).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


def _cdn_url(pkg: str, file: str) -> str:
    return _CDN.format(pkg=pkg, version=vendor_versions()[pkg], file=file)


@dataclass(frozen=True)
class Asset:
    """One stylesheet or script of a page: inline ``code`` or a CDN ``url`` with its SRI hash.

    ``code`` is vendored or planmap's own text, made safe for its element by :func:`script_safe`;
    the page template (``map.html.j2``) writes the tags.
    """

    kind: str  # "css" or "js"
    code: str = ""
    url: str = ""
    sri: str = ""


@cache
def library_assets(offline: bool) -> tuple[Asset, ...]:
    """The vendored libraries, in load order: inline offline, CDN links online."""
    out = []
    for pkg, file in _ASSETS:
        kind = "css" if file.endswith(".css") else "js"
        if offline:
            code = _css(pkg, file) if kind == "css" else _read(pkg, file).decode("utf-8")
            out.append(Asset(kind, code=script_safe(code)))
        else:
            out.append(Asset(kind, url=_cdn_url(pkg, file), sri=_sri(pkg, file)))
    return tuple(out)


@cache
def runtime_assets() -> tuple[Asset, ...]:
    """Planmap's own CSS and JS runtime, always inline (it is small and versioned with us)."""
    css = data_path("templates/planmap.css").read_text(encoding="utf-8")
    js = data_path("templates/planmap.js").read_text(encoding="utf-8")
    return Asset("css", code=script_safe(css)), Asset("js", code=script_safe(js))


def page_assets(offline: bool) -> tuple[Asset, ...]:
    """Every asset of a map page's head, prepared once per process and shared by every page."""
    return library_assets(offline) + runtime_assets()


def assert_no_remote_assets(html: str) -> None:
    """Fail loudly if an offline page still loads something over the network."""
    hit = _TAG_URL.search(html)
    if hit:
        raise PlanmapError(f"offline map still links a remote asset: {hit.group(0)[:120]}")
