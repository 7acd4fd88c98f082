"""Title, issuer, date and document number, on small texts and on the seeds."""
from __future__ import annotations

import pytest

from golden import digest  # tests/golden.py: seed values kept as digests, not text
from planmap.read.documents import read_document
from planmap.read.metadata import find_doc_number, find_signature, find_title, iso_date, read_metadata


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2022年8月10日", "2022-08-10"),
        ("2019年 9 月 9 日印发", "2019-09-09"),
        ("二〇一九年九月九日", "2019-09-09"),
        ("二〇二二年十二月三十一日", "2022-12-31"),
        ("2019年13月1日", None),
        ("无日期", None),
    ],
)
def test_iso_date(text: str, expected: str | None) -> None:
    assert iso_date(text) == expected


@pytest.mark.parametrize(
    "lines,expected",
    [
        (["某政办发〔2021〕5号", "某市人民政府办公室"], "某政办发〔2021〕5号"),
        (["某政发[2020]12号"], "某政发[2020]12号"),
        (["某政发（2020）12号"], "某政发（2020）12号"),
        (["某市人民政府 某政发〔2020〕1号"], "某政发〔2020〕1号"),
        (["根据《某规划》（某政发〔2022〕6号）"], ""),
        (["按照某政发〔2022〕6号文件要求，加快推进各项工作落实，确保按期完成目标任务。"], ""),
    ],
)
def test_doc_number(lines: list[str], expected: str) -> None:
    assert find_doc_number(lines) == expected


def test_title_from_notice_wrapper() -> None:
    assert find_title(["某市人民政府关于印发《某市道路建设三年行动方案》的通知"]) == "某市道路建设三年行动方案"
    assert find_title(["某市人民政府关于印发某市道路建设实施方案的通知"]) == "某市道路建设实施方案"


def test_title_broken_over_lines_is_joined() -> None:
    assert find_title(["某区2020年城市更新专项", "实施方案", "为落实要求，制定本方案。"]) == "某区2020年城市更新专项实施方案"
    assert find_title(["某市国土空间总体规划", "（2021—2035年）", "一、总则"]) == "某市国土空间总体规划（2021—2035年）"


def test_no_title_warns() -> None:
    meta, warnings = read_metadata("按照总体部署，推进规划实施和各项改革任务，构筑区域发展新格局。\n一、加强规划对接")
    assert meta.title == ""
    assert warnings == ["no title found"]


def test_signature() -> None:
    assert find_signature(["通知正文。", "某市人民政府", "2022年8月10日", "某市行动方案"]) == ("某市人民政府", "2022-08-10")
    assert find_signature(["正文。", "某街道办事处 2020年3月5日印发"]) == ("某街道办事处", "2020-03-05")
    # a ledger's deadline under a person's name is not a signature
    assert find_signature(["1", "建设道路。", "国土局", "张三", "2019年12月31日"]) == ("", None)


# title, issuer, date, document number of each seed; text values as digests (tests/golden.py)
EXPECTED = {
    "000": ("2c57d770d93c", "b32da7c8a7e3", "2019-09-09", "4343dec8a311"),
    "001": ("a865c92693d1", "12560c5f3119", "2022-08-10", "da39a3ee5e6b"),
    "002": ("da39a3ee5e6b", "da39a3ee5e6b", None, "da39a3ee5e6b"),
    "003": ("05711dc26f39", "da39a3ee5e6b", None, "da39a3ee5e6b"),
    "004": ("7d9eb78158cf", "da39a3ee5e6b", None, "da39a3ee5e6b"),
}


@pytest.mark.seeds
@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_metadata(seed, prefix: str) -> None:
    meta = read_document(seed(prefix)).metadata
    assert (digest(meta.title), digest(meta.issuer), meta.date, digest(meta.doc_number)) == EXPECTED[prefix]
