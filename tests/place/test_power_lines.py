"""Transmission lines of the table are drawn from their sending to their receiving station; other
power projects, and names that only share the ends, keep their places."""
from __future__ import annotations

import pytest

from planmap.models import Plan, Project
from planmap.place.geocode import Geocoder, geocode_projects
from planmap.place.power_lines import name_core, power_line_for
from planmap.place.routes import COURSE_METHOD


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder()


def _plan(geocoder: Geocoder, adcode: str) -> Plan:
    return Plan(id="t", path="t.txt", format="txt", encoding="utf-8", title="", issuer="", date=None, doc_number="",
                home_region=geocoder.gaz.unit(adcode).region(), text="", original_text="")


def _project(name: str, category: str = "energy_utility") -> Project:
    return Project(name=name, category=category, geom="point", plan="t", section="", evidence=f"加快建设{name}。",
                   span=(4, 4 + len(name)))


def test_core_drops_voltage_and_line_words_and_joins_the_ends():
    assert name_core("宁夏—湖南±800千伏特高压直流输电工程") == "宁夏至湖南"
    assert name_core("陇东到山东特高压直流工程") == "陇东至山东"
    assert name_core("攀西特高压交流工程") == "攀西"


@pytest.mark.parametrize("name, line_id", [
    ("宁夏至湖南特高压输电工程", "ningxia-hunan"),      # the ends written out, 输电 for 直流
    ("陇东到山东特高压直流工程", "longdong-shandong"),  # 到 for 至
    ("宁电入湘工程", "ningxia-hunan"),                  # the slogan of a 2026 work report
    ("宁夏—湖南特高压直流湖南段", "ningxia-hunan"),     # a section of the line
    ("川渝特高压交流工程", "sichuan-chongqing"),         # an AC line named by its two provinces
    ("张北至雄安特高压交流工程", "zhangbei-xiongan"),
])
def test_names_plans_write_find_their_line(name, line_id):
    line = power_line_for(name)
    assert line is not None and line.code == line_id


@pytest.mark.parametrize("name", [
    "宁夏至湖南铁路",              # the same ends, no power line
    "疆电入渝特高压交流工程",       # the AC grid that takes a DC line's power is not the DC line
    "攀西特高压交流工程",           # a line the table does not hold
    "川渝特高压交流加强工程",       # another project beside a line of the table, with substations of its own
])
def test_other_names_find_no_line(name):
    assert power_line_for(name) is None


def test_a_line_of_the_table_runs_between_its_stations_counties(geocoder):
    plan = _plan(geocoder, "430000")
    gdf = geocode_projects([_project("宁夏至湖南特高压输电工程")], plan, geocoder=geocoder)
    row = gdf.iloc[0]
    assert row.geometry.geom_type == "LineString"
    assert row.location_method == COURSE_METHOD  # station counties' seats: which way it runs, not where
    assert row.geom_kind == "line"
    assert row.location_names == ["中宁县", "衡阳市"]
    (x0, y0), (x1, y1) = row.geometry.coords[0], row.geometry.coords[-1]
    assert 105 < x0 < 106.5 and 37 < y0 < 38  # 中宁, Ningxia
    assert 112 < x1 < 113.5 and 26 < y1 < 28  # 衡阳, Hunan
    assert row.location_source.startswith("https://")


def test_a_power_project_the_table_lacks_keeps_its_place(geocoder):
    plan = _plan(geocoder, "500000")
    gdf = geocode_projects([_project("疆电入渝特高压交流工程")], plan, geocoder=geocoder)
    row = gdf.iloc[0]
    assert row.geometry.geom_type == "Point" and row.geom_kind == "point"
