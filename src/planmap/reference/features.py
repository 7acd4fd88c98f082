"""Named features: the gazetteer layer of railways, parks, zones ... with their sources.

Rows live in ``geodata/features.csv`` (format in ``geodata/features.md``): every coordinate
carries the URL it came from, and rows a source places only in words carry their counties
and no geometry. A GIS team's own file (same format) overrides the shipped rows: it is read
from ``PLANMAP_OVERRIDES``, or ``overrides.csv`` in the user config folder, or passed in.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from planmap.errors import GazetteerError
from planmap.paths import geodata_dir
from planmap.vocab import CATEGORIES, PRECISIONS

KINDS = ("point", "line", "area")
REQUIRED = ("id", "name", "aliases", "category", "kind", "wkt", "precision", "county_adcodes", "source_url")


@dataclass(frozen=True)
class Feature:
    """One named feature, geometry in WGS-84 (None where no source gives a coordinate)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    category: str
    kind: str
    geometry: Any  # shapely geometry or None
    precision: str
    province: str
    city_adcode: str
    county_adcodes: tuple[str, ...]
    source_url: str
    note: str = ""
    origin: str = "features"
    names: tuple[str, ...] = field(default=(), compare=False)


def name_key(name: str) -> str:
    """Compare names without spaces, brackets' shape or punctuation."""
    name = name.replace("（", "(").replace("）", ")")
    return _KEY_DROPS.sub("", name)


_KEY_DROPS = re.compile(r"[\s·—\-–、，,。“”\"'《》]")


