"""How codes are drawn: data/styles.toml (colours, glyphs, lines, uncertainty rings, county
look, font) and data/labels.toml (layer titles, field aliases), read and checked once for the
web maps (:mod:`planmap.output.render`) and the QGIS styles (:mod:`planmap.output.qgisstyle`).

The codes themselves and their Chinese labels are :mod:`planmap.vocab`; every category and
precision of the vocabulary must have a style here, so a map and a GeoPackage never disagree.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from planmap import vocab
from planmap.errors import PlanmapError
from planmap.paths import package_data

_COLOR = re.compile(r"^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$|^#([0-9a-fA-F]{3})$")
_DASH = re.compile(r"^[0-9. ,]*$")
_FONT = re.compile(r'^[\w\s",\-]+$')


@dataclass(frozen=True)
class Styles:
    """The validated style table, keyed by the vocabulary's codes, labels beside the looks."""

    categories: dict[str, dict[str, Any]]  # label, color, glyph, weight, dash, casing, overlay
    precision: dict[str, dict[str, Any]]  # label, en, solid, radius_m, zoom
    counties: dict[str, Any]
    font: str  # the CSS font stack
    fields: dict[str, str]
    layers: dict[str, str]

    @property
    def font_family(self) -> str:
        """The first family of the font stack (what QGIS is given)."""
        return self.font.split(",")[0].strip().strip('"')

    @property
    def solid(self) -> list[str]:
        """Precision codes drawn solid (a real site rather than a seat of government)."""
        return [k for k, v in self.precision.items() if v.get("solid")] or list(vocab.SITE_PRECISIONS)

    @property
    def geom_kind(self) -> dict[str, str]:
        return vocab.GEOM_KIND_LABELS

    @property
    def shown_as(self) -> dict[str, str]:
        return vocab.SHOWN_AS_LABELS

    category_label = staticmethod(vocab.category_label)
    precision_label = staticmethod(vocab.precision_label)
    geom_kind_label = staticmethod(vocab.geom_kind_label)
    shown_as_label = staticmethod(vocab.shown_as_label)


def color(value: Any, where: str) -> str:
    """A ``#hex`` colour, or an error naming where in styles.toml it is not one."""
    if not isinstance(value, str) or not _COLOR.match(value):
        raise PlanmapError(f"styles.toml: {where}: {value!r} is not a #hex colour")
    return value


def _dash(value: str, where: str) -> str:
    if not _DASH.match(value or ""):
        raise PlanmapError(f"styles.toml: {where}: {value!r} is not an SVG dash pattern")
    return value


def _table(name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(package_data(name).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PlanmapError(f"style data: {exc}") from exc


@cache
def load_styles() -> Styles:
    """Read and check styles.toml and labels.toml; the values end up in CSS, SVG, JS and QML."""
    raw, labels = _table("styles.toml"), _table("labels.toml")
    for table, codes in (("categories", vocab.CATEGORIES), ("precision", tuple(vocab.PRECISION_TERMS))):
        if set(raw[table]) != set(codes):
            raise PlanmapError(f"styles.toml: [{table}] must style exactly the codes of vocabulary.toml "
                               f"(missing {sorted(set(codes) - set(raw[table]))}, "
                               f"unknown {sorted(set(raw[table]) - set(codes))})")
    cats: dict[str, dict[str, Any]] = {}
    for key in vocab.CATEGORIES:
        c = raw["categories"][key]
        ln = c.get("line", {})
        overlay = None
        if ln.get("overlay"):
            over_color, weight, dash = ln["overlay"].split("|")
            overlay = {"color": color(over_color, key), "weight": float(weight), "dash": _dash(dash, key)}
        cats[key] = {
            "label": vocab.CATEGORY_LABELS[key],
            "color": color(c["color"], key),
            "glyph": str(c["glyph"])[:2],
            "weight": float(ln.get("weight", 3)),
            "dash": _dash(ln.get("dash", ""), key),
            "casing": color(ln["casing"], key) if ln.get("casing") else "",
            "overlay": overlay,
        }
    prec = {
        k: {**vocab.PRECISION_TERMS[k], "solid": bool(v["solid"]), "radius_m": float(v.get("radius_m", 0)),
            "zoom": int(v.get("zoom", 12))}
        for k in vocab.PRECISION_TERMS for v in (raw["precision"][k],)
    }
    font = raw["font"]["family"]
    if not _FONT.match(font):
        raise PlanmapError(f"styles.toml: font.family {font!r} has characters not allowed in CSS here")
    counties = dict(raw["counties"])
    for c in [counties["color"], counties["fill"], *counties["choropleth"]]:
        color(c, "counties")
    return Styles(cats, prec, counties, font, dict(labels.get("fields", {})), dict(labels.get("layers", {})))
