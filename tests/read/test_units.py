"""Responsible units: planmap.read.units.split_units / parse_responsibility."""
from __future__ import annotations

import pytest

from planmap.read.units import parse_responsibility, split_units


@pytest.mark.parametrize("text,expected", [
    ("市发展改革委、市财政局", ["市发展改革委", "市财政局"]),
    ("市发展改革委，市财政局；市水利局", ["市发展改革委", "市财政局", "市水利局"]),
    ("市交通局,市水利局;市住建局", ["市交通局", "市水利局", "市住建局"]),
    # separators inside brackets do not split
    ("市发展改革委、相关县（市、区）政府", ["市发展改革委", "相关县（市、区）政府"]),
    ("各县(市、区)政府、市财政局", ["各县(市、区)政府", "市财政局"]),
    # empty pieces and trailing stops are dropped
    ("市财政局、、市水利局。", ["市财政局", "市水利局"]),
    ("", []),
])
def test_split_units(text, expected):
    assert split_units(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("皇姑区、铁西区、法库县、康平县政府", ["皇姑区政府", "铁西区政府", "法库县政府", "康平县政府"]),
    ("沈北新区、浑南区管委会", ["沈北新区管委会", "浑南区管委会"]),
    ("铁岭县、开原市人民政府", ["铁岭县政府", "开原市人民政府"]),
    # a unit that is not a bare place name breaks the run
    ("市发展改革委、于洪区、新民市政府", ["市发展改革委", "于洪区政府", "新民市政府"]),
    ("市财政局、新民市政府", ["市财政局", "新民市政府"]),
    # a bare place name with no shared tail after it stays as written
    ("于洪区、市财政局", ["于洪区", "市财政局"]),
])
def test_shared_government_tail(text, expected):
    assert split_units(text) == expected


def test_lead_and_support_full_bracket():
    lead, support = parse_responsibility("〔牵头单位：市住房城乡建设局；责任单位：市科学技术局、相关县（市）区政府〕")
    assert lead == ["市住房城乡建设局"]
    assert support == ["市科学技术局", "相关县（市）区政府"]


def test_lead_and_support_department_bracket_with_stop():
    lead, support = parse_responsibility("（牵头部门：市交通局、市水利局；责任部门：市财政局）。")
    assert lead == ["市交通局", "市水利局"]
    assert support == ["市财政局"]


def test_only_responsible_units_become_lead():
    lead, support = parse_responsibility("[责任部门：市财政局，皇姑区、铁西区、法库县政府]")
    assert lead == ["市财政局", "皇姑区政府", "铁西区政府", "法库县政府"]
    assert support == []


def test_other_field_names_and_dedupe():
    lead, support = parse_responsibility("【主责单位：市水利局；配合单位：市财政局、市财政局、市自然资源局】")
    assert lead == ["市水利局"]
    assert support == ["市财政局", "市自然资源局"]
    assert parse_responsibility("（协办单位：市财政局）") == (["市财政局"], [])


def test_ascii_colon_and_semicolon():
    assert parse_responsibility("(牵头单位:市交通局;责任单位:市财政局)") == (["市交通局"], ["市财政局"])


def test_bracket_without_fields():
    assert parse_responsibility("（调兵山段）") == ([], [])
