"""Routes become lines: ends written out, abbreviations, bracketed completions, codes and sections."""
from __future__ import annotations

import csv

import pytest
from shapely.geometry import Point

from planmap.models import Plan, Project
from planmap.paths import geodata_dir
from planmap.place.geocode import Geocoder
from planmap.place.routes import MAX_DETOUR, detour_ratio, parse_route_name, railway_row, route_table
from planmap.reference.datum import haversine_m
from planmap.reference.features import source_allowed


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder()


def _plan(geocoder: Geocoder, adcode: str | None) -> Plan:
    """A plan of the unit ``adcode``; None: a plan with no home region (a national one)."""
    return Plan(id="t", path="t.txt", format="txt", encoding="utf-8", title="", issuer="", date=None, doc_number="",
                home_region=geocoder.gaz.unit(adcode).region() if adcode else None, text="", original_text="")


def _place(geocoder: Geocoder, name: str, home: str | None, category: str = "railway"):
    project = Project(name=name, category=category, geom="line", plan="t", section="", evidence=name,
                      span=(0, len(name)))
    return geocoder.place(project, _plan(geocoder, home))


def _near(geom, lon: float, lat: float, km: float) -> bool:
    coords = list(geom.coords) if geom.geom_type == "LineString" else [c for g in geom.geoms for c in g.coords]
    return any(haversine_m(x, y, lon, lat) <= km * 1000 for x, y in coords)


def _seat(geocoder: Geocoder, adcode: str) -> tuple[float, float]:
    u = geocoder.gaz.unit(adcode)
    return u.lon, u.lat


# ---------------------------------------------------------------- reading names

@pytest.mark.parametrize("name, code, ends, abbreviation, section_ends, section_unit", [
    ("G7011十天高速公路成县小川至天水段", "G7011", [], "十天", ["成县小川", "天水"], ""),
    ("兰州至海口高速公路甘肃段", "", ["兰州", "海口"], "", [], "甘肃"),
    ("黔（江）张（家界）常（德）铁路", "", ["黔江", "张家界", "常德"], "", [], ""),
    ("渝昆高铁（渝宜段）", "", [], "渝昆", [], "渝宜"),
    ("成渝铁路成隆段扩能改造", "", [], "成渝", [], "成隆"),
    ("渝怀二线涪陵至怀化段", "", [], "渝怀", ["涪陵", "怀化"], ""),
    ("G102线京抚线开原段", "G102", [], "京抚", [], "开原"),
    ("209省道", "S209", [], "", [], ""),
    ("岩前—潘川线", "", ["岩前", "潘川"], "", [], ""),
    ("京新高速公路内蒙古境内路段", "", [], "京新", [], "内蒙古"),
    ("甲乙高速公路丙丁路段", "", [], "甲乙", [], "丙丁"),
    ("周至至乾县高速公路", "", ["周至", "乾县"], "", [], ""),  # 至 also ends a county's name
    ("乾县至周至高速公路", "", ["乾县", "周至"], "", [], ""),
])
def test_route_names_are_read(name, code, ends, abbreviation, section_ends, section_unit):
    r = parse_route_name(name)
    assert (r.code, r.ends, r.abbreviation, r.section_ends, r.section_unit) == \
        (code, ends, abbreviation, section_ends, section_unit)


# ---------------------------------------------------------------- abbreviations

def test_province_abbreviations_join_capitals(geocoder):
    p = _place(geocoder, "渝黔铁路", "500000")
    assert p.geometry.geom_type == "LineString" and p.method == "route-course"
    assert _near(p.geometry, *_seat(geocoder, "500000"), 5) and _near(p.geometry, *_seat(geocoder, "520000"), 5)


def test_city_abbreviations_read_inside_the_home_province(geocoder):
    p = _place(geocoder, "成乐高速", "510000", category="highway")
    assert _near(p.geometry, *_seat(geocoder, "510100"), 5) and _near(p.geometry, *_seat(geocoder, "511100"), 5)


def test_ambiguous_abbreviation_resolved_by_the_home_region(geocoder):
    liaoning = _place(geocoder, "沈阜高速", "210000", category="highway")
    anhui = _place(geocoder, "沈阜高速", "340000", category="highway")
    assert _near(liaoning.geometry, *_seat(geocoder, "210900"), 5)  # 阜新
    assert _near(anhui.geometry, *_seat(geocoder, "341200"), 5)  # 阜阳


def test_three_county_abbreviation_is_a_line_through_control_points(geocoder):
    p = _place(geocoder, "营仪阆高速", "511300", category="highway")
    assert p.method == "route" and len(p.geometry.coords) == 3
    for code in ("511322", "511324", "511381"):  # 营山县, 仪陇县, 阆中市
        assert _near(p.geometry, *_seat(geocoder, code), 5)


def test_bracketed_completions_name_the_stations(geocoder):
    p = _place(geocoder, "黔（江）张（家界）常（德）铁路", "500000")
    assert len(p.geometry.coords) == 3
    assert _near(p.geometry, *_seat(geocoder, "430800"), 5)  # 张家界


# ---------------------------------------------------------------- codes, sections, limits

def test_expressway_code_resolves_through_the_table(geocoder):
    """G7011 (十堰—天水) through the control points of the national network plan's route table
    (安康, 汉中, on gov.cn); a plan builds the stretch inside its own province.
    """
    p = _place(geocoder, "G7011十天高速公路", "610000", category="highway")
    assert "LineString" in p.geometry.geom_type and _inside(geocoder, p.geometry, "610000")
    assert _near(p.geometry, *_seat(geocoder, "610900"), 5) and _near(p.geometry, *_seat(geocoder, "610700"), 5)
    assert p.source.startswith("https://www.gov.cn/")
    p = _place(geocoder, "G7011十天高速公路", "620000", category="highway")
    assert _near(p.geometry, *_seat(geocoder, "620500"), 5) and _inside(geocoder, p.geometry, "620000")
    assert not _near(p.geometry, *_seat(geocoder, "420300"), 50)


def test_auxiliary_expressway_is_drawn_through_its_cities(geocoder):
    """G4211 宁芜高速 runs 南京, 马鞍山, 芜湖: named by code and 简称, a line through all three; an
    Anhui plan builds the stretch in Anhui (马鞍山, 芜湖), not the one in 南京.
    """
    p = _place(geocoder, "G4211宁芜高速", None, category="highway")
    assert p.geometry.geom_type == "LineString" and p.method == "route"
    for adcode in ("320100", "340500", "340200"):
        assert _near(p.geometry, *_seat(geocoder, adcode), 5), adcode
    p = _place(geocoder, "G4211宁芜高速", "340000", category="highway")
    assert _inside(geocoder, p.geometry, "340000") and p.names[:2] == ["马鞍山市", "芜湖市"]


def test_named_section_is_cut_to_its_unit(geocoder):
    p = _place(geocoder, "兰州至海口高速公路甘肃段", "620000", category="highway")
    gansu = geocoder.gaz.unit_polygon("620000")
    assert "LineString" in p.geometry.geom_type
    assert gansu.buffer(0.05).contains(p.geometry)
    assert not _near(p.geometry, *_seat(geocoder, "460100"), 500)  # nowhere near Haikou


def test_section_ends_replace_the_route_ends(geocoder):
    p = _place(geocoder, "渝怀二线涪陵至怀化段", "500000")
    assert _near(p.geometry, *_seat(geocoder, "500102"), 10)  # 涪陵
    assert not _near(p.geometry, *_seat(geocoder, "500000"), 10)


def test_ends_outside_the_home_province(geocoder):
    p = _place(geocoder, "长沙至赣州高铁", "430000")
    assert _near(p.geometry, *_seat(geocoder, "360700"), 5)  # 赣州, Jiangxi


def test_town_end_is_found_next_to_the_other_end(geocoder):
    p = _place(geocoder, "G59官庄至新化公路", "430000", category="highway")
    x, y = p.geometry.coords[0]
    assert geocoder.gaz.unit_polygon("431222").buffer(0.02).contains(Point(x, y))  # 官庄镇 is in 沅陵县


def test_no_drawn_line_detours_more_than_allowed(geocoder):
    for name, home in [("宜西攀高铁", "510000"), ("三（江）万（盛）南（川）铁路", "500000"), ("营仪阆高速", "511300")]:
        p = _place(geocoder, name, home)
        assert p.geometry.geom_type == "LineString"
        assert detour_ratio(p.geometry) <= MAX_DETOUR


def test_a_name_without_places_is_no_line(geocoder):
    p = _place(geocoder, "智慧交通示范线", "510000")
    assert p.geometry.geom_type == "Point"


