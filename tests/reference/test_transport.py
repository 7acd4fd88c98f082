"""Stations and airports named in plans are placed at their site (OpenStreetMap, OurAirports)."""
from __future__ import annotations

import csv
import gzip
import random

import pytest

from planmap.paths import geodata_dir
from planmap.place.geocode import locate
from planmap.reference.datum import haversine_m
from planmap.reference.transport import transport_index

# Chinese names as plans write them -> the OurAirports record they mean (its own point is the truth)
AIRPORTS = {
    "北京首都国际机场": "ZBAA", "上海虹桥国际机场": "ZSSS", "广州白云国际机场": "ZGGG",
    "深圳宝安国际机场": "ZGSZ", "成都天府国际机场": "ZUTF", "重庆江北国际机场": "ZUCK",
    "武汉天河国际机场": "ZHHH", "西安咸阳国际机场": "ZLXY", "昆明长水国际机场": "ZPPP",
    "乌鲁木齐地窝堡国际机场": "ZWWW", "拉萨贡嘎国际机场": "ZULS", "天津滨海国际机场": "ZBTJ",
}
HELD_OUT_AIRPORTS = {
    "上海浦东国际机场": "ZSPD", "成都双流国际机场": "ZUUU", "杭州萧山国际机场": "ZSHC",
    "南京禄口国际机场": "ZSNJ", "长沙黄花国际机场": "ZGHA", "哈尔滨太平国际机场": "ZYHB",
    "郑州新郑国际机场": "ZHCC", "厦门高崎国际机场": "ZSAM", "贵阳龙洞堡国际机场": "ZUGY",
    "兰州中川国际机场": "ZLLL", "南宁吴圩国际机场": "ZGNN", "呼和浩特白塔国际机场": "ZBHH",
    "大连周水子国际机场": "ZYTL", "长春龙嘉国际机场": "ZYCC", "合肥新桥国际机场": "ZSOF",
    "南昌昌北国际机场": "ZSCN", "福州长乐国际机场": "ZSFZ", "海口美兰国际机场": "ZJHK",
    "三亚凤凰国际机场": "ZJSY", "太原武宿国际机场": "ZBYN", "济南遥墙国际机场": "ZSJN",
    "银川河东国际机场": "ZLIC", "西宁曹家堡国际机场": "ZLXN", "宁波栎社国际机场": "ZSNB",
    "温州龙湾国际机场": "ZSWZ", "桂林两江国际机场": "ZGKL",
}


def _airport_points() -> dict[str, tuple[float, float]]:
    with (geodata_dir() / "airports.csv").open(encoding="utf-8") as fh:
        return {r["ident"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(fh)}


def _stations(seed: int, n: int, exclude: set[str] = frozenset()) -> list[tuple[str, float, float]]:
    """A reproducible sample of uniquely named stations, written as plans write them (成都东站)."""
    with gzip.open(geodata_dir() / "stations.csv.gz", "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["name"]] = counts.get(r["name"], 0) + 1
    pool = sorted((r["name"], float(r["lon"]), float(r["lat"])) for r in rows
                  if counts[r["name"]] == 1 and len(r["name"]) >= 3 and r["name"] not in exclude)
    return random.Random(seed).sample(pool, n)


def _share_within(pairs, limit_km: float) -> float:
    ok = 0
    for name, (lon, lat) in pairs:
        p = locate(name)
        pt = p.geometry
        if pt.geom_type == "Point" and not pt.is_empty and haversine_m(pt.x, pt.y, lon, lat) <= limit_km * 1000:
            ok += 1
    return ok / len(pairs)


def test_thirty_stations_and_airports_are_placed_at_their_site():
    points = _airport_points()
    stations = [(f"{n}站", (lon, lat)) for n, lon, lat in _stations(seed=14, n=18)]
    airports = [(name, points[code]) for name, code in AIRPORTS.items()]
    assert len(stations) + len(airports) == 30
    assert _share_within(stations, 2.0) >= 0.9
    assert _share_within(airports, 3.0) >= 0.9


def test_held_out_stations_and_airports_are_placed_the_same_way():
    points = _airport_points()
    first = {n for n, _, _ in _stations(seed=14, n=18)}
    stations = [(f"{n}站", (lon, lat)) for n, lon, lat in _stations(seed=2026, n=60, exclude=first)]
    assert _share_within(stations, 2.0) >= 0.9
    airports = [(name, points[code]) for name, code in HELD_OUT_AIRPORTS.items()]
    assert _share_within(airports, 3.0) >= 0.9


def test_station_placement_says_where_it_comes_from():
    p = locate("成都东站")
    assert p.precision == "exact" and "openstreetmap.org" in p.source
    assert p.counties == ["510108"]  # 成华区


def test_station_in_a_project_name_and_home_region():
    p = locate("沈阳北站改造工程", region="210100")
    assert p.precision == "exact"
    assert haversine_m(p.geometry.x, p.geometry.y, 123.4293, 41.8171) < 1000


@pytest.mark.parametrize("name", ["加油站", "污水处理站", "汽车站", "机场路", "通用机场", "新机场"])
def test_things_that_are_not_stations_or_airports(name):
    index = transport_index()
    assert index.station_in(name, None) is None
    assert index.airport_in(name, None) is None


def test_airport_named_after_its_city_but_outside_it_is_still_found():
    # 拉萨贡嘎 lies in 山南市, 60 km from Lhasa
    feat = transport_index().airport_in("拉萨贡嘎国际机场")
    assert feat is not None and feat.id == "ourairports:ZULS" and feat.county_adcodes[0].startswith("5405")


def test_airport_with_a_shared_word_picks_the_city_one():
    feat = transport_index().airport_in("天津滨海国际机场")
    assert feat is not None and feat.id == "ourairports:ZBTJ"


def test_airport_without_city_uses_the_home_region():
    feat = transport_index().airport_in("双流机场", None)
    assert feat is not None and feat.id == "ourairports:ZUUU"


def test_city_airport_without_its_name_is_only_a_served_airport():
    index = transport_index()
    wuhan = index.airport_in("武汉机场")
    assert wuhan is not None and wuhan.id == "ourairports:ZHHH"
    # Leshan's only field in the data is a small airfield in 夹江: 乐山机场 (the new one) is not it
    assert index.airport_in("乐山机场") is None


def test_airport_named_after_the_district_next_to_it():
    """重庆江北国际机场 lies in 渝北区, next to 江北区: a 重庆 plan's 江北国际机场 is it; a
    district of another province (宁波's 江北区, 广州's 天河区) does not claim a name."""
    from planmap.models import Region

    chongqing = Region("500000", "重庆市", "province")
    feat = transport_index().airport_in("江北国际机场T3B航站楼", chongqing)
    assert feat is not None and feat.id == "ourairports:ZUCK"
    hubei = Region("420000", "湖北省", "province")
    feat = transport_index().airport_in("天河国际机场", hubei)
    assert feat is not None and feat.id == "ourairports:ZHHH"


@pytest.mark.parametrize("name, home, iata", [
    ("合肥机场", "340000", "HFE"),        # an air base of the city is rated "medium" too: the IATA-coded field is meant
    ("伊宁机场", "650000", "YIN"),        # OurAirports rates it "small"
    ("杭州机场", "330000", "HGH"),        # not 建德's general-aviation field, though it has a code
    ("绥化机场", "230000", None),         # 肇东's general-aviation field is not the city's airport being built
])
def test_a_city_airport_is_the_citys_scheduled_service_field(name, home, iata):
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    feat = transport_index().airport_in(name, gaz.unit(home).region(), gaz)
    assert (feat.aliases[0] if feat else None) == iata
