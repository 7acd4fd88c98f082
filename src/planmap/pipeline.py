"""The stages of one run, wired once: used by ``build()``, ``analyse_plan()`` and the CLI alike.

Per document (in-process or on a Dask worker): read -> extract -> geocode -> the county join
(against the counties of that plan's own provinces, so a plan's result never depends on the
other documents of a run) -> the plan's export pieces, every failure caught and turned into
one line naming the file (:func:`document_task`). The build then assembles the cross-plan
registry, the region table and the whole-dataset files from the pieces. The counties a plan "touches"
(what its map draws, what ``PlanResult.explore()`` draws, what the GeoPackage holds) are
computed here and only here.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planmap.errors import PlanmapError

if TYPE_CHECKING:
    import geopandas as gpd

    from planmap.extract.place_names import PlaceNames
    from planmap.models import Plan
    from planmap.output.assemble import PlanPieces
    from planmap.place.geocode import Geocoder
    from planmap.reference.gazetteer import Gazetteer


@dataclass
class DocumentResult:
    """What the per-document stages made of one file: a plan and its placed projects, or an error."""

    path: str
    plan_id: str
    plan: Plan | None = None
    projects: gpd.GeoDataFrame | None = None
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    cached: bool = False
    pieces: PlanPieces | None = None  # the plan's share of the exports (joined), when asked for

    def light(self) -> DocumentResult:
        """The result without the plan's text and outline: what a build keeps of a document
        while assembling (metadata, warnings, projects, pieces), so memory stays small per plan.
        """
        import dataclasses

        if self.plan is None:
            return self
        plan = dataclasses.replace(self.plan, text="", original_text="", headings=[], clauses=[], ledger=[])
        return dataclasses.replace(self, plan=plan)


# One geocoder (gazetteer, feature index, look-up caches) per process and overrides file:
# a Dask worker loads the reference data once, not once per document.
_GEOCODERS: dict[str | None, Geocoder] = {}


def geocoder_for(overrides: str | None = None) -> Geocoder:
    """The process's geocoder for an overrides file (None: shipped data only), built on first use."""
    geocoder = _GEOCODERS.get(overrides)
    if geocoder is None:
        from planmap.place.geocode import Geocoder
        from planmap.reference.features import feature_index

        geocoder = Geocoder(features=feature_index(None, overrides) if overrides else None)
        _GEOCODERS[overrides] = geocoder
    return geocoder


_PLACES: dict[str | None, PlaceNames] = {}


def places_for(overrides: str | None = None) -> PlaceNames:
    """The extractor's place-name index over the same gazetteer and features (overrides included)
    as :func:`geocoder_for`'s geocoder, so an override reaches extraction as it reaches geocoding.
    """
    places = _PLACES.get(overrides)
    if places is None:
        from planmap.extract.place_names import PlaceNames

        geocoder = geocoder_for(overrides)
        places = _PLACES[overrides] = PlaceNames(geocoder.gaz, geocoder.features)
    return places


def _one_line(path: str, exc: BaseException) -> str:
    """The failure as one line that names the file (planmap's own errors already do)."""
    text = " ".join(str(exc).split())
    if isinstance(exc, PlanmapError) and path in text:
        return text
    kind = "" if isinstance(exc, PlanmapError) else f"{type(exc).__name__}: "
    return f"{path}: {kind}{text or 'failed'}"


_WHILE = {"read": "", "extract": " (while extracting projects)", "geocode": " (while geocoding)",
          "join": " (while joining to counties)", "export": " (while preparing its exports)"}


