"""Cross-plan registry: the same project named in several plans is one entry.

Two mentions are one project when their normalised names match (rank words, brackets and
work words aside, or one name is the other with a place prefix) AND they lie in the same
province within 50 km of each other: a name alone never joins projects across provinces.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd

MAX_KM = 50.0


def _key(name: str) -> str:
    from planmap.extract.projects import coref_key
    from planmap.place.geocode import WORK_TAIL

    return WORK_TAIL.sub("", coref_key(name)) or coref_key(name)


#: what the registry needs of one project: (id, name key, province, x, y, name, category, plan, mentions)
Mention = tuple[str, str, str, float | None, float | None, str, str, str, int]


def registry_inputs(gdf: gpd.GeoDataFrame) -> list[Mention]:
    """What the registry needs of each project of a frame, in the frame's order.

    Made where the plan is processed and cached with it, so the cross-plan matching reads
    no geometry and no frame.
    """
    out: list[Mention] = []
    n = len(gdf)

    def column(name: str) -> list:
        return gdf[name].tolist() if name in gdf.columns else [None] * n

    # column by column: a Series per project (iterrows) cost more than the rest
    rows = zip(gdf["id"].tolist(), gdf["name"].tolist(), gdf["category"].tolist(), gdf["plan"].tolist(),
               gdf["county_adcodes"].tolist(), column("city_adcode"), column("mentions"), gdf.geometry.tolist(),
               strict=True)
    for pid, name, category, plan, counties, city, mentions, geom in rows:
        province = counties[0][:2] if len(counties) else (city or "")[:2]
        pt = geom.representative_point() if geom is not None and not geom.is_empty else None
        out.append((str(pid), _key(name), province, pt.x if pt is not None else None,
                    pt.y if pt is not None else None, name, category, plan, len(mentions or []) or 1))
    return out


def assign_registry(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Add ``registry_id`` to every project; return the registry rows too."""
    gdf = gdf.copy()
    by_id, rows = registry_of(registry_inputs(gdf.sort_values("id")))
    gdf["registry_id"] = gdf["id"].map(by_id)
    return gdf, rows


def _suffixes(key: str) -> list[str]:
    return [key[i:] for i in range(len(key) - 2)] if len(key) >= 3 else []


def registry_of(mentions: list[Mention]) -> tuple[dict[str, str], list[dict]]:
    """Match projects (sorted by id) into registry entries: project id -> registry id, and the rows.

    Each project joins the earliest entry with the same province, a matching name and a point
    within ``MAX_KM``. Entries are indexed by province and name key and by the name's
    suffixes, so a project is compared only with the entries it could match (not all of them).
    """
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    entries: list[dict] = []
    # (province, key) -> entry numbers; (province, suffix) -> numbers of entries whose key ends so
    exact: dict[tuple[str, str], list[int]] = {}
    ending: dict[tuple[str, str], list[int]] = {}
    ids = []
    for pid, key, province, x, y, name, category, plan, count in mentions:
        candidates: set[int] = set(exact.get((province, key), ()))
        if len(key) >= 3:
            candidates.update(ending.get((province, key), ()))  # entries whose key ends with this one
            for suffix in _suffixes(key):  # entries whose key this one ends with
                candidates.update(n for n in exact.get((province, suffix), ()) if len(entries[n]["key"]) >= 3)
        match = None
        for n in sorted(candidates):
            e = entries[n]
            if x is not None and y is not None and e["x"] is not None:
                _, _, d = geod.inv(x, y, e["x"], e["y"])
                if d / 1000.0 > MAX_KM:
                    continue
            match = e
            break
        if match is None:
            rid = "R" + hashlib.sha1(f"{province}|{key}".encode()).hexdigest()[:10]
            match = {"registry_id": rid, "key": key, "province": province, "x": x, "y": y, "name": name,
                     "category": category, "plans": [], "project_ids": [], "names": [], "mentions": 0}
            n = len(entries)
            entries.append(match)
            exact.setdefault((province, key), []).append(n)
            for suffix in _suffixes(key):
                ending.setdefault((province, suffix), []).append(n)
        match["plans"].append(plan)
        match["project_ids"].append(pid)
        if name not in match["names"]:
            match["names"].append(name)
        match["mentions"] += count
        ids.append((pid, match["registry_id"]))
    by_id = dict(ids)
    rows = [{
        "registry_id": e["registry_id"], "name": max(e["names"], key=len), "category": e["category"],
        "province_code": e["province"] + "0000" if e["province"] else "", "plans": sorted(set(e["plans"])),
        "n_plans": len(set(e["plans"])), "names": e["names"], "project_ids": e["project_ids"],
        "mentions": e["mentions"],
    } for e in sorted(entries, key=lambda e: e["registry_id"])]
    return by_id, rows
