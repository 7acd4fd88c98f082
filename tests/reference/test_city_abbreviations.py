"""The hand-made table of city abbreviations that are not the first character of the name:
every row names a real unit, cites an allowed site and holds one CJK character."""
from __future__ import annotations

import csv
import re
import unicodedata

import pytest

from planmap.paths import geodata_dir
from planmap.reference.features import source_allowed

COLUMNS = ["char", "adcode", "name", "kind", "source_url", "note"]


@pytest.fixture(scope="module")
def rows(geodata_table) -> list[dict[str, str]]:
    return geodata_table("city_abbreviations.csv", COLUMNS)


@pytest.fixture(scope="module")
def units() -> dict[str, str]:
    with (geodata_dir() / "admin_units.csv").open(encoding="utf-8", newline="") as fh:
        return {r["adcode"]: r["name"] for r in csv.DictReader(fh)}


def test_table_has_the_known_rows(rows):
    pairs = {(r["char"], r["adcode"]) for r in rows}
    assert {("甬", "330200"), ("穗", "440100"), ("锡", "320200")} <= pairs


def test_every_adcode_is_a_unit_of_that_name(rows, units):
    bad = [(r["char"], r["adcode"], r["name"]) for r in rows if units.get(r["adcode"]) != r["name"]]
    assert bad == []


def test_every_source_is_on_the_allow_list(rows):
    bad = [(r["char"], r["source_url"]) for r in rows if not source_allowed(r["source_url"])]
    assert bad == []


def test_chars_are_single_cjk_characters(rows):
    for r in rows:
        ch = r["char"]
        assert len(ch) == 1 and unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH"), r


def test_only_abbreviations_the_first_character_rule_misses(rows):
    """A first character needs a row only where it is also its province's 简称 (赣 of 赣州 in 江西),
    which would otherwise outweigh the city."""
    with (geodata_dir() / "abbreviations.csv").open(encoding="utf-8", newline="") as fh:
        provinces = {r["char"]: r["province_adcode"] for r in csv.DictReader(fh)}
    assert [r["char"] for r in rows if r["char"] == r["name"][0]
            and provinces.get(r["char"], "")[:2] != r["adcode"][:2]] == []


def test_kinds_and_notes(rows):
    assert {r["kind"] for r in rows} <= {"jiancheng", "alias", "route-name"}
    assert all(r["note"].strip() for r in rows)


def test_no_duplicate_char_and_adcode(rows):
    pairs = [(r["char"], r["adcode"]) for r in rows]
    assert len(pairs) == len(set(pairs))


def test_a_route_name_row_is_read_off_a_route_of_the_route_table_or_its_own_article(rows):
    """kind route-name: a national route the table holds is named with the character and ends
    at the city (宁洛 runs 南京 to 洛阳), or the row cites the Wikipedia article of a railway or
    expressway and its note gives the route's Chinese name holding the character (沪苏通铁路)."""
    with (geodata_dir() / "routes.csv").open(encoding="utf-8", newline="") as fh:
        routes = list(csv.DictReader(fh))
    for r in (r for r in rows if r["kind"] == "route-name"):
        city = r["name"].removesuffix("市")  # a control point is written 南京市 or 南京
        in_table = any(r["char"] in route["name"] and {city, r["name"]} & set(route["control_points"].split("|"))
                       for route in routes)
        url = r["source_url"].lower()
        in_article = "wikipedia.org/wiki/" in url and any(w in url for w in ("railway", "expressway")) and bool(
            re.search(f"[\u4e00-\u9fff]*{r['char']}[\u4e00-\u9fff]*(铁路|城际|高速)", r["note"]))
        assert in_table or in_article, r


def test_the_rows_route_names_need(rows):
    """沪通, 西康, 长株潭, 郑汴, 京并 and 长赣 name 南通, 安康, 湘潭, 开封, 太原 and 赣州."""
    pairs = {(r["char"], r["adcode"]) for r in rows}
    assert {("通", "320600"), ("康", "610900"), ("潭", "430300"), ("汴", "410200"), ("并", "140100"),
            ("赣", "360700")} <= pairs
