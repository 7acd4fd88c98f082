"""Printing an evaluation: the plain-text table of :func:`format_report` and the
``planmap evaluate`` command. The scoring itself prints nothing.
"""
from __future__ import annotations

import json
import sys

from planmap.errors import PlanmapError
from planmap.evaluation.records import EvaluationError, Report
from planmap.evaluation.scoring import evaluate
from planmap.evaluation.yardstick import evaluate_yardstick

# --------------------------------------------------------------------------- output


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _km(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def format_report(report: Report) -> str:
    """A plain-text table per document and overall, then missed and spurious names."""
    head = ("doc", "P", "R", "F1", "county", "<=5km", "<=25km", "med km", "line max")
    rows = []
    for d in [*report.docs, report.overall]:
        e, r, loc = d.extraction, d.regions, d.locations
        rows.append((
            d.doc + ("" if d.has_predictions else " (no predictions)"),
            _pct(e.precision), _pct(e.recall), _pct(e.f1),
            f"{_pct(r.accuracy)} ({r.correct}/{r.n})",
            _pct(loc.within_5km), _pct(loc.within_25km), _km(loc.median_km),
            _km(loc.line_max_km),
        ))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    fmt = lambda cells: "  ".join(  # noqa: E731
        str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
    )
    lines = [fmt(head), fmt(["-" * w for w in widths])]
    lines += [fmt(r) for r in rows[:-1]]
    lines.append(fmt(["-" * w for w in widths]))
    lines.append(fmt(rows[-1]))
    o = report.overall.extraction
    lines.append(f"tp={o.tp} fp={o.fp} fn={o.fn} neutral={len(o.neutral)}")
    for d in report.docs:
        e = d.extraction
        lines.append("")
        lines.append(f"{d.doc}: tp={e.tp} fp={e.fp} fn={e.fn} neutral={len(e.neutral)}")
        lines.append("  missed:   " + ("、".join(e.missed) if e.missed else "-"))
        lines.append("  spurious: " + ("、".join(e.spurious) if e.spurious else "-"))
        if d.regions.wrong:
            lines.append("  wrong region: " + "、".join(w["gold"] for w in d.regions.wrong))
    for w in report.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


def main_evaluate(pred: str | None, gold: str | None, as_json: bool = False, shared: str | None = None,
                  out: str | None = None) -> int:
    """``planmap evaluate [PRED GOLD] [--json]``: print the report; 2 on bad input.

    Without PRED and GOLD: build the documents that have gold and score them (the yardstick).
    """
    try:
        if pred is None and gold is None:
            report = evaluate_yardstick(shared, out)
        elif pred is None or gold is None:
            raise EvaluationError("give both PRED and GOLD, or neither (to build and score the gold documents)")
        else:
            report = evaluate(pred, gold)
    except PlanmapError as exc:
        print(f"planmap evaluate: error: {exc}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0
