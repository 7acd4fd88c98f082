"""Ports and port areas with the county each lies in (``geodata/ports.csv``).

A plan names a port work by its port or port area (青岛港董家口港区集装箱码头, 洋浦港扩建工程,
防城港30万吨级进港航道): the port's city is in the name, its county is not, and a port area often
lies in another district than the city's seat (董家口 in 黄岛区, 防城港's port in 港口区). Each row
names the page that says where the port area is; no coordinates are stored, a port work is placed
at its county's seat with county precision.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planmap.errors import GazetteerError
from planmap.paths import geodata_dir

#: a project name of a port work: a wharf, berth, channel, port area, or the port itself with
#: its phase or works (马村港三期, 洋浦港扩建工程)
PORT_WORK = re.compile(r"(码头|泊位|航道|港区|作业区|港池|锚地|防波堤|邮轮港|港"
                       r"(?:[一二三四五六七八九十\d]+期)?(?:改扩建|扩建|建设)?(?:工程|项目)?)"
                       r"(?:[一二三四五六七八九十\d]+期)?(?:工程|项目)?$")

REQUIRED = ("name", "aliases", "port", "province", "county_adcodes", "source_url")


@dataclass(frozen=True)
class Port:
    """One port or port area and the county-level unit(s) it lies in."""

    name: str
    names: tuple[str, ...]  # the name, then its aliases
    port: str  # the parent port (青岛港 of 董家口港区), "" for a port of one site
    province: str
    county_adcodes: tuple[str, ...]
    source_url: str
    provinces: tuple[str, ...] = ()  # 2-digit codes of the provinces whose plans build it (洋山: 浙江 and 上海)


def load_ports(path: str | Path | None = None) -> list[Port]:
    """Read and check ports.csv; a bad row raises GazetteerError naming the file and row."""
    path = Path(path) if path else geodata_dir() / "ports.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise GazetteerError(f"{path}: row 1: missing columns {missing}")
        ports = []
        for row in reader:
            counties = tuple(c for c in row["county_adcodes"].split("|") if c)
            if not counties or not all(re.fullmatch(r"\d{6}", c) for c in counties):
                raise GazetteerError(f"{path}: row {reader.line_num}: county_adcodes must be 6-digit codes")
            if not row["source_url"].startswith("http"):
                raise GazetteerError(f"{path}: row {reader.line_num}: source_url must be a URL")
            names = tuple(dict.fromkeys([row["name"], *(a for a in row["aliases"].split("|") if a)]))
            provinces = tuple(dict.fromkeys([counties[0][:2], *_province_code(row["province"])]))
            ports.append(Port(row["name"], names, row["port"], row["province"], counties, row["source_url"],
                              provinces))
    return ports


def _province_code(name: str) -> list[str]:
    """The 2-digit code of a province written in full (上海市 -> 31), none for another name."""
    from planmap.reference.gazetteer import default_gazetteer

    return [u.adcode[:2] for u in default_gazetteer().units_named(name) if u.level == "province"][:1]


class PortIndex:
    """Ports looked up by the longest of their names a project name holds. A port is read in
    the province it lies in and in the one its row names (洋山 lies in 浙江, 上海's plans build it).
    """

    def __init__(self, ports: list[Port]) -> None:
        self.ports = ports
        self._by_name = sorted(((n, p) for p in ports for n in p.names), key=lambda t: -len(t[0]))

    def port_in(self, name: str, province: str | None = None) -> Port | None:
        """The port area a port work's ``name`` is about (the longest port name in it), in
        ``province`` (a 2-digit prefix) when given; None when the name is no port work.
        """
        if not PORT_WORK.search(name):
            return None
        for key, port in self._by_name:
            if key in name and (province is None or province in port.provinces):
                return port
        return None


@lru_cache(maxsize=1)
def port_index() -> PortIndex:
    """The shared index over :func:`planmap.paths.geodata_dir`."""
    return PortIndex(load_ports())
