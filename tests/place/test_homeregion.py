"""The home region: decided from the whole document, with its reasons."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import require_folder
from planmap.place.homeregion import decide_home_region, find_home_region, scan_mentions

EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval"


def _doc(name: str) -> Path:
    for folder in (EVAL.parent / "seeds", EVAL / "dev_docs"):
        if (folder / name).is_file():
            return folder / name
    pytest.fail(f"{name} not found under {EVAL.parent}")


def test_gold_home_regions():
    """Every document with gold gets the home region home_regions.csv expects."""
    from planmap.plan import read_plan

    require_folder(EVAL, "evaluation set (expected ../shared/eval next to the repo)")
    with open(EVAL / "home_regions.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 14
    wrong = []
    for row in rows:
        plan = read_plan(_doc(row["doc"]))
        got = plan.home_region.adcode if plan.home_region else None
        if got not in row["accept"].split("|"):
            wrong.append((row["doc"], got, row["adcode"]))
    assert not wrong


def test_a_short_name_inside_a_word_is_no_place():
    # 大通 (大通区, Anhui) inside 大通道
    assert not [m for m in scan_mentions("青岛公布交通规划，建两纵两横大通道", "title") if m.text == "大通"]
    region = find_home_region("青岛公布交通规划 建两纵两横大通道\n青岛市将建设胶州湾高速。\n")
    assert region is not None and region.adcode == "370200"


def test_a_short_name_glued_to_a_longer_name_hardly_counts():
    text = ("平陆运河建设提前完成年度任务。桂林两江机场扩建工程竣工。南宁至玉林城际铁路建成。"
            "蒙山、富川等8个县通了高速公路。钦州、梧州新建港口。")
    pinglu = [m for m in scan_mentions(text, "body") if m.text == "平陆"]
    assert pinglu and pinglu[0].kind == "modifier" and pinglu[0].weight < 0.5
    decision = decide_home_region(text)
    assert decision.region.adcode == "450000"  # places spread over 广西: the province
    assert any("平陆" in r for r in decision.reasons)  # dropped, and said so


def test_an_everyday_word_is_no_short_name():
    # 通道 (通道侗族自治县) is a verb-noun in jieba's dictionary; 南部 a direction
    assert not [m for m in scan_mentions("川渝省际铁路、水路通道达到28条", "body") if m.text == "通道"]


def test_a_development_zone_stands_for_its_host_district():
    decision = decide_home_region("苏州高新区投资120亿开展20个重点项目\n高新区重点工业项目开工。\n")
    assert decision.region.adcode == "320505"
    assert "虎丘区" in decision.reasons[0]


def test_a_municipality_is_itself():
    text = "重庆成渝中线高铁和渝西高铁加快建设\n渝宜高铁（重庆—宜昌）、綦江至万盛段、南川改造工程年内推进。\n"
    assert find_home_region(text).adcode == "500000"


def test_a_city_plan_keeps_its_city_when_the_province_is_named():
    text = ("印发了城市建设投资计划\n阜阳高铁站计划开工。阜阳图书馆总投资2.6亿元。阜阳市全市推进，"
            "颍州区、颍东区和颍泉区各建一座公园。安徽省重点项目。\n")
    assert find_home_region(text).adcode == "341200"


def test_title_names_the_deepest_unit():
    assert find_home_region("浙江永康今年投入2800万元改造农村公路\n永康市今年的农村公路整治。\n").adcode == "330784"


def test_no_place_no_home():
    decision = decide_home_region("加快推进重点项目建设。\n")
    assert decision.region is None and decision.reasons


def test_the_document_number_names_the_issuer():
    text = "关于加快重点项目建设的通知\n各市人民政府：\n沈阳市、大连市、鞍山市和铁岭市要加快建设，全省统筹推进。\n"
    assert find_home_region(text).adcode == "210000"  # places spread over 辽宁
    decision = decide_home_region(text, doc_number="铁政发〔2021〕3号")
    assert decision.region.adcode == "211200" and "铁政发" in decision.reasons[-1]
    assert decide_home_region(text, doc_number="辽政发〔2021〕3号").region.adcode == "210000"
    # an abbreviation several units share (新民市, 新宾县, 新抚区…) says nothing
    assert decide_home_region(text, doc_number="新政发〔2021〕3号").region.adcode == "210000"


def test_two_provinces_named_equally_give_no_home():
    """A news page naming one city of each of two provinces once is nobody's plan."""
    text = "手机采购规模创新高\n厂商在广州举行发布会，随后又在石家庄签约。\n"
    decision = decide_home_region(text)
    assert decision.region is None
    assert any("no home region" in r for r in decision.reasons)


