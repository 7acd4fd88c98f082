"""Figures a plan gives for a project: lengths, counts, capacities, money, areas.

Numbers are read as written (79.2公里, 300万千瓦, 10亿元, 2个) and normalised to one unit per
kind (km, kW, yuan, km², items) so figures from different plans compare.
"""
from __future__ import annotations

import re

from planmap.models import Figure

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十]+)"
# (regex of unit, kind, unit name, factor to the normalised unit)
_UNITS: list[tuple[str, str, str, float]] = [
    (r"万千瓦", "capacity", "kW", 1e4),
    (r"千瓦", "capacity", "kW", 1.0),
    (r"兆瓦|MW", "capacity", "kW", 1e3),
    (r"平方公里|平方千米|km²", "area", "km2", 1.0),
    (r"公顷", "area", "km2", 0.01),
    (r"万亩", "area", "km2", 1e4 / 1500),
    (r"亩", "area", "km2", 1 / 1500),
    (r"公里|千米|km", "length", "km", 1.0),
    (r"亿元", "investment", "yuan", 1e8),
    (r"万元", "investment", "yuan", 1e4),
    (r"万吨", "capacity", "t", 1e4),
    (r"条|个|座|所|处|家|项|片", "count", "items", 1.0),
]
_FIGURE = re.compile(_NUMBER + r"\s*(?:余|多)?\s*(" + "|".join(u for u, *_ in _UNITS) + r")")


def _value(text: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text == "十":
        return 10.0
    if len(text) == 2 and text[0] == "十":
        return 10.0 + _CN_DIGITS.get(text[1], 0)
    if len(text) == 2 and text[1] == "十":
        return _CN_DIGITS.get(text[0], 0) * 10.0
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGITS.get(text[0], 0) * 10.0 + _CN_DIGITS.get(text[2], 0)
    if len(text) == 1 and text in _CN_DIGITS:
        return float(_CN_DIGITS[text])
    return None


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, normalised; percentages and years are not figures."""
    out: list[Figure] = []
    for m in _FIGURE.finditer(text):
        raw_value, unit_text = m.group(1), m.group(2)
        after = text[m.end(): m.end() + 1]
        if after in ("%", "％", "年") or text[m.end(): m.end() + 2] == "百分":
            continue
        value = _value(raw_value)
        if value is None:
            continue
        for rx, kind, unit, factor in _UNITS:
            if re.fullmatch(rx, unit_text):
                out.append(Figure(kind, round(value * factor, 6), unit, m.group(0)))
                break
    return out
