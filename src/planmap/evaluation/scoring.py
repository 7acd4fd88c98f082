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

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from planmap.evaluation.loading import _gold_files, _load_predictions, _prediction_files, load_gold
from planmap.evaluation.records import (
    DENSIFY_M,
    POINT_PRECISIONS,
    WITHIN_KM,
    DocReport,
    EvaluationError,
    ExtractionScore,
    GoldRow,
    LocationScore,
    Match,
    Prediction,
    RegionScore,
    Report,
    _ratio,
    doc_key,
    normalise_name,
)

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
