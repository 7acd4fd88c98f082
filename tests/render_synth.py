"""Synthetic counties and projects in Liaoning coordinates for the render tests.

Real county polygons are not available to the render tests, so counties are a wiggly grid
(cells share their jagged edges exactly, like a real coverage) and projects are placed in them.
"""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from shapely.geometry import LineString, Point, Polygon, box

X0, Y0, DX, DY = 122.3, 41.0, 0.3, 0.25  # south-west corner near Shenyang, cell size in degrees

CATEGORIES = [
    "road", "highway", "railway", "bridge", "airport", "logistics", "industrial_park", "new_town",
    "park_green", "scenic_tourism", "water", "energy_utility", "public_service", "market",
    "urban_renewal", "ecology", "other",
]


def _warp(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid space -> lon/lat with smooth and fine wiggles (a function of (u, v) only)."""
    x = X0 + DX * (u + 0.08 * np.sin(2.1 * v + 1.3 * u) + 0.01 * np.sin(40 * u + 37 * v))
    y = Y0 + DY * (v + 0.08 * np.cos(1.7 * u - 0.9 * v) + 0.01 * np.cos(43 * v - 31 * u))
    return x, y


def _cell(i: int, j: int, k: int) -> Polygon:
    t = np.linspace(0, 1, k, endpoint=False)
    u = np.concatenate([i + t, np.full(k, i + 1.0), i + 1 - t, np.full(k, float(i))])
    v = np.concatenate([np.full(k, float(j)), j + t, np.full(k, j + 1.0), j + 1 - t])
    x, y = _warp(u, v)
    return Polygon(np.column_stack([x, y]))


def counties(nx: int = 3, ny: int = 2, k: int = 4) -> gpd.GeoDataFrame:
    """nx*ny counties, k vertices per cell side; cities are pairs of grid rows."""
    rows = []
    for j in range(ny):
        for i in range(nx):
            city = f"21{j // 2 + 1:02d}00"
            rows.append(
                {
                    "adcode": f"{city[:4]}{j % 2}{i + 1}" if nx < 10 else f"{city[:4]}{(j % 2) * nx + i + 1:02d}",
                    "name": f"测试{j + 1}{i + 1}县",
                    "city_adcode": city,
                    "province_adcode": "210000",
                    "geometry": _cell(i, j, k),
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def project(pid: str, name: str, category: str, geometry, *, precision: str = "exact", plan: str = "plan-a", **extra):
    """One project row with every contract column filled."""
    row = {
        "id": pid,
        "name": name,
        "category": category,
        "plan": plan,
        "plan_title": "测试市综合交通规划（2024—2026年）",
        "section": "一、重点任务 > （一）交通",
        "evidence": f"加快推进{name}建设，力争2025年底前完工。",
        "span": [10, 20],
        "lead_units": ["市交通局"],
        "support_units": ["市发展改革委", "市自然资源局"],
        "deadline": "2025-12-31",
        "figures": [{"kind": "length", "value": 12.5, "unit": "km", "text": "全长12.5公里"}],
        "precision": precision,
        "confidence": 0.8,
        "location_source": "https://example.org/osm/way/1",
        "province": "辽宁省",
        "city": "测试市",
        "city_adcode": "210100",
        "counties": [],
        "county_adcodes": [],
        "registry_id": "",
        "geometry": geometry,
    }
    row.update(extra)
    return row


def projects(cties: gpd.GeoDataFrame, n: int = 20, plan: str = "plan-a") -> gpd.GeoDataFrame:
    """n projects over the counties: points, lines, areas and coarse (ring) placements."""
    rows = []
    geoms = list(cties.geometry)
    for idx in range(n):
        c = cties.iloc[idx % len(cties)]
        centre = geoms[idx % len(geoms)].representative_point()
        cx, cy = centre.x + 0.02 * math.sin(idx), centre.y + 0.02 * math.cos(idx)
        cat = CATEGORIES[idx % len(CATEGORIES)]
        precision = ["exact", "approx", "town", "county", "city", "province"][idx % 6] if idx % 3 == 2 else "exact"
        if cat in ("road", "highway", "railway", "water") and precision == "exact":
            geom = LineString([(cx - 0.1, cy - 0.05), (cx, cy + 0.02), (cx + 0.12, cy + 0.04)])
        elif cat in ("industrial_park", "new_town", "park_green") and precision == "exact":
            geom = box(cx - 0.03, cy - 0.02, cx + 0.03, cy + 0.02)
        else:
            geom = Point(cx, cy)
        rows.append(
            project(
                f"p{idx:03d}", f"测试项目{idx}号{cat}", cat, geom, precision=precision, plan=plan,
                counties=[c["name"]], county_adcodes=[c["adcode"]], city_adcode=c["city_adcode"],
            )
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
