"""File digests and derived-data keys remembered by stat: the same answer as hashing, and never stale."""
from __future__ import annotations

import hashlib
import os
import time

import pytest

from planmap.reference import derived as digests
from planmap.reference.derived import DigestMemo, file_digests


def _old_file(path, data: bytes, age: float = 100.0):
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_a_digest_is_the_sha256_of_the_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    f = _old_file(tmp_path / "a.csv", b"adcode,name\n")
    assert file_digests([f]) == [hashlib.sha256(b"adcode,name\n").hexdigest()]


def test_a_remembered_digest_is_not_hashed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    f = _old_file(tmp_path / "a.csv", b"x" * 1000)
    first = file_digests([f])
    assert (tmp_path / "cache" / digests.MEMO_NAME).is_file()

    def no_hashing(path):
        raise AssertionError(f"{path} hashed again")

    monkeypatch.setattr(digests, "file_digest", no_hashing)
    assert file_digests([f]) == first  # a new process would find it in the memo file


def test_a_changed_file_is_hashed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    f = _old_file(tmp_path / "a.csv", b"aaaa")
    assert file_digests([f]) == [hashlib.sha256(b"aaaa").hexdigest()]
    _old_file(f, b"bbbb", age=50.0)  # same size, another modification time
    assert file_digests([f]) == [hashlib.sha256(b"bbbb").hexdigest()]
    f.write_bytes(b"cc")  # just now: hashed, and not remembered until it is older
    assert file_digests([f]) == [hashlib.sha256(b"cc").hexdigest()]
    f.write_bytes(b"dd")  # changed again within the same instant: still right
    assert file_digests([f]) == [hashlib.sha256(b"dd").hexdigest()]


def test_a_replaced_file_with_the_same_stamp_is_hashed_again(tmp_path, monkeypatch):
    """Another file moved into place (a new inode) is not taken for the old one."""
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    f = _old_file(tmp_path / "a.csv", b"aaaa")
    file_digests([f])
    st = f.stat()
    g = tmp_path / "b.csv"
    g.write_bytes(b"bbbb")
    os.utime(g, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(g, f)
    assert file_digests([f]) == [hashlib.sha256(b"bbbb").hexdigest()]


def test_a_damaged_memo_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    f = _old_file(tmp_path / "a.csv", b"aaaa")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / digests.MEMO_NAME).write_text("{not json", encoding="utf-8")
    assert file_digests([f]) == [hashlib.sha256(b"aaaa").hexdigest()]
    assert file_digests([f]) == [hashlib.sha256(b"aaaa").hexdigest()]


def test_without_a_memo_file_every_file_is_hashed(tmp_path):
    f = _old_file(tmp_path / "a.csv", b"aaaa")
    m = DigestMemo(None)
    assert m.digest(f) == hashlib.sha256(b"aaaa").hexdigest()
    m.save()  # nowhere to save: no error


def test_a_missing_file_raises(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    with pytest.raises(OSError):
        file_digests([tmp_path / "missing.csv"])


def test_the_code_and_data_version_follows_a_changed_data_file(tmp_path, monkeypatch):
    """The build's cache key sees an edited reference file even when the memo knew the old one."""
    import shutil

    from planmap import cache
    from planmap.paths import geodata_dir

    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "geodata"
    data.mkdir()
    for name in ("admin_units.csv", "features.csv"):
        shutil.copy2(geodata_dir() / name, data / name)
    monkeypatch.setenv("PLANMAP_GEODATA", str(data))
    cache.code_and_data_version.cache_clear()
    try:
        before = cache.code_and_data_version()
        cache.code_and_data_version.cache_clear()
        assert cache.code_and_data_version() == before
        features = data / "features.csv"
        features.write_text(features.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        cache.code_and_data_version.cache_clear()
        assert cache.code_and_data_version() != before
    finally:
        cache.code_and_data_version.cache_clear()


def test_a_remembered_key_is_the_one_made_and_follows_its_files(tmp_path, monkeypatch):
    """The derived data's source keys keep their values; remembered, they still see an edit."""
    from planmap.reference import derived

    monkeypatch.setenv("PLANMAP_CACHE", str(tmp_path / "cache"))
    a = _old_file(tmp_path / "a.csv", b"name\n")
    b = _old_file(tmp_path / "b.csv", b"code\n")

    def made(kind: str, version: str) -> str:
        h = hashlib.sha256(f"{kind}\0{version}".encode())
        for path in (a, b):
            h.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
        return h.hexdigest()[:20]

    first = derived.source_key("towns", "1", [a, b])
    assert first == made("towns", "1")
    monkeypatch.setattr(digests, "file_digest", lambda p: pytest.fail("hashed again"))
    assert derived.source_key("towns", "1", [a, b]) == first  # from the memo
    assert derived.source_key("towns", "2", [a, b]) == made("towns", "2")  # another purpose
    _old_file(b, b"codes\n", age=50.0)
    assert derived.source_key("towns", "1", [a, b]) == made("towns", "1") != first
