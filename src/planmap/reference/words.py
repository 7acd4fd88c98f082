"""Word boundaries as jieba draws them, from one prebuilt automaton instead of jieba's dictionary load.

The extractor asks jieba two things: where the words of a sentence begin and end (a stop word
inside a word, 服务 in 服务业, is no stop) and whether a list item opens with a verb. Importing
jieba and loading its prefix dictionary costs about a second per process (plus as much again
for the part-of-speech table), more than extracting a whole document. Here jieba's dictionary
(every word, its frequency and its tag) becomes one Aho-Corasick automaton that lists every
dictionary word of a sentence in a single pass, together with jieba's HMM tables for unknown
words. It is built once from jieba's own files and kept in :func:`planmap.paths.cache_dir`,
keyed by the hash of jieba's dictionary and of this module's format, so a new jieba release
or dictionary makes a new one; loading it takes about a tenth of jieba's load.

The segmentation is jieba's exact algorithm (``jieba.tokenize``, default mode, HMM on):
the same DAG, the same route by log frequency, the same HMM over runs of unknown characters,
so the boundaries are identical (tests compare them with jieba's on many sentences). The one
question the automaton cannot answer alone, the part of speech of a word that jieba's
part-of-speech HMM would coin, is not asked: such a word opens a name, not a task, and jieba
itself is never loaded while a plan is read.
"""
from __future__ import annotations

import array
import hashlib
import importlib.util
import math
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

#: bump when the cached file's layout changes
FORMAT = "words-4"
_MIN_FLOAT = -3.14e100
# a word's entry in the automaton (31 bits: the automaton stores C ints):
# word number << _ID_SHIFT | tag index << _TAG_SHIFT | length; frequencies are in a separate array
_TAG_SHIFT = 5
_ID_SHIFT = 12
_MAX_WORDS = 1 << (31 - _ID_SHIFT)
_LEN_MASK = (1 << _TAG_SHIFT) - 1
_TAG_MASK = (1 << (_ID_SHIFT - _TAG_SHIFT)) - 1

# jieba's own block patterns (jieba/__init__.py, jieba/finalseg, jieba/posseg), kept verbatim
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_RE_SKIP = re.compile("(\r\n|\\s)")
_RE_HAN_HMM = re.compile("([\u4E00-\u9FD5]+)")
_RE_SKIP_HMM = re.compile("([a-zA-Z0-9]+(?:\\.\\d+)?%?)")
_RE_HAN_POS = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")
_WORD_CHAR = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]")  # one character of _RE_HAN's class


def _is_word_char(ch: str) -> bool:
    return _WORD_CHAR.match(ch) is not None


_PREV_STATUS = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
_VERB_TAGS = ("v", "vn", "vd")


