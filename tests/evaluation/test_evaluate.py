"""Tests of planmap.evaluation.evaluate: the gold README's scoring rules, on small hand-made files."""
from __future__ import annotations

import csv
import itertools
import json
import os
from pathlib import Path

import pytest

from planmap.errors import PlanmapError
from planmap.evaluation.evaluate import (
    GOLD_COLUMNS,
    Prediction,
    evaluate,
    format_report,
    geodesic_km,
    load_gold,
    load_predictions,
    main_evaluate,
    normalise_name,
    point_to_line_km,
    score_extraction,
    score_locations,
    score_regions,
)

DOC = "001_test"
_IDS = itertools.count(1)
REAL_GOLD = Path(__file__).resolve().parents[3] / "shared" / "eval" / "gold"


def gold_row(name: str, **kw: str) -> dict[str, str]:
    row = {c: "" for c in GOLD_COLUMNS}
    row.update(
        doc=f"{DOC}.txt", id=kw.pop("id", f"r{next(_IDS)}"), name=name,
        category="other", geom="area", province="辽宁省", city="铁岭市", county="铁岭县",
        county_adcodes="211221", lon="123.7", lat="42.2", precision="county", core="yes",
    )
    row.update(kw)
    return row


def write_gold(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(GOLD_COLUMNS))
        w.writeheader()
        w.writerows(rows)
    return path


def gold(tmp_path: Path, rows: list[dict[str, str]]):
    return load_gold(write_gold(tmp_path / f"{DOC}.gold.csv", rows))


def preds(*names: str, **kw) -> list[Prediction]:
    return [Prediction(name=n, plan=DOC, **kw) for n in names]


# --------------------------------------------------------------------------- names


def test_normalise_name_punctuation_and_spaces() -> None:
    variants = ["淮安—铁岭工业园", "淮安-铁岭工业园", "淮安铁岭工业园", "淮安 — 铁岭 工业园", "淮安·铁岭工业园"]
    assert {normalise_name(v) for v in variants} == {"淮安铁岭工业园"}
    assert normalise_name("中国梅花鹿（西丰）现代农业产业园") == "中国梅花鹿西丰现代农业产业园"
    assert normalise_name("“卡脖路”、《规划》【一】〔二〕；：。，") == "卡脖路规划一二"
    assert normalise_name("") == "" and normalise_name(None) == ""


def test_names_match_script_insensitively(tmp_path: Path) -> None:
    """Traditional script reads as simplified (the reference scorer uses OpenCC t2s)."""
    assert normalise_name("武漢動物園") == "武汉动物园"
    g = gold(tmp_path, [gold_row("光谷綠道公園")])
    s = score_extraction(preds("光谷绿道公园"), g)
    assert (s.tp, s.fp, s.fn) == (1, 0, 0)


# --------------------------------------------------------------------------- extraction


def test_exact_match(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("铁岭经济技术开发区"), gold_row("汽车零部件产业园")])
    s = score_extraction(preds("铁岭经济技术开发区", "汽车零部件产业园"), g)
    assert (s.tp, s.fp, s.fn) == (2, 0, 0)
    assert s.precision == s.recall == s.f1 == 1.0
    assert [m.kind for m in s.matches] == ["exact", "exact"]


def test_containment_both_ways(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("沈阳至金宝屯铁路(调兵山段)"), gold_row("寇河")])
    s = score_extraction(preds("沈阳至金宝屯铁路", "寇河等水生态环境保护与治理"), g)
    assert (s.tp, s.fp, s.fn) == (2, 0, 0)
    kinds = {m.gold.name: m.kind for m in s.matches}
    assert kinds == {"沈阳至金宝屯铁路(调兵山段)": "pred_in_gold", "寇河": "gold_in_pred"}


