"""The plan's home region: the province, city or county it governs, and why.

It is the prior for all later geocoding, so it is decided the way a planner reads a document:

1. the issuer says it best (铁岭市人民政府 -> 211200); a development zone named by the issuer or
   title stands for its host district (苏州高新区 -> 虎丘区, from geodata/zone_hosts.csv);
2. otherwise every place mention votes, weighted by where it stands (title > opening paragraph >
   headings > body) and by how surely it is a place (a short name glued to a longer name,
   平陆运河 or 双城经济圈, hardly counts; one inside a word, 大通道, not at all);
3. the province is the one most of that weight agrees on (one sense per document): mentions
   outside it drop out;
4. the home is the deepest unit the title names inside that province, else the lowest unit
   holding most of the weight (a city plan's city), else the province; a municipality
   (重庆, 北京, 上海, 天津) is itself unless one district holds the document.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from planmap.models import Region

if TYPE_CHECKING:
    from planmap.reference.gazetteer import AdminUnit


@dataclass
class Mention:
    """A place name in the document with its candidates and the weight of its vote."""

    text: str
    where: str  # issuer | title | opening | heading | body
    start: int
    candidates: tuple[AdminUnit, ...]
    weight: float
    kind: str  # full | short | alias | modifier | zone | town


@dataclass
class HomeDecision:
    """The home region and the evidence behind it (shown by ``planmap inspect``)."""

    region: Region | None
    reasons: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


# A line opening with a section's number (三、, （二）, 2.) is a section heading, never a document's title.
_SECTION_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．](?!\d))")
# Heading lines: 第一章…, 一、…, （一）… up to 40 characters, not a sentence.
_HEADING = re.compile(r"(?m)^[ \t\u3000]*((?:第[一二三四五六七八九十百]+[章节部分篇]|[一二三四五六七八九十]+、|"
                      r"[（(][一二三四五六七八九十]+[)）])[^\n。；]{1,40})$")


@lru_cache(maxsize=1)
def place_rules() -> dict:
    """The resolver's vocabulary (data/places.toml)."""
    from planmap.paths import package_data

    with open(package_data("places.toml"), "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def _meta_res() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in place_rules()["lines"]["meta"])


def _squeeze(line: str) -> str:
    """Spaces between CJK characters are layout (太 原 将 整 治): drop them."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])", "", line)


def document_parts(text: str, title: str = "") -> tuple[str, str]:
    """The title and the opening paragraph of a document, skipping page furniture."""
    prefixes = [re.compile(p, re.I) for p in place_rules()["lines"].get("meta_prefix", [])]
    lines = []
    for ln in text.split("\n"):
        for p in prefixes:
            ln = p.sub("", ln)
        lines.append(ln.strip())
    content = [ln for ln in lines if ln and not any(p.search(ln) for p in _meta_res())]
    limit = int(place_rules()["lines"]["title_max_chars"])
    found_title = _squeeze(title.strip())
    rest = content
    if not found_title and content:
        first = _squeeze(content[0])
        if len(first) <= limit and not first.endswith(("。", "；", ";")) and not _SECTION_MARKER.match(first):
            found_title, rest = first, content[1:]  # (三、甲市政府 opens an excerpt at a section: no title)
    elif content and _squeeze(content[0]) == found_title:
        rest = content[1:]
    opening = ""
    for ln in rest:
        opening += _squeeze(ln) + "\n"
        if len(opening) >= 120:
            break
    return found_title, opening[:400]




@lru_cache(maxsize=1)
def _modifier_words() -> tuple[frozenset[str], tuple[int, ...]]:
    """Words that make a unit name before them a modifier (铁岭 in 铁岭大道), and their lengths.

    A set probed at each length, not a regex alternation of the ~270 words: compiling that
    cost more than scanning a document.
    """
    from planmap.extract.projects import load_rules

    words = frozenset(place_rules()["mentions"]["modifier_heads"]) | frozenset(load_rules().types)
    return words, tuple(sorted({len(w) for w in words}))


def _modifier_at(text: str, pos: int) -> bool:
    """True when one of the modifier words starts at ``pos``."""
    words, lengths = _modifier_words()
    return any(text[pos:pos + n] in words for n in lengths if pos + n <= len(text))


def anchored_districts(text: str, gaz=None) -> frozenset[str]:
    """The districts named by a common noun (新城区, 老城区) that ``text`` names right after their
    own city (西安市新城区, 洛阳老城区): their adcodes.
    """
    from planmap.reference.gazetteer import default_gazetteer

    gaz = gaz or default_gazetteer()
    common = set(place_rules()["mentions"]["common_noun_districts"])
    found: set[str] = set()
    for m in gaz.scan(text):
        if m.text not in common:
            continue
        before = text[max(0, m.start - 12):m.start]
        for u in m.candidates:
            city = gaz.unit(u.city_adcode) if u.city_adcode else None
            if city is not None and any(n and before.endswith(n) for n in (city.name, city.short)):
                found.add(u.adcode)
    return frozenset(found)


def scan_mentions(text: str, where: str, gaz=None, base: float | None = None,
                  anchored: frozenset[str] = frozenset()) -> list[Mention]:
    """Unit names in ``text`` that the text uses as places, each with its vote.

    A short name (大通, 双城) must stand as a word of its own; glued to a word that makes it
    part of a longer name (平陆运河, 双城经济圈) it votes weakly. A district named by a common noun
    (新城区) counts only as one of the ``anchored`` districts (:func:`anchored_districts`).
    """
    from planmap.reference.gazetteer import default_gazetteer

    gaz = gaz or default_gazetteer()
    w = place_rules()["weights"]
    zone_weight = float(w[where]) if base is None else base
    generic = set(place_rules()["mentions"]["generic_zones"])
    common = set(place_rules()["mentions"]["common_noun_districts"])
    out: list[Mention] = []
    words = None
    found = gaz.scan(text)
    qualified: dict[int, set[str]] = {}  # a mention's position -> the units that qualify it
    for i, m in enumerate(found):
        if m.text in generic:
            continue
        if i in qualified:
            m = dataclasses.replace(m, candidates=tuple(
                u for u in m.candidates if qualified[i] & {u.city_adcode, u.province_adcode}))
        nxt = found[i + 1] if i + 1 < len(found) else None
        if nxt is not None and nxt.start == m.end and nxt.text not in generic:
            parents = {u.adcode for u in m.candidates if u.level in ("province", "city")}
            if any(parents & {u.city_adcode, u.province_adcode} for u in nxt.candidates):
                qualified[i + 1] = parents
                continue  # 西安市新城区, 河北廊坊市: the unit qualifies its own, which the next mention counts
        if m.text in common:
            kept = tuple(u for u in m.candidates if u.adcode in anchored)
            if not kept:
                continue  # 新老城区: the new and the old town, no district
            m = dataclasses.replace(m, candidates=kept)
        factor = float(w["full"])
        kind = m.kind
        if m.kind != "full":
            if words is None:
                from planmap.reference.words import word_index

                words = word_index()
            if not (words.is_boundary(text, m.start) and words.is_boundary(text, m.end)):
                continue  # 大通 inside 大通道 is no place
            factor = float(w["short"])
            if _modifier_at(text, m.end):
                factor, kind = float(w["modifier"]), "modifier"
        cands = tuple(m.candidates)
        if m.kind != "full":
            # a bare name shared by a city and a county of its own (荆州 -> 荆州市, 荆州区) means the city
            cities = {u.adcode for u in cands if u.level == "city"}
            cands = tuple(u for u in cands if not (u.level == "county" and u.city_adcode in cities))
        out.append(Mention(m.text, where, m.start, cands, zone_weight * factor, kind))
    return out


def _zone_host(text: str):
    """The host county of a development zone named in ``text`` (苏州高新区 -> 虎丘区), or None."""
    from planmap.reference.zones import zone_index

    for _s, _e, zone in zone_index().scan(text):
        if len(zone.county_adcodes) == 1:
            return zone
    return None


def _feature_host(text: str):
    """A zone of the named-features layer with a single host county (本溪高新区 -> 溪湖区)."""
    from planmap.reference.features import feature_index

    for _, _, feat in feature_index().scan(text):
        if feat.category in ("industrial_park", "new_town") and len(feat.county_adcodes) == 1:
            return feat
    return None


def _province_of(unit) -> str:
    return unit.province_adcode or unit.adcode[:2] + "0000"


def _second_level(unit) -> str | None:
    """The unit under the province that holds ``unit``: its city, or for a county directly
    under a province (a municipality's district) the county itself.
    """
    if unit.level == "province":
        return None
    if unit.level == "city":
        return unit.adcode
    return unit.city_adcode or unit.adcode


def decide_home_region(text: str, title: str = "", issuer: str = "", doc_number: str = "") -> HomeDecision:
    """The home region of a plan from its issuer, title and text, with the reasons."""
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    rules = place_rules()["decision"]
    reasons: list[str] = []
    title, opening = document_parts(text, title)

    # 1. an issuer or title that is a development zone: its host district
    for label, source in (("issuer", issuer), ("title", title)):
        if not source:
            continue
        host = _zone_host(source) or _feature_host(source)
        if host is not None:
            unit = gaz.unit(host.county_adcodes[0])
            reasons.append(f"{label} names the development zone {host.name}, hosted by {unit.name} "
                           f"({getattr(host, 'source_url', '').split(' ')[0]})")
            return HomeDecision(unit.region(), reasons)

    mentions: list[Mention] = []
    anchored = anchored_districts("\n".join((issuer, title, text)), gaz)
    if issuer:
        mentions += scan_mentions(issuer, "issuer", gaz, anchored=anchored)
    if title:
        mentions += scan_mentions(title, "title", gaz, anchored=anchored)
    if opening:
        mentions += scan_mentions(opening, "opening", gaz, anchored=anchored)
    mentions += scan_mentions(text, "body", gaz, anchored=anchored)
    # a heading's places weigh more than the body's (they are counted in the body already)
    w = place_rules()["weights"]
    extra = float(w["heading"]) - float(w["body"])
    for line in _HEADING.findall(text):
        mentions += scan_mentions(line, "heading", gaz, base=extra, anchored=anchored)
    towns = _town_mentions("\n".join((title, text)), gaz, int(rules["towns_min"]))
    if towns:
        reasons.append(f"the towns named are {towns[0].candidates[0].name}'s: " + "、".join(m.text for m in towns))
    mentions += towns
    mentions = [m for m in mentions if m.candidates]
    if not mentions:
        return HomeDecision(None, ["no place named in the issuer, title or text"])

    # 2. the province most of the weight agrees on
    prov_w: dict[str, float] = defaultdict(float)
    for m in mentions:
        provs = {_province_of(u) for u in m.candidates}
        for p in provs:
            prov_w[p] += m.weight / len(provs)
    province = max(sorted(prov_w), key=lambda p: prov_w[p])
    prov_unit = gaz.unit(province)
    total = sum(prov_w.values())
    reasons.append(f"province {prov_unit.name}: {prov_w[province]:.1f} of {total:.1f} place weight")
    runner_up = max((w for p, w in prov_w.items() if p != province), default=0.0)
    lead = float(rules["province_lead"])
    share = float(rules["province_share"])
    if not any(m.where in ("issuer", "title") for m in mentions) and not doc_number \
            and prov_w[province] <= share * total and prov_w[province] < lead * runner_up:
        reasons.append(f"the next province weighs {runner_up:.1f}: no majority and no lead of {lead:g} times, "
                       "no home region")
        return HomeDecision(None, reasons)
    # (the body scan sees every occurrence once; the opening and headings repeat some of them)
    located = [m for m in mentions if m.where == "body" and any(_province_of(u) == province for u in m.candidates)]
    if not doc_number and not any(m.where in ("issuer", "title", "opening") for m in mentions) \
            and len(located) < int(rules["body_min_mentions"]) and all(m.kind != "full" for m in located):
        reasons.append(f"only {len(located)} short mention in the text "
                       f"({'、'.join(m.text for m in located)}): no home region")
        return HomeDecision(None, reasons)
    inside = []
    for m in mentions:
        cands = tuple(u for u in m.candidates if _province_of(u) == province)
        if cands:
            inside.append(Mention(m.text, m.where, m.start, cands, m.weight, m.kind))
    dropped = sorted({m.text for m in mentions if all(_province_of(u) != province for u in m.candidates)})
    if dropped:
        reasons.append("outside it, not counted: " + "、".join(dropped[:8]))

    # 3. the issuer's unit (or the one its document number abbreviates), then the deepest unit
    # the title names
    if not any(m.where == "issuer" for m in inside):
        numbered = _doc_number_unit(doc_number, prov_unit)
        if numbered is not None:
            reasons.append(f"document number {doc_number} is {numbered.name}'s")
            return HomeDecision(numbered.region(), reasons, inside)
    for label in ("issuer", "title"):
        named = [m for m in inside if m.where == label and m.kind != "modifier"]
        unit = _deepest_coherent(named, inside)
        if unit is not None:
            reasons.append(f"{label} names {unit.name}")
            return HomeDecision(unit.region(), reasons, inside)

    # 4. the lowest unit holding most of the weight
    second: dict[str, float] = defaultdict(float)
    in_total = 0.0
    for m in inside:
        in_total += m.weight
        levels = {_second_level(u) for u in m.candidates}
        for code in levels:
            if code:
                second[code] += m.weight / len(levels)
    if second and in_total:
        best = max(sorted(second), key=lambda c: second[c])
        share = second[best] / in_total
        if share >= float(rules["city_share"]) and not _provincial(text, prov_unit):
            unit = gaz.unit(best)
            reasons.append(f"{unit.name} holds {share:.0%} of the place weight in {prov_unit.name}")
            if unit.level == "city":
                county = _dominant_county(inside, unit, float(rules["county_share"]),
                                          int(rules["county_min_mentions"]))
                if county is not None:
                    reasons.append(f"{county.name} holds most of the places named in {unit.name}")
                    unit = county
            return HomeDecision(unit.region(), reasons, inside)
        reasons.append(f"places spread over {prov_unit.name} (largest share {share:.0%}): a provincial plan")
    return HomeDecision(prov_unit.region(), reasons, inside)


def _town_mentions(text: str, gaz, least: int) -> list[Mention]:
    """One body mention of a county for each town of it the text names, when the text names
    ``least`` or more towns and townships of that county and at least twice as many as of any
    other (town names repeat across China; several of one county do not by chance).
    """
    towns: dict[str, set[str]] = defaultdict(set)
    first: dict[str, int] = {}
    for m in gaz.scan_towns(text):
        if not m.text.endswith(("镇", "乡")):
            continue
        for t in m.candidates:
            if t.kind in ("town", "township") and t.county_adcode:
                towns[t.county_adcode].add(m.text)
                first.setdefault(m.text, m.start)
    ranked = sorted(towns, key=lambda c: (-len(towns[c]), c))
    if not ranked or len(towns[ranked[0]]) < least or (
            len(ranked) > 1 and len(towns[ranked[0]]) < 2 * len(towns[ranked[1]])):
        return []
    county = gaz.unit(ranked[0])
    if county is None:
        return []
    weight = float(place_rules()["weights"]["body"])
    return [Mention(name, "body", first[name], (county,), weight, "town") for name in sorted(towns[ranked[0]])]


def find_home_region(text: str, title: str = "", issuer: str = "", doc_number: str = "") -> Region | None:
    """The home region of a plan from its issuer, title and text, or None."""
    return decide_home_region(text, title, issuer, doc_number).region


def _doc_number_unit(doc_number: str, province):
    """The unit a document number's prefix abbreviates (铁政发 -> 铁岭市), inside ``province``,
    when exactly one unit of the most senior level fits it; else None.
    """
    from planmap.reference.gazetteer import default_gazetteer

    m = re.match(r"^\s*([\u4e00-\u9fff]{1,2}?)(?:市|县|区)?(?:政|府|办|委|发)", doc_number or "")
    if m is None:
        return None
    prefix = m.group(1)
    if province.short.startswith(prefix) or province.name.startswith(prefix):
        return province
    gaz = default_gazetteer()
    cities = [u for u in gaz.children(province.adcode) if u.level == "city"]
    for level in (cities, [c for u in gaz.children(province.adcode) for c in ([u] if u.level == "county"
                                                                              else gaz.children(u.adcode))]):
        fits = [u for u in level if u.short.startswith(prefix)]
        if fits:
            return fits[0] if len(fits) == 1 else None
    return None


def _provincial(text: str, province) -> bool:
    """The text speaks for a whole province (全省, 省委) more than for a city (全市, 市委)."""
    rules = place_rules()["decision"]
    if province.level != "province" or _is_municipality(province):
        return False
    return sum(text.count(c) for c in rules["provincial_cues"]) > sum(text.count(c) for c in rules["city_cues"])


def _is_municipality(unit) -> bool:
    from planmap.reference.gazetteer import default_gazetteer

    return unit.level == "province" and any(
        c.level == "county" for c in default_gazetteer().children(unit.adcode))


def _deepest_coherent(named: list[Mention], inside: list[Mention]):
    """The deepest unit among ``named`` that the document's other places agree with."""
    rank = {"province": 1, "city": 2, "county": 3}
    support: dict[str, float] = defaultdict(float)
    for m in inside:
        for u in m.candidates:
            for code in {u.adcode, u.city_adcode, u.province_adcode} - {""}:
                support[code] += m.weight / len(m.candidates)
    best = None
    for m in named:
        for u in m.candidates:
            score = (rank.get(u.level, 0), support[u.adcode], m.weight)
            if best is None or score > best[0]:
                best = (score, u)
    return best[1] if best else None


def _dominant_county(inside: list[Mention], city, share: float, min_mentions: int):
    """A county of ``city`` that holds nearly all the places named inside it, or None."""
    weights: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    city_total = 0.0
    for m in inside:
        cands = [u for u in m.candidates if u.adcode == city.adcode or u.city_adcode == city.adcode]
        if not cands:
            continue
        city_total += m.weight
        counties = {u.adcode for u in cands if u.level == "county"}
        for c in counties:
            weights[c] += m.weight / len(counties)
            counts[c] += 1
    if not weights or not city_total:
        return None
    best = max(sorted(weights), key=lambda c: weights[c])
    if weights[best] / city_total >= share and counts[best] >= min_mentions:
        from planmap.reference.gazetteer import default_gazetteer

        return default_gazetteer().unit(best)
    return None
