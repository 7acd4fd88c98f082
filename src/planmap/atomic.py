"""Atomic writes: a file appears whole or not at all, so an interrupted build leaves no half files.

Files get the usual permissions of a new file (0644 under the common umask 022), not the
private 0600 of a temporary file, so a team can read a shared output folder. Temporary names
are short whatever the target's name, so a long (but valid) file name never overflows the
file system's name limit while it is being written.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: permissions of a new file under the process umask (read once: ``os.umask`` can only be read by setting it)
FILE_MODE = 0o666 & ~_umask()
#: permissions of a new folder under the process umask
DIR_MODE = 0o777 & ~_umask()


def _short_prefix(name: str) -> str:
    """A temporary-name prefix of at most 24 characters (72 bytes in UTF-8)."""
    return f".{name[:16]}."


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_short_prefix(target.name), suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, FILE_MODE)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(target: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically (newlines as given, no platform translation)."""
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
    return Path(target)


def write_bytes(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)