def test_punctuation_variants_match(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("淮安—铁岭工业园")])
    for name in ("淮安-铁岭工业园", "淮安铁岭工业园", "淮安 — 铁岭工业园"):
        s = score_extraction(preds(name), g)
        assert (s.tp, s.fp, s.fn, s.matches[0].kind) == (1, 0, 0, "exact"), name


def test_alias_match(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("开原至调兵山市高速公路", aliases="辽开高速公路西延|开调高速")])
    s = score_extraction(preds("辽开高速公路西延"), g)
    assert (s.tp, s.fp, s.fn) == (1, 0, 0)
    assert s.matches[0].kind == "exact_alias" and s.matches[0].via == "辽开高速公路西延"


def test_no_match_is_false_positive_and_miss(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("铁岭大数据中心")])
    s = score_extraction(preds("沈北大学城"), g)
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)
    assert s.missed == ["铁岭大数据中心"] and s.spurious == ["沈北大学城"]
    assert s.precision == s.recall == s.f1 == 0.0


def test_core_no_is_neutral(tmp_path: Path) -> None:
    g = gold(tmp_path, [
        gold_row("铁岭经济技术开发区"),
        gold_row("凡河新区", core="no"),
        gold_row("老旧小区改造", core="no"),
    ])
    s = score_extraction(preds("铁岭经济技术开发区", "凡河新区"), g)
    # the core=no row matched: no credit, no penalty; the unmatched core=no row: no miss
    assert (s.tp, s.fp, s.fn) == (1, 0, 0)
    assert s.precision == s.recall == 1.0
    assert s.neutral == ["凡河新区"]
    assert [m.gold.name for m in s.matches] == ["铁岭经济技术开发区"]


def test_duplicate_predictions(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("西丰县通用机场", aliases="西丰通用机场"), gold_row("昌图县通用机场")])
    s = score_extraction(
        preds("西丰县通用机场", "西丰县 通用机场", "西丰通用机场", "西丰县通用机场工程"), g
    )
    # as the reference scorer counts them: every further copy of a found project is false
    assert (s.tp, s.fp, s.fn) == (1, 3, 1)
    assert s.neutral == []
    assert s.missed == ["昌图县通用机场"]


def test_one_to_one_prefers_exact_match(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("绿色食品产业园"), gold_row("开原市绿色食品产业园")])
    s = score_extraction(preds("绿色食品产业园", "开原市绿色食品产业园"), g)
    assert (s.tp, s.fp, s.fn) == (2, 0, 0)
    assert all(m.kind == "exact" for m in s.matches)


def test_empty_predictions_give_zero_without_error(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("丰华街"), gold_row("振中路")])
    s = score_extraction([], g)
    assert (s.tp, s.fp, s.fn) == (0, 0, 2)
    assert s.recall == 0.0 and s.f1 == 0.0 and s.precision == 0.0


def test_empty_name_never_matches(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("丰华街")])
    s = score_extraction(preds("", "（）"), g)
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)  # a record with no name is no prediction; "（）" names nothing


def test_nothing_to_find_nothing_claimed(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("凡河新区", core="no")])
    s = score_extraction([], g)
    assert (s.tp, s.fp, s.fn) == (0, 0, 0)
    assert s.precision == s.recall == s.f1 == 1.0


# --------------------------------------------------------------------------- regions


