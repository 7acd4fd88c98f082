"""Web chrome, disclaimers, credits and repeated bodies go; plan text stays."""
from __future__ import annotations

import pytest

from planmap.read.cleanup import drop_repeats, is_truncated, load_rules, strip_chrome, summarise
from planmap.read.textnorm import normalize_chars


def clean(raw: str) -> tuple[list[str], dict[str, int]]:
    result = strip_chrome(normalize_chars(raw).split("\n"))
    return [line for line in result.lines if line], dict(result.removed)


@pytest.mark.parametrize(
    "line",
    [
        "发布时间：2023-01-05 来源：某某市人民政府 浏览次数：123",
        "来源: 某县人民政府办公室",
        "信息来源：区发改局",
        "添加时间:2021年03月02日",
        "阅读:",
        "阅读次数：1024",
        "点击数：56次",
        "字号：大 中 小",
        "【字体：大 中 小】",
        "【打印本页】【关闭窗口】",
        "分享到：",
        "首页 > 政务公开 > 规划计划",
        "当前位置：首页 > 通知公告",
        "上一篇：关于开展检查的通知",
        "责任编辑：王五",
        "本报记者：张三 摄影：李四",
        "作者:赵六 编辑:钱七",
        "- 3 -",
        "第 2 页 共 9 页",
        "（此件公开发布）",
        "联系邮箱：office@example.gov.cn",
        "https://www.example.gov.cn/art/2023/1/5/art_123.html",
        "免责声明：本文仅代表作者个人观点，与本站无关。",
    ],
)
def test_chrome_lines_go(line: str) -> None:
    kept, removed = clean(f"一、总体要求\n{line}\n推进道路建设。")
    assert kept == ["一、总体要求", "推进道路建设。"]
    assert sum(removed.values()) == 1


@pytest.mark.parametrize(
    "line",
    [
        "资金来源：市财政和专项债券。",
        "开展全民阅读推广活动，建设城市书房10处。",
        "（三）完善来源地追溯体系",
        "本高党政办发〔2019〕64号",
        "某区人民政府",
        "2019年9月9日",
        "〔牵头单位：区住建局；配合单位：各街道〕",
        "建设智慧城市平台（网址见附件），实现数据共享。",
        "编辑出版地方志丛书，开展摄影展览活动。",
    ],
)
def test_plan_lines_stay(line: str) -> None:
    kept, removed = clean(line)
    assert kept == [normalize_chars(line)]
    assert not removed


def test_disclaimer_trailing_a_paragraph_is_cut() -> None:
    kept, removed = clean("建成公园3处。免责声明：本站不作任何保证。投诉邮箱：a@b.cn")
    assert kept == ["建成公园3处。"]
    assert removed == {"disclaimer": 1}


def test_summary_names_the_counts() -> None:
    result = strip_chrome(["来源：甲", "阅读：", "责任编辑：乙", "正文。"])
    assert summarise(result.removed) == "removed 3 line(s) of web chrome (credit 1, web chrome 2)"
    assert summarise(strip_chrome(["正文。"]).removed) is None


@pytest.mark.parametrize("line, kept", [
    ("通往阿坝（微博）州藏羌民族地区及黄龙（微博）风景区。", "通往阿坝州藏羌民族地区及黄龙风景区。"),
    ("民生银行（600016，股吧）南京分行开业。", "民生银行南京分行开业。"),
    ("重载货运铁路只有大秦铁路[8.621.06%股吧]一条。", "重载货运铁路只有大秦铁路一条。"),
    # the word itself, and a bracket that says something, stay
    ("他在微博中发布消息（见微博）。", "他在微博中发布消息（见微博）。"),
    ("开通政务新媒体（微博、公众号）。", "开通政务新媒体（微博、公众号）。"),
])
def test_link_markers_after_a_name_are_cut_out(line: str, kept: str) -> None:
    result = strip_chrome([line])
    assert result.lines == [kept]
    if kept != line:
        assert "link marker" in summarise(result.removed, result.cut)


def _body(n: int, tag: str = "") -> list[str]:
    return [f"（{i}）{tag}推进第{i}项重点工程建设，完善配套设施，提升城市综合承载能力和服务水平。" for i in range(n)]


def test_repeated_body_kept_once() -> None:
    body = _body(6)
    lines = ["某区工作要点", *body, "", *body[:-1], body[-1][:20]]
    result = drop_repeats(lines)
    assert [x for x in result.lines if x] == ["某区工作要点", *body]
    assert result.warnings == ["body repeated; kept once"]


def test_short_repeated_cells_are_kept() -> None:
    rows = []
    for i in range(50):
        rows += [str(i), f"任务{i}", "国土规划建设管理局", "申兵伦", "2019年12月31日", ""]
    result = drop_repeats(rows)
    assert result.lines == rows
    assert result.warnings == []


def test_long_duplicate_paragraph_dropped() -> None:
    para = "加快推进城市道路、桥梁、供水、排水等基础设施建设，全面提升城市承载能力和运行效率水平。"
    assert len(para) > 40
    result = drop_repeats(["一、目标", para, "二、任务", "建设公园。", para])
    assert result.lines == ["一、目标", para, "二、任务", "建设公园。"]
    assert result.warnings == ["dropped 1 duplicate paragraph(s)"]


def test_repeat_detection_on_a_large_body() -> None:
    body = _body(20000)
    result = drop_repeats(body + body + ["短句"] * 20000)
    assert len(result.lines) == 40000


def test_truncation() -> None:
    long = "围绕滨河新区开发，统筹实施供水管网改造、雨污分流和背街小巷整治等工程，逐步提高城区承载能"
    assert is_truncated(["一、任务", long])
    assert not is_truncated(["一、任务", long + "力。"])
    assert not is_truncated(["一、任务", long + "力。", "某区人民政府办公室 2019年9月9日印发"])
    assert not is_truncated(["序号", "国土规划建设管理局"])


def test_rules_load_from_data_file() -> None:
    rules = load_rules()
    assert {r.kind for r in rules.lines} >= {"web chrome", "disclaimer", "credit", "contact", "marker"}
