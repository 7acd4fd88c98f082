"""Outline parsing (planmap.read.outline.parse_outline) and read_plan on the seed documents.

Seed expectations were checked by running the code against ../shared/seeds and reading the
documents; synthetic texts below are written for these tests.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from golden import digest  # tests/golden.py: seed values kept as digests, not text
from planmap.plan import read_plan
from planmap.read.outline import parse_outline

# ---------------------------------------------------------------- seeds: per-document facts

SEED_FACTS = [
    # prefix, adcode, (length, digest) of the title's opening, headings, depth, clauses
    ("000", "210503", (17, "2c57d770d93c"), 14, 2, 22),
    ("001", "211200", (22, "a865c92693d1"), 53, 3, 55),
    ("002", "210100", (0, "da39a3ee5e6b"), 21, 2, 17),
    ("003", "210112", (13, "3fdde9bada04"), 25, 2, 24),
    # 新乡高新区 lies in 红旗区 (geodata/zone_hosts.csv)
    ("004", "410702", (12, "4d2dc3c78b4e"), 25, 4, 51),
]


@pytest.mark.parametrize("prefix,adcode,title,n_headings,depth,n_clauses", SEED_FACTS,
                         ids=[f[0] for f in SEED_FACTS])
def test_seed_plan_summary(seed, prefix, adcode, title, n_headings, depth, n_clauses):
    plan = read_plan(seed(prefix))
    assert plan.home_region is not None
    assert plan.home_region.adcode in adcode.split("|")
    assert digest(plan.title[:title[0]]) == title[1] and len(plan.title) >= title[0]
    assert len(plan.headings) == n_headings
    assert plan.outline_depth == depth
    assert len(plan.clauses) == n_clauses
    assert plan.id == seed(prefix).stem


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_offsets_point_into_text(seed, prefix):
    plan = read_plan(seed(prefix))
    for h in plan.headings:
        assert h.title, h
        assert plan.text[h.start:h.end].startswith(h.marker)
        assert h.title.split(" ")[0] in plan.text[h.start:h.end]
    for c in plan.clauses:
        assert plan.text[c.start:c.end] == c.text
    starts = [c.start for c in plan.clauses]
    assert starts == sorted(starts)


def test_seed_002_repeated_body_kept_once(seed):
    plan = read_plan(seed("002"))
    assert "body repeated; kept once" in plan.warnings
    assert "no title found" in plan.warnings
    assert sum(digest(h.title) == "ad1d1ccca213" for h in plan.headings) == 1  # the repeated body's heading, once


def test_seed_000_metadata(seed):
    plan = read_plan(seed("000"))
    assert digest(plan.issuer) == "b32da7c8a7e3"
    assert plan.date == "2019-09-09"
    assert digest(plan.doc_number) == "4343dec8a311"
    assert plan.home_region.name == "溪湖区"
    assert plan.home_region.level == "county"


def test_seed_001_levels_and_paths(seed):
    plan = read_plan(seed("001"))
    by_title = {digest(h.title): h for h in plan.headings}
    assert by_title[digest("总体要求")].level == 1 and by_title[digest("总体要求")].marker == "一、"
    five_parks, transport = "3b2dec4ab573", "b0f2070e1934"
    assert by_title[five_parks].level == 2 and by_title[five_parks].marker == "（一）"
    assert by_title[transport].level == 3
    assert by_title[transport].marker == "1."
    assert [digest(h.title) for h in plan.headings if h.level == 1] == [
        digest("总体要求"), "efdeb0f2315c", "abb87e0e5158", "303b10cfc935",
        digest("保障措施")]
    clause = next(c for c in plan.clauses if "沈阳至金宝屯铁路" in c.text)
    assert tuple(map(digest, clause.section)) == ("abb87e0e5158", "2bf15766cc09", transport)
    # the covering notice sits before the title: clauses with an empty path
    assert plan.clauses[0].section == ()
    assert plan.clauses[0].text.startswith("铁岭市人民政府关于印发")


def test_seed_001_units_of_five_parks_clause(seed):
    plan = read_plan(seed("001"))
    clause = next(c for c in plan.clauses if c.section == ("优化园区规划和产业布局", "统筹建设五大园区"))
    assert clause.lead_units == ["市发展改革委"]
    # the raw text writes 相关县(市)区政府; the clean text uses full-width brackets
    assert clause.support_units == ["市科学技术局", "市工业和信息化局", "市农业农村局", "相关县（市）区政府"]
    assert "相关县(市)区政府" not in clause.support_units


def test_seed_001_units_of_other_clauses(seed):
    plan = read_plan(seed("001"))
    by_last = {c.section[-1]: c for c in plan.clauses if c.section}
    c = by_last["建设绿电产业园区"]
    assert c.lead_units == ["市发展改革委"]
    assert "国网铁岭供电公司" in c.support_units
    c = by_last["完善能源水利设施建设"]
    assert c.lead_units == ["市发展改革委", "市住房城乡建设局", "市水利局"]
    assert c.support_units == ["市生态环境局", "各县（市）区政府"]
    c = by_last["提高基础设施保障能力"]
    assert c.lead_units == ["市交通运输局", "市水利局"]
    assert c.support_units == ["市发展改革委", "国网铁岭供电公司", "西丰县政府"]
    # clauses without a bracket carry no units
    assert by_last["指导思想"].lead_units == [] and by_last["指导思想"].support_units == []


def test_seed_002_shared_government_tail(seed):
    plan = read_plan(seed("002"))
    clause = next(c for c in plan.clauses if digest(c.section[-1] if c.section else "") == "ad1d1ccca213")
    # the bracket lists four place names sharing one 政府 tail, between two other units
    assert clause.lead_units == ["市发展改革委", "于洪区政府", "苏家屯区政府", "新民市政府", "辽中县政府",
                                 "经济技术开发区管委会"]
    assert clause.support_units == []
    clause = next(c for c in plan.clauses if digest(c.section[-1] if c.section else "") == "24bd4b84bb43")
    assert clause.lead_units == ["沈北新区政府", "沈河区政府", "于洪区政府", "苏家屯区政府", "大东区政府",
                                 "新民市政府", "法库县政府", "经济技术开发区管委会"]


def test_seed_002_chinese_numbered_beyond_ten(seed):
    plan = read_plan(seed("002"))
    markers = [h.marker for h in plan.headings if h.level == 2]
    assert "（十一）" in markers and "（十六）" in markers
    assert all(h.level == 2 for h in plan.headings if h.marker.startswith("（"))


def test_seed_003_unnumbered_and_bullet_levels(seed):
    plan = read_plan(seed("003"))
    top = [h for h in plan.headings if h.level == 1]
    assert len(top) == 6
    assert all(h.marker == "" and h.title.startswith("坚持") for h in top)
    assert top[0].title == "坚持“忠诚”与“担当”为要 不断夯实党建根基"
    bullets = [h for h in plan.headings if h.marker == "■"]
    assert len(bullets) == 10
    assert all(h.level == 2 for h in bullets)
    by_title = {h.title: h for h in plan.headings}
    # 全力践行 / 项目为王 are two short lines making one level-2 heading
    assert by_title["全力践行 项目为王"].level == 2
    assert by_title["全力践行 项目为王"].marker == ""
    assert by_title["做大做强 头部企业"].level == 2
    assert by_title["打造绿色生态"].level == 2
    clause = next(c for c in plan.clauses if c.text.startswith("坚持项目为王"))
    assert clause.section == ("坚持“速度”与“质量”并重 不断壮大高新产业", "全力践行 项目为王")
    clause = next(c for c in plan.clauses if c.text.startswith("深刻领会"))
    assert clause.section == ("坚持“忠诚”与“担当”为要 不断夯实党建根基", "在政治建设上展现执行力")
    # the title line is not a heading
    assert plan.title not in by_title


def test_seed_004_ledger_rows(seed):
    plan = read_plan(seed("004"))
    ledger = plan.ledger
    assert len(ledger) == 28
    assert [r.number for r in ledger] == [str(i) for i in range(1, 29)]
    assert ledger[0].deadline == "2019-01-31"
    assert ledger[6].deadline == "2019-03-31"
    assert all(r.deadline == "2019-12-31" for k, r in enumerate(ledger) if k not in (0, 6))
    row13 = ledger[12]
    assert row13.lead_units == ["国土规划建设管理局", "关堤乡"]
    assert row13.persons == ["申兵伦", "张孟千", "申岩"]
    assert row13.task.startswith("推进森林新乡建设")
    row21 = ledger[20]
    assert row21.lead_units == ["综合监管和执法局"]  # split over two lines in the source
    assert row21.persons == ["朱涛"]
    assert ledger[21].lead_units == ["综合监管和执法局", "国土规划建设管理局", "振中街道"]
    assert ledger[21].persons == ["朱涛", "耿红伟", "周正伟", "徐善胜"]
    assert ledger[0].lead_units == ["国土规划建设管理局"] and ledger[0].persons == ["李伟"]


def test_seed_004_ledger_clauses(seed):
    plan = read_plan(seed("004"))
    ledger_clauses = [c for c in plan.clauses if c.kind == "ledger"]
    assert len(ledger_clauses) == 28
    assert all(c.section[0].startswith("2019年高新区百城") and c.section[0].endswith("目标台账")
               for c in ledger_clauses)
    assert [c.section[1] for c in ledger_clauses] == [str(i) for i in range(1, 29)]
    for c, row in zip(ledger_clauses, plan.ledger, strict=False):
        assert c.text == row.task
        assert c.lead_units == row.lead_units
        assert c.deadline == row.deadline
        assert plan.text[c.start:c.end] == c.text
    # ledger lines are not headings ("1" alone is a row number) and the outline is intact
    assert max(h.end for h in plan.headings) < ledger_clauses[0].start
    assert sum(1 for h in plan.headings if h.level == 4) == 4


# ---------------------------------------------------------------- synthetic: heading forms

def _titles(headings):
    return [(h.level, h.marker, h.title) for h in headings]


def test_all_numbered_forms_nest_in_order_of_appearance():
    text = ("一、总体要求\n（一）指导思想\n坚持新发展理念。\n1.建设交通网络。推进滨河路建设。\n"
            "（1）新建道路\n完成道路建设。\n二、保障措施\n加强组织领导。\n")
    headings, clauses, ledger = parse_outline(text)
    assert _titles(headings) == [
        (1, "一、", "总体要求"), (2, "（一）", "指导思想"), (3, "1.", "建设交通网络"),
        (4, "（1）", "新建道路"), (1, "二、", "保障措施")]
    assert ledger == []
    assert [(c.section, c.text) for c in clauses] == [
        (("总体要求", "指导思想"), "坚持新发展理念。"),
        (("总体要求", "指导思想", "建设交通网络"), "推进滨河路建设。"),  # body after the heading's stop
        (("总体要求", "指导思想", "建设交通网络", "新建道路"), "完成道路建设。"),
        (("保障措施",), "加强组织领导。"),
    ]
    for c in clauses:
        assert text[c.start:c.end] == c.text


def test_arabic_directly_under_chinese_numbers():
    text = "一、重点任务\n1. 建设交通网络\n推进道路建设。\n2．完善水利设施\n实施水系治理。\n二、保障措施\n强化考核。\n"
    headings, clauses, _ = parse_outline(text)
    assert _titles(headings) == [(1, "一、", "重点任务"), (2, "1.", "建设交通网络"),
                                 (2, "2．", "完善水利设施"), (1, "二、", "保障措施")]
    assert clauses[1].section == ("重点任务", "完善水利设施")


def test_paren_forms_with_ascii_brackets():
    text = "(一)完善功能\n推进城市更新。\n(1)老旧小区\n改造小区。\n(二)改善环境\n整治河道。\n"
    headings, clauses, _ = parse_outline(text)
    assert _titles(headings) == [(1, "(一)", "完善功能"), (2, "(1)", "老旧小区"), (1, "(二)", "改善环境")]
    assert clauses[-1].section == ("改善环境",)


def test_numbers_that_are_figures_are_not_headings():
    text = "一、重点任务\n1.5公里\n3年内完成。\n1.\n推进建设。\n"
    headings, clauses, _ = parse_outline(text)
    assert _titles(headings) == [(1, "一、", "重点任务")]
    assert [c.text for c in clauses] == ["1.5公里", "3年内完成。", "1.", "推进建设。"]


def test_bullet_headings():
    text = "■建设交通网络\n推进滨河路建设。\n■完善水利设施\n实施水系治理。\n"
    headings, clauses, _ = parse_outline(text)
    assert _titles(headings) == [(1, "■", "建设交通网络"), (1, "■", "完善水利设施")]
    assert [c.section for c in clauses] == [("建设交通网络",), ("完善水利设施",)]


UNNUMBERED = (
    "某区发展规划\n"
    "前言一段较长的文字，说明规划编制的背景和依据。\n"
    "坚持创新驱动\n不断壮大产业\n"
    "■建设创新平台\n推进科技城建设。\n"
    "■引育创新人才\n完善人才政策。\n"
    "坚持绿色发展\n不断提升品质\n"
    "全力建设\n美丽乡村\n推进村庄整治。\n"
    "完善城乡功能\n推进管网改造。\n"
)


def test_unnumbered_headings_and_bullets():
    headings, clauses, _ = parse_outline(UNNUMBERED, "某区发展规划")
    assert _titles(headings) == [
        (1, "", "坚持创新驱动 不断壮大产业"),
        (2, "■", "建设创新平台"),
        (2, "■", "引育创新人才"),
        (1, "", "坚持绿色发展 不断提升品质"),
        (2, "", "全力建设 美丽乡村"),
        (2, "", "完善城乡功能"),
    ]
    sections = {c.text: c.section for c in clauses}
    assert sections["某区发展规划"] == ()
    assert sections["前言一段较长的文字，说明规划编制的背景和依据。"] == ()
    assert sections["推进科技城建设。"] == ("坚持创新驱动 不断壮大产业", "建设创新平台")
    assert sections["推进村庄整治。"] == ("坚持绿色发展 不断提升品质", "全力建设 美丽乡村")
    assert sections["推进管网改造。"] == ("坚持绿色发展 不断提升品质", "完善城乡功能")


def test_unnumbered_headings_ignored_when_plan_is_numbered():
    text = "一、重点任务\n加快发展\n推进滨河路建设。\n"
    headings, clauses, _ = parse_outline(text)
    assert _titles(headings) == [(1, "一、", "重点任务")]
    assert [c.text for c in clauses] == ["加快发展", "推进滨河路建设。"]


def test_unnumbered_heading_ending_in_buju():
    text = UNNUMBERED.replace("完善城乡功能", "优化城乡布局")
    headings, clauses, _ = parse_outline(text, "某区发展规划")
    assert (2, "", "优化城乡布局") in _titles(headings)


# ---------------------------------------------------------------- synthetic: bracket forms

def test_bracket_forms_close_clauses():
    text = ("一、重点任务\n"
            "推进滨河路建设。〔牵头单位：市交通局；责任单位：市财政局、相关县（市）区政府〕\n"
            "推进桥梁建设。（牵头部门：市住建局；责任部门：市水利局）\n"
            "治理河道。[责任部门：皇姑区、铁西区、法库县政府]\n"
            "完善配套设施。\n")
    _, clauses, _ = parse_outline(text)
    units = [(c.lead_units, c.support_units) for c in clauses]
    assert units == [
        (["市交通局"], ["市财政局", "相关县（市）区政府"]),
        (["市住建局"], ["市水利局"]),
        (["皇姑区政府", "铁西区政府", "法库县政府"], []),
        ([], []),
    ]
    # the bracket stays part of the clause text
    assert clauses[0].text.endswith("相关县（市）区政府〕")


def test_bracket_with_ascii_colon_and_final_stop():
    text = "一、重点任务\n推进滨河路建设。(牵头单位:市交通局;责任单位:市财政局)。\n"
    _, clauses, _ = parse_outline(text)
    assert clauses[0].lead_units == ["市交通局"]
    assert clauses[0].support_units == ["市财政局"]


def test_bracket_in_the_middle_is_not_a_responsibility_bracket():
    text = "一、重点任务\n推进滨河路建设（牵头单位：市交通局），并完善配套。\n"
    _, clauses, _ = parse_outline(text)
    assert clauses[0].lead_units == [] and clauses[0].support_units == []


def test_clause_deadline():
    text = "一、重点任务\n2019年6月底前完成滨河路建设。\n于2019年3月1日召开推进会议。\n"
    _, clauses, _ = parse_outline(text)
    assert [c.deadline for c in clauses] == ["2019-06-30", None]


def test_read_plan_on_synthetic_file(tmp_path: Path):
    path = tmp_path / "synthetic_plan.txt"
    path.write_text("一、重点任务\n推进滨河路建设。〔牵头单位：市交通局〕\n", encoding="utf-8")
    plan = read_plan(path)
    assert plan.id == "synthetic_plan"
    assert plan.format == "txt"
    assert [h.title for h in plan.headings] == ["重点任务"]
    assert plan.clauses[0].lead_units == ["市交通局"]
    assert plan.clauses[0].section == ("重点任务",)
