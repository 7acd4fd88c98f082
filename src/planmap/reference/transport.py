"""Railway stations and airports named in plans, placed at their site from open data.

``geodata/stations.csv.gz`` holds OpenStreetMap railway stations (names without 站) and
``geodata/airports.csv`` OurAirports airports (English names), both WGS-84 and derived by
``scripts/derive_geodata.py`` with the county each point lies in. A plan writes 沈阳北站,
成都东站, 武汉天河国际机场 or 天府机场: stations match by name, airports through the city the
name starts with and the pinyin of the rest, and an airport must lie in the city it is
named after (or carry that city's name in its own). Answers are :class:`Feature` rows, so the
geocoder treats them like any other named feature.
"""
from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from planmap.models import Region
from planmap.paths import geodata_dir
from planmap.reference.features import Feature

T = TypeVar("T")

OSM_SOURCE = "https://www.openstreetmap.org/"
OMAP_SOURCE = "https://github.com/OpenQGIS/OMap-GeoDB"
# NAME站 / NAME火车站 / NAME高铁站: only these forms, so 汽车站, 泵站, 污水处理站 never match
_STATION = re.compile(r"(?:火车|高铁|动车|铁路)?站")
_AIRPORT = re.compile(r"([\u4e00-\u9fff]{1,12}?)(?:国际)?机场")
# after the station or airport, words that make the project a road or line named after it
_LINE_AFTER = re.compile(r"(路|道|线|高速|铁路|轨道|快线|连接|至|到|通道|专用)")
_AIRPORT_WORDS = re.compile(r"\b(international|airport|airbase|air base|general aviation)\b")
NEAR_CITY_KM = 80.0  # an airport named after a city may lie this far from its seat, in the next city
_MUNICIPALITIES = ("110000", "120000", "310000", "500000")
# OurAirports translates a few name words; plans write them in Chinese (首都机场, 三亚凤凰机场)
_NAME_WORDS = {"capital": "shoudu", "phoenix": "fenghuang"}
_TYPE_RANK = {"large_airport": 0, "medium_airport": 1, "small_airport": 2}


@dataclass(frozen=True)
class Station:
    """One railway station (a cluster of OSM points of one name)."""

    name: str
    lon: float
    lat: float
    county_adcode: str


@dataclass(frozen=True)
class Airport:
    """One airport of OurAirports, with the county its reference point lies in."""

    ident: str
    iata: str
    name: str
    municipality: str
    kind: str
    lon: float
    lat: float
    county_adcode: str
    source_url: str

    @property
    def key(self) -> str:
        """Lower-case letters of the name without 'International Airport' (chengdutianfu)."""
        words = [_NAME_WORDS.get(w, w) for w in _AIRPORT_WORDS.sub("", self.name.lower()).split()]
        return _letters("".join(words))

    @property
    def municipality_key(self) -> str:
        return _letters(self.municipality.lower().split("(")[0].split(",")[-1])


def _letters(text: str) -> str:
    """ASCII letters only, accents folded (Ürümqi -> urumqi)."""
    import unicodedata

    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode())


def _pinyin(text: str, cap: int = 32) -> tuple[str, ...]:
    """Every toneless reading of ``text`` (长水 -> changshui, zhangshui), at most ``cap``."""
    from itertools import islice, product

    from pypinyin import Style, pinyin

    readings = pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys("".join(p).lower() for p in islice(product(*readings), cap)))


