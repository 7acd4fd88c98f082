"""Provinces' 简称 (geodata/abbreviations.csv), read by extraction and by the route resolver."""
from __future__ import annotations

from planmap.reference.abbreviations import province_abbreviations


def test_every_province_has_its_abbreviation_and_the_table_can_be_overridden(tmp_path):
    table = province_abbreviations()
    assert table["陇"] == "620000" and table["渝"] == "500000" and table["鲁"] == "370000"
    assert len(set(table.values())) >= 31
    (tmp_path / "abbreviations.csv").write_text("char,province_adcode,province,note,source_url\n甲,990000,甲省,,\n",
                                                encoding="utf-8")
    assert province_abbreviations(str(tmp_path)) == {"甲": "990000"}
    assert province_abbreviations(str(tmp_path / "missing")) == {}
