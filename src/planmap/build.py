"""The whole pipeline: documents -> plans -> projects -> geocoded -> regions -> exports and maps.

One bad document is reported with its reason and skipped; the others are built. The run
fails (non-zero exit) only when nothing could be built.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from planmap.errors import BuildError, PlanmapError

if TYPE_CHECKING:
    import geopandas as gpd

    from planmap.models import Plan
    from planmap.result import PlanResult


@dataclass
class BuildResult:
    """What a build produced: plans, the projects GeoDataFrame, regions, failures, timings."""

    out: Path
    plans: list[Plan]
    projects: gpd.GeoDataFrame
    counties: gpd.GeoDataFrame
    regions: list[dict]
    registry: list[dict]
    failures: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def results(self) -> list[PlanResult]:
        """One :class:`planmap.result.PlanResult` per plan built, for notebooks.

        >>> for r in planmap.build(["plan.txt"], out="maps").results:   # doctest: +SKIP
        ...     print(r.title, len(r.projects))
        """
        from planmap.result import results_of_build

        return results_of_build(self)


def build(docs: Iterable[str | Path], out: str | Path = "maps", *, tiles: str = "osm", offline: bool = False,
          overrides: str | None = None, maps: bool = True, progress: bool = False,
          boundaries: str | None = None) -> BuildResult:
    """Build maps and GIS exports for plan documents (files or folders) into ``out``.

    ``tiles``: "osm" (default), "gaode" (data shifted to GCJ-02 for display) or "none";
    ``offline``: no tiles (map code is always inlined); ``overrides``: a features CSV whose rows
    win over the shipped gazetteer; ``maps``: also write the HTML maps; ``progress``: a
    progress bar on a terminal; ``boundaries``: "simplified" or "full" county polygons.
    One unreadable document is recorded in ``failures`` and skipped; :class:`BuildError` only
    when nothing could be built.

    >>> result = build(["plan.txt"], out="maps")        # doctest: +SKIP
    >>> len(result.projects), result.files[0]            # doctest: +SKIP
    """
    import geopandas as gpd
    import pandas as pd

    from planmap.cli import expand_inputs
    from planmap.export import project_id
    from planmap.extract import extract_projects
    from planmap.geocode import Geocoder, geocode_projects
    from planmap.plan import read_plan
    from planmap.regions import assign_regions, county_layer, region_table
    from planmap.registry import assign_registry

    out = Path(out)
    paths = expand_inputs([str(d) for d in docs])
    timings = {k: 0.0 for k in ("read", "extract", "geocode", "join", "export", "maps")}
    geocoder = Geocoder(features=_features(overrides))
    plans, frames, failures = [], [], []
    for path in _progress(paths, progress):
        try:
            t = time.perf_counter()
            plan = read_plan(path)
            timings["read"] += time.perf_counter() - t
            t = time.perf_counter()
            projects = extract_projects(plan)
            timings["extract"] += time.perf_counter() - t
            t = time.perf_counter()
            gdf = geocode_projects(projects, plan, geocoder)
            timings["geocode"] += time.perf_counter() - t
        except PlanmapError as exc:
            failures.append((str(path), str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one document must not sink the others
            failures.append((str(path), f"{path}: {type(exc).__name__}: {exc}"))
            continue
        plans.append(plan)
        frames.append(gdf)
    if not plans:
        raise BuildError("nothing could be built: " + "; ".join(msg for _, msg in failures) if failures
                         else "nothing could be built: no documents given")
    t = time.perf_counter()
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")
    gdf["id"] = [project_id(p, n) for p, n in zip(gdf["plan"], gdf["name"], strict=False)]
    provinces = {p.home_region.adcode[:2] + "0000" for p in plans if p.home_region}
    counties = county_layer(provinces | {c[:2] + "0000" for cs in gdf["placed_counties"] for c in cs},
                            geocoder.gaz, boundaries)
    gdf = assign_regions(gdf, counties, geocoder.gaz)
    gdf, registry = assign_registry(gdf)
    regions = region_table(gdf, geocoder.gaz)
    timings["join"] += time.perf_counter() - t

    t = time.perf_counter()
    files = _write_exports(out, plans, gdf, counties, registry, regions)
    timings["export"] += time.perf_counter() - t
    if maps:
        t = time.perf_counter()
        # Map code is always inlined, so a map opens on a network with no internet; --offline
        # also drops the tiles (county boundaries still give the reader their bearings).
        files += _write_maps(out, plans, gdf, counties, regions, "none" if offline else tiles, True)
        timings["maps"] += time.perf_counter() - t
    return BuildResult(out, plans, gdf, counties, regions, registry, failures, timings, files)


def _features(overrides: str | None):
    from planmap.features import feature_index

    return feature_index(None, overrides) if overrides else None


def _progress(paths: list[Path], show: bool):
    if not show or not sys.stderr.isatty():
        return paths
    from rich.progress import track

    return track(paths, description="reading plans", console=None, transient=True)


def _write_exports(out: Path, plans, gdf, counties, registry, regions) -> list[Path]:
    from planmap.export import write_csv, write_geojson, write_gpkg, write_rows_csv

    data = out / "data"
    files = []
    for plan in plans:
        files.append(write_geojson(gdf[gdf["plan"] == plan.id], data / "plans" / f"{plan.id}.geojson"))
    files.append(write_geojson(gdf, data / "projects.geojson"))
    files.append(write_gpkg(gdf, counties, data / "projects.gpkg"))
    files.append(write_csv(gdf, data / "projects.csv"))
    files.append(write_rows_csv(registry, ["registry_id", "name", "category", "province_code", "n_plans", "plans",
                                           "names", "project_ids", "mentions"], data / "registry.csv"))
    files.append(write_rows_csv(regions, ["adcode", "name", "level", "city_adcode", "province", "projects",
                                          "line_km", "counts"], data / "regions.csv"))
    return files


def _write_maps(out: Path, plans, gdf, counties, regions, tiles: str, offline: bool) -> list[Path]:
    from planmap.render import region_projects, render_index, render_plan_map, render_region_map

    files = []
    plan_rows = []
    for plan in plans:
        sub = gdf[gdf["plan"] == plan.id]
        touched = {c for cs in sub["county_adcodes"] for c in cs}
        files.append(render_plan_map(sub, counties[counties["adcode"].isin(touched)] if touched else counties.iloc[:0],
                                     plan.id, plan.title or plan.id, out / "plans" / f"{plan.id}.html",
                                     tiles=tiles, offline=offline, plan=plan))
        plan_rows.append({"id": plan.id, "title": plan.title or plan.id,
                          "counts": sub["category"].value_counts().sort_index().to_dict()})
    region_rows = []
    for r in regions:
        shown = counties[counties["city_adcode" if r["level"] == "city" else "adcode"] == r["adcode"]]
        files.append(render_region_map(region_projects(gdf, r["adcode"], r["level"]), shown, r["adcode"], r["name"],
                                       r["level"], out / "regions" / f"{r['adcode']}.html", tiles=tiles,
                                       offline=offline))
        region_rows.append({"adcode": r["adcode"], "name": r["name"], "level": r["level"], "counts": r["counts"]})
    files.append(render_index(plan_rows, region_rows, out / "index.html"))
    return files


def run_build(paths: list[Path], out: Path, *, tiles: str = "osm", offline: bool = False,
              overrides: str | None = None, progress: bool = True, boundaries: str | None = None) -> int:
    """The ``planmap build`` command: build, print a summary table, return the exit code."""
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False)
    try:
        result = build(paths, out, tiles=tiles, offline=offline, overrides=overrides, progress=progress,
                       boundaries=boundaries)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    table = Table(title=f"planmap build -> {out}")
    for col in ("plan", "title", "projects", "exact/approx", "town", "county", "city+", "home region"):
        table.add_column(col)
    for plan in result.plans:
        sub = result.projects[result.projects["plan"] == plan.id]
        prec = sub["precision"].value_counts()
        table.add_row(plan.id, (plan.title or "")[:28], str(len(sub)),
                      str(int(prec.get("exact", 0) + prec.get("approx", 0))), str(int(prec.get("town", 0))),
                      str(int(prec.get("county", 0))), str(int(prec.get("city", 0) + prec.get("province", 0))),
                      f"{plan.home_region.name} {plan.home_region.adcode}" if plan.home_region else "?")
    console.print(table)
    console.print(f"{len(result.plans)} plans, {len(result.projects)} projects, "
                  f"{sum(1 for r in result.regions if r['level'] == 'county')} counties, "
                  f"{sum(1 for r in result.regions if r['level'] == 'city')} cities; "
                  f"index: {out / 'index.html'}")
    for _path, msg in result.failures:
        print(f"skipped: {msg}", file=sys.stderr)
    return 0
