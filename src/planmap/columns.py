"""The columns of the frames the pipeline passes on: one schema for the projects frame (full
or empty), the export contract, and the regions and registry tables.

A stage that adds a column adds it here, so an empty build (a plan naming no projects) has
exactly the columns of a full one, and the exports (README, "Export format") read their
contract from the same place.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import geopandas as gpd

#: the export contract every consumer relies on, in file order (README, "Export format")
PROPERTIES = (
    "id", "name", "category", "plan", "plan_title", "section", "evidence", "span", "lead_units",
    "support_units", "deadline", "figures", "precision", "confidence", "location_source", "province",
    "city", "city_adcode", "counties", "county_adcodes", "registry_id",
)
#: exported after the contract when the frame has them
EXTRA_PROPERTIES = ("geom_kind", "original_name", "aliases", "work", "location_names", "location_method", "county_km",
                    "km_estimated", "county_share")
#: every code column gets its Chinese label beside it (planmap.vocab)
LABELS = {"category": "category_label", "precision": "precision_label", "geom_kind": "geom_kind_label",
          "shown_as": "shown_as_label"}

#: what geocoding yields, one row per project: the Project's fields (``geom`` renamed
#: ``geom_kind``, since ``geom`` is the geometry column's name in GeoPackage), then the placement
PLACED_COLUMNS = (
    "name", "category", "plan", "section", "evidence", "span", "lead_units", "support_units", "deadline",
    "figures", "mentions", "aliases", "work", "endpoints", "clause_start", "clause_end",
    "original_name", "id", "geom_kind", "plan_title", "precision", "confidence", "location_source", "location_names",
    "location_method", "placed_counties",
)
#: what the join adds: the regions the geometry falls in, the registry entry
JOINED_COLUMNS = ("county_adcodes", "counties", "county_km", "km_estimated", "county_share", "city", "city_adcode", "province",
                  "join_agrees", "registry_id")
#: every column of a joined projects frame
PROJECT_COLUMNS = (*PLACED_COLUMNS, *JOINED_COLUMNS)

#: regions.csv and :attr:`planmap.result.PlanResult.regions`: one row per county and per city
REGION_COLUMNS = ("adcode", "name", "level", "city_adcode", "province", "projects", "line_km", "line_km_estimated",
                  "counts")
#: registry.csv: one row per real-world project across plans
REGISTRY_COLUMNS = ("registry_id", "name", "category", "province_code", "n_plans", "plans", "names", "project_ids",
                    "mentions")


def projects_frame(rows: Sequence[dict[str, Any]], geometries: Iterable[Any],
                   columns: Sequence[str] = PROJECT_COLUMNS) -> gpd.GeoDataFrame:
    """A projects GeoDataFrame in EPSG:4326; with no rows, one with every column of ``columns``."""
    import geopandas as gpd
    import pandas as pd

    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    # the geometry column is put in before the frame becomes a GeoDataFrame, with a CRS made
    # once: setting it on a frame without one first looks for a CRS there (an error raised and
    # caught), and parsing "EPSG:4326" again costs about as much as the rest of a small frame
    frame = pd.DataFrame(list(rows))
    frame["geometry"] = gpd.GeoSeries(list(geometries), crs=_wgs84())
    return gpd.GeoDataFrame(frame, geometry="geometry", copy=False)


@lru_cache(maxsize=1)
def _wgs84() -> Any:
    """EPSG:4326 as a ``pyproj.CRS``, made once (frames share it; it is never changed in place)."""
    from pyproj import CRS

    return CRS.from_user_input("EPSG:4326")


def empty_projects() -> gpd.GeoDataFrame:
    """A joined projects frame with every column and no rows (a plan that names no projects)."""
    return projects_frame([], [])
