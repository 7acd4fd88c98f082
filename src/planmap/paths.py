"""Where planmap finds its reference data and keeps its caches.

The reference geodata ships with the package (copied into the wheel) and lives at the
repository's top-level ``geodata/`` in a checkout. ``PLANMAP_GEODATA`` points elsewhere;
``PLANMAP_CACHE`` moves the cache folder.
"""
from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def geodata_dir() -> Path:
    """The folder holding admin units, boundaries, towns and named features."""
    env = os.environ.get("PLANMAP_GEODATA")
    if env:
        return Path(env)
    packaged = _HERE / "geodata"  # a wheel carries geodata inside the package
    if packaged.is_dir():
        return packaged
    return _HERE.parents[1] / "geodata"  # a source checkout keeps it at the top level


def cache_dir() -> Path:
    """A writable folder for derived caches (created on demand)."""
    env = os.environ.get("PLANMAP_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "planmap"
    base.mkdir(parents=True, exist_ok=True)
    return base


def sample_plan() -> Path:
    """The bundled sample plan: what ``planmap build`` with no documents builds, and the docs' example."""
    return package_data("samples/tieling_sample_plan.txt")


def package_data(name: str) -> Path:
    """A file shipped inside the package's ``data/`` folder (rules, styles, samples)."""
    return _HERE / "data" / name
