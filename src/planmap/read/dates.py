"""Deadlines written the way plans write them, as ISO dates.

``2019年12月31日`` -> 2019-12-31; ``2019年6月底前`` -> 2019-06-30; ``2019年底前`` and a bare
``2019年`` -> 2019-12-31. A month without a year takes the year of the closest earlier date.
"""
from __future__ import annotations

import calendar
import re

_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH_END = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(?:底|末)")
_YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:底|末|年底|年末)")
_DEADLINE_CUE = re.compile(r"(前|以前|之前|完成|底|末)")


def to_iso(text: str, default_year: int | None = None) -> str | None:
    """The date a deadline cell or phrase names, or None."""
    text = text.strip()
    m = _FULL.search(text)
    if m:
        y, mo, d = map(int, m.groups())
        return _safe(y, mo, d)
    m = _MONTH_END.search(text)
    if m and (m.group(1) or default_year):
        y = int(m.group(1) or str(default_year))
        mo = int(m.group(2))
        if 1 <= mo <= 12:
            return _safe(y, mo, calendar.monthrange(y, mo)[1])
    m = _YEAR_END.search(text) or re.fullmatch(r"(\d{4})\s*年?", text)
    if m:
        return _safe(int(m.group(1)), 12, 31)
    return None


def find_deadline(sentence: str) -> str | None:
    """The latest deadline a clause sets (``…前完成``), or None when it sets none."""
    found: list[str] = []
    for rx in (_FULL, _MONTH_END, _YEAR_END):
        for m in rx.finditer(sentence):
            after = sentence[m.end(): m.end() + 4]
            if rx is _FULL and not _DEADLINE_CUE.search(after):
                continue
            iso = to_iso(m.group(0), _year_before(sentence, m.start()))
            if iso:
                found.append(iso)
    return max(found) if found else None


def _year_before(text: str, pos: int) -> int | None:
    years = re.findall(r"(\d{4})\s*年", text[:pos])
    return int(years[-1]) if years else None


def _safe(y: int, mo: int, d: int) -> str | None:
    if not (1900 <= y <= 2100 and 1 <= mo <= 12):
        return None
    d = min(max(d, 1), calendar.monthrange(y, mo)[1])
    return f"{y:04d}-{mo:02d}-{d:02d}"
