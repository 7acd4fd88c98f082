"""The named-features layer: validation that names the bad row, lookup, and user overrides."""
from __future__ import annotations

from pathlib import Path

import pytest

from planmap.errors import GazetteerError
from planmap.models import Region
from planmap.paths import geodata_dir
from planmap.reference.datum import haversine_m
from planmap.reference.features import FeatureIndex, feature_index, load_features, source_allowed

HEADER = "id,name,aliases,category,kind,wkt,datum,precision,province,city_adcode,county_adcodes,source_url,note\n"


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "features.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_shipped_features_load_and_every_row_has_a_source():
    feats = load_features(geodata_dir() / "features.csv")
    assert len(feats) >= 30
    assert all(f.source_url.startswith("http") for f in feats)
    assert all(f.geometry is None or f.geometry.is_valid for f in feats)


def test_every_shipped_source_is_on_the_allow_list():
    bad = [(f.id, url) for f in load_features(geodata_dir() / "features.csv")
           for url in f.source_url.split() if not source_allowed(url)]
    assert bad == []


@pytest.mark.parametrize("url, ok", [
    ("https://en.wikipedia.org/wiki/Tieling", True),
    ("https://jw.shenyang.gov.cn/zwgk/x.html", True),
    ("https://www.openstreetmap.org/node/1", True),
    ("https://github.com/OpenQGIS/OMap-GeoDB", True),
    ("https://github.com/someone/else", False),
    ("http://tsdianying02.cn/x.html", False),
    ("http://kkbbk.com/doc-view-1.html", False),
    ("https://www.dzpiao.com/x", False),
    ("https://gov.cn.evil.example/x", False),
    ("https://notwikipedia.org/wiki/x", False),
    ("ftp://en.wikipedia.org/x", False),
])
def test_source_allow_list(url, ok):
    assert source_allowed(url) is ok


def test_zone_hosts_resolve_to_their_districts():
    index = feature_index()
    assert index.named("本溪高新区")[0].county_adcodes == ("210503",)
    from planmap.reference.zones import zone_index

    # a zone row of geodata/zone_hosts.csv, its short names generated from place and kind
    assert [z.county_adcodes for z in zone_index().named("新乡高新区")] == [("410702",)]
    assert [z.county_adcodes for z in zone_index().named("长沙经开区")] == [("430121",)]


def test_shenyang_station_is_where_openstreetmap_has_it():
    (station,) = feature_index().named("沈阳站")
    # OSM 沈阳 station: 123.38752 41.792502; the old row was a GCJ-02 point 0.6 km east
    assert haversine_m(station.geometry.x, station.geometry.y, 123.38752, 41.792502) < 100


def test_bad_geometry_names_the_file_and_row(tmp_path):
    path = _write(tmp_path,
                  'ok,甲公园,,park_green,area,POINT(123.7 42.2),wgs84,approx,辽宁省,211200,211221,https://example.org/a,',
                  'bad,乙公园,,park_green,area,POINT(123.7 ),wgs84,approx,辽宁省,211200,211221,https://example.org/b,')
    with pytest.raises(GazetteerError, match=r"features\.csv, row 3 \(id bad\): bad geometry"):
        load_features(path)


def test_lat_lon_swapped_is_caught(tmp_path):
    path = _write(tmp_path, 'x,丙桥,,bridge,point,POINT(42.2 123.7),wgs84,exact,,,,https://example.org/c,')
    with pytest.raises(GazetteerError, match="row 2.*outside China"):
        load_features(path)


def test_row_without_source_is_refused(tmp_path):
    path = _write(tmp_path, 'x,丁路,,road,line,,,county,,,211221,,')
    with pytest.raises(GazetteerError, match="source_url"):
        load_features(path)


def test_gcj02_rows_are_converted_to_wgs84(tmp_path):
    path = _write(tmp_path, 'g,戊站,,railway,point,POINT(123.436137 41.802430),gcj02,exact,,,,https://example.org/g,')
    (feat,) = load_features(path)
    assert feat.geometry.x == pytest.approx(123.43, abs=1e-5)
    assert feat.geometry.y == pytest.approx(41.80, abs=1e-5)


