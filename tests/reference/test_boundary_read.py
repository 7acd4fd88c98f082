"""Boundary files are read with their CRS made once: the frames are those geopandas reads."""
from __future__ import annotations

import geopandas as gpd
from geopandas.testing import assert_geodataframe_equal

from planmap.reference.gazetteer import _read_geoparquet, default_gazetteer


def test_every_boundary_file_reads_as_geopandas_reads_it():
    files = sorted((default_gazetteer().folder / "boundaries").glob("*.parquet"))
    assert len(files) > 30
    for path in files * 2:  # the second round reuses the CRS of the first
        ours, theirs = _read_geoparquet(path), gpd.read_parquet(path)
        assert_geodataframe_equal(ours, theirs, check_crs=True)
        assert list(ours.columns) == list(theirs.columns) and ours.geometry.name == theirs.geometry.name
        assert list(ours.dtypes) == list(theirs.dtypes) and ours.index.equals(theirs.index)
        assert ours.crs == theirs.crs and ours.crs.to_epsg() == 4326
