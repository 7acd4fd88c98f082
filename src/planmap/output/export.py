"""GIS exports: GeoJSON (RFC 7946), GeoPackage, GeoParquet and CSV, atomic and deterministic.

The property contract every consumer relies on (README, "Export format") is ``PROPERTIES`` of
:mod:`planmap.columns`; each code column gets its Chinese label beside it (``LABELS``). Same input, byte-identical
files: rows sorted by id, keys in a fixed order, coordinates rounded to 6 decimals, polygons
wound counter-clockwise, no ``crs`` member, fixed GeoPackage stamps. The GeoPackage is what a
GIS team opens as-is: one geometry type per layer, county and city figures equal to
regions.csv, a plans table and QGIS default styles (:mod:`planmap.output.qgisstyle`). Files are
published mode 0644; CSV cells never start a spreadsheet formula.
"""
from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planmap.atomic import atomic_path
from planmap.columns import EXTRA_PROPERTIES, LABELS, PROPERTIES  # the contract, owned by planmap.columns

if TYPE_CHECKING:
    import geopandas as gpd

#: GeoPackage project layers, by the geometry their rows are stored as
PROJECT_LAYERS = {"projects_point": "Point", "projects_line": "MultiLineString", "projects_area": "MultiPolygon"}
#: GeoPackage 1.2: read without warnings by the GDAL of older QGIS releases (3.22 LTR and on)
GPKG_VERSION = "1.2"
#: name of the geometry column in every GeoPackage layer (QGIS's layer_styles rows refer to it)
GEOMETRY_COLUMN = "geom"


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
    """GDAL stamps the fixed date, and SQLite skips its fsync after each layer and keeps its
    rollback journal in memory instead of a file made and removed for each of the seven layers:
    the GeoPackage is written under a temporary name and renamed into place whole (the bytes
    are the same).
    """
    import pyogrio

    options = {"OGR_CURRENT_DATE": gpkg_date(), "OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_JOURNAL": "MEMORY"}
    before = {k: pyogrio.get_gdal_config_option(k) for k in options}
    pyogrio.set_gdal_config_options(options)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


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


def _columns(present) -> list[str]:
    """Export columns in contract order, each code followed by its label."""
    cols: list[str] = []
    for k in (*PROPERTIES, *EXTRA_PROPERTIES):
        if k in PROPERTIES or k in present:
            cols.append(k)
            if k in LABELS:
                cols.append(LABELS[k])
            if k == "geom_kind":  # what the project is, then what it is drawn as: they differ for placeholders
                cols += ["shown_as", LABELS["shown_as"]]
    return cols


def shown_as(geom: Any) -> str:
    """The kind of geometry a project is stored as: a line project placed by a point says ``point``."""
    if geom is None or geom.is_empty:
        return ""
    if "LineString" in geom.geom_type:
        return "line"
    if "Polygon" in geom.geom_type:
        return "area"
    return "point"


def _label(code_column: str, value: Any) -> str:
    from planmap import vocab

    return {"category": vocab.category_label, "precision": vocab.precision_label,
            "geom_kind": vocab.geom_kind_label, "shown_as": vocab.shown_as_label}[code_column](value)


