"""County kilometres of lines: measured for drawn roads, marked as estimates for courses."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from planmap.join.regions import assign_regions, km_is_estimate, region_table
from planmap.output.render import line_length


def _lines(rows: list[tuple[str, LineString, str, str]]) -> gpd.GeoDataFrame:
    data = [{"name": n, "category": "railway", "precision": pr, "location_method": m, "placed_counties": ["500110"]}
            for n, _, pr, m in rows]
    return gpd.GeoDataFrame(data, geometry=[g for _, g, _, _ in rows], crs="EPSG:4326")


@pytest.fixture(scope="module")
def joined() -> gpd.GeoDataFrame:
    # two lines across the same districts of Chongqing: one a course between two seats, one a
    # route through control points
    course = LineString([(106.55, 29.56), (106.65, 29.02)])
    route = LineString([(106.55, 29.56), (106.60, 29.30), (106.65, 29.02)])
    return assign_regions(_lines([("甲乙铁路", course, "county", "route-course"),
                                  ("丙丁铁路", route, "approx", "route")]))


def test_course_kilometres_are_marked_as_estimates(joined):
    assert list(joined["km_estimated"]) == [True, False]
    assert all(sum(km.values()) > 40 for km in joined["county_km"])


def test_region_totals_keep_estimates_apart(joined):
    rows = {r["adcode"]: r for r in region_table(joined)}
    for code, km in joined.loc[0, "county_km"].items():
        assert rows[code]["line_km_estimated"] == pytest.approx(km, abs=0.01)
        assert rows[code]["line_km"] == pytest.approx(km + joined.loc[1, "county_km"].get(code, 0.0), abs=0.01)


def test_only_lines_have_estimated_kilometres():
    from shapely.geometry import Point

    assert not km_is_estimate(Point(106.5, 29.5), "route-course", "county")
    assert km_is_estimate(LineString([(0, 0), (1, 1)]), "route", "county")  # a stretch known by its posts
    assert not km_is_estimate(LineString([(0, 0), (1, 1)]), "feature", "exact")


def test_popup_length_says_when_it_is_an_estimate(joined):
    assert line_length(joined.iloc[0]).startswith("约 ") and "估算：按两端位置连线" in line_length(joined.iloc[0])
    stretch = {"county_km": {"330784": 25.7}, "km_estimated": True, "location_method": "route"}
    assert line_length(stretch) == "约 26 km（估算）"  # a stretch known by its posts: not a course
    assert line_length(joined.iloc[1]).endswith(" km") and "约" not in line_length(joined.iloc[1])
    assert line_length({"county_km": {}}) == ""


def _seat(name: str) -> tuple[float, float]:
    from planmap.reference.gazetteer import default_gazetteer

    u = default_gazetteer().units_named(name)[0]
    assert u.lon is not None and u.lat is not None
    return (u.lon, u.lat)


def test_a_line_is_filed_under_its_first_named_city_not_the_one_it_crosses_longest():
    # seat to seat from one city to another, through a third city's county on the way
    line = LineString([_seat("遂宁市"), _seat("内江市")])
    gdf = _lines([("甲乙铁路", line, "city", "route-course")])
    gdf["location_names"] = [["遂宁市", "内江市"]]
    joined = assign_regions(gdf, provinces=["510000"])
    crossed = {code[:4] for code in joined.loc[0, "county_km"]}
    assert {"5109", "5110"} <= crossed and len(crossed) >= 3  # the line does cross a third city
    assert joined.loc[0, "city"] == "遂宁市" and joined.loc[0, "province"] == "四川省"
    unnamed = assign_regions(_lines([("甲乙铁路", line, "city", "route-course")]), provinces=["510000"])
    longest = max(unnamed.loc[0, "county_km"], key=unnamed.loc[0, "county_km"].get)
    assert unnamed.loc[0, "city_adcode"][:4] == longest[:4]  # no names: where it runs longest


def test_a_named_province_section_keeps_the_city_inside_that_province():
    line = LineString([_seat("西安市"), _seat("兰州市")])
    gdf = _lines([("甲乙高速公路甘肃段", line, "city", "route-course")])
    gdf["location_names"] = [["西安市", "兰州市", "甘肃省"]]
    joined = assign_regions(gdf, provinces=["610000", "620000"])
    assert joined.loc[0, "city"] == "兰州市" and joined.loc[0, "province"] == "甘肃省"
    gdf["location_names"] = [["西安市", "甘肃省"]]
    joined = assign_regions(gdf, provinces=["610000", "620000"])
    assert joined.loc[0, "city_adcode"].startswith("62")  # no named city there: its longest Gansu city
