"""``PlanResult``: one plan analysed end to end, for notebooks and scripts.

``analyse_plan(path)`` runs read -> extract -> geocode -> region join for one document and
returns a :class:`PlanResult`; ``planmap.build(...).results`` gives one per plan of a build.
A PlanResult shows itself as a compact HTML summary in Jupyter, draws itself with
``.explore()`` (the same styling as the saved HTML maps) and writes itself for a GIS team with
``.to_file("projects.gpkg")``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planmap.columns import REGION_COLUMNS
from planmap.errors import PlanmapError
from planmap.vocab import PRECISIONS as _PRECISIONS

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

    from planmap.models import Plan

#: file suffixes :meth:`PlanResult.to_file` writes, and the format each one means
FILE_FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage", ".csv": "CSV"}


@dataclass
class PlanResult:
    """One plan's metadata, its geocoded projects, the per-region table and warnings.

    ``projects`` is a GeoDataFrame in EPSG:4326 with the export property columns (README,
    "Export format"); ``regions`` is a pandas DataFrame with the columns of ``regions.csv``.

    >>> import planmap, tempfile, pathlib
    >>> r = planmap.analyse_plan(planmap.paths.sample_plan())
    >>> r.projects.loc[0, ["name", "province"]].tolist()
    ['沈铁城际铁路', '辽宁省']
    >>> r.to_file(pathlib.Path(tempfile.mkdtemp()) / "projects.gpkg").suffix
    '.gpkg'
    """

    plan: Plan
    projects: gpd.GeoDataFrame
    regions: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    counties: gpd.GeoDataFrame | None = field(default=None, repr=False)  # polygons loaded for the join

    # ------------------------------------------------------------------ views

    @property
    def title(self) -> str:
        """The plan's title, or its id when the document has none."""
        return self.plan.title or self.plan.id

    def counts(self, by: str = "category") -> dict[str, int]:
        """Project counts by a column (``"category"``, ``"precision"``, ``"city"`` ...).

        >>> import planmap.paths
        >>> r = analyse_plan(planmap.paths.sample_plan())
        >>> sum(r.counts("precision").values()) == len(r.projects)
        True
        """
        if len(self.projects) == 0 or by not in self.projects:
            return {}
        return {str(k): int(v) for k, v in sorted(Counter(self.projects[by]).items(), key=lambda kv: str(kv[0]))}

    def filter(self, *, category: str | Iterable[str] | None = None,
               precision: str | Iterable[str] | None = None) -> PlanResult:
        """A PlanResult with only the projects of the given categories and/or precisions.

        The regions table is recomputed for the projects kept.

        >>> import planmap.paths
        >>> r = analyse_plan(planmap.paths.sample_plan())
        >>> set(r.filter(category=["railway", "highway"]).projects["category"]) <= {"railway", "highway"}
        True
        """
        mask = [True] * len(self.projects)
        gdf = self.projects
        for column, wanted in (("category", category), ("precision", precision)):
            if wanted is None:
                continue
            values = {wanted} if isinstance(wanted, str) else set(wanted)
            if column == "precision" and not values <= set(_PRECISIONS):
                raise PlanmapError(f"{self.plan.path}: unknown precision {sorted(values - set(_PRECISIONS))}; "
                                   f"use one of {', '.join(_PRECISIONS)}")
            mask = [m and v in values for m, v in zip(mask, gdf[column], strict=False)] if column in gdf else [False] * len(gdf)
        sub = gdf[mask].reset_index(drop=True) if len(gdf) else gdf
        return PlanResult(self.plan, sub, regions_frame(sub), list(self.warnings), self.counties)

    def touched_counties(self) -> gpd.GeoDataFrame:
        """County polygons (EPSG:4326) the projects lie in; a city-level project brings its city.

        The same selection the saved plan map and the build's exports use
        (:func:`planmap.pipeline.touched_counties`).
        """
        from planmap.pipeline import touched_counties

        counties = self.counties
        codes = {str(c) for cs in self.projects.get("county_adcodes", []) for c in (cs if cs is not None else [])}
        codes |= {str(c) for c in self.projects.get("city_adcode", []) if c}
        wanted = {c[:2] + "0000" for c in codes}
        if counties is None or not wanted <= set(counties["adcode"].astype(str).str[:2] + "0000"):
            from planmap.join.regions import county_layer

            counties = county_layer(wanted)
        return touched_counties(self.projects, counties)

    def explore(self, **kw: Any) -> folium.Map:
        """An interactive folium map of the projects and the counties they touch, inline in Jupyter.

        Styled like the saved HTML maps; keywords go to :func:`planmap.output.render.explore`
        (``title``, ``subtitle``, ``tiles`` = "osm" | "gaode" | "none", ``offline``).

        >>> import planmap.paths
        >>> type(analyse_plan(planmap.paths.sample_plan()).explore(tiles="none")).__name__
        'Map'
        """
        from planmap.output.render import explore

        kw.setdefault("title", self.title)
        kw.setdefault("subtitle", f"规划编号：{self.plan.id}")
        return explore(self.projects, self.touched_counties(), **kw)

    def to_file(self, path: str | Path) -> Path:
        """Write the projects for a GIS team; the format follows the suffix.

        ``.geojson``/``.json``: RFC 7946 FeatureCollection; ``.gpkg``: layers ``projects_point``,
        ``projects_line``, ``projects_area`` and ``counties`` (the counties the projects touch);
        ``.csv``: one row per project with WKT, UTF-8 with BOM. Written atomically; returns the path.

        >>> import planmap.paths
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "tieling.geojson"
        >>> analyse_plan(planmap.paths.sample_plan()).to_file(out) == out
        True
        """
        from planmap.output.export import write_csv, write_geojson, write_gpkg

        path = Path(path)
        kind = FILE_FORMATS.get(path.suffix.lower())
        if kind is None:
            raise PlanmapError(f"{path}: cannot tell the format from the suffix {path.suffix or '(none)'!r}; "
                               f"name the file .geojson, .gpkg or .csv")
        if path.parent.exists() and not path.parent.is_dir():
            raise PlanmapError(f"{path}: {path.parent} is not a folder; choose another path")
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "GeoJSON":
            return write_geojson(self.projects, path)
        if kind == "CSV":
            return write_csv(self.projects, path)
        return write_gpkg(self.projects, self.touched_counties(), path)

    # ------------------------------------------------------------------ display

    def __repr__(self) -> str:
        return (f"PlanResult({self.plan.id!r}, title={self.title!r}, projects={len(self.projects)}, "
                f"regions={len(self.regions)}, warnings={len(self.warnings)})")

    def _repr_html_(self) -> str:
        region = self.plan.home_region
        home = f"{region.name} ({region.adcode})" if region else "not found"

        def counts_line(by: str) -> str:
            counts = self.counts(by)
            return " · ".join(f"{escape(k)} {v}" for k, v in counts.items()) or "none"

        warnings = "".join(f"<li>{escape(str(w))}</li>" for w in self.warnings)
        return (
            '<div class="planmap-result">'
            f"<b>{escape(self.title)}</b> <small>({escape(self.plan.id)})</small><br>"
            f"home region: {escape(home)} · {len(self.projects)} projects · "
            f"{int((self.regions['level'] == 'county').sum()) if len(self.regions) else 0} counties<br>"
            f"by category: {counts_line('category')}<br>"
            f"by precision: {counts_line('precision')}<br>"
            f"{len(self.warnings)} warnings" + (f"<ul>{warnings}</ul>" if warnings else "") +
            "</div>"
        )


