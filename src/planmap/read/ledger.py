"""Work ledgers (工作台账) that web pages flatten into one cell per line.

A ledger starts at a header run such as 序号 / 工作目标任务 / 牵头单位 / 责任人 / 完成时限 / 备注;
each row starts with its number on a line of its own. Within a row the cells come in header
order, but a cell may hold several lines (two lead units, three persons), so cells are
recognised by what they look like: the task is prose, a deadline is a date, a person is a
two-to-four character name, anything else between task and persons is a unit.
"""
from __future__ import annotations

import re

from planmap.models import Clause, LedgerRow
from planmap.read.dates import to_iso

_HEADER_WORDS = {
    "number": ("序号", "编号"),
    "task": ("工作目标任务", "工作任务", "目标任务", "重点任务", "任务", "工作内容", "项目名称", "建设内容"),
    "lead": ("牵头单位", "责任单位", "牵头部门", "责任部门"),
    "person": ("责任人", "联系人"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限"),
    "note": ("备注",),
}
_UNIT_TAIL = re.compile(
    r"(局|乡|镇|街道|办事处|办|委|室|院|所|中心|公司|部|处|科|队|会|厅|政府|管委会|集团|站)$"
)
_PERSON = re.compile(r"^[\u4e00-\u9fff]{1,2}\s*[\u4e00-\u9fff]{1,2}$")
_DATEISH = re.compile(r"^\d{4}\s*年|^\d{1,2}\s*月|^\d{4}[-/.]\d{1,2}")


def _header_kind(line: str) -> str | None:
    for kind, words in _HEADER_WORDS.items():
        if line in words:
            return kind
    return None


def find_ledger(text: str) -> tuple[list[LedgerRow], list[Clause], tuple[int, int] | None]:
    """Rows of the first ledger table in ``text``, their clauses, and the table's span."""
    lines = []
    pos = 0
    for raw in text.split("\n"):
        s = raw.strip()
        lines.append((s, pos + (len(raw) - len(raw.lstrip()))))
        pos += len(raw) + 1
    nonempty = [(s, p) for s, p in lines if s]
    # header: a run of at least three header words, starting with 序号
    start_idx = None
    for k, (s, _) in enumerate(nonempty):
        if _header_kind(s) == "number":
            kinds = [_header_kind(x) for x, _ in nonempty[k:k + 7]]
            run = 0
            for kd in kinds:
                if kd is None:
                    break
                run += 1
            if run >= 3:
                start_idx = k
                break
    if start_idx is None:
        return [], [], None
    title = nonempty[start_idx - 1][0] if start_idx > 0 else "台账"
    k = start_idx
    while k < len(nonempty) and _header_kind(nonempty[k][0]):
        k += 1
    body = nonempty[k:]
    # row starts: a line that is the next expected number
    starts = []
    expected = 1
    for idx, (s, _) in enumerate(body):
        if s == str(expected):
            starts.append(idx)
            expected += 1
    rows: list[LedgerRow] = []
    clauses: list[Clause] = []
    table_start = nonempty[start_idx - 1][1] if start_idx > 0 else nonempty[start_idx][1]
    table_end = table_start
    for r, idx in enumerate(starts):
        end_idx = starts[r + 1] if r + 1 < len(starts) else len(body)
        cells = body[idx + 1:end_idx]
        if r + 1 == len(starts):
            cells = _trim_trailing_prose(cells)
        if not cells:
            continue
        row = _parse_row(body[idx][0], cells)
        rows.append(row)
        task_text, task_pos = cells[0]
        clauses.append(Clause(task_text, task_pos, task_pos + len(task_text), (title, f"{row.number}"),
                              row.lead_units, [], row.deadline, kind="ledger"))
        last_s, last_p = cells[-1]
        table_end = last_p + len(last_s)
    if not rows:
        return [], [], None
    return rows, clauses, (table_start, table_end)


def _trim_trailing_prose(cells: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The last row ends at its deadline; prose after it belongs to the document."""
    for k, (s, _) in enumerate(cells):
        if k > 0 and _DATEISH.match(s):
            end = k + 1
            while end < len(cells) and _DATEISH.match(cells[end][0]):
                end += 1
            return cells[:end]
    return cells


def _parse_row(number: str, cells: list[tuple[str, int]]) -> LedgerRow:
    task, task_pos = cells[0]
    rest = [s for s, _ in cells[1:]]
    date_parts: list[str] = []
    units: list[str] = []
    persons: list[str] = []
    note = ""
    for s in rest:
        if _DATEISH.match(s):
            date_parts.append(s)
        elif date_parts:
            note = (note + s).strip()
        elif _PERSON.match(s) and not _UNIT_TAIL.search(s.replace(" ", "")):
            persons.append(re.sub(r"\s+", "", s))
        elif persons:
            # a unit after persons would be odd; treat it as a continuation of the note
            note = (note + s).strip()
        else:
            units.append(s)
    # a unit split over two lines (综合监管和 / 执法局) is joined
    joined: list[str] = []
    for u in units:
        if joined and re.search(r"[和及与、]$", joined[-1]):
            joined[-1] += u
        else:
            joined.append(u)
    deadline = to_iso("".join(date_parts)) if date_parts else None
    last = cells[-1]
    return LedgerRow(number, task, joined, persons, deadline, note, task_pos, last[1] + len(last[0]))
