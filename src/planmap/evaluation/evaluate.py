"""Score planmap's output against hand-made gold annotations.

The rules are those of the gold README (``eval/README.md`` next to the gold files); where the
README is silent this module makes a choice and states it here, so that a score means the
same thing from one run to the next.

Matching policy (extraction)
----------------------------
* Names are compared after :func:`normalise_name` (NFKC, case-folded, every punctuation,
  separator, symbol and control character removed). A prediction whose normalised name is
  empty never matches and counts as a false positive (each one; they are not de-duplicated).
* A prediction *can match* a gold row when its name equals, contains or is contained in the
  gold name or one of the gold aliases (the README rule, applied literally: there is no
  minimum length).
* Predictions are first de-duplicated per document by normalised name (the first one wins).
* One-to-one assignment is greedy over all candidate pairs, best first: exact match with the
  gold name, then exact match with an alias, then containment with the longest overlap
  (length of the shorter string), then the smallest length difference, then ``core=yes``
  rows before ``core=no`` rows, then document order. Each gold row takes at most one
  prediction and each prediction at most one gold row. Greedy, not a maximum matching: a
  prediction that fits a row exactly keeps it even if a different assignment would find
  one more row.
* A prediction assigned to a ``core=yes`` row is a true positive. A prediction assigned to a
  ``core=no`` row is neutral (the README ignores those rows either way). A prediction left
  unassigned that still *can match* some gold row (core=no, or a row another prediction
  already took) is neutral too: it is a second mention of a project that was found, not an
  invented one. Any other prediction is a false positive; an unassigned ``core=yes`` row is
  a false negative.
* Zero-division: with nothing to find and nothing claimed (tp = fp = fn = 0) P, R and F1 are
  1.0; otherwise an empty denominator gives 0.0 (so empty predictions give R = F1 = 0).

Region and location scores are computed over matched ``core=yes`` rows only, so every
metric is about the same set of projects. See :func:`score_regions` and
:func:`score_locations` for their details.

Pairing (:func:`evaluate`): every gold document is scored, including those the predictions
say nothing about (they score recall 0 and are flagged); predictions for a plan with no gold
file are listed as unscored.
"""
from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from planmap import vocab
from planmap.errors import PlanmapError

__all__ = [
    "EvaluationError",
    "GoldRow",
    "Prediction",
    "Match",
    "ExtractionScore",
    "RegionScore",
    "LocationScore",
    "DocReport",
    "Report",
    "load_gold",
    "load_predictions",
    "normalise_name",
    "match_projects",
    "city_codes_from_gold",
    "geodesic_km",
    "point_to_line_km",
    "score_extraction",
    "score_regions",
    "score_locations",
    "evaluate",
    "format_report",
    "main_evaluate",
]

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


# --------------------------------------------------------------------------- loading