def test_county_accuracy_with_city_precision_rows(tmp_path: Path) -> None:
    g = gold(tmp_path, [
        gold_row("开原市五金城", county="开原市", county_adcodes="211282"),
        gold_row("调兵山沈康高速公路连接线", county_adcodes="211281|210124", city="铁岭市|沈阳市"),
        gold_row("铁岭县通用机场", county_adcodes="211221"),
        gold_row("淮安—铁岭工业园", county="", county_adcodes="", precision="city"),
        gold_row("铁岭大数据中心", county="", county_adcodes="", precision="city"),
        gold_row("农业会展中心", county="", county_adcodes="", precision="city"),
        gold_row("沈铁货运中心", county="", county_adcodes="", precision="city"),
        gold_row("凡河新区", core="no"),
    ])
    p = [
        Prediction("开原市五金城", DOC, county_adcodes=["211282"]),  # right
        Prediction("调兵山沈康高速公路连接线", DOC, counties=["210124"]),  # one of two: right
        Prediction("铁岭县通用机场", DOC, counties=["开原市"], county_adcodes=["211282"]),  # wrong
        Prediction("淮安铁岭工业园", DOC, city="铁岭市"),  # city by name: right
        Prediction("铁岭大数据中心", DOC, city_adcode="211200", city="铁岭市"),  # right
        Prediction("农业会展中心", DOC, county_adcodes=["211204"], city="铁岭市"),  # right
        Prediction("沈铁货运中心", DOC, city="沈阳市"),  # wrong city
        Prediction("凡河新区", DOC),  # core=no: not counted
    ]
    s = score_extraction(p, g)
    r = score_regions(s.matches)
    assert (r.n, r.correct) == (7, 5)
    assert r.accuracy == pytest.approx(5 / 7)
    assert sorted(w["gold"] for w in r.wrong) == ["沈铁货运中心", "铁岭县通用机场"]
    # a city-only row without codes is judged by the city's name, as the reference does
    nameless = score_regions(score_extraction([Prediction("铁岭大数据中心", DOC, city_adcode="211200")], g).matches)
    assert (nameless.n, nameless.correct) == (1, 0)


def test_prediction_without_region_is_wrong(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("开原市五金城", county_adcodes="211282")])
    r = score_regions(score_extraction(preds("开原市五金城"), g).matches)
    assert (r.n, r.correct, r.accuracy) == (1, 0, 0.0)


def test_no_matches_gives_no_accuracy() -> None:
    r = score_regions([])
    assert (r.n, r.accuracy) == (0, None)


# --------------------------------------------------------------------------- locations


def test_geodesic_one_degree_of_latitude() -> None:
    km = geodesic_km(123.7, 41.5, 123.7, 42.5)
    assert 110.9 < km < 111.1


def test_location_shares_and_median(tmp_path: Path) -> None:
    g = gold(tmp_path, [
        gold_row("甲公园", lon="123.7", lat="42.0", precision="exact"),
        gold_row("乙公园", lon="123.7", lat="42.0", precision="approx"),
        gold_row("丙公园", lon="123.7", lat="42.0", precision="approx"),
        gold_row("丁公园", lon="123.7", lat="42.0", precision="county"),  # not scored
        gold_row("戊公园", lon="123.7", lat="42.0", precision="exact"),  # no predicted point
    ])
    p = [
        Prediction("甲公园", DOC, lon=123.7, lat=42.0),
        Prediction("乙公园", DOC, lon=123.7, lat=42.1),  # ~11.1 km
        Prediction("丙公园", DOC, lon=123.7, lat=43.0),  # ~111 km
        Prediction("丁公园", DOC, lon=100.0, lat=30.0),
        Prediction("戊公园", DOC),
    ]
    loc = score_locations(score_extraction(p, g).matches)
    assert loc.n == 3 and loc.n_without_point == 1
    assert loc.within_5km == pytest.approx(1 / 3)
    assert loc.within_25km == pytest.approx(2 / 3)
    assert loc.median_km == pytest.approx(geodesic_km(123.7, 42.0, 123.7, 42.1), rel=0.01)
    assert 11.0 < loc.median_km < 11.2
    assert dict(loc.errors)["甲公园"] == 0.0


def test_point_to_line_distance_matches_geodesic() -> None:
    from shapely.geometry import LineString

    meridian = LineString([(120.1, 39.0), (120.1, 41.0)])
    expected = geodesic_km(120.0, 40.0, 120.1, 40.0)  # ~8.5 km east
    assert 8.4 < expected < 8.6
    assert point_to_line_km(120.0, 40.0, meridian) == pytest.approx(expected, abs=0.01)
    # beyond the end of a line the nearest point is its end
    assert point_to_line_km(120.1, 38.0, meridian) == pytest.approx(
        geodesic_km(120.1, 38.0, 120.1, 39.0), abs=0.01
    )