def jieba_dictionary() -> Path:
    """The main dictionary file of jieba, found without importing jieba (its import alone costs ~0.3 s)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("jieba is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


@dataclass
class WordIndex:
    """The dictionary of jieba as an automaton (word -> number, tag, length), frequencies by word number,
    and jieba's HMM tables.
    """

    automaton: Any
    freqs: array.array
    logps: array.array  # log(freq) - log(total), jieba's per-word term
    miss: float  # log(1) - log(total): a character that is no word
    total: int
    tags: tuple[str, ...]
    start_p: dict[str, float]
    trans_p: dict[str, dict[str, float]]
    emit_p: dict[str, dict[str, float]]

    def freq(self, word: str) -> int:
        """The frequency jieba gives ``word`` (0 when it is no dictionary word)."""
        v = self.automaton.get(word, -1)
        return self.freqs[v >> _ID_SHIFT] if v >= 0 else 0

    def tag(self, word: str) -> str:
        """The part-of-speech tag jieba gives a dictionary word ('x' for any other string)."""
        return self.tag_of(self.automaton.get(word, -1))

    def tag_of(self, entry: int) -> str:
        """The tag of a word by its automaton entry (-1: no dictionary word, 'x')."""
        return self.tags[(entry >> _TAG_SHIFT) & _TAG_MASK] if entry >= 0 else "x"

    def freq_of(self, entry: int) -> int:
        """The frequency of a word by its automaton entry (-1: no dictionary word, 0)."""
        return self.freqs[entry >> _ID_SHIFT] if entry >= 0 else 0

    # -- jieba.Tokenizer.get_DAG / calc / __cut_DAG, over one block of han characters
    def _route(self, blk: str, found: dict[tuple[int, int], int] | None = None) -> list[int]:
        """For each start, the end of the word jieba's best path takes from there.

        jieba's ``calc``: the best path maximises the sum of log(freq) - log(total) over its
        words (log(1) for a character that is no word); ties go to the longer word. The
        per-word terms are precomputed with the same operations, so the sums are the same floats.
        ``found`` receives every dictionary word of ``blk``, (start, end) -> its automaton entry.
        """
        n = len(blk)
        dag: list[list[tuple[int, float]] | None] = [None] * n
        logps = self.logps
        for end, v in self.automaton.iter(blk):
            start = end - (v & _LEN_MASK) + 1
            if found is not None:
                found[start, end + 1] = v
            entry = (end, logps[v >> _ID_SHIFT])
            d = dag[start]
            if d is None:
                dag[start] = [entry]
            else:
                d.append(entry)
        miss = self.miss
        best = [0.0] * (n + 1)
        nxt = list(range(n))
        for idx in range(n - 1, -1, -1):
            d = dag[idx]
            if d is None:
                best[idx] = miss + best[idx + 1]
                continue
            bp, bx = -math.inf, -1
            for x, lp in d:
                p = lp + best[x + 1]
                if p > bp or (p == bp and x > bx):
                    bp, bx = p, x
            best[idx] = bp
            nxt[idx] = bx
        return nxt

    def _cut_dag(self, blk: str, found: dict[tuple[int, int], int] | None = None) -> list[str]:
        """The words of one block, as jieba's ``__cut_DAG`` cuts it; ``found`` as in :meth:`_route`."""
        found = {} if found is None else found  # (whether a run of one-character words is a word)
        nxt = self._route(blk, found)
        out: list[str] = []
        x, start, n = 0, 0, len(blk)  # blk[start:x]: the run of one-character words so far
        while x < n:
            y = nxt[x] + 1
            if y - x > 1:
                if start < x:
                    out.extend(self._flush(blk, start, x, found))
                out.append(blk[x:y])
                start = y
            x = y
        if start < n:
            out.extend(self._flush(blk, start, n, found))
        return out

    def _flush(self, blk: str, start: int, end: int, found: dict[tuple[int, int], int]) -> list[str]:
        """A run of one-character words: kept as characters when the run is itself a word,
        else cut by the HMM (the route's look-ups answer the first: no search of the automaton).
        """
        buf = blk[start:end]
        if len(buf) == 1:
            return [buf]
        if not self.freq_of(found.get((start, end), -1)):
            return self._hmm_cut(buf)
        return list(buf)

    # -- jieba.finalseg
    def _hmm_cut(self, text: str) -> list[str]:
        out: list[str] = []
        for blk in _RE_HAN_HMM.split(text):
            if _RE_HAN_HMM.match(blk):
                out.extend(self._viterbi_cut(blk))
            else:
                out.extend(x for x in _RE_SKIP_HMM.split(blk) if x)
        return out

    def _viterbi_cut(self, obs: str) -> list[str]:
        start_p, trans_p, emit_p = self.start_p, self.trans_p, self.emit_p
        v: list[dict[str, float]] = [{}]
        path: dict[str, list[str]] = {}
        for y in "BMES":
            v[0][y] = start_p[y] + emit_p[y].get(obs[0], _MIN_FLOAT)
            path[y] = [y]
        for t in range(1, len(obs)):
            v.append({})
            newpath = {}
            for y in "BMES":
                em_p = emit_p[y].get(obs[t], _MIN_FLOAT)
                prob, state = max([(v[t - 1][y0] + trans_p[y0].get(y, _MIN_FLOAT) + em_p, y0)
                                   for y0 in _PREV_STATUS[y]])
                v[t][y] = prob
                newpath[y] = path[state] + [y]
            path = newpath
        _, state = max((v[len(obs) - 1][y], y) for y in "ES")
        out: list[str] = []
        begin, nexti = 0, 0
        for i, pos in enumerate(path[state]):
            if pos == "B":
                begin = i
            elif pos == "E":
                out.append(obs[begin:i + 1])
                nexti = i + 1
            elif pos == "S":
                out.append(obs[i])
                nexti = i + 1
        if nexti < len(obs):
            out.append(obs[nexti:])
        return out

    # -- what the extractor asks
    def cut(self, sentence: str) -> list[str]:
        """The words of ``sentence`` exactly as ``jieba.cut(sentence)`` (HMM on) yields them."""
        out: list[str] = []
        for blk in _RE_HAN.split(sentence):
            if not blk:
                continue
            if _RE_HAN.match(blk):
                out.extend(self._cut_dag(blk))
            else:
                for x in _RE_SKIP.split(blk):
                    if _RE_SKIP.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def cut_with_entries(self, sentence: str) -> list[tuple[str, int]]:
        """:meth:`cut`, each word with its automaton entry (-1: no dictionary word) for
        :meth:`tag_of` and :meth:`freq_of`. The entries come from the segmentation's own pass:
        asking :meth:`tag` of each word again searches the automaton's root, which has
        thousands of branches, once a word.
        """
        out: list[tuple[str, int]] = []
        get = self.automaton.get
        for blk in _RE_HAN.split(sentence):
            if not blk:
                continue
            if _RE_HAN.match(blk):
                found: dict[tuple[int, int], int] = {}
                pos = 0
                for w in self._cut_dag(blk, found):
                    out.append((w, found.get((pos, pos + len(w)), -1)))
                    pos += len(w)
            else:
                for x in _RE_SKIP.split(blk):
                    if _RE_SKIP.match(x):
                        out.append((x, get(x, -1)))
                    else:
                        out.extend((ch, get(ch, -1)) for ch in x)
        return out

    def boundaries(self, sentence: str) -> frozenset[int]:
        """Offsets where a word starts or ends, 0 and ``len(sentence)`` included."""
        cuts = {0, len(sentence)}
        pos = 0
        for w in self.cut(sentence):
            pos += len(w)
            cuts.add(pos)
        return frozenset(cuts)

    def is_boundary(self, text: str, pos: int) -> bool:
        r"""``pos in self.boundaries(text)``, cutting only the block of word characters around ``pos``.

        jieba cuts each maximal run of word characters on its own, and between runs every
        character is a word, but for a ``\r\n`` pair, so a boundary is decided by its own run:
        a plan's home region asks about a few names in a long text.
        """
        n = len(text)
        if pos <= 0 or pos >= n:
            return pos == 0 or pos == n
        if not (_is_word_char(text[pos - 1]) and _is_word_char(text[pos])):
            return text[pos - 1:pos + 1] != "\r\n"  # a block's edge or between one-character tokens
        start = pos - 1
        while start > 0 and _is_word_char(text[start - 1]):
            start -= 1
        end = pos + 1
        while end < n and _is_word_char(text[end]):
            end += 1
        return pos - start in self._block_cuts(text[start:end])

    def _block_cuts(self, blk: str) -> frozenset[int]:
        memo: dict[str, frozenset[int]] = self.__dict__.setdefault("_memo", {})
        cuts = memo.get(blk)
        if cuts is None:
            if len(memo) >= 8192:
                memo.clear()
            pos, found = 0, {0}
            for w in self._cut_dag(blk):
                pos += len(w)
                found.add(pos)
            cuts = memo[blk] = frozenset(found)
        return cuts

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_memo"}

    def starts_with_verb(self, text: str) -> bool:
        """True when the first word of ``text`` is a dictionary word of two or more characters
        with a verb tag (v, vn, vd): 破解交通瓶颈 is a task, not a name. This is what
        ``jieba.posseg.cut`` says, but for a first word no dictionary holds (see below).
        """
        m = _RE_HAN_POS.match(text)
        if not m:
            return False  # a first word outside jieba's blocks is one character or whitespace
        blk = m.group(0)
        nxt = self._route(blk)
        y = nxt[0] + 1
        if y > 1:
            return self.tag(blk[:y]) in _VERB_TAGS
        x = 0
        while x < len(blk) and nxt[x] == x:  # posseg's buffer of one-character words
            x += 1
        # the first word is one character, or a run no dictionary holds (安意法8英寸…): a name
        # such a run opens, not a verb. (jieba.posseg's HMM would coin a word and tag it, at the
        # price of loading jieba's dictionary and tags, ~1.7 s a process, for a few runs a
        # document and a tag that is mostly a guess: over the corpus it called 1 of 41 runs a verb,
        # the company 安意法.)
        return False