def load_gold(path: str | Path) -> list[GoldRow]:
    """Read one ``*.gold.csv``; a malformed file raises :class:`EvaluationError`."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read gold file ({exc.strerror})") from None
    rows: list[GoldRow] = []
    seen: dict[tuple[str, str], int] = {}
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in ("doc", "id", "name", "core") if c not in header]
            if missing:
                raise EvaluationError(
                    f"{path}: not a gold file, header lacks {', '.join(missing)}"
                )
            for number, raw in enumerate(reader, start=1):
                where = f"{path}: row {number} (line {reader.line_num})"
                if None in raw:
                    raise EvaluationError(f"{where}: more fields than the header has")
                row = _gold_row(raw, path, where)
                row.line = reader.line_num
                key = (row.doc_key, row.id)
                if row.id and key in seen:
                    raise EvaluationError(
                        f"{where}: id {row.id!r} already used in row {seen[key]}"
                    )
                seen[key] = number
                rows.append(row)
        except UnicodeDecodeError:
            raise EvaluationError(f"{path}: not UTF-8 text") from None
        except csv.Error as exc:
            raise EvaluationError(f"{path}: bad CSV ({exc})") from None
    return rows


def _gold_row(raw: dict[str, str | None], path: Path, where: str) -> GoldRow:
    get = lambda k: (raw.get(k) or "").strip()  # noqa: E731
    name = get("name")
    if not name:
        raise EvaluationError(f"{where}: empty name")
    core = get("core").lower()
    if core not in ("yes", "no"):
        raise EvaluationError(f"{where}: core must be yes or no, not {get('core')!r}")
    precision = get("precision").lower()
    if precision and precision not in PRECISIONS:
        raise EvaluationError(f"{where}: unknown precision {precision!r}")
    try:
        lon, lat = _float_or_none(get("lon")), _float_or_none(get("lat"))
    except ValueError as exc:
        raise EvaluationError(f"{where}: lon/lat {exc}") from None
    if (lon is None) != (lat is None):
        raise EvaluationError(f"{where}: lon and lat must be both given or both empty")
    if lon is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):  # type: ignore[operator]
        raise EvaluationError(f"{where}: lon/lat out of range ({lon}, {lat})")
    codes = _split(get("county_adcodes"))
    bad = [c for c in codes if not _is_adcode(c)]
    if bad:
        raise EvaluationError(f"{where}: county_adcodes not 6-digit codes: {'|'.join(bad)}")
    waypoints: list[tuple[float, float]] = []
    if get("waypoints"):
        for part in get("waypoints").split(";"):
            if not part.strip():
                continue
            bits = part.split()
            try:
                if len(bits) != 2:
                    raise ValueError
                waypoints.append((float(bits[0]), float(bits[1])))
            except ValueError:
                raise EvaluationError(
                    f"{where}: waypoints must be 'lon lat;lon lat', got {part.strip()!r}"
                ) from None
    return GoldRow(
        doc=get("doc") or path.name.removesuffix(".gold.csv"),
        id=get("id"),
        name=name,
        aliases=_split(get("aliases")),
        category=get("category"),
        geom=get("geom"),
        province=get("province"),
        city=get("city"),
        county=get("county"),
        county_adcodes=codes,
        lon=lon,
        lat=lat,
        waypoints=waypoints,
        precision=precision,
        core=core == "yes",
        evidence=get("evidence"),
        source=get("source"),
        file=str(path),
    )


def load_predictions(path: str | Path) -> list[Prediction]:
    """Read predictions from JSON records, a GeoJSON FeatureCollection or a CSV.

    Records without a plan id get the file's stem, so a per-document file pairs by name.
    """
    path = Path(path)
    preds = _load_predictions(path)
    for p in preds:
        p.plan = p.plan or path.stem
    return preds


def _load_predictions(path: Path) -> list[Prediction]:
    """Predictions of a file as written (``plan`` left empty where the file gives none)."""
    if not path.is_file():
        raise EvaluationError(f"{path}: no such predictions file")
    try:
        if path.suffix.lower() == ".csv":
            preds = _predictions_from_csv(path)
        else:
            try:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
            except json.JSONDecodeError as exc:
                raise EvaluationError(
                    f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})"
                ) from None
            preds = _predictions_from_json(data, path)
    except UnicodeDecodeError:
        raise EvaluationError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read predictions ({exc.strerror})") from None
    for p in preds:
        p.file = str(path)
    return preds


def _predictions_from_json(data: Any, path: Path) -> list[Prediction]:
    default_plan = ""
    if isinstance(data, dict):
        if data.get("type") == "FeatureCollection":
            return _predictions_from_features(data.get("features") or [], path)
        if data.get("type") == "Feature":
            return _predictions_from_features([data], path)
        if "projects" not in data:
            raise EvaluationError(f"{path}: expected a list of projects or {{\"projects\": [...]}}")
        default_plan = str(data.get("plan") or data.get("id") or "")
        data = data["projects"]
    if not isinstance(data, list):
        raise EvaluationError(f"{path}: expected a list of projects")
    out: list[Prediction] = []
    for i, rec in enumerate(data, start=1):
        if not isinstance(rec, dict):
            raise EvaluationError(f"{path}: record {i} is not an object")
        if "name" not in rec and isinstance(rec.get("projects"), list):  # list of plans
            plan = str(rec.get("plan") or rec.get("id") or "")
            for sub in _predictions_from_json(rec["projects"], path):
                sub.plan = sub.plan or plan
                out.append(sub)
            continue
        out.append(_prediction(rec, rec.get("geometry"), path, f"record {i}", default_plan))
    return out


def _predictions_from_features(features: list[Any], path: Path) -> list[Prediction]:
    out: list[Prediction] = []
    for i, feat in enumerate(features, start=1):
        if not isinstance(feat, dict):
            raise EvaluationError(f"{path}: feature {i} is not an object")
        props = dict(feat.get("properties") or {})
        out.append(_prediction(props, feat.get("geometry"), path, f"feature {i}", ""))
    return out


def _predictions_from_csv(path: Path) -> list[Prediction]:
    out: list[Prediction] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            reader = csv.DictReader(handle)
            if "name" not in (reader.fieldnames or []):
                raise EvaluationError(f"{path}: predictions CSV needs a 'name' column")
            for i, raw in enumerate(reader, start=1):
                rec = {k: v for k, v in raw.items() if k is not None}
                geometry = rec.pop("geometry", None) or rec.pop("wkt", None) or None
                out.append(
                    _prediction(rec, geometry, path, f"row {i} (line {reader.line_num})", "")
                )
        except csv.Error as exc:
            raise EvaluationError(f"{path}: bad CSV ({exc})") from None
    return out


def _prediction(rec: dict[str, Any], geometry: Any, path: Path, where: str,
                default_plan: str) -> Prediction:
    """One Prediction from a record; explicit lon/lat win over the geometry's point."""
    name = rec.get("name")
    if name is None:
        raise EvaluationError(f"{path}: {where} has no 'name'")
    geom = _geometry(geometry, path, where)
    try:
        lon, lat = _float_or_none(rec.get("lon")), _float_or_none(rec.get("lat"))
    except ValueError as exc:
        raise EvaluationError(f"{path}: {where}: lon/lat {exc}") from None
    if lon is None or lat is None:
        lon = lat = None
        point = _representative_point(geom)
        if point is not None:
            lon, lat = point
    city_code = str(rec.get("city_adcode") or "").strip()
    if city_code.endswith(".0"):  # a number read through pandas
        city_code = city_code[:-2]
    return Prediction(
        name=str(name).strip(),
        plan=str(rec.get("plan") or rec.get("doc") or default_plan or ""),
        aliases=_split(rec.get("aliases")),
        category=str(rec.get("category") or ""),
        counties=_split(rec.get("counties")),
        county_adcodes=_split(rec.get("county_adcodes")),
        city_adcode=city_code,
        city=str(rec.get("city") or "").strip(),
        lon=lon,
        lat=lat,
        geometry=geom,
    )