def load_features(path: str | Path, origin: str = "features", check_counties: bool | None = None) -> list[Feature]:
    """Read and validate a features file; a bad row raises GazetteerError naming file and row.

    ``check_counties`` (default: on for overrides) also refuses a geometry that lies outside the
    counties its row names: a user's point in Urumqi filed under 银州区 would otherwise be
    exported as an exact site in the wrong county.
    """
    if check_counties is None:
        check_counties = origin == "overrides"
    from shapely import wkt as shapely_wkt
    from shapely.errors import ShapelyError

    from planmap.reference.datum import gcj02_to_wgs84, transform_geometry

    path = Path(path)
    if path.is_dir():
        raise GazetteerError(f"{path}: is a folder, not a features CSV file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot open features file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        guess = ""
        try:
            raw.decode("gb18030")
            guess = ", it reads as GBK/GB18030"
        except UnicodeDecodeError:
            pass
        raise GazetteerError(f"{path}, row {line}: not UTF-8 text (byte {exc.start}{guess});"
                             " save the file as UTF-8 CSV") from exc
    out: list[Feature] = []
    with io.StringIO(text, newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise GazetteerError(f"{path}: missing columns {', '.join(missing)}")
        seen: set[str] = set()
        width = len(reader.fieldnames or [])
        for lineno, row in enumerate(reader, start=2):
            where = f"{path}, row {lineno} (id {row.get('id') or '?'})"
            if None in row:
                raise GazetteerError(f"{where}: {width + len(row[None])} cells where the header has {width}"
                                     " (a comma inside a value needs quotes)")
            short = [c for c in REQUIRED if row.get(c) is None]
            if short:
                raise GazetteerError(f"{where}: short row, no value for {', '.join(short)}")
            fid = (row.get("id") or "").strip()
            if not fid or fid in seen:
                raise GazetteerError(f"{where}: missing or duplicate id")
            seen.add(fid)
            category, kind, precision = row["category"].strip(), row["kind"].strip(), row["precision"].strip()
            if category not in CATEGORIES:
                raise GazetteerError(f"{where}: unknown category {category!r}")
            if kind not in KINDS:
                raise GazetteerError(f"{where}: unknown kind {kind!r}")
            if precision not in PRECISIONS:
                raise GazetteerError(f"{where}: unknown precision {precision!r}")
            counties = tuple(c.strip() for c in (row.get("county_adcodes") or "").split("|") if c.strip())
            if any(not re.fullmatch(r"\d{6}", c) for c in counties):
                raise GazetteerError(f"{where}: county_adcodes must be 6-digit codes, got {row['county_adcodes']!r}")
            geom = None
            text = (row.get("wkt") or "").strip()
            if text:
                try:
                    geom = shapely_wkt.loads(text)
                except (ShapelyError, ValueError) as exc:
                    raise GazetteerError(f"{where}: bad geometry {text[:40]!r} ({exc})") from exc
                if geom.is_empty or not geom.is_valid:
                    raise GazetteerError(f"{where}: empty or invalid geometry")
                datum = (row.get("datum") or "wgs84").strip().lower() or "wgs84"
                if datum == "gcj02":
                    geom = transform_geometry(geom, gcj02_to_wgs84)
                elif datum != "wgs84":
                    raise GazetteerError(f"{where}: datum {datum!r} is not supported (use wgs84 or gcj02)")
                minx, miny, maxx, maxy = geom.bounds
                if not (73 <= minx <= maxx <= 136 and 3 <= miny <= maxy <= 54):
                    raise GazetteerError(f"{where}: geometry lies outside China (lon/lat order?)")
                if check_counties and counties:
                    problem = _outside_counties(geom, counties)
                    if problem:
                        raise GazetteerError(f"{where}: {problem}")
            if not (row.get("source_url") or "").strip():
                raise GazetteerError(f"{where}: every row needs the source_url that places it")
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            name = row["name"].strip()
            out.append(Feature(
                id=fid, name=name, aliases=aliases, category=category, kind=kind, geometry=geom,
                precision=precision, province=(row.get("province") or "").strip(),
                city_adcode=(row.get("city_adcode") or "").strip(), county_adcodes=counties,
                source_url=(row.get("source_url") or "").strip(), note=(row.get("note") or "").strip(),
                origin=origin, names=(name, *aliases),
            ))
    return out


COUNTY_SLACK_M = 2000.0  # boundaries are simplified: a site this close to its county still counts


def _outside_counties(geom, counties: tuple[str, ...]) -> str:
    """Why ``geom`` does not lie in the union of ``counties`` ('' when it does, or cannot be told)."""
    from shapely.ops import unary_union

    from planmap.errors import UnknownRegionError
    from planmap.reference.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    polys = []
    for code in counties:
        try:
            unit = gaz.unit(code)
        except UnknownRegionError:
            return f"county {code} is not a known county code"
        poly = gaz.unit_polygon(unit.adcode)
        if poly is None:
            return ""  # no shipped boundary (e.g. 香港): nothing to check against
        polys.append(poly)
    area = unary_union(polys)
    probe = geom if geom.geom_type in ("Point", "MultiPoint") else geom.representative_point()
    inside = area.intersects(geom) if geom.geom_type not in ("Point", "MultiPoint") else area.contains(probe)
    if inside:
        return ""
    from planmap.reference.datum import haversine_m

    p = probe.centroid
    near = area.boundary.interpolate(area.boundary.project(p))
    gap = haversine_m(p.x, p.y, near.x, near.y)
    if gap <= COUNTY_SLACK_M:
        return ""
    names = "、".join(f"{gaz.unit(c).name} {c}" for c in counties)
    return (f"the geometry lies {gap / 1000:.0f} km outside its stated county ({names});"
            " check county_adcodes and the lon/lat order")


@lru_cache(maxsize=1)
def source_patterns() -> tuple[str, ...]:
    """Reputable sources for shipped rows (geodata/source_domains.csv): a host suffix or a URL prefix."""
    with (geodata_dir() / "source_domains.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(r["pattern"].strip().lower() for r in csv.DictReader(fh) if r["pattern"].strip())


def source_allowed(url: str) -> bool:
    """True when ``url`` is on a reputable site (official, Wikipedia, OpenStreetMap, the operator)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname.lower()
    for pat in source_patterns():
        if "/" in pat:
            dom, _, prefix = pat.partition("/")
            if host in (dom, "www." + dom) and parts.path.lower().lstrip("/").startswith(prefix.lower()):
                return True
        elif host == pat or host.endswith("." + pat):
            return True
    return False


def default_overrides_path() -> Path | None:
    """The user's override file, if there is one."""
    env = os.environ.get("PLANMAP_OVERRIDES")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "planmap" / "overrides.csv"
    return base if base.is_file() else None


class FeatureIndex:
    """Features looked up by name or alias; override rows shadow shipped rows."""

    def __init__(self, features: list[Feature], overrides: list[Feature] | None = None) -> None:
        overrides = overrides or []
        shadowed = {f.id for f in overrides}
        self.features = [*overrides, *(f for f in features if f.id not in shadowed)]
        self._by_name: dict[str, list[Feature]] = {}
        for f in self.features:
            for n in f.names:
                self._by_name.setdefault(name_key(n), []).append(f)
        self._automaton: Any = None

    def named(self, name: str) -> list[Feature]:
        """Features whose name or an alias equals ``name`` (overrides first)."""
        return list(self._by_name.get(name_key(name), []))

    def scan(self, text: str) -> list[tuple[int, int, Feature]]:
        """Feature names occurring in ``text``: longest, non-overlapping, left to right."""
        import ahocorasick

        if self._automaton is None:
            auto = ahocorasick.Automaton()
            for key in self._by_name:
                if len(key) >= 2:
                    auto.add_word(key, key)
            auto.make_automaton()
            self._automaton = auto
        hits = []
        for end, key in self._automaton.iter(text):
            start = end - len(key) + 1
            if text[start:end + 1] == key:
                hits.append((start, end + 1, key))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        out, last = [], -1
        for s, e, key in hits:
            if s >= last:
                out.append((s, e, self._by_name[key][0]))
                last = e
        return out


@lru_cache(maxsize=4)
def feature_index(features_path: str | None = None, overrides_path: str | None = None) -> FeatureIndex:
    """The shipped features plus the user's overrides, cached per pair of paths."""
    fpath = Path(features_path) if features_path else geodata_dir() / "features.csv"
    features = load_features(fpath) if fpath.is_file() else []
    opath = Path(overrides_path) if overrides_path else default_overrides_path()
    overrides = load_features(opath, origin="overrides") if opath else []
    return FeatureIndex(features, overrides)
