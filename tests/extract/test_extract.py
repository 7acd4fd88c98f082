"""Project extraction (planmap.extract.projects.extract_projects) on sentences written for these tests.

Every sentence goes through the real reader: it is written to a .txt file under a heading
and read with read_plan, so cleaning, outline and brackets all apply.
"""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from planmap.extract.projects import extract_projects
from planmap.plan import read_plan


def _plan(tmp_path: Path, body: str, heading: str = "一、重点任务", name: str = "synthetic"):
    path = tmp_path / f"{name}.txt"
    path.write_text(f"{heading}\n{body}\n", encoding="utf-8")
    return read_plan(path)


def _extract(tmp_path: Path, body: str, **kw):
    plan = _plan(tmp_path, body, **kw)
    return plan, extract_projects(plan)


def _names(projects):
    return [p.name for p in projects]


# ---------------------------------------------------------------- names ending in a type word

@pytest.mark.parametrize("sentence,name,category,geom", [
    ("今年重点改造华佗大街，完善两侧绿化。", "华佗大街", "road", "line"),
    ("年内完成柳林路改造，缓解高峰拥堵。", "柳林路", "road", "line"),
    ("力争通江口特大桥早日合龙通车。", "通江口特大桥", "bridge", "point"),
    ("支持铁岭经济技术开发区扩区调位。", "铁岭经济技术开发区", "industrial_park", "area"),
    ("完善冰砬山国家森林公园游客服务设施。", "冰砬山国家森林公园", "scenic_tourism", "area"),
    # a ship lock is the project, not the double track its name opens with
    ("推进临河复线船闸建设。", "临河复线船闸", "logistics", "point"),
    # a branch is of its line's kind: a railway's branch is a railway, a road's a road
    ("建成东岭高铁甲城至乙城支线。", "东岭高铁甲城至乙城支线", "railway", "line"),
    ("建成东岭公路甲城至乙城支线。", "东岭公路甲城至乙城支线", "highway", "line"),
    ("建设东岭地铁15号线。", "东岭地铁15号线", "railway", "line"),
    # a numbered line's extension or phase is named with it
    ("开工东岭地铁15号线北延工程。", "东岭地铁15号线北延", "railway", "line"),
    ("开工东岭地铁3号线二期。", "东岭地铁3号线二期", "railway", "line"),
])
def test_single_name(tmp_path, sentence, name, category, geom):
    plan, projects = _extract(tmp_path, sentence)
    assert _names(projects) == [name]
    p = projects[0]
    assert (p.category, p.geom) == (category, geom)
    assert plan.text[p.span[0]:p.span[1]] == name
    assert p.plan == "synthetic"
    assert p.section == "重点任务"
    assert p.evidence == sentence
    assert p.mentions == [p.span]


@pytest.mark.parametrize("sentence,name", [
    ("另“一横”是指铁开高速公路，东起开原城区，西至铁岭县。", "铁开高速公路"),
    ("所谓主轴，指铁开高速公路。", "铁开高速公路"),
])
def test_defining_verb_zhi_is_not_part_of_the_name(tmp_path, sentence, name):
    """是指 / 指 ("that is") before a name defines it: the verb is cut, the name stays whole."""
    _, projects = _extract(tmp_path, sentence)
    assert name in _names(projects)
    assert not any(n.startswith("指") for n in _names(projects))


def test_two_names_in_one_sentence_with_work(tmp_path):
    plan, projects = _extract(tmp_path, "加快华佗大街建设，同步改造柳林路。")
    assert _names(projects) == ["华佗大街", "柳林路"]
    assert projects[0].work == "建设"
    for p in projects:
        assert plan.text[p.span[0]:p.span[1]] == p.name
    assert projects[0].span[0] < projects[1].span[0]