def _geometry(value: Any, path: Path, where: str) -> Any:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        if isinstance(value, dict):
            from shapely.geometry import shape

            geom = shape(value)
        elif isinstance(value, str):
            from shapely import wkt

            geom = wkt.loads(value)
        else:
            raise TypeError(type(value).__name__)
    except Exception as exc:  # shapely raises several types for bad input
        raise EvaluationError(f"{path}: {where}: bad geometry ({exc})") from None
    return None if geom.is_empty else geom


def _representative_point(geom: Any) -> tuple[float, float] | None:
    """Point: itself; line: midpoint along it; anything else: a point inside it."""
    if geom is None:
        return None
    kind = geom.geom_type
    if kind == "Point":
        return (geom.x, geom.y)
    if kind in ("LineString", "LinearRing", "MultiLineString"):
        if kind == "MultiLineString":
            from shapely.ops import linemerge

            merged = linemerge(geom)
            if merged.geom_type != "LineString":  # disjoint parts: use the longest
                merged = max(merged.geoms, key=lambda g: g.length)
            geom = merged
        p = geom.interpolate(0.5, normalized=True)
        return (p.x, p.y)
    p = geom.representative_point()
    return (p.x, p.y)


# --------------------------------------------------------------------------- matching


def _relation(pred_norm: str, gold: GoldRow) -> tuple[str, str] | None:
    """How a normalised predicted name meets a gold row: (kind, the gold key it met)."""
    keys = gold.keys()
    for norm, is_name in keys:
        if pred_norm == norm:
            return ("exact" if is_name else "exact_alias", norm)
    if len(pred_norm) < 2:
        return None
    for norm, _ in keys:
        if len(norm) >= 2 and norm in pred_norm:
            return ("gold_in_pred", norm)
        if len(pred_norm) >= 3 and pred_norm in norm:
            return ("pred_in_gold", norm)
    return None