def regions_frame(projects: gpd.GeoDataFrame, gazetteer: Any = None) -> pd.DataFrame:
    """:func:`planmap.join.regions.region_table` as a pandas DataFrame (one row per county and city)."""
    import pandas as pd

    from planmap.join.regions import region_table

    rows = region_table(projects, gazetteer) if len(projects) else []
    return pd.DataFrame(rows, columns=list(REGION_COLUMNS))


def analyse_plan(path: str | Path, *, overrides: str | Path | None = None) -> PlanResult:
    """Read, extract, geocode and join one plan document; return a :class:`PlanResult`.

    ``overrides`` is a CSV of gazetteer rows in the format of ``geodata/features.csv`` (as
    ``planmap build --overrides``). Raises :class:`planmap.errors.PlanmapError` naming the file
    when it cannot be read. Nothing is written. Runs the same stages as ``planmap build``
    (:mod:`planmap.pipeline`), so both give the same projects and counties.

    >>> import planmap
    >>> r = analyse_plan(planmap.paths.sample_plan())
    >>> r.plan.home_region.adcode, len(r.projects) > 10
    ('211200', True)
    """
    from planmap.errors import GazetteerError
    from planmap.pipeline import analyse, geocoder_for

    if overrides is not None:
        if not Path(overrides).is_file():
            raise PlanmapError(f"{overrides}: overrides file not found; give the path of a CSV in the "
                               f"format of geodata/features.csv")
        try:
            geocoder_for(str(overrides))
        except GazetteerError as exc:
            raise PlanmapError(" ".join(str(exc).split())) from None
    plan, joined = analyse(path, overrides=str(overrides) if overrides is not None else None)
    gdf = joined.projects
    warnings = list(plan.warnings)
    if len(gdf) == 0:
        warnings.append(f"{plan.path}: no mappable projects found")
    disagree = int((~gdf["join_agrees"].astype(bool)).sum()) if len(gdf) and "join_agrees" in gdf else 0
    if disagree:
        warnings.append(f"{disagree} projects lie outside the county that placed them")
    return PlanResult(plan, gdf, regions_frame(gdf, geocoder_for(str(overrides) if overrides is not None
                                                                 else None).gaz), warnings, joined.counties)


def results_of_build(build: Any) -> list[PlanResult]:
    """One :class:`PlanResult` per plan of a :class:`planmap.builder.BuildResult` (its ``.results``)."""
    results = []
    for plan in build.plans:
        sub = build.projects[build.projects["plan"] == plan.id].reset_index(drop=True)
        warnings = list(plan.warnings)
        if len(sub) == 0:
            warnings.append(f"{plan.path}: no mappable projects found")
        results.append(PlanResult(plan, sub, regions_frame(sub), warnings, build.counties))
    return results