# ---------------------------------------------------------------- data

def test_route_table_rows_are_sourced_and_resolve(geocoder):
    rows = set(route_table().values())
    assert len(rows) >= 40
    for row in rows:
        assert source_allowed(row.source_url), row.code
        assert len(row.control_points) >= 2
        for name in row.control_points:
            assert geocoder.gaz.units_named(name), (row.code, name)


def test_a_ring_expressway_is_drawn_closed_around_its_island(geocoder):
    """G98 海南地区环线 runs 海口 琼海 三亚 东方 and back to 海口: a closed line inside 海南."""
    p = _place(geocoder, "G98环岛高速", "460000", category="highway")
    assert p.geometry.geom_type == "LineString" and p.geometry.is_ring and p.method == "route"
    assert _inside(geocoder, p.geometry, "460000")
    for adcode in ("460200", "469002", "469007"):  # 三亚, 琼海, 东方
        assert _near(p.geometry, *_seat(geocoder, adcode), 5), adcode


def test_an_auxiliary_expressway_named_by_its_code_alone_is_a_line(geocoder):
    p = _place(geocoder, "G9812高速", "460000", category="highway")
    assert p.geometry.geom_type == "LineString" and p.method == "route"
    for adcode in ("460100", "469005", "469002"):  # 海口, 文昌, 琼海
        assert _near(p.geometry, *_seat(geocoder, adcode), 5), adcode


def test_a_trunk_expressway_runs_through_its_control_points_not_between_its_ends(geocoder):
    """京哈 (G1) crosses 唐山 via 宝坻, as the network plan lists it; a 唐山 plan builds the part in
    唐山, and a section is cut to its unit."""
    whole = _place(geocoder, "京哈高速", None, category="highway")
    assert _crosses(geocoder, whole.geometry, "130200") and _near(whole.geometry, *_seat(geocoder, "120115"), 5)
    assert whole.precision == "city"  # 北京, a municipality, is as sure a control point as a city's seat
    home = _place(geocoder, "京哈高速", "130200", category="highway")
    assert _inside(geocoder, home.geometry, "130200") and _crosses(geocoder, home.geometry, "130200")
    part = _place(geocoder, "京哈高速唐山段", "130200", category="highway")
    assert "LineString" in part.geometry.geom_type and _inside(geocoder, part.geometry, "130200")
    assert not _near(part.geometry, *_seat(geocoder, "110000"), 50)


def test_a_greater_city_section_is_cut_to_that_city(geocoder):
    p = _place(geocoder, "G98环岛高速大三亚段", "460000", category="highway")  # greater 三亚: the part in 三亚
    assert "LineString" in p.geometry.geom_type and _inside(geocoder, p.geometry, "460200")


@pytest.mark.parametrize("name", ["兰州南北绕城高速", "兰州南北绕城高速圈", "兰州南绕城高速公路", "G2201高速"])
def test_a_city_ring_expressway_is_drawn_round_the_south_of_its_city(geocoder, name):
    """兰州南绕城 (G2201) runs 榆中 - 七里河 - 西固 south of 兰州's districts; a plan's 南北绕城 ring
    is drawn by that sourced half, inside 兰州, not as a point at the city."""
    p = _place(geocoder, name, "620000", category="highway")
    assert p.geometry.geom_type == "LineString" and p.method == "route", name
    for adcode in ("620123", "620103", "620104"):  # 榆中, 七里河, 西固
        assert _near(p.geometry, *_seat(geocoder, adcode), 5), (name, adcode)
    assert _inside(geocoder, p.geometry, "620100"), name