def match_projects(preds: list[Prediction], gold: list[GoldRow]
                   ) -> tuple[list[Match], list[Prediction], list[Prediction]]:
    """One-to-one matching as the reference scorer does it; (matches, neutral, spurious).

    Core rows, longest name first, each take the first unused prediction whose name equals
    the gold name or an alias; then, in a second pass, the first whose name contains or is
    contained in one (README rule; a contained prediction needs 3 characters, a contained
    gold name 2). A left-over prediction that can match a ``core=no`` row is neutral; every
    other left-over prediction is a false positive (a second copy of a found project too).
    """
    feats = [p for p in preds if p.name]
    norms = [normalise_name(p.name) for p in feats]
    core = [g for g in gold if g.core]
    side = [g for g in gold if not g.core]
    order = sorted(range(len(core)), key=lambda i: -len(normalise_name(core[i].name)))
    used: set[int] = set()
    done: set[int] = set()
    matches: list[Match] = []
    for exact in (True, False):
        for gi in order:
            if gi in done:
                continue
            g = core[gi]
            names = [k for k, _ in g.keys()]
            for pi, pn in enumerate(norms):
                if pi in used:
                    continue
                if (pn in names) if exact else (_relation(pn, g) is not None):
                    used.add(pi)
                    done.add(gi)
                    kind, key = _relation(pn, g) or ("exact", pn)
                    matches.append(Match(gold=g, pred=feats[pi], kind=kind, via=_via(key, g)))
                    break
    left = [i for i in range(len(feats)) if i not in used]
    neutral_ids = {i for i in left if any(_relation(norms[i], g) is not None for g in side)}
    neutral = [feats[i] for i in left if i in neutral_ids]
    spurious = [feats[i] for i in left if i not in neutral_ids]
    rank = {id(g): i for i, g in enumerate(gold)}
    matches.sort(key=lambda m: rank[id(m.gold)])
    return matches, neutral, spurious


def _via(key: str, gold: GoldRow) -> str:
    for text in [gold.name, *gold.aliases]:
        if normalise_name(text) == key:
            return text
    return gold.name


def score_extraction(preds: list[Prediction], gold: list[GoldRow]) -> ExtractionScore:
    """Precision, recall and F1 over core=yes gold rows (README rule + policy above)."""
    matches, neutral, spurious = match_projects(preds, gold)
    core_matches = [m for m in matches if m.gold.core]
    neutral_names = [p.name for p in neutral] + [m.pred.name for m in matches if not m.gold.core]
    matched_ids = {id(m.gold) for m in core_matches}
    missed = [g.name for g in gold if g.core and id(g) not in matched_ids]
    tp, fp, fn = len(core_matches), len(spurious), len(missed)
    return _extraction(tp, fp, fn, missed, [p.name for p in spurious], neutral_names,
                       core_matches)


def _extraction(tp: int, fp: int, fn: int, missed: list[str], spurious: list[str],
                neutral: list[str], matches: list[Match]) -> ExtractionScore:
    if tp == fp == fn == 0:
        p = r = f1 = 1.0
    else:
        p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
    return ExtractionScore(tp=tp, fp=fp, fn=fn, precision=p, recall=r, f1=f1, missed=missed,
                           spurious=spurious, neutral=neutral, matches=matches)


# --------------------------------------------------------------------------- regions


def _strip_city(name: str) -> str:
    norm = normalise_name(name)
    for suffix in ("市", "地区", "自治州", "盟"):
        if norm.endswith(suffix) and len(norm) > len(suffix):
            return norm[: -len(suffix)]
    return norm


def city_codes_from_gold(gold: Iterable[GoldRow]) -> dict[str, str]:
    """City name -> 4-digit code prefix, learnt from single-city gold rows with codes.

    The gold gives a city by name only; rows that name one city and list counties all in
    one city give the code, which then serves city-precision rows that list no county.
    """
    out: dict[str, str] = {}
    for g in gold:
        prefixes = {c[:4] for c in g.county_adcodes}
        if len(g.cities) == 1 and len(prefixes) == 1:
            out.setdefault(_strip_city(g.cities[0]), prefixes.pop())
    return out


