"""The five seed plans through the whole build (maps on, offline), every export read back.

Asserts invariants of the output, not today's exact numbers: extraction and geocoding are
being tuned, so counts may move; what must hold is that the exports agree with the
extractor, with each other and with the README's property contract.
"""
from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pyogrio
import pytest

from conftest import SEEDS, require_folder  # module-scoped fixtures cannot use seeds_dir
from planmap.builder import build
from planmap.evaluation.evaluate import evaluate, format_report
from planmap.extract.projects import extract_projects
from planmap.output.export import PROPERTIES
from planmap.plan import read_plan

GOLD = SEEDS.parent / "eval" / "gold"
N_SEEDS = 5




def _is_adcode(code) -> bool:
    return isinstance(code, str) and len(code) == 6 and code.isdigit()


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def seed_paths() -> list[Path]:
    paths = sorted(require_folder(SEEDS, "seed documents").glob("*.txt"))
    assert len(paths) == N_SEEDS, paths
    return paths


@pytest.fixture(scope="module")
def built(seed_paths, tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-build")
    return build(seed_paths, out=out, maps=True, offline=True)


@pytest.fixture(scope="module")
def extracted(seed_paths) -> dict[str, list]:
    """plan id -> the projects planmap.extract.projects finds in the seed on its own."""
    out = {}
    for path in seed_paths:
        plan = read_plan(path)
        out[plan.id] = extract_projects(plan)
    return out


@pytest.fixture(scope="module")
def plan_features(built) -> dict[str, list[dict]]:
    out = {}
    for plan in built.plans:
        raw = json.loads((built.out / "data" / "plans" / f"{plan.id}.geojson").read_text(encoding="utf-8"))
        assert raw["type"] == "FeatureCollection" and "crs" not in raw
        out[plan.id] = raw["features"]
    return out


# ------------------------------------------------------------------ layout


def test_every_seed_is_built(built, seed_paths):
    assert built.failures == []
    assert len(built.plans) == len(seed_paths) == N_SEEDS
    assert len({p.id for p in built.plans}) == N_SEEDS
    assert all(f.is_file() for f in built.files), [f for f in built.files if not f.is_file()]


def test_layout_is_complete(built):
    out, data = built.out, built.out / "data"
    expected = [out / "index.html"]
    for plan in built.plans:
        expected += [out / "plans" / f"{plan.id}.html", data / "plans" / f"{plan.id}.geojson"]
    expected += [data / n for n in ("projects.geojson", "projects.gpkg", "projects.csv", "registry.csv", "regions.csv")]
    expected += [out / "regions" / f"{r['adcode']}.html" for r in built.regions]
    missing = [str(p.relative_to(out)) for p in expected if not p.is_file() or p.stat().st_size == 0]
    assert missing == []
    assert not list(out.rglob("*.tmp")) and not list(out.rglob(".*.tmp")), "temporary files left behind"
    # nothing but the plans' files under plans/ and data/plans/
    ids = {p.id for p in built.plans}
    assert {p.stem for p in (out / "plans").iterdir()} == ids
    assert {p.stem for p in (data / "plans").iterdir()} == ids


# ------------------------------------------------------------------ per plan: extraction -> GeoJSON


def test_each_plan_geojson_holds_exactly_what_extraction_finds(built, extracted, plan_features):
    assert set(extracted) == set(plan_features)
    for plan_id, projects in extracted.items():
        feats = plan_features[plan_id]
        want = Counter(p.name for p in projects)
        got = Counter(f["properties"]["name"] for f in feats)
        assert len(feats) == len(projects), (plan_id, len(feats), len(projects))
        assert got == want, (plan_id, "missing", want - got, "extra", got - want)
        assert {f["properties"]["plan"] for f in feats} <= {plan_id}
    total = sum(len(v) for v in plan_features.values())
    assert total == len(built.projects)
    merged = json.loads((built.out / "data" / "projects.geojson").read_text(encoding="utf-8"))
    assert len(merged["features"]) == total


def test_every_feature_has_the_property_contract(plan_features):
    n = 0
    for plan_id, feats in plan_features.items():
        for feat in feats:
            props = feat["properties"]
            where = (plan_id, props.get("name"))
            assert set(PROPERTIES) <= set(props), (where, set(PROPERTIES) - set(props))
            assert feat["geometry"] is not None, where
            assert isinstance(props["county_adcodes"], list), where
            assert all(_is_adcode(c) for c in props["county_adcodes"]), (where, props["county_adcodes"])
            assert len(props["counties"]) == len(props["county_adcodes"]), where
            assert props["city_adcode"] == "" or _is_adcode(props["city_adcode"]), (where, props["city_adcode"])
            if props["county_adcodes"]:
                assert props["city_adcode"] != "", where
            assert props["precision"] in ("exact", "approx", "town", "county", "city", "province"), where
            assert isinstance(props["registry_id"], str) and props["registry_id"], where
            assert isinstance(props["id"], str) and props["id"], where
            n += 1
    assert n > 0
    ids = [f["properties"]["id"] for feats in plan_features.values() for f in feats]
    assert len(ids) == len(set(ids)), "project ids are unique"


# ------------------------------------------------------------------ evaluation


def test_build_geojson_scores_like_the_extraction_json(built, extracted, tmp_path):
    gold = require_folder(GOLD, "gold annotations")
    for plan_id, projects in extracted.items():
        (tmp_path / f"{plan_id}.json").write_text(
            json.dumps([p.to_dict() for p in projects], ensure_ascii=False), encoding="utf-8")
    from_json = evaluate(tmp_path, gold)
    from_build = evaluate(built.out / "data" / "plans", gold)
    print("\n== extraction JSON\n" + format_report(from_json))
    print("\n== build GeoJSON\n" + format_report(from_build))
    assert [d.doc for d in from_json.docs] == [d.doc for d in from_build.docs]
    assert from_json.docs, "the gold names at least one document"
    for a, b in zip(from_json.docs, from_build.docs, strict=False):
        assert a.has_predictions and b.has_predictions, a.doc
        ea, eb = a.extraction, b.extraction
        assert (ea.tp, ea.fp, ea.fn) == (eb.tp, eb.fp, eb.fn), a.doc
        assert (ea.precision, ea.recall, ea.f1) == pytest.approx((eb.precision, eb.recall, eb.f1)), a.doc
        assert sorted(ea.missed) == sorted(eb.missed), a.doc
        # a second copy of a found project is false (reference scorer); which copy depends on order
        assert len(ea.spurious) == len(eb.spurious), a.doc


def test_region_accuracy_on_the_build_output(built):
    report = evaluate(built.out / "data" / "plans", require_folder(GOLD, "gold annotations"))
    print("\n" + format_report(report))
    regions = report.overall.regions
    assert regions.n > 0
    assert regions.accuracy >= 0.80, f"county accuracy {regions.accuracy:.2f} ({regions.correct}/{regions.n})"


# ------------------------------------------------------------------ regions.csv, registry.csv, GeoPackage


def test_regions_csv_has_a_row_per_county_and_city_with_counts(built, plan_features):
    rows = _read_csv(built.out / "data" / "regions.csv")
    assert rows and set(rows[0]) >= {"adcode", "name", "level", "city_adcode", "province", "projects", "line_km", "counts"}
    by_code = {r["adcode"]: r for r in rows}
    assert len(by_code) == len(rows), "one row per region"
    feats = [f["properties"] for fs in plan_features.values() for f in fs]

    in_county: dict[str, set[str]] = defaultdict(set)
    city_of: dict[str, str] = {}
    for p in feats:
        for c in p["county_adcodes"]:
            in_county[c].add(p["id"])
    for r in rows:
        assert _is_adcode(r["adcode"]) and r["level"] in ("county", "city"), r
        assert _is_adcode(r["city_adcode"]), r
        counts = json.loads(r["counts"])
        assert sum(counts.values()) == int(r["projects"]) > 0, r
        if r["level"] == "county":
            city_of[r["adcode"]] = r["city_adcode"]
        else:
            assert r["city_adcode"] == r["adcode"], r

    # a row for every county a project lies in, counting exactly those projects
    county_rows = {c for c, r in by_code.items() if r["level"] == "county"}
    assert county_rows == set(in_county)
    for code, ids in in_county.items():
        assert int(by_code[code]["projects"]) == len(ids), (code, by_code[code]["name"])
    # a row for every city of those counties or named by a project, counting the projects in
    # its counties and those placed at city level there
    cities = set(city_of.values()) | {p["city_adcode"] for p in feats if p["city_adcode"]}
    for city in cities:
        assert city in by_code and by_code[city]["level"] == "city", city
        ids = set().union(*(in_county[c] for c, cc in city_of.items() if cc == city))
        ids |= {p["id"] for p in feats if p["city_adcode"] == city}
        assert int(by_code[city]["projects"]) == len(ids), (city, by_code[city]["name"])
        km = sum(float(by_code[c]["line_km"]) for c, cc in city_of.items() if cc == city)
        assert float(by_code[city]["line_km"]) == pytest.approx(km, abs=0.01), city
    # and the BuildResult says the same
    assert {r["adcode"] for r in built.regions} == set(by_code)


def test_registry_csv_covers_every_project_once(built, plan_features):
    rows = _read_csv(built.out / "data" / "registry.csv")
    ids = [pid for r in rows for pid in json.loads(r["project_ids"])]
    feats = {f["properties"]["id"]: f["properties"] for fs in plan_features.values() for f in fs}
    assert sorted(ids) == sorted(feats), "every project in exactly one registry entry"
    by_rid = {r["registry_id"]: r for r in rows}
    assert len(by_rid) == len(rows)
    for r in rows:
        members = json.loads(r["project_ids"])
        assert all(feats[m]["registry_id"] == r["registry_id"] for m in members), r["name"]
        assert int(r["n_plans"]) == len(set(json.loads(r["plans"]))) >= 1
        assert r["province_code"] == "" or _is_adcode(r["province_code"])


def test_geopackage_counties_layer_is_wgs84(built):
    path = built.out / "data" / "projects.gpkg"
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"projects_point", "projects_line", "projects_area", "counties"} <= layers
    info = pyogrio.read_info(path, layer="counties")
    assert info["crs"] == "EPSG:4326"
    assert info["features"] > 0
    total = 0
    for name in ("projects_point", "projects_line", "projects_area"):
        info = pyogrio.read_info(path, layer=name)
        if info["features"]:
            assert info["crs"] == "EPSG:4326", name
        total += info["features"]
    assert total == len(built.projects)


