"""Development zones and the districts that host them (苏州高新区 -> 虎丘区).

A zone is no administrative unit, so the gazetteer cannot place 高新区 by itself: it resolves
through a host named in the text (苏州高新区) or through the home region. Hosts come from
``geodata/zone_hosts.csv`` (each row with its source URL; see geodata/SOURCES.md) and from
the development-zone pseudo-counties of ``admin_remap.csv`` (320772 连云港高新技术产业开发区
-> 海州区). The usual ways of writing a zone's name are generated from its city's short
name and its kind (苏州高新区, 苏州国家高新区, 苏州高新技术产业开发区), so the table keeps
one row per zone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from planmap.errors import GazetteerError
from planmap.paths import geodata_dir

# How each kind of zone is written after its place name.
_FORMS = {
    "hightech": ("高新技术产业开发区", "高新技术开发区", "高新区", "国家高新区", "国家高新技术产业开发区"),
    "economic": ("经济技术开发区", "经济开发区", "经开区", "国家级经济技术开发区", "经济技术开发区"),
    "newarea": ("新区",),
    "other": (),
}


@dataclass(frozen=True)
class Zone:
    """A development zone with its host county (or counties) and where that is written."""

    name: str
    kind: str  # hightech | economic | newarea | other
    city_adcode: str
    county_adcodes: tuple[str, ...]
    source_url: str
    names: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()  # every city it spans (赣江新区: 南昌 and 九江)


def load_zones(folder: Path | None = None, derived: bool = True) -> list[Zone]:
    """Rows of zone_hosts.csv (hand-made) and zone_hosts_nbs.csv (derived from the statistics
    bureau's town codes; left out with ``derived=False``) plus the zone pseudo-counties of
    admin_remap.csv.
    """
    import csv

    from planmap.reference.gazetteer import default_gazetteer

    folder = folder or geodata_dir()
    gaz = default_gazetteer()
    zones: list[Zone] = []
    tables = ["zone_hosts.csv", "zone_hosts_nbs.csv"] if derived else ["zone_hosts.csv"]
    for path in (folder / name for name in tables):
        if not path.is_file():
            continue
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            need = {"name", "aliases", "kind", "place", "city_adcode", "county_adcodes", "source_url"}
            missing = need - set(reader.fieldnames or [])
            if missing:
                raise GazetteerError(f"{path}: row 1: missing columns {sorted(missing)}")
            for row in reader:
                lineno = reader.line_num
                counties = tuple(c for c in row["county_adcodes"].split("|") if c)
                if row["kind"] not in _FORMS:
                    raise GazetteerError(f"{path}: row {lineno}: kind {row['kind']!r} is not one of {sorted(_FORMS)}")
                if not row["source_url"].startswith("http"):
                    raise GazetteerError(f"{path}: row {lineno}: source_url must be a URL")
                cities = tuple(c for c in row["city_adcode"].split("|") if c)
                for c in (*counties, *cities):
                    if not re.fullmatch(r"\d{6}", c):
                        raise GazetteerError(f"{path}: row {lineno}: {c!r} is not a 6-digit adcode")
                    gaz.unit(c)  # raises UnknownRegionError naming the code
                names = [row["name"], *(a for a in row["aliases"].split("|") if a)]
                names += [p + form for p in row["place"].split("|") if p for form in _FORMS[row["kind"]]]
                zones.append(Zone(row["name"], row["kind"], cities[0] if cities else "", counties,
                                  row["source_url"], tuple(dict.fromkeys(names)), cities))
    for old, new in sorted(gaz.admin.remap.items()):
        name = _remap_name(folder, old)
        if name and re.search(r"(开发区|高新区|新区)$", name):
            unit = gaz.unit(new)
            zones.append(Zone(name, "other", unit.city_adcode, (unit.adcode,),
                              "admin_remap.csv", (name,)))
    return zones


@lru_cache(maxsize=4)
def _remap_names(folder: Path) -> dict[str, str]:
    import csv

    path = folder / "admin_remap.csv"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["old_adcode"]: r.get("name", "") for r in csv.DictReader(fh)}


def _remap_name(folder: Path, code: str) -> str:
    return _remap_names(folder).get(code, "")


class ZoneIndex:
    """Zones looked up by any of their names."""

    def __init__(self, zones: list[Zone]) -> None:
        self.zones = zones
        self.by_name: dict[str, list[Zone]] = {}
        for z in zones:
            for n in z.names:
                entries = self.by_name.setdefault(n, [])
                if z not in entries:
                    entries.append(z)
        self._automaton: Any = None

    def named(self, name: str) -> list[Zone]:
        """Zones called exactly ``name``."""
        return list(self.by_name.get(name, []))

    def scan(self, text: str) -> list[tuple[int, int, Zone]]:
        """Zone names in ``text``: longest, non-overlapping, left to right; an ambiguous name
        (two zones called the same) is skipped.
        """
        import ahocorasick

        if self._automaton is None:
            auto = ahocorasick.Automaton()
            for key in self.by_name:
                auto.add_word(key, key)
            if self.by_name:
                auto.make_automaton()
            self._automaton = auto
        if not self.by_name:
            return []
        out = []
        for end, key in self._automaton.iter_long(text):
            zones = self.by_name[key]
            if len({z.county_adcodes for z in zones}) == 1:
                out.append((end - len(key) + 1, end + 1, zones[0]))
        return out


@lru_cache(maxsize=1)
def zone_index() -> ZoneIndex:
    """The shared zone index over :func:`planmap.paths.geodata_dir`."""
    return ZoneIndex(load_zones())


@lru_cache(maxsize=2)
def zone_town_counties(folder: str | None = None) -> dict[tuple[str, str], str]:
    """(town name, jionlp zone code and name) -> the county an NBS edition listed the town under.

    jionlp files some towns only under a development zone (红岛街道 under 370271 青岛高新区);
    ``geodata/zone_towns.csv`` (derived from the NBS town codes) gives each its own county, so it
    is read as a town of that county even when the zone itself has no host row.
    """
    import csv

    path = Path(folder) / "zone_towns.csv" if folder else geodata_dir() / "zone_towns.csv"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {(r["name"], r["source_county"]): r["county_adcode"] for r in csv.DictReader(fh)}
