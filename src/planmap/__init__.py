"""planmap: Chinese plan documents -> projects -> offline maps and GIS exports.

The pipeline runs one way, one module a stage, each usable on its own::

    plan = planmap.read_plan("plan.txt")              # documents + outline
    projects = planmap.extract_projects(plan)         # extract
    gdf = planmap.geocode_projects(projects, plan)    # geocode (offline gazetteer)
    gdf = planmap.assign_regions(gdf)                 # county/city join
    result = planmap.build(["plan.txt"], out="maps")  # maps + GeoJSON/GeoPackage/CSV

or in one call per document, for notebooks::

    r = planmap.analyse_plan("plan.txt")              # PlanResult: plan, projects, regions, warnings
    r.explore(); r.to_file("projects.gpkg")           # folium map inline; GeoJSON/GPKG/CSV by suffix

Imports are lazy so ``import planmap`` stays fast; geopandas loads on first use. The function
``build`` lives in :mod:`planmap.builder` (a module named ``build`` would shadow the function
once imported).
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "read_plan": "planmap.plan",
    "extract_projects": "planmap.extract.projects",
    "projects_frame": "planmap.extract.projects",
    "geocode_projects": "planmap.place.geocode",
    "locate": "planmap.place.geocode",
    "assign_regions": "planmap.join.regions",
    "build": "planmap.builder",
    "BuildResult": "planmap.builder",
    "analyse_plan": "planmap.result",
    "PlanResult": "planmap.result",
    "Plan": "planmap.models",
    "Project": "planmap.models",
    "Region": "planmap.models",
    "PlanmapError": "planmap.errors",
    "DocumentError": "planmap.errors",
    "GazetteerError": "planmap.errors",
    "BuildError": "planmap.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'planmap' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])

