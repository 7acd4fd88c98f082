"""The named-features layer: validation that names the bad row, lookup, and user overrides."""
from __future__ import annotations

from pathlib import Path

import pytest

from planmap.errors import GazetteerError
from planmap.features import FeatureIndex, feature_index, load_features
from planmap.paths import geodata_dir

HEADER = "id,name,aliases,category,kind,wkt,datum,precision,province,city_adcode,county_adcodes,source_url,note\n"


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "features.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_shipped_features_load_and_every_row_has_a_source():
    feats = load_features(geodata_dir() / "features.csv")
    assert len(feats) >= 40
    assert all(f.source_url.startswith("http") for f in feats)
    assert all(f.geometry is None or f.geometry.is_valid for f in feats)


def test_zone_hosts_resolve_to_their_districts():
    index = feature_index()
    assert index.named("本溪高新区")[0].county_adcodes == ("210503",)
    assert index.named("新乡高新区")[0].county_adcodes == ("410702",)


def test_bad_geometry_names_the_file_and_row(tmp_path):
    path = _write(tmp_path,
                  'ok,甲公园,,park_green,area,POINT(123.7 42.2),wgs84,approx,辽宁省,211200,211221,https://example.org/a,',
                  'bad,乙公园,,park_green,area,POINT(123.7 ),wgs84,approx,辽宁省,211200,211221,https://example.org/b,')
    with pytest.raises(GazetteerError, match=r"features\.csv, row 3 \(id bad\): bad geometry"):
        load_features(path)


def test_lat_lon_swapped_is_caught(tmp_path):
    path = _write(tmp_path, 'x,丙桥,,bridge,point,POINT(42.2 123.7),wgs84,exact,,,,https://example.org/c,')
    with pytest.raises(GazetteerError, match="row 2.*outside China"):
        load_features(path)


def test_row_without_source_is_refused(tmp_path):
    path = _write(tmp_path, 'x,丁路,,road,line,,,county,,,211221,,')
    with pytest.raises(GazetteerError, match="source_url"):
        load_features(path)


def test_gcj02_rows_are_converted_to_wgs84(tmp_path):
    path = _write(tmp_path, 'g,戊站,,railway,point,POINT(123.436137 41.802430),gcj02,exact,,,,https://example.org/g,')
    (feat,) = load_features(path)
    assert feat.geometry.x == pytest.approx(123.43, abs=1e-5)
    assert feat.geometry.y == pytest.approx(41.80, abs=1e-5)


def test_overrides_win_over_shipped_rows(tmp_path):
    shipped = load_features(_write(tmp_path, 'p,己公园,己园,park_green,area,POINT(123.70 42.20),wgs84,approx,,,211221,https://example.org/p,'))
    over_dir = tmp_path / "o"
    over_dir.mkdir()
    overrides = load_features(_write(over_dir, 'p,己公园,己园,park_green,area,POINT(123.80 42.30),wgs84,exact,,,211221,https://example.org/q,'),
                              origin="overrides")
    index = FeatureIndex(shipped, overrides)
    (hit,) = index.named("己园")
    assert hit.origin == "overrides" and hit.precision == "exact" and hit.geometry.x == pytest.approx(123.8)
