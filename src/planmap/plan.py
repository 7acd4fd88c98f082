"""``read_plan``: a document file becomes a Plan (metadata, clean text, outline, warnings).

This is the first stage of the pipeline used on its own; everything later takes a Plan.
"""
from __future__ import annotations

from pathlib import Path

from planmap.models import Plan
from planmap.place.homeregion import find_home_region
from planmap.read.documents import read_document
from planmap.read.outline import parse_outline


def read_plan(path: str | Path) -> Plan:
    """Read a plan document (.txt/.docx/.html/.pdf) into a :class:`Plan`.

    Raises :class:`planmap.errors.DocumentError` naming the file when it cannot be read.

    >>> from planmap.paths import sample_plan
    >>> plan = read_plan(sample_plan())
    >>> plan.home_region.adcode, plan.home_region.name
    ('211200', '铁岭市')
    """
    doc = read_document(path)
    meta = doc.metadata
    headings, clauses, ledger = parse_outline(doc.text, meta.title)
    warnings = list(doc.warnings)
    home = find_home_region(doc.text, meta.title, meta.issuer, meta.doc_number)
    if home is None:
        warnings.append("home region not found; geocoding has no prior")
    return Plan(
        id=doc.id,
        path=str(doc.path),
        format=doc.format,
        encoding=doc.encoding,
        title=meta.title,
        issuer=meta.issuer,
        date=meta.date,
        doc_number=meta.doc_number,
        home_region=home,
        text=doc.text,
        original_text=doc.original_text,
        headings=headings,
        clauses=clauses,
        ledger=ledger,
        warnings=warnings,
    )
