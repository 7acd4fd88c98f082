"""The prebuilt word index segments exactly as jieba does, loads from its cache, and the
everyday-word list follows its documented rule."""
from __future__ import annotations

import csv
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from planmap.reference import words
from planmap.reference.gazetteer import everyday_words, is_common_word
from planmap.reference.words import WordIndex, build_index, jieba_dictionary, word_index

# sentences of our own, with the shapes plans use: enumerations, route codes, numbers, latin
# letters, spaces and rare characters that jieba's HMM has to segment
SENTENCES = [
    "加快推进沈阳至白城高速铁路、铁岭经济开发区污水处理厂等重点项目建设",
    "新建G228丹东至庄河段公路，改扩建S107线约32.5公里",
    "实施城区老旧小区改造工程3个，总投资1.2亿元；完成率达到95%",
    "支持西丰县、昌图县建设现代农业产业园区 打造区域物流枢纽",
    "推动5G基站建设和数据中心（一期）投入运营\r\n服务业增加值增长6.5%",
    "鼓励企业参与黑岙垭隧道和磡头坳互通立交工程",
    "破解交通瓶颈，开发山地型自然观光旅游",
    "",
    "A",
    "2025年",
]


@pytest.fixture(scope="module")
def jieba_mod():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba


@pytest.mark.parametrize("sentence", SENTENCES)
def test_cut_matches_jieba(sentence, jieba_mod):
    index = word_index()
    assert index.cut(sentence) == list(jieba_mod.cut(sentence))
    expected = {0, len(sentence)} | {e for _, _, e in jieba_mod.tokenize(sentence)} | {
        s for _, s, _ in jieba_mod.tokenize(sentence)}
    assert index.boundaries(sentence) == frozenset(expected)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_cut_with_entries_tags_as_tag_does(sentence):
    """The entries read from the segmentation's own pass give each word the tag and frequency
    a look-up of that word gives (unknown runs cut by the HMM, digits, spaces included)."""
    index = word_index()
    pairs = index.cut_with_entries(sentence)
    assert [w for w, _ in pairs] == index.cut(sentence)
    assert [(index.tag_of(e), index.freq_of(e)) for _, e in pairs] == [(index.tag(w), index.freq(w)) for w, _ in pairs]


def test_is_boundary_agrees_with_boundaries():
    """is_boundary cuts only the run of word characters around a position; it must say what
    boundaries() of the whole text says, at every position (edges, punctuation, \\r\\n, spaces)."""
    index = word_index()
    texts = [*SENTENCES, "\n".join(SENTENCES), "甲\r\n\r\r\n 乙  丙\t丁", "。。铁岭，，", "\r\n"]
    for text in texts:
        cuts = index.boundaries(text)
        assert [index.is_boundary(text, i) for i in range(-1, len(text) + 2)] == \
            [i in cuts for i in range(-1, len(text) + 2)], text
    restored = pickle.loads(pickle.dumps(index))  # the memo of cut blocks is not pickled
    assert "_memo" not in restored.__dict__ and restored.is_boundary(SENTENCES[0], 2) == index.is_boundary(SENTENCES[0], 2)


@pytest.mark.parametrize("item", ["破解交通瓶颈", "开发山地型自然观光", "铁岭大数据中心", "建设", "西丰县通用机场",
                                  "黑岙垭片区开发", "G1京哈高速", "（一期）", "提升改造城区道路"])
def test_starts_with_verb_matches_posseg(item, jieba_mod):
    first = next(iter(jieba_mod.posseg.cut(item)), None)
    expected = first is not None and len(first.word) >= 2 and first.flag in ("v", "vn", "vd")
    assert word_index().starts_with_verb(item) is expected


def test_known_words():
    index = word_index()
    assert index.freq("发展") > 1000 and index.freq("发展不存在的词") == 0
    assert index.tag("通道") == "v" and index.tag("不是一个词吗") == "x"
    assert index.starts_with_verb("破解交通瓶颈") and not index.starts_with_verb("铁岭大数据中心")


