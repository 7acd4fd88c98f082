"""Routes drawn where they run: a railway or highway name becomes an ordered set of control points.

Plans name routes in several ways, and each is read as data, not as a list of strings:

- ends written out: 长沙至赣州高铁, 平度南村至胶州李哥庄一级公路, 甲村—乙村线;
- ends abbreviated to one character each: 成渝, 渝黔, 宜西攀, 绵遂资内, 沈阜. A character is a
  province's 简称 (``geodata/abbreviations.csv``: 渝 = 重庆, 黔 = 贵州, drawn at its capital), a
  city's own 简称 (``geodata/city_abbreviations.csv``: 甬 = 宁波), or the first character of a city,
  a county (or, inside the home city, a town); two provinces' border (至甲乙界) is the border point
  nearest the other end; the reading chosen is the
  shortest path through the candidates, with the home province preferred, so 阜 is 阜新 in a
  Liaoning plan and 阜阳 in an Anhui one;
- completions in brackets: 渝（州）怀（化）铁路 -> 渝州, 怀化;
- national expressway codes and names (``geodata/routes.csv``, the 2022 network plan's route
  table with its control points; 简称 from Wikipedia's NTHS lists): G7, G7011, 十天高速, and the
  rings (G98环岛高速), drawn closed; an abbreviation the table lacks whose characters open the
  first and last control points of exactly one expressway is that one (乌玛高速: 乌海—玛沁);
- railways with sourced station counties (``geodata/railways.csv``): 南昌至赣州高铁 (ends written out,
  either order) or 昌赣高铁 (abbreviation) runs through the counties of its stations, not end seat to
  end seat; the type word's class must agree (渝万城际 is not 渝万高铁);
- a section: 甘肃段 / 开原段 cut the line to that unit, 涪陵至怀化段 and 渝宜段 replace the ends.

A line whose points are only the seats of its end units is a *course* (``method`` =
``route-course``): it says which way the route runs, not where; render it faintly and treat its
county kilometres as estimates. A line through three or more control points is ``route``.
No line is kept that runs more than ``MAX_DETOUR`` times the distance between its ends.
"""
from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planmap.models import Project, Region
from planmap.paths import geodata_dir
from planmap.reference.abbreviations import city_abbreviations, province_abbreviations
from planmap.vocab import PRECISIONS

if TYPE_CHECKING:
    from planmap.place.geocode import Geocoder, Placement
    from planmap.reference.gazetteer import Gazetteer

MAX_DETOUR = 3.0  # a drawn line may be at most this many times the straight distance of its ends
PRECISION_ORDER = PRECISIONS  # finest first (planmap.vocab)
COURSE_METHOD = "route-course"
LINE_BASIS = {"route": "controls", COURSE_METHOD: "ends", "line-section": "feature", "feature": "feature"}

# Cost of reading an abbreviation one way, in kilometres of path: counties and towns are less
# likely ends than cities, places outside the home province less likely than those inside it,
# and a province's 简称 (渝, 黔) is the usual reading of its character.
COST_COUNTY_KM = 40.0
COST_TOWN_KM = 150.0
COST_AWAY_KM = 150.0
BONUS_PROVINCE_KM = 250.0
BONUS_CITY_ABBREVIATION_KM = 100.0  # a city's own 简称 (宁 of 南京) is a surer reading than a first character (宁波)
COST_VILLAGE_KM = 50.0  # a village read from one character is a weaker reading than a town
MAX_VILLAGE_COUNTIES = 2  # a route end read as a village anywhere in the home region: a rare name only
COST_PROVINCE_DISTRICT_KM = 120.0  # a district of the province, read in a provincial plan
COST_NEXT_CITY_KM = 100.0
COST_OTHER_PROVINCE_CITY_KM = 200.0  # a city of another province read as the end of a railway in a city's plan
COST_TRUNK_COUNTY_KM = 400.0  # a county read as the end of a high-speed railway (西 of 西渝 is 西安, 南 of 深南 南宁)
TRUNK_KINDS = ("高铁", "高速铁路", "客专", "客运专线", "客运高速铁路专线", "高速铁路专线")  # a town of the next city is a weaker reading than one of the home city
LOCAL_MIN_HOP_KM = 0.5  # the ends of a county road are two different points, however close
HOP_WEIGHT = 0.5  # path length counts half: a plan's own province outweighs a shorter line
MIN_HOP_KM = 10.0  # two ends of an abbreviated route are distinct places
LOCAL_HOP_KM = 120.0
LOCAL_KINDS = ("线", "公路", "一级公路", "二级公路", "支线", "连接线", "快速路", "快速通道", "干线")  # a road with a town at one end does not run to another province
MAX_HOP_KM = 1800.0  # one hop of an abbreviated route; ends written out may be further apart

_TYPE_WORDS = sorted((
    "客运高速铁路专线", "高速铁路专线", "客运专线", "高速铁路", "城际铁路", "城际轨道", "轨道交通", "高速公路",
    "一级公路", "二级公路", "快速通道", "快速路", "新通道", "通道", "城际", "铁路", "高铁", "动车", "高速", "公路", "国道",
    "省道", "轻轨", "增建二线", "复线", "二线", "新线", "连接线", "支线", "一号线", "二号线", "三号线",
    "专线", "干线", "客运", "客专", "线",
), key=len, reverse=True)
# a word the text cut left in front of a name (而渝万城际, 指平营高速公路)
_LEAD = re.compile(r"^(而|和|与|及|指|将|对|在|是|把|由|以|的|为|老|新建|建设|推进|加快|实施|启动|开工|续建|完成)+")
_TYPE_RE = re.compile("|".join(map(re.escape, _TYPE_WORDS)))
_WORK = re.compile(r"(扩能改造|改造提升|提质改造|改扩建|新建|扩建|扩能|扩容|提速|电气化|改造|建设|工程|项目|前期工作|前期|续建|开工|通车|的改线|改线|加快|推进"
                   # an extension or a phase of the line, not a section's place (京秦高速西延: not 西城 to 延庆)
                   r"|[东西南北]延(?:长线|伸线|线|伸)?|[一二三四五六七八九十]期)+$")
# 至 joins two ends, except where it ends a place's name (周至至乾县: 周至 to 乾县; …至周至)
_SEP = re.compile(r"至(?!至|$)|—+|－|–|-|~|～|到")
# a qualifier between a route's abbreviation and its type word: 甲乙中线高铁 is the middle line
# between 甲 and 乙, 甲乙扩容高速 the widened road, 甲乙藏区高速 and 甲乙旅游铁路 say whom or what
# the line serves; none of these characters is a place
_QUALIFIER = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:[东西南北中]线|扩容|复线|藏区|旅游|疏港|货运|重载|普速|国省干线)(?=" + "|".join(
    map(re.escape, [w for w in _TYPE_WORDS if w != "线"])) + ")")
# …of these, the ones that make another line than the one the abbreviation names (成渝中线高铁)
_ANOTHER_LINE = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:[东西南北中]线|扩容|复线)(?=" + "|".join(
    map(re.escape, [w for w in _TYPE_WORDS if w != "线"])) + ")")
# the border of two provinces as a route end (至甲乙界): written with their 简称
_BORDER = re.compile(r"^([\u4e00-\u9fff])([\u4e00-\u9fff])界$")
# the border of one unit or town as a stretch's end (叶榭镇界—奉贤区界)
_UNIT_BORDER = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:省|市|区|县|旗|镇|乡|街道))界$")
_CODE = re.compile(r"(?<![A-Za-z0-9])([GS]\d{1,4})(?![0-9])(?:线)?")
_NUMBERED = re.compile(r"(\d{3})(国道|省道)|(国道|省道)(\d{3})")
_COMPLETION = re.compile(r"([\u4e00-\u9fff])[（(]([\u4e00-\u9fff]{1,3})[）)]")
_BRACKET = re.compile(r"[（(]([^（）()]*)[）)]")
_MUNICIPALITIES = ("110000", "120000", "310000", "500000")
# stake marks of a road section (12K+300m—18K+900m, K12+300至K15): kilometre posts, no place
_STAKES = re.compile(r"^(?:[Kk]?\d[\dKk+.m米\s]*(?:至|—+|－|–|-|~|～|到)?)+(?:路段|段)?$")
# national trunk roads (G101-G3xx) and national expressways (G1-G99, G0111-G9912): a plan
# builds the part inside its own region
_TRUNK_CODE = re.compile(r"^G(?:[123]\d\d|\d{1,2}|\d{4})$")
# a link between two numbered roads (61省道至329国道): neither road's own course
_ROAD_REF = r"(?:\d{1,4}(?:国道|省道|县道)|(?:国道|省道|县道)\d{1,4}|[GSX]\d{1,4})"
_ROAD_LINK = re.compile(_ROAD_REF + r"[^至—－–\-]{0,6}(?:至|—|－|–|-)" + _ROAD_REF)
# a road described right after its name: 平X公路，西起A镇，东至B镇 / ，起于A，经C，止于B
_DESCRIBED = re.compile(
    r"^[”’」）)]?[，,]\s*(?:[东南西北]起|起于|起自|起点(?:为|位于|在)?)([^，,。；;：:]{2,16}?)[，,]"
    r"(?:[^。；;，,：:]{0,24}[，,])?\s*(?:[东南西北]至|[东南西北]到|止于|终点(?:为|位于|在)?)([^，,。；;：:]{2,16})")
