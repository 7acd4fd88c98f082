"""Strip what a web page or print layout wraps around a plan, and bodies pasted twice.

The line rules live in ``data/cleanup_rules.toml`` so a new site's furniture is a data
change. Everything here is linear in the text's length: one pass of per-line regexes,
and repeat detection by hashing paragraphs (no pairwise comparison).
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from planmap.read.textnorm import SENTENCE_END

_DATA = Path(__file__).resolve().parents[1] / "data" / "cleanup_rules.toml"
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")
_CLOSERS = SENTENCE_END + "”’」』"
_DATE_END = re.compile(r"(\d{1,2}日|印发|发布)$")


@dataclass(frozen=True)
class LineRule:
    """One rule of ``data/cleanup_rules.toml``: a kind of web furniture and how to spot it."""

    kind: str
    pattern: re.Pattern[str]
    max_len: int = 10**9
    cut: bool = False
    unless: re.Pattern[str] | None = None
    min_hits: int = 1


@dataclass(frozen=True)
class Rules:
    """The cleanup rules, compiled once."""

    lines: tuple[LineRule, ...]
    link: re.Pattern[str]
    inline: tuple[LineRule, ...] = ()
    link_kind: str = "contact"
    link_min_share: float = 0.5
    repeat_min_paragraphs: int = 3
    repeat_min_chars: int = 200
    duplicate_min_chars: int = 41
    truncated_min_chars: int = 40


@dataclass
class CleanResult:
    """Lines left after cleaning, with counts of what was removed and why."""

    lines: list[str]
    removed: Counter[str] = field(default_factory=Counter)
    cut: Counter[str] = field(default_factory=Counter)  # markers cut out of kept lines
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    """Read the cleanup rules (the packaged file unless ``path`` is given)."""
    with open(path or _DATA, "rb") as fh:
        data = tomllib.load(fh)
    lines = tuple(
        LineRule(
            kind=r["kind"],
            pattern=re.compile(r["pattern"]),
            max_len=int(r.get("max_len", 10**9)),
            cut=bool(r.get("cut", False)),
            unless=re.compile(r["unless"]) if r.get("unless") else None,
            min_hits=int(r.get("min_hits", 1)),
        )
        for r in data.get("rule", [])
    )
    inline = tuple(LineRule(kind=r["kind"], pattern=re.compile(r["pattern"])) for r in data.get("inline", []))
    link, rep = data.get("link", {}), data.get("repeat", {})
    return Rules(
        lines=lines,
        inline=inline,
        link=re.compile(link.get("pattern", r"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+")),
        link_kind=link.get("kind", "contact"),
        link_min_share=float(link.get("min_share", 0.5)),
        repeat_min_paragraphs=int(rep.get("min_paragraphs", 3)),
        repeat_min_chars=int(rep.get("min_chars", 200)),
        duplicate_min_chars=int(rep.get("duplicate_min_chars", 41)),
        truncated_min_chars=int(rep.get("truncated_min_chars", 40)),
    )


def _apply_rules(line: str, rules: Rules) -> tuple[str | None, str | None]:
    """The line as kept (None = dropped) and the kind of rule that fired."""
    for rule in rules.lines:
        if len(line) > rule.max_len:
            continue
        m: re.Match[str] | None = None
        if rule.min_hits > 1:
            if len(rule.pattern.findall(line)) < rule.min_hits:
                continue
        else:
            m = rule.pattern.search(line)
            if not m:
                continue
        if rule.unless and rule.unless.search(line):
            continue
        if rule.cut and m is not None:
            rest = line[: m.start()].rstrip()
            if _WORDLIKE.search(rest):
                return rest, rule.kind
        return None, rule.kind
    if "@" in line or "http" in line or "www." in line:
        linked = sum(len(m.group(0)) for m in rules.link.finditer(line))
        if linked and linked >= rules.link_min_share * len(line.replace(" ", "")):
            return None, rules.link_kind
    return line, None


def strip_chrome(lines: list[str], rules: Rules | None = None) -> CleanResult:
    """Drop web chrome, disclaimers, contact and credit lines, and cut link markers out of the
    lines kept; count what went.
    """
    rules = rules or load_rules()
    out: list[str] = []
    removed: Counter[str] = Counter()
    cut: Counter[str] = Counter()
    for line in lines:
        if not line:
            out.append(line)
            continue
        for rule in rules.inline:
            line, n = rule.pattern.subn("", line)
            if n:
                cut[rule.kind] += n
        kept, kind = _apply_rules(line, rules)
        if kind:
            removed[kind] += 1
        if kept is not None:
            out.append(kept)
    return CleanResult(out, removed, cut)


def drop_repeats(lines: list[str], rules: Rules | None = None) -> CleanResult:
    """Keep one copy of a body carried twice, and of long paragraphs repeated exactly.

    A paragraph seen before starts a candidate run, compared line by line with the text
    after its latest earlier occurrence and dropped when long enough. A failed candidate
    stops within ``min_chars`` characters (or ``min_paragraphs`` long lines) and a
    successful run is skipped, so this is linear.
    A trailing paragraph that is a prefix of its counterpart (a copy cut mid-sentence)
    goes with the run.
    """
    rules = rules or load_rules()
    idx = [i for i, line in enumerate(lines) if line]
    paras = [lines[i] for i in idx]
    last: dict[str, int] = {}  # latest kept occurrence: keeps failed candidates short
    drop = bytearray(len(paras))
    runs = dups = 0
    k = 0
    while k < len(paras):
        p = paras[k]
        j = last.get(p)
        if j is None:
            last[p] = k
            k += 1
            continue
        n = 0
        while k + n < len(paras) and j + n < k and paras[j + n] == paras[k + n]:
            n += 1
        end = k + n
        if end < len(paras) and j + n < k and len(paras[end]) >= 10 and paras[j + n].startswith(paras[end]):
            end += 1  # the later copy stops inside this paragraph
        chars = sum(len(paras[i]) for i in range(k, end))
        if end - k >= rules.repeat_min_paragraphs and chars >= rules.repeat_min_chars:
            for i in range(k, end):
                drop[i] = 1
            runs += 1
            k = end
            continue
        if len(p) >= rules.duplicate_min_chars:
            drop[k] = 1
            dups += 1
        else:
            last[p] = k
        k += 1
    result = CleanResult(list(lines))
    if runs or dups:
        dropped = {idx[i] for i in range(len(paras)) if drop[i]}
        result.lines = [line for i, line in enumerate(lines) if i not in dropped]
    if runs:
        result.warnings.append("body repeated; kept once")
    if dups:
        result.warnings.append(f"dropped {dups} duplicate paragraph(s)")
    return result


def is_truncated(lines: list[str], rules: Rules | None = None) -> bool:
    """Whether the text stops mid-sentence: a long last paragraph with no closing sign.

    Short last lines (a signature, a date, a ledger cell) are not judged.
    """
    rules = rules or load_rules()
    last = next((line for line in reversed(lines) if line), "")
    if len(last) < rules.truncated_min_chars or _DATE_END.search(last):
        return False
    return last[-1] not in _CLOSERS


def summarise(removed: Counter[str], cut: Counter[str] | None = None) -> str | None:
    """One warning line for the removal counts, or None when nothing was removed."""
    said = []
    total = sum(removed.values())
    if total:
        parts = ", ".join(f"{kind} {n}" for kind, n in sorted(removed.items()))
        said.append(f"removed {total} line(s) of web chrome ({parts})")
    for kind, n in sorted((cut or Counter()).items()):
        said.append(f"cut {n} {kind}(s) out of the text")
    return "; ".join(said) or None
