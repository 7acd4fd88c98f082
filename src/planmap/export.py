"""GIS exports: GeoJSON (RFC 7946), GeoPackage and CSV, written atomically and deterministically.

The property contract every consumer relies on (README, "Export format") is ``PROPERTIES``.
Same input, byte-identical files: rows sorted by id, keys in a fixed order, coordinates
rounded to 6 decimals, polygons wound counter-clockwise, no ``crs`` member.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planmap.atomic import atomic_path

if TYPE_CHECKING:
    import geopandas as gpd

PROPERTIES = (
    "id", "name", "category", "plan", "plan_title", "section", "evidence", "span", "lead_units",
    "support_units", "deadline", "figures", "precision", "confidence", "location_source", "province",
    "city", "city_adcode", "counties", "county_adcodes", "registry_id",
)
EXTRA_PROPERTIES = ("geom_kind", "aliases", "work", "location_names", "location_method", "county_km", "county_share")


#: Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Exports are shared files: readable by others, like the maps beside them.
FILE_MODE = 0o644
#: GeoPackage ``last_change`` stamps when SOURCE_DATE_EPOCH is unset, so identical input
#: gives an identical file (GDAL takes the stamp from OGR_CURRENT_DATE).
FIXED_DATE = "2000-01-01T00:00:00.000Z"


@contextmanager
def _published(target: Path) -> Iterator[Path]:
    """A temporary path renamed over ``target`` on success, with the shared file mode."""
    with atomic_path(target) as tmp:
        yield tmp
        os.chmod(tmp, FILE_MODE)


def write_text(target: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically, mode 0644."""
    with _published(Path(target)) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(target)


def safe_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a string that would start a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def gpkg_date() -> str:
    """The stamp written into GeoPackage metadata: SOURCE_DATE_EPOCH if set, else a fixed date."""
    from datetime import UTC, datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return FIXED_DATE


@contextmanager
def _fixed_gdal_date() -> Iterator[None]:
    import pyogrio

    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": gpkg_date()})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def project_id(plan: str, name: str) -> str:
    """Stable id: the same plan and normalised name give the same id in every run."""
    from planmap.extract import coref_key

    return hashlib.sha1(f"{plan}|{coref_key(name)}".encode()).hexdigest()[:12]


def _round_geometry(geom):
    import shapely

    if geom is None or geom.is_empty:
        return geom
    geom = shapely.transform(geom, lambda xy: xy.round(6))
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return geom


def _plain(value: Any) -> Any:
    """Numpy and pandas scalars as plain JSON values."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def feature_dicts(gdf: gpd.GeoDataFrame) -> list[dict]:
    """GeoJSON features with the property contract, sorted by id."""
    from shapely.geometry import mapping

    feats = []
    for _, row in gdf.sort_values("id").iterrows():
        props = {k: _plain(row.get(k)) for k in PROPERTIES}
        props.update({k: _plain(row.get(k)) for k in EXTRA_PROPERTIES if k in row})
        geom = _round_geometry(row.geometry)
        feats.append({
            "type": "Feature",
            "id": props["id"],
            "geometry": mapping(geom) if geom is not None and not geom.is_empty else None,
            "properties": props,
        })
    return feats


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """One FeatureCollection, RFC 7946: WGS-84 lon/lat, no crs member, UTF-8 characters."""
    collection = {"type": "FeatureCollection", "features": feature_dicts(gdf)}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    return write_text(Path(path), text + "\n")


def _flat(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists and dicts as JSON text, for formats without list columns."""
    out = gdf[[c for c in (*PROPERTIES, *EXTRA_PROPERTIES) if c in gdf.columns]].copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, dict, tuple))).any():
            out[col] = out[col].map(lambda v: json.dumps(_plain(v), ensure_ascii=False))
    out["confidence"] = out["confidence"].astype(float)
    import geopandas as gpd

    return gpd.GeoDataFrame(out, geometry=[_round_geometry(g) for g in gdf.geometry], crs="EPSG:4326")


def write_gpkg(gdf: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, path: Path) -> Path:
    """Layers projects_point, projects_line, projects_area and counties, EPSG:4326."""
    import pyogrio

    flat = _flat(gdf.sort_values("id"))
    kinds = flat.geometry.geom_type.fillna("")
    layers = {
        "projects_point": flat[kinds.isin(["Point", "MultiPoint"])],
        "projects_line": flat[kinds.isin(["LineString", "MultiLineString"])],
        "projects_area": flat[kinds.isin(["Polygon", "MultiPolygon"])],
    }
    path = Path(path)
    with _published(path) as tmp, _fixed_gdal_date():
        tmp.unlink()
        target = tmp.with_suffix(".gpkg")
        try:
            for name, layer in layers.items():
                pyogrio.write_dataframe(layer, target, layer=name, driver="GPKG",
                                        promote_to_multi=False, append=target.exists())
            c = counties[["adcode", "name", "city_adcode", "province_adcode", "geometry"]].sort_values("adcode")
            pyogrio.write_dataframe(c, target, layer="counties", driver="GPKG", append=True)
            os.replace(target, tmp)
        finally:
            if target.exists():
                target.unlink()
    return path


def write_csv(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """One row per project, geometry as WKT, UTF-8 with BOM so Excel reads the Chinese."""
    flat = _flat(gdf.sort_values("id"))
    buf = io.StringIO()
    cols = [c for c in flat.columns if c != "geometry"]
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([*cols, "wkt"])
    for _, row in flat.iterrows():
        geom = row.geometry
        writer.writerow([("" if row[c] is None else safe_cell(row[c])) for c in cols] +
                        [geom.wkt if geom is not None and not geom.is_empty else ""])
    return write_text(Path(path), buf.getvalue(), encoding="utf-8-sig")


def write_rows_csv(rows: list[dict], columns: list[str], path: Path) -> Path:
    """A plain table (registry, regions) as UTF-8 CSV with BOM."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([json.dumps(r[c], ensure_ascii=False) if isinstance(r[c], (list, dict)) else safe_cell(r[c])
                         for c in columns])
    return write_text(Path(path), buf.getvalue(), encoding="utf-8-sig")
