"""Transmission lines drawn from their sending to their receiving station.

Plans name ultra-high-voltage lines by their two ends (宁夏至湖南特高压直流, 陇东到山东特高压直流工程),
by an abbreviation (宁湘直流, 攀西特高压交流工程) or by a slogan (疆电入渝). The ends are regions, not
places: a line "from 宁夏" starts at one converter station, not at 银川. So a line is drawn only
from ``geodata/power_lines.csv``, whose rows give the counties of the stations in order, each from
a cited page; a name the table lacks stays where the plan's other evidence puts it.

The stations' counties are drawn at their seats, so the line says which way it runs, not where:
it is a *course* (``route-course``), its county kilometres estimates.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from planmap.models import Project, Region
from planmap.place.routes import (
    COURSE_METHOD,
    PRECISION_ORDER,
    RouteRow,
    _line,
    _point_precision,
    _resolve_all,
    _table_rows,
)
from planmap.read.textnorm import to_simplified

if TYPE_CHECKING:
    from planmap.place.geocode import Geocoder, Placement

POWER_LINE_TABLE = "power_lines.csv"
# what a line's name says besides its ends: voltage, current, the words for a line and its works
_VOLTAGE = re.compile(r"[±＋+]?\s*\d+(?:\.\d+)?\s*(?:千伏|万伏|kV|KV|kv|Kv)")
_LINE_WORDS = re.compile(r"特高压|超高压|柔性|直流|交流|输变电|输电|线路|通道|工程|项目")
_END_SEPARATORS = re.compile(r"[—－\-–~～]+|至|到")
# a name must say it is a power line before the table is asked (宁夏至湖南 alone may be a railway)
_POWER_WORDS = re.compile(r"特高压|超高压|直流|交流|输电|输变电|千伏|电入")


def name_core(name: str) -> str:
    """What names the line once voltage and line words are dropped, its ends joined by 至:
    宁夏—湖南±800千伏特高压直流输电工程 -> 宁夏至湖南; 攀西特高压交流工程 -> 攀西.
    """
    text = _VOLTAGE.sub("", to_simplified(name))
    text = _LINE_WORDS.sub("", text)
    text = _END_SEPARATORS.sub("至", text)
    return re.sub(r"\s+", "", text).strip("至")


@lru_cache(maxsize=2)
def power_lines(folder: str | None = None) -> tuple[RouteRow, ...]:
    """The rows of ``geodata/power_lines.csv`` (or ``folder``'s), in file order, read as the route
    tables are (``code`` holds the row's ``id``, ``kind`` dc or ac); none without the file.
    """
    return _table_rows(folder, POWER_LINE_TABLE, key="id")


@lru_cache(maxsize=2)
def _lines_by_core(folder: str | None = None) -> dict[str, RouteRow]:
    out: dict[str, RouteRow] = {}
    for line in power_lines(folder):
        for key in (line.name, *line.aliases):
            core = name_core(key)
            if len(core) >= 2:
                out.setdefault(core, line)
    return out


def power_line_for(name: str, folder: str | None = None) -> RouteRow | None:
    """The table's line a project name names, or None.

    The name's core must be a row's core (宁夏至湖南), or one followed by a section (…湖南段); more
    words make another project (川渝特高压交流加强工程 strengthens the grid around the 川渝 line, with
    substations of its own).
    """
    if not _POWER_WORDS.search(name):
        return None
    index = _lines_by_core(folder)
    core = name_core(name)
    # 宁夏至湖南特高压直流湖南段: the line's 湖南 stretch
    sections = [core[:-k - 1] for k in (2, 3, 4, 5) if core.endswith("段") and len(core) > k + 3]
    for text in (core, *sections):
        line = index.get(text)
        if line is not None:
            # 疆电入渝特高压交流工程 is the AC grid that takes the DC line's power, not the line
            said = {kind for word, kind in (("直流", "dc"), ("交流", "ac")) if word in name}
            return line if not said or line.kind in said else None
    return None


def power_line_placement(geo: Geocoder, project: Project, context_units: list,
                         prior: Region | None) -> Placement | None:
    """The course of a transmission line of the table through its stations' counties, or None."""
    from planmap.place.confidence import route_end_factor
    from planmap.place.geocode import Placement

    line = power_line_for(project.name)
    if line is None:
        return None
    placed = _resolve_all(geo, list(line.control_points), context_units, None, depth=1)
    if len(placed) < 2:
        return None
    geometry = _line(placed)
    if geometry is None:
        return None
    precision = max((_point_precision(geo, p) for p in placed), key=PRECISION_ORDER.index)
    names = [n for p in placed for n in p.names[:1]]
    counties = [c for p in placed for c in p.counties]
    return Placement(geometry, precision, min(p.confidence for p in placed) * route_end_factor(),
                     line.source_url, names, counties, COURSE_METHOD)
