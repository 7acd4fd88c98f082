"""The plan's home region: the province, city or county it governs.

It is the prior for all later geocoding. The issuer says it best (铁岭市人民政府 -> 211200);
a development zone issuer or title stands for its host district (本溪高新区 -> 溪湖区), taken
from the named-features layer; failing both, the title's most specific unit, then the city
the body names most often.
"""
from __future__ import annotations

from collections import Counter

from planmap.models import Region


def find_home_region(text: str, title: str = "", issuer: str = "") -> Region | None:
    """The home region of a plan from its issuer, title and text, or None."""
    from planmap.features import feature_index
    from planmap.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    features = feature_index()
    head = "\n".join(text.split("\n")[:3])
    for source in (issuer, title, head):
        if not source:
            continue
        for _, _, feat in features.scan(source):
            if feat.category in ("industrial_park", "new_town") and len(feat.county_adcodes) == 1:
                return gaz.unit(feat.county_adcodes[0]).region()
        unit = _most_specific(gaz, source)
        if unit is not None:
            return unit.region()
    # no issuer or title names a unit: the city the body names most often
    counts: Counter[str] = Counter()
    for mention in gaz.scan(text):
        for unit in mention.candidates[:1]:
            city = unit.adcode if unit.level == "city" else unit.city_adcode
            if city:
                counts[city] += 1
    if counts:
        return gaz.unit(counts.most_common(1)[0][0]).region()
    return None


def _most_specific(gaz, source: str):
    """The deepest unit named in ``source`` that agrees with the other units named there."""
    mentions = gaz.scan(source)
    if not mentions:
        return None
    named = [m.candidates for m in mentions if m.candidates]
    rank = {"county": 3, "city": 2, "province": 1}
    best = None
    for cands in named:
        others = [c for cs in named if cs is not cands for c in cs]
        for unit in cands:
            agrees = all(_related(unit, o) for o in others[:1]) if others else True
            score = (agrees, rank.get(unit.level, 0))
            if best is None or score > best[0]:
                best = (score, unit)
    return best[1] if best else None


def _related(a, b) -> bool:
    chain_a = {a.adcode, a.city_adcode, a.province_adcode}
    chain_b = {b.adcode, b.city_adcode, b.province_adcode}
    return bool((chain_a & chain_b) - {"", None})