def test_line_waypoint_metric(tmp_path: Path) -> None:
    from shapely.geometry import LineString

    g = gold(tmp_path, [
        gold_row("沈铁城际铁路", geom="line", lon="120.5", lat="40.0", precision="approx",
                 waypoints="120.0 40.0;120.5 40.0;121.0 40.0"),
        gold_row("沈铁二号线", geom="line", lon="120.5", lat="41.0", precision="approx",
                 waypoints="120.0 41.0;121.0 41.0"),
    ])
    on_line = LineString([(120.0, 40.0), (121.0, 40.0)])
    short = LineString([(120.0, 41.0), (120.5, 41.0)])  # stops half-way
    p = [Prediction("沈铁城际铁路", DOC, geometry=on_line, lon=120.5, lat=40.0),
         Prediction("沈铁二号线", DOC, geometry=short, lon=120.25, lat=41.0)]
    loc = score_locations(score_extraction(p, g).matches)
    errs = dict(loc.line_errors)
    assert loc.n_lines == 2
    assert errs["沈铁城际铁路"] < 0.5  # the middle waypoint sits ~0.3 km off the geodesic chord
    assert errs["沈铁二号线"] == pytest.approx(geodesic_km(121.0, 41.0, 120.5, 41.0), rel=0.01)
    assert loc.line_max_km == errs["沈铁二号线"]


# --------------------------------------------------------------------------- loading


def test_load_gold_parses_columns(tmp_path: Path) -> None:
    g = gold(tmp_path, [gold_row("沈铁城际铁路", aliases="沈铁城际|城际铁路", county_adcodes="210113|211221",
                                 waypoints="123.5 41.9;123.7 42.2", geom="line", lon="", lat="")])
    row = g[0]
    assert row.aliases == ["沈铁城际", "城际铁路"]
    assert row.county_adcodes == ["210113", "211221"]
    assert row.waypoints == [(123.5, 41.9), (123.7, 42.2)]
    assert row.lon is None and row.lat is None and row.core is True
    assert row.doc_key == DOC


@pytest.mark.parametrize(
    "change, words",
    [
        ({"lon": "east"}, "lon/lat"),
        ({"core": "maybe"}, "core"),
        ({"waypoints": "123.5,41.9"}, "waypoints"),
        ({"county_adcodes": "2112"}, "county_adcodes"),
        ({"precision": "rough"}, "precision"),
        ({"name": ""}, "empty name"),
    ],
)
def test_load_gold_malformed_names_file_and_row(tmp_path: Path, change: dict, words: str) -> None:
    bad = gold_row("振中路")
    bad.update(change)
    path = write_gold(tmp_path / "bad.gold.csv", [gold_row("丰华街"), bad])
    with pytest.raises(PlanmapError) as err:
        load_gold(path)
    assert "bad.gold.csv" in str(err.value) and "row 2" in str(err.value)
    assert words in str(err.value)


def test_load_gold_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.gold.csv"
    path.write_text("title,text\na,b\n", encoding="utf-8")
    with pytest.raises(PlanmapError, match="x.gold.csv"):
        load_gold(path)


def test_load_predictions_json_forms(tmp_path: Path) -> None:
    recs = [{"name": "丰华街", "plan": DOC, "county_adcodes": "410702|410703", "lon": 113.8, "lat": 35.3},
            {"name": "振中路", "counties": ["410702"], "geometry": {"type": "Point", "coordinates": [113.9, 35.2]}}]
    (tmp_path / "a.json").write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"projects": recs}, ensure_ascii=False), encoding="utf-8")
    for f in ("a.json", "b.json"):
        p = load_predictions(tmp_path / f)
        assert [x.name for x in p] == ["丰华街", "振中路"]
        assert p[0].county_adcodes == ["410702", "410703"] and p[0].point == (113.8, 35.3)
        assert p[1].point == (113.9, 35.2) and p[1].all_county_codes() == {"410702"}
        assert p[0].plan == DOC and p[1].plan == Path(f).stem  # no plan: the file's stem


