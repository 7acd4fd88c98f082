"""Named regions below the province (geodata/regions.csv) are found in a project's name."""
from __future__ import annotations

import pytest

from planmap.reference.named_regions import named_regions, region_in


def test_the_table_loads_with_its_cities_in_order():
    by_name = {r.name: r for r in named_regions()}
    assert by_name["滇中"].member_cities[0] == "昆明市"
    assert "北部湾经济区" in by_name["北部湾"].aliases


@pytest.mark.parametrize("text, region", [
    ("滇中引水二期", "滇中"),
    ("广西北部湾经济区港口", "北部湾"),   # the longest name found, an alias of 北部湾
    ("粤东西北振兴发展", "粤东西北"),     # not 粤东, inside it
    ("陇东能源基地", "陇东"),
    ("沈阳北站", None),
    ("陇东南经济带", None),             # one more direction: another region than 陇东
])
def test_region_in_finds_the_longest_region_name(text, region):
    found = region_in(text)
    assert (found.name if found else None) == region


def test_no_table_no_region(tmp_path):
    assert named_regions(str(tmp_path)) == () and region_in("滇中引水", str(tmp_path)) is None
