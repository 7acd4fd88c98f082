"""Character normalisation, line joining and same-length script conversion."""
from __future__ import annotations

import pytest

from planmap.read.textnorm import continues, is_heading, join_lines, normalize_chars, to_simplified


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("改造Ｇ１０２国道", "改造G102国道"),
        ("完成率达到９５％", "完成率达到95%"),
        ("长度１２．５公里", "长度12.5公里"),
        ("各县(市)、区人民政府,市直各部门:", "各县（市）、区人民政府，市直各部门："),
        ("本高党政办发(2019)64号", "本高党政办发（2019）64号"),
        ("投资1,000万元;建设道路", "投资1,000万元；建设道路"),
        ("网址 http://www.example.cn/a?b=1", "网址 http://www.example.cn/a?b=1"),
        ("李  伟", "李伟"),
        ("新乡市委\u3000新乡市人民政府", "新乡市委新乡市人民政府"),
        ("\t2019年", "2019年"),
        ("Smart City  Plan 2.0", "Smart City Plan 2.0"),
        ("完善 G102 国道", "完善 G102 国道"),
        ("时间∶2019年", "时间：2019年"),
        ("〔牵头部门:市发改委〕", "〔牵头部门：市发改委〕"),
        ("[责任部门:市发改委]", "[责任部门：市发改委]"),
        ("［2019］3号", "[2019]3号"),
        ("【重点】(A)", "【重点】（A）"),
        ("Plan (A), phase 2", "Plan (A), phase 2"),
        ("(1)加强教育", "（1）加强教育"),
        ("a\u200bb\ufeff", "ab"),
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
    ],
)
def test_normalize_chars(raw: str, expected: str) -> None:
    assert normalize_chars(raw) == expected


def test_brackets_stay_distinct() -> None:
    out = normalize_chars("〔牵头:甲局〕(牵头:乙局)[牵头:丙局]")
    assert out == "〔牵头：甲局〕（牵头：乙局）[牵头：丙局]"


@pytest.mark.parametrize("line", ["一、总体要求", "（一）指导思想", "1.强化道路", "（3）推进", "第二章 布局", "■打造平台"])
def test_headings(line: str) -> None:
    assert is_heading(line)


@pytest.mark.parametrize("line", ["2019年", "1", "国土规划建设管理局", "1.5公里的道路"])
def test_not_headings(line: str) -> None:
    assert not is_heading(line)


def test_split_date_is_joined() -> None:
    assert join_lines(["申兵伦", "2019年", "", "12月31日", "", "2"]) == ["申兵伦", "2019年12月31日", "", "2"]


def test_dangling_conjunction_is_joined() -> None:
    assert join_lines(["综合监管和", "", "执法局", "朱涛"]) == ["综合监管和执法局", "朱涛"]


def test_open_title_quote_is_joined() -> None:
    lines = ["关于印发《某区道路建设", "", "三年计划》的通知"]
    assert join_lines(lines) == ["关于印发《某区道路建设三年计划》的通知"]


def test_separate_fields_and_headings_are_not_joined() -> None:
    lines = ["国土规划建设管理局", "", "关堤乡", "申兵伦", "建设道路和", "（二）加强协调"]
    assert join_lines(lines) == ["国土规划建设管理局", "", "关堤乡", "申兵伦", "建设道路和", "（二）加强协调"]


def test_sentence_end_is_not_joined() -> None:
    assert not continues("完成于2019年。", "1月开工")
    assert continues("完成于2019年", "1月开工")


def test_blank_runs_collapse() -> None:
    assert join_lines(["", "a", "", "", "", "b", "", ""]) == ["a", "", "b"]


def test_traditional_to_simplified_keeps_length() -> None:
    original = "鐵嶺縣人民政府關於乾隆年間的著名建築"
    text = to_simplified(original)
    assert len(text) == len(original)
    assert text.startswith("铁岭县人民政府关于")
    assert "乾隆" in text and "著名" in text  # phrase-aware, not char-by-char


def test_simplified_text_is_unchanged() -> None:
    text = "铁岭县推进道路建设，著名景区乾隆行宫。\n二、目标"
    assert to_simplified(text) == text


def test_length_changing_phrases_fall_back_per_character() -> None:
    lines = ["鐵嶺縣", "瞭望臺與羣眾"] * 3
    original = "\n".join(lines)
    text = to_simplified(original)
    assert len(text) == len(original)
    assert [len(x) for x in text.split("\n")] == [len(x) for x in lines]


def test_official_place_names_survive_the_script_conversion():
    """乾县 is a simplified name; OpenCC's table would turn it into 干县."""
    from planmap.read.textnorm import to_simplified

    out = to_simplified("开工甲地至乾县高速公路，改善乾燥气候，於潜镇。")
    assert "至乾县高速" in out and "干燥" in out and "於潜镇" in out
    assert len(out) == len("开工甲地至乾县高速公路，改善乾燥气候，於潜镇。")


def test_kept_place_names_are_the_gazetteer_s():
    """places.toml [script] kept_place_names lists every unit and town name the conversion changes."""
    import csv
    import gzip
    import tomllib

    import opencc

    from planmap.paths import package_data
    from planmap.reference.gazetteer import default_gazetteer

    convert = opencc.OpenCC("t2s").convert
    gaz = default_gazetteer()
    derived = {n for n in gaz.admin.by_name if convert(n) != n}
    with gzip.open(gaz.folder / "towns.csv.gz", "rt", encoding="utf-8") as fh:
        derived |= {r["name"] for r in csv.DictReader(fh) if convert(r["name"]) != r["name"]}
    with open(package_data("places.toml"), "rb") as fh:
        shipped = set(tomllib.load(fh)["script"]["kept_place_names"])
    assert derived and shipped == derived, (sorted(derived - shipped), sorted(shipped - derived))