def test_index_is_cached_by_dictionary_hash(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path))
    (tmp_path / "words").mkdir()
    stale = tmp_path / "words" / f"{words.FORMAT}-0000.pickle"
    stale.write_bytes(b"an index of another dictionary")
    other_format = tmp_path / "words" / "0000.pickle"  # another planmap version's, sharing the folder
    other_format.write_bytes(b"an index in another format")
    word_index.cache_clear()
    try:
        first = word_index()
        cached = list((tmp_path / "words").glob(f"{words.FORMAT}-*.pickle"))
        assert len(cached) == 1 and cached[0] != stale  # built, stored, the stale one removed
        assert other_format.is_file()  # left to the version that wrote it
        with open(cached[0], "rb") as fh:
            assert isinstance(pickle.load(fh), WordIndex)
        cached[0].write_bytes(b"damaged")  # a damaged cache file is rebuilt, not trusted
        word_index.cache_clear()
        again = word_index()
        assert again.cut(SENTENCES[0]) == first.cut(SENTENCES[0])
        with open(cached[0], "rb") as fh:
            assert isinstance(pickle.load(fh), WordIndex)
    finally:
        word_index.cache_clear()


def test_build_from_a_small_dictionary(tmp_path):
    d = tmp_path / "dict.txt"
    d.write_text("铁岭 50 ns\n铁岭市 80 ns\n建设 900 v\n市 30 n\n", encoding="utf-8")
    index = build_index(d)
    assert index.total == 1060
    assert index.cut("铁岭市建设") == ["铁岭市", "建设"]
    assert index.tag("建设") == "v" and index.freq("铁岭") == 50


def test_extraction_does_not_import_jieba():
    code = ("import sys; from planmap import read_plan; from planmap.paths import sample_plan; "
            "from planmap.extract.projects import extract_projects; "
            "assert extract_projects(read_plan(sample_plan())); print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_everyday_words_follow_the_rule(jieba_mod):
    tag = jieba_mod.posseg.dt.word_tag_tab
    freq = jieba_mod.dt.FREQ
    listed = everyday_words()
    for w in ["通道", "南部", "城区", "合作"]:
        assert w in listed and is_common_word(w)
    assert "增城" not in listed and not is_common_word("增城")  # a verb in jieba, but rare
    # a prefecture-level city's short name is a place first, whatever jieba tags it (包头 v, 大连 d)
    for w in ["包头", "大连", "遵义"]:
        assert w in tag and w not in listed and not is_common_word(w)
    with open(Path(__file__).resolve().parents[2] / "geodata" / "admin_units.csv", encoding="utf-8") as fh:
        cities = {row["short"] for row in csv.DictReader(fh) if row["level"] == "city" and row["short"]}
    assert len(cities) > 300 and "包头" in cities
    for w, t in list(tag.items())[::97]:  # a sample of the dictionary, against the rule itself
        rule = w not in cities and len(w) >= 2 and ((t in {"v", "vn", "vd", "a", "ad", "an", "d", "f", "s", "c", "p", "m", "q", "r",
                                       "t", "u"} and (freq.get(w) or 0) >= 100) or (t == "n" and (freq.get(w) or 0) >= 500))
        assert (w in listed) is rule, w


def test_dictionary_found_without_import():
    assert jieba_dictionary().name == "dict.txt" and jieba_dictionary().is_file()
    assert words.FORMAT


def test_a_run_no_dictionary_holds_opens_a_name_and_loads_no_jieba():
    """安意法8英寸碳化硅晶圆: 安意法 is in no dictionary (a company); it opens the item's name, and
    answering does not load jieba's part-of-speech tokenizer (with jieba's dictionary, ~1.7 s a
    process; a fresh cache imports jieba itself once, to build the word index)."""
    import subprocess
    import sys

    code = ("import sys\nfrom planmap.reference.words import word_index\n"
            "w = word_index()\n"
            "print(w.starts_with_verb('安意法8英寸碳化硅晶圆'), w.starts_with_verb('破解交通瓶颈'),"
            " 'jieba.posseg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "False"]
