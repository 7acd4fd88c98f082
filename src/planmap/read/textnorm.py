"""Character and line normalisation, so downstream rules see one form of every sign.

Punctuation policy (one form each):

* Full-width ASCII letters and digits become half-width (``Ｇ１０２`` -> ``G102``); so do
  ``％`` and a full-width point between digits.
* In Chinese context (a CJK character or CJK punctuation right before or after the sign,
  spaces skipped) ASCII ``, ; : ! ?`` become ``， ； ： ！ ？``; ``1,000`` and ``http://``
  stay. ASCII ``( )`` are paired per line and a pair becomes ``（ ）`` when its content or a
  neighbour is CJK, so ``(2019)`` after ``发`` turns into ``（2019）`` as a whole.
  Variants ``∶ ︰ ﹙ ﹚`` become ``： ： （ ）``; ``［ ］`` become ``[ ]``.
  ``〔〕``, ``【】`` and ``[]`` are kept distinct from ``（）``. ASCII ``.`` and quotes are left
  alone (``1.`` is a heading marker; quote pairing is ambiguous).
* Spaces (incl. U+3000, NBSP, tabs) between two CJK signs are removed, other runs become
  one space, and lines are stripped (tabs at line starts go).
* Hard line breaks are joined only where the next line plainly continues the previous one
  (see :func:`join_lines`); blank-line runs collapse to one blank line, because flattened
  tables use the blank line as the row separator.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

# CJK ideographs (+ext A, compatibility) and CJK/full-width punctuation.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2026\u201c\u201d\u2018\u2019"
CJK = _HAN + _CJK_PUNCT
_CJK_RE = re.compile(f"[{CJK}]")
HAN_RE = re.compile(f"[{_HAN}]")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = {ord(c): " " for c in "\u00a0\u3000\u2002\u2003\u2009\u202f\t\x0b\x0c"}
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")

# Full-width letters/digits -> half-width; variant punctuation -> the one kept form.
_WIDTH = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_WIDTH.update({ord("％"): "%", ord("∶"): "：", ord("︰"): "：", ord("﹙"): "（", ord("﹚"): "）",
               ord("［"): "[", ord("］"): "]", ord("﹐"): "，", ord("﹔"): "；"})
_TABLE = {**_ZERO_WIDTH, **_SPACES, **_WIDTH}

_FW_POINT = re.compile(r"(?<=\d)．(?=\d)")
_SPACE_RUN = re.compile(r" {2,}")
_CJK_GAP = re.compile(f"(?<=[{CJK}]) +(?=[{CJK}])")
_ASCII_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_PUNCT_IN_CJK = re.compile(f"(?<=[{CJK}]) ?([,;:!?])|([,;:!?])(?= ?[{CJK}])")
_PARENS = re.compile(r"[()]")

SENTENCE_END = "。！？；：…”’」』）)〕】》!?;"
_OPEN_BRACKETS = "（(〔【《“"
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[）)]|\d+[.．、](?!\d)|第[一二三四五六七八九十百\d]+[章节条部分篇]|[■●◆▲★☆□◇○•·])"
)
_MONTH_START = re.compile(r"^\d{1,2}月")
_CONTINUES = "和及与、或"


def normalize_chars(text: str) -> str:
    """Unify line breaks, widths, spaces and punctuation (length may change)."""
    text = _LINE_BREAKS.sub("\n", text).translate(_TABLE)
    text = _FW_POINT.sub(".", text)
    return "\n".join(_normalize_line(line) for line in rejoin_columns(text.split("\n")))


_CHUNK = re.compile(r"\S+(?: \S+)*")
_CELL_GAP = re.compile(r" {3,}")
_CELL_MARK = "\x1f"


def _chunks(line: str) -> list[list]:
    return [[m.start(), m.group(0)] for m in _CHUNK.finditer(line)]


def _is_layout_line(chunks: list[list], line: str) -> bool:
    """A line laid out in columns: cells apart by wide gaps, or one cell indented far."""
    return bool(chunks) and (bool(_CELL_GAP.search(line.strip())) or chunks[0][0] >= 8)


def _open_cell(text: str) -> bool:
    opens = text.count("(") + text.count("（")
    return opens > text.count(")") + text.count("）") or text.endswith(("—", "-"))


def rejoin_columns(lines: list[str]) -> list[str]:
    """Join a table cell broken over lines back into one (a flattened yearbook table).

    A PDF table flattened to text keeps its columns as runs of spaces, and a long cell wraps
    onto a later line in the same column: 新松江路(辰塔路—东胜 … 港路). A cell left with an
    open bracket or a dash takes the next cell that starts in the same column within the next
    two lines. Lines that are not laid out in columns are left alone.
    """
    chunked = [_chunks(line) for line in lines]
    layout = [_is_layout_line(c, line) for c, line in zip(chunked, lines, strict=True)]
    changed = False
    for i, cells in enumerate(chunked):
        if not layout[i]:
            continue
        for cell in cells:
            if not _open_cell(cell[1]):
                continue
            for j in (i + 1, i + 2):
                if j >= len(lines) or not layout[j]:
                    break
                below = next((c for c in chunked[j] if abs(c[0] - cell[0]) <= 3), None)
                if below is not None:
                    cell[1] += below[1]
                    chunked[j].remove(below)
                    changed = True
                    break
    if not changed and not any(layout):
        return lines
    out = []
    for cells, line, lay in zip(chunked, lines, layout, strict=True):
        if not lay:
            out.append(line)
            continue
        # cells stay apart: a wide gap is a cell boundary, not a space inside a name
        out.append(_CELL_MARK.join(text for _, text in cells))
    return out


def _normalize_line(line: str) -> str:
    line = line.strip(" " + _CELL_MARK)
    if not line:
        return ""
    line = _SPACE_RUN.sub(" ", line)
    line = _CJK_GAP.sub("", line)
    if "(" in line or ")" in line:
        line = _pair_parens(line)
    line = _PUNCT_IN_CJK.sub(lambda m: _ASCII_PUNCT[m.group(1) or m.group(2)], line)
    line = _CJK_GAP.sub("", line)  # punctuation just turned CJK may leave a gap
    return re.sub(f" ?{_CELL_MARK}+ ?", " ", line)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_RE.match(ch) is not None


def _pair_parens(line: str) -> str:
    """Turn ASCII parens into full-width ones pairwise, so both sides of a pair agree."""
    chars = list(line)
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    lone: list[int] = []
    for m in _PARENS.finditer(line):
        i = m.start()
        if line[i] == "(":
            stack.append(i)
        elif stack:
            pairs.append((stack.pop(), i))
        else:
            lone.append(i)
    lone.extend(stack)

    def neighbour(i: int, step: int) -> str:
        j = i + step
        while 0 <= j < len(line) and line[j] == " ":
            j += step
        return line[j] if 0 <= j < len(line) else ""

    for a, b in pairs:
        inner = line[a + 1 : b]
        if HAN_RE.search(inner) or _is_cjk(neighbour(a, -1)) or _is_cjk(neighbour(b, 1)):
            chars[a], chars[b] = "（", "）"
    for i in lone:
        if _is_cjk(neighbour(i, -1)) or _is_cjk(neighbour(i, 1)):
            chars[i] = "（" if line[i] == "(" else "）"
    return "".join(chars)


def is_heading(line: str) -> bool:
    """A line that opens with an outline marker (一、 （一） 1. 第一章 ■ ...)."""
    return _HEADING.match(line) is not None


def _unclosed(line: str, open_: str, close: str) -> bool:
    return line.rfind(open_) > line.rfind(close)


def continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` is the rest of ``prev`` broken by a hard line break.

    Conservative on purpose: ledger cells (unit / person / date) are separate lines and
    must stay so; only a dangling conjunction, an open 《 or bracket, or a date split
    after 年 count as a continuation.
    """
    if not prev or not nxt or prev[-1] in SENTENCE_END or is_heading(nxt):
        return False
    if prev[-1] in _CONTINUES or prev[-1] in _OPEN_BRACKETS:
        return True
    if prev.endswith("年") and _MONTH_START.match(nxt):
        return True
    return _unclosed(prev, "《", "》") and "》" in nxt