def test_load_predictions_geojson_points(tmp_path: Path) -> None:
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "线", "plan": DOC},
         "geometry": {"type": "LineString", "coordinates": [[120, 40], [120, 41], [121, 41]]}},
        {"type": "Feature", "properties": {"name": "面"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}},
        {"type": "Feature", "properties": {"name": "点"},
         "geometry": {"type": "Point", "coordinates": [1.5, 2.5]}},
        {"type": "Feature", "properties": {"name": "无"}, "geometry": None},
    ]}
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    line, poly, point, none = load_predictions(path)
    assert line.point == pytest.approx((120.0, 41.0))  # half-way along the line
    assert line.geometry.geom_type == "LineString"
    assert poly.geometry.contains(__import__("shapely").geometry.Point(poly.point))
    assert point.point == (1.5, 2.5)
    assert none.point is None and none.geometry is None


def test_load_predictions_csv_with_wkt(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "name,plan,county_adcodes,city,wkt\n"
        "丰华街,001_test,410702,新乡市,\"LINESTRING (113 35, 114 35)\"\n"
        "启明小区,001_test,410702|410703,,POINT (113.9 35.3)\n",
        encoding="utf-8",
    )
    a, b = load_predictions(path)
    assert a.point == pytest.approx((113.5, 35.0)) and a.city == "新乡市"
    assert b.point == pytest.approx((113.9, 35.3)) and b.county_adcodes == ["410702", "410703"]


@pytest.mark.parametrize(
    "name, text",
    [("bad.json", "{not json"), ("bad2.json", '{"foo": 1}'), ("bad.csv", "title\nx\n"),
     ("bad3.json", '[{"name": "x", "geometry": "POINT (1"}]')],
)
def test_load_predictions_malformed(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(PlanmapError, match=name.replace(".", r"\.")):
        load_predictions(tmp_path / name)


# --------------------------------------------------------------------------- evaluate


def two_doc_gold(folder: Path) -> Path:
    folder.mkdir()
    write_gold(folder / "A.gold.csv", [
        gold_row("丰华街", doc="A.txt", id="a1", county_adcodes="410702", lon="113.87", lat="35.30",
                 precision="exact"),
        gold_row("振中路", doc="A.txt", id="a2", county_adcodes="410702"),
    ])
    write_gold(folder / "B.gold.csv", [
        gold_row("启明小区", doc="B.txt", id="b1", county_adcodes="410702"),
        gold_row("纬七路", doc="B.txt", id="b2", county_adcodes="410702"),
    ])
    return folder


def test_folder_pairing_and_micro_average(tmp_path: Path) -> None:
    gold_dir = two_doc_gold(tmp_path / "gold")
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    (pred_dir / "A.json").write_text(json.dumps([
        {"name": "丰华街", "county_adcodes": ["410702"], "lon": 113.87, "lat": 35.30},
        {"name": "振中路", "county_adcodes": ["410703"]},
        {"name": "纺织路"},
    ], ensure_ascii=False), encoding="utf-8")
    (pred_dir / "B.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "启明小区", "counties": "410702"},
         "geometry": {"type": "Point", "coordinates": [113.8, 35.3]}},
    ]}, ensure_ascii=False), encoding="utf-8")
    report = evaluate(pred_dir, gold_dir)
    by = {d.doc: d for d in report.docs}
    assert set(by) == {"A", "B"}
    assert (by["A"].extraction.tp, by["A"].extraction.fp, by["A"].extraction.fn) == (2, 1, 0)
    assert (by["B"].extraction.tp, by["B"].extraction.fp, by["B"].extraction.fn) == (1, 0, 1)
    o = report.overall
    assert (o.extraction.tp, o.extraction.fp, o.extraction.fn) == (3, 1, 1)
    assert o.extraction.precision == pytest.approx(0.75) and o.extraction.recall == pytest.approx(0.75)
    assert (o.regions.n, o.regions.correct) == (3, 2)
    assert o.locations.n == 1 and o.locations.median_km == pytest.approx(0.0)
    text = format_report(report)
    assert "overall" in text and "纺织路" in text and "纬七路" in text
    json.dumps(report.to_dict(), ensure_ascii=False)