def build_index(dictionary: Path) -> WordIndex:
    """Build the index from jieba's dictionary file and HMM tables (a few seconds, once)."""
    import ahocorasick
    import jieba.finalseg

    freq: dict[str, int] = {}
    tag: dict[str, str] = {}
    total = 0
    with open(dictionary, encoding="utf-8") as fh:
        for line in fh:  # jieba's gen_pfdict and load_word_tag: "word freq tag", the last line of a word wins
            parts = line.strip().split(" ")
            if len(parts) < 2:
                continue
            word, f = parts[0], int(parts[1])
            freq[word] = f
            total += f
            if len(parts) > 2:
                tag[word] = parts[2]
    tags = tuple(sorted(set(tag.values()) | {"x"}))
    if len(tags) > _TAG_MASK or max(map(len, freq)) > _LEN_MASK or len(freq) >= _MAX_WORDS:
        raise ValueError(f"{dictionary}: too many tags or too long a word for the index layout")
    at = {t: i for i, t in enumerate(tags)}
    auto = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    freqs = array.array("q")
    # the most frequent words first: the automaton finds a node's branch by a linear search in
    # the order the branches were added, and its root has thousands (a rare first character
    # added early cost every look-up of a common one a long search); the segmentation does not
    # depend on the order (ties are broken by the word's end)
    for word, f in sorted(freq.items(), key=lambda item: -item[1]):
        if f > 0:  # jieba's DAG skips zero-frequency entries
            auto.add_word(word, (len(freqs) << _ID_SHIFT) | (at[tag.get(word, "x")] << _TAG_SHIFT) | len(word))
            freqs.append(f)
    auto.make_automaton()
    logtotal = math.log(total)
    logps = array.array("d", (math.log(f) - logtotal for f in freqs))
    return WordIndex(auto, freqs, logps, math.log(1) - logtotal, total, tags, dict(jieba.finalseg.start_P), dict(jieba.finalseg.trans_P),
                     dict(jieba.finalseg.emit_P))