_DESCRIBED_VIA = re.compile(
    r"^[”’」）)]?[，,]\s*(?:[东南西北]起|起于|起自)([^，,。；;：:]{2,16}?)[，,]\s*(?:向[东南西北]{1,2})?(?:途)?经"
    r"([^，,。；;：:]{2,40}?)(?:接|至|到|止于|[，,。；;])")


@dataclass
class RouteName:
    """What a route's name says: its code, its ends or abbreviation, and the section meant."""

    text: str
    code: str = ""
    ends: list[str] = field(default_factory=list)
    abbreviation: str = ""
    main: str = ""
    section_ends: list[str] = field(default_factory=list)
    section_unit: str = ""
    section_abbreviation: str = ""
    completed: list[str] = field(default_factory=list)  # ends spelled out in brackets: 黔（江）张（家界）
    kind_word: str = ""  # the type word: 高速公路, 铁路, 线 ...
    stakes: bool = False  # a section named only by kilometre posts (12K+300m—18K+900m)


def parse_route_name(name: str) -> RouteName:
    """Split a route name into code, ends (or abbreviation) and section, without resolving places.

    >>> r = parse_route_name("G7011十天高速公路成县小川至天水段")
    >>> (r.code, r.abbreviation, r.section_ends)
    ('G7011', '十天', ['成县小川', '天水'])
    """
    out = RouteName(text=name)
    s = _LEAD.sub("", name.strip()) or name.strip()
    t = _TYPE_RE.search(s)
    if t is not None and t.start() == 1 and len(s) < len(name.strip()):
        s = name.strip()[-len(s) - 1:]  # 和若铁路: a one-character abbreviation is none; 和 is 和田
    for _ in range(3):
        s = _WORK.sub("", s)
    s = _QUALIFIER.sub("", s)
    # 渝（州）怀（化）: the brackets complete each character to a place name
    run = list(_COMPLETION.finditer(s))
    if len(run) >= 2 and all(a.end() == b.start() for a, b in zip(run, run[1:], strict=False)):
        out.ends = out.completed = [m.group(1) + m.group(2) for m in run]
        s = s[:run[0].start()] + "".join(m.group(1) for m in run) + s[run[-1].end():]
    for m in _BRACKET.finditer(s):
        inner = m.group(1).strip()
        if _SEP.search(inner) and not out.section_ends:
            out.section_ends = _split_ends(inner.removesuffix("段"))
        elif inner.endswith("段") and len(inner) > 1:
            _set_section(out, inner[:-1])
    s = _BRACKET.sub("", s)
    code = _CODE.search(s)
    if code:
        out.code = code.group(1)
        s = s[:code.start()] + s[code.end():]
    else:
        m2 = _NUMBERED.search(s)
        if m2:
            num = m2.group(1) or m2.group(4)
            kind = m2.group(2) or m2.group(3)
            out.code = ("G" if kind == "国道" else "S") + num
            s = s[:m2.start()] + s[m2.end():]
    if out.code:
        rest = _TYPE_RE.sub("", s).strip("，,、 的")
        if rest and _STAKES.match(rest):
            out.stakes = True  # 330国道12K+300m—18K+900m路段: posts of the road, not places
            s = ""
    t = _TYPE_RE.search(s)
    main, after = (s[:t.start()], s[t.end():]) if t and t.start() > 0 else (s, "")
    out.kind_word = t.group(0) if t and t.start() > 0 else ""
    if not after and main.endswith("段"):
        main = main[:-1]
    after = _TYPE_RE.sub("", after)
    if after:
        after = after.removesuffix("路段") if after.endswith("路段") else after.removesuffix("段")
        if _SEP.search(after):
            if not out.section_ends:
                out.section_ends = _split_ends(after)
        elif after:
            _set_section(out, after)
    main = main.strip("，,、 ")
    out.main = main
    if not out.ends:
        if _SEP.search(main):
            out.ends = _split_ends(main)
        elif out.kind_word and re.fullmatch(r"[\u4e00-\u9fff]{2,5}", main):
            out.abbreviation = main  # only a route's name is read as one (万泉河 is a river)
    return out


def _split_ends(text: str) -> list[str]:
    return [p.strip("，,、 ") for p in _SEP.split(text) if p.strip("，,、 ")]


def _set_section(out: RouteName, text: str) -> None:
    if out.section_unit or out.section_abbreviation:
        return
    if text.endswith("境内") and len(text) > 3:
        out.section_unit = text[:-2]  # 内蒙古境内路段 is the 内蒙古 section, not an abbreviation
        return
    out.section_unit = text
    if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", text):
        out.section_abbreviation = text


# ----------------------------------------------------------------------------- data

@dataclass(frozen=True)
class RouteRow:
    """One route of ``geodata/routes.csv``: code, 简称 and control points in order."""

    code: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    control_points: tuple[str, ...]
    source_url: str


ROUTE_TABLES = ("routes.csv", "national_roads.csv")  # expressways (NTHS), then ordinary national roads


@lru_cache(maxsize=2)
def route_table(folder: str | None = None) -> dict[str, RouteRow]:
    """Routes by code and by each name and alias, from every table of ``ROUTE_TABLES``."""
    out: dict[str, RouteRow] = {}
    for table in ROUTE_TABLES:
        for row in _table_rows(folder, table):
            for key in (row.code, row.name, *row.aliases):
                out.setdefault(key, row)
    return out


def _table_rows(folder: str | None, table: str, key: str = "code") -> tuple[RouteRow, ...]:
    """The rows of one route table of ``geodata/`` (or ``folder``), in file order; none without the
    file. ``key``: the column that identifies a row (``id`` in ``power_lines.csv``).
    """
    path = (geodata_dir() if folder is None else Path(folder)) / table
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(RouteRow(r[key].strip(), r["name"].strip(), r["kind"].strip(),
                              tuple(a for a in r["aliases"].split("|") if a),
                              tuple(p for p in r["control_points"].split("|") if p), r["source_url"].strip())
                     for r in csv.DictReader(fh))


EXPRESSWAY_WORDS = ("高速公路", "高速")  # type words of a road the expressway table may name


@lru_cache(maxsize=2)
def _expressways_by_end_initials(folder: str | None = None) -> dict[frozenset[str], tuple[RouteRow, ...]]:
    """The expressway rows of ``routes.csv`` that are no ring, by the first characters of their
    first and last control points ({乌, 玛} for G1816 乌海市—玛沁县).
    """
    index: dict[frozenset[str], tuple[RouteRow, ...]] = {}
    for row in _table_rows(folder, ROUTE_TABLES[0]):
        first, last = row.control_points[0], row.control_points[-1]
        if first != last and first[0] != last[0]:
            key = frozenset((first[0], last[0]))
            index[key] = (*index.get(key, ()), row)
    return index


def expressway_by_ends(geo: Geocoder, abbreviation: str, prior: Region | None) -> RouteRow | None:
    """The one expressway whose first and last control points open with the two characters of an
    abbreviation the table does not hold (乌玛高速 is G1816 乌海—玛沁, 厦沙高速 G2517 沙县—厦门),
    or None when no row or several do, or when the row has no control point in the plan's province.
    """
    if len(abbreviation) != 2 or abbreviation[0] == abbreviation[1]:
        return None
    rows = _expressways_by_end_initials().get(frozenset(abbreviation), ())
    if len(rows) != 1:
        return None
    row = rows[0]
    if prior is not None and not any(u.adcode[:2] == prior.adcode[:2] for name in row.control_points
                                     for u in geo.gaz.units_named(name)[:1]):
        return None
    return row


