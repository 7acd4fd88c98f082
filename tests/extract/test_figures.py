"""Figures: planmap.extract.figures.find_figures."""
from __future__ import annotations

import pytest

from planmap.extract.figures import find_figures


def _one(text):
    figs = find_figures(text)
    assert len(figs) == 1, figs
    f = figs[0]
    return f.kind, f.value, f.unit, f.text


@pytest.mark.parametrize("text,expected", [
    ("道路总长度79.2公里。", ("length", 79.2, "km", "79.2公里")),
    ("新建线路12千米", ("length", 12.0, "km", "12千米")),
    ("建设300万千瓦风电项目", ("capacity", 3e6, "kW", "300万千瓦")),
    ("建设120兆瓦光伏电站", ("capacity", 1.2e5, "kW", "120兆瓦")),
    ("总投资3.2亿元", ("investment", 3.2e8, "yuan", "3.2亿元")),
    ("安排资金5000万元", ("investment", 5e7, "yuan", "5000万元")),
    ("新建12条主干道", ("count", 12.0, "items", "12条")),
    ("建设十二条道路", ("count", 12.0, "items", "十二条")),
    ("新建两座桥梁", ("count", 2.0, "items", "两座")),
    ("打造10余个口袋公园", ("count", 10.0, "items", "10余个")),
    ("规划面积3.5平方公里", ("area", 3.5, "km2", "3.5平方公里")),
    ("占地300亩", ("area", 0.2, "km2", "300亩")),
    ("年产50万吨", ("capacity", 5e5, "t", "50万吨")),
])
def test_find_figures(text, expected):
    kind, value, unit, raw = _one(text)
    assert (kind, unit, raw) == (expected[0], expected[2], expected[3])
    assert value == pytest.approx(expected[1])


def test_several_figures_in_order():
    figs = find_figures("新修12条次干道，道路全长79.2公里，估算投资3.2亿元。")
    assert [(f.kind, f.unit) for f in figs] == [("count", "items"), ("length", "km"), ("investment", "yuan")]
    assert [f.value for f in figs] == pytest.approx([12.0, 79.2, 3.2e8])


@pytest.mark.parametrize("text", ["绿化覆盖率达到40%", "增长15％以上", "2019年", "3年内完成", "提升服务水平"])
def test_percentages_years_and_prose_are_not_figures(text):
    assert find_figures(text) == []


def test_percentage_points_are_not_figures():
    assert find_figures("城镇化率提高12个百分点") == []
