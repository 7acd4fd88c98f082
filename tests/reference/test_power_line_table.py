"""The hand-made table of ultra-high-voltage lines: every row cites an allowed site and runs, in
order, through at least two control points that are each one unit of the gazetteer."""
from __future__ import annotations

import re

import pytest

from planmap.reference.features import source_allowed

COLUMNS = ["id", "name", "kind", "voltage_kv", "aliases", "control_points", "source_url", "note"]
VOLTAGES = {"dc": {"800", "1100"}, "ac": {"1000"}}  # ±800/±1100 kV direct current, 1000 kV alternating


@pytest.fixture(scope="module")
def rows(geodata_table) -> list[dict[str, str]]:
    return geodata_table("power_lines.csv", COLUMNS)


def test_table_has_the_lines_plans_name(rows):
    by_id = {r["id"]: r for r in rows}
    assert len(rows) >= 15
    assert by_id["ningxia-hunan"]["control_points"].split("|") == ["中宁县", "衡阳市"]
    assert "宁电入湘" in by_id["ningxia-hunan"]["aliases"].split("|")
    assert "陇电入鲁" in by_id["longdong-shandong"]["aliases"].split("|")


def test_ids_are_unique_slugs(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", i) for i in ids), ids


def test_every_source_is_on_the_allow_list(rows):
    bad = [(r["id"], r["source_url"]) for r in rows if not source_allowed(r["source_url"])]
    assert bad == []


def test_kind_voltage_and_note(rows):
    for r in rows:
        assert r["voltage_kv"] in VOLTAGES.get(r["kind"], set()), r["id"]
        assert r["note"].strip(), r["id"]
        # the name says what the kind says: 直流 for dc, 交流 for ac
        assert ("直流" if r["kind"] == "dc" else "交流") in r["name"], r["id"]


def test_every_control_point_is_one_unit(rows, gaz):
    for r in rows:
        points = r["control_points"].split("|")
        assert len(points) >= 2 and all(points), r["id"]
        assert len(points) == len(set(points)), r["id"]
        for name in points:
            units = gaz.locate_admin(name)
            assert len(units) == 1 and units[0].name == name, (r["id"], name, [u.adcode for u in units])


def test_an_alias_names_one_line_and_never_the_other_kind(rows):
    seen: dict[str, str] = {}
    for r in rows:
        for alias in (a for a in r["aliases"].split("|") if a):
            assert seen.setdefault(alias, r["id"]) == r["id"], (alias, seen[alias], r["id"])
            assert ("交流" if r["kind"] == "dc" else "直流") not in alias, (r["id"], alias)
