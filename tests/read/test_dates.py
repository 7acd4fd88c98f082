"""Deadlines: planmap.read.dates.to_iso / find_deadline."""
from __future__ import annotations

import pytest

from planmap.read.dates import find_deadline, to_iso


@pytest.mark.parametrize("text,expected", [
    ("2019年12月31日", "2019-12-31"),
    ("2019 年 3 月 1 日", "2019-03-01"),
    ("2019年6月底前", "2019-06-30"),
    ("2019年6月末", "2019-06-30"),
    ("2019年2月底", "2019-02-28"),
    ("2020年2月底", "2020-02-29"),  # leap year
    ("2019年底前", "2019-12-31"),
    ("2019年年底", "2019-12-31"),
    ("2019年", "2019-12-31"),
    ("2019", "2019-12-31"),
    ("  2019年  ", "2019-12-31"),
])
def test_to_iso(text, expected):
    assert to_iso(text) == expected


@pytest.mark.parametrize("text", ["2019年13月底", "6月底", "1800年底", "尽快完成", "", "长期坚持"])
def test_to_iso_none(text):
    assert to_iso(text) is None


def test_to_iso_month_takes_default_year():
    assert to_iso("6月底前", 2020) == "2020-06-30"
    assert to_iso("11月底", default_year=2019) == "2019-11-30"


@pytest.mark.parametrize("sentence,expected", [
    ("2019年6月底前完成主体工程建设。", "2019-06-30"),
    # the latest deadline wins
    ("2019年6月底前完成主体工程，2019年底前全部完工。", "2019-12-31"),
    # a month without a year takes the closest earlier year
    ("2020年启动前期工作，9月底前开工。", "2020-09-30"),
    ("2019年3月1日前完成招标。", "2019-03-01"),
    # a full date without a deadline cue is an event, not a deadline
    ("于2019年3月1日召开推进会议。", None),
    # a bare year in prose is no deadline
    ("2019年实施滨河路改造工程。", None),
    ("持续推进各项工作。", None),
])
def test_find_deadline(sentence, expected):
    assert find_deadline(sentence) == expected
