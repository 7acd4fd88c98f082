"""Per-document results kept between builds, so a rebuild redoes only new or changed documents.

An entry is keyed by the document's bytes, its format (suffix), the planmap code and
reference data it was made with, and the overrides file: change any of them and the
document is redone. The plan id and file name are part of the key (a plan's cached exports
carry them), its folder is not: moving a file costs nothing, renaming it redoes it. Entries live in the output
folder's ``.planmap-cache/`` (only those of the current documents are carried into the new
output set, so vanished documents leave nothing behind) or under ``PLANMAP_CACHE``.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from planmap.atomic import write_bytes
from planmap.reference.derived import file_digest

if TYPE_CHECKING:
    from planmap.pipeline import DocumentResult

#: the cache folder's name inside an output folder
FOLDER = ".planmap-cache"


def _hash_tree(h: hashlib._Hash, root: Path, suffixes: tuple[str, ...] | None = None) -> None:
    """Each file's path and digest (remembered between runs: planmap.reference.derived.DigestMemo)."""
    from planmap.reference.derived import file_digests

    if not root.is_dir():
        return
    files = [p for p in sorted(root.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts and (suffixes is None or p.suffix in suffixes)]
    for p, digest in zip(files, file_digests(files), strict=True):
        h.update(p.relative_to(root).as_posix().encode("utf-8", "surrogatepass") + b"\0")
        h.update(digest.encode() + b"\0")


@lru_cache(maxsize=1)
def code_and_data_version() -> str:
    """A digest of planmap's version, its code and rules, and the reference geodata."""
    from planmap import __version__
    from planmap.paths import geodata_dir

    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    _hash_tree(h, package, (".py", ".toml", ".csv", ".txt", ".json", ".gz"))
    h.update(b"\0geodata\0")
    _hash_tree(h, geodata_dir())
    return h.hexdigest()


@lru_cache(maxsize=1)
def maps_version() -> str:
    """:func:`code_and_data_version` plus every packaged asset the maps use (templates, styles, vendored code)."""
    h = hashlib.sha256(code_and_data_version().encode())
    _hash_tree(h, Path(__file__).resolve().parent / "data")
    return h.hexdigest()


def map_key(*parts: object, frames: tuple = (), rows: tuple = ()) -> str:
    """The key of one map page: what it shows (its projects and counties as GeoJSON) and how.

    ``frames``: frames hashed whole; ``rows``: sequences of :func:`row_digests` (digests made
    once for a frame's rows, so thousands of pages showing subsets of one frame are keyed
    without hashing the same rows again for each page).
    """
    import json

    h = hashlib.sha256(maps_version().encode())
    h.update(json.dumps([str(p) for p in parts], ensure_ascii=False).encode())
    for frame in frames:
        h.update(b"\0")
        if not len(frame):
            continue
        import shapely

        geometry = frame.geometry.name  # once: each frame.geometry builds a GeoSeries
        cols = [c for c in frame.columns if c != geometry]
        h.update(json.dumps([cols, *zip(*(frame[c].tolist() for c in cols), strict=True)], ensure_ascii=False,
                            default=str).encode())
        h.update(b"".join(w or b"-" for w in shapely.to_wkb(frame.geometry.values, hex=False)))
    for digests in rows:
        h.update(b"\1")
        h.update(b"".join(digests))
    return h.hexdigest()


def row_digests(frame: object) -> list[bytes]:
    """One SHA-256 per row of a GeoDataFrame: its column names, values and geometry (WKB)."""
    import json

    import shapely

    if not len(frame):  # type: ignore[arg-type]
        return []
    geometry = frame.geometry.name  # type: ignore[attr-defined]
    cols = [c for c in frame.columns if c != geometry]  # type: ignore[attr-defined]
    head = json.dumps(cols, ensure_ascii=False).encode() + b"\0"
    values = zip(*(frame[c].tolist() for c in cols), strict=True)  # type: ignore[index]
    wkb = shapely.to_wkb(frame.geometry.values, hex=False)  # type: ignore[attr-defined]
    return [hashlib.sha256(head + json.dumps(list(v), ensure_ascii=False, default=str).encode() + b"\0"
                           + (w or b"-")).digest() for v, w in zip(values, wkb, strict=True)]


def reuse(old: Path, new: Path) -> Path:
    """Put the previous output set's copy of a page into the new set (a hard link when possible)."""
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)
    except OSError:
        write_bytes(new, old.read_bytes())
    return new


def entry_key(path: Path, overrides: str | None, plan_id: str = "", boundaries: str | None = None) -> str:
    """The cache key of one document under the current code, data and overrides.

    The plan id, file name and county boundaries are part of it: the cached export pieces
    carry the project ids (made from the plan id), the file name and the county join.
    """
    h = hashlib.sha256(code_and_data_version().encode())
    h.update(b"\0" + path.suffix.lower().encode())
    h.update(b"\0" + plan_id.encode("utf-8", "surrogatepass") + b"\0" + path.name.encode("utf-8", "surrogatepass"))
    h.update(b"\0" + (boundaries or os.environ.get("PLANMAP_BOUNDARIES", "simplified")).encode())
    h.update(b"\0" + (file_digest(Path(overrides)).encode() if overrides else b"-"))
    h.update(b"\0" + file_digest(path).encode())
    return h.hexdigest()


def cache_folder(out: Path) -> Path:
    """Where entries are read from: ``PLANMAP_CACHE/results`` or the output folder's own cache."""
    env = os.environ.get("PLANMAP_CACHE")
    return Path(env) / "results" if env else Path(out) / FOLDER


def load(folder: Path, key: str, path: str, plan_id: str) -> DocumentResult | None:
    """The cached result of a document, re-labelled with its current path and id; None on a miss."""
    entry = folder / key[:2] / f"{key}.pickle"
    try:
        with open(entry, "rb") as fh:
            result = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None  # missing or unreadable entry: redo the document
    if result.plan is None or result.projects is None or result.pieces is None or result.plan_id != plan_id:
        return None
    result.path, result.cached = path, True
    result.plan.path = path  # the same file name (it is in the key), maybe in another folder
    return result


def store(folder: Path, key: str, result: DocumentResult) -> Path | None:
    """Keep a successful result; failures are not cached (the next build tries again)."""
    if result.error or result.plan is None:
        return None
    entry = folder / key[:2] / f"{key}.pickle"
    if entry.is_file():
        return entry
    # stage timings differ from run to run: kept out, so identical input gives identical bytes
    kept = dataclasses.replace(result, seconds={})
    return write_bytes(entry, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))


def store_bytes(folder: Path, key: str, data: bytes) -> Path:
    """Keep a result already pickled (by :func:`planmap.pipeline.document_task`, without timings)."""
    entry = folder / key[:2] / f"{key}.pickle"
    if entry.is_file():
        return entry
    return write_bytes(entry, data)


def carry(old: Path, new: Path, key: str) -> None:
    """Bring one entry from the previous output set's cache into the new set's (a hard link when possible)."""
    src = old / key[:2] / f"{key}.pickle"
    dst = new / key[:2] / f"{key}.pickle"
    if not src.is_file() or dst.exists():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        write_bytes(dst, src.read_bytes())
