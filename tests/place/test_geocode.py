"""Offline geocoding: priors, ambiguity, routes, and honest precision."""
from __future__ import annotations

import pytest
from shapely.geometry import Point

from planmap.join.regions import assign_regions
from planmap.models import Plan, Project, Region
from planmap.place.geocode import Geocoder, locate


def _plan(adcode: str, name: str, level: str) -> Plan:
    return Plan(id="t", path="t.txt", format="txt", encoding="utf-8", title="", issuer="", date=None,
                doc_number="", home_region=Region(adcode, name, level), text="", original_text="")


def _project(name: str, evidence: str = "", category: str = "other", geom: str = "point", **kw) -> Project:
    return Project(name=name, category=category, geom=geom, plan="t", section="", evidence=evidence or name,
                   span=(0, len(name)), **kw)


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder()


def test_town_in_name_places_it_in_its_county(geocoder):
    p = geocoder.place(_project("铁岭县腰堡镇通用机场", category="airport"), _plan("211200", "铁岭市", "city"))
    assert p.counties == ["211221"]
    assert p.precision in ("town", "county")


def test_short_name_is_read_inside_the_home_province(geocoder):
    liaoning = geocoder.units_in("朝阳", Region("210000", "辽宁省", "province"))
    assert [u.adcode for _, _, u in liaoning] == ["211300"]
    beijing = geocoder.units_in("朝阳", Region("110000", "北京市", "province"))
    assert [u.adcode for _, _, u in beijing] == ["110105"]


def test_generic_zone_resolves_inside_the_home_region(geocoder):
    benxi = geocoder.place(_project("高新区"), _plan("210503", "溪湖区", "county"))
    xinxiang = geocoder.place(_project("高新区"), _plan("410702", "红旗区", "county"))
    assert benxi.counties == ["210503"] and xinxiang.counties == ["410702"]


def test_route_with_an_end_outside_the_home_province(geocoder):
    project = _project("铁岭至长春高速公路", category="highway", geom="line", endpoints=["铁岭", "长春"])
    p = geocoder.place(project, _plan("211200", "铁岭市", "city"))
    assert p.geometry.geom_type == "LineString"
    (x0, y0), (x1, y1) = p.geometry.coords
    assert 123 < x0 < 125 and 41.5 < y0 < 43  # Tieling
    assert 125 < x1 < 126 and 43.5 < y1 < 44.5  # Changchun, Jilin
    assert p.precision == "city"


def test_no_location_words_falls_back_to_the_home_region(geocoder):
    p = geocoder.place(_project("综合服务中心"), _plan("211223", "西丰县", "county"))
    assert p.method == "home-region" and p.precision == "county" and p.counties == ["211223"]
    city = geocoder.place(_project("综合服务中心"), _plan("211200", "铁岭市", "city"))
    assert city.precision == "city" and city.source == "admin-centroid"


def test_responsible_county_government_places_the_project(geocoder):
    project = _project("山野菜精深加工产品交易中心", support_units=["市发展改革委", "西丰县政府"])
    p = geocoder.place(project, _plan("211200", "铁岭市", "city"))
    assert p.counties == ["211223"] and p.method == "responsible-unit"


def test_named_feature_with_source(geocoder):
    p = geocoder.place(_project("铁岭莲花湖湿地", category="ecology", geom="area"), _plan("211200", "铁岭市", "city"))
    assert p.source.startswith("http") and p.precision in ("exact", "approx")


def test_locate_one_off():
    p = locate("铁岭县腰堡镇康养基地", region="211200")
    assert "211221" in p.counties