RAILWAY_TABLE = "railways.csv"  # high-speed and main railways: name, aliases, station counties in order
# type words that make a name a railway's (a row of railways.csv is never read for a road)
RAIL_WORDS = ("客运高速铁路专线", "高速铁路专线", "客运专线", "高速铁路", "城际铁路", "城际", "铁路", "高铁", "客专", "动车")


@lru_cache(maxsize=2)
def railway_table(folder: str | None = None) -> tuple[RouteRow, ...]:
    """The sourced railway rows of ``geodata/railways.csv``, in file order."""
    return _table_rows(folder, RAILWAY_TABLE)


def _short_place(name: str) -> str:
    """长沙市 -> 长沙, 上栗县 -> 上栗: a control point as a route's name writes its end."""
    for suffix in ("自治县", "自治州", "市", "县", "区", "州"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[:-len(suffix)]
    return name


def _rail_class(kind_word: str) -> str:
    """城际, 高铁, 铁路 or 第二双线: 渝万城际 and 渝万高铁 are two lines between the same ends, and
    兰新铁路第二双线 (兰新高铁) is not the 兰新铁路 it doubles.
    """
    if "第二双线" in kind_word:
        return "第二双线"
    if "城际" in kind_word:
        return "城际"
    if any(w in kind_word for w in ("高铁", "高速铁路", "客专", "客运专线", "动车")):
        return "高铁"
    return "铁路"


@lru_cache(maxsize=2)
def _railway_keys(folder: str | None = None) -> dict[tuple[Any, str], RouteRow]:
    """Railway rows by (abbreviation, class) (长赣, 高铁) and by (pair of ends, class) (长沙/赣州, 高铁),
    from each name and alias; the first and last control point count as ends in every class of
    the row's names.
    """
    keys: dict[tuple[Any, str], RouteRow] = {}
    for row in railway_table(folder):
        classes = set()
        for text in (row.name, *row.aliases):
            parsed = parse_route_name(text)
            rail_class = _rail_class(_kind_after_name(parsed))
            classes.add(rail_class)
            if parsed.abbreviation:
                keys.setdefault((parsed.abbreviation, rail_class), row)
            if len(parsed.ends) == 2:
                keys.setdefault((frozenset(parsed.ends), rail_class), row)
        ends = frozenset(_short_place(p) for p in (row.control_points[0], row.control_points[-1]))
        for rail_class in classes:
            keys.setdefault((ends, rail_class), row)
    return keys


def _kind_after_name(parsed: RouteName) -> str:
    """The type words after a route's name (成渝客运高速铁路: 客运 is read as the type word, 高速铁路
    follows; 兰新铁路第二双线: 铁路第二双线).
    """
    at = parsed.text.find(parsed.main) if parsed.main else -1
    return parsed.text[at + len(parsed.main):] if at >= 0 else parsed.kind_word


def railway_row(parsed: RouteName, folder: str | None = None) -> RouteRow | None:
    """The sourced railway a route name means, or None: named by its abbreviation (长赣高铁, 渝昆高速铁路)
    or by its ends written out (长沙至赣州高铁, 赣州至长沙高铁) that are the row's ends, with a type word
    of the same class (渝万城际 is not 渝万高铁; 长赣高速公路 is no railway).
    """
    kind = _kind_after_name(parsed)
    if not any(w in kind for w in RAIL_WORDS) or _ANOTHER_LINE.search(parsed.text):
        return None  # 成渝中线高铁 is another line than 成渝高铁
    keys = _railway_keys(folder)
    rail_class = _rail_class(kind)
    if parsed.abbreviation:
        return keys.get((parsed.abbreviation, rail_class))
    if len(parsed.ends) == 2:
        return keys.get((frozenset(parsed.ends), rail_class)) or keys.get(
            (frozenset(_short_place(e) for e in parsed.ends), rail_class))
    return None


@lru_cache(maxsize=2)
def villages_in(gaz: Gazetteer, county: str, name: str = "", first: str = "") -> list[tuple[str, str]]:
    """(village, town) pairs of one county: those called ``name`` (or ``name`` + 村/社区), or those
    whose name starts with the character ``first``. Villages have no points; a village end of a
    local road is drawn at its town's point.
    """
    text = gaz.village_lines(county)
    if not text:
        return []
    if name:
        pat = re.compile("\n(" + re.escape(name) + "(?:村|社区)?)\t([^\n]+)")
    else:
        pat = re.compile("\n(" + re.escape(first) + "[^\t\n]+)\t([^\n]+)")
    return [(m.group(1), m.group(2)) for m in pat.finditer(text)]


def _city_inside_its_province(ch: str) -> bool:
    """True when ``ch`` is a province's 简称 that the city table also gives a city of that very
    province (赣: 江西 and 赣州): between provinces' 简称 it names the province (湘赣, 赣粤),
    beside a city's character the city (长赣, 赣深).
    """
    prov = province_abbreviations().get(ch)
    return prov is not None and any(code[:2] == prov[:2] for code in city_abbreviations().get(ch, ()))


def _city_outside_its_province(ch: str) -> bool:
    """True when the city table gives the character a city outside the province it abbreviates
    (宁: 宁夏, and 南京 in 江苏): 沪宁 is weighed, not drawn between provinces.
    """
    prov = province_abbreviations().get(ch, "")
    return any(code[:2] != prov[:2] for code in city_abbreviations().get(ch, ()))


# ----------------------------------------------------------------------------- places

def _km(a: Any, b: Any) -> float:
    from planmap.reference.datum import haversine_m

    return haversine_m(a.x, a.y, b.x, b.y) / 1000.0


def _empty(geom: Any) -> bool:
    return geom is None or geom.is_empty


def _point(geom: Any) -> Any:
    return geom if geom.geom_type == "Point" else geom.representative_point()


def place_endpoint(geo: Geocoder, name: str, context_units: list, prior: Region | None,
                   depth: int = 0, jointly: bool = False) -> Placement | None:
    """Where one end of a route is: a named feature, a unit or town, a route it joins, or a
    unit or town elsewhere in China whose name is unique.
    """
    name = name.strip()
    if not name:
        return None
    feat = geo.feature_for(name, prior)
    if feat is not None:
        p = geo._feature_placement(feat)
        if p is not None:
            return p
    p = geo.place_text(name, prior)
    if p is not None:
        return p
    if len(name) >= 2:
        # 董家口(港) in 董家口至五莲铁路: a port area of the home province (its 港 may be left out)
        p = geo._port_work(name if name.endswith(("港", "港区")) else name + "港", prior)
        if p is not None:
            return p
    if depth == 0 and _TYPE_RE.search(name):
        # an end that is itself a road (沈康高速公路): the link joins it
        sub = Project(name=name, category="highway", geom="line", plan="", section="", evidence=name,
                      span=(0, len(name)))
        route = route_placement(geo, sub, context_units, prior, depth=1)
        if route is not None:
            return route
    if jointly:
        return None  # the caller weighs the readings of a bare name against the other ends
    picked = _cheapest([_end_candidates(geo, name, context_units, prior)])
    return picked[0].make() if picked else None


def _seat_point(unit) -> Any:
    from shapely.geometry import Point

    return Point(unit.lon, unit.lat) if unit.lon is not None else None


def _town_placement(geo: Geocoder, town) -> Placement:
    from shapely.geometry import Point

    from planmap.place.geocode import Placement

    county = geo.gaz.unit(town.county_adcode)
    if town.lon is not None:
        return Placement.of(Point(town.lon, town.lat), "town", town.source or "geonames",
                            [town.name], [county.adcode], "town")
    pl = geo._unit_point(county)
    return pl.found_by("town-county", names=[*pl.names, town.name])


@dataclass
class _Cand:
    """One reading of a place name or abbreviation: a point to measure paths and its cost."""

    label: str
    point: Any
    cost: float
    make: Callable[[], Placement]
    local: bool = False  # a town of the home city: the route is a local road
    code: str = ""  # adcode of the unit (or the town's county) read


def _away(code: str, prior: Region | None) -> float:
    return COST_AWAY_KM if prior is not None and code[:2] != prior.adcode[:2] else 0.0


def _unit_cand(geo: Geocoder, unit, prior: Region | None, extra: float = 0.0) -> _Cand | None:
    pt = _seat_point(unit)
    if pt is None:
        return None
    cost = _away(unit.adcode, prior) + extra + (COST_COUNTY_KM if unit.level == "county" else 0.0)
    return _Cand(unit.name, pt, cost, lambda: geo._unit_point(unit), code=unit.adcode)


def _town_cand(geo: Geocoder, town, prior: Region | None, local: bool = False) -> _Cand | None:
    if not town.county_adcode:
        return None
    try:
        county = geo.gaz.unit(town.county_adcode)
    except KeyError:
        return None
    pt = _seat_point(town) if town.lon is not None else _seat_point(county)
    if pt is None:
        return None
    return _Cand(town.name, pt, COST_TOWN_KM + _away(county.adcode, prior), lambda: _town_placement(geo, town),
                 local=local, code=county.adcode)


def _home_scope(geo: Geocoder, prior: Region | None, local: bool) -> list[str] | None:
    """Counties where a route end that is a town or village may lie, or None (anywhere).

    A county or rural road (``local``) runs inside the plan's county, city or province; the
    ends of a railway or expressway may be towns anywhere (a border town a line runs to lies in the next
    province).
    """
    if prior is None:
        return None
    if local and prior.level == "county":
        return [prior.adcode]
    if local:
        return [c.adcode for c in geo.gaz.counties_in(prior.adcode)]  # the home city, or province
    return None


def _village_cands(geo: Geocoder, counties: list[str], prior: Region | None, name: str = "", first: str = "",
                   cost: float = COST_TOWN_KM) -> list[_Cand]:
    """Villages of ``counties`` called ``name`` (or starting with ``first``), each drawn at its
    town's point (the county seat when the town has none); one candidate per town.
    """
    out: list[_Cand] = []
    seen: set[tuple[str, str]] = set()
    for county in counties:
        for village, town_name in villages_in(geo.gaz, county, name=name, first=first):
            if (county, town_name) in seen:
                continue
            seen.add((county, town_name))
            towns = geo.gaz.towns_named(town_name, county=county)
            try:
                unit = geo.gaz.unit(county)
            except KeyError:
                continue
            town = towns[0] if towns else None
            pt = _seat_point(town) if town is not None and town.lon is not None else _seat_point(unit)
            if pt is None:
                continue

            def make(town=town, unit=unit, village=village, exact_name=bool(name)) -> Placement:
                pl = _town_placement(geo, town) if town is not None else geo._unit_point(unit)
                # one character read as a village: only the county is sure
                precision = pl.precision if exact_name else "county"
                return pl.found_by("village-town" if pl.method == "town" else "village-county",
                                   names=[village, *pl.names], precision=precision)

            out.append(_Cand(village, pt, cost + _away(county, prior), make, local=True, code=county))
    return out


def _end_candidates(geo: Geocoder, name: str, context_units: list, prior: Region | None,
                    local: bool = False) -> list[_Cand]:
    """Readings of one route end named without its county (三江, 官庄, 黄桶): cities and counties
    of that name anywhere, then towns of the home region (also when ``local``: a county road, or
    a short line of bracketed places), then villages of the sentence's and the home counties.
    """
    out: list[_Cand] = []
    for u in geo.gaz.units_named(name):
        if u.level in ("city", "county") or u.adcode in _MUNICIPALITIES:
            c = _unit_cand(geo, u, prior)
            if c is not None:
                out.append(c)
    scope = _home_scope(geo, prior, local)
    stems = (name, name + "镇", name + "乡", name + "街道")
    if not out and not local and len(name) >= 3:
        # 巴彦浩特 is the town of that whole name (巴彦浩特镇), not 巴彦县 with 浩特 unexplained
        for t in [t for n in stems for t in geo.gaz.towns_named(n, county=scope)][:60]:
            c = _town_cand(geo, t, prior)
            if c is not None:
                out.append(c)
        if out:
            return out
    if not out:
        out = _unit_and_town(geo, name, prior)
    if out and not local:
        return out  # 海口 in 兰州至海口 is the city, not a subdistrict of that name
    towns = [t for n in stems for t in geo.gaz.towns_named(n, county=scope)]
    if not towns and local and prior is not None and prior.level == "county":
        city = geo.gaz.unit(prior.adcode).city_adcode  # a county road may end in the next county
        if city:
            towns = [t for n in stems for t in geo.gaz.towns_named(n, county=city)]
    for t in towns[:60]:
        c = _town_cand(geo, t, prior)
        if c is not None:
            out.append(c)
    if not out:
        counties = [u.adcode for _, _, u in context_units if u.level == "county"]
        if prior is not None and prior.level == "county":
            counties.append(prior.adcode)
        elif local and scope is not None and prior is not None and prior.level == "city":
            counties.extend(scope)
        out = _village_cands(geo, list(dict.fromkeys(counties)), prior, name=name)
    if not out and prior is not None and prior.level in ("province", "city") and len(name) >= 3:
        # 徐家磨 in 徐家磨至古浪 (a provincial plan): a village of the home region, when its name is
        # rare there (at most MAX_VILLAGE_COUNTIES counties have one)
        home = [c.adcode for c in geo.gaz.counties_in(prior.adcode)]
        hosts = [c for c in home if villages_in(geo.gaz, c, name=name)]
        if 0 < len(hosts) <= MAX_VILLAGE_COUNTIES:
            out = _village_cands(geo, hosts, prior, name=name, cost=COST_TOWN_KM + COST_VILLAGE_KM)
    return out


def _unit_and_town(geo: Geocoder, name: str, prior: Region | None) -> list[_Cand]:
    """平度南村, 胶州营海: a unit named by its short name (anywhere in China), then a town in it."""
    out: list[_Cand] = []
    for k in range(min(len(name) - 1, 6), 1, -1):
        units = [u for u in geo.gaz.units_named(name[:k]) if u.level in ("city", "county")]
        if not units:
            continue
        rest = name[k:]
        for u in units:
            counties = [c.adcode for c in geo.gaz.counties_in(u.adcode)]
            towns = [t for n in (rest, rest + "镇", rest + "乡", rest + "街道")
                     for t in geo.gaz.towns_named(n, county=counties)]
            for t in towns[:5]:
                c = _town_cand(geo, t, prior)
                if c is not None:
                    out.append(c)
            if not towns:
                c = _unit_cand(geo, u, prior, COST_TOWN_KM)
                if c is not None:
                    out.append(c)
        break
    return out


def _fixed(p: Placement) -> _Cand:
    return _Cand(p.names[0] if p.names else "", _point(p.geometry), 0.0, lambda: p)


def _cheapest(layers: list[list[_Cand]], min_hop: float = MIN_HOP_KM,
              max_hop: float = MAX_HOP_KM) -> list[_Cand]:
    """One candidate per layer, in order, minimising costs plus the length of the path."""
    if not layers or any(not layer for layer in layers):
        return []
    best: list[tuple[float, list[int]]] = [(c.cost, [i]) for i, c in enumerate(layers[0])]
    for k in range(1, len(layers)):
        nxt: list[tuple[float, list[int]]] = []
        for j, cand in enumerate(layers[k]):
            options = []
            for cost, path in best:
                prev = layers[k - 1][path[-1]]
                hop = _km(prev.point, cand.point)
                if hop < min_hop or hop > (LOCAL_HOP_KM if prev.local or cand.local else max_hop):
                    continue
                options.append((cost + HOP_WEIGHT * hop + cand.cost, [*path, j]))
            if options:
                nxt.append(min(options, key=lambda o: o[0]))
        if not nxt:
            return []
        best = nxt
    _, path = min(best, key=lambda o: o[0])
    return [layers[k][i] for k, i in enumerate(path)]


# ----------------------------------------------------------------------------- abbreviations

def _town_stem(name: str) -> str:
    """A town's name without its suffix 镇/乡/街道/苏木 (腰堡 of 腰堡镇)."""
    for suffix in ("镇", "乡", "街道", "苏木"):
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name


def _units_by_initial(geo: Geocoder) -> dict[str, list]:
    """Cities and counties with a seat, by the first character of their short name, in table order
    (built once per geocoder: every abbreviation character used to walk all units).
    """
    index = geo.indexes.get("units_by_initial")
    if index is None:
        index = {}
        for unit in geo.gaz.admin.units.values():
            if unit.level in ("city", "county") and unit.short and unit.lon is not None:
                index.setdefault(unit.short[0], []).append(unit)
        geo.indexes["units_by_initial"] = index
    return index


def _town_stems_of(geo: Geocoder, county: str) -> list[tuple[str, Any]]:
    """(stem, town) for the towns of one county whose stem (腰堡 of 腰堡镇) has two or more characters."""
    index = geo.indexes.setdefault("town_stems_of", {})
    found = index.get(county)
    if found is None:
        found = index[county] = [(stem, town) for town in geo.gaz.towns_in_county(county)
                                 if len(stem := _town_stem(town.name)) >= 2]
    return found


def _placed_towns_by_initial(geo: Geocoder) -> dict[tuple[str, str], list[int]]:
    """Rows of the towns with a point whose stem has two or more characters, by (province prefix, first character).

    Derived once per towns file and this module's code, and kept in the cache folder
    (planmap.reference.derived): going through 40,000 towns cost a build tens of milliseconds.
    """
    index = geo.indexes.get("placed_towns_by_initial")
    if index is None:
        from planmap.reference import derived

        towns = geo.gaz.towns
        index = derived.cached("town-initials", "town-initials-1", [towns.folder / "towns.csv.gz", Path(__file__)],
                               lambda: _index_placed_towns(towns), lambda v: isinstance(v, dict))
        geo.indexes["placed_towns_by_initial"] = index
    return index


def _index_placed_towns(towns: Any) -> dict[tuple[str, str], list[int]]:
    index: dict[tuple[str, str], list[int]] = {}
    for i, name, county in towns.placed_rows():  # no Town made for the others
        if len(stem := _town_stem(name)) >= 2:
            index.setdefault((county[:2], stem[0]), []).append(i)
    return index


def _candidates(geo: Geocoder, ch: str, prior: Region | None, named: frozenset[str] = frozenset(),
                local: bool = False, trunk: bool = False, beside_city: bool = False,
                railway: bool = False) -> list[_Cand]:
    """Every place a one-character abbreviation may stand for, with its prior cost.

    Below the province, a place of another province is read only when it is a province's 简称
    or the sentence names it (``named``): 营平 in a Qingdao plan is never 营山 and 平昌 of
    Sichuan, nor 营口 of Liaoning. A provincial plan may reach next door (沈阜 in Anhui is 沈丘
    to 阜阳), but keeps one end at home (see :func:`abbreviated_ends`). In a county plan,
    a county road (``local``) may abbreviate the villages at its ends (芝前线: a 芝… village to
    a 杨… village), each drawn at its town's point. ``beside_city``: another character of the
    name is no province's 简称, so a province's 简称 that also names one of its own cities reads
    as that city (赣 of 长赣 is 赣州, not 江西).
    """
    out: list[_Cand] = []
    home_city = prior.adcode[:4] if prior is not None and prior.level in ("city", "county") else ""
    home_prov = prior.adcode[:2] if prior is not None else ""
    prov = province_abbreviations().get(ch)
    if prov:
        # the home province's own 简称 inside a route's name is as likely its city (苏 of a
        # Jiangsu plan's 通苏嘉甬 is 苏州): no bonus for it there
        bonus = 0.0 if prior is not None and prov[:2] == prior.adcode[:2] else BONUS_PROVINCE_KM
        if beside_city and _city_inside_its_province(ch):
            bonus = 0.0
        c = _unit_cand(geo, geo.gaz.unit(prov), prior, -bonus)
        if c is not None:
            out.append(c)
    for code in city_abbreviations().get(ch, ()):
        try:
            c = _unit_cand(geo, geo.gaz.unit(code), prior, -BONUS_CITY_ABBREVIATION_KM)  # a city's own 简称 (甬 for 宁波)
        except KeyError:
            continue
        if c is not None:
            out.append(c)
    for unit in _units_by_initial(geo).get(ch, ()):
        extra = 0.0
        if unit.level == "county" and unit.name.endswith("区"):
            # a district is an end only in a municipality (渝北, 铜梁), in the home city, or, as a
            # weaker reading, in the home province of a provincial plan (a former county seat)
            if prior is not None and prior.level == "province" and unit.adcode[:2] == home_prov \
                    and unit.parent not in _MUNICIPALITIES:
                extra = COST_PROVINCE_DISTRICT_KM
            elif unit.parent not in _MUNICIPALITIES and not (home_city and unit.adcode[:4] == home_city):
                continue
        if home_prov and unit.adcode[:2] != home_prov and unit.adcode not in named and not (
                prior is not None and prior.level == "province"):
            if not (railway and (unit.level == "city" or unit.parent in _MUNICIPALITIES)):
                continue  # below the province, a place of another province only when the sentence names it
            extra += COST_OTHER_PROVINCE_CITY_KM  # …or, for a railway, a city there (泸 of 泸遵怀: 泸州;
            # 涪 of 涪柳: 涪陵, a district of a municipality)
        if trunk and unit.level == "county":
            extra += COST_TRUNK_COUNTY_KM
        c = _unit_cand(geo, unit, prior, extra)
        if c is not None:
            out.append(c)
    town_scope: list[str] = []
    if prior is not None and prior.level == "county":
        town_scope = [prior.adcode]
    elif home_city and prior is not None and prior.adcode[:2] + "0000" not in _MUNICIPALITIES:
        town_scope = [c.adcode for c in geo.gaz.counties_in(home_city + "00")]
    if town_scope:
        for code in town_scope:
            for stem, town in _town_stems_of(geo, code):
                if stem.startswith(ch):
                    c = _town_cand(geo, town, prior, local=True)
                    if c is not None:
                        out.append(c)
    if local and prior is not None and prior.level == "county":
        out.extend(_village_cands(geo, [prior.adcode], prior, first=ch, cost=COST_TOWN_KM + COST_VILLAGE_KM))
    if local and home_city and prior is not None:
        # a county road may cross into the next city of the province (a 平度 town to a 莱阳 one);
        # abbreviated_ends keeps only ends within LOCAL_HOP_KM of the home seat
        for i in _placed_towns_by_initial(geo).get((home_prov, ch), ()):
            town = geo.gaz.towns.town(i)
            if town.county_adcode[:4] != home_city:
                c = _town_cand(geo, town, prior, local=True)
                if c is not None:
                    c.cost += COST_NEXT_CITY_KM
                    out.append(c)
    return out


def abbreviated_ends(geo: Geocoder, abbreviation: str, prior: Region | None, local: bool = False,
                     named: frozenset[str] = frozenset(), trunk: bool = False,
                     railway: bool = False) -> list[Placement]:
    """The cheapest reading of a 2-5 character abbreviation as places in order, or [].

    ``local``: a county or rural road (黄杨线, 平莱公路): every end lies within LOCAL_HOP_KM of
    the home region's seat. ``named``: adcodes of the units the sentence names. ``trunk``: a
    high-speed railway, whose abbreviated ends are cities far more often than counties.
    ``railway``: a railway, which runs on to cities of other provinces (泸遵怀 in a 遵义 plan:
    泸州, 遵义, 怀化).
    """
    chars = list(abbreviation)
    if len(chars) >= 3 and chars[-1] == "港":
        chars = chars[:-1]  # 甲乙丙港: the port of the last place, not Hong Kong
    if not 2 <= len(chars) <= 5:
        return []
    provs = province_abbreviations()
    if all(c in provs and not _city_outside_its_province(c) for c in chars) and len({provs[c] for c in chars}) == len(chars):
        # 川青, 渝黔, 黔桂, 湘赣: between provinces, drawn capital to capital (沪宁 is weighed below:
        # 宁 is 南京's 简称 too); where a character also opens a place of the plan's own
        # province, that reading is weighed below too (黔吉 in a 湖南 plan: 贵州 to 吉首)
        home = prior.adcode[:2] if prior is not None else ""
        if not home or any(provs[c][:2] == home for c in chars) or not any(
                u.adcode[:2] == home for c in chars for u in _units_by_initial(geo).get(c, ())):
            return [geo._unit_point(geo.gaz.unit(provs[c])) for c in chars]
    beside_city = any(c not in provs for c in chars)
    layers = [_candidates(geo, c, prior, named, local, trunk, beside_city, railway) for c in chars]
    if local:
        if prior is None or prior.level == "province":
            return []
        home = _seat_point(geo.gaz.unit(prior.adcode))
        if home is None:
            return []
        layers = [[c for c in layer if _km(c.point, home) <= LOCAL_HOP_KM] for layer in layers]
        return [c.make() for c in _cheapest(layers, min_hop=LOCAL_MIN_HOP_KM)]
    if prior is not None and prior.level == "province":
        # a province's plan names its own routes: one end at least lies in the province, or the
        # line between the ends crosses it (a trunk line through the province: 甲乙 from a city
        # north of it to one south of it)
        options = _pinned_paths(layers, prior.adcode[:2])
        if not options:
            path = _cheapest_crossing(geo, layers, prior.adcode)
            if path:
                options.append((_path_cost(path), path))
        return [c.make() for c in min(options, key=lambda o: o[0])[1]] if options else []
    if prior is not None and not railway and not trunk:
        # a city's or county's plan names its own roads: an end at home where one can be (高东高速 in
        # a 聊城 plan is 高唐 to 东阿, both of 聊城, not 高青 to 东营 next door)
        options = _pinned_paths(layers, prior.adcode[:4])
        if options:
            return [c.make() for c in min(options, key=lambda o: o[0])[1]]
    return [c.make() for c in _cheapest(layers)]


def _pinned_paths(layers: list[list[_Cand]], home: str) -> list[tuple[float, list[_Cand]]]:
    """The cheapest reading with each end in turn held inside ``home`` (an adcode prefix: the
    province's two digits, the city's four), with its cost; [] when no end can lie there.
    """
    options = []
    for i in range(len(layers)):
        pinned = [layer if k != i else [c for c in layer if c.code.startswith(home)] for k, layer in enumerate(layers)]
        path = _cheapest(pinned)
        if path:
            options.append((_path_cost(path), path))
    return options


def _cheapest_crossing(geo: Geocoder, layers: list[list[_Cand]], adcode: str,
                       max_paths: int = 20000, max_tests: int = 50) -> list[_Cand]:
    """The cheapest reading whose line runs through the unit ``adcode``, or [] (also when the
    readings are too many to weigh one by one).
    """
    import itertools

    if not layers or math.prod(len(layer) for layer in layers) > max_paths:
        return []
    paths: list[tuple[float, list[_Cand]]] = []
    for combo in itertools.product(*layers):
        hops = [_km(a.point, b.point) for a, b in zip(combo, combo[1:], strict=False)]
        if all(MIN_HOP_KM <= h <= MAX_HOP_KM for h in hops):
            paths.append((_path_cost(list(combo)), list(combo)))
    paths.sort(key=lambda o: o[0])
    for _, path in paths[:max_tests]:
        if _crosses(geo, [c.point for c in path], adcode):
            return path
    return []


def _crosses(geo: Geocoder, points: list[Any], adcode: str) -> bool:
    """True when the straight legs through ``points`` run through the unit ``adcode``."""
    from shapely.geometry import LineString

    poly = geo.gaz.unit_polygon(adcode)
    return poly is not None and len(points) >= 2 and LineString([(p.x, p.y) for p in points]).intersects(poly)


def _path_cost(path: list[_Cand]) -> float:
    """What :func:`_cheapest` minimises, for one chosen path."""
    return sum(c.cost for c in path) + HOP_WEIGHT * sum(_km(a.point, b.point) for a, b in zip(path, path[1:],
                                                                                              strict=False))


# ----------------------------------------------------------------------------- lines

def route_placement(geo: Geocoder, project: Project, context_units: list, prior: Region | None,
                    depth: int = 0) -> Placement | None:
    """The line of a route project, or None when its name gives no two places."""
    parsed = parse_route_name(project.name)
    source = "admin-centroid"
    placed: list[Placement] = []
    controls = False
    local = parsed.kind_word in LOCAL_KINDS
    rail = _railway_placement(geo, parsed, context_units, prior, depth)
    trunk_line = False  # a line of the tables named without its ends: the plan builds its own stretch
    if rail is not None:
        placed, source, controls = rail[0], rail[1], len(rail[0]) >= 3
        trunk_line = len(parsed.ends) < 2
    for ends in (parsed.section_ends, parsed.ends):
        if len(ends) >= 2 and not placed:
            placed = _resolve_all(geo, ends, context_units, prior, depth, local=local or ends is parsed.completed)
            if not placed and ends is parsed.section_ends and parsed.section_unit:
                placed = _resolve_all(geo, _section_for_unknown_end(geo, ends, parsed.section_unit, context_units,
                                                                    prior), context_units, prior, depth, local=True)
            if placed:
                break
    if not placed and len(project.endpoints) >= 2:
        placed = _resolve_all(geo, project.endpoints[:3], context_units, prior, depth)
    if not placed and depth == 0:
        ends = described_ends(project.name, project.evidence)
        if ends:
            placed = _resolve_all(geo, ends, context_units, prior, depth, local=local)
    section_is_unit = bool(parsed.section_unit and geo.gaz.locate_admin(parsed.section_unit, prior))
    named = frozenset(u.adcode for _, _, u in context_units)
    if not placed and parsed.section_abbreviation and not section_is_unit \
            and _reads_as_ends(geo, parsed.section_abbreviation):
        # 沈海高速漳诏段: the section's own ends (漳州, 诏安) replace the road's (沈阳, 海口)
        placed = abbreviated_ends(geo, parsed.section_abbreviation, prior, named=named)
    row = None
    if not placed and not _ROAD_LINK.search(project.name):
        table = route_table()
        row = table.get(parsed.code) or table.get(parsed.abbreviation) or table.get(parsed.main) \
            or _table_name_ending(table, parsed.main)
        if row is None and parsed.kind_word in EXPRESSWAY_WORDS:
            row = expressway_by_ends(geo, parsed.abbreviation, prior)
        if row is not None:
            placed = _resolve_all(geo, list(row.control_points), context_units, prior, depth)
            source = row.source_url
            controls = len(placed) >= 3
    abbreviation = _without_place_prefix(geo, parsed.abbreviation)
    if not placed and abbreviation and not _names_a_place(geo, abbreviation) and not _common_word(abbreviation) \
            and not (local and _names_a_local_place(geo, abbreviation, prior)):
        placed = abbreviated_ends(geo, abbreviation, prior, local=local, named=named,
                                  trunk=parsed.kind_word in TRUNK_KINDS, railway=any(w in parsed.kind_word for w in RAIL_WORDS))
    if len(placed) < 2:
        return None
    line = _line(placed, ring=row is not None and row.control_points[0] == row.control_points[-1])
    if line is None:
        return None
    if len(placed) >= 3:
        controls = True
    names = [n for p in placed for n in p.names[:1]]
    cut = None
    inside: list[Placement] | None = None  # the points inside the unit the line is cut to, if cut
    if parsed.section_unit and not parsed.section_ends:
        cut = _cut_to_unit(geo, line, parsed.section_unit, prior)
        if cut is not None:
            line, unit = cut
            inside = _points_inside(geo, placed, unit.adcode)
            placed = inside or placed
            names = list(dict.fromkeys([n for p in inside for n in p.names[:1]] + [unit.name]))
    if cut is None and prior is not None and (trunk_line or (row is not None and (parsed.stakes or _TRUNK_CODE.match(row.code)))):
        # 330国道12K+300m—18K+900m路段 in a county plan, G204拓宽 in a city plan, G219 or 京广铁路
        # in a provincial one, a section whose ends we cannot place (区界至日土段): the works lie
        # where the line crosses the plan's own region, not along its thousands of kilometres
        part = _cut_to_region(geo, line, prior.adcode)
        if part is not None:
            line = part
            inside = _points_inside(geo, placed, prior.adcode)
            placed = inside or placed
            names = list(dict.fromkeys([n for p in inside for n in p.names[:1]] + [geo.gaz.unit(prior.adcode).name]))
    from planmap.place.geocode import Placement

    weakest = max(placed, key=lambda p: PRECISION_ORDER.index(_point_precision(geo, p)))
    precision = _point_precision(geo, weakest)
    if controls and PRECISION_ORDER.index(precision) > PRECISION_ORDER.index("approx"):
        precision = "approx" if all(p.precision in ("exact", "approx", "town", "county") for p in placed) \
            else precision
    if parsed.stakes and PRECISION_ORDER.index(precision) < PRECISION_ORDER.index("county"):
        precision = "county"  # kilometre posts say which stretch, not where it starts: the county is sure
    # a stretch between two points outside the unit (兰新高铁 has no station in 哈密市) names only the unit
    counties = [c for p in placed for c in p.counties] if inside is None or inside else []
    method = "route" if controls else COURSE_METHOD
    if source == "admin-centroid":
        source = weakest.source
    from planmap.place.confidence import route_end_factor

    return Placement(line, precision, min(p.confidence for p in placed) * route_end_factor(), source, names, counties,
                     method)


def _points_inside(geo: Geocoder, placed: list[Placement], adcode: str) -> list[Placement]:
    """The points of a line that lie in the unit ``adcode`` (its counties, or its polygon), none
    when the unit holds none: a line cut to a unit is named and rated by its own points there.
    """
    unit = geo.gaz.unit(adcode)
    prefix = unit.adcode[:{"province": 2, "city": 4}.get(unit.level, 6)]  # (330110's prefix is not 33011)
    region = geo.gaz.unit_polygon(adcode)
    inside = [p for p in placed if any(c.startswith(prefix) for c in p.counties)
              or (region is not None and region.intersects(_point(p.geometry)))]
    return inside


def _table_name_ending(table: dict[str, RouteRow], main: str) -> RouteRow | None:
    """The row whose two- or three-character name ends a longer name (亚欧大陆桥连霍: 连霍, G30):
    what comes before a road's own name describes it.
    """
    for k in (3, 2):
        if len(main) > k + 1:
            row = table.get(main[-k:])
            if row is not None and row.name == main[-k:]:
                return row
    return None


def _point_precision(geo: Geocoder, placed: Placement) -> str:
    """How sure one point of a line is: a municipality's seat (北京, 重庆) is as sure as a city's,
    though the unit is a province.
    """
    if placed.precision == "province" and placed.names and placed.names[0] in _municipality_names(geo):
        return "city"
    return placed.precision


def _municipality_names(geo: Geocoder) -> frozenset[str]:
    return frozenset(geo.gaz.unit(code).name for code in _MUNICIPALITIES)


def _railway_placement(geo: Geocoder, parsed: RouteName, context_units: list, prior: Region | None,
                       depth: int) -> tuple[list[Placement], str] | None:
    """The control points of a railway of the table (南昌至赣州高铁, 杭长高铁江西段) placed in order,
    with the row's source; None when no row is meant or its points cannot be placed. A section named
    by its own ends (渝宜段, 涪陵至怀化段) is drawn between those, not through the whole line.
    """
    if parsed.section_ends or (parsed.section_abbreviation and not geo.gaz.locate_admin(parsed.section_unit, prior)):
        return None
    row = railway_row(parsed)
    if row is None:
        return None
    placed = _resolve_all(geo, list(row.control_points), context_units, prior, depth)
    if not placed:
        return None
    sections = geo.gaz.locate_admin(parsed.section_unit, prior) if parsed.section_unit else []
    if sections:
        area, line = geo.gaz.unit_polygon(sections[0].adcode), _line(placed)
        if area is not None and line is not None and not area.intersects(line):
            return None  # 沪渝蓉高铁上海段: the row's sourced stretch does not reach the section
    return placed, row.source_url


def feature_section(geo: Geocoder, feat: Any, name: str, prior: Region | None) -> Any:
    """The part of a line feature that ``name`` names (G102线京抚线开原段 -> G102 inside 开原), or
    the feature itself when the name names no section or the line does not reach it.
    """
    import dataclasses

    if feat.geometry is None or "LineString" not in feat.geometry.geom_type:
        return feat
    parsed = parse_route_name(name)
    if not parsed.section_unit or parsed.section_ends:
        return feat
    cut = _cut_to_unit(geo, feat.geometry, parsed.section_unit, prior)
    if cut is None:
        return feat
    part, unit = cut
    counties = tuple(c.adcode for c in geo.gaz.counties_in(unit.adcode))
    return dataclasses.replace(feat, geometry=part, county_adcodes=counties if len(counties) <= 3 else (),
                               note=(feat.note + f"; the {unit.name} section").lstrip("; "))


def described_ends(name: str, sentence: str) -> list[str]:
    """The ends a sentence gives right after a route's name (…新X公路，西起甲镇，东至乙镇), or [].

    >>> described_ends("甲乙公路", "另一条是甲乙公路，西起丙县丁镇，东至戊县己镇，全长约60公里。")
    ['丙县丁镇', '戊县己镇']
    """
    at = sentence.find(name) if name else -1
    if at < 0:
        return []
    rest = sentence[at + len(name):]
    m = _DESCRIBED.match(rest)
    if m:
        return [m.group(1).strip(), m.group(2).strip()]
    m = _DESCRIBED_VIA.match(rest)  # 北起甲镇，向南经乙、丙、丁镇接…: the places it passes, the last its end
    if m:
        via = [v.strip() for v in m.group(2).split("、") if len(v.strip()) >= 2]
        return [m.group(1).strip(), *via] if via else []
    return []


def _without_place_prefix(geo: Geocoder, abbreviation: str) -> str:
    """四川成渝 -> 成渝: a unit's name written before a route's abbreviation is not part of it."""
    if len(abbreviation) < 4:
        return abbreviation
    for k in (3, 2):
        rest = abbreviation[k:]
        if 2 <= len(rest) <= 3 and any(u.level in ("province", "city", "county") or u.adcode in _MUNICIPALITIES
                                       for u in geo.gaz.units_named(abbreviation[:k])):
            return rest
    return abbreviation


def _reads_as_ends(geo: Geocoder, text: str) -> bool:
    """True when a section's name may be read as abbreviated ends: no place name inside it
    (大三亚段 is greater 三亚, 城区段 a part of town) and no common word.
    """
    cities = any(u.level in ("province", "city") for i in range(len(text) - 1)
                 for u in geo.gaz.units_named(text[i:i + 2]))
    return not cities and not _names_a_place(geo, text) and not _common_word(text)


def _common_word(text: str) -> bool:
    """True for a common noun or a word of place (沿江, 沿海, 环岛): 沿江高铁 runs along the river,
    it does not join a 沿… to a 江….
    """
    from planmap.reference.gazetteer import everyday_words
    from planmap.reference.words import word_index

    words = word_index()
    if words.tag(text) in ("f", "n", "s") and words.freq(text) >= 50:
        return True
    # 甲乙新通道: an everyday word inside (通道) makes the name a phrase, not a row of ends
    # (a numeral such as 三万 inside 三万南 is no such word: the ends may be numbered places)
    return len(text) >= 3 and any(text[i:i + 2] in everyday_words() and words.tag(text[i:i + 2]) not in ("m", "q", "mq")
                                  for i in range(len(text) - 1))


def _names_a_local_place(geo: Geocoder, text: str, prior: Region | None) -> bool:
    """True when a county road's name is one town or village of the home county (上卢支线 leads
    to 上卢村): one place, not two abbreviated ends.
    """
    if prior is None or prior.level != "county":
        return False
    if any(geo.gaz.towns_named(text + s, county=prior.adcode) for s in ("", "镇", "乡", "街道")):
        return True
    return bool(villages_in(geo.gaz, prior.adcode, name=text))


def _names_a_place(geo: Geocoder, text: str) -> bool:
    """True when a long "abbreviation" holds a place name of three or more characters (调兵山沈康),
    or two of its characters open one unit's name (六盘山: 六盘 is the start of 六盘水, so the
    name is a mountain's, not 六 + 盘 + 山).
    """
    if len(text) >= 4 and any(m.end - m.start >= 3 for m in geo.gaz.scan(text)):
        return True
    return len(text) >= 3 and any(text[i:i + 2] in _unit_openings(geo) for i in range(len(text) - 1))


def _unit_openings(geo: Geocoder) -> frozenset[str]:
    """The first two characters of every unit whose short name has three or more characters."""
    cached = getattr(geo, "_route_unit_openings", None)
    if cached is None:
        # short forms only: 永清县 is 永清, a two-character name that may as well be two ends
        cached = frozenset(u.short[:2] for u in geo.gaz.admin.units.values() if u.short and len(u.short) >= 3)
        geo._route_unit_openings = cached  # type: ignore[attr-defined]
    return cached


def _resolve_all(geo: Geocoder, ends: list[str], context_units: list, prior: Region | None,
                 depth: int, local: bool = False) -> list[Placement]:
    """Each end placed; ends the home region does not settle are read jointly, the reading with
    the shortest path winning (三江 next to 万盛 and 南川 is the one in 綦江, not 三江侗族自治县).
    """
    borders: dict[int, re.Match[str]] = {}
    ends = list(ends)
    for i, e in enumerate(ends):
        m = _BORDER.match(e.strip())
        if m and all(c in province_abbreviations() for c in m.groups()):
            borders[i] = m
        elif (m := _UNIT_BORDER.match(e.strip())) and (found := _border_unit(geo, m.group(1), prior)) is not None:
            if hasattr(found, "level"):
                borders[i] = m
            else:
                ends[i] = m.group(1)  # a town has no polygon here: its border is drawn at its point
    if borders:
        if len(borders) == len(ends):
            return []
        inner = _resolve_all(geo, [e for i, e in enumerate(ends) if i not in borders], context_units, prior,
                             depth, local)
        if not inner:
            return []
        placed: list[Placement] = []
        rest = iter(inner)
        for i in range(len(ends)):
            placed.append(next(rest) if i not in borders else None)  # type: ignore[arg-type]
        for i, m in borders.items():
            near = placed[i - 1] if i > 0 and placed[i - 1] is not None else next(
                p for p in placed if p is not None)
            point = _border_point(geo, m.groups(), near) if m.re is _BORDER else \
                _unit_border_point(geo, m.group(1), near, prior)
            if point is None:
                return []
            placed[i] = point
        return placed
    layers: list[list[_Cand]] = []
    for e in ends:
        p = place_endpoint(geo, e, context_units, prior, depth, jointly=True)
        if p is not None and not _empty(p.geometry):
            layers.append([_fixed(p)])
            continue
        cands = _end_candidates(geo, e.strip(), context_units, prior, local)
        if not cands:
            return []
        layers.append(cands)
    return [c.make() for c in _cheapest(layers, min_hop=0.05, max_hop=math.inf)]


def _border_point(geo: Geocoder, chars: tuple[str, ...], near: Placement) -> Placement | None:
    """The point of the border of two provinces (甲乙界) nearest the route's other end: the edge of
    whichever of the two the other end does not lie in.
    """
    from shapely.ops import nearest_points

    from planmap.place.geocode import Placement

    provs = [province_abbreviations()[c] for c in chars]
    at = _point(near.geometry)
    inside = [code for code in provs if (poly := geo.gaz.unit_polygon(code)) is not None and poly.contains(at)]
    other = [code for code in provs if code not in inside]
    if len(inside) != 1 or len(other) != 1:
        return None
    poly = geo.gaz.unit_polygon(other[0])
    if poly is None:
        return None
    edge = nearest_points(poly, at)[0]
    names = [geo.gaz.unit(c).name for c in provs]
    return Placement.of(edge, "county", "admin-boundary", ["、".join(names) + "交界"], [], "border")


def _section_for_unknown_end(geo: Geocoder, ends: list[str], section: str, context_units: list,
                             prior: Region | None) -> list[str]:
    """The stretch's ends with the one no gazetteer holds (a creek: 老黄桥港) replaced by the place
    its section names (泖港段: the stretch lies in 泖港); [] unless exactly one end is unknown and
    the section is a place.
    """
    def known(end: str) -> bool:
        e = end.strip()
        m = _UNIT_BORDER.match(e)
        if m and _border_unit(geo, m.group(1), prior) is not None:
            return True
        return place_endpoint(geo, e, context_units, prior, 1, jointly=True) is not None \
            or bool(_end_candidates(geo, e, context_units, prior, local=True))

    unknown = [i for i, e in enumerate(ends) if not known(e)]
    if len(unknown) != 1 or not known(section):
        return []
    return [section if i == unknown[0] else e for i, e in enumerate(ends)]


def _border_unit(geo: Geocoder, name: str, prior: Region | None) -> Any:
    """The unit (县, 区, 市) or town (镇, 乡, 街道) whose border ``name``界 is, or None."""
    units = geo.gaz.locate_admin(name, prior)
    if units and units[0].name == name:
        return units[0]
    scope = _home_scope(geo, prior, local=True)
    towns = geo.gaz.towns_named(name, county=scope)
    return towns[0] if len(towns) == 1 else None


def _unit_border_point(geo: Geocoder, name: str, near: Placement, prior: Region | None) -> Placement | None:
    """Where a stretch meets the border of one unit (奉贤区界): the point of that unit's edge
    nearest the stretch's other end.
    """
    from shapely.ops import nearest_points

    from planmap.place.geocode import Placement

    found = _border_unit(geo, name, prior)
    if found is None or not hasattr(found, "level"):
        return None
    poly = geo.gaz.unit_polygon(found.adcode)
    if poly is None:
        return None
    edge = nearest_points(poly.boundary, _point(near.geometry))[0]
    return Placement.of(edge, "county", "admin-boundary", [name + "界"], [], "border")


def _line(placed: list[Placement], ring: bool = False) -> Any:
    """A LineString through the placed points; a road end joins at its nearest point; None when
    the ends coincide, unless ``ring`` (a table row that ends where it starts: 海口 琼海 三亚 东方
    海口), drawn closed through three or more places. Intermediate points that make a line detour
    more than MAX_DETOUR are dropped (a ring has no such measure).
    """
    from shapely.geometry import LineString
    from shapely.ops import nearest_points

    geoms: list[Any] = [p.geometry for p in placed]
    pts = [_point(g) for g in geoms]
    if "LineString" in geoms[-1].geom_type and len(pts) >= 2:
        pts[-1] = nearest_points(geoms[-1], pts[-2])[0]
    if "LineString" in geoms[0].geom_type and len(pts) >= 2:
        pts[0] = nearest_points(geoms[0], pts[1])[0]
    dedup = [pts[0]]
    for p in pts[1:]:
        if _km(dedup[-1], p) > 0.05:
            dedup.append(p)
    if len(dedup) < 2:
        return None
    if ring and len(dedup) >= 4 and _km(dedup[0], dedup[-1]) <= 0.05:
        return LineString([(p.x, p.y) for p in dedup[:-1]] + [(dedup[0].x, dedup[0].y)])  # a ring, closed
    straight = _km(dedup[0], dedup[-1])
    path = sum(_km(a, b) for a, b in zip(dedup, dedup[1:], strict=False))
    if straight < 0.05:
        return None
    if path > MAX_DETOUR * straight:
        dedup = [dedup[0], dedup[-1]]
    return LineString([(p.x, p.y) for p in dedup])


def _cut_to_unit(geo: Geocoder, line: Any, text: str, prior: Region | None) -> tuple[Any, Any] | None:
    """The part of ``line`` inside the unit a section names (甘肃段, 开原段; 大三亚段, greater 三亚:
    the part inside 三亚), or None.
    """
    units = geo.gaz.locate_admin(text, prior)
    if not units and text.startswith("大") and len(text) >= 3:
        units = geo.gaz.locate_admin(text[1:], prior)
    if not units:
        return None
    unit = units[0]
    part = _cut_to_region(geo, line, unit.adcode)
    return None if part is None else (part, unit)


def _cut_to_region(geo: Geocoder, line: Any, adcode: str) -> Any:
    """The part of ``line`` inside the unit ``adcode`` (a little beyond its edge), or None when the
    line does not cross it.
    """
    poly = geo.gaz.unit_polygon(adcode)
    if poly is None:
        return None
    part = line.intersection(poly.buffer(0.01))
    if part.is_empty or "LineString" not in part.geom_type or part.length < 1e-4:
        return None
    if part.geom_type == "GeometryCollection":
        from shapely.geometry import MultiLineString

        part = MultiLineString([g for g in part.geoms if g.geom_type == "LineString"])
    return part


def straighten(line: Any) -> Any:
    """``line`` itself, or the straight line between its ends when it detours more than MAX_DETOUR."""
    from shapely.geometry import LineString

    if line.geom_type != "LineString" or detour_ratio(line) <= MAX_DETOUR:
        return line
    coords = list(line.coords)
    return LineString([coords[0], coords[-1]])


def detour_ratio(line: Any) -> float:
    """Drawn length over the straight distance between a line's ends (1.0 for a straight line)."""
    from shapely.geometry import Point

    coords = list(line.coords) if line.geom_type == "LineString" else [c for g in line.geoms for c in g.coords]
    a, b = Point(coords[0]), Point(coords[-1])
    straight = _km(a, b)
    path = sum(_km(Point(p), Point(q)) for p, q in zip(coords, coords[1:], strict=False))
    return path / straight if straight else math.inf
