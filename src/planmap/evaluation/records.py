"""The records of an evaluation (gold rows, predictions, matches, scores, reports), the
constants of the gold format, and the name and value helpers loading and scoring share.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from planmap import vocab
from planmap.errors import PlanmapError

GOLD_COLUMNS = (
    "doc", "id", "name", "aliases", "category", "geom", "province", "city", "county",
    "county_adcodes", "lon", "lat", "waypoints", "precision", "core", "evidence", "source",
)
#: precisions a gold row may give: the placement levels down to a city (no gold row is province-wide)
PRECISIONS = tuple(p for p in vocab.PRECISIONS if p != "province")
#: gold rows whose point is a real site, so a distance to it means something
POINT_PRECISIONS = vocab.SITE_PRECISIONS
# Extensions stripped when a document or plan id is compared ("001_x.txt" == "001_x").
DOC_EXTENSIONS = {
    ".txt", ".pdf", ".docx", ".doc", ".html", ".htm", ".md", ".rtf", ".wps", ".xml",
    ".json", ".geojson", ".csv",
}
PRED_EXTENSIONS = (".geojson", ".json", ".csv")  # preference order within a folder
WITHIN_KM = (5.0, 25.0)
DENSIFY_M = 500.0  # predicted lines are densified to this step before point-to-line distances


class EvaluationError(PlanmapError):
    """A gold or predictions file cannot be read; the message names the file (and row)."""


# --------------------------------------------------------------------------- records


@dataclass
class GoldRow:
    """One gold project, as in the gold CSV, with list and number columns parsed."""

    doc: str
    id: str
    name: str
    aliases: list[str]
    category: str
    geom: str
    province: str
    city: str
    county: str
    county_adcodes: list[str]
    lon: float | None
    lat: float | None
    waypoints: list[tuple[float, float]]
    precision: str
    core: bool
    evidence: str = ""
    source: str = ""
    file: str = ""
    line: int = 0

    @property
    def doc_key(self) -> str:
        return doc_key(self.doc)

    @property
    def cities(self) -> list[str]:
        return [c for c in self.city.split("|") if c.strip()]

    @property
    def counties(self) -> list[str]:
        return [c for c in self.county.split("|") if c.strip()]

    def keys(self) -> list[tuple[str, bool]]:
        """Normalised (string, is_name) pairs a prediction can match; empties dropped."""
        out: list[tuple[str, bool]] = []
        for text, is_name in [(self.name, True)] + [(a, False) for a in self.aliases]:
            norm = normalise_name(text)
            if norm and all(norm != k for k, _ in out):
                out.append((norm, is_name))
        return out


@dataclass
class Prediction:
    """One predicted project: its name, where it is and which regions it lies in."""

    name: str
    plan: str = ""
    aliases: list[str] = field(default_factory=list)
    category: str = ""
    counties: list[str] = field(default_factory=list)  # names or 6-digit adcodes
    county_adcodes: list[str] = field(default_factory=list)
    city_adcode: str = ""
    city: str = ""
    lon: float | None = None
    lat: float | None = None
    geometry: Any = None  # shapely geometry or None
    file: str = ""

    @property
    def doc_key(self) -> str:
        return doc_key(self.plan)

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lon is None or self.lat is None:
            return None
        return (self.lon, self.lat)

    def all_county_codes(self) -> set[str]:
        codes = {c for c in self.county_adcodes if _is_adcode(c)}
        codes |= {c for c in self.counties if _is_adcode(c)}
        return codes

    def county_names(self) -> set[str]:
        return {normalise_name(c) for c in self.counties if c and not _is_adcode(c)}


@dataclass
class Match:
    """A prediction assigned to a gold row, and how the names met."""

    gold: GoldRow
    pred: Prediction
    kind: str  # "exact" | "exact_alias" | "pred_in_gold" | "gold_in_pred"
    via: str  # the gold name or alias that matched (verbatim)


@dataclass
class ExtractionScore:
    """Precision, recall and F1 of one document (or all), with the names behind them."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    neutral: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)  # core=yes matches only

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "missed": list(self.missed), "spurious": list(self.spurious),
            "neutral": list(self.neutral),
            "matches": [
                {"gold_id": m.gold.id, "gold": m.gold.name, "predicted": m.pred.name,
                 "kind": m.kind, "via": m.via}
                for m in self.matches
            ],
        }


