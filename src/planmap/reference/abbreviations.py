"""Provinces' 简称 (``geodata/abbreviations.csv``: 渝 = 重庆, 陇 = 甘肃), read by extraction (陇电入鲁:
power sent between provinces) and by the route resolver (渝黔铁路: drawn capital to capital).
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