def test_single_file_of_many_plans(tmp_path: Path) -> None:
    gold_dir = two_doc_gold(tmp_path / "gold")
    pred = tmp_path / "all.json"
    pred.write_text(json.dumps([
        {"name": "丰华街", "plan": "A"}, {"name": "振中路", "plan": "A.txt"},
        {"name": "启明小区", "plan": "B"}, {"name": "纬七路", "plan": "B"},
        {"name": "别的", "plan": "C"},
    ], ensure_ascii=False), encoding="utf-8")
    report = evaluate(pred, gold_dir)
    assert report.overall.extraction.f1 == 1.0
    assert report.unscored_plans == ["C"]


def test_missing_document_scored_as_empty(tmp_path: Path) -> None:
    gold_dir = two_doc_gold(tmp_path / "gold")
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    (pred_dir / "A.csv").write_text("name\n丰华街\n振中路\n", encoding="utf-8")
    report = evaluate(pred_dir, gold_dir)
    by = {d.doc: d for d in report.docs}
    assert by["A"].extraction.f1 == 1.0 and by["A"].has_predictions
    assert by["B"].extraction.recall == 0.0 and not by["B"].has_predictions
    assert any("B" in w and "no predictions" in w for w in report.warnings)
    assert report.overall.extraction.recall == pytest.approx(0.5)


def test_single_files_pair_whatever_their_names(tmp_path: Path) -> None:
    gold_dir = two_doc_gold(tmp_path / "gold")
    pred = tmp_path / "out.json"
    pred.write_text(json.dumps([{"name": "丰华街"}], ensure_ascii=False), encoding="utf-8")
    report = evaluate(pred, gold_dir / "A.gold.csv")
    assert [d.doc for d in report.docs] == ["A"]
    assert report.docs[0].extraction.tp == 1


def test_main_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold_dir = two_doc_gold(tmp_path / "gold")
    pred = tmp_path / "all.json"
    pred.write_text(json.dumps([{"name": "丰华街", "plan": "A"}], ensure_ascii=False), encoding="utf-8")
    assert main_evaluate(str(pred), str(gold_dir)) == 0
    assert "overall" in capsys.readouterr().out
    assert main_evaluate(str(pred), str(gold_dir), as_json=True) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"]["extraction"]["tp"] == 1
    assert main_evaluate(str(tmp_path / "nope.json"), str(gold_dir)) == 2
    err = capsys.readouterr().err.strip()
    assert "nope.json" in err and len(err.splitlines()) == 1


# --------------------------------------------------------------------------- real gold


