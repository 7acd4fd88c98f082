"""The plan's outline: headings, clauses, responsibility brackets, deadlines.

Plans number their headings in a handful of styles (一、 / （一） / 1. / （1） / ■) and some
use short unnumbered headings instead. The nesting is not fixed by the style: a plan may put
``1.`` directly under ``一、``. So levels come from the order in which styles first appear,
the way a reader infers them, and every clause carries the path of headings above it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from planmap.models import Clause, Heading, LedgerRow
from planmap.read.ledger import find_ledger
from planmap.read.metadata import BYLINE
from planmap.read.units import parse_responsibility

CN_NUM = "一二三四五六七八九十百零〇"
_SENT_END = "。！？!?；;"

# (style, regex) — the regex matches the marker at the start of a line.
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("cn", re.compile(rf"^([{CN_NUM}]{{1,3}})\s*[、.．]")),
    ("paren_cn", re.compile(rf"^[（(]\s*([{CN_NUM}]{{1,3}})\s*[）)]")),
    ("arabic", re.compile(r"^(\d{1,2})\s*(?:[.．、](?!\d)|\s)")),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]")),
    ("circled", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
    ("bullet", re.compile(r"^([■□●◆◇▲►▶])")),
]

# Responsibility brackets close a clause: 〔牵头单位：…；责任单位：…〕, （牵头部门：…）, [责任部门：…].
_RESP_KEYS = r"(?:牵头|责任|主责|配合|协办|参与|协同)(?:单位|部门)"
_BRACKET_AT_END = re.compile(
    rf"[〔\[【（(]\s*{_RESP_KEYS}\s*[:：][^〔〕\[\]【】]*?[〕\]】）)]\s*[。.]?\s*$"
)

_UNIT_AFTER_NUMBER = re.compile(r"^(?:%|％|年|月|日|号|元|万|亿|个|条|项|处|座|km|公里|公顷|平方|米|吨|千)")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_ORG_LINE = re.compile(r"(人民政府|办公室|办公厅|委员会|管委会|党工委|(?<![布格结时大全开])局|厅)(印发)?$")
_MAX_PLAIN_HEADING = 24


@dataclass
class _Line:
    text: str
    start: int
    end: int


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return out


def _marker(line: str) -> tuple[str, str] | None:
    for style, rx in _MARKERS:
        m = rx.match(line)
        if m:
            rest = line[m.end():].strip()
            if not rest or _UNIT_AFTER_NUMBER.match(rest):
                return None  # "1." alone is a ledger number; "3年" / "5公里" is a figure
            return style, m.group(0)
    return None


def _split_heading(body: str) -> tuple[str, str]:
    """A numbered line holds a title and, after its first full stop, body text."""
    m = re.search(r"[。！？!?]", body)
    if m and m.end() < len(body):
        return body[: m.start()].strip(), body[m.end():].strip()
    return body.rstrip("。:：").strip(), ""


def _is_plain_heading(line: str) -> bool:
    if len(line) > _MAX_PLAIN_HEADING or line[-1] in _SENT_END + "，,：:、" or line[0] in "—-“\"《(（":
        return False
    if _DATE_LINE.match(line) or _ORG_LINE.search(line) or re.fullmatch(r"[\d\s.]+", line) or BYLINE.search(line):
        return False  # bylines, sources and dates (本报记者…, 本文来源：…) are no headings
    return bool(re.search(r"[\u4e00-\u9fff]", line))


def parse_outline(text: str, title: str = "") -> tuple[list[Heading], list[Clause], list[LedgerRow]]:
    """Headings, clauses (with section paths and responsibility units) and ledger rows.

    ``title`` is the plan's own title (from the metadata); lines before it are front matter
    (the covering notice) and are kept as clauses of an empty section path.
    """
    lines = _lines(text)
    ledger, ledger_clauses, ledger_span = find_ledger(text)
    if ledger_span:
        lines = [ln for ln in lines if not (ledger_span[0] <= ln.start < ledger_span[1])]
    numbered_top = any((_marker(ln.text) or ("", ""))[0] == "cn" for ln in lines)
    flat_title = re.sub(r"\s+", "", title)

    styles: list[str] = []  # style stack; index = level - 1
    path: list[str] = []
    headings: list[Heading] = []
    clauses: list[Clause] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        mk = _marker(ln.text)
        if mk:
            style, marker = mk
            title_text, body = _split_heading(ln.text[len(marker):].strip())
            _push(styles, path, style, title_text)
            headings.append(Heading(len(styles), marker, title_text, ln.start, ln.end))
            if body:
                body_start = ln.end - len(body)
                clauses.append(_clause(body, body_start, ln.end, path))
            i += 1
            continue
        if not numbered_top and _is_plain_heading(ln.text) and i + 1 < len(lines) \
                and re.sub(r"\s+", "", ln.text) not in flat_title:
            # a block of short lines is one heading (003 splits 全力践行 / 项目为王)
            j = i
            while j + 1 < len(lines) and _is_plain_heading(lines[j + 1].text) and j - i < 1:
                j += 1
            nxt = lines[j + 1] if j + 1 < len(lines) else None
            has_children = nxt is not None and (_marker(nxt.text) is not None or _is_plain_heading(nxt.text))
            style = "plain_parent" if has_children else "plain_leaf"
            title_text = " ".join(x.text for x in lines[i:j + 1])
            _push(styles, path, style, title_text)
            headings.append(Heading(len(styles), "", title_text, ln.start, lines[j].end))
            i = j + 1
            continue
        clauses.append(_clause(ln.text, ln.start, ln.end, path))
        i += 1
    clauses.extend(ledger_clauses)
    clauses.sort(key=lambda c: c.start)
    return headings, clauses, ledger


def _push(styles: list[str], path: list[str], style: str, title: str) -> None:
    if style in styles:
        depth = styles.index(style)
        del styles[depth:]
        del path[depth:]
    elif style == "plain_leaf" and "plain_parent" in styles:
        depth = styles.index("plain_parent") + 1
        del styles[depth:]
        del path[depth:]
    styles.append(style)
    path.append(title)


def _clause(text: str, start: int, end: int, path: list[str]) -> Clause:
    lead: list[str] = []
    support: list[str] = []
    m = _BRACKET_AT_END.search(text)
    if m:
        lead, support = parse_responsibility(m.group(0))
    from planmap.read.dates import find_deadline

    return Clause(text, start, end, tuple(path), lead, support, find_deadline(text))