class TransportIndex:
    """Stations by name and airports by place; the geodata folder is read once."""

    def __init__(self, folder: str | Path | None = None) -> None:
        folder = Path(folder) if folder else geodata_dir()
        self.stations: dict[str, list[Station]] = {}
        path = folder / "stations.csv.gz"
        if path.is_file():
            with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
                for r in csv.DictReader(fh):
                    self.stations.setdefault(r["name"], []).append(
                        Station(r["name"], float(r["lon"]), float(r["lat"]), r["county_adcode"]))
        self.airports: list[Airport] = []
        path = folder / "airports.csv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as fh:
                for r in csv.DictReader(fh):
                    self.airports.append(Airport(r["ident"], r["iata"], r["name"], r["municipality"], r["type"],
                                                 float(r["lon"]), float(r["lat"]), r["county_adcode"],
                                                 r["source_url"]))

    # ------------------------------------------------------------ stations

    def station_in(self, name: str, prior: Region | None = None) -> Feature | None:
        """The station a project name is about (沈阳北站改造 -> 沈阳北), or None.

        The station must end the name, bar work words: 机场路 or 沈阳站至… are roads and lines.
        """
        for m in _STATION.finditer(name):
            if _LINE_AFTER.search(name, m.end()):
                continue
            head = name[:m.start()]
            for k in range(min(len(head), 10), 1, -1):
                cands = self.stations.get(head[-k:])
                if not cands:
                    continue
                best = _nearest_home(cands, prior, lambda s: s.county_adcode)
                if best is None or (k == 2 and not _in_home(best.county_adcode, prior)):
                    break  # a two-character name (北站) is trusted only inside the home province
                return _station_feature(best, name[m.start() - k:m.end()])
        return None

    # ------------------------------------------------------------ airports

    def airport_in(self, name: str, prior: Region | None = None, gazetteer=None) -> Feature | None:
        """The airport a project name is about (武汉天河国际机场, 天府机场扩建), or None."""
        if "机场" not in name:
            return None  # (most names: spares the pattern's search, which tries every start)
        m = _AIRPORT.search(name)
        if m is None or _LINE_AFTER.search(name, m.end()):
            return None
        head = m.group(1)
        if gazetteer is None:
            from planmap.reference.gazetteer import default_gazetteer

            gazetteer = default_gazetteer()
        place, rest = None, head
        # the place the airport is named after comes first: leftmost, then longest (重庆 before 江北)
        for start in range(0, len(head) - 1):
            for k in range(min(len(head) - start, 8), 1, -1):
                # (a district's name is read in the home province only: 江北 of 江北国际机场 in a
                # 湖北 plan is neither 重庆's nor 宁波's 江北区)
                units = [u for u in gazetteer.locate_admin(head[start:start + k], prior)
                         if (u.level in ("city", "county") or u.adcode in _MUNICIPALITIES)
                         and not (prior is not None and u.level == "county" and u.adcode[:2] != prior.adcode[:2])]
                if units:
                    place, rest = units[0], head[start + k:]
                    break
            if place is not None:
                break
        if rest.endswith("通用") or rest in ("新", "支线", "民用"):
            return None  # 通用机场 / 新机场: which field is not said
        rest_keys = _pinyin(rest) if rest else ()
        cands = self.airports
        if place is not None:
            city_keys = _pinyin(place.short or place.name)
            code = {"county": place.adcode, "city": place.adcode[:4]}.get(place.level, place.adcode[:2])
            cands = [a for a in cands if a.county_adcode.startswith(code)
                     or any(a.key.startswith(k) or a.municipality_key == k for k in city_keys)
                     # named after the district it lies next to (重庆江北国际机场 in 渝北区)
                     or (place.level == "county" and place.lon is not None and any(k in a.key for k in city_keys)
                         and _km(a.lon, a.lat, place.lon, place.lat) <= NEAR_CITY_KM)]
            if rest_keys:
                named = [a for a in cands if any(k in a.key for k in rest_keys)]
                if not named and place.lon is not None:
                    # named after the city it serves but lying in the next one (拉萨贡嘎 in 山南)
                    named = [a for a in self.airports if any(k in a.key for k in rest_keys)
                             and _km(a.lon, a.lat, place.lon, place.lat) <= NEAR_CITY_KM]
                # several fields share a word (binhai, binhaidouzhuang): the one carrying the
                # city's name, then the largest
                full = [a for a in named if any(a.key.startswith(k) for k in city_keys)]
                cands = _largest(full or named)
            else:
                # 乐山机场, 合肥机场: only the city's airport with scheduled service is meant, the one
                # with an IATA code that is no general-aviation field (OurAirports rates 合肥新桥 and
                # an air base both "medium", 伊宁 "small"); a small field of the city (夹江, 肇东's
                # General Airport for 绥化机场) is not the airport a plan builds
                served = [a for a in cands if a.iata and "General" not in a.name]
                cands = _largest(served) if served else [a for a in _largest(cands) if a.kind in ("large_airport", "medium_airport")]
        else:
            rest_keys = tuple(k for k in rest_keys if len(k) >= 4)
            cands = [a for a in cands if any(k in a.key for k in rest_keys)]
        if not cands:
            return None
        best = _nearest_home(cands, prior, lambda a: a.county_adcode)
        if best is None:
            return None
        return _airport_feature(best, m.group(0))


def _largest(airports: list[Airport]) -> list[Airport]:
    """The airports of the largest kind among ``airports``."""
    if not airports:
        return []
    top = min(_TYPE_RANK.get(a.kind, 3) for a in airports)
    return [a for a in airports if _TYPE_RANK.get(a.kind, 3) == top]


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    from planmap.reference.datum import haversine_m

    return haversine_m(lon1, lat1, lon2, lat2) / 1000


def _in_home(county: str, prior: Region | None) -> bool:
    return prior is not None and county[:2] == prior.adcode[:2]


def _nearest_home(cands: list[T], prior: Region | None, county_of: Callable[[T], str]) -> T | None:
    """The one candidate, or the only one in the home city, or the only one in the home province."""
    if len(cands) == 1:
        return cands[0]
    if prior is None:
        return None
    for width in (6 if prior.level == "county" else 4, 4, 2):
        near = [c for c in cands if county_of(c)[:width] == prior.adcode[:width]]
        if len(near) == 1:
            return near[0]
        if len(near) > 1:
            return None
    return None


def _station_feature(s: Station, written: str) -> Feature:
    from shapely.geometry import Point

    return Feature(
        id=f"osm-station:{s.name}@{s.county_adcode}", name=s.name + "站", aliases=(written,), category="railway",
        kind="point", geometry=Point(s.lon, s.lat), precision="exact", province="",
        city_adcode=s.county_adcode[:4] + "00", county_adcodes=(s.county_adcode,),
        source_url=f"{OSM_SOURCE} {OMAP_SOURCE}",
        note="OpenStreetMap railway station (ODbL) via OMap-GeoDB; WGS-84", origin="stations",
        names=(s.name + "站", written),
    )


def _airport_feature(a: Airport, written: str) -> Feature:
    from shapely.geometry import Point

    return Feature(
        id=f"ourairports:{a.ident}", name=written, aliases=tuple(x for x in (a.iata, a.ident, a.name) if x),
        category="airport", kind="point", geometry=Point(a.lon, a.lat), precision="exact", province="",
        city_adcode=a.county_adcode[:4] + "00", county_adcodes=(a.county_adcode,), source_url=a.source_url,
        note=f"OurAirports {a.ident} {a.name} (public domain); WGS-84", origin="airports",
        names=(written, a.name),
    )


@lru_cache(maxsize=2)
def transport_index(folder: str | None = None) -> TransportIndex:
    """The shipped station and airport tables, read once per folder."""
    return TransportIndex(folder)
