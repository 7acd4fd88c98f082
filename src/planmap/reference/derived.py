"""Derived reference data kept in the cache folder, keyed by the hash of what it is derived from.

Parsing a large CSV (46,000 towns, 650,000 villages) or building an automaton costs a second or
more per process; unpickling the result costs a few milliseconds. An entry's key hashes its
source files' bytes, its kind and a format version, so a changed file or layout makes a new
entry and the old one is removed; a damaged entry is rebuilt. Where the cache folder cannot be
written the data is derived in memory every run, as before. The keys, and the digests of
planmap's code and data that key a build's caches (planmap.cache), are remembered by the files'
stats (:class:`DigestMemo`), so an unchanged file is not hashed again.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


#: the digest memo's file in the cache folder (planmap.paths.cache_dir); a new layout gets a new name
MEMO_NAME = "file-digests-2.json"
#: a file modified more recently than this (seconds) is hashed, not remembered
RECENT = 2.0


class DigestMemo:
    """Digests of files' bytes, kept in the cache folder beside each file's size, modification
    time (ns) and inode, and reused while all three are unchanged, as Python reuses a ``.pyc``:
    hashing planmap's code and reference data (some 25 MB) for its cache keys cost a cold build
    some 60 ms. A digest of a file changed within the last two seconds is made every time (its
    modification time may not yet tell a second change from the first). Without a writable
    cache folder every digest is made. :meth:`save` writes the memo back when it learnt new ones.
    """

    def __init__(self, memo_path: Path | None) -> None:
        self._path = memo_path
        self._entries: dict[str, list] = {}
        self._changed = False
        if memo_path is not None:
            try:
                loaded = json.loads(memo_path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self._entries = loaded
            except (OSError, ValueError):
                pass  # missing or damaged: every digest is made once more

    def remember(self, purpose: str, paths: Sequence[Path], make: Callable[[], str]) -> str:
        """``make()``, a digest of the bytes of ``paths`` (all existing files), remembered under
        ``purpose`` (what is hashed, and how) while the files keep their stamps.
        """
        stats = [os.stat(p) for p in paths]
        stamp = [[st.st_size, st.st_mtime_ns, st.st_ino] for st in stats]
        key = json.dumps([purpose, *(os.fsdecode(os.path.abspath(p)) for p in paths)])
        known = self._entries.get(key)
        if isinstance(known, list) and len(known) == 2 and known[0] == stamp and isinstance(known[1], str):
            return known[1]
        value = make()
        if all(time.time() - st.st_mtime_ns / 1e9 > RECENT for st in stats):
            self._entries[key] = [stamp, value]
            self._changed = True
        return value

    def digest(self, path: Path) -> str:
        """The hex SHA-256 of the file's bytes (raises OSError like ``open``)."""
        return self.remember("sha256", [path], lambda: file_digest(path))

    def save(self) -> None:
        """Write the memo atomically if it changed; an unwritable cache folder is no error."""
        if not self._changed or self._path is None:
            return
        from planmap.atomic import write_text

        live = {k: v for k, v in self._entries.items() if _files_exist(k)}  # forget removed files
        try:
            write_text(self._path, json.dumps(live, sort_keys=True))
            self._changed = False
        except OSError:
            pass


def _files_exist(key: str) -> bool:
    try:
        return all(os.path.exists(p) for p in json.loads(key)[1:])
    except (ValueError, TypeError):
        return False


def digest_memo() -> DigestMemo:
    """A memo over the cache folder's remembered digests (``PLANMAP_CACHE`` or ``~/.cache/planmap``)."""
    from planmap.paths import cache_dir

    try:
        return DigestMemo(cache_dir() / MEMO_NAME)
    except OSError:
        return DigestMemo(None)


def file_digests(paths: list[Path]) -> list[str]:
    """The hex SHA-256 of each file, remembered between runs (see :class:`DigestMemo`)."""
    m = digest_memo()
    out = [m.digest(p) for p in paths]
    m.save()
    return out


def remembered(purpose: str, paths: Sequence[Path], make: Callable[[], str]) -> str:
    """``make()`` (a digest of the files' bytes), remembered between runs (see :class:`DigestMemo`)."""
    m = digest_memo()
    value = m.remember(purpose, paths, make)
    m.save()
    return value


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_key(kind: str, version: str, sources: Iterable[Path]) -> str:
    """A short hash of the sources' bytes, the kind and the format version (remembered between
    runs while the files keep their size and modification time: :class:`DigestMemo`).
    """
    sources = list(sources)

    def make() -> str:
        h = hashlib.sha256(f"{kind}\0{version}".encode())
        for path in sources:
            h.update(b"\0" + path.name.encode() + b"\0")
            if path.is_file():
                h.update(path.read_bytes())
        return h.hexdigest()[:20]

    if not all(p.is_file() for p in sources):
        return make()
    return remembered(f"derived source key {kind} {version}", sources, make)


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
    gc.collect()  # deriving leaves cyclic garbage; the build command runs with the collector paused
    if path is not None:
        store(path, value)
    return value