def process_document(path: str | Path, plan_id: str, overrides: str | None = None, *,
                     strict: bool = False, join: bool = False, boundaries: str | None = None) -> DocumentResult:
    """Read, extract and geocode one document; the error, if any, is in the result.

    Runs in the calling process or on a Dask worker; the result pickles. ``strict``: raise
    the error instead (for the one-document API, whose caller wants the exception). ``join``:
    also join the projects to the counties of the plan's provinces and make the plan's
    export pieces (:mod:`planmap.output.assemble`), so a build's per-plan work is done here,
    in parallel, and cached with the document.
    """
    from planmap.extract.projects import extract_projects
    from planmap.place.geocode import geocode_projects
    from planmap.plan import read_plan

    path = str(path)
    result = DocumentResult(path, plan_id)
    stage = "read"
    try:
        t = time.perf_counter()
        plan = read_plan(path)
        plan.id = plan_id
        result.seconds["read"] = time.perf_counter() - t
        stage = "extract"
        t = time.perf_counter()
        geocoder = geocoder_for(overrides)
        projects = extract_projects(plan, places_for(overrides))
        result.seconds["extract"] = time.perf_counter() - t
        stage = "geocode"
        t = time.perf_counter()
        gdf = geocode_projects(projects, plan, geocoder) if projects else empty_projects()
        result.seconds["geocode"] = time.perf_counter() - t
        if join:
            from planmap.join.regions import county_layer
            from planmap.output.assemble import plan_pieces

            stage = "join"
            t = time.perf_counter()
            gaz = geocoder_for(overrides).gaz
            provinces = provinces_of([plan], [gdf]) | provinces_touched(gdf, gaz)
            gdf = join_plan(gdf, county_layer(provinces, gaz, boundaries), gaz)
            result.seconds["doc_join"] = time.perf_counter() - t
            stage = "export"
            t = time.perf_counter()
            result.pieces = plan_pieces(plan, gdf, gaz, provinces)
            result.seconds["doc_exports"] = time.perf_counter() - t
    except Exception as exc:  # noqa: BLE001 - one document must not sink the others
        if strict:
            raise
        result.error = _one_line(path, exc) + _WHILE[stage]
        return result
    result.plan, result.projects = plan, gdf
    return result


def document_task(path: str, plan_id: str, overrides: str | None = None,
                  boundaries: str | None = None) -> tuple[dict[str, float], bytes]:
    """A build's per-document work, as run on a worker: process, join and cut the document into
    export pieces, then pickle the light result (:meth:`DocumentResult.light`) right there.

    The bytes are both what travels back and the cache entry, so the build's own process only
    writes them to disk and unpickles them: it neither pickles results nor receives plan texts.
    Stage timings come back beside the bytes (they differ from run to run; entries must not).
    """
    import dataclasses
    import pickle

    result = process_document(path, plan_id, overrides, join=True, boundaries=boundaries)
    light = dataclasses.replace(result.light(), seconds={})
    return result.seconds, pickle.dumps(light, protocol=pickle.HIGHEST_PROTOCOL)


def empty_projects() -> gpd.GeoDataFrame:
    """A projects frame with every column and no rows (a plan that names no projects)."""
    from planmap.columns import empty_projects

    return empty_projects()


def provinces_of(plans: Iterable[Plan], frames: Iterable[gpd.GeoDataFrame]) -> set[str]:
    """Province codes whose county polygons the join needs: home regions and placed counties."""
    codes = {p.home_region.adcode[:2] + "0000" for p in plans if p.home_region}
    for gdf in frames:
        if "placed_counties" in gdf:
            codes.update(c[:2] + "0000" for cs in gdf["placed_counties"] for c in (cs or []))
    return codes


# Province outlines per process (gazetteer folder -> adcodes and an STRtree), for provinces_touched
_PROVINCES: dict[str, tuple[list[str], Any, Any]] = {}


def provinces_touched(gdf: gpd.GeoDataFrame, gaz: Gazetteer) -> set[str]:
    """Province codes whose outline a plan's project geometries intersect.

    A plan's county join loads these beside its home and placed provinces, so a line that
    crosses into a neighbouring province counts its kilometres there whatever other documents
    the run holds: the plan's result depends on the plan alone, and can be cached with it.
    """
    import numpy as np
    import shapely

    geoms = [g for g in (gdf.geometry if len(gdf) else []) if g is not None and not g.is_empty]
    if not geoms:
        return set()
    index = _PROVINCES.get(str(gaz.folder))
    if index is None:
        codes, outlines = [], []
        for code, unit in sorted(gaz.admin.units.items()):
            if unit.level != "province":
                continue
            outline = gaz.unit_polygon(code)
            if outline is not None and not outline.is_empty:
                codes.append(code)
                outlines.append(outline)
        shapes = np.array(outlines, dtype=object)
        shapely.prepare(shapes)  # a prepared outline answers point-in-province quickly
        index = _PROVINCES[str(gaz.folder)] = (codes, shapes, shapely.STRtree(shapes))
    codes, shapes, tree = index
    # candidates by bounding box, then the exact test against the prepared outlines: the tree's
    # own predicate prepares the (small) project geometries instead, and was the slower way
    at, hits = tree.query(geoms)
    inside = shapely.intersects(shapes[hits], np.array(geoms, dtype=object)[at])
    return {codes[i] for i in set(hits[inside].tolist())}


