"""Offline geocoding: every project gets a WGS-84 geometry, a precision and the names that placed it.

Evidence is weighed in order of strength: a named feature of the gazetteer; the most specific
unit or town named in the project's name; units named in its sentence; the county whose
government the clause makes responsible; the section's subject; and, last, the plan's home
region. Each step says how sure it is (precision and confidence), and a route (A至B) becomes a
line between its resolved ends, as precise as its weakest end.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from planmap.extract.projects import left_edge, load_rules, raw_rules, route_ends
from planmap.models import Plan, Project, Region
from planmap.place.confidence import confidence
from planmap.place.homeregion import place_rules
from planmap.read.textnorm import to_simplified
from planmap.reference import zones  # (its functions looked up on call: tests replace them)
from planmap.reference.plants import plant_index
from planmap.reference.transport import transport_index
from planmap.reference.words import word_index
from planmap.vocab import PRECISIONS

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from planmap.reference.gazetteer import AdminUnit

PRECISION_ORDER = PRECISIONS  # finest first (planmap.vocab)
# Words opening a clause that says where the project just named lies or runs.
_WHERE_CLAUSE = ("北起", "南起", "东起", "西起", "起于", "起自", "起点", "位于", "地处", "坐落于", "途经", "选址")
# "A至B": the span of a route by its ends, whose places belong to that route.
_ROUTE_SPAN = re.compile(r"[\u4e00-\u9fff]{2,12}(?:至|到|—|－|-)[\u4e00-\u9fff]{2,12}")


def _route_spans(text: str) -> Iterator[re.Match[str]]:
    """The routes' spans by their ends in ``text``; none without a word that joins two ends
    (the pattern tries a dozen lengths of end at every character before it finds out).
    """
    if any(c in text for c in "至到—－-"):
        yield from _ROUTE_SPAN.finditer(text)
# A paragraph's lead: an optional list number, a short phrase, then a colon or comma.
_PARAGRAPH_LEAD = re.compile(r"\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)?([^，,。；;：:\s]{2,12})[：:，,]")
#: work words a project name may end in (…改造工程): cut before names are compared or looked up
WORK_TAIL = re.compile(r"(新建工程|改扩建工程|改造工程|建设工程|建设项目|项目建设|工程|项目|建设|改造|新建|提升|治理|恢复)+$")
# a size class written before the kind (夹岩大型灌区, 车马碧大型水库) is no part of the work's name
_SIZE_CLASS = re.compile(r"[大中小]型(?=(灌区|水库|水利枢纽|水电站)$)")


_CLAUSE_STOP = re.compile(r"[，,；;：:。]")
_SENTENCE_STOP = re.compile(r"[；;。]")
# the project's clause, then a clause that says where it lies or runs (…，北起平度城区…)
_WHERE_AFTER = re.compile(rf"[^，,；;。]*[，,]\s*((?:{'|'.join(_WHERE_CLAUSE)})[^，,；;。]*)")


def _place_rules() -> dict:
    """Place-name rules (data/categories.toml [places])."""
    return raw_rules()["places"]


@lru_cache(maxsize=1)
def _generic_zones_longest_first() -> tuple[str, ...]:
    """The generic zone words (新区, 开发区), longest first, sorted once."""
    return tuple(sorted(_place_rules()["generic_zones"], key=len, reverse=True))


def _is_generic_zone(name: str) -> bool:
    """新区, 高新区的: a name that is a generic zone word with at most one character before it."""
    words = _generic_zones_longest_first()
    return name.endswith(words) and any(name.endswith(z) and len(name) <= len(z) + 1 for z in words)


@lru_cache(maxsize=16)
def _named_zone_re(word: str) -> re.Pattern[str]:
    """A zone of kind ``word`` named by two to eight characters (凡河新区 for 新区)."""
    return re.compile(rf"([\u4e00-\u9fff]{{2,8}}?){re.escape(word)}")


@lru_cache(maxsize=4)
def _village_work_re(lo: int, hi: int, works: tuple[str, ...]) -> re.Pattern[str]:
    """A village's stem of ``lo`` to ``hi`` characters, then a work named after it (驮英水库, 驮英隧道)."""
    alternatives = "|".join(map(re.escape, sorted(works, key=len, reverse=True)))
    return re.compile(rf"([\u4e00-\u9fff]{{{lo},{hi}}}?)(?:{alternatives})")