def _sorted_by_id(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows sorted by id; rows already in order of distinct ids are taken as they are
    (any sort would leave them so), which saves a copy of every column.
    """
    ids = gdf["id"]
    if ids.is_unique and ids.is_monotonic_increasing:
        return gdf
    return gdf.sort_values("id")


def _has_nested(values: list[Any]) -> bool:
    """Whether a column holds lists, dicts or tuples (written as JSON text where lists cannot be)."""
    return any(isinstance(v, (list, dict, tuple)) for v in values)


def feature_dicts(gdf: gpd.GeoDataFrame) -> list[dict]:
    """GeoJSON features with the property contract (labels beside codes), sorted by id."""
    from shapely.geometry import mapping

    labels = {v: k for k, v in LABELS.items()}
    gdf = _sorted_by_id(gdf)
    present = gdf.columns
    columns = _columns(present)
    # column by column, not row by row (iterrows made a Series per project); _plain gives the
    # same plain values either way
    values = {k: gdf[k].tolist() for k in {*columns, *labels.values()} if k in present}
    feats = []
    for i, geom in enumerate(gdf.geometry.tolist()):
        geom = _round_geometry(geom)
        props: dict[str, Any] = {}
        for k in columns:
            if k == "shown_as":
                props[k] = shown_as(geom)
            elif k in labels:
                code = labels[k]
                props[k] = _label(code, props[code] if code == "shown_as" else
                                  values[code][i] if code in values else None)
            else:
                props[k] = _plain(values[k][i]) if k in values else None
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


def _labelled(gdf: gpd.GeoDataFrame) -> Any:
    """The export columns (labels added, missing contract columns empty), rows sorted by id."""
    import pandas as pd

    gdf = _sorted_by_id(gdf)
    geoms = [_round_geometry(g) for g in gdf.geometry]
    out: dict[str, list[Any]] = {}
    for k in _columns(gdf.columns):
        code = next((c for c, lab in LABELS.items() if lab == k), None)
        if k == "shown_as":
            out[k] = [shown_as(g) for g in geoms]
        elif code == "shown_as":
            out[k] = [_label(code, v) for v in out["shown_as"]]
        elif code is not None:
            src = gdf[code] if code in gdf.columns else pd.Series([None] * len(gdf), index=gdf.index)
            out[k] = [_label(code, v) for v in src]
        else:
            out[k] = list(gdf[k]) if k in gdf.columns else [None] * len(gdf)
    frame = pd.DataFrame(out, index=range(len(gdf)), columns=list(out))
    return frame, geoms


def _flat(gdf: gpd.GeoDataFrame, labelled: tuple[Any, list] | None = None) -> gpd.GeoDataFrame:
    """Lists and dicts as JSON text, for formats without list columns.

    ``labelled``: ``_labelled(gdf)`` when made already (its frame is changed in place).
    """
    import geopandas as gpd

    out, geoms = labelled if labelled is not None else _labelled(gdf)
    for col in out.columns:
        if _has_nested(out[col].tolist()):
            out[col] = out[col].map(lambda v: json.dumps(_plain(v), ensure_ascii=False) if v is not None else None)
    out["confidence"] = out["confidence"].astype(float)
    return gpd.GeoDataFrame(out, geometry=geoms, crs="EPSG:4326")


# ------------------------------------------------------------------ GeoPackage


def _as_point(geom):
    """A point-layer geometry: a one-part MultiPoint is its point; anything else its representative point."""
    if geom is None or geom.is_empty or geom.geom_type == "Point":
        return geom
    if geom.geom_type == "MultiPoint" and len(geom.geoms) == 1:
        return geom.geoms[0]
    return _round_geometry(geom.representative_point())


def _as_multi(geom):
    from shapely.geometry import MultiLineString, MultiPolygon

    if geom.geom_type == "LineString":
        return MultiLineString([geom])
    if geom.geom_type == "Polygon":
        return MultiPolygon([geom])
    return geom


def project_layers(gdf: gpd.GeoDataFrame | None, flat: gpd.GeoDataFrame | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The three typed project layers: Point, MultiLineString, MultiPolygon.

    A project is stored as what it was placed as: a line or area project known only by a point
    stays in ``projects_point`` and says ``geom_kind`` line/area; lines and polygons are
    promoted to their multi type so each layer has one geometry type.
    """
    import geopandas as gpd

    if flat is None:  # ``flat``: the rows already flattened (assembled from per-plan pieces)
        flat = _flat(gdf)
    kinds = flat.geometry.geom_type.fillna("")
    line = kinds.isin(["LineString", "MultiLineString"])
    area = kinds.isin(["Polygon", "MultiPolygon"])
    point = ~(line | area)
    layers = {}
    for name, mask, fix in (("projects_point", point, _as_point), ("projects_line", line, _as_multi),
                            ("projects_area", area, _as_multi)):
        sub = flat[mask.to_numpy()]
        layers[name] = gpd.GeoDataFrame(sub.drop(columns="geometry").reset_index(drop=True),
                                        geometry=[fix(g) for g in sub.geometry], crs="EPSG:4326")
    return layers


def _category_columns(regions: list[dict]) -> list[str]:
    """A count column per category of the vocabulary, then any other category seen."""
    from planmap.vocab import CATEGORIES

    cats = list(CATEGORIES)
    seen = sorted({c for r in regions for c in (r.get("counts") or {})} - set(cats))
    return [*cats, *seen]


@lru_cache(maxsize=1)
def _line_type_categories() -> tuple[str, ...]:
    """Categories whose type words make lines (data/categories.toml), read once per process."""
    import tomllib

    from planmap.paths import package_data

    types = tomllib.loads(package_data("categories.toml").read_text(encoding="utf-8")).get("types", [])
    return tuple(dict.fromkeys(t["category"] for t in types if t.get("geom") == "line"))


def _line_categories(gdf: gpd.GeoDataFrame | None) -> list[str]:
    """Categories whose type words make lines (data/categories.toml), then any other with km here."""
    cats = list(_line_type_categories())
    seen = set()
    if gdf is not None and "county_km" in gdf:
        seen = {str(c) for c, km in zip(gdf["category"], gdf["county_km"], strict=False) if km}
    return [*cats, *sorted(seen - set(cats))]


def _km_by_category(gdf: gpd.GeoDataFrame | None, city_of) -> dict[str, dict[str, float]]:
    """Kilometres of line per unit and category, summed as regions.csv sums ``line_km``."""
    from collections import defaultdict

    km: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    if gdf is None or "county_km" not in gdf:
        return km
    for cat, per_county in zip(gdf["category"], gdf["county_km"], strict=False):
        for code, length in (per_county or {}).items():
            km[code][str(cat)] += length
            city = city_of(code)
            if city:
                km[city][str(cat)] += length
    return km


def _region_fields(row: dict | None, cats: list[str], km: dict[str, float], km_cats: list[str]) -> dict[str, Any]:
    from planmap.vocab import category_label

    counts = (row or {}).get("counts") or {}
    return {
        "projects": int((row or {}).get("projects", 0)),
        "line_km": float((row or {}).get("line_km", 0.0)),
        "line_km_estimated": float((row or {}).get("line_km_estimated", 0.0)),
        "counts_label": "、".join(f"{category_label(c)} {counts[c]}" for c in cats if counts.get(c)),
        **{f"n_{c}": int(counts.get(c, 0)) for c in cats},
        **{f"km_{c}": round(km.get(c, 0.0), 3) for c in km_cats},
    }


def _union(polygons: list) -> Any:
    """The union of a city's counties: fast as a coverage (no overlaps), exact union otherwise."""
    import shapely

    merged = shapely.coverage_union_all(polygons)
    return merged if merged.is_valid else shapely.union_all(polygons)


def region_layers(counties: gpd.GeoDataFrame | None, regions: list[dict],
                  gdf: gpd.GeoDataFrame | None = None,
                  km: tuple[dict[str, dict[str, float]], list[str]] | None = None,
                  ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``counties`` and ``cities`` with the figures of ``regions`` (the rows of regions.csv).

    Project counts per category and ``line_km`` are regions.csv's; ``km_<category>`` splits
    ``line_km`` by category (from the projects' ``county_km``). Counties and cities with no
    project carry zeros, so a choropleth covers the whole area; city polygons are the union of
    their counties' polygons. ``km``: the kilometres by unit and category and the line
    categories, when summed already (from per-plan pieces) instead of from ``gdf``.
    """
    import geopandas as gpd

    from planmap.errors import UnknownRegionError
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()

    def name_of(code: str) -> str:
        try:
            return gaz.unit(code).name if code else ""
        except UnknownRegionError:
            return ""

    def gaz_code(code: str, col: str) -> str:
        try:
            return str(getattr(gaz.unit(str(code)), col) or "")
        except UnknownRegionError:
            return ""

    def city_of(code: str) -> str:
        try:
            return gaz.unit(code).city_adcode or ""
        except UnknownRegionError:
            return ""

    by_code = {r["adcode"]: r for r in regions}
    cats = _category_columns(regions)
    km_unit, km_cats = km if km is not None else (_km_by_category(gdf, city_of), _line_categories(gdf))
    c = counties.sort_values("adcode").reset_index(drop=True) if counties is not None and len(counties) else None
    if c is None:  # no boundaries for these regions (or none loaded): empty but fully typed layers
        import pandas as pd

        c = gpd.GeoDataFrame({k: pd.Series(dtype=str) for k in ("adcode", "name")}, geometry=[], crs="EPSG:4326")
    for col in ("city_adcode", "province_adcode"):
        if col not in c.columns:
            c[col] = [gaz_code(code, col) for code in c["adcode"]]
    # column by column and grouped in Python: a Series per county (iterrows) and pandas' groupby
    # cost more than the rest of the layer
    codes, names = c["adcode"].tolist(), c["name"].tolist()
    city_codes, province_codes = c["city_adcode"].tolist(), c["province_adcode"].tolist()
    polygons = c.geometry.tolist()
    rows = []
    for code, name, city, prov in zip(codes, names, city_codes, province_codes, strict=True):
        code, city, prov = str(code), str(city or ""), str(prov or "")
        rows.append({"adcode": code, "name": name, "city_adcode": city, "city": name_of(city),
                     "province_adcode": prov, "province": name_of(prov),
                     **_region_fields(by_code.get(code), cats, km_unit.get(code, {}), km_cats)})
    county_columns = ["adcode", "name", "city_adcode", "city", "province_adcode", "province",
                      *_region_fields(None, cats, {}, km_cats)]
    county_layer = gpd.GeoDataFrame(rows, columns=county_columns,
                                    geometry=[_as_multi(_round_geometry(g)) for g in polygons], crs="EPSG:4326")
    members: dict[Any, list[int]] = {}  # city code -> its counties' rows, in row order
    for i, city in enumerate(city_codes):
        if isinstance(city, str) and city != "":  # a missing or empty code belongs to no city
            members.setdefault(city, []).append(i)
    city_rows, city_geoms = [], []
    for city in sorted(members):
        group = members[city]
        prov = str(province_codes[group[0]] or "")
        city_rows.append({"adcode": city, "name": name_of(city), "province_adcode": prov, "province": name_of(prov),
                          "counties": len(group), **_region_fields(by_code.get(city), cats, km_unit.get(city, {}), km_cats)})
        city_geoms.append(_as_multi(_round_geometry(_union([polygons[i] for i in group]))))
    columns = ["adcode", "name", "province_adcode", "province", "counties", *_region_fields(None, cats, {}, km_cats)]
    city_layer = gpd.GeoDataFrame(city_rows, columns=columns, geometry=city_geoms, crs="EPSG:4326")
    return county_layer, city_layer


def plans_table(plans: list | None, gdf: gpd.GeoDataFrame | None, rows: list[dict] | None = None) -> Any:
    """One row per plan: its metadata, home region and number of projects (no geometry).

    ``rows``: the table's rows made already (sorted by plan, with ``projects``).
    """
    import pandas as pd

    cols = ["plan", "title", "issuer", "date", "doc_number", "home_adcode", "home_region", "home_level", "file",
            "format", "projects"]
    if rows is not None:
        return pd.DataFrame([{k: r.get(k, "") for k in cols} for r in rows], columns=cols)
    assert gdf is not None
    counts = gdf["plan"].value_counts().to_dict() if len(gdf) else {}
    rows = []
    if plans is None:  # a frame without its Plan objects: what the projects say about their plan
        titles = dict(zip(gdf["plan"], gdf.get("plan_title", gdf["plan"]), strict=False)) if len(gdf) else {}
        plans_rows = [{"plan": k, "title": titles[k]} for k in sorted(titles)]
    else:
        plans_rows = []
        for p in sorted(plans, key=lambda p: p.id):
            home = p.home_region
            plans_rows.append({
                "plan": p.id, "title": p.title or "", "issuer": p.issuer or "", "date": p.date or "",
                "doc_number": p.doc_number or "", "home_adcode": home.adcode if home else "",
                "home_region": home.name if home else "", "home_level": home.level if home else "",
                "file": Path(p.path).name, "format": p.format or "",
            })
    for r in plans_rows:
        rows.append({k: r.get(k, "") for k in cols[:-1]} | {"projects": int(counts.get(r["plan"], 0))})
    return pd.DataFrame(rows, columns=cols)


def styles_table(layers: dict[str, gpd.GeoDataFrame]) -> Any:
    """QGIS's ``layer_styles`` table: a default QML for each map layer of the GeoPackage."""
    import pandas as pd

    from planmap.output.qgisstyle import project_qml, region_qml
    from planmap.output.styles import load_styles

    st = load_styles()
    when = pd.Timestamp(gpkg_date())  # tz-aware UTC: GeoPackage DATETIME is ISO 8601 with Z
    rows = []
    for name, layer in layers.items():
        fields = [c for c in layer.columns if c != "geometry"]
        if name in PROJECT_LAYERS:
            qml = project_qml(name.removeprefix("projects_"), fields)
        else:
            counts = [int(v) for v in layer["projects"]] if "projects" in layer else []
            qml = region_qml("city" if name == "cities" else "county", fields, counts)
        rows.append({"f_table_catalog": "", "f_table_schema": "", "f_table_name": name,
                     "f_geometry_column": GEOMETRY_COLUMN, "styleName": "planmap", "styleQML": qml, "styleSLD": "",
                     "useAsDefault": True, "description": st.layers.get(name, name), "owner": "", "ui": "",
                     "update_time": when})
    return pd.DataFrame(rows)


def _described(name: str) -> dict[str, str]:
    """gpkg_contents' description of a layer (its Chinese title), which QGIS's browser shows."""
    from planmap.output.styles import load_styles

    title = load_styles().layers.get(name, "")
    return {"DESCRIPTION": title} if title else {}


def write_gpkg(gdf: gpd.GeoDataFrame | None, counties: gpd.GeoDataFrame | None, path: Path, *,
               regions: list[dict] | None = None, plans: list | None = None, plan_rows: list[dict] | None = None,
               flat: gpd.GeoDataFrame | None = None,
               km: tuple[dict[str, dict[str, float]], list[str]] | None = None) -> Path:
    """Layers projects_point/_line/_area, counties, cities (EPSG:4326), tables plans and layer_styles.

    ``regions`` are the rows of regions.csv (computed from ``gdf`` when not given), so the
    figures in ``counties`` and ``cities`` are the ones in regions.csv. A build assembling
    per-plan pieces gives ``flat`` (the rows flattened), ``plan_rows`` and ``km`` instead of ``gdf``.
    """
    import pyogrio

    if regions is None:
        from planmap.join.regions import region_table

        regions = region_table(gdf) if gdf is not None and len(gdf) else []
    layers: dict[str, Any] = dict(project_layers(gdf, flat) if flat is not None else project_layers(gdf))
    layers["counties"], layers["cities"] = region_layers(counties, regions, gdf, km)
    types = {**PROJECT_LAYERS, "counties": "MultiPolygon", "cities": "MultiPolygon"}
    tables = {"plans": plans_table(plans, gdf, plan_rows), "layer_styles": styles_table(layers)}
    path = Path(path)
    with _published(path) as tmp, _fixed_gdal_date():
        tmp.unlink()
        target = tmp.with_suffix(".gpkg")
        try:
            for name, layer in layers.items():
                first = not target.exists()
                pyogrio.write_dataframe(layer, target, layer=name, driver="GPKG", geometry_type=types[name],
                                        append=not first, dataset_options={"VERSION": GPKG_VERSION} if first else None,
                                        layer_options={"GEOMETRY_NAME": GEOMETRY_COLUMN, **_described(name)})
            for name, table in tables.items():
                options = {"FID": "id"} if name == "layer_styles" else _described(name)
                pyogrio.write_dataframe(table, target, layer=name, driver="GPKG", append=True, layer_options=options)
            os.replace(target, tmp)
        finally:
            if target.exists():
                target.unlink()
    return path


# ------------------------------------------------------------------ GeoParquet


def write_geoparquet(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    """``projects.parquet``: GeoParquet 1.0.0, WKB geometry, EPSG:4326, labels beside codes.

    Lists of names stay lists (``list<string>``); dicts (kilometres and shares per county) and
    figures are JSON text. The schema is fixed, so every build's file has the same columns and types.
    """
    import shapely

    table, geoms = parquet_table(gdf)
    present = [g for g in geoms if g is not None and not g.is_empty]
    bbox = [float(v) for v in shapely.total_bounds(present)] if present else None
    return write_parquet_table(table, {g.geom_type for g in present}, bbox, path)


def parquet_table(gdf: gpd.GeoDataFrame, labelled: tuple[Any, list] | None = None) -> tuple[Any, list]:
    """The GeoParquet rows of a frame as an Arrow table (no geo metadata yet), and the rounded geometries.

    ``labelled``: ``_labelled(gdf)`` when made already (read, not changed).
    """
    import pyarrow as pa
    import shapely

    frame, geoms = labelled if labelled is not None else _labelled(gdf)
    fields, arrays = [], []
    for col in frame.columns:
        values = [_plain(v) for v in frame[col]]
        if col == "span":
            typ = pa.list_(pa.int64())
        elif col == "confidence":
            typ = pa.float64()
        elif col in _STRING_LISTS:
            typ = pa.list_(pa.string())
            values = [None if v is None else [str(x) for x in v] if isinstance(v, list) else [str(v)] for v in values]
        else:
            typ = pa.string()
            values = [None if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                      for v in values]
        fields.append(pa.field(col, typ))
        arrays.append(pa.array(values, type=typ))
    wkb = [None if g is None or g.is_empty else shapely.to_wkb(g, byte_order=1) for g in geoms]
    fields.append(pa.field("geometry", pa.binary()))
    arrays.append(pa.array(wkb, type=pa.binary()))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields)), geoms


#: EPSG:4326 as PROJJSON, written as is: what ``pyproj.CRS.from_epsg(4326).to_json_dict()`` gives
#: varies with the PROJ release (datum ensemble members come and go) and even with the PROJ
#: objects a process made before (its database cache), and a file must not depend on either
_PROJJSON_4326: dict[str, Any] = {
    "$schema": "https://proj.org/schemas/v0.7/projjson.schema.json",
    "area": "World.",
    "bbox": {"east_longitude": 180, "north_latitude": 90, "south_latitude": -90, "west_longitude": -180},
    "coordinate_system": {"axis": [
        {"abbreviation": "Lat", "direction": "north", "name": "Geodetic latitude", "unit": "degree"},
        {"abbreviation": "Lon", "direction": "east", "name": "Geodetic longitude", "unit": "degree"}],
        "subtype": "ellipsoidal"},
    "datum": {"ellipsoid": {"inverse_flattening": 298.257223563, "name": "WGS 84", "semi_major_axis": 6378137},
              "name": "World Geodetic System 1984", "type": "GeodeticReferenceFrame"},
    "id": {"authority": "EPSG", "code": 4326},
    "name": "WGS 84",
    "scope": "Horizontal component of 3D system.",
    "type": "GeographicCRS",
}


def write_parquet_table(table: Any, geom_types: Any, bbox: Any, path: Path) -> Path:
    """Write GeoParquet rows with their geo metadata: geometry types and bounding box of the rows."""
    import pyarrow.parquet as pq

    column: dict[str, Any] = {"encoding": "WKB", "geometry_types": sorted(set(geom_types)), "crs": _PROJJSON_4326}
    if bbox is not None:
        column["bbox"] = [float(v) for v in bbox]
    geo = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": column}}
    table = table.replace_schema_metadata({b"geo": json.dumps(geo, sort_keys=True).encode()})
    with _published(Path(path)) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return Path(path)


#: list-of-string columns, typed as lists even when every row's list is empty
_STRING_LISTS = ("lead_units", "support_units", "counties", "county_adcodes", "aliases", "location_names")


# ------------------------------------------------------------------ CSV


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
