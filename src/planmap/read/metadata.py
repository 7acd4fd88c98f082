"""Title, issuer, date and document number read from a plan's clean text.

Government documents follow GB/T 9704 closely enough that a few positional rules work:
the number line (``X发〔2019〕64号``) sits at the top, a notice wrapper names the plan in
``关于印发《X》的通知``, and the signature (issuer line, then date line) closes the notice.
The home region is not decided here.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from planmap.read.textnorm import is_heading

TITLE_WORDS = ("方案", "规划", "计划", "要点", "意见", "纲要", "办法", "细则", "安排", "清单")
_ORG_END = (
    "人民政府", "政府", "办公室", "办公厅", "委员会", "管委会", "委", "局", "厅", "部", "署",
    "院", "处", "中心", "党政综合办公室", "领导小组", "指挥部",
)
_TOP_LINES = 40
_TAIL_LINES = 15
_TITLE_MAX = 60

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_DATE_LINE = re.compile(
    r"^(?P<org>.*?)\s*(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)\s*(?:印发|发布)?$"
)
_DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[（(【]\s*(?:19|20)\d{2}\s*[〕\]）)】]\s*第?\s*\d{1,5}\s*号"
)
# Lines that say who wrote or posted a text and when: never a title or a heading.
BYLINE = re.compile(
    r"^(?:本报记者|本报讯|记者|通讯员|来源|本文来源|文章来源|信息来源|稿件来源|责任编辑|编辑|作者|发布时间|发布日期|"
    r"发布人|发布者|发稿时间|时间|日期|供稿|审核|校对|摄影|图片来源|点击|浏览|阅读|本帖最后由|source|Page\s*\d+|P\.\s*\d+)"
    r"|^\s*(?:19|20)\d{2}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|(?:记者|编辑|通讯员)\s*[\u4e00-\u9fff]{2,3}\s*$",
    re.I,
)
_NOTICE = re.compile(r"关于(?:印发|发布|转发|下发|颁发)(.+?)的(?:通知|决定|函|批复)")
_PUNCT_INSIDE = re.compile(r"[，。；：！？,;!?]")


@dataclass
class DocumentMetadata:
    """What a plan says about itself: title, issuer, date, document number."""

    title: str = ""
    issuer: str = ""
    date: str | None = None  # ISO
    doc_number: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_metadata(text: str) -> tuple[DocumentMetadata, list[str]]:
    """Metadata of a clean text plus warnings (``no title found``)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    warnings: list[str] = []
    issuer, date = find_signature(lines)
    title = find_title(lines)
    if not title:
        warnings.append("no title found")
    return DocumentMetadata(title, issuer, date, find_doc_number(lines)), warnings


def iso_date(text: str) -> str | None:
    """``2022年8月10日`` or ``二〇一九年九月九日`` as ``2022-08-10``; None if neither."""
    m = _DATE.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _CN_DATE.search(text)
        if not m:
            return None
        y = int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
        mo, d = _cn_number(m.group(2)), _cn_number(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[s]


def _is_org(line: str) -> bool:
    return 2 < len(line) <= 40 and line.endswith(_ORG_END) and not _PUNCT_INSIDE.search(line)


def find_signature(lines: list[str]) -> tuple[str, str | None]:
    """Issuer and ISO date from a signature: an org line above a date line.

    Looked for in the notice part at the top first, then at the end; a print line
    (``<org> 2019年9月9日印发``) is the fallback.
    """
    n = len(lines)
    zones = [range(min(n, _TOP_LINES)), range(max(0, n - _TAIL_LINES), n)]
    for zone in zones:
        for i in zone:
            m = _DATE_LINE.match(lines[i]) if len(lines[i]) <= 80 else None
            if not m or m.group("org") or lines[i].endswith(("印发", "发布")):
                continue
            if i > 0 and _is_org(lines[i - 1]):
                return lines[i - 1], iso_date(m.group("date"))
    for zone in zones:
        for i in zone:
            m = _DATE_LINE.match(lines[i]) if len(lines[i]) <= 80 else None
            if m and _is_org(m.group("org")):
                return m.group("org"), iso_date(m.group("date"))
    return "", None


def find_doc_number(lines: list[str]) -> str:
    """The document's own number: one standing on its own short line near the top.

    Numbers inside sentences, or in brackets after a 《cited title》, belong to other
    documents.
    """
    for line in lines[:_TOP_LINES]:
        if len(line) > 40:
            continue
        for m in _DOC_NUMBER.finditer(line):
            before = line[: m.start()].rstrip()
            if before.endswith(("（", "(")) and before[:-1].rstrip().endswith("》"):
                continue  # a citation: 《…》（X发〔2019〕1号）
            if (before and not _is_org(before)) or line[m.end():].strip():
                continue  # part of a sentence
            return re.sub(r"\s+", "", m.group(0))
    return ""


def _title_line(line: str) -> bool:
    return (
        3 < len(line) <= _TITLE_MAX
        and not line.startswith("附件")
        and not _PUNCT_INSIDE.search(line)
        and not is_heading(line)
        and _DATE_LINE.match(line) is None
        and _DOC_NUMBER.fullmatch(line) is None
    )


def find_title(lines: list[str]) -> str:
    """The plan's own title: X of a 关于印发《X》的通知 wrapper, else a title-like line
    near the top (joined with a broken-off first or last part).
    """
    top = lines[:_TOP_LINES]
    for line in top:
        if len(line) > 120:
            continue
        m = _NOTICE.search(line)
        if m:
            inner = m.group(1)
            quoted = re.search(r"《(.+?)》", inner)
            title = quoted.group(1) if quoted else inner
            if any(w in title for w in TITLE_WORDS):
                return title
    for i, line in enumerate(top):
        if not (_title_line(line) and any(w in line for w in TITLE_WORDS)):
            continue
        if "关于印发" in line or line.endswith("的通知"):
            continue
        title = line
        prev = top[i - 1] if i > 0 else ""
        if prev and _title_line(prev) and not _is_org(prev) and not any(w in prev for w in TITLE_WORDS):
            title = prev + title
        nxt = top[i + 1] if i + 1 < len(top) else ""
        if nxt and nxt[0] in "（(" and nxt[-1] in "）)" and len(nxt) <= 20:
            title += nxt  # （2021—2035年）
        return title
    return _headline(top)


def _headline(top: list[str]) -> str:
    """A news report's or post's headline: the first line that is no byline, short, not a
    sentence, and followed by a byline or by longer prose.
    """
    for i, line in enumerate(top[:6]):
        if BYLINE.search(line) or line.startswith(("http", "www.")):
            continue
        if not (6 <= len(line) <= _TITLE_MAX) or line[-1] in "。；;！!？?" or "。" in line or is_heading(line):
            return ""
        nxt = next((x for x in top[i + 1:i + 4] if x.strip()), "")
        if nxt and (BYLINE.search(nxt) or len(nxt) > len(line) + 10 or nxt.endswith("。")):
            return line
        return ""
    return ""