def test_every_expressway_row_is_drawn_through_all_its_control_points(geocoder):
    """Each row of routes.csv named by its code is one line through every control point in order,
    a ring closed, no other line detouring more than MAX_DETOUR; 附件1 rows cite the plan on gov.cn.
    """
    with (geodata_dir() / "routes.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 200
    for row in rows:
        points = row["control_points"].split("|")
        p = _place(geocoder, row["code"] + "高速", None, category="highway")
        assert p.geometry.geom_type == "LineString" and len(p.geometry.coords) == len(points), row["code"]
        if points[0] == points[-1]:
            assert p.geometry.is_ring, row["code"]
        else:
            assert detour_ratio(p.geometry) <= MAX_DETOUR + 1e-9, row["code"]
        if "附件1" in row["note"]:
            assert row["source_url"].startswith("https://www.gov.cn/"), row["code"]


def test_an_abbreviation_opening_the_ends_of_one_expressway_is_that_expressway(geocoder):
    """乌玛 is in no row, but 乌海 and 玛沁 open and close G1816 alone: 乌玛高速 runs through 银川 to
    玛沁, not to 玛曲; a plan of a province the row never enters does not read it so."""
    p = _place(geocoder, "乌玛高速", None, category="highway")
    assert p.method == "route" and p.names[0] == "乌海市" and p.names[-1] == "玛沁县" and "银川市" in p.names
    p = _place(geocoder, "乌玛高速", "640000", category="highway")  # the stretch in 宁夏
    assert p.method == "route" and "银川市" in p.names and _inside(geocoder, p.geometry, "640000")
    assert "玛沁县" not in _place(geocoder, "乌玛高速", "370000", category="highway").names


def test_abbreviation_table_is_sourced():
    with (geodata_dir() / "abbreviations.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["char"] for r in rows} >= {"京", "渝", "黔", "川", "青", "桂"}
    assert all(source_allowed(r["source_url"]) for r in rows)


def test_words_left_in_front_of_a_name_are_dropped():
    assert parse_route_name("而渝万城际").abbreviation == "渝万"
    assert parse_route_name("指平营高速公路").abbreviation == "平营"
    # one character is no abbreviation: 和 of 和若铁路 is 和田's, not the conjunction
    assert parse_route_name("和若铁路").abbreviation == "和若"


def test_a_railway_abbreviated_by_a_conjunction_s_character_is_drawn(geocoder):
    p = _place(geocoder, "和若铁路", "650000")
    assert p.method == "route" and p.geometry.geom_type in ("LineString", "MultiLineString")
    assert {"和田市", "若羌县"} <= set(p.names), p.names
    assert _near(p.geometry, *_seat(geocoder, "653201"), km=5)  # 和田市


def test_county_road_is_read_near_home_only(geocoder):
    near = _place(geocoder, "平莱公路", "370200", category="highway")  # 平度 and 莱西, both in 青岛
    assert near.geometry.geom_type == "LineString"
    home = Point(*_seat(geocoder, "370200"))
    assert all(haversine_m(x, y, home.x, home.y) < 150_000 for x, y in near.geometry.coords)
    # no reading of 鑫淼 lies near 永康: a county road there is not drawn across the country
    far = _place(geocoder, "鑫淼线", "330784", category="highway")
    assert far.geometry.geom_type == "Point"


@pytest.mark.parametrize("name, home, ends", [
    ("深中通道", "440000", ["440300", "442000"]),  # a crossing named by the cities it joins
    ("甘川新通道高速公路", "620000", ["620000", "510000"]),  # 新通道: a new corridor, not 新疆
])
def test_a_corridor_named_by_its_ends_is_a_line(geocoder, name, home, ends):
    p = _place(geocoder, name, home, category="highway")
    assert p.geometry.geom_type == "LineString"
    assert all(_near(p.geometry, *_seat(geocoder, code), 5) for code in ends)


def test_a_corridor_named_by_a_water_is_no_line(geocoder):
    assert _place(geocoder, "狮子洋通道", "440000", category="highway").geometry.geom_type == "Point"


def test_a_trunk_railway_named_in_a_provincial_plan_is_its_stretch_there(geocoder):
    """京广铁路 in a 河南 plan: the stretch through 郑州, not the line from 北京 to 广州; 扩能 is the
    works, no section."""
    for name in ("京广铁路", "京广铁路扩能"):
        p = _place(geocoder, name, "410000")
        assert "LineString" in p.geometry.geom_type and _inside(geocoder, p.geometry, "410000"), name
        assert _near(p.geometry, *_seat(geocoder, "410100"), 30), name
    whole = _place(geocoder, "京广铁路", None)
    assert _near(whole.geometry, *_seat(geocoder, "130100"), 30) and _near(whole.geometry, *_seat(geocoder, "440100"), 30)


def test_a_description_before_a_road_s_own_name_is_not_read_as_places(geocoder):
    """亚欧大陆桥连霍高速公路: 连霍 (G30) described as the Eurasian land bridge, drawn in 甘肃."""
    p = _place(geocoder, "亚欧大陆桥连霍高速公路", "620000", category="highway")
    assert p.method == "route" and _inside(geocoder, p.geometry, "620000")
    assert _near(p.geometry, *_seat(geocoder, "620100"), 30)


def test_a_course_given_by_the_places_it_passes_is_a_line_through_them():
    """北起甲镇，向南经乙、丙、丁镇接…: the start, then each place it passes, the last its end."""
    from planmap.place.routes import described_ends

    sentence = "其中一纵是指西部南北大通道，北起平度灰埠镇，向南经高密、胶州、胶南大场镇接204国道，全长约165公里"
    assert described_ends("西部南北大通道", sentence) == ["平度灰埠镇", "高密", "胶州", "胶南大场镇"]


def test_end_named_with_its_county_and_town(geocoder):
    p = _place(geocoder, "平度南村至胶州李哥庄一级公路", "370200", category="highway")
    (x0, y0), (x1, y1) = p.geometry.coords
    assert geocoder.gaz.unit_polygon("370283").buffer(0.02).contains(Point(x0, y0))  # 平度市
    assert geocoder.gaz.unit_polygon("370281").buffer(0.02).contains(Point(x1, y1))  # 胶州市


def test_only_route_names_are_read_as_abbreviations():
    assert parse_route_name("万泉河").abbreviation == ""
    assert parse_route_name("老成渝铁路").abbreviation == "成渝"


def test_a_feature_line_through_its_counties_never_zigzags(geocoder):
    from shapely.geometry import LineString

    from planmap.place.routes import straighten

    zigzag = LineString([(123.0, 42.0), (125.0, 42.0), (123.1, 42.0)])
    assert detour_ratio(straighten(zigzag)) == pytest.approx(1.0)
    ok = LineString([(123.0, 42.0), (123.5, 42.1), (124.0, 42.0)])
    assert straighten(ok) is ok


def test_random_route_names_never_fail_and_never_detour(geocoder):
    import random

    rng = random.Random(10)
    chars = "成渝黔桂川青沈阜京沪南三宜西攀铜资平莱新谭黄杨象尚营仪阆天定十柳格乌兰海口（）()—至段线"
    kinds = ["铁路", "高铁", "高速公路", "城际", "线", "公路", "一级公路", "连接线", "段"]
    homes = ["510000", "500101", "370200", "330784", "211200", "620000", "450000", "469001"]
    for _ in range(60):
        name = "".join(rng.choice(chars) for _ in range(rng.randint(1, 7))) + rng.choice(kinds)
        p = _place(geocoder, name, rng.choice(homes))
        if "LineString" in p.geometry.geom_type and p.method in ("route", "route-course"):
            assert detour_ratio(p.geometry) <= MAX_DETOUR + 1e-9, name


def test_a_named_section_of_a_gazetteer_line_is_cut_to_its_county(geocoder):
    whole = _place(geocoder, "G102京抚线", "211200", category="highway")
    part = _place(geocoder, "G102线京抚线开原段", "211200", category="highway")
    kaiyuan = geocoder.gaz.unit_polygon("211282")
    assert "LineString" in part.geometry.geom_type
    assert kaiyuan.buffer(0.02).contains(part.geometry)
    assert part.geometry.length < whole.geometry.length


# ---------------------------------------------------------------- ordinary national roads

def _inside(geocoder: Geocoder, geom, adcode: str, tolerance: float = 0.02) -> bool:
    return geocoder.gaz.unit_polygon(adcode).buffer(tolerance).contains(geom)


def _crosses(geocoder: Geocoder, geom, adcode: str) -> bool:
    return geom.intersects(geocoder.gaz.unit_polygon(adcode))


@pytest.mark.parametrize("name", ["国道204改线", "204国道拓宽", "G204线改建", "G204"])
def test_a_national_road_number_is_drawn_inside_the_home_city(geocoder, name):
    p = _place(geocoder, name, "370200", category="highway")
    assert "LineString" in p.geometry.geom_type and p.method == "route"
    assert _inside(geocoder, p.geometry, "370200")  # a city's plan builds its own stretch
    assert _crosses(geocoder, p.geometry, "370281")  # 胶州, a control point of G204
    assert "wikipedia.org" in p.source


def test_a_national_road_in_a_provincial_plan_is_drawn_inside_the_province(geocoder):
    """G204 runs on to Shanghai; a Shandong plan builds its Shandong stretch."""
    p = _place(geocoder, "G204改造", "370000", category="highway")
    assert "LineString" in p.geometry.geom_type and _inside(geocoder, p.geometry, "370000")
    assert _crosses(geocoder, p.geometry, "370682") and _crosses(geocoder, p.geometry, "370281")  # 莱阳, 胶州


def test_a_section_whose_ends_cannot_be_placed_is_drawn_inside_the_home_region(geocoder):
    """区界 (the region's border) is no place: G219 is cut to Tibet, not drawn from the Altai."""
    p = _place(geocoder, "国道219线区界至日土段", "540000", category="highway")
    assert "LineString" in p.geometry.geom_type and _inside(geocoder, p.geometry, "540000")


def test_a_link_between_two_numbered_roads_is_not_drawn_as_either(geocoder):
    p = _place(geocoder, "61省道至329国道", "330281", category="highway")
    assert p.method != "route" and p.geometry.geom_type == "Point"


def test_kilometre_posts_cut_the_road_to_the_home_county(geocoder):
    p = _place(geocoder, "204国道12K+300m—18K+900m路段", "370281", category="highway")
    assert "LineString" in p.geometry.geom_type
    assert _inside(geocoder, p.geometry, "370281")
    assert p.precision == "county"  # the posts say which stretch, not where it lies in the county


def test_stakes_are_read_as_a_section_not_as_places():
    r = parse_route_name("330国道191K+500m—197K+800m路段")
    assert (r.code, r.stakes, r.ends, r.section_ends) == ("G330", True, [], [])
    assert parse_route_name("G228线").stakes is False


def test_national_road_table_is_ordered_and_sourced():
    rows = {r.code: r for r in route_table().values() if r.code.startswith("G") and len(r.code) == 4}
    assert {"G104", "G204", "G312", "G318", "G330"} <= set(rows)
    assert rows["G204"].control_points[0] == "烟台" and rows["G204"].control_points[-1] == "上海"
    # rows follow a Wikipedia article or the national plan's route table on gov.cn
    assert all("wikipedia.org" in r.source_url or r.source_url.startswith("https://www.gov.cn/")
               for r in rows.values())
    g330 = rows["G330"].control_points
    assert g330[0] == "洞头区" and g330[-1] == "肥西县"
    assert g330.index("永康市") < g330.index("金华市") < g330.index("兰溪市")


def test_every_control_point_resolves_in_order(geocoder):
    """Each row's control points are placed one by one and, where a row lists the way as well as
    the ends, each lies near the one before (no point read as a same-named place at the other end
    of the country), whatever the plan's home region.
    """
    from planmap.place.routes import MAX_HOP_KM, _km, _point, _resolve_all

    rows = {r.code: r for r in route_table().values()}
    for home in (None, geocoder.gaz.unit("440000").region()):
        for code, row in rows.items():
            placed = _resolve_all(geocoder, list(row.control_points), [], home, 0)
            assert len(placed) == len(row.control_points), (code, home)
            points = [_point(p.geometry) for p in placed]
            for name, at in zip(row.control_points, points, strict=True):
                seats = [Point(u.lon, u.lat) for u in geocoder.gaz.units_named(name) if u.lon is not None]
                assert any(_km(at, s) < 30 for s in seats), (code, name)  # at a unit of that name
            assert len(points) == 2 or all(_km(a, b) < MAX_HOP_KM for a, b in zip(points, points[1:], strict=False)), code


def test_national_road_is_cut_to_a_county_plan(geocoder):
    # 330国道 in a Yongkang plan: the part of G330 (洞头—合肥) inside 永康市
    p = _place(geocoder, "330国道改建工程", "330784", category="highway")
    assert "LineString" in p.geometry.geom_type
    assert p.geometry.intersects(geocoder.gaz.unit_polygon("330784"))
    assert not p.geometry.intersects(geocoder.gaz.unit_polygon("340000"))


def test_no_national_road_detours_more_than_allowed(geocoder):
    rows = {r.code for r in route_table().values() if r.code.startswith("G") and len(r.code) == 4}
    for code in sorted(rows):
        p = _place(geocoder, code + "线", "110000", category="highway")
        if "LineString" in p.geometry.geom_type:
            assert detour_ratio(p.geometry) <= MAX_DETOUR + 1e-9, code


# ---------------------------------------------------------------- 简称 pairs

def test_a_unit_name_before_a_province_pair_is_not_part_of_it(geocoder):
    p = _place(geocoder, "重庆黔渝铁路新线", "500000")
    assert p.geometry.geom_type == "LineString"
    assert _near(p.geometry, *_seat(geocoder, "500000"), 5) and _near(p.geometry, *_seat(geocoder, "520000"), 5)
    assert _crosses(geocoder, p.geometry, "500110")  # 綦江, on the way to Guiyang


def test_abbreviation_ends_stay_in_the_home_province(geocoder):
    # 营 and 平 are counties of Sichuan (营山, 平昌), not of Shandong: a Qingdao plan's road
    # is never drawn there
    p = _place(geocoder, "营平高速公路", "370200", category="highway")
    assert not p.geometry.intersects(geocoder.gaz.unit_polygon("510000"))


# ---------------------------------------------------------------- local roads

def test_local_road_between_villages_of_two_districts(geocoder):
    p = _place(geocoder, "古庙头至舞旗埠公路", "370200", category="highway")
    assert p.geometry.geom_type == "LineString" and p.method == "route-course"
    assert _crosses(geocoder, p.geometry, "370214") and _crosses(geocoder, p.geometry, "370215")  # 城阳, 即墨


def test_local_road_from_a_village_to_a_town_of_the_home_county(geocoder):
    p = _place(geocoder, "上丁至芝英公路", "330784", category="highway")
    assert p.geometry.geom_type == "LineString"
    assert _inside(geocoder, p.geometry, "330784")


def test_county_road_abbreviating_its_towns(geocoder):
    p = _place(geocoder, "芝前线", "330784", category="highway")  # 芝英 to 前仓
    assert p.geometry.geom_type == "LineString" and p.method == "route-course"
    assert _inside(geocoder, p.geometry, "330784")


def test_a_provincial_plan_s_route_end_may_be_a_rare_village_of_the_province(geocoder):
    """东王堡 is a village of 甘州区 and of no other Gansu county: a line to 山丹 starts there."""
    p = _place(geocoder, "东王堡至山丹高速公路", "620000", category="highway")
    assert p.geometry.geom_type == "LineString" and "东王堡村" in p.names
    assert _crosses(geocoder, p.geometry, "620702") and _crosses(geocoder, p.geometry, "620725")
    # a village name found in many counties of the province is no reading of an end
    common = _place(geocoder, "刘家湾至山丹高速公路", "620000", category="highway")  # 9 counties
    assert common.geometry.geom_type == "Point"


def test_a_county_road_named_after_one_village_is_no_line(geocoder):
    p = _place(geocoder, "上卢支线", "330784", category="highway")  # one village: where it leads is unsaid
    assert p.geometry.geom_type == "Point"


def test_local_road_ends_are_looked_for_in_the_home_region_only(geocoder):
    # towns called 新桥 exist in a score of counties of other provinces, none near 永康: a
    # county road between them is not drawn across the country
    p = _place(geocoder, "新桥—横桥线", "330784", category="highway")
    assert p.geometry.geom_type == "Point" and p.counties == ["330784"]


def test_ends_described_after_the_name_are_its_ends(geocoder):
    sentence = "今年将改建蓝上公路，北起即墨蓝村镇，向南经流亭，南至城阳上马街道，全长约30公里。"
    project = Project(name="蓝上公路", category="highway", geom="line", plan="t", section="", evidence=sentence,
                      span=(5, 9))
    p = geocoder.place(project, _plan(geocoder, "370200"))
    assert p.geometry.geom_type == "LineString" and p.method == "route-course"
    assert _crosses(geocoder, p.geometry, "370215") and _crosses(geocoder, p.geometry, "370214")  # 即墨, 城阳


# ---------------------------------------------------------------- abbreviations read across China

def test_a_trunk_line_through_the_province_needs_no_end_inside_it(geocoder):
    """包兰 in a Ningxia plan runs from 包头 to 兰州, both outside Ningxia, through it."""
    p = _place(geocoder, "包兰铁路", "640000")
    assert p.geometry.geom_type == "LineString"
    assert _near(p.geometry, *_seat(geocoder, "150200"), 5) and _near(p.geometry, *_seat(geocoder, "620100"), 5)
    assert p.geometry.intersects(geocoder.gaz.unit_polygon("640000"))


def test_a_line_neither_ending_in_nor_crossing_the_province_is_not_drawn(geocoder):
    p = _place(geocoder, "包兰铁路", "460000")  # nothing of 包头–兰州 lies in Hainan
    assert p.geometry.geom_type != "LineString"


def test_a_city_own_abbreviation_is_read(geocoder):
    """甬 is 宁波's 简称 (geodata/city_abbreviations.csv), not the first character of any name."""
    p = _place(geocoder, "甬金高速", "330000", category="highway")
    assert _near(p.geometry, *_seat(geocoder, "330200"), 5) and _near(p.geometry, *_seat(geocoder, "330700"), 5)


def test_the_home_province_abbreviation_may_stand_for_its_city(geocoder):
    """苏 inside a Jiangsu plan's 苏嘉 is 苏州, not the province drawn at Nanjing."""
    p = _place(geocoder, "苏嘉城际铁路", "320000")
    assert _near(p.geometry, *_seat(geocoder, "320500"), 5)
    assert not _near(p.geometry, *_seat(geocoder, "320100"), 20)


def test_a_high_speed_railway_abbreviation_reads_cities_before_counties(geocoder):
    p = _place(geocoder, "西渝高铁", "610000")
    assert _near(p.geometry, *_seat(geocoder, "610100"), 5)  # 西安, not 西乡县
    # from 重庆 the table's line (geodata/railways.csv), cut to the plan's municipality, not a
    # course to 四川's 西充县 nearer by
    p = _place(geocoder, "渝西高铁", "500000")
    assert "城口县" in p.names and "西充县" not in p.names, p.names


def test_a_district_of_the_province_is_a_weaker_reading_in_a_provincial_plan(geocoder):
    p = _place(geocoder, "集大高铁", "150000")  # 集宁区 of 乌兰察布, then 大同
    assert p.geometry.geom_type == "LineString"
    assert _near(p.geometry, *_seat(geocoder, "150902"), 5)


@pytest.mark.parametrize("name, home", [("沿海高铁", "320000"), ("环岛高速", "460000"), ("甲乙新通道高速公路", "620000")])
def test_a_common_word_is_not_read_as_abbreviated_ends(geocoder, name, home):
    p = _place(geocoder, name, home, category="highway")
    assert p.geometry.geom_type != "LineString" or p.method not in ("route", "route-course") or "G" in name


def test_a_corridor_named_by_a_common_word_is_drawn_from_its_table_row(geocoder):
    """沿江高铁 is no pair of places (沿, 江) but the line of geodata/railways.csv (沪渝蓉高铁):
    in an Anhui plan its stretch through 合肥."""
    p = _place(geocoder, "沿江高铁", "340000")
    assert p.method == "route" and p.geometry.geom_type in ("LineString", "MultiLineString")
    assert _near(p.geometry, *_seat(geocoder, "340100"), km=5)
    assert all(c[:2] == "34" for c in p.counties), p.counties


def test_a_trailing_port_is_not_hong_kong(geocoder):
    p = _place(geocoder, "石衡沧港城际铁路", "130000")
    assert p.geometry.geom_type == "LineString"
    assert not _near(p.geometry, *_seat(geocoder, "810000"), 300)


@pytest.mark.parametrize("name, abbreviation", [("甲乙中线高铁", "甲乙"), ("甲乙扩容高速公路", "甲乙"),
                                                ("甲乙客专", "甲乙")])
def test_a_qualifier_between_abbreviation_and_type_word_is_not_an_end(name, abbreviation):
    assert parse_route_name(name).abbreviation == abbreviation


def test_two_provinces_border_as_an_end(geocoder):
    """岚皋至陕渝界: from 岚皋 to the nearest point of the Shaanxi–Chongqing border."""
    p = _place(geocoder, "岚皋至陕渝界高速公路", "610000", category="highway")
    assert p.geometry.geom_type == "LineString"
    end = Point(p.geometry.coords[-1])
    chongqing = geocoder.gaz.unit_polygon("500000")
    assert chongqing.distance(end) < 0.01 and _near(p.geometry, *_seat(geocoder, "610925"), 5)
    assert haversine_m(*p.geometry.coords[0], *p.geometry.coords[-1]) < 60_000


def test_an_abbreviated_section_replaces_the_road_ends(geocoder):
    """沈海高速漳诏段: the 漳州–诏安 stretch, not a line from 沈阳 to 海口."""
    p = _place(geocoder, "沈海高速漳诏段", "350000", category="highway")
    assert _near(p.geometry, *_seat(geocoder, "350600"), 5) and _near(p.geometry, *_seat(geocoder, "350624"), 5)
    assert not _near(p.geometry, *_seat(geocoder, "210100"), 500)


def test_a_section_named_after_a_city_is_no_abbreviation(geocoder):
    p = _place(geocoder, "G98环岛高速大三亚段", "460000", category="highway")
    assert all(c.startswith("46") for c in p.counties)


def test_the_towns_by_initial_come_from_the_cache_folder_as_made(tmp_path, monkeypatch):
    """The abbreviation index over the towns is kept with the derived reference data, keyed by the
    towns file and the module that makes it, and equals the index made from the towns."""
    from planmap.place import routes
    from planmap.reference.gazetteer import Gazetteer

    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path))
    made = Geocoder(gazetteer=Gazetteer())
    first = routes._placed_towns_by_initial(made)
    assert len(list((tmp_path / "town-initials").glob("*.pickle"))) == 1
    assert first == routes._index_placed_towns(made.gaz.towns)
    again = routes._placed_towns_by_initial(Geocoder(gazetteer=Gazetteer()))  # a new process would read it
    assert again == first and again is not first
    for (province, initial), rows in list(first.items())[:50]:
        for town in (made.gaz.towns.town(i) for i in rows):
            assert town.lon is not None and town.county_adcode[:2] == province
            assert routes._town_stem(town.name)[0] == initial


