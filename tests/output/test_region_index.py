"""Region pages find their projects through an index: the same rows as testing every project."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from planmap.cache import map_key, row_digests
from planmap.errors import PlanmapError
from planmap.output.render import RegionIndex, region_projects


@pytest.fixture
def projects() -> gpd.GeoDataFrame:
    rows = [
        {"id": "a", "city_adcode": "210100", "county_adcodes": ["210102"]},
        {"id": "b", "city_adcode": "210100", "county_adcodes": []},  # filed under the city only
        {"id": "c", "city_adcode": "211200", "county_adcodes": ["210102", "211202"]},  # crosses into 2101
        {"id": "d", "city_adcode": "", "county_adcodes": ["211221", "211221"]},
        {"id": "e", "city_adcode": None, "county_adcodes": None},
    ]
    return gpd.GeoDataFrame(rows, geometry=[Point(123, 42)] * len(rows), crs="EPSG:4326")


def test_the_index_selects_what_region_projects_selects(projects):
    index = RegionIndex(projects)
    for level, codes in (("county", ["210102", "211202", "211221", "999999"]),
                         ("city", ["210100", "211200", "999900"])):
        for code in codes:
            expected = region_projects(projects, code, level)["id"].tolist()
            assert projects["id"].take(index.positions(code, level)).tolist() == expected, (level, code)
    assert projects["id"].take(index.positions("210100", "city")).tolist() == ["a", "b", "c"]
    assert projects["id"].take(index.positions("211221", "county")).tolist() == ["d"]  # once, not twice
    with pytest.raises(PlanmapError):
        index.positions("210100", "province")


def test_page_keys_from_row_digests_follow_the_rows(projects):
    digests = row_digests(projects)
    assert len(digests) == len(projects) and len(set(digests)) == len(projects)
    assert row_digests(projects.copy()) == digests  # the same rows, the same digests
    key = map_key("region", "210100", rows=(digests[:3],))
    assert map_key("region", "210100", rows=(row_digests(projects)[:3],)) == key
    assert map_key("region", "210100", rows=(digests[1:3],)) != key  # a row fewer
    assert map_key("region", "210101", rows=(digests[:3],)) != key  # another page
    moved = projects.copy()
    moved.loc[1, "geometry"] = Point(124, 42)
    assert map_key("region", "210100", rows=(row_digests(moved)[:3],)) != key  # a geometry moved
    renamed = projects.copy()
    renamed.loc[2, "id"] = "z"
    assert map_key("region", "210100", rows=(row_digests(renamed)[:3],)) != key  # a value changed
    assert row_digests(projects.iloc[:0]) == []