@pytest.mark.parametrize("sentence", ["年内完成柳林路拓宽。", "年内完成柳林路绿化。"])
def test_one_char_type_word_before_common_work_verb(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == ["柳林路"]


def test_repeated_mentions_merge(tmp_path):
    plan, projects = _extract(tmp_path, "推进柳林路建设。年内完成柳林路、滨江路改造。")
    assert _names(projects) == ["柳林路", "滨江路"]
    liulin = projects[0]
    assert len(liulin.mentions) == 2
    assert all(plan.text[a:b] == "柳林路" for a, b in liulin.mentions)


def test_a_phase_written_on_one_mention_only_is_the_same_works(tmp_path):
    _, projects = _extract(tmp_path, "东岭港30万吨级进港航道一期开工。推进东岭港30万吨级航道建设。")
    assert _names(projects) == ["东岭港30万吨级进港航道一期"], _names(projects)
    _, phases = _extract(tmp_path, "西河水库一期完工。西河水库二期开工。")
    assert _names(phases) == ["西河水库一期", "西河水库二期"], _names(phases)


# ---------------------------------------------------------------- enumerations

def test_enumeration_sharing_a_type_word(tmp_path):
    plan, projects = _extract(tmp_path, "计划推进开原市八宝镇、康平县、法库县通用机场建设，完善低空飞行服务。")
    assert _names(projects) == ["开原市八宝镇通用机场", "康平县通用机场", "法库县通用机场"]
    assert {p.category for p in projects} == {"airport"}
    assert {p.geom for p in projects} == {"point"}
    assert {p.work for p in projects} == {"建设"}
    # each item's span covers the words the plan wrote for it
    assert [plan.text[a:b] for a, b in (p.span for p in projects)] == ["开原市八宝镇", "康平县", "法库县通用机场"]


def test_enumeration_closed_by_deng_and_class_noun(tmp_path):
    plan, projects = _extract(tmp_path, "持续完善冰砬山、城子山等森林公园的步道和标识。")
    assert _names(projects) == ["冰砬山森林公园", "城子山森林公园"]
    assert {p.category for p in projects} == {"scenic_tourism"}
    assert [plan.text[a:b] for a, b in (p.span for p in projects)] == ["冰砬山", "城子山"]


def test_river_enumeration_plain_work_word(tmp_path):
    _, projects = _extract(tmp_path, "年内开展马仲河、招苏台河、二道河治理，改善水环境。")
    assert _names(projects) == ["马仲河", "招苏台河", "二道河"]
    assert {p.category for p in projects} == {"water"}
    assert projects[-1].work == "治理"


def test_river_enumeration_keeps_every_river(tmp_path):
    # what the code does today: the first two rivers come out clean
    _, projects = _extract(tmp_path, "年内开展马仲河、招苏台河、二道河河道治理，改善水环境。")
    assert _names(projects)[:2] == ["马仲河", "招苏台河"]
    assert len(projects) == 3


def test_river_enumeration_with_hedao_zhili(tmp_path):
    _, projects = _extract(tmp_path, "年内开展马仲河、招苏台河、二道河河道治理，改善水环境。")
    assert _names(projects) == ["马仲河", "招苏台河", "二道河"]
    assert [p.work for p in projects] == ["河道治理"] * 3
    assert {p.category for p in projects} == {"water"}


def test_enumeration_of_complete_names(tmp_path):
    plan, projects = _extract(tmp_path, "新建滨江路、光明路、望湖路，打通城区微循环。")
    assert _names(projects) == ["滨江路", "光明路", "望湖路"]
    for p in projects:
        assert plan.text[p.span[0]:p.span[1]] == p.name


# ---------------------------------------------------------------- routes

def test_route_with_bracketed_section(tmp_path):
    plan, projects = _extract(tmp_path, "争取尽快开工沈阳至金宝屯铁路（调兵山段），补齐货运短板。")
    assert _names(projects) == ["沈阳至金宝屯铁路（调兵山段）"]
    p = projects[0]
    assert p.category == "railway" and p.geom == "line"
    assert p.endpoints == ["沈阳", "金宝屯"]
    assert plan.text[p.span[0]:p.span[1]] == p.name


def test_route_with_bracketed_alias(tmp_path):
    _, projects = _extract(tmp_path, "全力争取开原至调兵山市高速公路（辽开高速公路西延）列入国家规划。")
    assert len(projects) == 1
    p = projects[0]
    assert p.category == "highway" and p.geom == "line"
    assert p.name.startswith("开原至调兵山市高速公路")
    assert "辽开高速公路西延" in p.aliases
    assert p.endpoints == ["开原", "调兵山市"]


def test_route_between_counties(tmp_path):
    plan, projects = _extract(tmp_path, "积极争取西丰县至新宾县高速公路早日立项。")
    assert _names(projects) == ["西丰县至新宾县高速公路"]
    assert projects[0].endpoints == ["西丰县", "新宾县"]
    assert projects[0].category == "highway"


def test_route_section_of_a_national_road(tmp_path):
    plan, projects = _extract(tmp_path, "加快G202线黑大线李家台村至新城段改造工程前期工作。")
    assert _names(projects) == ["G202线黑大线李家台村至新城段"]
    p = projects[0]
    assert p.endpoints == ["李家台村", "新城"]
    assert p.work == "改造工程"
    assert p.geom == "line"
    assert plan.text[p.span[0]:p.span[1]] == p.name


# ---------------------------------------------------------------- junctions

def test_junction_pairs(tmp_path):
    plan, projects = _extract(tmp_path, "年内实现沈丹线与银河路、柳堤路与明德路对接，方便群众出行。")
    assert _names(projects) == ["沈丹线与银河路", "柳堤路与明德路"]
    assert [p.endpoints for p in projects] == [["沈丹线", "银河路"], ["柳堤路", "明德路"]]
    assert {p.work for p in projects} == {"对接"}
    for p in projects:
        assert plan.text[p.span[0]:p.span[1]] == p.name
    # the single roads of a junction are not separate projects
    assert "望月路" not in _names(projects)


def test_junction_is_a_point(tmp_path):
    _, projects = _extract(tmp_path, "年内实现沈丹线与银河路对接。")
    assert [p.geom for p in projects] == ["point"]


def test_and_without_junction_cue_is_two_roads(tmp_path):
    _, projects = _extract(tmp_path, "新建香堤路与知行路，完善片区路网。")
    assert _names(projects) == ["香堤路", "知行路"]


# ---------------------------------------------------------------- non-projects

def test_industry_is_not_a_project_but_a_cluster_is(tmp_path):
    _, projects = _extract(tmp_path, "培育开原市起重机械及配套零部件产业，提升协作水平。")
    assert projects == []
    _, projects = _extract(tmp_path, "高起点建设昌图县省级农产品加工集聚区。")
    assert _names(projects) == ["昌图县省级农产品加工集聚区"]
    assert projects[0].category == "industrial_park"


@pytest.mark.parametrize("sentence", [
    "年内新建12条主干道。",
    "见缝插针建设9个口袋公园。",
    "由市工业和信息化局、国网开原供电公司牵头落实。",
    "深入实施“雏鹰计划”，选拔优秀年轻干部。",
    "高水平办好沈阳国际马拉松赛。",
    "持续优化营商环境，提升服务效能。",
    "培育夜经济、地摊经济、物联网等消费项目。",
])
def test_no_project(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert projects == []


@pytest.mark.parametrize("sentence,name", [
    # 和 opens 和田 and 若 opens 若羌: the conjunction's character is the railway's first place
    ("加快建设和若铁路。", "和若铁路"),
    # a town's name without its 镇 opens a work's name (向家坝镇)
    ("推进向家坝灌区一期工程建设。", "向家坝灌区"),
])
def test_a_name_opened_by_a_character_that_is_also_a_word(tmp_path, sentence, name):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == [name]


@pytest.mark.parametrize("sentence", [
    "开通政务服务热线。", "推进建设和产线升级。", "通过这一热线预约维修。",
    # 高速 as an adverb, 高铁 as a trade, a class with what is done to it, where and which part
    "精炼铅产量高速扩张。", "高铁行业底气十足。", "加快长江干线整治、高速公路提质扩容等重大项目建设。",
    "当地地铁建设单位暂停采购。", "互通11个，匝道收费站9个。",
    # kinds of school, park, road, waterway and market
    "提升职业学校办学能力。", "推进郊野公园、口袋公园建设。", "建成村道公路安全生命防护工程。",
    "加快深水航道整治。", "积极打造口岸商圈。",
])
def test_words_that_hold_a_route_word_are_no_route(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == []


def test_counts_do_not_hide_named_items(tmp_path):
    _, projects = _extract(tmp_path, "今年重点建设华佗大街、柳林路等12条主干道。")
    assert _names(projects) == ["华佗大街", "柳林路"]
    assert [(f.kind, f.value) for f in projects[0].figures] == [("count", 12.0)]


def test_figures_attached_from_the_same_segment(tmp_path):
    _, projects = _extract(tmp_path, "新建滨江路，全长3.6公里，总投资2.5亿元；改造光明路。")
    by_name = {p.name: p for p in projects}
    assert sorted(by_name) == ["光明路", "滨江路"]
    # figures of the comma-delimited segment holding the name
    assert by_name["光明路"].figures == []


# ---------------------------------------------------------------- sections, units, deadlines

def test_units_and_deadline_from_clause_bracket(tmp_path):
    plan, projects = _extract(
        tmp_path, "2019年6月底前完成滨江路改造。〔牵头单位：市住房城乡建设局；责任单位：市财政局、相关县（市）区政府〕")
    assert _names(projects) == ["滨江路"]
    p = projects[0]
    assert p.lead_units == ["市住房城乡建设局"]
    assert p.support_units == ["市财政局", "相关县（市）区政府"]
    assert p.deadline == "2019-06-30"
    # the bracket is not part of the evidence and names no project
    assert "牵头单位" not in p.evidence
    clause = plan.clauses[0]
    assert (p.clause_start, p.clause_end) == (clause.start, clause.end)


def test_units_from_responsible_only_bracket(tmp_path):
    _, projects = _extract(tmp_path, "加快滨江路建设。[责任部门：皇姑区、铁西区、法库县政府]")
    assert projects[0].lead_units == ["皇姑区政府", "铁西区政府", "法库县政府"]
    assert projects[0].support_units == []


def test_units_and_deadline_from_ledger(tmp_path):
    body = ("推进城市道路建设。\n二、工作台账\n某区重点工作台账\n序号\n工作任务\n牵头单位\n责任人\n完成时限\n"
            "1\n打通滨江路、光明路等断头路。\n市交通局\n赵一\n2019年6月底\n"
            "2\n建设通江口特大桥。\n市住建局\n市水利局\n钱二\n孙三\n2019年12月31日\n")
    plan, projects = _extract(tmp_path, body)
    assert len(plan.ledger) == 2
    by_name = {p.name: p for p in projects}
    assert sorted(by_name) == ["光明路", "滨江路", "通江口特大桥"]
    assert by_name["滨江路"].lead_units == ["市交通局"]
    assert by_name["滨江路"].deadline == "2019-06-30"
    assert by_name["滨江路"].section == "某区重点工作台账 > 1"
    assert by_name["通江口特大桥"].lead_units == ["市住建局", "市水利局"]
    assert by_name["通江口特大桥"].deadline == "2019-12-31"


def test_nested_section_path(tmp_path):
    body = "（一）完善交通网络\n1.畅通城区道路\n新建滨江路。"
    _, projects = _extract(tmp_path, body, heading="一、重点任务")
    assert projects[0].section == "重点任务 > 完善交通网络 > 畅通城区道路"


def test_skip_sections_and_preamble(tmp_path):
    _, projects = _extract(tmp_path, "新建滨江路。", heading="一、保障措施")
    assert projects == []
    path = tmp_path / "pre.txt"
    path.write_text("各有关单位：现将《光明路建设方案》印发给你们，请认真贯彻执行。\n一、重点任务\n新建滨江路。\n",
                    encoding="utf-8")
    assert _names(extract_projects(read_plan(path))) == ["滨江路"]


def test_text_before_the_first_heading_is_read(tmp_path):
    """A news report's lead names projects too: structure helps, it never gates."""
    path = tmp_path / "news.txt"
    path.write_text("记者从市交通局了解到，今年将新建光明路。\n一、重点任务\n新建滨江路。\n", encoding="utf-8")
    assert _names(extract_projects(read_plan(path))) == ["光明路", "滨江路"]


def test_to_dict_round_trip(tmp_path):
    import json

    _, projects = _extract(tmp_path, "争取尽快开工沈阳至金宝屯铁路（调兵山段）。〔牵头单位：市交通运输局〕")
    d = json.loads(json.dumps(projects[0].to_dict(), ensure_ascii=False))
    assert d["name"] == "沈阳至金宝屯铁路（调兵山段）"
    assert d["plan"] == "synthetic"
    assert d["lead_units"] == ["市交通运输局"]
    assert d["endpoints"] == ["沈阳", "金宝屯"]
    assert d["span"] == list(projects[0].span)
    assert isinstance(d["mentions"][0], list)


def test_to_dict_is_asdict_with_lists():
    """to_dict is written out field by field: it must give every field, as dataclasses.asdict
    would, and share no list with the project."""
    from dataclasses import asdict

    from planmap.models import Figure, Project

    p = Project(name="滨江路", category="road", geom="line", plan="p", section="s", evidence="新建滨江路。",
                span=(2, 5), lead_units=["市交通局"], figures=[Figure("length", 3.5, "公里", "3.5公里")],
                mentions=[(2, 5)], aliases=["滨江大道"], endpoints=["甲", "乙"], deadline="2025年")
    want = asdict(p)
    want["span"], want["mentions"] = [2, 5], [[2, 5]]
    d = p.to_dict()
    assert d == want and list(d) == list(want)
    d["lead_units"].append("x")
    d["figures"][0]["value"] = 0
    assert p.lead_units == ["市交通局"] and p.figures[0].value == 3.5


# ---------------------------------------------------------------- hostile text

def test_ten_thousand_character_sentence(tmp_path):
    filler = "统筹推进各项工作，" * 600
    head = "加快建设滨江路，" + filler[:4990] + "确保通江口特大桥建设，"
    sentence = head + filler[: 9999 - len(head)] + "。"
    assert len(sentence) == 10000
    plan, projects = _extract(tmp_path, sentence)
    assert _names(projects) == ["滨江路", "通江口特大桥"]
    for p in projects:
        assert plan.text[p.span[0]:p.span[1]] == p.name


def test_ten_thousand_characters_without_punctuation(tmp_path):
    sentence = "推进" + "城乡统筹发展" * 1666
    _, projects = _extract(tmp_path, sentence)
    assert projects == []


def test_runaway_name_is_capped(tmp_path):
    _, projects = _extract(tmp_path, "建设" + "甲" * 10000 + "路。")
    assert all(len(p.name) <= 60 for p in projects)


def _road_names(n: int) -> list[str]:
    assert n <= 24 ** 3
    chars = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    return [a + b + c + "路" for a, b, c in itertools.product(chars, repeat=3)][:n]


def test_enumeration_of_500_roads(tmp_path):
    names = _road_names(500)
    plan, projects = _extract(tmp_path, "年内新建" + "、".join(names) + "。")
    assert _names(projects) == names
    assert {p.category for p in projects} == {"road"}
    for p in projects:
        assert plan.text[p.span[0]:p.span[1]] == p.name



@pytest.mark.parametrize("sentence,expected", [
    ("推进滨江路（一期建设，完善（（配套设施。", ["滨江路"]),
    ("推进滨江路建设）一期】完善〕配套，新建通江口特大桥。", ["滨江路", "通江口特大桥"]),
    ("建设" + "（" * 3000 + "滨江路。", ["滨江路"]),
    ("推进滨江路建设〔牵头单位：市交通局；", ["滨江路"]),
])
def test_unbalanced_brackets(tmp_path, sentence, expected):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == expected


def test_empty_and_heading_only_documents(tmp_path):
    path = tmp_path / "empty_body.txt"
    path.write_text("一、重点任务\n", encoding="utf-8")
    assert extract_projects(read_plan(path)) == []


def test_a_named_facility_is_not_glued_to_the_next_item(tmp_path):
    _, projects = _extract(tmp_path, "建设省人民医院东区、郑州市第一人民医院新院区。")
    assert _names(projects) == ["省人民医院东区", "郑州市第一人民医院新院区"]


def test_road_before_a_work_word_like_kuaisuhua(tmp_path):
    _, projects = _extract(tmp_path, "实施中州大道、陇海路快速化改造。")
    assert _names(projects) == ["中州大道", "陇海路"]


def test_heading_whose_title_starts_with_gong(tmp_path):
    from planmap.plan import read_plan

    doc = tmp_path / "plan.txt"
    doc.write_text("二、重点任务\n（一）交通设施。新建滨河路。\n（二）公共服务。建设滨河体育馆。\n", encoding="utf-8")
    plan = read_plan(doc)
    assert [h.title for h in plan.headings] == ["重点任务", "交通设施", "公共服务"]
    gym = [p for p in extract_projects(plan) if p.name.endswith("体育馆")]
    assert gym and gym[0].section == "重点任务 > 公共服务"


@pytest.mark.parametrize("sentence", [
    "守好生态保护的海岸线，筑牢安全生产的生命线。",
    "实现市市通高铁、县县通高速。",
    "构建省会到各市1小时高铁圈和3小时高速公路圈。",
    "推进普通公路和新一轮农村公路提档升级。",
    "东岭、西岭、南岭3县高速项目全部开工。",
    "甲乙省际铁路、高速公路、水路通道达到28条。",
])
def test_common_nouns_and_network_goals_are_not_projects(tmp_path, sentence):
    """A coastline, a lifeline, "every city on high-speed rail": words and goals, not lines to draw."""
    _, projects = _extract(tmp_path, sentence)
    assert not [p for p in projects if p.category in ("railway", "highway", "road")], _names(projects)


def test_a_line_named_by_two_abbreviated_ends_is_kept(tmp_path):
    _, projects = _extract(tmp_path, "加快甬杭线改造，完成北仑支线复线建设。")
    assert "甬杭线" in _names(projects)


@pytest.mark.parametrize("sentence, name", [
    ("供应商王某得知柳岸湖公园即将改造。", "柳岸湖公园"),
    ("他担任北湖公园改造工程总指挥。", "北湖公园"),
    ("彭某开始给东岭大桥供应钢材。", "东岭大桥"),
    ("货运航班从大连周水子国际机场起飞。", "大连周水子国际机场"),
    ("专家试用过东岭化学研究院的设备。", "东岭化学研究院"),
    ("稳妥处置东岭区西河幼儿园欠费问题。", "东岭区西河幼儿园"),
    ("建设获嘉县东岭产业园。", "获嘉县东岭产业园"),
])
def test_clause_words_before_a_name_are_not_part_of_it(tmp_path, sentence, name):
    """A person (王某), a pronoun, a frequent verb (他担任) and a verb closed by an aspect particle
    (试用过) end a name on its left; a place does not."""
    _, projects = _extract(tmp_path, sentence)
    assert name in _names(projects), _names(projects)


@pytest.mark.parametrize("sentence", ["改善薄弱学校和寄宿制学校办学条件，办好中职学校。",
                                      "新增国家5A级旅游景区2家，建设国家级零碳园区。"])
def test_classes_of_facilities_are_not_projects(tmp_path, sentence):
    """A weak school, a 5A scenic area, a zero-carbon park: classes a plan counts, not sites."""
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == []


def test_a_verb_of_striving_is_not_part_of_the_name(tmp_path):
    _, projects = _extract(tmp_path, "青川湖湿地公园争创国家级示范区，19个项目落地东岭临港产业园。")
    assert "东岭临港产业园" in _names(projects)
    assert not [n for n in _names(projects) if n.startswith(("争创", "落地"))]


def test_an_untyped_list_item_takes_its_class_from_its_own_words_not_one_sibling(tmp_path):
    """One railway in a list of a battery plant and a university says nothing of them."""
    _, projects = _extract(tmp_path, "丙丁新能源动力电池、甲乙高铁、东岭大学三期等项目建成投用。")
    cats = {p.name: (p.category, p.geom) for p in projects}
    assert cats["丙丁新能源动力电池"][0] == "industrial_park", cats
    assert cats["东岭大学三期"][0] == "public_service", cats
    assert cats["甲乙高铁"] == ("railway", "line")


def test_a_list_closed_by_a_class_gives_its_items_that_class(tmp_path):
    _, projects = _extract(tmp_path, "续建东岭至西河、南湖至北山等3个铁路项目。")
    cats = {p.name: p.category for p in projects}
    assert cats.get("东岭至西河") == "railway", cats  # (the last item reads 南湖至北山铁路)


def test_a_place_name_opening_with_a_conjunction_character_stays_whole(tmp_path):
    """和 ends a name on its left (甲和乙), except where it opens a place (和林格尔县)."""
    _, projects = _extract(tmp_path, "加快建设和林格尔数据中心，推进东岭与西河产业园。")
    assert "和林格尔数据中心" in _names(projects), _names(projects)


@pytest.mark.parametrize("sentence", ["结束东岭、西河、南湖三县无高速公路的历史。", "不少产业园已经开工。"])
def test_a_lack_or_a_vague_quantity_is_not_a_project(tmp_path, sentence):
    """四县无高速公路 says a line is missing; 不少产业园 names no park."""
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == []


def test_a_verb_that_ends_a_name_s_modifier_stays_in_the_name(tmp_path):
    """制造 in 装备制造产业园 is a frequent verb, but there it is what the park makes."""
    _, projects = _extract(tmp_path, "培育西岭生物制造产业园，建设东岭氢能装备制造产业园。")
    assert {"西岭生物制造产业园", "东岭氢能装备制造产业园"} <= set(_names(projects)), _names(projects)


@pytest.mark.parametrize("sentence", ["东岭市获国际湿地城市称号。", "东岭经开区入选首批国家级零碳园区。",
                                      "东岭遗址入选国家考古遗址公园。", "东岭市获得国际湿地城市称号。"])
def test_news_of_an_honour_names_no_project(tmp_path, sentence):
    """获 / 入选 end a name on its left, and what follows them is the honour (国际湿地城市,
    国家考古遗址公园), not a site."""
    _, projects = _extract(tmp_path, sentence)
    names = _names(projects)
    assert not [n for n in names if "获" in n or "入选" in n or "国际湿地" in n or n.startswith("国家")], names


def test_a_figure_of_speech_is_no_road(tmp_path):
    """闯出新路 blazes a trail; 落实 before a reservoir is a task about it."""
    _, projects = _extract(tmp_path, "在改革上闯出新路。落实东岭水库保护责任。")
    assert _names(projects) == ["东岭水库"], _names(projects)


@pytest.mark.parametrize("sentence,names", [
    ("药品销售量直接和医院挂钩。", []),
    ("出席高层圆桌座谈会和东岭新区推介活动。", ["东岭新区"]),
    ("建设昌图县功能和保健食品产业园。", ["昌图县功能和保健食品产业园"]),
    ("打造机械制造及新型材料产业园。", ["机械制造及新型材料产业园"]),
])
def test_a_name_is_the_last_of_two_things_joined_by_he_unless_the_first_is_its_modifier(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names, _names(projects)


def test_items_of_a_list_of_sectors_are_not_projects(tmp_path):
    """轨道交通、新能源汽车等领域: fields of activity; a railway or highway is never named by a
    verb alone (涉及轨道交通), a street may be (建设路)."""
    _, projects = _extract(tmp_path, "已有涉及轨道交通、信息基础设施、新能源汽车等战略性新兴产业领域的86个项目。事故造成地铁停运。")
    assert _names(projects) == [], _names(projects)
    _, streets = _extract(tmp_path, "改造建设路和解放大街。")
    assert _names(streets) == ["建设路", "解放大街"], _names(streets)


def test_a_title_listed_beside_a_name_shares_no_type_word(tmp_path):
    _, projects = _extract(tmp_path, "他曾任党委书记、副院长、东岭新区指挥部指挥长。")
    assert _names(projects) == ["东岭新区"], _names(projects)


def test_the_road_another_meets_is_cited_for_where_not_built(tmp_path):
    """外迁至与甲高速相交处 says where; 甲路与乙路交叉口 is a junction of two roads."""
    _, projects = _extract(tmp_path, "将东岭收费站外迁至与西河高速相交处。线路在县城以南8公里处与北山高速公路相接。")
    assert _names(projects) == ["东岭收费站"], _names(projects)
    _, junction = _extract(tmp_path, "打通东岭路与西河路交叉口。")
    assert _names(junction) == ["东岭路与西河路"], _names(junction)


@pytest.mark.parametrize("sentence", [
    "实施改造东岭公路，减轻西河立交桥交通压力。",
    "缓解北山二级公路南坡路段的拥堵。",
    "它是甲乙、丙丁铁路间的重要联络线。",
    "按照东岭大道的标准实施改造。",
])
def test_works_a_project_relieves_joins_or_copies_are_cited_not_built(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert not [n for n in _names(projects) if n.startswith(("西河", "北山", "丙丁", "东岭大道"))], _names(projects)


def test_a_class_of_works_listed_among_projects_is_no_project(tmp_path):
    _, projects = _extract(tmp_path, "推进东岭电厂、零碳园区、西河水库等项目建设。")
    assert _names(projects) == ["东岭电厂", "西河水库"], _names(projects)
    # 在…中 around a list says which projects, not where a generic facility goes
    _, listed = _extract(tmp_path, "在铁岭市东岭路建设项目、高速公路建设项目、轨道交通建设项目中优先采购产品。")
    assert not [n for n in _names(listed) if n in ("高速公路", "轨道交通")], _names(listed)


def test_funds_listed_before_the_projects_they_pay_for_are_not_projects(tmp_path):
    """等资金的项目: the items are funds (专债), the projects are those they pay for; a front line
    (最前线) is where people work, not a line on a map."""
    _, projects = _extract(tmp_path, "确保使用特别国债、预算内投资、专债等资金的项目发挥效益。骑手奔波在服务的最前线。")
    assert _names(projects) == [], _names(projects)
    _, listed = _extract(tmp_path, "实施东岭电器、西河合作区等新的标志性工程。")
    assert _names(listed) == ["东岭电器", "西河合作区"], _names(listed)


def test_a_company_investing_in_its_plant_is_a_project(tmp_path):
    """A company that opens a sentence about its own investment names the project; its short
    name in a list and its full name are one project."""
    body = ("东岭电器、西河科技等5个内资项目开工。\n"
            "东岭电器（苏州）有限公司是一家家电企业，今年公司总投资6000万元对现有项目进行扩建。\n"
            "南湖物流有限公司负责运营维护。\n")
    _, projects = _extract(tmp_path, body)
    names = _names(projects)
    assert len([n for n in names if n.startswith("东岭电器")]) == 1, names
    assert not [n for n in names if "南湖物流" in n], names  # a company that invests in nothing
    _, alone = _extract(tmp_path, "北山光电科技股份有限公司由某集团控股，计划投资2亿元新建生产线。\n")
    assert [(p.name, p.category) for p in alone] == [("北山光电科技股份有限公司", "industrial_park")]


def test_an_interchange_of_two_classes_of_road_is_no_project(tmp_path):
    """城市主干道与干线公路枢纽立交 is a kind of interchange; 东岭路与西河路互通立交 is one."""
    _, projects = _extract(tmp_path, "加快城市主干道与干线公路枢纽立交建设，提升进出主城区干线公路衔接能力，建设东岭路与西河路互通立交。")
    assert _names(projects) == ["东岭路与西河路互通立交"], _names(projects)


@pytest.mark.parametrize("sentence", ["设区市通高速铁路。", "建成四车道高速公路和双线高铁。", "新建民航机场和分离式立交。",
                                      "打通特长隧道。", "新建民用运输机场和通航机场。", "打造世界级机场。",
                                      "发展虚拟电厂和绿电直连电厂。"])
def test_kinds_of_lines_and_network_goals_are_not_projects(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == [], _names(projects)


def test_where_a_line_meets_another_is_not_part_of_its_name(tmp_path):
    _, projects = _extract(tmp_path, "项目东连东岭至西河高速公路。建设如皋市东岭产业园。")
    assert set(_names(projects)) >= {"东岭至西河高速公路", "如皋市东岭产业园"}, _names(projects)


@pytest.mark.parametrize("sentence, kept", [
    # a class: generic modifiers and everyday words, no word that names one site
    ("建设国家数据标注基地。", []),
    ("打造省级场景实验室。", []),
    ("推进国家大学科技园建设。", []),
    ("新建公办幼儿园。", []),
    ("建设高水平研究型医院。", []),
    ("建设劳动密集型产业园。", []),
    ("新增普惠性幼儿园和高职学校。", []),
    ("建设农批农贸市场。", []),
    ("新改扩建中小学和特殊教育学校。", []),
    ("打造精品景区，建设县级寄递物流中心和口岸型国家物流枢纽。", []),
    ("建设保障性住房和市州级医院。", []),
    ("建设中国考古博物馆。", ["中国考古博物馆"]),  # a national institution is named so
    # a site: everyday words alone may name one, and so does the province's or city's own one
    ("建设科技文化中心。", ["科技文化中心"]),
    ("扩建省人民医院。", ["省人民医院"]),
    # single characters in a row abbreviate a name (中新: China and Singapore)
    ("建设中新绿色科技研究院。", ["中新绿色科技研究院"]),
    # streets and parks are named by everyday words (人民路, 世纪公园): not weighed so
    ("建设国家数据标注公园。", ["国家数据标注公园"]),
])
def test_a_class_named_by_generic_and_everyday_words_is_no_site(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept


@pytest.mark.parametrize("sentence, kept", [
    ("管好东岭大桥，用好西岭公园。", ["东岭大桥", "西岭公园"]),
    ("筹集城中村改造资金，推行中小学课后服务。", []),
])
def test_a_clause_verb_is_no_part_of_the_name_after_it(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept


def test_a_region_named_after_a_route_number_is_not_the_road(tmp_path):
    """G60科创走廊 is a corridor of cities along the expressway; G102线 is the road."""
    _, projects = _extract(tmp_path, "深化G60科创走廊建设，改造G102线。")
    assert _names(projects) == ["G102线"]


@pytest.mark.parametrize("sentence", ["建设高速率光网。", "东岭铁路安徽段全线贯通。"])
def test_words_that_only_look_like_lines_are_none(tmp_path, sentence):
    """高速率 (a high rate) is no expressway; 全线 (the whole line) names none."""
    _, projects = _extract(tmp_path, sentence)
    assert not [p for p in projects if p.name.endswith(("光网", "全线"))]


@pytest.mark.parametrize("sentence, kept", [
    ("东岭师范高等专科学校成功升本。", ["东岭师范高等专科学校"]),  # 等 of 高等 ends no name
    ("推进东岭湖、西岭湖等景区建设。", ["东岭湖景区", "西岭湖景区"]),  # 等 closes the list
    ("据东岭高等级公路建设开发有限公司介绍，西岭高速公路开工。", ["西岭高速公路"]),  # a company
])
def test_etc_inside_a_word_is_no_list(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept


@pytest.mark.parametrize("sentence, kept", [
    ("这给搭乘地铁带来不便，数万公路建设者奋战，建设西岭高铁。", ["西岭高铁"]),
    ("新一轮东岭高速公路扩能改造开工。", ["东岭高速公路"]),
    ("大保、弥蒙等新线投入运营，推进成达万高铁建设。", ["成达万高铁"]),  # abbreviations jieba tags as verbs
])
def test_an_action_before_a_bare_line_word_names_no_line(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert [n for n in _names(projects) if n in kept or n.endswith(("地铁", "公路", "高铁"))] == kept


def test_towns_and_subdistricts_are_no_street_and_news_verbs_end_names(tmp_path):
    """镇街 (a town and its subdistricts) is no street; 路过 and 建议每… end a name."""
    _, projects = _extract(tmp_path, "东岭镇街开展整治，路过西岭果蔬批发市场，建议每所学校配备校医。")
    assert _names(projects) == ["西岭果蔬批发市场"]


def test_a_code_in_brackets_after_a_name_is_its_short_name(tmp_path):
    """论坛(G30): the forum's short name, no expressway; G102线 is the road."""
    _, projects = _extract(tmp_path, "由东岭流通三十人论坛(G30)组织活动，改造G102线。")
    assert _names(projects) == ["G102线"]


def test_a_terminal_of_an_airport_is_a_project_of_its_own(tmp_path):
    """东岭机场T3航站区及配套设施: the word index cuts 航站/区及, yet 及 starts a word of its own."""
    _, projects = _extract(tmp_path, "东岭机场改扩建工程投入使用。推进东岭机场T3航站区及配套设施工程。")
    assert _names(projects) == ["东岭机场", "东岭机场T3航站区"]


def test_a_corridor_is_a_road_only_where_its_course_is_given(tmp_path):
    """西岭南北大通道，北起…: a road; 开放大通道 and 出海大通道: figures of speech."""
    _, projects = _extract(tmp_path, "统筹开放大通道和出海大通道建设。“一纵”是指西岭南北大通道，北起东岭镇，向南经甲县接乙路。")
    assert _names(projects) == ["西岭南北大通道"] and projects[0].category == "highway"


def test_a_count_of_districts_names_no_site(tmp_path):
    """太原六城区小街巷: the lanes of six districts, a class; 东岭巷 is one lane."""
    _, projects = _extract(tmp_path, "整治西岭六城区小街巷，改造东岭巷。")
    assert _names(projects) == ["东岭巷"]


def test_a_list_item_holding_a_common_word_is_not_of_its_class(tmp_path):
    """高速率光网 in a list of infrastructure: 高速 of 高速率 (a high rate) makes no expressway."""
    _, projects = _extract(tmp_path, "加快建设东岭智慧电网、高速率光网等新型基础设施。")
    assert [p.category for p in projects if p.name == "高速率光网"] in ([], ["other"])


@pytest.mark.parametrize("sentence, kept", [
    ("建成世界最长高速公路隧道——东岭胜利隧道。", ["东岭胜利隧道"]),  # a description, a dash, the name
    ("建成亚洲最大专业货运机场东岭国际机场。", ["东岭国际机场"]),  # the description ends in a type word
    ("打造全国最大天然气生产基地。", []),  # a description alone names nothing
    ("建设最高法数据中心。", ["最高法数据中心"]),  # 最高法: the supreme court, no superlative
])
def test_a_superlative_describes_a_project_it_does_not_name_it(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept


@pytest.mark.parametrize("sentence, kept", [
    ("全区首座4F级东岭国际机场通过验收。", ["东岭国际机场"]),  # the grade describes it
    ("推动西岭大峡谷5A级景区创建。", ["西岭大峡谷5A级景区"]),  # a grade after the name stays
])
def test_a_grade_before_a_name_describes_it(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept


@pytest.mark.parametrize("sentence, kept", [
    ("沿线途经东岭经济开发区。", ["东岭经济开发区"]),
    ("守底线，建设西岭公路。", ["西岭公路"]),
    ("北斗导航走不迷路，走好发展之路，建设西岭公路。", ["西岭公路"]),
])
def test_news_verbs_and_figures_of_speech_are_no_names(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept


def test_activities_and_funds_listed_before_a_class_of_works_are_no_sites(tmp_path):
    """月壤采样、火星探测等重大工程 lists what is done; 特别国债、专项债等项目 how it is paid;
    东岭通道 (a link) in such a list is a site."""
    _, projects = _extract(tmp_path, "成果应用于月壤采样、火星探测、载人深潜等国家重大工程。加强特别国债、专项债等项目申报。"
                                     "推进东岭通道、月面采样等重大工程。")
    assert _names(projects) == ["东岭通道"]


@pytest.mark.parametrize("sentence, name", [
    ("建设东岭至西岭高速公路互通立交桥。", "东岭至西岭高速公路互通立交桥"),
    ("改造东岭高速西岭收费站。", "东岭高速西岭收费站"),
])
def test_works_at_one_place_of_a_route_are_points(tmp_path, sentence, name):
    _, projects = _extract(tmp_path, sentence)
    assert [(p.name, p.geom) for p in projects] == [(name, "point")]


@pytest.mark.parametrize("sentence, name", [
    ("请看榜单(排名不分先后) 铁岭高铁站计划于8月份开工。", "铁岭高铁站"),  # an aside, then the name with its place
    ("排名不分先后) 东岭县高铁站计划开工。", "东岭县高铁站"),  # a bracket the name never opened
    ("建设长三角（东岭）康养基地。", "长三角（东岭）康养基地"),  # a bracket that qualifies the name
])
def test_an_aside_in_brackets_before_a_name_is_not_part_of_it(tmp_path, sentence, name):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == [name]


@pytest.mark.parametrize("sentence, kept", [
    ("支持之江实验室建设。", ["之江实验室"]),  # 之 inside a name's word is no stop
    ("打造生态之城，走好发展之路。", []),  # 之 of its own ends a name; …之路 is a figure of speech
])
def test_zhi_ends_a_name_only_as_a_word_of_its_own(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept


def test_offices_events_and_rules_in_a_list_are_no_sites(tmp_path):
    """发改委、财政等部门应对工程类…: offices; 甲代办制、乙服务制等一系列重大项目…: rules; 上海世博会: an event."""
    _, projects = _extract(tmp_path, "发改委、财政、住建等部门应对工程类项目统筹规划。建立重大项目代办制、公安挂牌服务制等一系列重大项目服务机制。"
                                     "借助上海世博会、东岭体育馆等项目带动。精准策划新基建、科技创新等领域重大项目。")
    assert _names(projects) == ["东岭体育馆"]  # (新基建、科技创新等领域…: fields, not projects)


def test_a_list_item_of_common_words_is_a_kind_of_works(tmp_path):
    """国家区域医疗中心, 流域沿线道路: kinds of works in a list of projects; 东岭大街 is one."""
    _, projects = _extract(tmp_path, "推进东岭大街、国家区域医疗中心、流域沿线道路等项目建设。")
    assert _names(projects) == ["东岭大街"]


def test_a_zone_where_new_works_are_counted_is_no_project(tmp_path):
    """东岭高新区新建的最多，有7个：…: the zone holds the parks; 推进西岭新区建设 builds the zone."""
    _, projects = _extract(tmp_path, "东岭高新区新建的最多，有2个：黄龙山公园、九峰溪公园。推进西岭新区建设。")
    assert _names(projects) == ["黄龙山公园", "九峰溪公园", "西岭新区"]


def test_a_promotion_and_a_count_of_households_name_no_site(tmp_path):
    """…博物馆晋级国家一级博物馆: the museum is promoted; 6万户城中村: a count of households."""
    _, projects = _extract(tmp_path, "推动东岭博物馆晋级国家一级博物馆，改造6万户城中村和西岭村城中村。")
    assert _names(projects) == ["东岭博物馆", "西岭村城中村"]


def test_a_kind_of_thing_and_a_bare_type_word_are_works_not_a_site(tmp_path):
    """北岭中学新建教学楼及体育馆: two kinds of building of the school; 装备制造及新型建材产业园 and
    东岭及西岭公园 are one site each."""
    _, projects = _extract(tmp_path, "北岭中学新建教学楼及体育馆。建设装备制造及新型建材产业园和东岭及西岭公园。")
    assert _names(projects) == ["北岭中学", "装备制造及新型建材产业园", "东岭及西岭公园"]


def test_along_the_river_is_no_river_name(tmp_path):
    """北沿江 (the line north along the 长江) is no river: it shares the list's 高铁 like its sibling."""
    _, projects = _extract(tmp_path, "推进北沿江、东岭西岭等高铁建设。")
    assert ("北沿江高铁", "railway") in [(p.name, p.category) for p in projects]


@pytest.mark.parametrize("sentence, kept", [
    ("这涉及东岭研究院的改革。", ["东岭研究院"]),  # 及 of 涉及 ends a verb, it joins nothing
    ("据地铁公司介绍。", []),  # a preposition before a bare type word names nothing
    ("据东岭钢铁研究中心统计。", ["东岭钢铁研究中心"]),
    ("推进呼和浩特东岭草原景区建设。", ["呼和浩特东岭草原景区"]),  # 和 inside a word is no stop
])
def test_function_words_inside_words_do_not_cut_names(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept


def test_weaving_planning_and_letting_verbs_end_a_name(tmp_path):
    """织密…连接线, 统筹安排…中小学 and 让开发区…: a verb's object is a class, no project."""
    _, projects = _extract(tmp_path, "织密公路连接线，统筹安排中小学布局，让开发区回归本位，建设东岭产业园。")
    assert _names(projects) == ["东岭产业园"], _names(projects)


def test_a_circuit_is_no_road(tmp_path):
    """集成电路 ends in 路 but is a circuit: no road is named 西岭集成电路."""
    _, projects = _extract(tmp_path, "推进东岭路建设，引进西岭集成电路项目。")
    assert [p.category for p in projects if p.name == "东岭路"] == ["road"]
    assert not any(p.category == "road" and "电路" in p.name for p in projects), [(p.name, p.category) for p in projects]
    # 销路 (a market for goods) ends in 路 too: 农民不愁销路 names no road
    _, projects = _extract(tmp_path, "让农民不愁销路，推进东岭路建设。")
    assert _names(projects) == ["东岭路"], _names(projects)


def test_a_count_of_rooms_is_a_count(tmp_path):
    """7万间中小学 (classrooms of tens of thousands of schools) is a count, not a school."""
    _, projects = _extract(tmp_path, "改造7万间中小学教室，建设东岭中学。")
    assert _names(projects) == ["东岭中学"], _names(projects)


def test_a_section_of_a_named_line_in_a_list_keeps_its_name(tmp_path):
    """甲乙高铁丙丁段、…等5条高铁: each item already names its line; 高铁 is not added again."""
    _, projects = _extract(tmp_path, "东岭高铁东西段、南岭高铁南北段等5条高铁建成运营。")
    names = _names(projects)
    assert not any(n.endswith("段高铁") for n in names), names
    assert "东岭高铁东西段" in names, names


def test_doing_something_well_ends_a_name(tmp_path):
    """做优东岭新区: the verb 做优 (make better) is no part of the zone's name."""
    _, projects = _extract(tmp_path, "做优东岭新区，打好东河攻坚战。")
    assert "东岭新区" in _names(projects) and not any(n.startswith(("做优", "打好")) for n in _names(projects))


def test_a_phase_in_a_list_does_not_take_the_last_items_type_word(tmp_path):
    """…灌溉二期、东岭高铁: the phase is a work of its own, not a 灌溉二期高铁."""
    _, projects = _extract(tmp_path, "加力建设东岭灌溉二期、西岭高铁等项目，旅客吞吐量增速居省会城市机场首位，投运南岭机场。")
    names = _names(projects)
    assert "西岭高铁" in names and "南岭机场" in names, names
    assert not any(n.endswith("二期高铁") or "居" in n or n.startswith("投运") for n in names), names


def test_a_news_reports_people_and_verbs_are_no_part_of_a_name(tmp_path):
    """A person joined by 与 (张某刚与州医院) is no modifier of a kind, and 追查, 熟知, 承揽 and 承建
    take an object: none of them is part of the name after it."""
    _, projects = _extract(tmp_path, "事后，杨万刚与东岭医院人员考察。在追查西岭医院案件时，陈某成功承揽南岭新区绿化工程。")
    names = _names(projects)
    assert not any(n.startswith(("杨万刚", "追查", "成功承揽", "承揽")) for n in names), names
    assert "南岭新区" in names, names


def test_a_denial_is_no_part_of_the_name_after_it(tmp_path):
    """并非铁岭泰达基地生产: the base is named, 并非 (is not) is the sentence's verb."""
    _, projects = _extract(tmp_path, "事故电梯型号并非铁岭泰达基地生产，但影响不小。")
    assert _names(projects) == ["铁岭泰达基地"]


def test_a_work_reports_figures_of_speech_and_verbs_are_no_names(tmp_path):
    """探新路 (blaze a trail), 修复坑洼路 (mend potholed roads) and 5·18国际博物馆日 (a museum day)
    name no site; 更新改造 (renew) and 位列 (rank among) end a name on its left."""
    _, projects = _extract(tmp_path, "为国家试制度、探新路。修复坑洼路。承办好“5·18国际博物馆日”活动。"
                                     "更新改造复康路等道路。西岭博物院位列国家一级博物馆第一名。建设东岭产业园。")
    names = _names(projects)
    assert "复康路" in names and "东岭产业园" in names, names
    assert not any(n in ("探新路", "新路", "坑洼路", "修复坑洼路") or "博物馆" in n or n.startswith("更新")
                   for n in names), names


def test_a_kind_of_thing_opening_a_quoted_phrase_is_no_site(tmp_path):
    """官网“医院简介”一栏: 医院 opens a page's title in quotes; a quoted name is still a name."""
    _, projects = _extract(tmp_path, "在铁岭县人民医院官网“医院简介”一栏中，记者看到了这句话。建设“西岭产业园”。")
    assert _names(projects) == ["铁岭县人民医院", "西岭产业园"], _names(projects)


@pytest.mark.parametrize("sentence", [
    "东岭公路管理局局长表示，建设西岭产业园。",       # the bureau of the roads, not a road
    "东岭国家公园管理局成立，建设西岭产业园。",
])
def test_an_office_named_after_what_it_runs_is_no_project(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == ["西岭产业园"], _names(projects)


@pytest.mark.parametrize("sentence, kept", [
    ("用于巩固机车、客车、货车和城轨地铁车辆地位，建设东岭产业园。", ["东岭产业园"]),  # kinds of vehicle
    ("最终与东岭医院签订合同。", ["东岭医院"]),      # an adverb before 与 modifies nothing
    ("建设功能和保健食品产业园。", ["功能和保健食品产业园"]),  # a short modifier of a kind still joins
])
def test_what_is_joined_by_and_before_a_name(tmp_path, sentence, kept):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == kept, _names(projects)


# ---------------------------------------------------------------- stretches named without a type word

def test_a_road_named_by_its_stretch_is_a_line_project(tmp_path):
    """A table cell 甲—乙（丙港—丁镇界）（戊段）: the stretch's ends are a creek and a border, so the
    name is a road's; each section is its own project."""
    body = ("叶新—大叶（老黄桥港—叶榭镇界）（泖港段）\n预1 交通委 拓宽改建约7千米道路。\n\n"
            "叶新—大叶（叶榭镇界—奉贤区界）（叶榭段）\n预2 交通委 拓宽改建约11千米道路。\n")
    _, projects = _extract(tmp_path, body)
    assert _names(projects) == ["叶新—大叶（老黄桥港—叶榭镇界）（泖港段）", "叶新—大叶（叶榭镇界—奉贤区界）（叶榭段）"]
    assert all(p.category == "road" and p.geom == "line" for p in projects)


@pytest.mark.parametrize("sentence", [
    "编制城市总体规划（2021—2035年），完善配套。",  # a span of years
    "组织实施学段衔接（小学—初中）改革。",  # ends that are no road's
    "加快推进重点项目（一季度—二季度）开工。",
])
def test_a_bracketed_span_that_is_no_stretch_is_no_project(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert not any("（" in p.name for p in projects)


def test_a_bare_road_and_its_one_section_are_one_project(tmp_path):
    body = "唐津高速公路全长192公里。唐津高速公路（天津南段）工程起于塘沽，止于静海。"
    _, projects = _extract(tmp_path, body)
    assert [p.name for p in projects if p.name.startswith("唐津")] == ["唐津高速公路（天津南段）"]


@pytest.mark.parametrize("sentence,name", [
    ("建设金川有色金属新材料产业园。", "金川有色金属新材料产业园"),  # 有 of 有色 opens a word, it is no stop
    ("推进对外经济贸易大学研究中心建设。", "对外经济贸易大学研究中心"),
])
def test_a_word_opening_with_a_stop_character_stays_in_the_name(tmp_path, sentence, name):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == [name]


@pytest.mark.parametrize("sentence,name", [
    ("用好红色资源，建设好长征国家文化公园（广东段），教育引导群众。", "长征国家文化公园（广东段）"),  # 好: a verb's complement
    ("做好粤东水资源优化配置工程（含龙颈水库扩建）前期工作。", "龙颈水库"),  # （含…）: what the works include
    ("对全省在营食用农产品批发市场开展抽检。", "食用农产品批发市场"),  # 在营: in business
])
def test_a_complement_or_a_cue_before_a_name_is_no_part_of_it(tmp_path, sentence, name):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == [name]


def test_a_verb_opening_a_list_item_is_no_part_of_its_name(tmp_path):
    """甲、改扩建乙等高速公路: 改扩建 is the second item's work, and the list goes on before it."""
    _, projects = _extract(tmp_path, "开工周至至乾县、改扩建西安至永寿等高速公路。")
    assert _names(projects) == ["周至至乾县高速公路", "西安至永寿高速公路"]


def test_places_listed_before_etc_and_di_share_the_class(tmp_path):
    """甲、乙等地零碳园区: 等地 (and other places) closes the list of places, as 等 does."""
    _, projects = _extract(tmp_path, "同步推动海东、海西等地零碳园区、零碳工厂建设。")
    assert _names(projects) == ["海东零碳园区", "海西零碳园区"]


@pytest.mark.parametrize("sentence", [
    "打造“00”号低碳旅游公路，建成精品线路。",  # the number was cut off with its quotes
    "推动铝电产能置换转型升级技改。",
])
def test_a_dangling_classifier_or_a_bare_work_is_no_project(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == []


def test_a_time_word_before_a_lake_s_character_is_part_of_the_name(tmp_path):
    """明月 is tagged a time word, but 明月湖 is a lake's name (明月湖实验室)."""
    _, projects = _extract(tmp_path, "持续支持明月湖实验室发展。")
    assert _names(projects) == ["明月湖实验室"]


def test_a_city_s_station_in_a_list_of_roads_is_a_station(tmp_path):
    """重庆站 among reservoirs and expressways: a city and 站 is a railway station, a point."""
    _, projects = _extract(tmp_path, "建设藻渡水库、重庆站、永自高速荣昌段、垫丰武高速等项目。")
    station = next(p for p in projects if p.name == "重庆站")
    assert station.category == "logistics" and station.geom == "point"


@pytest.mark.parametrize("sentence,name", [
    ("加快中卫天然气支线管网建设。", "中卫天然气支线"),
    ("加快川气东送二线湖北段建设。", "川气东送二线湖北段"),
    ("提速建设藻渡水库、垫丰武高速、复兴油田等项目。", "复兴油田"),
])
def test_gas_lines_and_fields_are_energy_works_not_roads(tmp_path, sentence, name):
    _, projects = _extract(tmp_path, sentence)
    by_name = {p.name: p for p in projects}
    assert by_name[name].category == "energy_utility"


def test_a_railway_s_second_line_stays_a_railway(tmp_path):
    _, projects = _extract(tmp_path, "推进渝怀二线、北仑支线复线建设。")
    assert [(p.name, p.category) for p in projects] == [("渝怀二线", "railway"), ("北仑支线复线", "railway")]


def test_existing_lines_listed_for_context_are_no_projects(tmp_path):
    _, projects = _extract(tmp_path, "铁路建成后，将与现有的兰新铁路及陇海、兰渝、包兰等铁路紧密衔接。")
    assert _names(projects) == []
    _, projects = _extract(tmp_path, "加快建设兰渝、包兰等铁路。")
    assert _names(projects) == ["兰渝铁路", "包兰铁路"]


def test_a_named_memorial_stays_though_its_words_name_a_kind(tmp_path):
    _, projects = _extract(tmp_path, "加快建设关中革命纪念馆。")
    assert _names(projects) == ["关中革命纪念馆"]


@pytest.mark.parametrize("sentence,name,category", [
    ("推进黄蒿界煤矿建设。", "黄蒿界煤矿", "energy_utility"),
    ("建设雷龙湾储气库。", "雷龙湾储气库", "energy_utility"),
    ("开工建设闽赣电力联网工程。", "闽赣电力联网工程", "energy_utility"),
    ("西安国家版本馆投入使用。", "西安国家版本馆", "public_service"),
    ("支持厦门科学城打造高能级平台。", "厦门科学城", "new_town"),
    ("推进平潭国际旅游岛建设。", "平潭国际旅游岛", "scenic_tourism"),
    # a metro line named by words, not a number
    ("福州地铁滨海快线建成通车。", "福州地铁滨海快线", "railway"),
])
def test_works_of_a_provincial_report_are_named(tmp_path, sentence, name, category):
    _, projects = _extract(tmp_path, sentence)
    assert [(p.name, p.category) for p in projects] == [(name, category)]


@pytest.mark.parametrize("sentence", [
    "推进智能化煤矿、非煤矿山建设。", "加快储能电站建设。", "建设燕赵系列实验室。",
    "建设大学科技园和国家骨干冷链物流基地。",
    # a province's name for itself, not a river: no river works in its clause
    "吸引更多企业投资龙江、更多项目落地龙江，加强流域治理。",
])
def test_kinds_programmes_and_nicknames_are_no_project(tmp_path, sentence):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == []


@pytest.mark.parametrize("sentence,names", [
    # a city's ring road shares the expressway word of the name beside it
    ("力争延安东绕城、洛卢高速公路建成通车。", ["延安东绕城高速公路", "洛卢高速公路"]),
    # the word index cuts 深/化石/峁: the verb 深化 still opens no name
    ("深化石峁、太平遗址等考古研究。", ["石峁遗址", "太平遗址"]),
])
def test_enumerations_of_a_provincial_report(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_generic_facility_in_a_counted_list_of_towns_is_located_there(tmp_path):
    _, projects = _extract(tmp_path, "在铁岭县凡河、腰堡、新台子三镇共建康养基地。")
    assert _names(projects) == ["康养基地"]
    _, projects = _extract(tmp_path, "推进建成区绿化。")
    assert _names(projects) == []


@pytest.mark.parametrize("sentence,names", [
    # the first of its kind somewhere describes a project, it does not name one
    ("哈尔滨机场成为东北地区首个双跑道运行机场。", ["哈尔滨机场"]),
    # 合作 right before its type word says what kind of park; alone it names none
    ("19个项目落地沪明临港产业园、广龙合作产业园。", ["沪明临港产业园", "广龙合作产业园"]),
    ("深化合作产业园建设。", []),
])
def test_descriptions_and_kinds_before_a_type_word(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


@pytest.mark.parametrize("sentence,names", [
    ("推进山阳、勉县等6个抽水蓄能项目建设。", ["山阳抽水蓄能项目", "勉县抽水蓄能项目"]),
    # a class that names no kind of works, or places where things happen, makes no project
    ("推进铁岭、开原等12个项目建设。", []),
    ("支持沈阳、大连等地建设产业园。", []),
])
def test_a_list_of_places_closed_by_a_kind_of_works(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names
    assert all(p.category == "energy_utility" for p in projects)


def test_routes_a_list_names_by_their_ends_take_the_class_of_their_heading(tmp_path):
    body = "宣威至富源93公里、兴义至富源约95公里、陆良西桥至马龙马鸣48公里。"
    _, projects = _extract(tmp_path, body, heading="一、新建8条高速公路")
    assert [(p.name, p.category, p.geom) for p in projects] == [
        ("宣威至富源", "highway", "line"), ("兴义至富源", "highway", "line"), ("陆良西桥至马龙马鸣", "highway", "line")]
    assert projects[0].endpoints == ["宣威", "富源"]
    # …or of the class that closes the list; two items run together are none
    _, projects = _extract(tmp_path, "开工建设抚州至吉安、寻乌至全南、资溪花山界至里木以及昌樟扩建等3个铁路项目。")
    assert [(p.name, p.category) for p in projects] == [("抚州至吉安", "railway"), ("寻乌至全南", "railway")]
    # places joined by 至 with no route class around them are no routes
    _, projects = _extract(tmp_path, "我们去过北京至上海、广州至深圳等地。")
    assert _names(projects) == []


def test_routes_a_list_names_by_abbreviation_and_course(tmp_path):
    body = "公路方面，规划形成高速路网布局。\n六横：沿河至南川(沿河-务川-道真-南川)、遵施(播州-余庆-施秉)、杭瑞(毕节-遵义-德江)。"
    _, projects = _extract(tmp_path, body)
    by_name = {p.name: p for p in projects}
    assert set(by_name) == {"沿河至南川", "遵施", "杭瑞"}
    assert by_name["遵施"].endpoints == ["播州", "余庆", "施秉"] and by_name["遵施"].category == "highway"


@pytest.mark.parametrize("sentence,names", [
    # the count says how many items share the class
    ("规划渝黔、泸遵怀两条高速铁路，预留郑贵高速铁路通道。", ["渝黔高速铁路", "泸遵怀高速铁路", "郑贵高速铁路"]),
    ("规划川黔、遵马两条普速铁路。", ["川黔普速铁路", "遵马普速铁路"]),
    ("完成铁岭、开原两个县的公路建设。", []),
    # 和 joins the last short item of a list that shares a bare class
    ("3个A1级通用机场包括播州、赤水和正安通用机场。", ["播州通用机场", "赤水通用机场", "正安通用机场"]),
    ("促进国家农高区、国家农创中心和生物育种钟山实验室协同创新。", ["生物育种钟山实验室"]),
    # ports of a list closed by 港口 (遵义 is no verb 遵); a class beside a name is not part of it
    ("重点建设遵义港、赤水港等重要港口和支流库区码头。", ["遵义港", "赤水港"]),
])
def test_lists_of_a_city_transport_plan(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


@pytest.mark.parametrize("sentence,names", [
    # water diversions named by source and target; 引 of a common verb, or of tourists, opens none
    ("引绰济辽工程实现全线通水。", ["引绰济辽工程"]),
    ("加快引大济湟、引黄济宁工程建设。", ["引大济湟", "引黄济宁工程"]),
    ("积极引进济南企业，推动引客入川。", []),
    # ports of entry and bonded zones; a rank word between 等 and the class; 其 inside 甘其毛都
    ("实施满洲里、甘其毛都、策克等重点口岸提升工程。", ["满洲里口岸", "甘其毛都口岸", "策克口岸"]),
    ("推进呼和浩特、鄂尔多斯综保区建设。", ["呼和浩特综保区", "鄂尔多斯综保区"]),
    ("建设巴彦淖尔国家农高区。", ["巴彦淖尔国家农高区"]),
    # a port of entry is no name of the railway or road it serves; a road beside a port is none of its kind
    ("加快磨憨铁路口岸建设。", ["磨憨铁路"]),
    ("建成深中通道、黄茅海通道、青茂口岸等互联互通工程。", ["深中通道", "黄茅海通道", "青茂口岸"]),
    ("积极参与沈阳现代化都市圈口岸合作。", []),
    # a footnote mark is no part of a name
    ("推进[7]湟水山水工程。", ["湟水山水工程"]),
])
def test_works_of_border_and_dry_provinces(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_long_heading_that_mentions_aims_in_passing_heads_works(tmp_path):
    body = "高质量建设鄂尔多斯国家现代煤化工产业示范区。"
    _, projects = _extract(tmp_path, body, heading="一、深化落实党中央赋予的五大战略定位和使命任务")
    assert _names(projects) == ["鄂尔多斯国家现代煤化工产业示范区"]
    _, projects = _extract(tmp_path, body, heading="一、战略定位")
    assert _names(projects) == []


@pytest.mark.parametrize("sentence,names", [
    # 如 inside a list item (、松如沟) stops nothing; 电网工程 ends at 工程 though the word index joins 工程建设
    ("推进卡阳、松如沟等14个750千伏电网工程建设。", ["卡阳750千伏电网工程", "松如沟750千伏电网工程"]),
    ("加快琼西北供水工程建设。", ["琼西北供水工程"]),
    # …while one character after a comma before a stop is a word of the clause (还是)
    ("患者最终，还是湘雅医院收治。", ["湘雅医院"]),
])
def test_stops_and_word_boundaries_inside_list_items(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


@pytest.mark.parametrize("sentence,names", [
    # one archaeological park per item, not a site and a park
    ("推进大地湾、大堡子山、锁阳城等国家考古遗址公园建设。",
     ["大地湾国家考古遗址公园", "大堡子山国家考古遗址公园", "锁阳城国家考古遗址公园"]),
    # power sent from one province to another, each by its 简称
    ("加快陇电入鲁工程建设，推进陇电入浙、陇电入川工程前期工作。", ["陇电入鲁工程", "陇电入浙", "陇电入川工程"]),
    ("推动用电入户。", []),
])
def test_parks_and_power_lines_of_a_provincial_report(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_place_ending_in_te_before_etc_closes_a_list(tmp_path):
    """特等 is a word (special grade), but in 二连浩特等口岸 特 ends the place and 等 closes the list."""
    _, projects = _extract(tmp_path, "在二连浩特等口岸开展改革。")
    assert _names(projects) == ["二连浩特口岸"]
    _, projects = _extract(tmp_path, "建设拉萨师范高等专科学校。")
    assert _names(projects) == ["拉萨师范高等专科学校"]


@pytest.mark.parametrize("sentence,names", [
    # a stage word between 等 and the class keeps the list
    ("加快黄百等4个在建铁路项目建设。", ["黄百铁路"]),
    # power for a province, said by the colloquial 简称 of where it comes from
    ("推进疆电入湘工程。", ["疆电入湘工程"]),
    # sizes by output and kinds of bridge and school name no site
    ("打造3个千亿级开发区，改造危桥，完善农村中小学幼儿园。", []),
    ("建设平安大街。", ["平安大街"]),
])
def test_a_second_round_of_provincial_reports(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_mountain_beside_a_place_shares_an_area_designation(tmp_path):
    _, projects = _extract(tmp_path, "推进祁连山、若尔盖国家公园建设。")
    assert _names(projects) == ["祁连山国家公园", "若尔盖国家公园"]


@pytest.mark.parametrize("sentence,names", [
    # 港 is a port before its works…
    ("宜常高铁及虞公港二期开工建设。", ["宜常高铁", "虞公港二期"]),
    ("富宁港千吨级船舶通江达海。", ["富宁港"]),
    # …and a creek or a town elsewhere
    ("上跨油墩港，建设泖港大桥。", ["泖港大桥"]),
])
def test_a_port_only_before_its_works(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


# ---------------------------------------------------------------- news reports of 2011 (annotated round)

@pytest.mark.parametrize("sentence,names", [
    # a list's class description (a rank, whom a line serves) is no part of an item's name
    ("今年，甲省雅康、汶马等2条藏区高速公路将开工建设。", ["甲省雅康高速公路", "汶马高速公路"]),
    ("推进凤凰山、白云湖等3个省级森林公园建设。", ["凤凰山森林公园", "白云湖森林公园"]),
    # …but a weak type word keeps the rank that makes its item a designated park
    ("深化数据谷等省级数字经济园区建设。", ["数据谷省级数字经济园区"]),
    # a part of the country before a network class names a network
    ("形成辐射范围更广的西部铁路运输网络。", []),
    ("加快东部新城建设。", ["东部新城"]),
    # a goal of a whole trip by expressway, not a road
    ("建成后成都至九寨沟全程高速，5小时可达。", []),
    # a city's ring road beside a bridge is a road of its own, not a bridge of the bridge's name
    ("过境车辆通过东外环、明州大桥等周边道路绕行。", ["东外环", "明州大桥"]),
    # roads that meet where the works are, cited for where
    ("该路段地处两区交界，环城北路、宁镇公路、中官路等干线在此交汇，环境整治难度大。", []),
])
def test_lists_and_goals_of_news_reports(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_stretch_of_a_national_road_ending_at_a_bridge_is_that_road(tmp_path):
    """…交通——329国道甲隧道北口至乙桥大修工程: the description before the dash is cut, and the
    stretch is a highway drawn as a line, not a bridge."""
    _, projects = _extract(tmp_path, "困扰多年的“北大门”交通——329国道长山隧道北口至王庙桥大修工程将在5月开工。")
    assert [(p.name, p.category, p.geom) for p in projects] == [("329国道长山隧道北口至王庙桥", "highway", "line")]
    _, projects = _extract(tmp_path, "建设兰州——成都高速公路。")
    assert _names(projects) == ["兰州——成都高速公路"]  # a unit before the dash is a route's end


def test_a_junction_with_an_unnamed_first_road_keeps_only_its_own_name(tmp_path):
    _, projects = _extract(tmp_path, "甲乙高速止于风坪坝，与汶马高速公路设Y型枢纽互通式立交。")
    assert "汶马高速公路" in _names(projects)
    assert not [n for n in _names(projects) if n.startswith("与") or "设Y" in n]


@pytest.mark.parametrize("body,groups", [
    # a line named by its ends and by the first characters of its ends is one project
    ("4月27日，厦门至沙县高速公路三明段开工。厦沙高速公路三明段长81公里。",
     [("厦门至沙县高速公路三明段", ["厦沙高速公路三明段"])]),
    ("抚州至吉安高速公路征地动员。抚吉高速公路是龙头项目，抚吉高速投资91亿元。",
     [("抚州至吉安高速公路", ["抚吉高速公路", "抚吉高速"])]),
    ("建设映秀—汶川高速公路。映汶高速年内通车。", [("映秀—汶川高速公路", ["映汶高速"])]),
])
def test_a_line_named_by_its_ends_and_by_their_abbreviation_is_one_project(tmp_path, body, groups):
    _, projects = _extract(tmp_path, body)
    assert [(p.name, sorted(p.aliases)) for p in projects if p.category == "highway"] == \
        [(name, sorted(aliases)) for name, aliases in groups]


def test_two_lines_whose_ends_abbreviate_alike_stay_apart(tmp_path):
    _, projects = _extract(tmp_path, "建设南京至安庆铁路、南昌至安庆铁路，规划南安铁路。")
    assert sorted(_names(projects)) == ["南京至安庆铁路", "南安铁路", "南昌至安庆铁路"]


@pytest.mark.parametrize("sentence,names", [
    # routes listed by their ends after the clause's verb, the last joined by 以及
    ("今年要开工建设井冈山夏坪至睦村、抚州至吉安、寻乌至全南、资溪花山界至里木以及昌樟扩建、昌九扩建6个高速公路项目。",
     ["井冈山夏坪至睦村", "抚州至吉安", "寻乌至全南", "资溪花山界至里木"]),
    # one route standing for a counted list, in a sentence of one class
    ("公路方面，新开工晏城至表白寺等2个项目，建成通车济南至宁津等5个项目。", ["晏城至表白寺", "济南至宁津"]),
    # a stretch's own verb and time are no part of it
    ("徐家磨至古浪高速公路，预计11月底贯通徐家磨至乌鞘岭路段100公里，明年底贯通乌鞘岭至古浪路段。",
     ["徐家磨至古浪高速公路", "徐家磨至乌鞘岭路段", "乌鞘岭至古浪路段"]),
])
def test_routes_listed_by_their_ends_in_reports(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names
    assert all(p.category == "highway" for p in projects)


@pytest.mark.parametrize("sentence,names", [
    # heat sent from one city to another (聊城 heats 济南); 供热入户 names no city
    ("“聊热入济”全线贯通投用。", ["聊热入济"]),
    ("推进供热入户。", []),
    ("建设潍坊国家农综区。", ["潍坊国家农综区"]),
    # a list closed by an ellipsis and a part of a district with its count of projects
    ("东方研发中心二期项目、南山研发中心四期项目……海淀北部15个重大产业项目今年将开工。",
     ["东方研发中心二期项目", "南山研发中心四期项目"]),
])
def test_transfers_zones_and_lists_of_projects(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_news_sites_channel_label_is_no_part_of_a_name(tmp_path):
    _, projects = _extract(tmp_path, "天津频道 海尔（天津）市场创新产业园区一期将于本月开工。")
    assert _names(projects)[0].startswith("海尔")


def test_routes_listed_by_ends_joined_by_dashes_take_the_class_before_them(tmp_path):
    _, projects = _extract(tmp_path, "今年计划开工的11个高速公路项目有神池-河曲、左权-黎城等6个项目工程已批复，"
                                     "有长治-临汾、黎城-长治拓宽等4个项目的环评已批复。")
    assert [(p.name, p.category, p.geom) for p in projects] == [
        ("神池-河曲", "highway", "line"), ("左权-黎城", "highway", "line"),
        ("长治-临汾", "highway", "line"), ("黎城-长治", "highway", "line")]


@pytest.mark.parametrize("sentence,names", [
    # a highway's stretch by its ends in brackets is part of its name; where it starts is no project
    ("唐津高速公路（津塘公路-荣乌高速）起自津塘公路互通式立交，止于荣乌高速。", ["唐津高速公路（津塘公路-荣乌高速）"]),
    # 接 opening a clause: the road a project runs on to, cited
    ("工程起于中心桥，接唐津高速公路天津北段，止于王官屯，接津沧高速公路。", []),
    # a second line of a national road is a highway
    ("329复线黄家埠至牟山段工程今年底也将完成。", ["329复线黄家埠至牟山段"]),
    ("可超过世界上高速公路密度最大的国家。", []),
])
def test_stretches_and_cited_roads_of_news_reports(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names
    assert all(p.category == "highway" for p in projects)


def test_a_numbered_road_named_bare_beside_its_one_section_is_that_section(tmp_path):
    _, projects = _extract(tmp_path, "开工建设省道301线供加至班戈段。其中包括省道301线供加至班戈以及革吉通县油路。")
    assert _names(projects) == ["省道301线供加至班戈段", "革吉通县油路"]
    # a named line beside a section of it stays apart: the plan may speak of the whole line
    _, projects = _extract(tmp_path, "加快沪昆高速公路扩容。沪昆高速公路贵州段年内通车。")
    assert sorted(_names(projects)) == ["沪昆高速公路", "沪昆高速公路贵州段"]


def test_one_stretch_of_a_numbered_road_written_from_either_end_is_one_project(tmp_path):
    _, projects = _extract(tmp_path, "329国道长山隧道北口至王庙桥大修工程将在5月开工。具体实施范围为329国道镇海段王庙桥—长山隧道，全长2.4公里。")
    assert len([p for p in projects if p.category == "highway"]) == 1
    # other ends are another stretch
    _, projects = _extract(tmp_path, "329国道长山隧道至王庙桥段大修。329国道王庙桥至东港段改造。")
    assert len([p for p in projects if p.category == "highway"]) == 2


@pytest.mark.parametrize("sentence,names", [
    # which stretches (重点路段) is no named section: the road is the project
    ("投资5亿多对京藏高速重点路段进行扩能改造。", ["京藏高速"]),
    # a junction named only by its shape and role, and big and small zones together, name no site
    ("设Y型枢纽互通式立交。", []),
    ("大小开发区并存。", []),
])
def test_generic_sections_junctions_and_zones(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


@pytest.mark.parametrize("sentence,names", [
    # where a person works, an address, a product of the kind and car models name no project
    ("甲大学物流研究中心研究员李某介绍。", []),
    ("乙科技大学医学院教授王某指出。", []),
    ("再运至丙公司在上海赵重公路1296号的仓库。", []),
    ("形成10000辆/年重载快捷铁路货车产能。", []),
    ("如威麟G5、G6等车型颇有竞争优势。", []),
    ("改造G352蓬安过境段。", ["G352蓬安过境段"]),
    # kinds of plant and institution in a news report, and a copula closing a list of examples
    ("停止向国内风能发电厂进行补贴，海上风电场成本较高。", []),
    ("其余主要货运线路如京广、京哈等仅为准重载铁路。", []),
    ("王某要求市、临港新城、璜土镇三级联动。", ["临港新城"]),
    # a river's dike and flood storage works
    ("荆江大堤综合整治工程，堤防全长182公里。", ["荆江大堤"]),
    ("洪湖分洪区东分块蓄洪工程，围堤总长155公里。", ["洪湖分洪区东分块蓄洪工程"]),
])
def test_what_news_reports_cite_and_water_works(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_short_name_a_bracket_gives_is_that_project_wherever_it_is_used(tmp_path):
    _, projects = _extract(tmp_path, "10年前，他担任湘西州人民医院（下文简称“州医院”）副院长。次年，州医院开工建设门诊楼。")
    assert _names(projects) == ["湘西州人民医院"]
    _, projects = _extract(tmp_path, "加快G75（兰海高速）扩容。兰海高速年内通车。")
    assert len(projects) == 1 and "G75" in [projects[0].name, *projects[0].aliases]


@pytest.mark.parametrize("sentence,names", [
    # the site of a train service, zones of opening and cooperation, metal mines
    ("加快中欧班列广州集结中心建设。", ["中欧班列广州集结中心"]),
    ("开行中欧班列。", []),
    ("增强塔城重点开发开放试验区产业集聚能力。", ["塔城重点开发开放试验区"]),
    ("加力推进深汕特别合作区、广清经济特别合作区建设。", ["深汕特别合作区", "广清经济特别合作区"]),
    ("大红柳滩锂铍矿、火烧云铅锌矿加快建设。", ["大红柳滩锂铍矿", "火烧云铅锌矿"]),
])
def test_sites_zones_and_mines_of_work_reports(tmp_path, sentence, names):
    _, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


@pytest.mark.parametrize("sentence,names", [
    # sections listed after a named one share its line, put back
    ("推进东岭高速公路甲城段、乙城段改扩建。", ["东岭高速公路甲城段", "东岭高速公路乙城段"]),
    ("完成东岭绿道甲村段、183号路段、乙桥段等3个项目建设。", ["东岭绿道甲村段", "东岭绿道183号路段", "东岭绿道乙桥段"]),
    # an item with a line of its own keeps it
    ("建成东岭高速公路甲城段、西岭高速公路乙城段。", ["东岭高速公路甲城段", "西岭高速公路乙城段"]),
    # a rapid railway is a line of its own kind (not 快速 + 铁路)
    ("东岭快速铁路进展顺利。", ["东岭快速铁路"]),
    # a river of a named city
    ("推进文昌市文昌河综合整治工程。", ["文昌市文昌河"]),
])
def test_names_from_lists_and_kinds(tmp_path, sentence, names):
    _plan_, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


@pytest.mark.parametrize("sentence", [
    "由120kph普速铁路提升至160kph快速铁路。",  # classes of line by their speed
    "建设时速350公里高铁。",
    "开展重大项目集中开工视频连线活动。",  # a video call, not a link road
])
def test_speeds_and_video_calls_are_no_lines(tmp_path, sentence):
    _plan_, projects = _extract(tmp_path, sentence)
    assert _names(projects) == []


def test_a_companys_works_in_a_list_of_projects_are_named_whole(tmp_path):
    sentence = ("开工项目共有3个，分别是：东岭建材有限公司年产砂浆32万吨建设项目、东岭第二污水处理厂工程、"
                "西岭牧业有限公司生猪养殖示范基地。")
    _plan_, projects = _extract(tmp_path, sentence)
    names = _names(projects)
    assert "东岭建材有限公司年产砂浆32万吨建设项目" in names and "西岭牧业有限公司生猪养殖示范基地" in names
    assert "生猪养殖示范基地" not in names
    # a service bought from a company is no works
    _plan_, projects = _extract(tmp_path, "中标项目有：东岭科技有限公司办公设备采购项目、甲项目、乙项目。")
    assert not any("有限公司" in n for n in _names(projects))


def test_a_name_listed_inside_brackets_does_not_keep_the_closing_bracket(tmp_path):
    text = ("五、琼海市政府\n（一）重点项目（5个）。\n2.续建项目（3个）：琼海东岭半岛旅游度假区项目（包括东岭酒店、西岭会所）、"
            "琼海西岭湾旅游度假区项目（包括东岭小镇、西岭酒店）、琼海南岭湾旅游开发项目。\n")
    _plan_, projects = _extract(tmp_path, text)
    names = _names(projects)
    assert {"西岭会所", "西岭酒店"} <= set(names) and not any(n.endswith(("）", ")")) for n in names)


@pytest.mark.parametrize("sentence,names", [
    # numbered lines listed after a city's named metro line are that city's
    ("续建东岭地铁四号线、二号线南延线和三号线。", ["东岭地铁四号线", "东岭地铁二号线南延线", "东岭地铁三号线"]),
    ("开工建设东岭地铁1号线三期、2号线一期。", ["东岭地铁1号线三期", "东岭地铁2号线一期"]),
])
def test_numbered_lines_listed_after_a_metro_line_share_its_head(tmp_path, sentence, names):
    _plan_, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_expressways_and_fast_roads_as_a_class_are_no_project(tmp_path):
    _plan_, projects = _extract(tmp_path, "续建东岭隧道等3条高快速路。")
    assert "高快速路" not in _names(projects)


@pytest.mark.parametrize("sentence,names", [
    # a numbered line's stretch, and stretches of numbered lines listed after it
    ("推进东岭地铁22号线甲城段建设。", ["东岭地铁22号线甲城段"]),
    ("东岭地铁4号线北段、7号线一期南段建成通车。", ["东岭地铁4号线北段", "东岭地铁7号线一期南段"]),
    # plants by their yearly output, listed
    ("开工东岭通年产50万吨建筑新材料项目、西岭化肥业年产15万吨生物肥料项目、南岭环保新建年产2000吨包装项目。",
     ["东岭通年产50万吨建筑新材料项目", "西岭化肥业年产15万吨生物肥料项目", "南岭环保新建年产2000吨包装项目"]),
    # a one-character type word may end a name before 规划建设 (a line being planned and built)
    ("推动东岭地铁M102线规划建设。", ["东岭地铁M102线"]),
    # a neighbourhood centre and a culture and sports centre are facilities
    ("建成东岭镇文化体育活动中心、西岭邻里中心。", ["东岭镇文化体育活动中心", "西岭邻里中心"]),
    # a national road with and without its class letter is one road
    ("实施G205国道拓宽改建项目，205国道改建年内完成。", ["G205国道"]),
])
def test_lines_plants_and_centres(tmp_path, sentence, names):
    _plan_, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_line_by_its_ends_named_as_a_project_is_its_abbreviation_too(tmp_path):
    # 白河 ends in a river's character: the river does not swallow the railway after it as a section
    text = "沈阳至白河高速铁路项目辽宁段控制工程举行开工仪式。加快沈白高铁建设。"
    _plan_, projects = _extract(tmp_path, text)
    assert [(p.name, p.category) for p in projects] == [("沈阳至白河高速铁路", "railway")]
    assert "沈白高铁" in projects[0].aliases


@pytest.mark.parametrize("sentence,names", [
    # a line's section ends its name, whatever follows
    ("推动东岭地铁22号线甲城段基本具备开通条件。", ["东岭地铁22号线甲城段"]),
    # a session of a congress (二十届二中全会) is no school
    ("学习贯彻党的二十大和二十届二中、三中全会精神。", []),
    # a network of lines around a city is no line
    ("推进以东岭为中心城际轨道交通网建设。", []),
])
def test_sections_sessions_and_networks(tmp_path, sentence, names):
    _plan_, projects = _extract(tmp_path, sentence)
    assert _names(projects) == names


def test_a_two_character_river_is_named_with_its_works(tmp_path):
    """蒲河 alone is a river; the project is 蒲河河道治理 (the gold convention for an enumeration's
    item with its shared works), and the river's own name stays an alias to find it by."""
    _plan_, projects = _extract(tmp_path, "实施拉马河、蒲河、万泉河河道治理。推进嫩江干流应急治理工程。")
    by_name = {p.name: p for p in projects}
    assert {"拉马河", "蒲河河道治理", "万泉河", "嫩江干流应急治理"} <= set(by_name)
    assert "蒲河" in by_name["蒲河河道治理"].aliases
