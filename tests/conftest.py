"""Shared fixtures: the seed plan documents in ../shared/seeds (outside the repo), and the
hand-made tables of geodata/ with the gazetteer they are checked against."""
from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# run by QGIS's own Python (python3-qgis), not by pytest: see tests/test_export.py
collect_ignore = ["qgis_check.py"]


def require_folder(path: Path, what: str) -> Path:
    """A folder outside the repo that tests read: missing, it fails under CI and skips elsewhere."""
    if not path.is_dir():
        message = f"{what} not found at {path}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def seeds_folder() -> Path:
    """The seeds folder, for fixtures of any scope; missing, it fails under CI and skips elsewhere."""
    return require_folder(SEEDS, "seed documents (expected ../shared/seeds next to the repo)")


@pytest.fixture
def seeds_dir(seeds_folder: Path) -> Path:
    """The seeds folder; a missing folder fails under CI and skips elsewhere."""
    return seeds_folder


@pytest.fixture
def seed(seeds_dir: Path) -> Callable[[str], Path]:
    """``seed("002")`` -> the path of the seed whose name starts with 002."""

    def find(prefix: str) -> Path:
        matches = sorted(seeds_dir.glob(f"{prefix}*"))
        if not matches:
            pytest.fail(f"no seed starting with {prefix!r} in {seeds_dir}")
        return matches[0]

    return find


def _run_slow(config: pytest.Config) -> bool:
    """Slow tests run under CI, with PLANMAP_SLOW=1, or when asked for by ``-m``."""
    return bool(os.environ.get("CI") or os.environ.get("PLANMAP_SLOW") or config.getoption("-m"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the local loop quick: ``slow`` tests (whole builds of the gold set, notebooks, Dask
    clusters, large files) are skipped unless CI or PLANMAP_SLOW=1 asks for everything.
    """
    if _run_slow(config):
        return
    skip = pytest.mark.skip(reason="slow: set PLANMAP_SLOW=1 (CI runs it)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


# One browser for the whole session, shared by every module that opens maps.
from render_browser import browser, page_factory  # noqa: E402,F401


@pytest.fixture(scope="session")
def geodata_table() -> Callable[[str, list[str]], list[dict[str, str]]]:
    """A reader of one hand-made table of geodata/ whose header must be exactly ``columns``."""
    from planmap.paths import geodata_dir

    def read(name: str, columns: list[str]) -> list[dict[str, str]]:
        with (geodata_dir() / name).open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == columns
            return list(reader)

    return read


@pytest.fixture(scope="session")
def gaz():
    """The shipped gazetteer (loaded once; the tables' rows must name its units)."""
    from planmap.reference.gazetteer import default_gazetteer

    return default_gazetteer()