@dataclass
class RegionScore:
    """County accuracy: how many matched projects lie in the gold county (or city)."""

    n: int
    correct: int
    accuracy: float | None
    wrong: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "correct": self.correct, "accuracy": self.accuracy,
                "wrong": list(self.wrong)}


@dataclass
class LocationScore:
    """Distances from predicted to gold points and lines, in km."""

    n: int
    within: dict[float, float | None]  # km threshold -> share of n
    median_km: float | None
    errors: list[tuple[str, float]] = field(default_factory=list)  # (gold name, km)
    n_without_point: int = 0
    n_lines: int = 0
    line_median_km: float | None = None
    line_max_km: float | None = None
    line_errors: list[tuple[str, float]] = field(default_factory=list)

    @property
    def within_5km(self) -> float | None:
        return self.within.get(5.0)

    @property
    def within_25km(self) -> float | None:
        return self.within.get(25.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "within_5km": self.within_5km,
            "within_25km": self.within_25km,
            "median_km": self.median_km,
            "n_without_point": self.n_without_point,
            "errors": [{"gold": g, "km": km} for g, km in self.errors],
            "n_lines": self.n_lines,
            "line_median_km": self.line_median_km,
            "line_max_km": self.line_max_km,
            "line_errors": [{"gold": g, "km": km} for g, km in self.line_errors],
        }


@dataclass
class DocReport:
    """Every score of one document."""

    doc: str
    extraction: ExtractionScore
    regions: RegionScore
    locations: LocationScore
    n_predictions: int = 0
    has_predictions: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "has_predictions": self.has_predictions,
            "n_predictions": self.n_predictions,
            "extraction": self.extraction.to_dict(),
            "regions": self.regions.to_dict(),
            "locations": self.locations.to_dict(),
        }


@dataclass
class Report:
    """Per-document reports, the micro-averaged overall one and warnings."""

    docs: list[DocReport]
    overall: DocReport  # micro-averaged over docs
    unscored_plans: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "docs": [d.to_dict() for d in self.docs],
            "overall": self.overall.to_dict(),
            "unscored_plans": list(self.unscored_plans),
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- helpers

# The reference scorer's separators (eval/score.py PUNCT): spaces and the usual Chinese and
# ASCII punctuation; names are compared without them and in simplified script.
_PUNCT = re.compile(r"[\s\u3000，。、；：,.;:“”\"'‘’（）()《》〈〉\[\]【】〔〕—\-·•]+")


@lru_cache(maxsize=1)
def _t2s():  # noqa: ANN202 - opencc has no type hints
    """Traditional -> simplified (OpenCC), or identity when OpenCC is missing."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency
        return lambda text: text
    return opencc.OpenCC("t2s").convert


def normalise_name(s: str | None) -> str:
    """Drop spaces and punctuation and read traditional script as simplified, as the
    reference scorer does: 淮安—铁岭工业园 == 淮安铁岭工业园, 武漢動物園 == 武汉动物园.
    """
    if not s:
        return ""
    return _t2s()(_PUNCT.sub("", str(s)))


def doc_key(s: str | None) -> str:
    """The comparable id of a document: base name without a document extension."""
    if not s:
        return ""
    name = str(s).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name.endswith(".gold.csv"):
        return name[: -len(".gold.csv")]
    suffix = Path(name).suffix.lower()
    if suffix in DOC_EXTENSIONS:
        return name[: -len(suffix)]
    return name


def _is_adcode(s: str) -> bool:
    return len(s) == 6 and s.isdigit()


def _split(value: Any) -> list[str]:
    """A list from a list, a '|'-separated string, or nothing."""
    if value is None:
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for v in value:
            if isinstance(v, dict):  # a Region-like record
                v = v.get("adcode") or v.get("name") or ""
            out.extend(_split(v))
        return out
    if isinstance(value, dict):
        return _split([value])
    if isinstance(value, int):
        return [str(value)]
    return [p.strip() for p in str(value).split("|") if p.strip()]


def _float_or_none(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"not a number: {value!r}") from None
    return out if math.isfinite(out) else None


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0
