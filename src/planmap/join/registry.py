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
    from planmap.place.geocode import _WORK_TAIL

    return _WORK_TAIL.sub("", coref_key(name)) or coref_key(name)


def assign_registry(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Add ``registry_id`` to every project; return the registry rows too."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    gdf = gdf.copy()
    entries: list[dict] = []
    ids = []
    for _, row in gdf.sort_values("id").iterrows():
        key = _key(row["name"])
        province = (row["county_adcodes"][0][:2] if len(row["county_adcodes"]) else (row.get("city_adcode") or "")[:2])
        pt = row.geometry.representative_point() if row.geometry is not None and not row.geometry.is_empty else None
        match = None
        for e in entries:
            same_name = e["key"] == key or (len(key) >= 3 and len(e["key"]) >= 3 and
                                            (e["key"].endswith(key) or key.endswith(e["key"])))
            if not same_name or e["province"] != province:
                continue
            if pt is not None and e["point"] is not None:
                _, _, d = geod.inv(pt.x, pt.y, e["point"].x, e["point"].y)
                if d / 1000.0 > MAX_KM:
                    continue
            match = e
            break
        if match is None:
            rid = "R" + hashlib.sha1(f"{province}|{key}".encode()).hexdigest()[:10]
            match = {"registry_id": rid, "key": key, "province": province, "point": pt, "name": row["name"],
                     "category": row["category"], "plans": [], "project_ids": [], "names": [], "mentions": 0}
            entries.append(match)
        match["plans"].append(row["plan"])
        match["project_ids"].append(row["id"])
        if row["name"] not in match["names"]:
            match["names"].append(row["name"])
        match["mentions"] += len(row.get("mentions") or []) or 1
        ids.append((row["id"], match["registry_id"]))
    by_id = dict(ids)
    gdf["registry_id"] = gdf["id"].map(by_id)
    rows = [{
        "registry_id": e["registry_id"], "name": max(e["names"], key=len), "category": e["category"],
        "province_code": e["province"] + "0000" if e["province"] else "", "plans": sorted(set(e["plans"])),
        "n_plans": len(set(e["plans"])), "names": e["names"], "project_ids": e["project_ids"],
        "mentions": e["mentions"],
    } for e in sorted(entries, key=lambda e: e["registry_id"])]
    return gdf, rows
