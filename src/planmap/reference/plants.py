"""Power plants named in plans (龙滩水电站, 防城港核电, 钦州电厂), placed at their site from OpenStreetMap.

``geodata/power_plants.csv`` holds the named power=plant polygons of OpenStreetMap (OMap-GeoDB
extract, WGS-84) as one point each, with the county it lies in; ``scripts/derive_geodata.py``
derives it. A plan names a plant by the place it is named after and a kind word; OSM often
names the operating company instead (国投钦州发电有限公司). Both are reduced to that place
(钦州) and a kind (hydro, nuclear, thermal), and a plan's plant is the one plant of that place
and kind in the home province: two candidates in different counties place nothing.
"""
from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planmap.models import Region
from planmap.paths import geodata_dir, package_data
from planmap.reference.features import Feature

OSM_SOURCE = "https://www.openstreetmap.org/"
POWER_SOURCE = ("https://github.com/OpenQGIS/OMap-GeoDB/blob/8f3082bc01088bec60d9ebbf5f84d1e3431416e8"
                "/oData-power/power_polygon_oData.7z")


@dataclass(frozen=True)
class Plant:
    """One named plant of OpenStreetMap, reduced to the place it is named after and its kind."""

    name: str
    kind: str  # hydro, nuclear or thermal ('' when OSM says something else: solar, wind ...)
    place: str
    lon: float
    lat: float
    county_adcode: str


@lru_cache(maxsize=1)
def plant_rules() -> dict:
    """The naming vocabulary (data/places.toml [power_plants])."""
    with open(package_data("places.toml"), "rb") as fh:
        return tomllib.load(fh)["power_plants"]


def _kind_of(name: str, source: str) -> str:
    """Hydro / nuclear / thermal from the OSM source tag, or from the name when it has none."""
    if source == "hydro":
        return "hydro"
    if source == "nuclear":
        return "nuclear"
    if source in plant_rules()["thermal_sources"]:
        return "thermal"
    if source:
        return ""
    if "核电" in name:
        return "nuclear"
    if "水电" in name or "水力" in name:
        return "hydro"
    return "thermal" if "电厂" in name or "发电" in name else ""


def _strip_openings(core: str, openings: tuple[str, ...]) -> str:
    """``core`` without the operator and province words it opens with (at least two characters left)."""
    changed = True
    while changed:
        changed = False
        for word in openings:
            if core.startswith(word) and len(core) - len(word) >= 2:
                core, changed = core[len(word):], True
                break
    return core


def osm_place(name: str, openings: tuple[str, ...]) -> str:
    """The place an OSM plant name is named after (某某能源开原发电有限公司 -> 开原)."""
    core = re.sub(r"[（(].*?[）)]|[#＃\d]+号?", "", name)
    for end in sorted(plant_rules()["osm_endings"], key=len, reverse=True):
        if core.endswith(end) and len(core) > len(end):
            core = core[:-len(end)]
            break
    return _strip_openings(core, openings)


@lru_cache(maxsize=1)
def _plan_plant_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """The pattern of a plan's plant name and each plant word's kind (the first listed wins)."""
    words = [(w, k) for k, ws in plant_rules()["plan_words"].items() for w in ws]
    alternation = "|".join(re.escape(w) for w, _ in sorted(words, key=lambda t: len(t[0]), reverse=True))
    kinds: dict[str, str] = {}
    for w, k in words:
        kinds.setdefault(w, k)
    return re.compile(rf"([\u4e00-\u9fff]{{2,8}}?)({alternation})"), kinds


def plan_plant(name: str) -> tuple[str, str, str] | None:
    """(place, kind, words) of a plan's plant name that opens with one (白龙核电一期 -> 白龙, nuclear)."""
    pattern, kinds = _plan_plant_pattern()
    m = pattern.match(name)
    if m is None:
        return None
    return m.group(1), kinds[m.group(2)], m.group(0)