# ---------------------------------------------------------------- railways of the table

def _rail_table(tmp_path) -> str:
    (tmp_path / "railways.csv").write_text(
        "code,name,kind,aliases,control_points,source_url,note\n"
        ",甲乙高速铁路,railway,甲乙高铁|甲城至乙城高铁,甲城区|丙县|乙城市,https://en.wikipedia.org/wiki/X,\n"
        ",甲乙城际铁路,railway,甲乙城际,甲城区|丁县|乙城市,https://en.wikipedia.org/wiki/Y,\n", encoding="utf-8")
    return str(tmp_path)


@pytest.mark.parametrize("name, expected", [
    ("甲乙高铁", "甲乙高速铁路"),  # by abbreviation
    ("甲乙高速铁路湖南段", "甲乙高速铁路"),  # a section of it
    ("甲乙客运高速铁路", "甲乙高速铁路"),  # 客运 read as the type word, 高速铁路 after it
    ("甲城至乙城高铁", "甲乙高速铁路"),  # by its ends written out
    ("乙城至甲城高速铁路", "甲乙高速铁路"),  # either order
    ("甲城区至乙城市高铁", "甲乙高速铁路"),  # the ends as its first and last control points
    ("甲乙城际", "甲乙城际铁路"),  # an intercity line is another line than the high-speed one
    ("甲乙高速公路", None),  # a road is no railway
    ("甲乙中线高铁", None),  # the middle line is another line
    ("甲城至丙县高铁", None),  # ends of part of the line
])
def test_a_railway_row_is_found_by_abbreviation_or_ends(tmp_path, name, expected):
    from planmap.place.routes import railway_row

    row = railway_row(parse_route_name(name), folder=_rail_table(tmp_path))
    assert (row.name if row else None) == expected


