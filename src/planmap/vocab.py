"""The vocabularies of the project table: category and precision codes, their order and their
Chinese labels, and the labels of the geometry kinds (data/vocabulary.toml).

Every stage reads the codes here (the geocoder ranks precisions, the gazetteer checks feature
rows, the exports and maps print labels, evaluation checks gold rows), so a category added to
the data file is known everywhere at once. How each code is drawn is
:mod:`planmap.output.styles`.
"""
from __future__ import annotations

import tomllib
from typing import Any

from planmap.errors import PlanmapError
from planmap.paths import package_data


def _load() -> dict[str, Any]:
    try:
        return tomllib.loads(package_data("vocabulary.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PlanmapError(f"vocabulary.toml: {exc}") from exc


_RAW = _load()

#: the category that takes every code the vocabulary does not know
OTHER_CATEGORY = "other"
#: category code -> Chinese label, in the order of layers and legend rows
CATEGORY_LABELS: dict[str, str] = {str(k): str(v) for k, v in _RAW["categories"].items()}
#: every category code, in order
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_LABELS)

#: the precision of a location the user gave (an overrides row), outside the ranked levels
USER_PRECISION = "user"
#: precision code -> {"label": Chinese, "en": English}
PRECISION_TERMS: dict[str, dict[str, str]] = {
    str(k): {"label": str(v["label"]), "en": str(v["en"])} for k, v in _RAW["precision"].items()}
#: the placement levels, finest first: the geocoder and route drawing compare by this order
PRECISIONS: tuple[str, ...] = tuple(k for k in PRECISION_TERMS if k != USER_PRECISION)
#: levels that mark a real site (surveyed or traced), not the seat of a unit of government
SITE_PRECISIONS: tuple[str, ...] = ("exact", "approx")

#: geometry the project's type word implies -> Chinese label
GEOM_KIND_LABELS: dict[str, str] = {str(k): str(v) for k, v in _RAW["geom_kind"].items()}
#: geometry a project is stored as -> Chinese label
SHOWN_AS_LABELS: dict[str, str] = {str(k): str(v) for k, v in _RAW["shown_as"].items()}

if OTHER_CATEGORY not in CATEGORY_LABELS:
    raise PlanmapError(f"vocabulary.toml: a category {OTHER_CATEGORY!r} is required")
if not set(SITE_PRECISIONS) <= set(PRECISIONS) or USER_PRECISION not in PRECISION_TERMS:
    raise PlanmapError(f"vocabulary.toml: precision must list {', '.join(SITE_PRECISIONS)} and {USER_PRECISION}")


def category_label(code: Any) -> str:
    """Chinese label of a category code; unknown codes read as 其他 (other), like the maps."""
    return CATEGORY_LABELS.get(str(code), CATEGORY_LABELS[OTHER_CATEGORY])


def precision_label(code: Any) -> str:
    """Chinese label of a precision code; an unknown code is said to be unknown."""
    term = PRECISION_TERMS.get(str(code))
    return term["label"] if term else "未知精度"


def geom_kind_label(code: Any) -> str:
    """Chinese label of a geometry kind (点状/线状/面状项目)."""
    return GEOM_KIND_LABELS.get(str(code), "")


def shown_as_label(code: Any) -> str:
    """Chinese label of the geometry a project is stored as (以点表示 …)."""
    return SHOWN_AS_LABELS.get(str(code), "")
