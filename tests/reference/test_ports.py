"""planmap.reference.ports: ports and port areas read from a CSV and found in project names."""
from __future__ import annotations

import pytest

from planmap.errors import GazetteerError
from planmap.reference.ports import PortIndex, load_ports

HEADER = "name,aliases,port,province,county_adcodes,source_url,note\n"


def _index(tmp_path, rows: str) -> PortIndex:
    path = tmp_path / "ports.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return PortIndex(load_ports(path))


def test_the_longest_port_name_in_a_port_work_wins(tmp_path):
    index = _index(tmp_path, "甲港,,,山东省,370202,https://example.gov.cn/a,\n"
                             "乙山港区,甲港乙山港区,甲港,山东省,370211,https://example.gov.cn/b,\n")
    assert index.port_in("甲港乙山港区集装箱码头").name == "乙山港区"
    assert index.port_in("甲港三期").name == "甲港"
    assert index.port_in("甲港扩建工程").name == "甲港"


def test_a_name_that_is_no_port_work_finds_no_port(tmp_path):
    index = _index(tmp_path, "甲港,,,山东省,370202,https://example.gov.cn/a,\n")
    assert index.port_in("甲港大道") is None  # a road named after the port
    assert index.port_in("甲港物流园") is None


def test_a_port_of_another_province_is_not_read(tmp_path):
    index = _index(tmp_path, "甲港,,,山东省,370202,https://example.gov.cn/a,\n")
    assert index.port_in("甲港航道", "37").name == "甲港"
    assert index.port_in("甲港航道", "44") is None


@pytest.mark.parametrize("row, problem", [
    ("甲港,,,山东省,,https://example.gov.cn/a,\n", "county_adcodes"),
    ("甲港,,,山东省,3702,https://example.gov.cn/a,\n", "county_adcodes"),
    ("甲港,,,山东省,370202,example.gov.cn/a,\n", "source_url"),
])
def test_a_bad_row_names_the_file_row_and_column(tmp_path, row, problem):
    with pytest.raises(GazetteerError, match=rf"ports\.csv: row 2: {problem}"):
        _index(tmp_path, row)


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "ports.csv"
    path.write_text("name,province\n甲港,山东省\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="missing columns"):
        load_ports(path)