def _listed_alone(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is a whole item of an enumeration (甲区、乙新区等): a sibling of
    the other items, not the place they lie in.
    """
    before, after = text[start - 1:start], text[end:end + 1]
    return after == "、" or (before == "、" and after in ("等", "，", ",", "。", "；", ";", ""))


def _clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between commas, semicolons, colons and full stops) holding text[start:end]."""
    if start < 0:
        return 0, len(text)
    lo = max((m.end() for m in _CLAUSE_STOP.finditer(text, 0, start)), default=0)
    stop = _CLAUSE_STOP.search(text[end:])
    return lo, end + stop.start() if stop else len(text)


def _sibling_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the other items of the enumeration (甲、乙、丙) that text[start:end] stands in:
    a place inside a sibling (北戴河 in 乙、北戴河丙示范区) is that sibling's, not this item's.
    """
    if start < 0:
        return []
    seg_start, seg_end = _clause_span(text, start, end)
    if "、" not in text[seg_start:seg_end]:
        return []
    items, pos = [], seg_start
    for part in text[seg_start:seg_end].split("、"):
        items.append((pos, pos + len(part)))
        pos += len(part) + 1
    return [(a, b) for a, b in items[1:] if not (a <= start < b) and b <= seg_end] + \
        [(a, b) for a, b in items[:1] if b <= start]  # (the first item may open with the list's place)


MAX_HEADING = 40  # a section title longer than this is a paragraph the outline took for a heading


@dataclass(frozen=True)
class Placement:
    """Where a project is, and why we think so.

    Frozen: a step that reads a placement differently (a unit's seat taken as the place the
    project's name names) makes a new one with :meth:`found_by`, whose confidence comes from
    data/confidence.toml, so no number is written over after the fact.
    """

    geometry: BaseGeometry  # WGS-84
    precision: str
    confidence: float
    source: str  # URL, "admin-centroid", "geonames:<id>" or "gazetteer:<id>"
    names: list[str] = field(default_factory=list)  # the place names that placed it
    counties: list[str] = field(default_factory=list)  # county adcodes the placing unit(s) say
    method: str = ""

    @classmethod
    def of(cls, geometry: BaseGeometry, precision: str, source: str, names: list[str], counties: list[str],
           method: str) -> Placement:
        """A placement whose confidence is the table's for its method and precision."""
        return cls(geometry, precision, confidence(method, precision), source, names, counties, method)

    def found_by(self, method: str, **changes: Any) -> Placement:
        """The same placement as found by ``method`` (other fields as given), re-rated by the table."""
        precision = changes.get("precision", self.precision)
        return replace(self, method=method, confidence=confidence(method, precision), **changes)




# adcode digits a unit of each level shares with the units inside it
_PREFIX = {"province": 2, "city": 4}
# Taiwan, Hong Kong and Macao: named in a mainland plan's project names as partners
_PARTNER_REGIONS = ("71", "81", "82")


def _before_a_noun(text: str, end: int) -> bool:
    """A unit's short name right before a common noun (通州院区, a hospital's campus; 大足石刻)
    names a thing of its own, which the sentence names beside the project: its place is that
    thing's; a full name before a noun (即墨区道路) speaks of the area itself.
    """
    from planmap.reference.gazetteer import UNIT_CONTEXT

    rest = text[end:end + 8]
    if not rest or rest.startswith(UNIT_CONTEXT) or rest[0] == "城" or rest[1:2] == "委":  # 县城, 境内, 市委: the unit itself
        return False
    words = word_index()
    return words.tag(words.cut(rest)[0]) == "n"


def _opens_project_name(text: str, end: int) -> bool:
    rules = load_rules()
    m = rules.type_re.match(text, end)
    return m is not None and m.start() == end


class LongestFirst:
    """Literal words found as ``re.compile("|".join(words sorted longest first))`` finds them
    (``finditer``: leftmost, then the longest word there, without overlaps; ``match``: the longest
    word the text opens with), by set look-ups: a county's town stems run to hundreds of words,
    and compiling them as a pattern cost more than all the searches made with it.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(w for w in words if w)
        self._lengths = sorted({len(w) for w in self._words}, reverse=True)
        self._first = frozenset(w[0] for w in self._words)

    def _at(self, text: str, i: int) -> int:
        """The length of the longest word at ``text[i:]``, or 0."""
        left = len(text) - i
        if left > 0 and text[i] in self._first:
            for n in self._lengths:
                if n <= left and text[i:i + n] in self._words:
                    return n
        return 0

    def finditer(self, text: str) -> Iterator[_Found]:
        i, end = 0, len(text)
        first = self._first
        while i < end:
            n = self._at(text, i) if text[i] in first else 0  # (most characters open no word)
            if n:
                yield _Found(text, i, i + n)
                i += n
            else:
                i += 1

    def match(self, text: str) -> _Found | None:
        n = self._at(text, 0)
        return _Found(text, 0, n) if n else None


class _Found:
    """A word :class:`LongestFirst` found: the ``re.Match`` methods its callers use."""

    __slots__ = ("_text", "_start", "_end")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text, self._start, self._end = text, start, end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, index: int = 0) -> str:
        if index != 0:
            raise IndexError("no such group")
        return self._text[self._start:self._end]


class Geocoder:
    """Places projects using the gazetteer layers; one per run (it caches look-ups)."""

    def __init__(self, gazetteer=None, features=None) -> None:
        from planmap.reference.features import feature_index
        from planmap.reference.gazetteer import default_gazetteer

        self.gaz = gazetteer or default_gazetteer()
        self.features = features or feature_index()
        self._seats: dict[str, object] = {}
        self._project_name = ""  # the project being placed: _others lists the other names for it
        self._others_list: list[str] | None = None
        self._masking_order: list[str] | None = None  # the same names, longest first
        self._plan_names: tuple[tuple[str, ...], list[str]] = ((), [])
        self._stems: dict[tuple[str, ...], object] = {}
        self._zone_town_map: dict[str, list] | None = None
        # memos of pure look-ups, per text (a sentence is scanned for every project it holds)
        self._units: dict[tuple[str, Region | None], list] = {}
        self._place_names: dict[str, bool] = {}
        #: indexes over the gazetteer that helpers (planmap.place.routes) build once per geocoder
        self.indexes: dict[str, Any] = {}

    # ------------------------------------------------------------ units and towns

    def _seat(self, unit):
        """The unit's seat, or a point inside its polygon when the seat lies outside it
        (a county governed from its prefecture city), so the county join agrees.
        """
        cached = self._seats.get(unit.adcode)
        if cached is None:
            from shapely.geometry import Point

            cached = Point(unit.lon, unit.lat) if unit.lon is not None else None
            if unit.level == "county":
                poly = self.gaz.unit_polygon(unit.adcode)
                if poly is not None and (cached is None or not poly.contains(cached)):
                    cached = poly.representative_point()
            self._seats[unit.adcode] = cached
        return cached

    def _unit_point(self, unit) -> Placement:
        precision = {"county": "county", "city": "city", "province": "province"}[unit.level]
        counties = [unit.adcode] if unit.level == "county" else []
        return Placement.of(self._seat(unit), precision, "admin-centroid", [unit.name], counties, "admin")

    def _word_aligned(self, text: str, start: int, end: int) -> bool:
        words = word_index()
        return words.is_boundary(text, start) and words.is_boundary(text, end)

    def _opens_a_typed_word(self, text: str, start: int, end: int) -> bool:
        """A unit's short name opening a dictionary word that is the name and a type word or a
        port (苏州工业园区, 青岛港): the unit's own site, though the name is no word of its own.
        """
        words = word_index()
        if not words.is_boundary(text, start):
            return False
        stop = next((k for k in range(end + 1, min(len(text), end + 8) + 1) if words.is_boundary(text, k)), None)
        if stop is None:
            return False
        rest = text[end:stop]
        return rest == "港" or rest in load_rules().types or rest in _place_rules()["generic_zones"]

    def units_in(self, text: str, prior: Region | None) -> list:
        """Admin units named in ``text``, each resolved with the prior, most specific last."""
        key = (text, prior)
        found = self._units.get(key)
        if found is None:
            found = self._units[key] = self._units_in(text, prior)
        return list(found)

    def _units_in(self, text: str, prior: Region | None) -> list:
        out: list[tuple[int, int, Any]] = []  # (start, end, AdminUnit)
        other_provinces: list[tuple[int, int, Any]] = []  # short names of other provinces, kept when no home place is named
        for m in self.gaz.scan(text):
            cands = self.gaz.locate_admin(text[m.start:m.end], prior) if prior else list(m.candidates)
            cands = [c for c in cands if c in m.candidates] or list(m.candidates)
            if m.kind != "full":
                if not self._word_aligned(text, m.start, m.end) and not self._opens_a_typed_word(text, m.start, m.end) \
                        and not self._town_follows(text, m.start, m.end, cands):
                    continue  # 盘山 inside 棋盘山 is no county
                if prior is not None:
                    # a short name (朝阳, 铁岭) means a unit of the home province, or nothing; one
                    # that opens a project name (白塔公园) must be in the home city itself
                    home = [c for c in cands if c.province_adcode == prior.adcode[:2] + "0000"]
                    if _opens_project_name(text, m.end) and prior.level != "province":
                        home_city = prior.adcode[:4]
                        home = [c for c in home if c.adcode[:4] == home_city]
                    if not home and m.start == 0:
                        # a name opening with another province's own short name (天津滨海…科技园 in
                        # a 北京 plan), not with a county's name it lists as an alias, nor with
                        # 台湾/香港/澳门, which in a plan's names are partners (台湾农民创业园)
                        other_provinces += [(m.start, m.end, c) for c in cands[:1]
                                            if c.level == "province" and c.short == m.text
                                            and c.adcode[:2] not in _PARTNER_REGIONS]
                    cands = home
            if len(cands) > 1 and out and out[-1][1] == m.start and out[-1][2].level in ("province", "city"):
                # 兰州市城关区, 西安市新城区: the unit written just before holds the one meant
                before = out[-1][2]
                width = _PREFIX[before.level]
                cands = [c for c in cands if c.adcode[:width] == before.adcode[:width]] or cands
            if cands:
                out.append((m.start, m.end, cands[0]))
        if other_provinces and prior is not None and not any(u.province_adcode == prior.adcode[:2] + "0000"
                                                             for _, _, u in out):
            out = sorted(out + other_provinces, key=lambda t: t[0])
        if not out and prior is not None:
            named = self._common_word_unit(text, prior)
            if named is not None:
                out.append(named)
        return out

    def _town_follows(self, text: str, start: int, end: int, cands: list) -> bool:
        """A unit's short name written just before one of its own towns (吴忠金积工业园: 金积镇 of
        吴忠), which the word index glues into one unknown word: the unit, and its town, are named.
        """
        if not word_index().is_boundary(text, start):
            return False
        for unit in cands:
            counties = tuple(c.adcode for c in self.gaz.children(unit.adcode)) if unit.level == "city" else \
                (unit.adcode,) if unit.level == "county" else ()
            stems = self._town_stems(counties) if counties else None
            if stems is not None and stems[0].match(text[end:]) is not None:
                return True
        return False

    def _common_word_unit(self, text: str, prior: Region) -> tuple[int, int, Any] | None:
        """A name opening with a home unit's short name that is also an everyday word: a bare
        class after a home-city district's name (新民新城 in a 沈阳 plan: 新民 is 新民市), or a
        figure after a home-province city's name (北海20万吨级航道 in a 广西 plan).
        """
        from planmap.reference.gazetteer import COMMON_WORDS, is_common_word

        rules = load_rules()
        province = self.gaz.unit(prior.adcode).province_adcode or prior.adcode
        for n in (3, 2):
            head, rest = text[:n], text[n:]
            if not (head in COMMON_WORDS or is_common_word(head)):
                continue
            if rest in rules.types or rest in _place_rules()["generic_zones"]:
                units = [u for u in self.gaz.units_named(head)
                         if u.level == "county" and u.adcode[:4] == prior.adcode[:4] and prior.level != "province"]
            elif rest[:1].isdigit():
                units = [u for u in self.gaz.units_named(head) if u.level == "city" and u.province_adcode == province]
            else:
                continue
            if len(units) == 1:
                return (0, n, units[0])
        return None

    def towns_in(self, text: str, counties: list[str]) -> list:
        """Towns named in ``text`` inside ``counties``: full names (腰堡镇), and, because plans
        often drop the suffix (腰堡、新台子三镇, 通江口特大桥), stems of the towns of those counties.
        """
        if not counties:
            return []
        found = [(m.start, m.end, m.candidates[0]) for m in self.gaz.scan_towns(text, counties=counties)
                 if m.candidates]
        zone_towns = self._zone_towns()
        for county in counties:  # full names of the towns of the zones these counties host
            for town in zone_towns.get(county, ()):
                at = text.find(town.name)
                if at >= 0 and len(town.name) >= 3 and not any(a <= at < b for a, b, _ in found):
                    found.append((at, at + len(town.name), town))
        taken = [(s, e) for s, e, _ in found]
        stems = self._town_stems(tuple(sorted(counties)))
        if stems is not None:
            for m in stems[0].finditer(text):
                s, e = m.span()
                if text[e:e + 1] in "县市区省镇乡村" or any(a <= s < b for a, b in taken):
                    continue
                town = stems[1].get(m.group(0))
                if town is not None:
                    found.append((s, e, town))
        return sorted(found, key=lambda t: t[0])

    def _zone_towns(self) -> dict[str, list]:
        """Towns listed under a development zone's pseudo-county (红岛街道 under 青岛高新区), by
        their own county where an NBS edition lists them under one (zone_towns.csv), else by the
        zone's host county when the zone host table names exactly one host.
        """
        if self._zone_town_map is None:
            from dataclasses import replace

            out: dict[str, list] = {}
            own = zones.zone_town_counties()
            for town in self.gaz.towns.by_county.get("", []):  # the towns no county hosts
                if " " not in town.source_county:
                    continue
                county = own.get((town.name, town.source_county))
                if county and self._known_county(county):
                    # the county an NBS edition lists this very town under
                    out.setdefault(county, []).append(replace(town, county_adcode=county))
                    continue
                named = zones.zone_index().named(town.source_county.split(" ", 1)[1])
                hosts = {z.county_adcodes for z in named}
                if len(hosts) == 1 and len(next(iter(hosts))) == 1:
                    host = next(iter(hosts))[0]
                    out.setdefault(host, []).append(replace(town, county_adcode=host))
            self._zone_town_map = out
        return self._zone_town_map

    def _known_county(self, code: str) -> bool:
        """True when ``code`` is a county of the shipped units (a table row may be older)."""
        from planmap.errors import UnknownRegionError

        try:
            return self.gaz.unit(code).level == "county"
        except UnknownRegionError:
            return False

    def _county_towns(self, county: str) -> list:
        """The towns of one county, with those of the zones it hosts."""
        return self.gaz.towns_in_county(county) + self._zone_towns().get(self.gaz.canonical(county), [])

    def _town_stems(self, counties: tuple[str, ...], home_units_only: bool = False):
        """A regex over unambiguous town stems of these counties, and the stem -> town map."""
        key = (*counties, "home-units") if home_units_only else counties
        if key in self._stems:
            return self._stems[key]
        from planmap.reference.gazetteer import COMMON_WORDS

        by_stem: dict[str, list] = {}
        # a stem that names a unit means the unit (铁岭), or is a word (桃园); for a name that opens
        # with a town of the home province, only that province's units count (Sichuan's 武都镇,
        # not Gansu's 武都区)
        provinces = {c[:2] for c in counties} if home_units_only else None
        for county in counties:
            for town in self._county_towns(county):
                stem = re.sub(r"(镇|乡|街道|苏木)$", "", town.name)
                if len(stem) >= 2 and stem != town.name and stem not in COMMON_WORDS and stem not in _place_rules()["town_stem_stop"] \
                        and not any(provinces is None or u.adcode[:2] in provinces for u in self.gaz.units_named(stem)):
                    by_stem.setdefault(stem, []).append(town)
        unique = {k: v[0] for k, v in by_stem.items() if len(v) == 1}
        value = (LongestFirst(unique), unique) if unique else None
        self._stems[key] = value
        return value

    def _scope_counties(self, prior: Region | None, units: list) -> list[str]:
        """Counties where a town named alongside these units may lie."""
        counties = [u.adcode for _, _, u in units if u.level == "county"]
        if counties:
            return counties
        cities = [u.adcode for _, _, u in units if u.level == "city"]
        if not cities and prior is not None:
            cities = [prior.adcode[:4] + "00"] if prior.level != "province" else []
        return [c.adcode for city in cities for c in self.gaz.children(city)]

    def place_text(self, text: str, prior: Region | None, nearest: bool = False) -> Placement | None:
        """The most specific place named in ``text`` (units and towns), or None.

        ``nearest``: the place named last wins (the one closest to a project that follows it),
        as in 开原市建设…，西丰县建设…产业园.
        """
        units = self.units_in(text, prior)
        if nearest and units:
            units = [units[-1]]
        towns = self.towns_in(text, self._scope_counties(prior, units))
        if nearest and towns and units and towns[-1][0] < units[-1][0]:
            towns = []
        best: Placement | None = None
        if towns:
            _, _, town = towns[-1]
            county = self.gaz.unit(town.county_adcode)
            if town.lon is not None:
                from shapely.geometry import Point

                best = Placement.of(Point(town.lon, town.lat), "town", town.source or "geonames",
                                    [county.name, town.name], [county.adcode], "town")
            else:
                best = self._unit_point(county)
                best = best.found_by("town-county", names=[*best.names, town.name])
        if units:
            deepest = max(units, key=lambda u: {"province": 0, "city": 1, "county": 2}[u[2].level])[2]
            cand = self._unit_point(deepest)
            if best is None or PRECISION_ORDER.index(cand.precision) < PRECISION_ORDER.index(best.precision):
                best = cand
        if best is None or best.precision in ("city", "province"):
            best = self.zone_in(text, prior, nearest) or best  # 东湖高新区: its host, not the city
        return best

    def zone_in(self, text: str, prior: Region | None, nearest: bool = False) -> Placement | None:
        """A development zone named in ``text`` (东湖高新区), placed in its host county."""
        hits = zones.zone_index().scan(text)
        if prior is not None:
            # a development zone is read in the home province only (a plan names its own zones,
            # and their spellings repeat across provinces); a state-level new area is one of a
            # few the whole country knows by name (雄安新区 in a 北京 plan is in 河北)
            prov = prior.adcode[:2]
            hits = [h for h in hits if h[2].county_adcodes[0][:2] == prov or h[2].kind == "newarea"]
        if not hits:
            return None
        zone = hits[-1 if nearest else 0][2]
        p = self._unit_point(self.gaz.unit(zone.county_adcodes[0]))
        return p.found_by("zone-host", names=[zone.name, *p.names], counties=list(zone.county_adcodes),
                          source=zone.source_url)

    # ------------------------------------------------------------ features

    def feature_for(self, name: str, prior: Region | None):
        """The named feature a project name refers to, preferring the home province.

        Names are looked up in simplified script: a plan in traditional script keeps its own
        forms in project names (龍灘水電站), the gazetteer tables are simplified.
        """
        name = to_simplified(name)
        stem = WORK_TAIL.sub("", name) or name
        cands = (self.features.named(name) or self.features.named(stem)
                 or self.features.named(_SIZE_CLASS.sub("", stem)))
        if not cands:
            # a feature name that makes up most of the project name (铁岭莲花湖湿地恢复)
            for s, e, feat in self.features.scan(stem):
                if e - s >= max(3, int(0.6 * len(stem))):
                    cands = [feat]
                    break
        if not cands:
            # a railway station, an airport or a power plant from the open-data tables (沈阳北站, 天府国际机场, 龙滩水电站)
            index = transport_index()
            return (index.station_in(stem, prior) or index.airport_in(stem, prior, self.gaz)
                    or plant_index().plant_in(name, prior))
        if prior is not None:
            prov = prior.adcode[:2]
            same = [f for f in cands if any(c[:2] == prov for c in f.county_adcodes) or f.city_adcode[:2] == prov]
            if same:
                cands = same
            elif any(f.county_adcodes or f.city_adcode for f in cands):
                # a feature of the same name in another province: never match by name alone
                return None
        from planmap.place.routes import feature_section

        return feature_section(self, cands[0], name, prior)

    def _feature_placement(self, feat) -> Placement | None:
        url = feat.source_url.split()[0] if feat.source_url else f"gazetteer:{feat.id}"
        if feat.geometry is not None:
            return Placement.of(feat.geometry, feat.precision, url, [feat.name], list(feat.county_adcodes),
                                "feature")
        if len(feat.county_adcodes) >= 1:
            units = [self.gaz.unit(c) for c in feat.county_adcodes]
            if len(units) == 1:
                p = self._unit_point(units[0])
            else:
                from shapely.geometry import LineString, MultiPoint

                pts = [(u.lon, u.lat) for u in units]
                geom = LineString(pts) if feat.kind == "line" else MultiPoint(pts).centroid
                if feat.kind == "line":
                    from planmap.place.routes import straighten

                    geom = straighten(geom)
                p = Placement(geom, "county", confidence("admin", "county"), "admin-centroid",
                              [u.name for u in units], [u.adcode for u in units], "feature-counties")
            return p.found_by("feature-county", names=[feat.name, *p.names], source=url)
        cities = [self.gaz.unit(c) for c in feat.city_adcode.split("|") if c]
        if cities:
            # a work its source places only in cities (邕北灌区: 南宁 and 河池): the middle one
            p = self._unit_point(_middle_member(cities))
            return p.found_by("feature-city", names=[feat.name, *p.names], source=url)
        return None

    def _port_work(self, name: str, prior: Region | None) -> Placement | None:
        """A wharf, channel or port area of a port of ``geodata/ports.csv``, in the home province
        (a plan builds its own ports): at the seat of the county the port area lies in.
        """
        from planmap.reference.ports import port_index

        port = port_index().port_in(to_simplified(name), prior.adcode[:2] if prior is not None else None)
        if port is None:
            return None
        units = [self.gaz.unit(c) for c in port.county_adcodes]
        p = self._unit_point(_middle_member(units))
        return p.found_by("port", source=port.source_url, names=[port.name, *(u.name for u in units)],
                          counties=[u.adcode for u in units])

    # ------------------------------------------------------------ routes

    def place_endpoint(self, name: str, context_units: list, prior: Region | None) -> Placement | None:
        """Where one end of a route is (see :func:`planmap.place.routes.place_endpoint`)."""
        from planmap.place.routes import place_endpoint

        return place_endpoint(self, name, context_units, prior)

    def _route(self, project: Project, context_units: list, prior: Region | None) -> Placement | None:
        """The line of a route project (see :mod:`planmap.place.routes`)."""
        from planmap.place.routes import route_placement

        return route_placement(self, project, context_units, prior)

    def _line_section(self, project: Project, prior: Region | None) -> Placement | None:
        """开原市G102线…段: the part of a gazetteer line (G102) inside the county the name names."""
        lines = [f for s, e, f in self.features.scan(project.name)
                 if f.geometry is not None and "LineString" in f.geometry.geom_type]
        if not lines:
            return None
        counties = [u for _, _, u in self.units_in(project.name, prior) if u.level == "county"]
        if not counties:
            return None
        poly = self.gaz.unit_polygon(counties[-1].adcode)
        if poly is None:
            return None
        part = lines[0].geometry.intersection(poly)
        if part.is_empty or "LineString" not in part.geom_type:
            return None
        url = lines[0].source_url.split()[0]
        return Placement.of(part, "county", url, [lines[0].name, counties[-1].name], [counties[-1].adcode],
                            "line-section")

    def _abbreviated_ends(self, name: str, prior: Region | None) -> list[str]:
        """沈铁城际 / 成渝高铁 / 宜西攀高铁: the places an abbreviated route name stands for."""
        from planmap.place.routes import abbreviated_ends, parse_route_name

        parsed = parse_route_name(name)
        if not parsed.abbreviation:
            return []
        return [p.names[0] for p in abbreviated_ends(self, parsed.abbreviation, prior) if p.names]

    # ------------------------------------------------------------ one project

    def place(self, project: Project, plan: Plan | None, others: Iterable[str] = ()) -> Placement:
        """The best placement for one project (never None: the home region is the last resort).

        ``others``: names of the other projects of the plan; a place inside one of them
        (犍为 in 岷江航电犍为枢纽) belongs to it, not to its neighbours in the sentence.
        """
        prior = plan.home_region if plan else None
        others = tuple(others)
        if self._plan_names[0] != others:  # the plan's names that are not places, once per plan
            self._plan_names = (others, [o for o in others if o and not self._is_place_name(o)])
        self._project_name, self._others_list, self._masking_order = project.name, None, None  # (made when asked)
        sentence = project.evidence
        context_units = self.units_in(sentence, prior)
        generic = _is_generic_zone(project.name)

        # 0. the user's correction of this very project (an overrides row, e.g. from a map page)
        user = [f for f in self.features.named(project.name) if f.origin == "overrides"]
        p = (self._feature_placement(user[0]) or self._home(prior)) if user else None
        if p is not None:
            if user[0].geometry is not None:
                p = p.found_by("override", precision="user", source="override")
            return replace(p, method="not-a-project" if user[0].note.startswith("not-a-project") else "override")
        # 1. a named feature
        if not generic:
            feat = self.feature_for(project.name, prior) or next(
                (f for f in (self.feature_for(a, prior) for a in project.aliases) if f), None)
            if feat is not None:
                p = self._feature_placement(feat)
                if p is not None:
                    if project.geom == "line" and p.geometry.geom_type == "Point":
                        route = self._route(project, context_units, prior)
                        if route is not None:
                            return route
                    return p
        # 1b. a port work named after its port or port area (青岛港董家口港区集装箱码头 → 黄岛区)
        p = None if generic else self._port_work(project.name, prior)
        if p is not None:
            return p
        # 2. a transmission line of the table (宁夏至湖南特高压直流), from its sending to its receiving station
        if project.category == "energy_utility":
            from planmap.place.power_lines import power_line_placement

            line = power_line_placement(self, project, context_units, prior)
            if line is not None:
                return line
        # 2b. a route between named ends, or a section of a known line inside a named county
        if project.geom == "line":
            route = self._route(project, context_units, prior)
            if route is not None and route.geometry.geom_type == "LineString" and not route.geometry.is_empty:
                return route
            section = self._line_section(project, prior)
            if section is not None:
                return section
            if route is not None:
                return route
        # 3. where the plan says it lies (甲产业园区位于本市乙区丙工业区), at any of its mentions
        p = self._stated_location(project, plan, prior)
        if p is not None:
            return p
        # 3a. the most specific unit or town in the name
        p = None if generic else self.place_text(project.name, prior)
        if p is not None and prior is not None and self._contains_home(p, prior):
            p = None  # 辽宁… in a 浑南区 plan: the home region is the more specific answer
        if p is not None and p.precision == "province" and not generic:
            # 环北部湾广西水资源配置工程: the region inside the named province is the more specific place
            region = self._named_region(project.name, within=p.names[0])
            if region is not None:
                return region
        named_home = None
        if p is not None and prior is not None and p.precision in ("province", "city") and p.precision == prior.level \
                and p.counties == [] and self._names_home(p, prior):
            named_home, p = p, None  # 海南… in a 海南 plan: its section or sentence may say more (甲市政府 > …)
        if p is not None:
            return p.found_by("name")
        # 3b. a region of several cities named in the name (攀西特高压交流工程): in one of them
        p = None if generic or named_home is not None else self._named_region(project.name)
        if p is not None:
            return p
        # 3c. a provincial plan's project named after a town of the province (武都引水 → 武都镇)
        p = None if generic else self._named_after_town(project.name, prior, project.category, sentence)
        if p is not None:
            return p
        # 3d. a reservoir or dam named after the one village of that name in the home region
        p = None if generic else self._named_after_village(project.name, prior)
        if p is not None:
            return p
        # 4. units named in the same part of the sentence, before the project
        p = self._from_sentence(project, prior)
        if p is not None:
            return p
        # 5. the county whose government the clause makes responsible
        p = self._from_units(project, prior)
        if p is not None:
            return p
        # 6. the place opening its paragraph (内江：…), then the section's subject
        p = self._from_paragraph(project, plan, prior)
        if p is not None:
            return p
        # (a heading, not a long paragraph taken for one; the places inside other projects'
        # names in it, 甲堰灌区 in a list of canals, are those projects')
        # (the path's headings short enough to be headings: 甲市政府 > 重点项目 over a long list line)
        heading = self._masked(" > ".join(s for s in project.section.split(" > ") if len(s) <= MAX_HEADING))
        p = self._inside_home(self.place_text(heading, prior), prior) if heading.strip("\u3000") else None
        if p is not None:
            return p.found_by("section")
        if named_home is not None:
            return named_home.found_by("name")
        # 7. the home region
        return self._home(prior)

    def _named_region(self, name: str, within: str | None = None) -> Placement | None:
        """A region of several cities (``geodata/regions.csv``: 攀西 is 攀枝花, 凉山 and 雅安) named in
        a project's name, in the province ``within`` when given. Which of its cities is not known:
        the project is drawn at the seat of its middle member, as precise as a province. A region
        name that a unit name crosses (苏南 inside 江苏南部) is not that region.
        """
        from planmap.reference.named_regions import region_in

        region = region_in(name)
        if region is None or (within is not None and region.province != within):
            return None
        for alias in sorted(region.names, key=len, reverse=True):
            start = name.find(alias)
            if start >= 0:
                end = start + len(alias)
                break
        if any(m.start < end and start < m.end and not (start <= m.start and m.end <= end)
               and not (m.start <= start and end <= m.end) for m in self.gaz.scan(name)):
            return None
        members = [u for city in region.member_cities for u in self.gaz.units_named(city)[:1]]
        if not members:
            return None
        seat = self._unit_point(_middle_member(members))
        return Placement.of(seat.geometry, "province", region.source_url, [region.name, *(u.name for u in members)],
                            [], "region")

    def _inside_named_region(self, county: Any, sentence: str, prior: Region) -> bool:
        """False when ``sentence`` (the project's clause) names a region of the home province (粤东) that ``county``'s
        city is not a member of; True otherwise.
        """
        from planmap.reference.named_regions import region_in

        region = region_in(sentence)
        if region is None or region.province != self.gaz.unit(prior.adcode[:2] + "0000").name:
            return True
        return any(county.city_adcode == u.adcode for c in region.member_cities for u in self.gaz.units_named(c)[:1])

    def _named_after_town(self, name: str, prior: Region | None, category: str = "",
                          sentence: str = "") -> Placement | None:
        """A project whose name opens with the stem of a town that is unique in the home
        province (红格南钒钛磁铁矿 → 红格镇 of 盐边县; 白鹤滩水电站 → 白鹤滩镇). Only for a
        province-level home: below it, towns of the home city are already read from the name.
        A town outside the region its sentence names (粤东…工程（含龙颈水库扩建）: 龙颈镇 lies in
        清远, not in 粤东) is a namesake, not the site.
        """
        if prior is None or prior.level != "province":
            return None
        rules = place_rules()["named_after_town"]
        if any(w in name for w in rules["area_wide"]) or category in rules.get("not_categories", ()):
            return None
        counties = tuple(sorted(c.adcode for c in self.gaz.counties_in(prior.adcode)))
        stems = self._town_stems(counties, home_units_only=True)
        if stems is None:
            return None
        m = stems[0].match(name)
        if m is None:
            return None
        stem, rest = m.group(0), name[m.end():]
        if stem in rules.get("partnership_stems", ()):
            return None  # 中沙古雷乙烯: China and Saudi Arabia's works, not 中沙乡's
        if rest[:1] in ("", "县", "市", "区", "省", "镇", "乡", "村", "路", "街") or rest in _place_rules()["generic_zones"]:
            return None  # the whole name, a street or unit named after the town, or a zone (天府新区)
        if stem[-1] in rules["feature_ends"] or rest[:1] in rules["longer_name_next"]:
            return None  # a river or lake (淮河入海水道, 洞庭湖湿地), or a longer name (大堡子山)
        town = stems[1][stem]
        if town.kind not in rules["town_kinds"]:
            return None
        if any(t is not town and t.province_adcode == town.province_adcode and not t.county_adcode
               for n in (stem + "镇", stem + "乡", stem + "街道") for t in self.gaz.towns_named(n)):
            return None  # a namesake filed under a development zone, not a county (中川镇 of 兰州新区)
        county = self.gaz.unit(town.county_adcode)
        if sentence and not self._inside_named_region(county, _clause_of(sentence, name), prior):
            return None
        if town.lon is not None:
            from shapely.geometry import Point

            return Placement.of(Point(town.lon, town.lat), "town", town.source or "geonames",
                                [county.name, town.name], [county.adcode], "name-town")
        p = self._unit_point(county)
        return p.found_by("name-town", names=[*p.names, town.name])

    def _named_after_village(self, name: str, prior: Region | None) -> Placement | None:
        """A water work named after the village at its site (驮英水库 -> 驮英村 of 宁明县), when
        exactly one village of the home region bears that name and no unit or town does.
        """
        if prior is None:
            return None
        rules = place_rules()["named_after_village"]
        lo, hi = rules["stem_chars"]
        m = _village_work_re(lo, hi, tuple(rules["works"])).match(name)
        if m is None:
            return None
        stem = m.group(1)
        if self.gaz.units_named(stem) or self.gaz.towns_named(stem) or any(
                self.gaz.towns_named(stem + end) for end in ("镇", "乡", "街道")):
            return None  # a unit or town of that name is the likelier meaning, and other rules read it
        home = self.gaz.unit(prior.adcode)
        scope = home.adcode if home.level == "province" else (home.city_adcode or home.adcode)[:4] + "00"
        hosts = [c.adcode for c in self.gaz.counties_in(scope) if self.gaz.villages_named(stem + "村", c.adcode)]
        cities = {self.gaz.unit(h).city_adcode for h in hosts}
        if len(hosts) > 1 and home.level == "province" and len(cities) == 1 and "" not in cities:
            # 罐子坝灌区: a 罐子坝村 in two counties of one city: the city is sure, the county is not
            p = self._unit_point(self.gaz.unit(cities.pop()))
            return p.found_by("name-village", names=[*p.names, stem + "村"])
        if len(hosts) != 1:
            return None
        p = self._unit_point(self.gaz.unit(hosts[0]))
        return p.found_by("name-village", names=[*p.names, stem + "村"])

    def _names_home(self, p: Placement, prior: Region) -> bool:
        """True when the unit ``p`` names is the home region itself."""
        return any(u.adcode == prior.adcode for n in p.names[:1] for u in self.gaz.units_named(n))

    def _contains_home(self, p: Placement, prior: Region) -> bool:
        """True when ``p`` is a province or city placement whose unit contains the home region."""
        if p.precision not in ("province", "city") or prior.level == p.precision:
            return False
        units = [u for n in p.names[:1] for u in self.gaz.units_named(n)]
        return any(prior.adcode.startswith(u.adcode[:2] if u.level == "province" else u.adcode[:4]) for u in units)

    def _inside_home(self, p: Placement | None, prior: Region | None) -> Placement | None:
        """Context outside the name counts only when it points inside the home region:
        a Tieling plan that works "with Shenyang" does not build in Shenyang.
        """
        if p is None or prior is None:
            return p
        home = self.gaz.unit(prior.adcode)
        if home.level == "province":
            prefix = home.adcode[:2]  # a provincial plan: anywhere in the province
        elif home.level == "city":
            prefix = home.adcode[:4]
        else:  # a county plan: its city (a county's plan may well name its neighbours)
            prefix = (home.city_adcode or home.adcode)[:4] if home.city_adcode else home.adcode
        codes = p.counties or []
        if not codes:
            unit_names = p.names[:1]
            units = [u for n in unit_names for u in self.gaz.units_named(n)]
            codes = [u.adcode for u in units]
        if any(c.startswith(prefix) for c in codes):
            return p
        return None

    def _is_place_name(self, name: str) -> bool:
        """A project that is itself a place (东湖高新区, 凡河新区) still places its neighbours."""
        known = self._place_names.get(name)
        if known is None:
            hits = zones.zone_index().scan(name)
            known = self._place_names[name] = bool(hits and hits[-1][1] == len(name)) or bool(self.gaz.units_named(name))
        return known

    @property
    def _others(self) -> list[str]:
        """The plan's other project names that are no places and do not hold this project's name;
        made on first use, since most projects are placed by their own name before a step asks.
        """
        if self._others_list is None:
            name = self._project_name
            self._others_list = [o for o in self._plan_names[1] if o != name and name not in o]
        return self._others_list

    def _masked(self, sentence: str) -> str:
        """The sentence with the other projects' names blanked out (same length)."""
        if self._masking_order is None:  # (the project's evidence and section are both masked)
            self._masking_order = sorted(set(self._others), key=len, reverse=True)
        for other in self._masking_order:
            if other in sentence:
                sentence = sentence.replace(other, "\u3000" * len(other))
        return sentence

    def _from_sentence(self, project: Project, prior: Region | None) -> Placement | None:
        """The nearest place that modifies the project in its clause (铁岭县建设A、B: both in
        铁岭县), or the lead-in of the list it stands in (东湖高新区…有7个：A、B); never a place
        that belongs to another item of the sentence.
        """
        sentence = self._masked(project.evidence)
        pos = sentence.find(project.name)
        if pos < 0:
            pos = 0
        # the zone a 新区… name points back to may itself be another project (凡河新区): unmasked
        own = project.evidence.find(project.name)
        p = self._zone_antecedent(project.name, project.evidence[:max(own, 0)], prior)
        if p is not None:
            return p
        seg_start = max((m.end() for m in _CLAUSE_STOP.finditer(sentence, 0, pos)), default=0)
        seg_end = pos
        if "、" in sentence[seg_start:pos]:
            # an enumeration: a place before its first item, or opening it (开原市五金城、建材城),
            # modifies every item; one inside the first item (岷江航电犍为枢纽、乐山机场) does not
            original = project.evidence
            first_end = sentence.index("、", seg_start)
            left = max(seg_start, min(pos, left_edge(original, first_end, load_rules())))
            item = original[left:first_end]
            # (an item that is only a unit, 甲区、乙新区, is a sibling, not a modifier)
            opening = [e for s0, e, _u in self.units_in(item, prior)
                       if s0 == 0 and e < len(item) and any(m.start == 0 and m.kind == "full"
                                                            for m in self.gaz.scan(item))]
            if pos > first_end and self._provincial(prior) and "在" not in sentence[seg_start:left]:
                # a provincial plan's lists run through many places: the county written before
                # the first item (阿克塞生态保护…、景电灌区…) is that item's alone, unless the
                # list is said to be there (在定西市建设A、B)
                opening, left = [], seg_start
            seg_end = left + (opening[0] if opening else 0)
            sentence = sentence[:left] + original[left:seg_end] + sentence[seg_end:]
        segment = sentence[seg_start:seg_end]
        p = self._inside_home(self.place_text(segment, prior, nearest=True), prior) if segment.strip() else None
        if p is None and seg_start > 0 and sentence[seg_start - 1] in "：:":
            lead_start = max((m.end() for m in _SENTENCE_STOP.finditer(sentence, 0, seg_start - 1)), default=0)
            lead = sentence[lead_start:seg_start - 1]
            p = self._inside_home(self.place_text(lead, prior, nearest=True), prior) if lead.strip() else None
        if p is not None:
            return p.found_by("clause")
        # a clause right after the project that describes where it runs (北起平度城区…)
        after = _WHERE_AFTER.match(sentence, pos + len(project.name))
        if after:
            p = self._inside_home(self.place_text(after.group(1), prior), prior)
            if p is not None:
                return p.found_by("clause-after")
        # the sentence is about this project alone: the one county it names
        if sentence.strip("\u3000") and not any(o in project.evidence for o in self._others):
            # the ends of a route named in the sentence (涪陵至怀化段) are that route's, not this project's
            own_end = project.evidence.find(project.name) + len(project.name)
            ends = [(m.start(), m.end()) for m in _route_spans(project.evidence)
                    if project.name not in m.group(0) and not own_end <= m.start() <= own_end + 1]  # 渝万城际（重庆—万州）
            sibling = _sibling_items(project.evidence, own_end - len(project.name), own_end)
            # a provincial plan's long sentences run through many places: only the project's own
            # clause speaks of it (打造元阳梯田模式，建成麻栗坝灌区: 元阳 is not the canal's); a
            # municipality's plan reads like a city's
            lo, hi = (_clause_span(project.evidence, own_end - len(project.name), own_end)
                      if self._provincial(prior) else (0, len(project.evidence)))
            counties = {u.adcode for s0, e0, u in self.units_in(project.evidence, prior)
                        if u.level == "county" and not any(a <= s0 < b for a, b in ends)
                        and not _listed_alone(project.evidence, s0, e0)
                        and not any(a <= s0 < b for a, b in sibling) and lo <= s0 < hi
                        and not (project.evidence[s0:e0] != u.name and _before_a_noun(project.evidence, e0))}
            if len(counties) == 1:
                # (inside the home region only, as every other piece of context: 预留新城区道路发展空间
                # in a Qingdao plan is no 新城区 of another province)
                p = self._inside_home(self._unit_point(self.gaz.unit(counties.pop())), prior)
                return p.found_by("sentence") if p is not None else None
        return None

    def _provincial(self, prior: Region | None) -> bool:
        """A province's plan, not a municipality's (whose children are counties, read like a city's)."""
        return prior is not None and prior.level == "province" and not any(
            c.level == "county" for c in self.gaz.children(prior.adcode))

    def _zone_antecedent(self, name: str, before: str, prior: Region | None) -> Placement | None:
        """A name opening with a generic zone word (新区养老中心) means the zone of that kind
        named just before it in the sentence (依托凡河新区…，盘活新区养老中心): place it there.
        """
        word = next((z for z in _generic_zones_longest_first()
                     if name.startswith(z) and len(name) > len(z)), None)
        if word is None:
            return None
        named = list(_named_zone_re(word).finditer(before))
        if not named:
            return None
        p = self._inside_home(self.place_text(named[-1].group(0), prior, nearest=True), prior)
        if p is None or p.precision in ("city", "province"):
            return None
        return p.found_by("zone-antecedent")

    def _from_paragraph(self, project: Project, plan: Plan | None, prior: Region | None) -> Placement | None:
        """A paragraph that opens with a place (内江：…, 乐山市，…) is about that place."""
        if plan is None or not plan.text or not 0 < project.span[0] <= len(plan.text):
            return None
        start = project.span[0]
        para = plan.text.rfind("\n", 0, start) + 1
        m = _PARAGRAPH_LEAD.match(plan.text, para, min(start, para + 24))
        if m is None:
            return None
        lead = m.group(1)
        units = self.units_in(lead, prior)
        zone = self.zone_in(lead, prior)
        covered = max([e - s0 for s0, e, _u in units] + [len(zone.names[0]) if zone else 0])
        if covered < 0.5 * len(lead):
            return None  # the lead is more than a place name (记者从某市交通运输局获悉)
        p = self._inside_home(self.place_text(lead, prior), prior)
        return p.found_by("paragraph") if p is not None else None

    def _stated_location(self, project: Project, plan: Plan | None, prior: Region | None) -> Placement | None:
        """A mention followed by where it lies (…产业园区位于本市津南区八里台工业区, …项目坐落于甲镇):
        the most specific place of that statement, inside the home region, county or finer.
        """
        if plan is None or not plan.text:
            return None
        for _start, end in project.mentions:
            m = _LOCATED_AT.match(plan.text, end)
            if m is None:
                m = _PLACE_IN_BRACKETS.match(plan.text, end)
                if m is None or not self._only_places(m.group(1), prior):
                    continue
            p = self._inside_home(self.place_text(m.group(1), prior), prior)
            if p is not None and p.precision not in ("city", "province"):
                return p.found_by("stated")
        return None

    def _only_places(self, text: str, prior: Region | None) -> bool:
        """``text`` is nothing but unit names (红谷滩区, 南昌县; not 市城投集团 or 一期)."""
        units = self.units_in(text, prior)
        return bool(units) and sum(e - s for s, e, _u in units) >= len(text)

    def _from_units(self, project: Project, prior: Region | None) -> Placement | None:
        counties = set()
        for unit in [*project.lead_units, *project.support_units]:
            if unit.startswith(("各", "相关", "有关")):
                continue
            m = re.match(r"^(.+?(?:县|区|市|旗))(?:人民)?政府$", unit)
            if not m:
                continue
            for _, _, u in self.units_in(m.group(1), prior):
                if u.level == "county":
                    counties.add(u.adcode)
        if len(counties) == 1:
            return self._unit_point(self.gaz.unit(counties.pop())).found_by("responsible-unit")
        return None

    def _home(self, prior: Region | None) -> Placement:
        from shapely.geometry import Point

        if prior is None:
            return Placement.of(Point(), "province", "none", [], [], "unplaced")
        return self._unit_point(self.gaz.unit(prior.adcode)).found_by("home-region")


# what follows a project's name to say where it lies, up to the end of the clause
#: a list item followed by the county it lies in, in brackets (…产业园项目（南昌县）)
_PLACE_IN_BRACKETS = re.compile(r"(?:项目|工程)?[（(]([\u4e00-\u9fff]{2,12})[)）]")
_LOCATED_AT = re.compile(r"(?:项目|工程)?(?:位于|坐落于|坐落在|地处|选址于|选址在|落户于|落户)(?:本市|本省|本区|本县|该市|该县|该区)?"
                         r"([^，。；,;：:！？]{2,24})")


def geocode_projects(projects: Iterable[Project], plan: Plan | None = None,
                     geocoder: Geocoder | None = None) -> gpd.GeoDataFrame:
    """Place every project; a GeoDataFrame in EPSG:4326, one row per project.

    >>> from planmap import extract_projects, read_plan
    >>> from planmap.paths import sample_plan
    >>> plan = read_plan(sample_plan())
    >>> gdf = geocode_projects(extract_projects(plan), plan)
    >>> gdf.crs.to_string(), gdf.loc[0, "name"]
    ('EPSG:4326', '沈铁城际铁路')
    """
    from planmap.columns import PLACED_COLUMNS, projects_frame
    from planmap.place.routes import COURSE_METHOD

    geocoder = geocoder or Geocoder()
    projects = list(projects)
    names = [p.name for p in projects]
    rows, geoms = [], []
    for p in projects:
        pl = geocoder.place(p, plan, names)
        if pl.method == "not-a-project":
            continue  # marked so by the user in an overrides file
        d = p.to_dict()
        d["geom_kind"] = d.pop("geom")  # "geom" is the geometry column's name in GeoPackage
        if pl.method == COURSE_METHOD and p.category == "energy_utility":
            d["geom_kind"] = "line"  # a transmission line of the table: a line, whatever its type word said
        d.update(
            plan_title=plan.title if plan else "",
            precision=pl.precision,
            confidence=round(pl.confidence, 2),
            location_source=pl.source,
            location_names=pl.names,
            location_method=pl.method,
            placed_counties=pl.counties,
        )
        rows.append(d)
        geoms.append(pl.geometry)
    return projects_frame(rows, geoms, PLACED_COLUMNS)


def locate(text: str, region: str | None = None) -> Placement:
    """Place one name offline, e.g. ``locate("铁岭县腰堡镇康养基地", region="211200")``."""
    geocoder = Geocoder()
    prior = geocoder.gaz.unit(region).region() if region else None
    rules = load_rules()
    tw = next((rules.types[w] for w in sorted(rules.types, key=len, reverse=True) if text.endswith(w)), None)
    project = Project(name=text, category=tw.category if tw else "other", geom=tw.geom if tw else "point",
                      plan="", section="", evidence=text, span=(0, len(text)))
    project.endpoints = route_ends(text)
    plan = None
    if prior is not None:
        plan = Plan(id="", path="", format="", encoding=None, title="", issuer="", date=None, doc_number="",
                    home_region=prior, text=text, original_text=text)
    return geocoder.place(project, plan)


def candidates_table(text: str, region: str | None = None) -> str:
    """A printable table of the ways ``text`` could be placed, best first."""
    geocoder = Geocoder()
    prior = geocoder.gaz.unit(region).region() if region else None
    lines = [f"{'method':<16} {'precision':<9} {'conf':>5}  {'lon':>11} {'lat':>10}  names / source"]
    best = locate(text, region)
    seen = []

    def row(p: Placement) -> None:
        pt = p.geometry.representative_point() if not p.geometry.is_empty else None
        lon, lat = (f"{pt.x:.6f}", f"{pt.y:.6f}") if pt is not None else ("", "")
        lines.append(f"{p.method:<16} {p.precision:<9} {p.confidence:>5.2f}  {lon:>11} {lat:>10}  "
                     f"{'/'.join(p.names)}  {p.source}")

    row(best)
    seen.append((best.method, best.names))
    for s, e, _unit in geocoder.units_in(text, prior):
        for cand in geocoder.gaz.locate_admin(text[s:e], prior):
            p = geocoder._unit_point(cand)
            if (p.method, p.names) not in seen:
                seen.append((p.method, p.names))
                row(p)
    zone = geocoder.zone_in(text, prior)
    if zone is not None and (zone.method, zone.names) not in seen:
        row(zone)
    lines.append("")
    lines.append(f"prior:     {prior.name + ' ' + prior.adcode + ' (' + prior.level + ')' if prior else '(none)'}")
    lines.append(f"placed by: {best.method} (confidence {best.confidence:.2f}, precision {best.precision})")
    for m in geocoder.gaz.scan(text):
        kept = any(s == m.start for s, _e, _u in geocoder.units_in(text, prior))
        cands = "、".join(f"{u.name} {u.adcode}" for u in m.candidates[:4])
        lines.append(f"mention:   {m.text} [{m.kind}] -> {cands}" + ("" if kept else "  (not read as a place here)"))
    return "\n".join(lines)


def _middle_member(members: list[AdminUnit]) -> AdminUnit:
    """The unit whose seat is nearest the middle of all the units' seats (the first on a tie): a
    region, or a work its source places in several cities or counties, is drawn where it is, not
    at whichever unit its source lists first. The nearest unit, not the middle itself, so a ring
    of cities (粤东西北 around 珠三角) stays on one of them.
    """
    seats = [(u, u.lon, u.lat) for u in members if u.lon is not None and u.lat is not None]
    if not seats:
        return members[0]
    lon = sum(x for _, x, _ in seats) / len(seats)
    lat = sum(y for _, _, y in seats) / len(seats)
    return min(seats, key=lambda s: (s[1] - lon) ** 2 + (s[2] - lat) ** 2)[0]


_CLAUSE_END = re.compile(r"[，,；;。：:]")


def _clause_of(sentence: str, name: str) -> str:
    """The part of ``sentence`` between the separators around ``name`` (the whole sentence when
    the name is not in it): the words that speak of that project.
    """
    at = sentence.find(name)
    if at < 0:
        return sentence
    starts = [m.end() for m in _CLAUSE_END.finditer(sentence, 0, at)]
    end = _CLAUSE_END.search(sentence, at + len(name))
    return sentence[starts[-1] if starts else 0:end.start() if end else len(sentence)]
