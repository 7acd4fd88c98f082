"""Derived reference data kept in the cache folder, keyed by the hash of what it is derived from.

Parsing a large CSV (46,000 towns, 650,000 villages) or building an automaton costs a second or
more per process; unpickling the result costs a few milliseconds. An entry's key hashes its
source files' bytes, its kind and a format version, so a changed file or layout makes a new
entry and the old one is removed; a damaged entry is rebuilt. Where the cache folder cannot be
written the data is derived in memory every run, as before.
"""
from __future__ import annotations

import gc
import hashlib
import pickle
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def source_key(kind: str, version: str, sources: Iterable[Path]) -> str:
    """A short hash of the sources' bytes, the kind and the format version."""
    h = hashlib.sha256(f"{kind}\0{version}".encode())
    for path in sources:
        h.update(b"\0" + path.name.encode() + b"\0")
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:20]


def entry_folder(kind: str) -> Path | None:
    """The folder of one kind of derived data, or None when no cache folder can be made."""
    from planmap.paths import cache_dir

    try:
        return cache_dir() / kind
    except OSError:
        return None


def load(path: Path) -> Any:
    """The unpickled entry, or None when it is missing or unreadable.

    The cyclic garbage collector is paused while tens of thousands of objects are made: an entry
    holds no garbage, and the collector's passes over the growing heap cost a third of the load.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is rebuilt
        return None
    finally:
        if enabled:
            gc.enable()


#: entries kept per kind (the shipped data, a test's or an older release's): the oldest go
KEEP = 4


def write(path: Path, value: object) -> None:
    """Pickle ``value`` to ``path`` atomically (raises OSError)."""
    from planmap.atomic import write_bytes

    write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def store(path: Path, value: object) -> None:
    """Write an entry atomically; drop the oldest entries of its kind beyond KEEP."""
    try:
        write(path, value)
    except OSError:
        return
    prune(path.parent)


def prune(folder: Path) -> None:
    """Remove all but the KEEP newest entries (files or folders) of a kind's folder."""
    try:
        entries = sorted((p for p in folder.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in entries[KEEP:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def cached(kind: str, version: str, sources: Iterable[Path], build: Callable[[], T],
           check: Callable[[Any], bool]) -> T:
    """``build()``'s value, from the cache when an entry for these sources exists and passes ``check``."""
    sources = list(sources)
    folder = entry_folder(kind)
    path = folder / f"{source_key(kind, version, sources)}.pickle" if folder is not None else None
    if path is not None and path.is_file():
        value = load(path)
        if value is not None and check(value):
            return value
    value = build()
    if path is not None:
        store(path, value)
    return value
