"""Placement confidence comes from data/confidence.toml, and placements are never edited in place."""
from __future__ import annotations

import dataclasses
import re

import pytest
from shapely.geometry import Point

from planmap.models import Plan, Project, Region
from planmap.paths import package_data
from planmap.place import confidence as conf
from planmap.place.geocode import PRECISION_ORDER, Geocoder, Placement


def _plan(adcode: str, name: str, level: str) -> Plan:
    return Plan(id="t", path="t.txt", format="txt", encoding="utf-8", title="", issuer="", date=None,
                doc_number="", home_region=Region(adcode, name, level), text="", original_text="")


def test_every_row_is_a_number_between_zero_and_one_keyed_by_a_known_precision() -> None:
    keys = {*PRECISION_ORDER, "user", "default", "end_factor"}
    for method, row in conf.confidence_table().items():
        assert row, method
        assert set(row) <= keys, (method, set(row) - keys)
        assert all(0.0 <= v <= 1.0 for v in row.values()), method


def test_every_row_says_why() -> None:
    """A number without its reason cannot be tuned; each value line or its table carries a comment."""
    text = package_data("confidence.toml").read_text(encoding="utf-8")
    for block in re.split(r"\n(?=\[)", text)[1:]:
        assert "#" in block, block.splitlines()[0]


def test_a_precision_row_overrides_the_default() -> None:
    assert conf.confidence("name", "town") > conf.confidence("name", "city")
    assert conf.confidence("name", "city") == conf.confidence("name", "province")
    assert conf.confidence("home-region", "county") > conf.confidence("home-region", "city")


def test_an_unknown_method_is_an_error_not_a_guess() -> None:
    with pytest.raises(KeyError):
        conf.confidence("no-such-method", "county")


def test_placement_is_frozen_and_found_by_makes_a_new_rated_one() -> None:
    p = Placement.of(Point(1, 2), "county", "admin-centroid", ["某县"], ["000001"], "admin")
    assert p.confidence == conf.confidence("admin", "county")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.confidence = 0.9  # type: ignore[misc]
    q = p.found_by("home-region", names=[*p.names, "某镇"])
    assert (q.method, q.names, q.confidence) == ("home-region", ["某县", "某镇"], conf.confidence("home-region", "county"))
    assert (p.method, p.names) == ("admin", ["某县"])  # the original is untouched


def test_the_geocoder_reads_its_numbers_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {k: dict(v) for k, v in conf.confidence_table().items()}
    table["home-region"]["default"] = 0.123
    monkeypatch.setattr(conf, "confidence_table", lambda: table)
    project = Project(name="甲乙丙丁", category="other", geom="point", plan="t", section="", evidence="甲乙丙丁",
                      span=(0, 4))
    p = Geocoder().place(project, _plan("211200", "铁岭市", "city"))
    assert (p.method, p.confidence) == ("home-region", 0.123)
