"""Extraction decides with the place-name index it is given, built like the geocoder's (overrides too)."""
from __future__ import annotations

from planmap import read_plan
from planmap.extract import place_names
from planmap.extract.place_names import PlaceNames, default_places
from planmap.extract.projects import extract_projects
from planmap.paths import sample_plan
from planmap.reference.features import FeatureIndex, load_features
from planmap.reference.gazetteer import default_gazetteer

HEADER = "id,name,aliases,category,kind,wkt,datum,precision,province,city_adcode,county_adcodes,source_url,note\n"


def _overrides(tmp_path) -> FeatureIndex:
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + "o1,鹊桥湾,,park_green,area,POINT(123.80 42.30),wgs84,exact,,,211221,"
                    "https://example.org/q,\n", encoding="utf-8")
    return FeatureIndex([], load_features(path, origin="overrides"))


def test_an_override_reaches_the_place_name_index(tmp_path):
    with_override = PlaceNames(default_gazetteer(), _overrides(tmp_path))
    assert with_override.has_place_name("鹊桥湾生态公园")
    assert not default_places().has_place_name("鹊桥湾生态公园")
    assert with_override.is_admin_name("铁岭县") and with_override.admin_prefix("铁岭县腰堡镇通用机场") == "铁岭县腰堡镇"


def test_extraction_asks_the_index_it_is_given(tmp_path):
    plan = read_plan(sample_plan())
    asked: list[str] = []

    class Recording(PlaceNames):
        def admin_prefix(self, name: str) -> str:
            asked.append(name)
            return super().admin_prefix(name)

    given = Recording(default_gazetteer(), _overrides(tmp_path))
    with_index = extract_projects(plan, given)
    assert asked  # the extractor's decisions went through the given index
    assert place_names.current() is default_places()  # and it is no longer current afterwards
    assert [p.name for p in with_index] == [p.name for p in extract_projects(plan)]  # no override names here


def test_answers_are_memoised_per_index(tmp_path):
    a, b = PlaceNames(), PlaceNames(default_gazetteer(), _overrides(tmp_path))
    assert not a.has_place_name("鹊桥湾") and b.has_place_name("鹊桥湾")
    a.clear()
    assert not a.has_place_name("鹊桥湾")