@lru_cache(maxsize=1)
def word_index() -> WordIndex:
    """The index for the installed jieba dictionary: from the cache, or built and cached now."""
    from planmap.atomic import write_bytes
    from planmap.paths import cache_dir
    from planmap.reference.derived import remembered

    dictionary = jieba_dictionary()
    key = remembered(f"word index key {FORMAT}", [dictionary],  # the hash of 5 MB, remembered while the file is unchanged
                     lambda: hashlib.sha256(FORMAT.encode() + dictionary.read_bytes()).hexdigest()[:20])
    try:
        path: Path | None = cache_dir() / "words" / f"{FORMAT}-{key}.pickle"
    except OSError:
        path = None  # no writable cache folder: build in memory every run
    if path is not None and path.is_file():
        try:
            with open(path, "rb") as fh:
                index = pickle.load(fh)
            if isinstance(index, WordIndex):
                return index
        except Exception:  # noqa: BLE001 - a damaged or foreign cache file is rebuilt
            pass
    index = build_index(dictionary)
    import gc

    gc.collect()  # building leaves cyclic garbage; the build command runs with the collector paused
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
            # an index of an earlier dictionary in this format; one of another format is left: another
            # planmap version sharing the cache folder would otherwise rebuild its own on every run
            for old in path.parent.glob(f"{FORMAT}-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
    return index
