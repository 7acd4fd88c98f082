"""The hand-made table of named regions below the province (攀西, 苏南, 长株潭 ...): every row cites an
allowed site and is made of prefecture-level units of its own province, and no region is named like a unit."""
from __future__ import annotations

import pytest

from planmap.reference.features import source_allowed

COLUMNS = ["name", "aliases", "province", "member_cities", "source_url", "note"]


@pytest.fixture(scope="module")
def rows(geodata_table) -> list[dict[str, str]]:
    return geodata_table("regions.csv", COLUMNS)


def test_table_has_the_regions_plans_name(rows):
    by_name = {r["name"]: r for r in rows}
    assert by_name["长株潭"]["member_cities"].split("|") == ["长沙市", "株洲市", "湘潭市"]
    assert "广西北部湾经济区" in by_name["北部湾"]["aliases"].split("|")
    assert by_name["苏南"]["province"] == "江苏省"


def test_round_two_regions_keep_their_pages_cities(rows):
    by_name = {r["name"]: r for r in rows}
    assert by_name["川东北"]["member_cities"].split("|") == ["广元市", "南充市", "广安市", "达州市", "巴中市"]
    assert by_name["湘南"]["member_cities"].split("|") == ["郴州市", "衡阳市", "永州市"]
    assert by_name["陇东"]["member_cities"].split("|") == ["平凉市", "庆阳市"]
    assert "川东北经济区" in by_name["川东北"]["aliases"].split("|")


def test_every_source_is_on_the_allow_list(rows):
    bad = [(r["name"], r["source_url"]) for r in rows if not source_allowed(r["source_url"])]
    assert bad == []


def test_every_row_says_what_its_page_says(rows):
    assert all(r["note"].strip() for r in rows), [r["name"] for r in rows if not r["note"].strip()]


def test_every_member_is_one_prefecture_level_unit_of_the_province(rows, gaz):
    for r in rows:
        provinces = [u for u in gaz.units_named(r["province"]) if u.level == "province"]
        assert len(provinces) == 1 and provinces[0].name == r["province"], r["name"]
        members = r["member_cities"].split("|")
        assert len(members) >= 2 and len(members) == len(set(members)), r["name"]
        for name in members:
            units = gaz.units_named(name)
            assert len(units) == 1, (r["name"], name, [u.adcode for u in units])
            unit = units[0]
            assert unit.name == name and unit.level == "city", (r["name"], name, unit.level)
            assert unit.province_adcode == provinces[0].adcode, (r["name"], name, unit.province_name)


def test_no_name_or_alias_is_a_unit_or_another_region(rows, gaz):
    seen: dict[str, str] = {}
    for r in rows:
        for name in [r["name"], *(a for a in r["aliases"].split("|") if a)]:
            assert gaz.units_named(name) == [], (r["name"], name)
            assert seen.setdefault(name, r["name"]) == r["name"], (name, seen[name], r["name"])
