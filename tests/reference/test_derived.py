"""Derived reference data (towns, villages) comes from the cache folder when its source is unchanged,
gives the same answers as a fresh parse, and is read only for the provinces asked about."""
from __future__ import annotations

import os
import time

from planmap.reference import derived
from planmap.reference.gazetteer import Gazetteer


def test_towns_from_the_cache_equal_a_fresh_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path))
    first = Gazetteer().towns
    assert first.towns  # the layer reads its file on first use
    assert len(list((tmp_path / "towns").glob("*.pickle"))) == 1
    fresh = Gazetteer().towns
    fresh.__dict__["_derived"] = fresh._derive()  # parsed now, not read from the entry
    second = Gazetteer().towns
    parsed = fresh._read()  # the file itself, row by row
    assert second.towns == fresh.towns == parsed and len(second.towns) == len(second.rows)
    assert all(type(a.lon) is type(b.lon) and a.lon == b.lon and a.lat == b.lat for a, b in zip(second.towns, parsed, strict=True))
    assert dict(second.by_name) == dict(fresh.by_name) and dict(second.by_county) == dict(fresh.by_county)
    assert list(second.placed_rows()) == [(i, t.name, t.county_adcode) for i, t in enumerate(parsed) if t.lon is not None]
    rows = second._derived["by_name"]["凡河镇"]
    assert second.by_name["凡河镇"][0] is second.town(rows if isinstance(rows, int) else rows[0])  # one object per row
    assert [m.text for m in Gazetteer().scan_towns("铁岭县凡河镇和西丰镇")] == ["凡河镇", "西丰镇"]


def test_a_town_value_holding_a_line_break_is_refused(tmp_path, monkeypatch):
    """The towns entry keeps rows as one text: a value that could break it is an error in the file."""
    import gzip
    import shutil

    import pytest

    from planmap.errors import GazetteerError
    from planmap.paths import geodata_dir

    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "geodata"
    data.mkdir()
    shutil.copy2(geodata_dir() / "admin_units.csv", data / "admin_units.csv")
    with gzip.open(data / "towns.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        fh.write('name,county_adcode,lon,lat,source\n凡河镇,211221,123.9,42.3,x\n"西丰\n镇",211223,,,y\n')
    with pytest.raises(GazetteerError, match="a line break"):
        _ = Gazetteer(data).towns.automaton


def test_a_damaged_towns_entry_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path))
    n = len(Gazetteer().towns.towns)
    entry = next((tmp_path / "towns").glob("*.pickle"))
    entry.write_bytes(b"not a pickle")
    assert len(Gazetteer().towns.towns) == n


def test_villages_are_read_per_province(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path))
    first = Gazetteer().villages_named("五角湖", "211221")
    assert [(v.name, v.county_adcode) for v in first] == [("五角湖村", "211221")]
    entry = next((tmp_path / "villages").iterdir())
    assert (entry / "complete").is_file() and (entry / "210000.pickle").is_file()
    gaz = Gazetteer()
    assert gaz.villages_named("五角湖村", "211221") == first
    assert gaz.villages_named("不存在的村子", "211221") == []
    assert [k for k in gaz._polygons if k.startswith("villages")] == ["villages:210000"]  # one province read


def _villages_read_whole(county: str) -> str:
    """villages.csv.gz read row by row, the way the cache must reproduce it."""
    import csv
    import gzip

    from planmap.paths import geodata_dir

    with gzip.open(geodata_dir() / "villages.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        rows = [f"{r['name']}\t{r['town']}" for r in csv.DictReader(fh) if r["county_adcode"] == county]
    return "\n" + "\n".join(rows) + "\n" if rows else ""


def test_village_lines_equal_the_villages_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path))
    table = {c: _villages_read_whole(c) for c in ("211221", "310114", "410702")}
    gaz = Gazetteer()
    for county in ("211221", "310114", "410702"):
        assert gaz.village_lines(county) == table.get(county, "")
    assert "\n五角湖村\t凡河镇\n" in Gazetteer().village_lines("211221")  # from the cache


def test_prune_keeps_the_newest_entries(tmp_path):
    for i in range(derived.KEEP + 2):
        p = tmp_path / f"{i}.pickle"
        p.write_bytes(b"x")
        os.utime(p, (time.time() - 100 + i, time.time() - 100 + i))
    derived.prune(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{i}.pickle" for i in range(2, derived.KEEP + 2)]


def test_source_key_follows_the_bytes(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("x", encoding="utf-8")
    k1 = derived.source_key("towns", "1", [f])
    f.write_text("y", encoding="utf-8")
    assert derived.source_key("towns", "1", [f]) != k1
    assert derived.source_key("towns", "2", [f]) != derived.source_key("towns", "1", [f])
