"""Which files a run reads, and the id each plan gets.

Folders are walked recursively so a researcher can point planmap at a whole archive; hidden
files and files that are not documents are skipped (and listed when asked). Plan ids name the
output files, so they must be unique within a build, stable from run to run, and short enough
for any file system: two ``plan.txt`` in different folders, or ``x.txt`` beside ``x.html``,
would otherwise overwrite each other's maps.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

#: the document formats planmap reads, by file suffix
DOC_SUFFIXES = (".txt", ".docx", ".html", ".htm", ".pdf")

#: plan ids longer than this in UTF-8 bytes are shortened with a hash of the full stem. A
#: plan's files are named by its id (``<id>.geojson``, ``<id>.html``) and users and scorers
#: find them by the document's stem, so a stem is kept whole as long as a file system takes it:
#: 150 bytes (50 CJK characters, 150 ASCII ones) leave NAME_MAX (255 bytes) room for suffixes,
#: extensions and the temporary names of atomic writes
MAX_ID_BYTES = 150

# characters some file system, URL or shell treats specially, and control characters
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*#%&\u200e\u200f\u202a-\u202e\u2066-\u2069]')


@dataclass
class Inputs:
    """The documents a run reads, and what was skipped while walking folders (for ``-v``)."""

    paths: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def _matches(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    return any(fnmatch(rel, pat) or fnmatch(path.name, pat) for pat in patterns)


def expand_inputs(items: Iterable[str | Path], include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Inputs:
    """Files as given; folders walked recursively for documents, in a stable (sorted) order.

    A file named explicitly is always read (a bad one is then reported, not skipped). Inside
    folders, hidden files and folders and files without a document suffix are skipped;
    ``include`` globs (matched against the path below the folder or the file name) keep only
    matching documents, ``exclude`` globs drop matching ones.

    >>> from planmap.paths import sample_plan
    >>> [p.name for p in expand_inputs([sample_plan().parent]).paths]
    ['tieling_sample_plan.txt']
    """
    found = Inputs()
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve() if p.exists() else p
        if key not in seen:
            seen.add(key)
            found.paths.append(p)

    for item in items:
        p = Path(item)
        if not p.is_dir():
            add(p)
            continue
        for child in sorted(p.rglob("*"), key=lambda x: x.relative_to(p).parts):
            rel_parts = child.relative_to(p).parts
            if any(part.startswith(".") for part in rel_parts):
                if child.is_file():
                    found.skipped.append(child)
                continue
            if not child.is_file():
                continue
            if child.suffix.lower() not in DOC_SUFFIXES:
                found.skipped.append(child)
            elif include and not _matches(child, p, include):
                found.skipped.append(child)
            elif exclude and _matches(child, p, exclude):
                found.skipped.append(child)
            else:
                add(child)
    return found


def _clean(stem: str) -> str:
    """A stem safe as a file name on any system and in a URL, length-capped with a hash."""
    text = _UNSAFE.sub("_", stem).strip(" .") or "plan"
    if len(text.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES:
        digest = hashlib.sha1(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        head = text
        while len(head.encode("utf-8", "surrogatepass")) > MAX_ID_BYTES - 9:
            head = head[:-1]
        text = f"{head.rstrip(' .')}-{digest}"
    return text


def _path_hash(p: Path) -> str:
    return hashlib.sha1(p.as_posix().encode("utf-8", "surrogatepass")).hexdigest()[:8]


def plan_ids(paths: Sequence[Path]) -> list[str]:
    """One id per path: the file stem, made file-name safe; colliding stems get a suffix from the path.

    The suffix is the first of: the file's format, its folder's name, both, that tells the
    colliding files apart (``plan-a``/``plan-b`` for ``a/plan.txt`` and ``b/plan.txt``,
    ``x-txt``/``x-html``), else a hash of the path. Ids compare case-insensitively, so the
    outputs survive a copy to a case-insensitive file system.

    >>> plan_ids([Path("a/plan.txt"), Path("b/plan.txt"), Path("x.txt"), Path("x.html")])
    ['plan-a', 'plan-b', 'x-txt', 'x-html']
    """
    ids = [_clean(p.stem) for p in paths]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, pid in enumerate(ids):
        groups[pid.casefold()].append(i)
    rules: list[Callable[[Path], str]] = [
        lambda p: p.suffix[1:].lower(),
        lambda p: p.parent.name,
        lambda p: f"{p.parent.name}-{p.suffix[1:].lower()}",
    ]
    for members in groups.values():
        if len(members) < 2:
            continue
        for rule in rules:
            suffixes = [_clean(rule(paths[i])) if rule(paths[i]) else "" for i in members]
            if all(suffixes) and len({s.casefold() for s in suffixes}) == len(suffixes):
                break
        else:
            suffixes = [_path_hash(paths[i]) for i in members]
        for i, suffix in zip(members, suffixes, strict=True):
            ids[i] = _clean(f"{ids[i]}-{suffix}")
    # a suffixed id may now equal another file's own stem: settle with path hashes
    counts: dict[str, int] = defaultdict(int)
    for pid in ids:
        counts[pid.casefold()] += 1
    return [_clean(f"{pid}-{_path_hash(p)}") if counts[pid.casefold()] > 1 else pid for pid, p in zip(ids, paths, strict=True)]