def test_a_railway_named_by_its_ends_runs_through_its_stations(geocoder):
    # 南昌至赣州高铁 (昌赣客专): through its station counties, not end seat to end seat
    p = _place(geocoder, "南昌至赣州高铁", "360000")
    assert p.method == "route" and p.precision == "approx"
    assert "wikipedia.org" in p.source
    for county in ("360826", "360828", "360732"):  # 泰和, 万安, 兴国 between the ends
        assert county in p.counties
        assert _near(p.geometry, *_seat(geocoder, county), 5)


def test_a_classic_trunk_railway_abbreviation_runs_through_its_station_counties(geocoder):
    # 京广铁路: 涿州 to 广州 through 驻马店, not two ends read off its abbreviation (a 河南 plan
    # builds the stretch in 河南: test_a_trunk_railway_named_in_a_provincial_plan_is_its_stretch_there)
    p = _place(geocoder, "京广铁路", None)
    assert p.method == "route" and p.geometry.geom_type == "LineString"
    assert p.counties[0] == "130681" and p.counties[-1] == "440104"  # 涿州市 ... 越秀区
    for county in ("130681", "411702", "440104"):  # 涿州, 驻马店 驿城区, 广州 越秀区
        assert _near(p.geometry, *_seat(geocoder, county), 5)
    assert not any(c.startswith("61") for c in p.counties)  # nowhere near 陕西


def test_a_trunk_railway_through_a_shared_district_name_keeps_the_city_of_its_station(geocoder):
    # 京哈铁路: 北京 to 哈尔滨 through 四平's 铁西区, not 沈阳's or 鞍山's
    p = _place(geocoder, "京哈铁路", None)
    assert p.method == "route" and p.geometry.geom_type == "LineString"
    assert p.counties[0] == "110101" and p.counties[-1] == "230103"  # 东城区 ... 哈尔滨 南岗区
    assert "220302" in p.counties and not {"210106", "210303"} & set(p.counties)
    assert _near(p.geometry, *_seat(geocoder, "220302"), 5)


def test_a_trunk_railway_into_a_neighbouring_province_runs_through_its_middle_station_county(geocoder):
    # 渝怀铁路: 重庆 to 怀化 through 黔江, not straight from 重庆 to 怀化; a 湖南 plan builds its
    # stretch in 湖南, to 怀化
    p = _place(geocoder, "渝怀铁路", None)
    assert p.method == "route" and p.geometry.geom_type == "LineString"
    assert p.counties[0] == "500103" and p.counties[-1] == "431202"  # 渝中区 ... 怀化 鹤城区
    assert "500114" in p.counties and _near(p.geometry, *_seat(geocoder, "500114"), 5)  # 黔江区
    home = _place(geocoder, "渝怀铁路", "430000")
    assert _inside(geocoder, home.geometry, "430000") and _near(home.geometry, *_seat(geocoder, "431202"), 5)


def test_a_railway_abbreviation_reads_the_row_of_its_class(geocoder):
    intercity = _place(geocoder, "渝万城际", "500000")
    high_speed = _place(geocoder, "渝万高铁", "500000")
    assert "500231" in intercity.counties and "500231" not in high_speed.counties  # 垫江 only on the intercity
    assert "500233" in high_speed.counties  # 忠县 on the high-speed line


def test_a_named_province_section_of_a_table_railway_is_cut(geocoder):
    p = _place(geocoder, "杭长高铁江西段", "360000")
    assert p.method == "route"
    assert _inside(geocoder, p.geometry, "360000")


def test_a_section_named_by_its_own_ends_is_not_the_whole_table_line(geocoder):
    p = _place(geocoder, "渝万高铁（涪丰段）", "500000")  # 涪陵 to 丰都, not on to 万州
    assert p.geometry.geom_type == "LineString"
    assert not _near(p.geometry, *_seat(geocoder, "500101"), 20)


def test_railway_table_rows_are_sourced_and_resolve_in_order(geocoder):
    from planmap.place.routes import MAX_HOP_KM, _km, _point, _resolve_all, railway_table

    rows = railway_table()
    assert len(rows) >= 5
    for row in rows:
        assert row.kind == "railway" and source_allowed(row.source_url), row.name
        assert len(row.control_points) >= 3, row.name
        for name in row.control_points:
            # a county's own name, or a shared district's name after its city's or municipality's
            # (四平市铁西区, 重庆市江北区)
            units = [u for _, _, u in geocoder.units_in(name, None)]
            width = {"city": 4, "province": 2}.get(units[0].level, 6) if units else 6
            city_and_district = (len(units) == 2 and units[1].level == "county"
                                 and units[1].adcode[:width] == units[0].adcode[:width]
                                 and units[0].name + units[1].name == name)
            assert geocoder.gaz.units_named(name) or city_and_district, (row.name, name)
        placed = _resolve_all(geocoder, list(row.control_points), [], None, 0)
        assert len(placed) == len(row.control_points), row.name
        points = [_point(p.geometry) for p in placed]
        assert all(_km(a, b) < MAX_HOP_KM for a, b in zip(points, points[1:], strict=False)), row.name
        line = _place(geocoder, row.aliases[0] if row.aliases else row.name, "110000").geometry
        assert line.geom_type == "LineString" and detour_ratio(line) <= MAX_DETOUR + 1e-9, row.name


