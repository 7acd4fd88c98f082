"""Place names inside project names, for the extractor's decisions.

The extractor asks three questions of the gazetteer: is this span an administrative unit
itself (沈北新区 is a district, not a new town), does a name carry a place (铁岭大数据中心), and
where does the place at the head of an enumeration item end (西丰县|通用机场).

The answers come from a :class:`PlaceNames` index over one gazetteer and one feature index:
the pipeline builds it from the geocoder's, so a build's ``--overrides`` reach extraction as
they reach geocoding. :func:`planmap.extract.projects.extract_projects` takes it as an argument
and makes it the current index while it runs; the module-level functions below ask the current
one (the shipped data when none is given). Answers are memoised per index.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planmap.reference.features import FeatureIndex
    from planmap.reference.gazetteer import Gazetteer


class PlaceNames:
    """The extractor's questions about place names, over one gazetteer and one feature index."""

    def __init__(self, gazetteer: Gazetteer | None = None, features: FeatureIndex | None = None) -> None:
        from planmap.reference.features import feature_index
        from planmap.reference.gazetteer import default_gazetteer

        self.gaz = gazetteer if gazetteer is not None else default_gazetteer()
        self.features = features if features is not None else feature_index()
        self._admin: dict[str, bool] = {}
        self._place: dict[str, bool] = {}
        self._prefix: dict[str, str] = {}

    def clear(self) -> None:
        """Forget the memoised answers (benchmarks measuring unseen text)."""
        self._admin.clear()
        self._place.clear()
        self._prefix.clear()

    def is_admin_name(self, name: str) -> bool:
        """True when ``name`` is exactly the full name of a province, city or county."""
        hit = self._admin.get(name)
        if hit is None:
            hit = self._admin[name] = any(u.name == name for u in self.gaz.units_named(name))
        return hit

    def has_place_name(self, name: str) -> bool:
        """True when ``name`` contains an admin unit, a town, or a named feature."""
        hit = self._place.get(name)
        if hit is None:
            hit = self._place[name] = bool(self.gaz.scan(name)) \
                or any(e - s >= 2 for s, e, _ in self.features.scan(name)) or bool(self.gaz.scan_towns(name))
        return hit

    def admin_prefix(self, name: str) -> str:
        """The admin/town names that open ``name`` (铁岭县腰堡镇通用机场 -> 铁岭县腰堡镇)."""
        hit = self._prefix.get(name)
        if hit is None:
            end = 0
            for m in sorted(self.gaz.scan(name), key=lambda m: m.start):
                if m.start == end:
                    end = m.end
            for t in sorted(self.gaz.scan_towns(name), key=lambda m: m.start):
                if t.start == end:
                    end = t.end
            hit = self._prefix[name] = name[:end]
        return hit


_CURRENT: ContextVar[PlaceNames | None] = ContextVar("planmap_place_names", default=None)


@lru_cache(maxsize=1)
def default_places() -> PlaceNames:
    """The index over the shipped gazetteer and features (and ``PLANMAP_OVERRIDES``), built once."""
    return PlaceNames()


def current() -> PlaceNames:
    """The index extraction is using now: the one given to ``extract_projects``, else the default."""
    return _CURRENT.get() or default_places()


@contextmanager
def using(places: PlaceNames | None) -> Iterator[PlaceNames]:
    """Make ``places`` (None: the default) the current index inside the block."""
    token = _CURRENT.set(places or default_places())
    try:
        yield _CURRENT.get() or default_places()
    finally:
        _CURRENT.reset(token)


def clear_caches() -> None:
    """Forget the memoised answers of the default and the current index."""
    default_places().clear()
    current().clear()


def is_admin_name(name: str) -> bool:
    """True when ``name`` is exactly the full name of a province, city or county."""
    return current().is_admin_name(name)


def has_place_name(name: str) -> bool:
    """True when ``name`` contains an admin unit, a town, or a named feature."""
    return current().has_place_name(name)


def admin_prefix(name: str) -> str:
    """The admin/town names that open ``name`` (铁岭县腰堡镇通用机场 -> 铁岭县腰堡镇)."""
    return current().admin_prefix(name)