def test_projects_csv_has_a_row_per_project(built):
    path = built.out / "data" / "projects.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _read_csv(path)
    assert len(rows) == len(built.projects)
    assert {r["id"] for r in rows} == set(built.projects["id"])


# ------------------------------------------------------------------ registry across plans (small plans of our own)

SHENYANG = """沈阳市人民政府关于印发沈阳市北部交通发展实施方案的通知
沈阳市人民政府
2023年3月1日
沈阳市北部交通发展实施方案
一、重点任务
（一）加快轨道交通建设。全力推进沈铁城际铁路建设，力争2025年底前开工。（牵头单位：市交通局）
（二）提升城市公园品质。改造提升人民公园，完善园内健身步道。（牵头单位：市城建局）
"""
TIELING = """铁岭市人民政府关于印发铁岭市对接沈阳都市圈行动方案的通知
铁岭市人民政府
2023年4月2日
铁岭市对接沈阳都市圈行动方案
一、主要任务
（一）畅通同城交通。配合省有关部门推动沈铁城际铁路前期工作，尽早建成通车。（牵头单位：市发展改革委）
"""
XINXIANG = """新乡市人民政府关于印发新乡市城市绿地提升行动方案的通知
新乡市人民政府
2023年5月3日
新乡市城市绿地提升行动方案
一、重点工程
（一）公园改造。实施人民公园改造提升工程，新建儿童游乐设施。（牵头单位：市城管局）
"""


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    src = tmp_path_factory.mktemp("small-plans")
    paths = []
    for name, text in (("shenyang", SHENYANG), ("tieling", TIELING), ("xinxiang", XINXIANG)):
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
        paths.append(src / f"{name}.txt")
    result = build(paths, out=tmp_path_factory.mktemp("small-build"), maps=False)
    assert result.failures == []
    homes = {p.id: p.home_region.adcode if p.home_region else None for p in result.plans}
    assert homes == {"shenyang": "210100", "tieling": "211200", "xinxiang": "410700"}
    return result


