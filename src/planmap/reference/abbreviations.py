"""Provinces' 简称 (``geodata/abbreviations.csv``: 渝 = 重庆, 陇 = 甘肃) and cities' (``geodata/
city_abbreviations.csv``: 甬 = 宁波), read by extraction (陇电入鲁: power sent between provinces,
聊热入济: heat between cities) and by the route resolver (渝黔铁路: drawn capital to capital).
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from planmap.paths import geodata_dir


@lru_cache(maxsize=2)
def province_abbreviations(folder: str | None = None) -> dict[str, str]:
    """简称 character -> province adcode (渝 -> 500000)."""
    path = (geodata_dir() if folder is None else Path(folder)) / "abbreviations.csv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["char"]: r["province_adcode"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=2)
def city_abbreviations(folder: str | None = None) -> dict[str, tuple[str, ...]]:
    """简称 character -> adcodes of the cities it stands for, where it is not the first
    character of the city's name (甬 -> 宁波); first characters are read by rule, except a
    province's 简称 that route names give one of its cities (赣 -> 赣州 in 昌赣, 赣深).
    """
    path = (geodata_dir() if folder is None else Path(folder)) / "city_abbreviations.csv"
    if not path.is_file():
        return {}
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["char"], []).append(r["adcode"])
    return {k: tuple(v) for k, v in out.items()}
