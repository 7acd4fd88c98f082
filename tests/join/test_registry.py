"""What the registry reads of each project: id, name key, province, point, and how often it is named."""
from __future__ import annotations

import geopandas as gpd
from shapely.geometry import LineString, Point

from planmap.join.registry import _key, registry_inputs


def test_registry_inputs_read_each_project_in_frame_order():
    gdf = gpd.GeoDataFrame(
        {"id": ["p2", "p1", "p3"], "name": ["凡河大桥", "开原市东环路", "某产业园"],
         "category": ["bridge", "road", "industrial_park"], "plan": ["a", "a", "a"],
         "county_adcodes": [["211221"], [], []], "city_adcode": ["211200", "211200", ""],
         "mentions": [[[0, 4], [9, 13]], None, []]},
        geometry=[Point(123.9, 42.3), LineString([(124.0, 42.5), (124.1, 42.6)]), None], crs="EPSG:4326")
    rows = registry_inputs(gdf)
    assert [r[0] for r in rows] == ["p2", "p1", "p3"]
    assert [r[2] for r in rows] == ["21", "21", ""]  # the county's province, else the city's
    assert rows[0][3:5] == (123.9, 42.3) and rows[2][3:5] == (None, None)
    assert [r[8] for r in rows] == [2, 1, 1]  # mentions, at least one
    assert rows[1][1] == _key("开原市东环路") and rows[1][5:8] == ("开原市东环路", "road", "a")


def test_registry_inputs_without_the_optional_columns():
    gdf = gpd.GeoDataFrame({"id": ["p1"], "name": ["凡河大桥"], "category": ["bridge"], "plan": ["a"],
                            "county_adcodes": [[]]}, geometry=[Point(123.9, 42.3)], crs="EPSG:4326")
    assert registry_inputs(gdf)[0][2] == "" and registry_inputs(gdf)[0][8] == 1
