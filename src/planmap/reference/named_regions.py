"""Named regions below the province (攀西, 川南, 陇东): several prefecture-level cities, no unit.

A plan names projects after such regions (攀西特高压交流工程, 陇东能源基地). The gazetteer holds no
such name, so without this table the project falls back to the province. The rows of
``geodata/regions.csv`` give each region's province and member cities, each from a cited page;
a name that is also a unit's (湘西, 晋中) is the unit's and never a row.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planmap.paths import geodata_dir

REGION_TABLE = "regions.csv"


@dataclass(frozen=True)
class NamedRegion:
    """One region of ``geodata/regions.csv``: its names, province and member cities in the source's order."""

    name: str
    aliases: tuple[str, ...]
    province: str
    member_cities: tuple[str, ...]
    source_url: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@lru_cache(maxsize=2)
def named_regions(folder: str | None = None) -> tuple[NamedRegion, ...]:
    """The rows of ``geodata/regions.csv`` (or ``folder``'s), in file order; none without the file."""
    path = (geodata_dir() if folder is None else Path(folder)) / REGION_TABLE
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(NamedRegion(r["name"].strip(), tuple(a.strip() for a in r["aliases"].split("|") if a.strip()),
                                 r["province"].strip(),
                                 tuple(c.strip() for c in r["member_cities"].split("|") if c.strip()),
                                 r["source_url"].strip())
                     for r in csv.DictReader(fh))


_DIRECTIONS = "东南西北中"


def region_in(text: str, folder: str | None = None) -> NamedRegion | None:
    """The region whose name (or alias) stands in ``text``, the longest first (广西北部湾经济区
    before 北部湾), or None. A name followed by one more direction names a wider or another
    region (陇东南 is not 陇东).
    """
    hits = [(len(n), r) for r in named_regions(folder) for n in r.names if n and _stands_in(n, text)]
    return max(hits, key=lambda h: h[0])[1] if hits else None


def _stands_in(name: str, text: str) -> bool:
    start = text.find(name)
    while start >= 0:
        after = text[start + len(name):start + len(name) + 1]
        if not (name[-1] in _DIRECTIONS and after and after in _DIRECTIONS):
            return True
        start = text.find(name, start + 1)
    return False