def test_admin_centroid_joins_back_to_its_own_county(geocoder):
    """Seats that lie outside their county polygon (a county governed from its city) are moved inside."""
    import geopandas as gpd

    gaz = geocoder.gaz
    rows, geoms = [], []
    for unit in gaz.children("210400") + gaz.children("410500"):  # 抚顺市, 安阳市
        if unit.level != "county":
            continue
        pl = geocoder._unit_point(unit)
        rows.append({"placed_counties": [unit.adcode], "precision": "county"})
        geoms.append(pl.geometry)
    gdf = assign_regions(gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326"))
    assert gdf["join_agrees"].all()
    assert [c[0] for c in gdf["county_adcodes"]] == [r["placed_counties"][0] for r in rows]


def test_a_town_named_in_two_provinces_follows_the_prior(geocoder):
    liaoning = geocoder.place(_project("西丰镇文化站"), _plan("211200", "铁岭市", "city"))
    assert liaoning.counties == ["211223"]
    other = geocoder.gaz.towns_named("西丰镇", county="230000")
    assert other, "a 西丰镇 exists in Heilongjiang too"
    hlj_city = geocoder.gaz.unit(other[0].county_adcode).city_adcode
    heilongjiang = geocoder.place(_project("西丰镇文化站"), _plan(hlj_city, "", "city"))
    assert heilongjiang.counties == [other[0].county_adcode]


def test_a_place_inside_another_item_of_the_list_stays_there(geocoder):
    """岷江航电犍为枢纽、乐山机场: 犍为 belongs to the first item, not to the airport."""
    sentence = "加快推进岷江航电犍为枢纽、乐山机场、峨汉高速等项目建设。"
    names = ["岷江航电犍为枢纽", "乐山机场", "峨汉高速"]
    plan = _plan("510000", "四川省", "province")
    p = geocoder.place(_project("乐山机场", sentence, category="airport"), plan, names)
    assert "511123" not in p.counties  # 犍为县
    assert p.names[0] == "乐山市" and p.precision == "city"  # its own name says the city, no more


def test_a_place_opening_a_list_modifies_every_item(geocoder):
    sentence = "提升开原市灯具城、家具城、汽配城等专业市场。"
    names = ["开原市灯具城", "家具城", "汽配城"]
    p = geocoder.place(_project("汽配城", sentence, category="market"), _plan("211200", "铁岭市", "city"), names)
    assert p.counties == ["211282"] and p.method == "clause"


def test_the_lead_in_of_a_colon_list_places_its_items(geocoder):
    sentence = "新建的城市公园多在远城区，且东湖高新区新建的最多，有7个：黄龙山公园、光谷绿道公园、特种飞行公园；"
    names = ["东湖高新区", "黄龙山公园", "光谷绿道公园", "特种飞行公园"]
    p = geocoder.place(_project("特种飞行公园", sentence, category="park_green"), _plan("420100", "武汉市", "city"),
                       names)
    assert set(p.counties) == {"420111", "420115"} and p.method == "clause"  # the zone's hosts
    assert p.source.startswith("https://")


def test_a_county_inside_another_project_is_not_every_project_s(geocoder):
    sentence = "另外力争黔张常铁路与渝怀二线涪陵至怀化段年内动工。"
    names = ["黔张常铁路", "渝怀二线涪陵至怀化段"]
    p = geocoder.place(_project("黔张常铁路", sentence, category="railway", geom="line"),
                       _plan("500000", "重庆市", "province"), names)
    assert "500102" not in p.counties  # 涪陵区 is the other project's


def test_a_zone_named_with_its_city_goes_to_its_host_district(geocoder):
    p = geocoder.place(_project("苏州高新区科技城"), _plan("320505", "虎丘区", "county"))
    assert p.counties == ["320505"]
    wuhan = geocoder.place(_project("湘江新区"), _plan("430000", "湖南省", "province"))
    assert "430104" in wuhan.counties and wuhan.method in ("name", "zone-host")


def test_a_paragraph_opening_with_a_place_scopes_it(geocoder):
    text = "一、项目安排\n内江：加快建设城西污水处理厂和沱江绿道。\n乐山：建设滨江公园。\n"
    plan = _plan("510000", "四川省", "province")
    plan.text = text
    start = text.index("滨江公园")
    project = Project(name="滨江公园", category="park_green", geom="area", plan="t", section="",
                      evidence="乐山：建设滨江公园。", span=(start, start + 4))
    p = geocoder.place(project, plan)
    assert p.method in ("paragraph", "clause") and p.names[0] == "乐山市"
    start = text.index("沱江绿道")
    project = Project(name="沱江绿道", category="park_green", geom="line", plan="t", section="",
                      evidence="加快建设城西污水处理厂和沱江绿道。", span=(start, start + 4))
    assert geocoder.place(project, plan).names[0] == "内江市"


def test_a_provincial_plan_s_project_named_after_a_town_goes_to_its_county(geocoder):
    """红格 is a town of 盐边县 and no other Sichuan county: the mine named after it is there."""
    sichuan = _plan("510000", "四川省", "province")
    p = geocoder.place(_project("红格南钒钛磁铁矿", category="mine"), sichuan)
    assert p.counties == ["510422"] and p.method == "name-town"
    # a stem shared by two towns of the province names neither (长塘镇: 南宁 and 柳州)
    guangxi = geocoder.place(_project("长塘水库", category="water"), _plan("450000", "广西壮族自治区", "province"))
    assert guangxi.method != "name-town" and guangxi.precision == "province"
    # a zone, a river, a longer name, an area-wide park or a subdistrict's namesake is not the town
    for other, province in (("天府新区", "510000"), ("天府实验室", "510000"), ("淮河入海水道二期", "320000"),
                            ("大堡子山国家考古遗址", "620000"), ("长城国家文化公园", "640000")):
        home = _plan(province, "", "province")
        assert geocoder.place(_project(other), home).method != "name-town", other
    # a street named after the town is not in it, and a city plan reads towns only in its city
    assert geocoder.place(_project("红格路"), sichuan).method != "name-town"
    assert geocoder.place(_project("红格南钒钛磁铁矿"), _plan("510100", "成都市", "city")).counties != ["510422"]
    # a stem followed by a place-name ending is a longer place (红格坝 is not 红格), and an
    # institution is named after a gate or street sooner than after a town
    assert geocoder.place(_project("红格坝灌区", category="water"), sichuan).method != "name-town"
    assert geocoder.place(_project("红格医院", category="public_service"), sichuan).method != "name-town"
    # China and a partner country abbreviated (中沙: Saudi Arabia) is no town (中沙乡 of 宁化县);
    # the town named next (古雷) is
    fujian = _plan("350000", "福建省", "province")
    assert geocoder.place(_project("中沙古雷乙烯", category="industrial_park"), fujian).counties != ["350424"]
    assert geocoder.place(_project("古雷炼化一体化工程二期", category="industrial_park"), fujian).counties == ["350623"]


def test_a_town_outside_the_region_its_clause_names_is_no_site(geocoder):
    """龙颈 is a town of 清远 only, but 粤东 is 潮州, 汕头, 揭阳 and 汕尾: the reservoir the 粤东
    works include is not at that town; the province stays the honest answer."""
    guangdong = _plan("440000", "广东省", "province")
    east = "做好粤东水资源优化配置工程（含龙颈水库扩建）前期工作，推进环北部湾水资源配置"
    p = geocoder.place(_project("龙颈水库", evidence=east, category="water"), guangdong)
    assert p.method != "name-town" and p.precision == "province"
    alone = geocoder.place(_project("龙颈水库", category="water"), guangdong)
    assert alone.method == "name-town" and alone.counties == ["441803"]


def test_a_city_s_short_name_before_a_word_opening_with_a_feature_character(geocoder):
    """深圳河套: 河 opens 河套, so 深圳 is the city; in 深圳河 (a river) and 铁岭路 (a street) the
    character binds to the name and no unit is meant."""
    guangdong = _plan("440000", "广东省", "province")
    p = geocoder.place(_project("国家人工智能学院深圳河套学院", category="public_service"), guangdong)
    assert p.names[0] == "深圳市" and p.precision == "city"
    assert geocoder.place(_project("深圳河治理", category="water"), guangdong).precision == "province"
    liaoning = _plan("210000", "辽宁省", "province")
    assert geocoder.place(_project("铁岭路改造", category="road"), liaoning).precision == "province"


def test_towns_of_a_zone_pseudo_county_belong_to_its_single_host(geocoder, monkeypatch):
    """jionlp lists some towns under a zone's pseudo-county (红岛街道 under 青岛高新区); with a
    host row for that zone they are towns of the host county, and without one (nor a county of
    their own from zone_towns.csv) they stay unplaced.
    """
    from planmap.place.geocode import Geocoder
    from planmap.reference import zones
    from planmap.reference.zones import Zone, ZoneIndex

    host = Zone("青岛高新技术产业开发区", "hightech", "370200", ("370214",), "https://example.org/zone",
                ("青岛高新技术产业开发区",), ("370200",))
    monkeypatch.setattr(zones, "zone_index", lambda: ZoneIndex([host]))
    monkeypatch.setattr(zones, "zone_town_counties", lambda: {})  # no NBS county of the town itself
    qingdao = _plan("370200", "青岛市", "city")
    p = Geocoder().place(_project("海湾大桥红岛接线", category="road"), qingdao)
    assert p.counties == ["370214"]
    monkeypatch.setattr(zones, "zone_index", lambda: ZoneIndex([]))
    assert Geocoder().place(_project("海湾大桥红岛接线", category="road"), qingdao).counties != ["370214"]


def test_a_name_opening_with_a_zone_word_means_the_zone_named_before_it(geocoder):
    """新区养老中心 after 凡河新区 in one sentence: the 新区 is 凡河新区, in 铁岭县 (凡河镇)."""
    sentence = "凡河新区要用好环境优势，建设新区养老中心，服务全市老人。"
    tieling = _plan("211200", "铁岭市", "city")
    p = geocoder.place(_project("新区养老中心", sentence), tieling)
    assert p.counties == ["211221"] and p.method == "zone-antecedent"
    # also when that zone is itself one of the plan's projects
    p = geocoder.place(_project("新区养老中心", sentence), tieling, others=["凡河新区", "新区养老中心"])
    assert p.counties == ["211221"]
    # with no zone of that kind named before it, the word alone places nothing
    alone = geocoder.place(_project("新区养老中心", "建设新区养老中心，服务全市老人。"), tieling)
    assert alone.method != "zone-antecedent" and alone.precision == "city"


def test_a_power_plant_named_in_a_provincial_plan_goes_to_its_county(geocoder):
    """A plant has no county in its name: the OSM plant polygon (or a sourced feature row) says it."""
    guangxi = _plan("450000", "广西壮族自治区", "province")
    hydro = geocoder.place(_project("龙滩水电站扩机工程", category="energy_utility"), guangxi)
    assert hydro.counties == ["451222"] and hydro.precision == "approx"
    nuclear = geocoder.place(_project("红沙核电四期", category="energy_utility"), guangxi)
    assert nuclear.counties == ["450602"]  # 防城港核电站, called after 红沙村 (en.wikipedia)
    # a plant of that name outside the home province is never used
    assert geocoder.place(_project("龙滩水电站扩机工程"), _plan("510000", "四川省", "province")).counties != ["451222"]


def test_a_reservoir_goes_to_the_county_of_the_one_village_it_is_named_after(geocoder):
    """驮英 is a village of 宁明县 and of no other Guangxi county; 长塘 names villages in several."""
    guangxi = _plan("450000", "广西壮族自治区", "province")
    p = geocoder.place(_project("驮英水库除险加固", category="water"), guangxi)
    assert p.counties == ["451422"] and p.method == "name-village" and p.precision == "county"
    assert geocoder.place(_project("长塘水库扩容", category="water"), guangxi).precision == "province"
    # outside the home region the village is not looked for, and only water works are read so
    assert geocoder.place(_project("驮英水库除险加固"), _plan("430000", "湖南省", "province")).method != "name-village"
    assert geocoder.place(_project("驮英文化广场"), guangxi).method != "name-village"


def test_an_interchange_goes_to_the_county_of_the_one_village_it_is_named_after(geocoder):
    """Interchanges and toll stations are named after the village by the ramp, like reservoirs."""
    guangxi = _plan("450000", "广西壮族自治区", "province")
    p = geocoder.place(_project("驮英互通立交", category="highway"), guangxi)
    assert p.counties == ["451422"] and p.method == "name-village"
    assert geocoder.place(_project("驮英收费站", category="highway"), guangxi).counties == ["451422"]
    assert geocoder.place(_project("长塘互通", category="highway"), guangxi).precision == "province"
    # tunnels and a highway's detour over a pass too (乌鞘岭 is a village of 天祝 alone in Gansu)
    assert geocoder.place(_project("驮英隧道", category="highway"), guangxi).counties == ["451422"]
    gansu = _plan("620000", "甘肃省", "province")
    detour = geocoder.place(_project("乌鞘岭高速迂回线", category="highway", geom="line"), gansu)
    assert detour.counties == ["620623"] and detour.method == "name-village"


def test_a_plant_written_in_traditional_script_is_found(geocoder):
    p = geocoder.place(_project("龍灘水電站擴機工程", category="energy_utility"), _plan("450000", "广西壮族自治区", "province"))
    assert p.counties == ["451222"]


def test_a_town_stem_that_names_a_unit_of_another_province_still_names_the_town(geocoder):
    """武都 is a town of 江油市 (Sichuan) and a district of Gansu: a Sichuan plan means the town."""
    p = geocoder.place(_project("武都引水灌区续建", category="water"), _plan("510000", "四川省", "province"))
    assert p.counties == ["510781"] and p.method == "name-town"
    # in a Gansu plan the district is meant
    assert geocoder.place(_project("武都引水灌区续建"), _plan("620000", "甘肃省", "province")).counties == ["621202"]


def test_a_town_filed_under_a_zone_without_host_row_goes_to_its_own_county(geocoder):
    """jionlp files 红岛街道 under 青岛高新区 only; the NBS codes list it under 城阳区, and the zone
    has no host row: the town still places a project in 城阳区, not at the city."""
    p = geocoder.place(_project("红岛街道便民服务中心"), _plan("370200", "青岛市", "city"))
    assert p.counties == ["370214"] and p.precision in ("town", "county")


def test_zone_town_counties_come_from_the_pinned_nbs_copy():
    import csv

    from planmap.paths import geodata_dir

    with (geodata_dir() / "zone_towns.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    assert len(rows) >= 50
    for r in rows:
        # the town's own NBS code says the county (an older code as the shipped units spell it today)
        assert gaz.canonical(r["nbs_code"][:6]) == r["county_adcode"], r
        assert gaz.unit(r["county_adcode"]).level == "county", r
        assert r["county_adcode"][4] != "7" and r["county_adcode"][:4] == r["source_county"][:4], r
        assert "/blob/" in r["source_url"] and r["source_url"].startswith("https://github.com/modood/"), r


def test_an_item_that_is_only_a_unit_does_not_place_its_siblings(geocoder):
    """曹妃甸区、北方新区: the district is the first item of the list, not a modifier of the next."""
    sentence = "壮大曹妃甸区、北方新区等重点平台。"
    p = geocoder.place(_project("北方新区", sentence, category="new_town"), _plan("130000", "河北省", "province"),
                       others=["北方新区"])
    assert p.method != "clause" and "130209" not in p.counties


def test_a_unit_opening_the_first_item_still_modifies_the_list(geocoder):
    sentence = "建设开原市五金城、建材城。"
    p = geocoder.place(_project("建材城", sentence, category="market"), _plan("211200", "铁岭市", "city"),
                       others=["开原市五金城", "建材城"])
    assert p.counties == ["211282"]


def test_a_paragraph_taken_for_a_heading_lends_no_place(geocoder):
    """A long "section" listing canals (都江堰灌区、…) is no heading naming 都江堰 for the others."""
    section = "现代化水网：六条横向输水大动脉，包括都江堰灌区、升钟灌区、亭子口灌区、大桥灌区等6个工程"
    project = Project(name="升钟灌区", category="water", geom="area", plan="t", section=section,
                      evidence="升钟灌区加快建设。", span=(0, 4))
    p = geocoder.place(project, _plan("510000", "四川省", "province"), others=["都江堰灌区", "升钟灌区"])
    assert p.method != "section" and "510181" not in p.counties


def test_a_place_inside_a_sibling_item_does_not_place_the_others(geocoder):
    """壮大甲区、乙新区、北戴河丙示范区: 北戴河 belongs to the third item, not to 乙新区."""
    hebei = _plan("130000", "河北省", "province")
    evidence = "壮大曹妃甸区、东岭新区、北戴河生命健康产业创新示范区等重点承接平台。"
    p = geocoder.place(_project("东岭新区", evidence=evidence, category="new_town"), hebei)
    assert p.counties != ["130304"] and p.precision == "province"
    # a sentence about one project still lends it the one county it names
    alone = geocoder.place(_project("东岭新区", evidence="北戴河加快建设东岭新区。", category="new_town"), hebei)
    assert alone.counties == ["130304"]


def test_a_bare_class_named_after_a_home_district_with_an_everyday_name(geocoder):
    """新民 is an everyday word and 新民市 of 沈阳: 新民新城 in a 沈阳 plan is that city's new town."""
    shenyang = _plan("210100", "沈阳市", "city")
    assert geocoder.place(_project("新民新城", category="new_town"), shenyang).counties == ["210181"]
    # outside the home city, or with more than a class after it, the everyday word is no place
    assert geocoder.place(_project("新民新城", category="new_town"), _plan("211200", "铁岭市", "city")).counties == []
    assert geocoder.place(_project("新民文化广场建设"), shenyang).counties != ["210181"]
    # a figure after a home-province city's everyday name: 北海 is 北海市 in a 广西 plan, not elsewhere
    guangxi = _plan("450000", "广西壮族自治区", "province")
    p = geocoder.place(_project("北海20万吨级航道", category="logistics"), guangxi)
    assert p.precision == "city" and p.names == ["北海市"]
    assert geocoder.place(_project("北海20万吨级航道"), _plan("370000", "山东省", "province")).names != ["北海市"]


def test_a_city_whose_name_jieba_tags_as_a_verb_is_still_that_city(geocoder):
    """包头 is a verb in jieba's dictionary and 包头市 in an 内蒙古 plan."""
    neimenggu = _plan("150000", "内蒙古自治区", "province")
    p = geocoder.place(_project("包头氢能装备制造产业园", category="industrial_park"), neimenggu)
    assert p.precision == "city" and p.names == ["包头市"]


def test_a_provincial_plan_s_sentence_lends_a_county_only_from_the_project_s_clause(geocoder):
    """In a provincial plan's long sentence, 东岭 in another clause is not the canal's county."""
    yunnan = _plan("530000", "云南省", "province")
    evidence = "打造元阳梯田模式，建成东岭大型灌区，全省新增灌溉面积。"
    assert geocoder.place(_project("东岭大型灌区", evidence=evidence, category="water"), yunnan).counties == []
    same = "建成元阳东岭大型灌区，全省新增灌溉面积。"
    assert geocoder.place(_project("东岭大型灌区", evidence=same, category="water"), yunnan).counties == ["532528"]
    # a city plan's sentence is short and about its own places: any clause counts
    honghe = _plan("532500", "红河哈尼族彝族自治州", "city")
    there = "在元阳打造梯田模式，建成东岭大型灌区，全省新增灌溉面积。"
    assert geocoder.place(_project("东岭大型灌区", evidence=there, category="water"), honghe).counties == ["532528"]
    # (元阳梯田 is a thing of its own: its county is the terraces', not the canal's)
    assert geocoder.place(_project("东岭大型灌区", evidence=evidence, category="water"), honghe).counties == []


def test_longest_first_finds_what_the_alternation_pattern_finds():
    """Town stems are matched by set look-ups exactly as the longest-first pattern matched them."""
    import random
    import re

    from planmap.place.geocode import LongestFirst

    rnd = random.Random(7)
    alphabet = "凡河镇西丰大堡子山铁岭横道"
    words = {"".join(rnd.choice(alphabet) for _ in range(rnd.randint(2, 5))) for _ in range(60)}
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    found = LongestFirst(words)
    for _ in range(2000):
        text = "".join(rnd.choice(alphabet + "的和") for _ in range(rnd.randint(0, 30)))
        assert [m.span() for m in found.finditer(text)] == [m.span() for m in pattern.finditer(text)]
        assert [m.group(0) for m in found.finditer(text)] == [m.group(0) for m in pattern.finditer(text)]
        expected, got = pattern.match(text), found.match(text)
        assert (got.group(0), got.end()) == (expected.group(0), expected.end()) if expected else got is None


def test_a_county_the_sentence_names_outside_the_home_city_does_not_place_a_project(geocoder):
    """预留新城区道路发展空间: a new town in general, not 新城区 of another province."""
    evidence = "研究建设东岭公路枢纽立交，预留新城区道路发展空间。"
    p = geocoder.place(_project("东岭公路枢纽立交", evidence, category="bridge"), _plan("370200", "青岛市", "city"))
    assert p.method != "sentence" and all(c.startswith("3702") for c in p.counties), (p.method, p.counties)
    inside = geocoder.place(_project("东岭公路枢纽立交", "研究建设东岭公路枢纽立交，预留即墨区道路发展空间。", category="bridge"),
                            _plan("370200", "青岛市", "city"))
    assert inside.counties == ["370215"], (inside.method, inside.counties)


def test_a_county_before_the_first_item_of_a_provincial_list_is_that_item_s_alone(geocoder):
    """A provincial plan's lists run through many places; a list said to be somewhere (在定西市…)
    is all there."""
    gansu = _plan("620000", "甘肃省", "province")
    evidence = "阿克塞生态保护及城乡供水一体化、东岭灌区现代化改造、西河大型灌区等工程开工建设。"
    p = geocoder.place(_project("东岭灌区", evidence, category="water"), gansu, others=["城乡供水一体化", "西河大型灌区"])
    assert not any(c.startswith("6209") for c in p.counties), (p.method, p.counties)  # 阿克塞 is in 酒泉
    said = "在临夏州永靖县建设东岭灌区、西河灌区。"
    q = geocoder.place(_project("西河灌区", said, category="water"), gansu, others=["东岭灌区"])
    assert q.counties == ["622923"], (q.method, q.counties)  # 永靖县


def test_a_district_before_another_things_noun_is_that_things_place(geocoder):
    """In 肿瘤医院顺义院区投入使用，推进胸科医院迁建 顺义 is the campus's district, not the
    other hospital's; a district that the sentence says the project is in still places it."""
    beijing = _plan("110000", "北京市", "province")
    other = geocoder.place(_project("胸科医院", evidence="肿瘤医院顺义院区投入使用，推进胸科医院迁建。",
                                    category="public_service"), beijing)
    assert other.counties == [] and other.method == "home-region"
    own = geocoder.place(_project("胸科医院", evidence="推进胸科医院迁建，新址位于顺义区。",
                                  category="public_service"), beijing)
    assert own.counties == ["110113"]


def test_a_name_opening_with_another_province_is_placed_there(geocoder):
    """天津滨海… in a 北京 plan is in 天津; a home place named beside it wins (…甘肃医院 in a 甘肃
    plan), and 台湾/香港 in a name are partners, not places."""
    beijing = _plan("110000", "北京市", "province")
    p = geocoder.place(_project("天津东岭科技园", category="industrial_park"), beijing)
    assert p.method == "name" and p.names == ["天津市"]
    gansu = _plan("620000", "甘肃省", "province")
    p = geocoder.place(_project("上海东岭医院甘肃分院", category="public_service"), gansu)
    assert "上海市" not in p.names and p.names == ["甘肃省"]
    fujian = _plan("350000", "福建省", "province")
    assert geocoder.place(_project("台湾青年东岭创业园", category="industrial_park"), fujian).method != "name"
    # a province's name inside a description (华家山西麓: 山西) is no place
    zhejiang = _plan("330000", "浙江省", "province")
    assert geocoder.place(_project("东岭山西麓隧道", category="highway"), zhejiang).names != ["山西省"]


def test_a_state_level_new_area_is_placed_from_any_province(geocoder):
    """雄安新区 (河北) named in a 北京 plan: its host counties, not 北京."""
    p = geocoder.place(_project("雄安新区东岭科技园", category="industrial_park"), _plan("110000", "北京市", "province"))
    assert p.counties and all(c.startswith("1306") for c in p.counties)


def test_a_port_named_after_a_city_is_in_that_city(geocoder):
    """青岛港…码头 in a 山东 plan: 青岛's port (the word 青岛港 holds the city's name)."""
    p = geocoder.place(_project("青岛港东岭港区集装箱码头", category="logistics"), _plan("370000", "山东省", "province"))
    assert p.precision == "city" and p.names == ["青岛市"]


@pytest.mark.parametrize("name, home, names", [
    ("苏州工业园区", ("320000", "江苏省"), ["苏州市"]),  # one dictionary word: 苏州 + 工业园区
    ("丹江口水库", ("420000", "湖北省"), ["丹江口市"]),
])
def test_a_unit_opening_a_dictionary_word_with_a_type_word_places_it(geocoder, name, home, names):
    p = geocoder.place(_project(name, category="water"), _plan(home[0], home[1], "province"))
    assert p.method == "name" and p.names == names


def test_a_town_stem_shared_with_a_town_of_a_development_zone_is_ambiguous(geocoder):
    """中川镇 is a town of 会宁县 and one of 兰州新区 (filed under the zone, no county): a 甘肃
    plan's 中川… (the airport's rail loop) is not placed in 会宁县 by the town's name."""
    p = geocoder.place(_project("中川东岭环线铁路", category="railway", geom="line"), _plan("620000", "甘肃省", "province"))
    assert "620422" not in p.counties


@pytest.mark.parametrize("text, adcode", [("兰州市城关区", "620102"), ("拉萨市城关区", "540102"), ("西安市新城区", "610102")])
def test_a_shared_district_name_is_the_one_inside_the_city_written_before_it(geocoder, text, adcode):
    for prior in (None, Region("620000", "甘肃省", "province")):
        assert geocoder.units_in(text, prior)[-1][2].adcode == adcode


def test_tongzhou_is_beijings_district_in_a_beijing_plan(geocoder):
    """通州 is no everyday word: 通州东岭公园 in a 北京 plan is in 通州区 (南通 has a 通州区 too)."""
    p = geocoder.place(_project("通州东岭公园", category="park_green"), _plan("110000", "北京市", "province"))
    assert p.counties == ["110112"]


def test_a_city_written_before_one_of_its_towns_places_the_project_there(geocoder):
    """吴忠金积工业园 in a 宁夏 plan: 金积镇 of 吴忠 (the word index glues the two into one word)."""
    p = geocoder.place(_project("吴忠金积工业园", category="industrial_park"), _plan("640000", "宁夏回族自治区", "province"))
    assert p.precision == "county" and p.counties == ["640302"]


def test_a_region_of_several_cities_in_the_name_places_the_project_in_it(geocoder):
    # 滇中 is 昆明, 曲靖, 玉溪 and 楚雄 (geodata/regions.csv): which of them is not known, so the
    # project is as precise as a province, but inside the region, not at the province's seat
    plan = _plan("530000", "云南省", "province")
    p = geocoder.place(_project("滇中引水二期", "加快建设滇中引水二期。", category="water", geom="line"), plan)
    assert p.method == "region" and p.precision == "province"
    assert p.names[:2] == ["滇中", "昆明市"] and "楚雄彝族自治州" in p.names
    import geopandas as gpd

    joined = assign_regions(gpd.GeoDataFrame([{"precision": p.precision, "placed_counties": p.counties,
                                               "location_method": p.method, "location_names": p.names}],
                                             geometry=[p.geometry], crs="EPSG:4326"), provinces=["530000"])
    assert joined.loc[0, "city"] == "昆明市"  # the member nearest the middle of the four seats


def test_a_region_is_drawn_at_its_middle_member_not_its_first(geocoder):
    # 北部湾 is 南宁, 北海, 钦州 and 防城港: 钦州 lies between the others, 南宁 (listed first) at the edge
    plan = _plan("450000", "广西壮族自治区", "province")
    p = geocoder.place(_project("北部湾城际铁路", "建设北部湾城际铁路。", category="railway"), plan)
    assert p.method == "region" and p.names[0] == "北部湾"
    assert geocoder.gaz.unit("450700").name == "钦州市"
    seat = geocoder.gaz.unit("450700")
    assert p.geometry.distance(Point(seat.lon, seat.lat)) < 0.01


def test_a_region_inside_the_province_a_name_names_is_the_more_specific_place(geocoder):
    # 环北部湾广西…: 广西 is the province, 北部湾 the part of it the work serves
    plan = _plan("450000", "广西壮族自治区", "province")
    p = geocoder.place(_project("环北部湾广西水资源配置工程", "加快建设环北部湾广西水资源配置工程。", category="water"), plan)
    assert p.method == "region" and p.names[0] == "北部湾"
    # a province the region is not in keeps its own reading
    q = geocoder.place(_project("北部湾云南物流通道", "建设北部湾云南物流通道。", category="logistics"),
                       _plan("530000", "云南省", "province"))
    assert q.method != "region" and "云南省" in q.names


def test_a_region_name_a_unit_name_crosses_is_not_that_region(geocoder):
    # 苏南 inside 江苏南部 is no region: the name says the province's south (in a 苏州 plan, 江苏 names
    # nothing the home city does not say better)
    plan = _plan("320500", "苏州市", "city")
    p = geocoder.place(_project("江苏南部沿海产业带", "建设江苏南部沿海产业带。", category="industrial_park"), plan)
    assert p.method != "region" and "南京市" not in p.names


def test_a_water_work_named_after_villages_of_one_city_goes_to_that_city(geocoder):
    # 罐子坝村 is a village of 蓬安县 and of 西充县, both of 南充: the city is sure, the county not
    p = geocoder.place(_project("罐子坝灌区", category="water"), _plan("510000", "四川省", "province"))
    assert p.method == "name-village" and p.precision == "city" and "南充市" in p.names


def test_a_size_class_before_the_kind_is_read_past(geocoder):
    # 夹岩大型灌区 is the row 夹岩灌区 (geodata/features.csv): 大型 says how big, not which
    p = geocoder.place(_project("夹岩大型灌区", category="water"), _plan("520000", "贵州省", "province"))
    assert p.method == "feature-county" and "520525" in p.counties and p.names[0] == "夹岩灌区"


def test_a_work_its_source_places_in_several_cities_goes_to_the_middle_one(geocoder):
    # 邕北灌区: the page names 南宁 and 河池 only; placed at a city seat, as precise as a city
    p = geocoder.place(_project("邕北灌区", category="water"), _plan("450000", "广西壮族自治区", "province"))
    assert p.method == "feature-city" and p.precision == "city" and p.counties == []
    assert p.names[:2] == ["邕北灌区", "南宁市"]


def test_a_national_new_area_is_placed_in_its_districts_and_a_shared_short_name_stays_home(geocoder):
    p = geocoder.place(_project("天府新区", category="new_town"), _plan("510000", "四川省", "province"))
    assert p.method == "name" and p.precision == "county" and {"510116", "510185"} <= set(p.counties)
    nanjing = geocoder.place(_project("江北新区", category="new_town"), _plan("320000", "江苏省", "province"))
    assert "320111" in nanjing.counties
    chongqing = geocoder.place(_project("江北新区", category="new_town"), _plan("500000", "重庆市", "province"))
    assert not {"320111", "320116"} & set(chongqing.counties)


def test_a_region_of_three_cities_is_drawn_at_the_middle_one(geocoder):
    # 攀西 (geodata/regions.csv): 攀枝花, 凉山 and 雅安; 凉山's seat 西昌 lies between the others
    p = geocoder.place(_project("攀西特高压交流工程", "开工建设攀西特高压交流工程。", category="energy_utility"),
                       _plan("510000", "四川省", "province"))
    assert p.method == "region" and p.precision == "province"
    seat = geocoder.gaz.unit("513400")
    assert p.geometry.distance(Point(seat.lon, seat.lat)) < 0.01


def test_a_port_work_is_placed_at_the_county_of_its_port_area(geocoder):
    # geodata/ports.csv: 董家口港区 lies in 黄岛区, not at 青岛's seat; 洋山 lies in 浙江's 嵊泗县 and is
    # read in 上海's plans too (a port area of 上海港)
    p = geocoder.place(_project("青岛港董家口港区集装箱码头", category="logistics"), _plan("370000", "山东省", "province"))
    assert p.method == "port" and p.counties == ["370211"] and p.precision == "county"
    q = geocoder.place(_project("小洋山北作业区", category="logistics"), _plan("310000", "上海市", "province"))
    assert q.method == "port" and q.counties == ["330922"]
    # a port of another province is not read, and a name that is no port work is not a port's
    r = geocoder.place(_project("董家口港区码头", category="logistics"), _plan("440000", "广东省", "province"))
    assert r.method != "port"
    s = geocoder.place(_project("董家口港大道", category="road", geom="line"), _plan("370000", "山东省", "province"))
    assert s.method != "port"


def test_where_the_plan_says_a_project_lies_places_it(geocoder):
    """甲园区位于本市津南区…: the statement at one of its mentions, not the province its name holds."""
    text = "海尔（天津）市场创新产业园区一期将开工。\n海尔（天津）市场创新产业园区位于本市津南区八里台工业区，占地1100亩。\n"
    plan = _plan("120000", "天津市", "province")
    plan.text = text
    name = "海尔（天津）市场创新产业园区"
    first, second = text.index(name), text.index(name, 10)
    project = Project(name=name, category="industrial_park", geom="area", plan="t", section="",
                      evidence=text.split("\n")[0], span=(first, first + len(name)),
                      mentions=[(first, first + len(name)), (second, second + len(name))])
    p = geocoder.place(project, plan)
    assert (p.method, p.counties) == ("stated", ["120112"])
    # a statement of the province alone says nothing more than the home region
    plan.text = text.replace("本市津南区八里台工业区", "天津")
    p = geocoder.place(project, plan)
    assert p.method != "stated"


def test_a_list_item_followed_by_its_county_in_brackets_lies_there(geocoder):
    """…产业园项目（南昌县）in a list: the county in the bracket; an owner in one (市城投集团) is no place."""
    plan = _plan("360100", "南昌市", "city")
    for bracket, expected in (("（南昌县）", ("stated", ["360121"])), ("(红谷滩区)", ("stated", ["360113"]))):
        text = f"3.东岭生物医药产业园项目{bracket}\n"
        plan.text = text
        name = "东岭生物医药产业园"
        first = text.index(name)
        project = Project(name=name, category="industrial_park", geom="area", plan="t", section="",
                          evidence=text.strip(), span=(first, first + len(name)), mentions=[(first, first + len(name))])
        p = geocoder.place(project, plan)
        assert (p.method, p.counties) == expected
    plan.text = text = "3.东岭生物医药产业园项目（市城投集团）\n"
    first = text.index(name)
    project = Project(name=name, category="industrial_park", geom="area", plan="t", section="",
                      evidence=text.strip(), span=(first, first + len(name)), mentions=[(first, first + len(name))])
    assert geocoder.place(project, plan).method != "stated"


def test_a_list_under_a_citys_section_lies_in_that_city_even_when_named_after_the_province(tmp_path):
    """A provincial list by city (三、甲市政府 > 1.续建项目…): an item named after the province
    (海南…) is placed by its section's city; the excerpt's first section line is no title."""
    from planmap import extract_projects, read_plan
    from planmap.place.geocode import geocode_projects

    doc = tmp_path / "list.txt"
    doc.write_text("三、儋州市政府\n（一）重点项目（2个）。\n1.续建项目（2个）：儋州东岭生态农业园区、儋州西岭旅游区。\n"
                   "四、文昌市政府\n（一）重点项目（2个）。\n1.续建项目（2个）：海南东岭农业科技园区、文昌西岭旅游区。\n",
                   encoding="utf-8")
    plan = read_plan(doc)
    assert plan.home_region is not None and plan.home_region.adcode == "460000"  # not 儋州市: no title here
    gdf = geocode_projects(extract_projects(plan), plan)
    row = gdf[gdf["name"] == "海南东岭农业科技园区"].iloc[0]
    assert list(row["placed_counties"]) == ["469005"] and row["location_method"] == "section"