def test_an_end_that_is_a_whole_town_name_is_that_town_not_a_county_it_starts_with(geocoder):
    """巴彦浩特 (巴彦浩特镇, the seat of 阿拉善左旗) is not 巴彦县 of 黑龙江 with 浩特 left over."""
    prior = _plan(geocoder, "150000").home_region
    p = geocoder.place_endpoint("巴彦浩特", [], prior)
    assert p is not None and p.counties == ["152921"] and "巴彦浩特镇" in p.names


def test_a_citys_own_jiancheng_beats_a_province_and_a_first_character(geocoder):
    """宁 is 宁夏's 简称, names 南京 in national route names (宁洛), and opens 宁波: 沪宁 runs 上海
    to 南京, from a 江苏 plan as from a 上海 one."""
    for home in ("320000", "310000"):
        p = _place(geocoder, "沪宁高速", home, category="highway")
        assert p.geometry.geom_type == "LineString" and "南京市" in p.names, (home, p.names)
    # two provinces' 简称 with no city reading are still drawn capital to capital
    assert _place(geocoder, "川青铁路", "510000").names == ["四川省", "青海省"]


def test_two_province_abbreviations_one_of_which_opens_a_home_place(geocoder):
    """黔吉 in a 湖南 plan runs 贵州 to 吉首 (湖南), not to 吉林; 川青 stays 四川 to 青海."""
    p = _place(geocoder, "黔吉高铁", "430000")
    assert "吉首市" in p.names and "吉林省" not in p.names
    assert _place(geocoder, "川青铁路", "520000").names == ["四川省", "青海省"]


@pytest.mark.parametrize("name, home, category, city", [
    ("沪通铁路", "310000", "railway", "南通市"),  # not 通山县 of 湖北
    ("盐通高铁", "320000", "railway", "南通市"),
    ("西康高铁", "610000", "railway", "安康市"),  # not 康县 of 甘肃
    ("康渝高铁", "500000", "railway", "安康市"),
    ("长株潭城际铁路", "430000", "railway", "湘潭市"),
    ("郑汴高速", "410000", "highway", "开封市"),
    ("京并高铁", "110000", "railway", "太原市"),
])
def test_a_citys_own_abbreviation_that_is_not_its_first_character_is_read(geocoder, name, home, category, city):
    """通 of 沪通 is 南通, 康 of 西康 安康, 潭 湘潭, 汴 开封, 并 太原 (geodata/city_abbreviations.csv)."""
    p = _place(geocoder, name, home, category=category)
    assert p.geometry.geom_type == "LineString" and city in p.names, p.names


@pytest.mark.parametrize("name, home, category, end", [
    ("京通高速", "110000", "highway", "通州区"),  # 通 beside 京 in a 北京 plan is 北京's 通州区
    ("通平高速", "420000", "highway", "通城县"),  # 通城 to 平江, not 南通
    ("集通铁路", "150000", "railway", "通辽市"),
    ("雅康高速", "510000", "highway", "康定市"),  # 雅安 to 康定, not 安康
])
def test_a_first_character_reading_near_home_still_beats_a_citys_abbreviation(geocoder, name, home, category, end):
    p = _place(geocoder, name, home, category=category)
    assert end in p.names and not {"南通市", "安康市"} & set(p.names), p.names


@pytest.mark.parametrize("name, home", [("长赣高铁", "430000"), ("长赣高铁", "360000"), ("赣郴高铁", "430000"),
                                        ("赣深高铁", "440000"), ("赣龙铁路", "350000")])
def test_gan_beside_a_citys_character_is_ganzhou(geocoder, name, home):
    """赣 is 江西's 简称 and 赣州's: beside a city's character (长赣, 赣深) route names mean the city."""
    p = _place(geocoder, name, home)
    assert "赣州市" in p.names and "江西省" not in p.names, p.names


@pytest.mark.parametrize("name, home, category, ends", [
    ("湘赣高铁", "360000", "railway", ["湖南省", "江西省"]),
    ("湘赣高铁", "430000", "railway", ["湖南省", "江西省"]),
    ("赣粤高速", "440000", "highway", ["江西省", "广东省"]),
    ("赣粤高速", "360000", "highway", ["江西省", "广东省"]),
])
def test_gan_between_provinces_abbreviations_is_still_the_province(geocoder, name, home, category, ends):
    assert _place(geocoder, name, home, category=category).names == ends


# ---------------------------------------------------------------- high-speed lines of the table

def test_a_high_speed_trunk_line_with_no_home_region_runs_through_its_station_counties(geocoder):
    # 徐兰高铁: 徐州 to 兰州 through 郑州, 西安 and 天水, not 徐州 to 兰州 in one straight hop
    p = _place(geocoder, "徐兰高铁", None)
    assert p.method == "route" and p.geometry.geom_type == "LineString"
    assert p.counties[0] == "320305" and p.counties[-1] == "620103"  # 贾汪区 ... 兰州 七里河区
    for county in ("410105", "610112", "620503"):  # 郑州 金水区, 西安 未央区, 天水 麦积区
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5)


def test_the_high_speed_line_is_not_drawn_along_the_classic_line_of_the_same_abbreviation(geocoder):
    # 京沪高铁 calls at 曲阜 and 昆山; 京沪铁路 at 泰山区 and 兖州 instead
    high_speed = _place(geocoder, "京沪高铁", None)
    classic = _place(geocoder, "京沪铁路", None)
    assert {"370881", "320583"} <= set(high_speed.counties)  # 曲阜市, 昆山市
    assert not {"370881", "320583"} & set(classic.counties)
    assert not {"370902", "370812"} & set(high_speed.counties)  # 泰山区, 兖州区
    assert not _near(high_speed.geometry, *_seat(geocoder, "370812"), 10)


def test_a_high_speed_line_in_a_provincial_plan_is_its_stretch_there_through_its_stations(geocoder):
    # 西成高铁 in a 陕西 plan: 西安 to 宁强 through 佛坪 and 汉中, not on into 四川
    p = _place(geocoder, "西成高铁", "610000")
    assert p.method == "route" and _inside(geocoder, p.geometry, "610000")
    for county in ("610730", "610702"):  # 佛坪县, 汉中 汉台区
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5)
    assert not any(c.startswith("51") for c in p.counties)


@pytest.mark.parametrize("name, row_county", [
    ("京张高铁", "130730"),  # 怀来县: the intercity line, read by its 高铁 alias
    ("京张城际", "130730"),
    ("渝贵高铁", "520322"),  # 桐梓县: a 铁路 row read by its 高速铁路 alias
    ("重庆至贵阳高速铁路", "520322"),
])
def test_a_high_speed_row_is_read_by_each_of_its_class_names(geocoder, name, row_county):
    assert row_county in _place(geocoder, name, None).counties, name


def test_a_classic_line_is_not_read_as_the_high_speed_row_of_its_abbreviation(geocoder):
    # 京张铁路 (the 1909 line) has no row; it must not take 京张高铁's station counties
    p = _place(geocoder, "京张铁路", None)
    assert "130730" not in p.counties and "110119" not in p.counties


def test_a_line_into_hong_kong_ends_at_its_terminus_district(geocoder):
    p = _place(geocoder, "广深港高铁", None)
    assert p.counties[0] == "440113" and p.counties[-1] == "810005"  # 番禺区 ... 油尖旺区
    assert "440304" in p.counties  # 福田区


def test_jingguang_high_speed_is_beijing_to_guangzhou_through_its_stations_not_a_county_its_name_opens(geocoder):
    # 京广高铁 had no row and read 广 as 广灵县 (山西); now 涿州 to 广州南 through 郑州 and 长沙
    p = _place(geocoder, "京广高铁", None)
    assert p.method == "route" and p.geometry.geom_type == "LineString"
    assert p.counties[0] == "130681" and p.counties[-1] == "440113"  # 涿州市 ... 番禺区
    assert "140223" not in p.counties and not any(c.startswith("14") for c in p.counties)
    for county in ("410105", "430111"):  # 郑州 金水区, 长沙 雨花区
        assert _near(p.geometry, *_seat(geocoder, county), 5)


@pytest.mark.parametrize("name, home, through", [
    ("武广高铁", "430000", ["430111", "430405"]),  # 长沙南 雨花区, 衡阳东 珠晖区
    ("合福高铁", "340000", ["341002", "340181"]),  # 黄山北 屯溪区, 巢湖东 巢湖市
    ("贵广高铁", "450000", ["450321", "451103"]),  # 阳朔县, 贺州 平桂区
])
def test_a_high_speed_line_in_a_plan_of_a_province_it_crosses_runs_through_its_stations_there(
        geocoder, name, home, through):
    p = _place(geocoder, name, home)
    assert p.method == "route", name
    for county in through:
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5), (name, county)