def _rows(result, plan, name):
    g = result.projects
    return g[(g["plan"] == plan) & (g["name"] == name)]


def test_same_project_in_two_plans_of_one_province_is_one_registry_entry(small_build):
    sy, tl = _rows(small_build, "shenyang", "沈铁城际铁路"), _rows(small_build, "tieling", "沈铁城际铁路")
    assert len(sy) == len(tl) == 1
    rid = sy["registry_id"].iloc[0]
    assert tl["registry_id"].iloc[0] == rid
    entry = [r for r in small_build.registry if r["registry_id"] == rid]
    assert len(entry) == 1 and entry[0]["n_plans"] == 2 and entry[0]["plans"] == ["shenyang", "tieling"]
    assert entry[0]["province_code"] == "210000"
    rows = _read_csv(small_build.out / "data" / "registry.csv")
    assert [r["registry_id"] for r in rows].count(rid) == 1


def test_generic_name_in_two_provinces_is_two_registry_entries(small_build):
    ln, hn = _rows(small_build, "shenyang", "人民公园"), _rows(small_build, "xinxiang", "人民公园")
    assert len(ln) == len(hn) == 1
    assert ln["province"].iloc[0] == "辽宁省" and hn["province"].iloc[0] == "河南省"
    assert ln["registry_id"].iloc[0] != hn["registry_id"].iloc[0]
    for rid in (ln["registry_id"].iloc[0], hn["registry_id"].iloc[0]):
        entry = [r for r in small_build.registry if r["registry_id"] == rid]
        assert len(entry) == 1 and entry[0]["n_plans"] == 1


def test_city_level_projects_are_counted_in_their_city_row(small_build):
    # regression: region_table once counted projects only through county_adcodes, so 人民公园
    # placed at city precision in 新乡市 (410700) gave no 410700 row, map or index entry
    by_code = {r["adcode"]: r for r in small_build.regions}
    g = small_build.projects
    for city in sorted(set(g["city_adcode"]) - {""}):
        in_city = g[(g["city_adcode"] == city) | g["county_adcodes"].map(
            lambda cs, c=city: any(by_code.get(x, {}).get("city_adcode") == c for x in cs))]
        assert city in by_code, f"no regions.csv row for city {city} ({len(in_city)} projects placed there)"
        assert by_code[city]["projects"] == len(in_city), (city, by_code[city]["projects"], list(in_city["name"]))
