"""The records that flow between the pipeline's stages.

documents -> Plan (metadata, clean text, outline) -> Project -> geocoded GeoDataFrame.
Plain dataclasses, so each stage can be used and tested on its own and serialised to JSON.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Region:
    """An administrative unit named by a 6-digit adcode (GB/T 2260)."""

    adcode: str
    name: str
    level: str  # "province" | "city" | "county"
    province: str = ""
    city: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Heading:
    """A heading of the plan's outline."""

    level: int  # 1 = top
    marker: str  # "一、", "（一）", "1.", "（1）", "■", "" for unnumbered headings
    title: str
    start: int
    end: int


@dataclass
class Clause:
    """A block of body text under a heading, with the responsibility bracket that closes it."""

    text: str  # clean text of the clause, bracket included
    start: int  # offsets into Plan.text
    end: int
    section: tuple[str, ...]  # heading titles from the top down
    lead_units: list[str] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)
    deadline: str | None = None  # ISO date
    kind: str = "paragraph"  # "paragraph" | "ledger" | "heading" (a heading read as text)

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)


@dataclass
class LedgerRow:
    """One row of a flattened work ledger (序号 / 任务 / 牵头单位 / 责任人 / 完成时限)."""

    number: str
    task: str
    lead_units: list[str]
    persons: list[str]
    deadline: str | None  # ISO date
    note: str
    start: int
    end: int


@dataclass
class Plan:
    """A plan document read into clean text, metadata and an outline."""

    id: str  # file stem
    path: str
    format: str
    encoding: str | None
    title: str
    issuer: str
    date: str | None  # ISO date
    doc_number: str
    home_region: Region | None
    text: str  # clean, normalised, simplified script
    original_text: str  # the same text before script conversion (for display)
    headings: list[Heading] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def outline_depth(self) -> int:
        return max((h.level for h in self.headings), default=0)

    def clause_at(self, offset: int) -> Clause | None:
        """The clause holding a character offset of ``text``."""
        for clause in self.clauses:
            if clause.start <= offset < clause.end:
                return clause
        return None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by ``planmap inspect --json``."""
        return {
            "file": self.path,
            "id": self.id,
            "format": self.format,
            "encoding": self.encoding,
            "title": self.title,
            "issuer": self.issuer,
            "date": self.date,
            "doc_number": self.doc_number,
            "home_region": self.home_region.to_dict() if self.home_region else None,
            "outline": [
                {
                    "section": list(c.section),
                    "kind": c.kind,
                    "start": c.start,
                    "end": c.end,
                    "text": c.text,
                    "lead_units": c.lead_units,
                    "support_units": c.support_units,
                    "deadline": c.deadline,
                }
                for c in self.clauses
            ],
            "headings": [asdict(h) for h in self.headings],
            "ledger": [asdict(r) for r in self.ledger],
            "warnings": list(self.warnings),
        }

    def _repr_html_(self) -> str:
        from html import escape

        region = self.home_region.name if self.home_region else "?"
        return (
            f"<b>{escape(self.title or self.id)}</b><br>"
            f"{escape(self.issuer)} · {escape(self.date or '')} · {escape(self.doc_number)}<br>"
            f"home region: {escape(region)} · {len(self.headings)} headings · "
            f"{len(self.clauses)} clauses · {len(self.ledger)} ledger rows · "
            f"{len(self.warnings)} warnings"
        )


@dataclass
class Figure:
    """A number the plan gives for a project: length, count, capacity, money."""

    kind: str  # "length" | "count" | "capacity" | "investment" | "area"
    value: float
    unit: str
    text: str  # the verbatim span


@dataclass
class Project:
    """A mappable project found in a plan, with the evidence a reviewer needs."""

    name: str
    category: str
    geom: str  # "point" | "line" | "area"
    plan: str
    section: str
    evidence: str
    span: tuple[int, int]
    lead_units: list[str] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)
    deadline: str | None = None
    figures: list[Figure] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    work: str = ""  # the shared work word of an enumeration (河道治理, 建设)
    endpoints: list[str] = field(default_factory=list)  # route ends, in order
    clause_start: int = 0
    clause_end: int = 0
    # the name as the document writes it (traditional stays traditional); ``name`` is its
    # simplified form, which matching and geocoding use
    original_name: str = ""
    # stable id, the same for the same plan and name key in every run: assigned once, by extraction
    id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain values (what ``dataclasses.asdict`` gives, spans as lists), built
        field by field: ``asdict`` deep-copies through every value and costs more than placing.
        """
        return {
            "name": self.name, "category": self.category, "geom": self.geom, "plan": self.plan,
            "section": self.section, "evidence": self.evidence, "span": list(self.span),
            "lead_units": list(self.lead_units), "support_units": list(self.support_units),
            "deadline": self.deadline,
            "figures": [{"kind": f.kind, "value": f.value, "unit": f.unit, "text": f.text} for f in self.figures],
            "mentions": [list(m) for m in self.mentions], "aliases": list(self.aliases), "work": self.work,
            "endpoints": list(self.endpoints), "clause_start": self.clause_start, "clause_end": self.clause_end,
            "original_name": self.original_name, "id": self.id,
        }


def plan_id(path: str | Path) -> str:
    """A plan's id is its file stem."""
    return Path(path).stem