def test_real_gold_scored_against_itself(tmp_path: Path) -> None:
    if not REAL_GOLD.is_dir() or not list(REAL_GOLD.glob("*.gold.csv")):
        if os.environ.get("CI"):
            pytest.fail(f"gold annotations missing at {REAL_GOLD}")
        pytest.skip(f"gold annotations not found at {REAL_GOLD}")
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    n_lines = 0
    core_no = []
    for f in sorted(REAL_GOLD.glob("*.gold.csv")):
        records = []
        for g in load_gold(f):
            if not g.core:
                core_no.append(g)
            rec = {"name": g.name, "plan": g.doc_key, "county_adcodes": g.county_adcodes,
                   "city": g.city.split("|")[0], "lon": g.lon, "lat": g.lat}
            if len(g.waypoints) >= 2:
                rec["geometry"] = {"type": "LineString", "coordinates": [list(w) for w in g.waypoints]}
                n_lines += g.core and g.precision in ("exact", "approx")
            records.append(rec)
        (pred_dir / (f.name.removesuffix(".gold.csv") + ".json")).write_text(
            json.dumps(records, ensure_ascii=False), encoding="utf-8"
        )
    report = evaluate(pred_dir, REAL_GOLD)
    for d in [*report.docs, report.overall]:
        e = d.extraction
        assert (e.precision, e.recall, e.f1) == (1.0, 1.0, 1.0), (d.doc, e.missed, e.spurious)
        assert e.fp == 0
        assert e.neutral == [m.name for m in core_no if d.doc in ("overall", m.doc_key)]
        assert all(m.kind == "exact" for m in e.matches)
        assert d.regions.accuracy == 1.0, d.regions.wrong
        assert all(km < 0.2 for _, km in d.locations.errors)  # a line's midpoint: within a vertex step
        assert all(km < 1e-6 for _, km in d.locations.line_errors)
    assert report.overall.regions.n > 0 and report.overall.locations.n > 0
    assert report.overall.locations.n_lines == n_lines


def test_agrees_with_the_reference_scorer(tmp_path: Path) -> None:
    """On perturbed copies of the real gold (missed rows, false rows, wrong and city-only
    regions, traditional script), planmap evaluate and eval/score.py give the same counts.
    """
    import importlib.util

    ref_path = REAL_GOLD.parent / "score.py"
    if not ref_path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"reference scorer missing at {ref_path}")
        pytest.skip(f"reference scorer not found at {ref_path}")
    spec = importlib.util.spec_from_file_location("reference_score", ref_path)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)  # type: ignore[union-attr]
    golds = sorted(REAL_GOLD.glob("*.gold.csv")) + sorted((REAL_GOLD.parent / "dev_gold").glob("*.gold.csv"))
    pred_dir = tmp_path / "plans"
    pred_dir.mkdir()
    for f in golds:
        feats = []
        for i, g in enumerate(load_gold(f)):
            if i % 4 == 3:
                continue  # missed
            counties = g.county_adcodes if i % 5 else ["110101"]  # some in the wrong county
            name = g.name + ("工程" if i % 3 == 1 else "")
            feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [g.lon or 116.0, g.lat or 40.0]},
                          "properties": {"name": name, "county_adcodes": counties,
                                         "city": g.city.split("|")[0] if i % 2 else "",
                                         "city_adcode": counties[0][:4] + "00" if counties else ""}})
        feats.append({"type": "Feature", "geometry": None, "properties": {"name": "不存在的示范园区"}})
        (pred_dir / f"{f.name[:-len('.gold.csv')]}.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
    report = evaluate(pred_dir, [REAL_GOLD, REAL_GOLD.parent / "dev_gold"])
    mine = {d.doc: d for d in report.docs}
    for f in golds:
        stem = f.name[: -len(".gold.csv")]
        fc = json.loads((pred_dir / f"{stem}.geojson").read_text(encoding="utf-8"))
        r = ref.score(fc, ref.load_gold(f))
        d = mine[stem]
        assert (d.extraction.tp, d.extraction.fp, d.extraction.fn) == (r["tp"], r["fp"], r["fn"]), stem
        assert (d.regions.n, round(d.regions.accuracy, 3) if d.regions.accuracy is not None else None) == (
            r["county_n"], r["county_acc"]), stem


# --------------------------------------------------------------------------- layout


def test_only_the_report_module_prints() -> None:
    """Scoring, loading and the yardstick return values; printing is the report's job alone."""
    import ast

    import planmap.evaluation as package

    folder = Path(package.__file__).parent
    printing = sorted(
        p.stem for p in folder.glob("*.py")
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
               for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))
    )
    assert printing == ["report"]