def join_lines(lines: Iterable[str]) -> list[str]:
    """Join continued lines and collapse blank-line runs to one blank line."""
    out: list[str] = []
    last = -1  # index in ``out`` of the last non-empty line
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        if last >= 0 and continues(out[last], line):
            out[last] += line
            del out[last + 1 :]
            continue
        out.append(line)
        last = len(out) - 1
    while out and not out[-1]:
        out.pop()
    return out


@lru_cache(maxsize=1)
def _converter():  # noqa: ANN202 - opencc has no type hints
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified with the same length, so offsets line up with the original.

    OpenCC's phrase conversion is right more often (乾隆 stays, 乾燥 -> 干燥) but can
    change a line's length; such lines fall back to character-by-character conversion.
    Official place names that the table would change (乾县, 於潜镇) are kept as written.
    """
    conv = _converter()
    whole = conv.convert(text)
    if len(whole) == len(text) and whole.count("\n") == text.count("\n"):
        lines_out = whole.split("\n")
        lines_in = text.split("\n")
        if all(len(a) == len(b) for a, b in zip(lines_in, lines_out, strict=False)):
            return _keep_place_names(text, whole)
    out = []
    for line in text.split("\n"):
        conv_line = conv.convert(line)
        out.append(conv_line if len(conv_line) == len(line) else _per_char(line))
    return _keep_place_names(text, "\n".join(out))


@lru_cache(maxsize=1)
def _kept_place_names() -> re.Pattern[str] | None:
    import tomllib

    from planmap.paths import package_data

    with open(package_data("places.toml"), "rb") as fh:
        names = tomllib.load(fh).get("script", {}).get("kept_place_names", [])
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True)))) if names else None


def _keep_place_names(original: str, converted: str) -> str:
    """``converted`` with every kept place name of ``original`` restored (same length)."""
    if original == converted:
        return converted
    pattern = _kept_place_names()
    if pattern is None:
        return converted
    spans = [m.span() for m in pattern.finditer(original)]
    if not spans:
        return converted
    parts, last = [], 0
    for a, b in spans:
        parts += [converted[last:a], original[a:b]]
        last = b
    parts.append(converted[last:])
    return "".join(parts)


def _per_char(line: str) -> str:
    return "".join(_char_t2s(c) for c in line)


@cache
def _char_t2s(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def to_traditional_like(name: str, simplified: str, original: str) -> str:
    """``name`` (simplified) in the script of ``original``: each character takes the form it has
    where the document uses it (a name rebuilt from an enumeration has no span of its own).
    """
    table: dict[str, str] = {}
    for s_ch, o_ch in zip(simplified, original, strict=False):
        if s_ch != o_ch:
            table.setdefault(s_ch, o_ch)
    return "".join(table.get(ch, ch) for ch in name)
