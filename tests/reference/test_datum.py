"""GCJ-02 <-> WGS-84: published reference pairs, round trip, vectorisation."""
from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from planmap.reference.datum import gcj02_to_wgs84, transform_geometry, wgs84_to_gcj02

GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    "wgs,gcj",
    [((123.43, 41.80), (123.436137, 41.802430)), ((113.9, 35.3), (113.905909, 35.299398))],
)
def test_reference_pairs(wgs, gcj):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert isinstance(lon, float)
    assert lon == pytest.approx(gcj[0], abs=1e-6)
    assert lat == pytest.approx(gcj[1], abs=1e-6)
    back = gcj02_to_wgs84(*gcj)
    _, _, dist = GEOD.inv(back[0], back[1], *wgs)
    assert dist < 0.5  # the reference GCJ values are rounded to 1e-6 deg (~0.1 m)


def test_round_trip_grid_across_china():
    lon, lat = np.meshgrid(np.arange(73.5, 135.0, 0.37), np.arange(18.0, 53.5, 0.29))
    lon, lat = lon.ravel(), lat.ravel()
    glon, glat = wgs84_to_gcj02(lon, lat)
    _, _, shift = GEOD.inv(lon, lat, glon, glat)
    assert shift.min() > 0 and shift.max() < 1000  # GCJ-02 moves points by tens to hundreds of m
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    _, _, err = GEOD.inv(lon, lat, wlon, wlat)
    assert err.max() < 0.5
    assert err.max() < 0.02  # in practice the fixed point converges to ~1 cm


def test_out_of_china_unchanged():
    for pt in [(2.35, 48.85), (-74.0, 40.7), (139.7, 35.7), (100.5, 0.5)]:
        assert wgs84_to_gcj02(*pt) == pt
        assert gcj02_to_wgs84(*pt) == pt


def test_vectorised_matches_scalar():
    rng = np.random.default_rng(7)
    lon = rng.uniform(74, 134, 100_000)
    lat = rng.uniform(18, 53, 100_000)
    vlon, vlat = wgs84_to_gcj02(lon, lat)
    ilon, ilat = gcj02_to_wgs84(vlon, vlat)
    for i in rng.choice(lon.size, 50, replace=False):
        slon, slat = wgs84_to_gcj02(float(lon[i]), float(lat[i]))
        assert (slon, slat) == (pytest.approx(vlon[i], abs=1e-12), pytest.approx(vlat[i], abs=1e-12))
        blon, blat = gcj02_to_wgs84(slon, slat)
        assert abs(blon - ilon[i]) < 1e-7 and abs(blat - ilat[i]) < 1e-7


def test_transform_geometry_keeps_shared_vertices():
    import shapely

    a = shapely.box(123.0, 41.0, 123.5, 41.5)
    b = shapely.box(123.5, 41.0, 124.0, 41.5)
    wa, wb = transform_geometry([a, b], gcj02_to_wgs84)
    assert wa.is_valid and wb.is_valid
    assert wa.intersection(wb).area == 0
    assert wa.intersection(wb).length > 0  # still touching along the shared edge
    assert wa.centroid.x < a.centroid.x  # GCJ-02 -> WGS-84 moves points west in Liaoning