def test_a_high_speed_line_joined_from_its_section_rows_runs_through_each_section(geocoder):
    # 沪昆高铁 is 沪杭 + 杭长 + 长昆: 上海虹桥 to 昆明南 through 杭州东, 长沙南 and 凯里; the classic
    # 沪昆铁路 row does not call at 韶山
    p = _place(geocoder, "沪昆高铁", None)
    assert p.method == "route" and p.geometry.geom_type == "LineString"
    assert p.counties[0] == "310112" and p.counties[-1] == "530114"  # 闵行区 ... 呈贡区
    for county in ("330102", "430111", "522601"):  # 上城区, 雨花区, 凯里市
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5)
    assert "430382" in p.counties and "430382" not in _place(geocoder, "沪昆铁路", None).counties


def test_a_station_named_like_a_hong_kong_stop_is_the_county_it_is_named_after(geocoder):
    # 成贵高铁's 屏山 station: 屏山县 (宜宾), not the OSM point 屏山 of Hong Kong's 元朗区
    p = _place(geocoder, "成贵高铁", None)
    assert "511529" in p.counties and not any(c.startswith("81") for c in p.counties)
    assert _near(p.geometry, *_seat(geocoder, "511529"), 5)


def test_the_lanxin_high_speed_line_goes_by_qinghai_not_the_classic_lines_hexi_route(geocoder):
    # 兰新高铁 runs 兰州西 to 乌鲁木齐南 by 海东 (青海) and 瓜州, unlike the classic 兰新铁路
    p = _place(geocoder, "兰新高铁", None)
    assert p.method == "route" and p.geometry.geom_type == "LineString"
    assert p.counties[0] == "620103" and p.counties[-1] == "650103"  # 七里河区 ... 沙依巴克区
    assert "630203" in p.counties and _near(p.geometry, *_seat(geocoder, "630203"), 5)  # 海东 平安区
    assert "620922" in p.counties  # 瓜州县


@pytest.mark.parametrize("old_line, new_line, home, station_county", [
    ("温福铁路", "温福高铁", "350000", "350921"),  # 霞浦县: the 2009 line, not the 350 km/h line begun in 2025
    ("甬台温铁路", "甬台温高铁", "330000", "331022"),  # 三门县
])
def test_a_new_high_speed_line_is_not_drawn_along_the_older_line_of_the_same_ends(
        geocoder, old_line, new_line, home, station_county):
    assert station_county in _place(geocoder, old_line, home).counties
    assert station_county not in _place(geocoder, new_line, home).counties


# ---------------------------------------------------------------- railway table, second round

def test_zhengyu_is_zhengwan_and_the_chongqing_wanzhou_line_after_it(geocoder):
    # 郑渝高铁: 郑州东 to 重庆北 by 神农架 and 巫山; 郑万高铁 stops at 万州
    zhengyu = _place(geocoder, "郑渝高铁", None)
    zhengwan = _place(geocoder, "郑万高铁", None)
    assert zhengyu.counties[0] == zhengwan.counties[0] == "410105"  # 金水区
    assert zhengyu.counties[-1] == "500112" and zhengwan.counties[-1] == "500101"  # 渝北区, 万州区
    for county in ("429021", "500237"):  # 神农架林区, 巫山县
        assert county in zhengwan.counties and _near(zhengyu.geometry, *_seat(geocoder, county), 5)
    assert "500112" not in zhengwan.counties


def test_jingha_high_speed_goes_by_chengde_and_its_hada_stretch_north_of_shenyang(geocoder):
    # 京哈高铁 = 京沈 (by 承德) + 哈大 north of 沈阳; 哈大's stations south of 沈阳 (鞍山) are not on it
    jingha = _place(geocoder, "京哈高铁", None)
    hada = _place(geocoder, "哈大高铁", "210000")
    assert jingha.counties[0] == "110101" and jingha.counties[-1] == "230103"  # 东城区 ... 哈尔滨 南岗区
    assert {"130802", "220303"} <= set(jingha.counties)  # 承德 双桥区, 四平市铁东区
    assert "210303" in hada.counties and "210303" not in jingha.counties  # 鞍山市铁西区
    assert not _near(jingha.geometry, *_seat(geocoder, "210303"), 20)


def test_hangshen_railway_in_fujian_runs_along_the_coast_through_its_section_rows(geocoder):
    p = _place(geocoder, "杭深铁路", "350000")
    assert p.method == "route"
    for county in ("350921", "350582", "350624"):  # 霞浦县 (温福), 晋江市 (福厦), 诏安县 (厦深)
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5), county
    # the new 350 km/h 福厦高铁 is not drawn along the 2010 福厦铁路
    assert "350322" not in _place(geocoder, "福厦高铁", "350000").counties  # 仙游县


@pytest.mark.parametrize("home", ["620000", "650000", None])
def test_the_classic_lanxin_railway_is_lanzhou_to_urumqi_not_lankao_or_a_sichuan_county(geocoder, home):
    # no row: 兰新铁路 read 兰 as 兰考 or drew 兰州 to 新龙县 (四川)
    p = _place(geocoder, "兰新铁路", home)
    assert p.method == "route"
    assert not {"410225", "513329", "410702"} & set(p.counties)  # 兰考县, 新龙县, 新乡 红旗区
    if home != "650000":
        assert p.counties[0] == "620102"  # 兰州 城关区
    if home != "620000":
        assert {"650502", "650103"} <= set(p.counties)  # 哈密 伊州区, 乌鲁木齐 沙依巴克区


def test_jingtang_intercity_in_a_hebei_plan_runs_through_its_stations_to_tangshan(geocoder):
    p = _place(geocoder, "京唐城际铁路", "130000")
    assert p.method == "route" and p.counties[-1] == "130203"  # 唐山 路北区
    for county in ("131082", "131024", "130229"):  # 三河市, 香河县, 玉田县
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5), county


@pytest.mark.parametrize("name, row", [
    ("兰新铁路第二双线哈密段", "兰新高速铁路"),  # the official name of 兰新高铁: the line that doubles 兰新铁路
    ("兰新铁路第二双线", "兰新高速铁路"),
    ("兰新铁路", "兰新铁路"),                    # the classic line it doubles keeps its own row
    ("京广铁路第二双线", None),                  # a second line no row holds is not the line it doubles
])
def test_a_second_double_line_is_its_own_line(name, row):
    found = railway_row(parse_route_name(name))
    assert (found.name if found else None) == row


def test_a_stretch_with_no_station_of_its_own_names_only_its_unit(geocoder):
    # 兰新高铁's row has no station in 哈密市: its 哈密段 is the line there, named by 哈密 alone,
    # not by the stations from 兰州 to 乌鲁木齐
    p = _place(geocoder, "兰新铁路第二双线哈密段", "650500")
    assert p.geometry.geom_type in ("LineString", "MultiLineString")
    assert p.names == ["哈密市"] and not p.counties
    minx, _, maxx, _ = p.geometry.bounds
    assert minx > 91 and maxx < 96  # inside 哈密, not 兰州 to 乌鲁木齐


# ---------------------------------------------------------------- railway table, third round

def test_xiyan_high_speed_line_in_a_shaanxi_plan_runs_xian_to_yanan_by_luochuan(geocoder):
    p = _place(geocoder, "西延高铁", "610000")
    assert p.method == "route"
    assert p.counties[0] == "610111" and p.counties[-1] == "610602"  # 灞桥区 (西安东) ... 宝塔区 (延安)
    assert "610629" in p.counties and _near(p.geometry, *_seat(geocoder, "610629"), 5)  # 洛川县


@pytest.mark.parametrize("name", ["日兰高铁", "鲁南高铁"])
def test_rilan_high_speed_line_in_shandong_runs_by_feixian_and_qufu_not_lanling(geocoder, name):
    # no row: 日兰 read 兰 as 兰陵县
    p = _place(geocoder, name, "370000")
    assert p.method == "route" and "371324" not in p.counties  # 兰陵县
    for county in ("371325", "370881"):  # 费县, 曲阜市
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5), county


def test_classic_shendan_railway_runs_through_shenyangs_tiexi_and_zhangjihuai_through_zhangjiajies_yongding(
        geocoder):
    shendan = _place(geocoder, "沈丹铁路", "210000")
    assert shendan.counties[0] == "210106" and shendan.counties[-1] == "210603"  # 沈阳 铁西区 ... 丹东 振兴区
    assert "210303" not in shendan.counties  # 鞍山's 铁西区
    zhangjihuai = _place(geocoder, "张吉怀高铁", "430000")
    assert zhangjihuai.counties[0] == "430802" and "350803" not in zhangjihuai.counties  # not 龙岩's 永定区
    assert "433101" in zhangjihuai.counties  # 吉首市