class PlantIndex:
    """Plants by (place, kind); the table is read once."""

    def __init__(self, folder: str | Path | None = None, openings: tuple[str, ...] | None = None) -> None:
        folder = Path(folder) if folder else geodata_dir()
        default = openings is None
        if openings is None:
            openings = tuple(sorted({*plant_rules()["operators"], *_province_names()}, key=len, reverse=True))
        self.openings = openings
        self.province_words = _province_words()
        path = folder / "power_plants.csv"
        if default:
            # reducing 4,000 OSM names to their places is the cost; with the default openings it
            # depends on the table, the naming vocabulary and the province names only
            from planmap.reference import derived

            sources = [path, package_data("places.toml"), geodata_dir() / "admin_units.csv"]
            self.by_place = derived.cached("plants", "plants-1", sources, lambda: self._read(path, openings),
                                           lambda v: isinstance(v, dict))
        else:
            self.by_place = self._read(path, openings)

    @staticmethod
    def _read(path: Path, openings: tuple[str, ...]) -> dict[tuple[str, str], list[Plant]]:
        by_place: dict[tuple[str, str], list[Plant]] = {}
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as fh:
                for r in csv.DictReader(fh):
                    kind = _kind_of(r["name"], r["source"])
                    if not kind:
                        continue
                    plant = Plant(r["name"], kind, osm_place(r["name"], openings), float(r["lon"]),
                                  float(r["lat"]), r["county_adcode"])
                    by_place.setdefault((plant.place, kind), []).append(plant)
        return by_place

    def plant_in(self, name: str, prior: Region | None = None) -> Feature | None:
        """The plant a project name opens with (龙滩水电站通航设施 -> 龙滩水力发电厂), or None.

        Only a plant of the home province counts, or of the province the name opens with
        (广西龙滩水电站 in a national plan); without a home, the one plant of that name in China.
        And only when the plants of that place and kind all lie in one county.
        """
        parsed = plan_plant(name)
        if parsed is None:
            return None
        place, kind, written = parsed
        cands = self.by_place.get((place, kind)) or self.by_place.get(
            (_strip_openings(place, self.openings), kind), [])
        if prior is not None:
            named = {code[:2] for word, code in self.province_words.items() if name.startswith(word)}
            cands = [p for p in cands if p.county_adcode[:2] == prior.adcode[:2] or p.county_adcode[:2] in named]
        if not cands or len({p.county_adcode for p in cands}) != 1:
            return None
        return _plant_feature(cands[0], written)


def _province_names() -> tuple[str, ...]:
    """Province names and short names (广西壮族自治区, 广西), stripped from OSM names."""
    return tuple(_province_words())


@lru_cache(maxsize=1)
def _province_words() -> dict[str, str]:
    """Province names and short names with their adcode: a plan naming the province may leave it."""
    from planmap.errors import UnknownRegionError
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    names: dict[str, str] = {}
    for code in range(11, 83):
        try:
            unit = gaz.unit(f"{code}0000")
        except UnknownRegionError:
            continue
        names.update((n, unit.adcode) for n in (unit.name, unit.short) if n)
    return names


def _plant_feature(p: Plant, written: str) -> Feature:
    from shapely.geometry import Point

    return Feature(
        id=f"osm-plant:{p.name}@{p.county_adcode}", name=p.name, aliases=(written,), category="energy_utility",
        kind="point", geometry=Point(p.lon, p.lat), precision="approx", province="",
        city_adcode=p.county_adcode[:4] + "00", county_adcodes=(p.county_adcode,),
        source_url=f"{OSM_SOURCE} {POWER_SOURCE}",
        note="OpenStreetMap power=plant polygon (ODbL) via OMap-GeoDB; WGS-84", origin="power_plants",
        names=(p.name, written),
    )


@lru_cache(maxsize=2)
def plant_index(folder: str | None = None) -> PlantIndex:
    """The shipped power-plant table, read once per folder."""
    return PlantIndex(folder)
