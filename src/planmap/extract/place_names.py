"""Place names inside project names, for the extractor's decisions.

The extractor asks three questions of the gazetteer: is this span an administrative unit
itself (沈北新区 is a district, not a new town), does a name carry a place (铁岭大数据中心), and
where does the place at the head of an enumeration item end (西丰县|通用机场).
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65536)
def is_admin_name(name: str) -> bool:
    """True when ``name`` is exactly the full name of a province, city or county."""
    from planmap.reference.gazetteer import default_gazetteer

    return any(u.name == name for u in default_gazetteer().units_named(name))


@lru_cache(maxsize=65536)
def has_place_name(name: str) -> bool:
    """True when ``name`` contains an admin unit, a town, or a named feature."""
    from planmap.reference.features import feature_index
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    if gaz.scan(name):
        return True
    if any(e - s >= 2 for s, e, _ in feature_index().scan(name)):
        return True
    return bool(gaz.scan_towns(name))


@lru_cache(maxsize=65536)
def admin_prefix(name: str) -> str:
    """The admin/town names that open ``name`` (铁岭县腰堡镇通用机场 -> 铁岭县腰堡镇)."""
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    end = 0
    for m in sorted(gaz.scan(name), key=lambda m: m.start):
        if m.start == end:
            end = m.end
    for t in sorted(gaz.scan_towns(name), key=lambda m: m.start):
        if t.start == end:
            end = t.end
    return name[:end]