def test_a_province_named_more_than_the_others_is_home():
    text = "装备采购\n石家庄签约后，保定、唐山相继跟进，广州也表示关注。\n"
    assert find_home_region(text).adcode[:2] == "13"


def test_a_short_name_after_a_determiner_is_a_common_noun():
    # 大厂 (大厂回族自治县) after 这些 / 等 means big manufacturers
    text = "三星、联想等大厂纷纷入场，这些大厂的订单增长较快"
    assert not [m for m in scan_mentions(text, "body") if m.text == "大厂"]


def test_a_clear_plurality_is_home_without_a_majority():
    """A province named four times against four others named once each leads by four times."""
    text = ("工作报告\n石家庄、保定、唐山、邯郸加快建设，并与广州、南京、杭州、成都加强合作。\n")
    assert find_home_region(text).adcode[:2] == "13"


def test_one_short_name_in_the_text_alone_is_no_home():
    """各位来宾 greets guests; one short name with no place in the title is too little."""
    text = "论坛开幕\n" + "会议讨论了发展规划和改革举措。\n" * 12 + "主持人说：各位来宾，大家好。\n"
    decision = decide_home_region(text)
    assert decision.region is None and "no home region" in decision.reasons[-1]
    # two mentions, or one full name, or a title or opening naming it, still make a home
    assert find_home_region("论坛开幕\n来宾发展规划印发，来宾加快建设。\n").adcode == "451300"
    assert find_home_region("论坛开幕\n来宾市加快建设。\n").adcode == "451300"
    assert find_home_region("来宾重点项目\n加快建设。\n").adcode == "451300"


def test_a_district_named_by_a_common_noun_counts_only_after_its_city():
    # 新老城区 / 老城区: the new and the old town, not 洛阳's 老城区
    text = "加快新老城区道路建设。建设老城区城市广场，改造老城区背街小巷。老城区管网改造。\n"
    region = find_home_region(text)
    assert region is None or region.adcode != "410302"
    # once named after its city, its bare mentions mean it (西安's, not 呼和浩特's 新城区)
    text = ("西安市新城区今年开工十个重大项目。新城区将打通断头路。新城区文体中心开工。"
            "新城区棚户区改造启动。新城区社区广场建成。\n")
    assert find_home_region(text).adcode == "610102"


def test_a_unit_qualifying_its_own_child_is_not_counted_apart():
    decision = decide_home_region("河北廊坊市集中开工一批项目。\n")
    assert [m.text for m in decision.mentions if m.where == "body"] == ["廊坊市"]


def test_the_towns_a_text_names_vote_for_their_county():
    text = "启动农贸市场建设。龙场镇、乐治镇、维新镇、张家湾镇开展示范镇建设。\n"
    decision = decide_home_region(text)
    assert decision.region is not None and decision.region.adcode == "520525"  # 纳雍县
    assert any("towns named" in r for r in decision.reasons)
    # one town is no evidence: town names repeat across China
    assert find_home_region("龙场镇开展示范镇建设。\n") is None or \
        find_home_region("龙场镇开展示范镇建设。\n").adcode != "520525"


def test_a_line_opening_at_a_section_number_is_no_title():
    from planmap.place.homeregion import document_parts

    assert document_parts("三、甲市政府\n（一）重点项目。\n")[0] == ""
    assert document_parts("（二）重点项目\n甲。\n")[0] == ""
    assert document_parts("甲市重点项目名单\n一、交通\n")[0] == "甲市重点项目名单"
