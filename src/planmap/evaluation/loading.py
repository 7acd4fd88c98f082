"""Reading gold annotations (``*.gold.csv``) and predictions (GeoJSON, JSON or CSV, files or
folders), with errors that name the file and row at fault.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from planmap.evaluation.records import (
    PRECISIONS,
    PRED_EXTENSIONS,
    EvaluationError,
    GoldRow,
    Prediction,
    _float_or_none,
    _is_adcode,
    _split,
)

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
