"""How sure a placement is, looked up in data/confidence.toml by its method and precision.

The numbers are a judgement about evidence (a town named in the project's name beats the
county whose government is responsible), so they live in one commented table that a planner
can read and tune, not as literals scattered over the geocoder.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache

from planmap.paths import package_data


@lru_cache(maxsize=1)
def confidence_table() -> dict[str, dict[str, float]]:
    """The table, method -> {precision or "default": confidence}."""
    with open(package_data("confidence.toml"), "rb") as fh:
        raw = tomllib.load(fh)
    return {method: {k: float(v) for k, v in row.items()} for method, row in raw.items()}


def confidence(method: str, precision: str) -> float:
    """The confidence of a placement found by ``method`` at ``precision``.

    A method missing from the table, or a precision it neither lists nor defaults, is a bug
    in the geocoder, so it raises KeyError rather than guessing a number.
    """
    row = confidence_table()[method]
    return row[precision] if precision in row else row["default"]


def route_end_factor() -> float:
    """How much less sure a route's line is than its least sure end."""
    return confidence_table()["route"]["end_factor"]
