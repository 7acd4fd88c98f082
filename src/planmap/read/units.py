"""Responsible units: the 牵头 / 责任 brackets that close a clause, split into names.

Plans write them as 〔牵头单位：A；责任单位：B、C〕, （牵头部门：A；责任部门：B）or just
[责任部门：A、B]. Where only 责任 units are given they are the units answerable for the
clause, so they are reported as lead units.
"""
from __future__ import annotations

import re

_LEAD = re.compile(r"(?:牵头|主责)(?:单位|部门)")
_SUPPORT = re.compile(r"(?:责任|配合|协办|参与|协同)(?:单位|部门)")
_FIELD = re.compile(r"((?:牵头|主责|责任|配合|协办|参与|协同)(?:单位|部门))\s*[:：]")
_SEP = re.compile(r"[、，,；;]")
_ADMIN_TAIL = re.compile(r"(?:区|县|市|旗|镇|乡|街道)$")
_GOV_TAIL = ("政府", "管委会", "人民政府")


def split_units(text: str) -> list[str]:
    """Split a list of unit names on 、，；, ignoring separators inside brackets.

    ``皇姑区、铁西区、法库县政府`` shares its tail: every bare place name gets ``政府``.
    """
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "（([〔【":
            depth += 1
        elif ch in "）)]〕】":
            depth = max(0, depth - 1)
        if depth == 0 and _SEP.match(ch):
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    names = [p.strip(" 。.\n\t") for p in parts]
    names = [n for n in names if n]
    # distribute a shared tail over a run of bare place names before it
    out = list(names)
    for idx, name in enumerate(names):
        tail = next((t for t in _GOV_TAIL if name.endswith(t) and len(name) > len(t)), None)
        if not tail:
            continue
        j = idx - 1
        while j >= 0 and _ADMIN_TAIL.search(names[j]) and not names[j].endswith(tail):
            out[j] = names[j] + tail
            j -= 1
    return out


def parse_responsibility(bracket: str) -> tuple[list[str], list[str]]:
    """Lead and supporting units of one responsibility bracket."""
    inner = bracket.strip().rstrip("。.").strip()
    inner = inner[1:-1] if len(inner) >= 2 else inner
    fields = list(_FIELD.finditer(inner))
    lead: list[str] = []
    support: list[str] = []
    for k, m in enumerate(fields):
        end = fields[k + 1].start() if k + 1 < len(fields) else len(inner)
        names = split_units(inner[m.end():end])
        if _LEAD.fullmatch(m.group(1)):
            lead.extend(names)
        elif _SUPPORT.fullmatch(m.group(1)):
            support.extend(names)
    if not lead and support:
        lead, support = support, []
    return _dedupe(lead), _dedupe(support)


def _dedupe(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