def join_plan(gdf: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, gaz: Gazetteer) -> gpd.GeoDataFrame:
    """The county/city/province join for one plan's projects (their ids come from extraction)."""
    import geopandas as gpd

    from planmap.join.regions import assign_regions

    if len(gdf) == 0:
        return empty_projects()
    gdf = gdf.copy()
    return gpd.GeoDataFrame(assign_regions(gdf, counties, gaz), crs="EPSG:4326")


def concat_projects(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """All plans' projects in one frame (the empty frame when there are none)."""
    import geopandas as gpd
    import pandas as pd

    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_projects()
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def touched_codes(county_adcodes: Iterable[Any], city_adcodes: Iterable[Any]) -> tuple[set[str], set[str]]:
    """What :func:`touched_counties` selects by, from the projects' ``county_adcodes`` and
    ``city_adcode`` values: the county codes they lie in, and the city codes of those placed
    only at their city.
    """
    codes: set[str] = set()
    cities: set[str] = set()
    for found, city in zip(county_adcodes, city_adcodes, strict=False):
        found = [str(c) for c in (found if found is not None else [])]
        codes.update(found)
        if not found and city:
            cities.add(str(city))
    return codes, cities


def touched_counties(projects: gpd.GeoDataFrame, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The county polygons a set of projects touches: the counties they lie in, and for a
    project placed only at its city, that city's counties. The one definition used by maps,
    ``PlanResult.explore()`` and the GeoPackage.
    """
    codes, cities = touched_codes(projects.get("county_adcodes", []), projects.get("city_adcode", [])) \
        if len(projects) else (set(), set())
    if len(counties) == 0 or not (codes or cities):
        return counties.iloc[:0]
    adcode = counties["adcode"].astype(str)
    city_col = counties["city_adcode"].astype(str) if "city_adcode" in counties else adcode.map(lambda _: "")
    return counties[adcode.isin(codes) | city_col.isin(cities)].reset_index(drop=True)


@dataclass
class Joined:
    """The run-wide join: every project placed in its regions, plus the tables built from them."""

    projects: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    registry: list[dict]
    regions: list[dict]
    failures: dict[str, str] = field(default_factory=dict)  # plan id -> one-line error


def join_all(plans: list[Plan], frames: list[gpd.GeoDataFrame], gaz: Gazetteer,
             boundaries: str | None = None) -> Joined:
    """Join every plan's projects to the counties, then the registry and region tables.

    A plan whose join fails is reported in ``failures`` and left out; the others are joined.
    """
    from planmap.join.regions import county_layer, region_table
    from planmap.join.registry import assign_registry

    provinces = provinces_of(plans, frames).union(*(provinces_touched(f, gaz) for f in frames))
    counties = county_layer(provinces, gaz, boundaries)  # the provinces a build's per-plan join loads
    joined, failures = [], {}
    for plan, gdf in zip(plans, frames, strict=True):
        try:
            joined.append(join_plan(gdf, counties, gaz))
        except Exception as exc:  # noqa: BLE001 - one plan must not sink the others
            failures[plan.id] = f"{_one_line(plan.path, exc)} (while joining to counties)"
    gdf = concat_projects(joined)
    if len(gdf):
        gdf, registry = assign_registry(gdf)
    else:
        gdf, registry = empty_projects(), []
    regions = region_table(gdf, gaz) if len(gdf) else []
    return Joined(gdf, counties, registry, regions, failures)


def analyse(path: str | Path, plan_id: str | None = None, overrides: str | None = None,
            boundaries: str | None = None) -> tuple[Plan, Joined]:
    """One document through every stage (no files written); raises the document's error."""
    from planmap.inputs import plan_ids

    path = Path(path)
    result = process_document(path, plan_id or plan_ids([path])[0], overrides, strict=True)
    if result.error or result.plan is None or result.projects is None:
        raise PlanmapError(result.error or f"{path}: could not be read")
    joined = join_all([result.plan], [result.projects], geocoder_for(overrides).gaz, boundaries)
    if joined.failures:
        raise PlanmapError(next(iter(joined.failures.values())))
    return result.plan, joined


def timings_of(results: Iterable[DocumentResult]) -> dict[str, Any]:
    """Seconds per per-document stage, summed over documents."""
    total = {k: 0.0 for k in ("read", "extract", "geocode")}
    for r in results:
        for k, v in r.seconds.items():
            total[k] = total.get(k, 0.0) + v
    return total