def test_the_classic_wujiu_railway_and_the_wujiu_passenger_line_are_two_rows(geocoder):
    classic = _place(geocoder, "武九铁路", "420000")
    fast = _place(geocoder, "武九高铁", "420000")
    assert "421182" not in classic.counties  # 武穴市: no row read 九 as the Jiujiang side of the river
    assert classic.counties[0] == "420106" and fast.counties[0] == "420111"  # 武昌区; 洪山区 (武汉站)
    assert "420205" in classic.counties and "420205" not in fast.counties  # 铁山区 only on the classic line


def test_huhanrong_runs_from_shanghai_by_hefei_wuhan_enshi_and_chongqing_to_chengdu(geocoder):
    p = _place(geocoder, "沪汉蓉高铁", None)
    assert p.method == "route"
    assert p.counties[0] == "310112" and p.counties[-1] == "510108"  # 闵行区 (上海虹桥) ... 成华区 (成都东)
    for county in ("340102", "420103", "422801", "500112"):  # 合肥 瑶海区, 汉口 江汉区, 恩施市, 重庆北 渝北区
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5), county
    # its sections are rows of their own, stretches of the same route map
    assert _place(geocoder, "渝利铁路", "500000").counties[-1] == "500112"
    assert "422802" in _place(geocoder, "宜万铁路", "420000").counties  # 利川市


def test_the_changjiu_intercity_row_is_not_the_changjiu_high_speed_line(geocoder):
    intercity = _place(geocoder, "昌九城际", "360000")
    assert {"360426", "360482"} <= set(intercity.counties)  # 德安县, 共青城市
    assert "360482" not in _place(geocoder, "昌九高铁", "360000").counties


def test_nanjiang_railway_runs_turpan_to_kashgar_by_korla_and_aksu(geocoder):
    p = _place(geocoder, "南疆铁路", "650000")
    assert p.counties[0] == "650402" and p.counties[-1] == "653101"  # 高昌区 ... 喀什市
    for county in ("652801", "652901"):  # 库尔勒市, 阿克苏市
        assert county in p.counties and _near(p.geometry, *_seat(geocoder, county), 5), county


def test_a_high_speed_line_is_not_read_as_two_places_of_one_city(geocoder):
    # 深南高铁 in a 广东 plan runs 深圳 to 南宁, not to 深圳's own 南山区 next door (nor to 南雄县)
    p = _place(geocoder, "深南高铁", "440000")
    assert "南宁市" in p.names and "南山区" not in p.names, p.names


def test_a_railway_named_by_its_ends_abbreviation_runs_through_its_stations(geocoder):
    """雄商高铁 (geodata/railways.csv, 16 stations): through 衡水 and 聊城 to 商丘, not to 济南's 商河县."""
    p = _place(geocoder, "雄商高铁", "370000")  # cut to 山东: it leaves the province at 台前 and comes back
    assert p.method == "route" and p.geometry.geom_type in ("LineString", "MultiLineString")
    assert "聊城市" in p.names and "商河县" not in p.names, p.names


# ---------------------------------------------------------------- stretches between borders

def test_a_stretch_to_a_unit_s_border_ends_on_that_border(geocoder):
    """（华亭镇界—太仓市界）: from the town (no polygon here: its point) to the edge of 太仓市
    nearest it, not to 太仓's seat."""
    from shapely.geometry import Point

    p = _place(geocoder, "北虹—沪宜（华亭镇界—太仓市界）", "310114", category="road")
    assert p.geometry.geom_type == "LineString" and p.method == "route-course"
    start, end = (Point(c) for c in (p.geometry.coords[0], p.geometry.coords[-1]))
    assert haversine_m(start.x, start.y, 121.23707, 31.46244) < 50  # 华亭镇's point
    taicang = geocoder.gaz.unit_polygon("320585")
    assert taicang.boundary.distance(end) < 1e-6
    assert haversine_m(end.x, end.y, *_seat(geocoder, "320585")) > 5000
    assert "320585" not in p.counties  # the stretch ends at 太仓's edge, it does not run in it


def test_a_stretch_s_unknown_end_lies_in_the_section_it_names(geocoder):
    """（横沥港—华亭镇界）（外冈段）: no gazetteer holds the creek; the stretch is 外冈's, so it runs
    from 外冈镇 to the 华亭 border; with neither end known there is no line."""
    p = _place(geocoder, "北虹—沪宜（横沥港—华亭镇界）（外冈段）", "310114", category="road")
    assert p.geometry.geom_type == "LineString"
    (x0, y0), (x1, y1) = p.geometry.coords[0], p.geometry.coords[-1]
    assert haversine_m(x0, y0, 121.17056, 31.36306) < 50 and haversine_m(x1, y1, 121.23707, 31.46244) < 50
    unknown = _place(geocoder, "北虹—沪宜（横沥港—老河浜）（外冈段）", "310114", category="road")
    assert unknown.geometry.geom_type == "Point"


@pytest.mark.parametrize("name, ends", [
    ("汶马藏区高速公路", ("513221", "513201")),  # 汶川县, 马尔康市: 藏区 says whom the road serves
    ("绵九藏区高速公路", ("510700", "513225")),  # 绵阳市, 九寨沟县
])
def test_a_qualifier_between_abbreviation_and_type_word_is_no_place(geocoder, name, ends):
    assert parse_route_name(name).abbreviation == name[:2]
    p = _place(geocoder, name, "510000", category="highway")
    assert p.geometry.geom_type == "LineString", (p.method, p.names)
    for adcode in ends:
        assert _near(p.geometry, *_seat(geocoder, adcode), km=3), adcode


@pytest.mark.parametrize("name", ["董家口至五莲铁路", "董家口港至五莲铁路"])
def test_a_port_area_written_without_its_port_word_ends_a_railway(geocoder, name):
    """董家口 is 青岛港's 董家口港区 (geodata/ports.csv, in 黄岛区): the line runs from there to 五莲."""
    p = _place(geocoder, name, "370000")
    assert p.geometry.geom_type == "LineString", (p.method, p.names)
    assert _near(p.geometry, *_seat(geocoder, "370211"), km=3) and _near(p.geometry, *_seat(geocoder, "371121"), km=3)


def test_a_section_the_table_row_does_not_reach_is_read_from_the_name(geocoder):
    """沪渝蓉高铁's sourced stretch starts at 南京: its 上海段 is read from 沪 and 渝, cut to 上海."""
    p = _place(geocoder, "沪渝蓉高铁上海段", "310000")
    assert p.geometry.geom_type in ("LineString", "MultiLineString")
    assert all(c[:2] == "31" for c in p.counties), p.counties


@pytest.mark.parametrize("name, ends", [
    ("泸遵怀高速铁路", ("510500", "520300", "431200")),  # 泸州, 遵义, 怀化
    ("涪柳铁路", ("500102", "450200")),  # 涪陵 (a district of 重庆), 柳州
])
def test_a_railway_in_a_city_plan_runs_on_to_cities_of_other_provinces(geocoder, name, ends):
    p = _place(geocoder, name, "520300")
    assert p.geometry.geom_type == "LineString", (p.method, p.names)
    for adcode in ends:
        assert _near(p.geometry, *_seat(geocoder, adcode), km=3), adcode
    # a county road of the same plan keeps its ends near home
    q = _place(geocoder, "泸遵公路", "520300", category="highway")
    assert q.geometry.geom_type != "LineString" or not _near(q.geometry, *_seat(geocoder, "510500"), km=3)


def test_a_qualifier_of_speed_or_network_is_no_place():
    assert parse_route_name("川黔普速铁路").abbreviation == "川黔"
    assert parse_route_name("加西国省干线公路").abbreviation == "加西"


def test_an_extension_or_a_phase_is_no_section_of_places():
    from planmap.place.routes import parse_route_name

    # 京秦高速西延: the line's western extension, not a stretch from 西城 to 延庆
    for name in ("京秦高速西延", "京秦高速西延线", "京秦高速二期"):
        r = parse_route_name(name)
        assert (r.abbreviation, r.section_unit, r.section_ends) == ("京秦", "", []), name


def test_a_city_plans_abbreviated_road_has_an_end_at_home_where_one_can_be(geocoder):
    # 高东高速 in a 聊城 plan: 高唐 (聊城) to 东…, not 高青 to 东营 next door
    p = _place(geocoder, "高东高速", "371500", category="highway")
    assert p.geometry.geom_type == "LineString"
    assert "371526" in p.counties and "370322" not in p.counties, p.counties