def test_overrides_win_over_shipped_rows(tmp_path):
    shipped = load_features(_write(tmp_path, 'p,己公园,己园,park_green,area,POINT(123.70 42.20),wgs84,approx,,,211221,https://example.org/p,'))
    over_dir = tmp_path / "o"
    over_dir.mkdir()
    overrides = load_features(_write(over_dir, 'p,己公园,己园,park_green,area,POINT(123.80 42.30),wgs84,exact,,,211221,https://example.org/q,'),
                              origin="overrides")
    index = FeatureIndex(shipped, overrides)
    (hit,) = index.named("己园")
    assert hit.origin == "overrides" and hit.precision == "exact" and hit.geometry.x == pytest.approx(123.8)


# ---------------------------------------------------------------- user overrides are validated

def _override(tmp_path: Path, body: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "overrides.csv"
    data = body if isinstance(body, bytes) else (HEADER + body).encode(encoding)
    path.write_bytes(data)
    return path


def test_override_point_outside_its_county_is_refused(tmp_path):
    # a point in Urumqi filed under 银州区 (211202)
    path = _override(tmp_path, "u,乌市点,,other,point,POINT(87.6 43.8),wgs84,exact,,,211202,https://example.org/u,\n")
    with pytest.raises(GazetteerError, match=r"overrides\.csv, row 2 \(id u\):.*outside its stated county.*211202"):
        load_features(path, origin="overrides")


def test_override_point_inside_its_county_is_kept(tmp_path):
    path = _override(tmp_path, "u,银州点,,other,point,POINT(123.8424 42.2866),wgs84,exact,,,211202,https://example.org/u,\n")
    (feat,) = load_features(path, origin="overrides")
    assert feat.county_adcodes == ("211202",)


def test_override_with_unknown_county_code_is_refused(tmp_path):
    path = _override(tmp_path, "u,点,,other,point,POINT(123.8424 42.2866),wgs84,exact,,,999999,https://example.org/u,\n")
    with pytest.raises(GazetteerError, match="row 2.*999999 is not a known county"):
        load_features(path, origin="overrides")


def test_gbk_override_file_gets_one_clear_line(tmp_path):
    path = _override(tmp_path, "u,银州点,,other,point,POINT(123.8424 42.2866),wgs84,exact,,,211202,https://example.org/u,\n",
                     encoding="gbk")
    with pytest.raises(GazetteerError) as err:
        load_features(path, origin="overrides")
    message = str(err.value)
    assert "\n" not in message and str(path) in message and "row 2" in message and "UTF-8" in message
    assert "GBK" in message


def test_short_override_row_names_the_row(tmp_path):
    path = _override(tmp_path, "a,银州点,,other,point,POINT(123.8424 42.2866),wgs84,exact,,,211202,https://example.org/u,\n"
                               "b,短行,,other,point\n")
    with pytest.raises(GazetteerError, match=r"row 3 \(id b\): short row, no value for wkt"):
        load_features(path, origin="overrides")


def test_override_row_with_extra_cells_names_the_row(tmp_path):
    path = _override(tmp_path, "a,银州点,,other,point,POINT(123.8 42.28),wgs84,exact,,,211202,https://example.org/u,note,extra\n")
    with pytest.raises(GazetteerError, match=r"row 2 \(id a\): 14 cells where the header has 13"):
        load_features(path, origin="overrides")


def test_override_missing_columns_are_named(tmp_path):
    path = _override(tmp_path, b"id,name,wkt\nx,y,POINT(123 42)\n")
    with pytest.raises(GazetteerError, match="missing columns aliases, category"):
        load_features(path, origin="overrides")


def test_override_path_that_is_missing_or_a_folder_is_an_error(tmp_path):
    feature_index.cache_clear()
    with pytest.raises(GazetteerError, match="cannot open"):
        feature_index(None, str(tmp_path / "nope.csv"))
    with pytest.raises(GazetteerError, match="is a folder"):
        feature_index(None, str(tmp_path))


# ------------------------------------------------------------------ power plants (OpenStreetMap)

def _plants(tmp_path: Path, *rows: str):
    from planmap.reference.plants import PlantIndex

    (tmp_path / "power_plants.csv").write_text(
        "name,source,lon,lat,county_adcode,osm_polygons\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return PlantIndex(tmp_path, openings=("国投", "华电", "辽宁", "广西"))


def test_a_plant_is_found_by_the_place_it_is_named_after(tmp_path):
    """OSM names the company (国投甲州发电有限公司); a plan writes 甲州电厂: same place, same kind."""
    idx = _plants(tmp_path,
                  "国投甲州发电有限公司,coal,108.6,21.7,450702,1",
                  "乙滩水力发电厂,hydro,107.0,25.0,451222,1",
                  "辽宁华电丙岭发电有限公司,coal,123.8,42.3,211221,1")
    guangxi, liaoning = Region("450000", "广西壮族自治区", "province"), Region("211200", "铁岭市", "city")
    assert idx.plant_in("甲州电厂扩建", guangxi).county_adcodes == ("450702",)
    assert idx.plant_in("乙滩水电站升船机", guangxi).county_adcodes == ("451222",)
    assert idx.plant_in("丙岭电厂供热管网", liaoning).county_adcodes == ("211221",)
    # the kind must agree: 乙滩 is a hydro plant, not a coal one; and a plant of another province is not ours
    assert idx.plant_in("乙滩电厂", guangxi) is None
    assert idx.plant_in("甲州电厂扩建", liaoning) is None


def test_a_plant_name_shared_by_two_counties_places_nothing(tmp_path):
    idx = _plants(tmp_path, "丁河水电站,hydro,107.0,25.0,451222,1", "丁河水电站,hydro,108.0,24.0,451381,1")
    assert idx.plant_in("丁河水电站改造", Region("450000", "广西壮族自治区", "province")) is None


def test_shipped_plants_place_a_hydro_and_a_nuclear_plant():
    from planmap.reference.plants import plant_index

    guangxi = Region("450000", "广西壮族自治区", "province")
    assert plant_index().plant_in("龙滩水电站扩机", guangxi).county_adcodes == ("451222",)  # 天峨县
    assert plant_index().plant_in("防城港核电站五号机组", guangxi).county_adcodes == ("450602",)  # 港口区
    assert all(source_allowed(u) for u in plant_index().plant_in("龙滩水电站扩机", guangxi).source_url.split())


def test_a_plant_outside_the_home_province_counts_only_when_the_name_names_its_province(tmp_path):
    idx = _plants(tmp_path, "乙滩水力发电厂,hydro,107.0,25.0,451222,1")
    hunan = Region("430000", "湖南省", "province")
    assert idx.plant_in("乙滩水电站扩机", hunan) is None
    assert idx.plant_in("广西乙滩水电站扩机", hunan).county_adcodes == ("451222",)


def test_shipped_plants_are_found_by_the_names_plans_write():
    """A reproducible sample of hydro and nuclear plants whose place and kind are unique in their
    province, written the plan way (X水电站 / X核电), comes back in the county OSM puts it in."""
    import csv
    import random

    from planmap.reference.plants import plant_index

    idx = plant_index()
    pool = []
    for (place, kind), plants in idx.by_place.items():
        counties = {p.county_adcode for p in plants}
        if kind in ("hydro", "nuclear") and len(place) >= 2 and len(counties) == 1:
            prov = plants[0].county_adcode[:2]
            if len({p.county_adcode for k, ps in idx.by_place.items() if k == (place, kind) for p in ps
                    if p.county_adcode[:2] == prov}) == 1:
                pool.append((place, kind, plants[0].county_adcode))
    assert len(pool) >= 100
    sample = random.Random(7).sample(sorted(pool), 40)
    found = 0
    for place, kind, county in sample:
        written = place + ("水电站扩建" if kind == "hydro" else "核电二期")
        feat = idx.plant_in(written, Region(county[:2] + "0000", "", "province"))
        found += feat is not None and feat.county_adcodes == (county,)
    assert found / len(sample) >= 0.9
    with (geodata_dir() / "power_plants.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 2000 and all(len(r["county_adcode"]) == 6 for r in rows)