def score_regions(matches: list[Match], city_codes: dict[str, str] | None = None) -> RegionScore:
    """County accuracy over matched core=yes rows, as the reference scorer counts it.

    A row with county codes (precision other than ``city``) is right when the predicted
    ``county_adcodes`` share one of them. A ``precision=city`` row, or one without county
    codes, is right when the city is: by code (the prediction's ``city_adcode``, or a
    predicted county, in the city of the gold's counties; with several gold cities, any of
    them) or, for a row with no codes at all, by name (the predicted ``city`` is one of the
    gold cities). ``city_codes`` is kept for callers; the reference rules do not use it.
    """
    if city_codes is None:
        city_codes = city_codes_from_gold(m.gold for m in matches)
    rows = [m for m in matches if m.gold.core]
    correct = n = 0
    wrong: list[dict[str, Any]] = []
    for m in rows:
        g, p = m.gold, m.pred
        pred_codes = p.all_county_codes()
        gc = set(g.county_adcodes)
        if g.precision == "city" or not gc:
            level = "city"
            gold_prefixes = {c[:4] for c in gc}
            if gold_prefixes:
                pred_prefixes = {c[:4] for c in pred_codes}
                if len(p.city_adcode) >= 4:
                    pred_prefixes.add(p.city_adcode[:4])
                ok = bool(gold_prefixes & pred_prefixes)
            elif g.cities:
                ok = bool(p.city) and p.city in g.cities
            else:
                continue  # the gold row gives no region: not scored
        else:
            level = "county"
            ok = bool(pred_codes & gc)
        n += 1
        if ok:
            correct += 1
        else:
            wrong.append({
                "gold": g.name, "predicted": p.name, "level": level,
                "gold_city": g.city, "gold_county": g.county,
                "gold_county_adcodes": list(g.county_adcodes),
                "predicted_county_adcodes": sorted(pred_codes),
                "predicted_counties": list(p.counties),
                "predicted_city": p.city, "predicted_city_adcode": p.city_adcode,
            })
    return RegionScore(n=n, correct=correct, accuracy=correct / n if n else None, wrong=wrong)


# --------------------------------------------------------------------------- locations

_GEOD = None


def _geod():
    global _GEOD
    if _GEOD is None:
        from pyproj import Geod

        _GEOD = Geod(ellps="WGS84")
    return _GEOD


def geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance on the WGS-84 ellipsoid, in km."""
    _, _, metres = _geod().inv(lon1, lat1, lon2, lat2)
    return abs(metres) / 1000.0


def _lines(geom: Any) -> list[list[tuple[float, float]]]:
    if geom is None:
        return []
    if geom.geom_type in ("LineString", "LinearRing"):
        return [list(geom.coords)]
    if geom.geom_type == "MultiLineString":
        return [list(g.coords) for g in geom.geoms]
    return []


def _densify(coords: list[tuple[float, float]], step_m: float = DENSIFY_M) -> list[tuple[float, float]]:
    """Add points along each segment's geodesic so no step exceeds ``step_m``."""
    out: list[tuple[float, float]] = [(coords[0][0], coords[0][1])]
    for a, b in zip(coords, coords[1:], strict=False):
        (lon1, lat1), (lon2, lat2) = a[:2], b[:2]
        _, _, dist = _geod().inv(lon1, lat1, lon2, lat2)
        extra = int(abs(dist) // step_m)
        if extra > 0:
            out.extend(_geod().npts(lon1, lat1, lon2, lat2, extra))
        out.append((lon2, lat2))
    return out


def point_to_line_km(lon: float, lat: float, geom: Any) -> float:
    """Geodesic distance from a point to a (multi)line, in km.

    The line is densified along geodesics (500 m steps) and projected to an azimuthal
    equidistant CRS centred on the point; that projection keeps distances from its centre
    exact, so the planar distance from the origin to the projected line is the geodesic
    distance up to the (tiny) chord error of the dense steps.
    """
    from pyproj import CRS, Transformer
    from shapely.geometry import LineString, Point

    parts = [c for c in _lines(geom) if len(c) >= 1]
    if not parts:
        raise ValueError("not a line")
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    best = math.inf
    for coords in parts:
        dense = _densify(coords) if len(coords) > 1 else [tuple(coords[0][:2])]
        xs, ys = tr.transform([c[0] for c in dense], [c[1] for c in dense])
        shape = LineString(list(zip(xs, ys, strict=False))) if len(dense) > 1 else Point(xs[0], ys[0])
        best = min(best, shape.distance(Point(0.0, 0.0)))
    return best / 1000.0


def _hav_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (the reference scorer's haversine, R = 6371.0088 km)."""
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _vertices(geom: Any) -> list[tuple[float, float]]:
    """Every vertex of a geometry, lines densified to about 200 m (as the reference scorer)."""
    if geom is None or geom.is_empty:
        return []
    kind = geom.geom_type
    if kind == "Point":
        return [(geom.x, geom.y)]
    if kind == "MultiPoint":
        return [(g.x, g.y) for g in geom.geoms]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [v for g in geom.geoms for v in _vertices(g)]
    rings = [geom.exterior, *geom.interiors] if kind == "Polygon" else [geom]
    out: list[tuple[float, float]] = []
    for ring in rings:
        coords = [tuple(c[:2]) for c in ring.coords]
        for (x1, y1), (x2, y2) in zip(coords, coords[1:], strict=False):
            n = max(1, int(_hav_km((x1, y1), (x2, y2)) / 0.2))
            out += [(x1 + (x2 - x1) * k / n, y1 + (y2 - y1) * k / n) for k in range(n)]
        if coords:
            out.append(coords[-1])
    return out


def _rep_point(geom: Any, pts: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not pts:
        return None
    if geom.geom_type in ("LineString", "MultiLineString"):
        return pts[len(pts) // 2]
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def score_locations(matches: list[Match]) -> LocationScore:
    """Point and line errors for matched core=yes rows of precision exact/approx, as the
    reference scorer measures them.

    Point error: for a gold point, the distance from the predicted representative point (a
    line's middle vertex, else the mean of the vertices); for a gold line or area, from the
    gold point to the nearest predicted vertex. Line error, for gold lines with waypoints:
    the largest distance from a waypoint to the nearest predicted vertex. Medians are the
    reference's (the upper middle value). A prediction given only as lon/lat counts as a point.
    """
    errors: list[tuple[str, float]] = []
    line_errors: list[tuple[str, float]] = []
    without = 0
    for m in matches:
        g, p = m.gold, m.pred
        if not g.core or g.precision not in POINT_PRECISIONS or g.lon is None or g.lat is None:
            continue
        geom = p.geometry
        if geom is None and p.point is not None:
            from shapely.geometry import Point

            geom = Point(*p.point)
        pts = _vertices(geom)
        rp = _rep_point(geom, pts) if pts else None
        if rp is None:
            without += 1
            continue
        gp = (g.lon, g.lat)
        errors.append((g.name, min(_hav_km(gp, q) for q in pts) if g.geom != "point" else _hav_km(gp, rp)))
        if g.geom == "line" and g.waypoints:
            line_errors.append((g.name, max(min(_hav_km(w, q) for q in pts) for w in g.waypoints)))
    kms = sorted(km for _, km in errors)
    line_kms = sorted(km for _, km in line_errors)
    n = len(kms)
    return LocationScore(
        n=n,
        within={t: (sum(km <= t for km in kms) / n if n else None) for t in WITHIN_KM},
        median_km=kms[n // 2] if kms else None,
        errors=errors,
        n_without_point=without,
        n_lines=len(line_kms),
        line_median_km=line_kms[len(line_kms) // 2] if line_kms else None,
        line_max_km=max(line_kms) if line_kms else None,
        line_errors=line_errors,
    )


# --------------------------------------------------------------------------- evaluate


def _gold_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.gold.csv"))
        if not files:
            raise EvaluationError(f"{path}: no *.gold.csv files in this folder")
        return files
    if path.is_file():
        return [path]
    raise EvaluationError(f"{path}: no such gold file or folder")


def _prediction_files(path: Path, warnings: list[str]) -> list[Path]:
    """Prediction files of a folder: one per stem, .geojson before .json before .csv."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise EvaluationError(f"{path}: no such predictions file or folder")
    by_stem: dict[str, list[Path]] = {}
    for f in sorted(path.iterdir()):
        if not f.is_file() or f.name.endswith(".gold.csv"):
            continue
        if f.suffix.lower() in PRED_EXTENSIONS:
            by_stem.setdefault(f.stem, []).append(f)
    chosen: list[Path] = []
    for _stem, files in sorted(by_stem.items()):
        files.sort(key=lambda f: PRED_EXTENSIONS.index(f.suffix.lower()))
        chosen.append(files[0])
        for other in files[1:]:
            warnings.append(f"{other}: ignored, {files[0].name} holds the same document")
    if not chosen:
        raise EvaluationError(f"{path}: no .geojson, .json or .csv predictions in this folder")
    return chosen


def _score_doc(doc: str, preds: list[Prediction], gold: list[GoldRow],
               city_codes: dict[str, str], has_predictions: bool) -> DocReport:
    ext = score_extraction(preds, gold)
    return DocReport(
        doc=doc,
        extraction=ext,
        regions=score_regions(ext.matches, city_codes),
        locations=score_locations(ext.matches),
        n_predictions=len(preds),
        has_predictions=has_predictions,
    )


def evaluate(pred_path: str | Path, gold_path: str | Path | Iterable[str | Path]) -> Report:
    """Score predictions (file or folder) against gold (file or folder), per doc and overall.

    Gold rows are grouped by their ``doc`` stem; predictions by their ``plan`` (or, failing
    that, the stem of the file they came from). Predictions of a file with no plan id and no
    matching gold document go to the gold document when there is exactly one.
    """
    pred_path = Path(pred_path)
    gold_paths = [Path(gold_path)] if isinstance(gold_path, (str, Path)) else [Path(g) for g in gold_path]
    warnings: list[str] = []
    gold_by_doc: dict[str, list[GoldRow]] = {}
    for folder in gold_paths:
        for f in _gold_files(folder):
            for row in load_gold(f):
                gold_by_doc.setdefault(row.doc_key, []).append(row)
    if not gold_by_doc:
        raise EvaluationError(f"{', '.join(map(str, gold_paths))}: the gold holds no rows")
    city_codes = city_codes_from_gold(r for rows in gold_by_doc.values() for r in rows)

    preds_by_doc: dict[str, list[Prediction]] = {}
    covered: set[str] = set()
    only_doc = next(iter(gold_by_doc)) if len(gold_by_doc) == 1 and pred_path.is_file() else None
    for f in _prediction_files(pred_path, warnings):
        file_key = doc_key(f.name)
        if file_key not in gold_by_doc and "." in file_key:
            file_key = file_key.split(".", 1)[0]  # X.pred.json -> X
        if file_key not in gold_by_doc and only_doc is not None:
            file_key = only_doc
        covered.add(file_key)
        for p in _load_predictions(f):
            key = p.doc_key or file_key
            p.plan = p.plan or key
            covered.add(key)
            preds_by_doc.setdefault(key, []).append(p)

    docs = []
    for doc in sorted(gold_by_doc):
        has = doc in covered
        if not has:
            warnings.append(f"{doc}: no predictions for this document (scored as empty)")
        docs.append(_score_doc(doc, preds_by_doc.get(doc, []), gold_by_doc[doc], city_codes, has))
    unscored = sorted(k for k in preds_by_doc if k not in gold_by_doc)
    for k in unscored:
        warnings.append(f"{k}: {len(preds_by_doc[k])} predictions, no gold for this plan (not scored)")
    return Report(docs=docs, overall=_overall(docs), unscored_plans=unscored, warnings=warnings)


def _overall(docs: list[DocReport]) -> DocReport:
    """Micro-average: pool counts and matches of every document."""
    tp = sum(d.extraction.tp for d in docs)
    fp = sum(d.extraction.fp for d in docs)
    fn = sum(d.extraction.fn for d in docs)
    matches = [m for d in docs for m in d.extraction.matches]
    ext = _extraction(
        tp, fp, fn,
        [n for d in docs for n in d.extraction.missed],
        [n for d in docs for n in d.extraction.spurious],
        [n for d in docs for n in d.extraction.neutral],
        matches,
    )
    correct = sum(d.regions.correct for d in docs)
    n = sum(d.regions.n for d in docs)
    regions = RegionScore(n=n, correct=correct, accuracy=correct / n if n else None,
                          wrong=[w for d in docs for w in d.regions.wrong])
    return DocReport(
        doc="overall",
        extraction=ext,
        regions=regions,
        locations=score_locations(matches),
        n_predictions=sum(d.n_predictions for d in docs),
        has_predictions=any(d.has_predictions for d in docs),
    )


# --------------------------------------------------------------------------- output


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _km(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def format_report(report: Report) -> str:
    """A plain-text table per document and overall, then missed and spurious names."""
    head = ("doc", "P", "R", "F1", "county", "<=5km", "<=25km", "med km", "line max")
    rows = []
    for d in [*report.docs, report.overall]:
        e, r, loc = d.extraction, d.regions, d.locations
        rows.append((
            d.doc + ("" if d.has_predictions else " (no predictions)"),
            _pct(e.precision), _pct(e.recall), _pct(e.f1),
            f"{_pct(r.accuracy)} ({r.correct}/{r.n})",
            _pct(loc.within_5km), _pct(loc.within_25km), _km(loc.median_km),
            _km(loc.line_max_km),
        ))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    fmt = lambda cells: "  ".join(  # noqa: E731
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
    )
    lines = [fmt(head), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in rows[:-1]]
    lines.append(fmt(["-" * w for w in widths]))
    lines.append(fmt(rows[-1]))
    o = report.overall.extraction
    lines.append(f"tp={o.tp} fp={o.fp} fn={o.fn} neutral={len(o.neutral)}")
    for d in report.docs:
        e = d.extraction
        lines.append("")
        lines.append(f"{d.doc}: tp={e.tp} fp={e.fp} fn={e.fn} neutral={len(e.neutral)}")
        lines.append("  missed:   " + ("、".join(e.missed) if e.missed else "-"))
        lines.append("  spurious: " + ("、".join(e.spurious) if e.spurious else "-"))
        if d.regions.wrong:
            lines.append("  wrong region: " + "、".join(w["gold"] for w in d.regions.wrong))
    for w in report.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


def eval_dir(shared: str | Path | None = None) -> Path:
    """The evaluation folder (``eval/`` with gold/, dev_gold/, dev_docs/ and ../seeds/).

    ``shared`` (the ``shared`` or ``shared/eval`` folder), else ``PLANMAP_EVAL``, else
    ``../shared/eval`` from the working directory or from the source checkout.
    """
    import os

    candidates = []
    if shared:
        candidates += [Path(shared), Path(shared) / "eval"]
    elif os.environ.get("PLANMAP_EVAL"):
        candidates.append(Path(os.environ["PLANMAP_EVAL"]))
    else:
        candidates += [Path.cwd().parent / "shared" / "eval",
                       Path(__file__).resolve().parents[3] / "shared" / "eval"]
    for c in candidates:
        if (c / "gold").is_dir() or (c / "dev_gold").is_dir():
            return c
    raise EvaluationError(f"{candidates[0]}: no evaluation folder here (expected gold/ and dev_gold/; "
                          "pass --shared DIR or set PLANMAP_EVAL)")


def yardstick_documents(folder: Path) -> tuple[list[Path], list[Path]]:
    """(documents that have gold, gold folders): seeds with gold/ and dev_docs with dev_gold/."""
    pairs = [(folder.parent / "seeds", folder / "gold"), (folder / "dev_docs", folder / "dev_gold")]
    docs: list[Path] = []
    golds: list[Path] = []
    for doc_dir, gold_dir in pairs:
        if not gold_dir.is_dir():
            continue
        golds.append(gold_dir)
        for g in sorted(gold_dir.glob("*.gold.csv")):
            stem = g.name[: -len(".gold.csv")]
            found = sorted(doc_dir.glob(f"{stem}.*")) if doc_dir.is_dir() else []
            if not found:
                raise EvaluationError(f"{g}: no document {stem}.* in {doc_dir}")
            docs.append(found[0])
    return docs, golds


def evaluate_yardstick(shared: str | Path | None = None, out: str | Path | None = None) -> Report:
    """Build every document that has gold (seeds and dev docs) and score the build.

    ``out``: where the build goes (default: a temporary folder, removed afterwards).
    """
    import tempfile

    from planmap.build import build

    folder = eval_dir(shared)
    docs, golds = yardstick_documents(folder)
    if out is not None:
        build(docs, out=out, maps=False)
        return evaluate(Path(out) / "data" / "plans", golds)
    with tempfile.TemporaryDirectory(prefix="planmap-yardstick-") as tmp:
        build(docs, out=tmp, maps=False)
        return evaluate(Path(tmp) / "data" / "plans", golds)


def main_evaluate(pred: str | None, gold: str | None, as_json: bool = False, shared: str | None = None,
                  out: str | None = None) -> int:
    """``planmap evaluate [PRED GOLD] [--json]``: print the report; 2 on bad input.

    Without PRED and GOLD: build the documents that have gold and score them (the yardstick).
    """
    try:
        if pred is None and gold is None:
            report = evaluate_yardstick(shared, out)
        elif pred is None or gold is None:
            raise EvaluationError("give both PRED and GOLD, or neither (to build and score the gold documents)")
        else:
            report = evaluate(pred, gold)
    except PlanmapError as exc:
        print(f"planmap evaluate: error: {exc}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0
