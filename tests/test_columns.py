"""One schema builds the projects frame: a full build, an empty one and the exports agree on it."""
from __future__ import annotations

import dataclasses

import pytest

from planmap import columns
from planmap.models import Project


def test_placed_columns_are_the_project_fields_then_the_placement() -> None:
    """A field added to Project is a column of the frame (``geom`` is stored as ``geom_kind``)."""
    fields = [f.name for f in dataclasses.fields(Project)]
    assert columns.PLACED_COLUMNS[:len(fields)] == (*[f for f in fields if f != "geom"], "geom_kind")
    assert "geom" not in columns.PROJECT_COLUMNS  # the geometry column's name in GeoPackage


def test_the_export_contract_is_built_from_the_frame() -> None:
    assert set(columns.PROPERTIES) | set(columns.EXTRA_PROPERTIES) <= set(columns.PROJECT_COLUMNS)
    assert set(columns.LABELS) - {"shown_as"} <= set(columns.PROJECT_COLUMNS)
    assert len(set(columns.PROJECT_COLUMNS)) == len(columns.PROJECT_COLUMNS)  # no column added twice


def test_an_empty_frame_has_every_column() -> None:
    empty = columns.empty_projects()
    assert len(empty) == 0
    assert [c for c in empty.columns if c != "geometry"] == list(columns.PROJECT_COLUMNS)
    assert empty.crs.to_epsg() == 4326


def test_a_geocoded_and_a_joined_frame_have_the_schema_columns() -> None:
    from planmap import analyse_plan, extract_projects, geocode_projects, read_plan
    from planmap.paths import sample_plan

    plan = read_plan(sample_plan())
    placed = geocode_projects(extract_projects(plan), plan)
    assert [c for c in placed.columns if c != "geometry"] == list(columns.PLACED_COLUMNS)
    joined = analyse_plan(sample_plan()).projects
    assert set(joined.columns) - {"geometry"} == set(columns.PROJECT_COLUMNS)


@pytest.mark.parametrize("name", ["PROPERTIES", "EXTRA_PROPERTIES", "LABELS"])
def test_export_reads_the_contract_from_the_schema(name: str) -> None:
    from planmap.output import export

    assert getattr(export, name) is getattr(columns, name)
