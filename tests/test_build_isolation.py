"""One bad document never costs the others; options are checked first; outputs switch in whole."""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from planmap.builder import build
from planmap.cli import main, sample_plan
from planmap.errors import BuildError, OutputError, UsageError
from planmap.inputs import MAX_ID_BYTES, expand_inputs, plan_ids

# Short synthetic texts (not taken from any real plan).
TAIWAN = "关于推进台湾地区交流合作项目的通知\n\n一、重点项目\n（一）建设台北市信义区体育公园。\n（二）推进高雄市港口物流园区建设。\n"
NOTICE = "关于做好节日期间安全工作的通知\n\n各单位要高度重视，认真做好值班值守工作。\n"
LONG_STEM = "铁岭市" + "关于印发重点项目建设三年行动方案的通知附件" * 3 + "终稿"  # 66 characters, 198 bytes


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A folder of good, bad, empty, colliding, long-named, hidden and non-document files."""
    root = tmp_path_factory.mktemp("batch")
    docs = root / "docs"
    for sub in ("a", "b", "deep/er"):
        (docs / sub).mkdir(parents=True)
    shutil.copy(sample_plan(), docs / "a" / "plan.txt")
    shutil.copy(sample_plan(), docs / "b" / "plan.txt")
    shutil.copy(sample_plan(), docs / "deep" / "er" / "x.txt")
    (docs / "deep" / "er" / "x.html").write_text(
        "<html><head><title>x</title></head><body><p>" + sample_plan().read_text(encoding="utf-8").replace("\n", "</p><p>")
        + "</p></body></html>", encoding="utf-8")
    shutil.copy(sample_plan(), docs / f"{LONG_STEM}.txt")
    (docs / "taiwan.txt").write_text(TAIWAN, encoding="utf-8")
    (docs / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (docs / "empty.txt").write_text("", encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"\x00\x01 not a pdf")
    (docs / ".hidden.txt").write_text(NOTICE, encoding="utf-8")
    (docs / "notes.md").write_text("not a plan", encoding="utf-8")
    out = root / "out"
    code = main(["build", str(docs), "--out", str(out), "-q", "--workers", "1", "-v"])
    return root, docs, out, code


def test_a_bad_batch_builds_every_good_document(batch, capfd):
    root, docs, out, code = batch
    assert code == 3
    plans = sorted(p.name for p in (out / "plans").glob("*.html"))
    # 5 copies of the sample, the Taiwan plan and the notice (no projects) are built
    assert len(plans) == 7, plans
    assert {"plan-a.html", "plan-b.html", "x-txt.html", "x-html.html", "taiwan.html", "notice.html"} <= set(plans)
    long_id = next(p for p in plans if p.startswith("铁岭市"))
    assert len(long_id.encode()) <= MAX_ID_BYTES + len(".html")
    geojsons = sorted(p.name for p in (out / "data" / "plans").glob("*.geojson"))
    assert [g.removesuffix(".geojson") for g in geojsons] == [p.removesuffix(".html") for p in plans]


def test_each_failure_is_one_line_naming_the_file(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(sample_plan(), docs / "good.txt")
    (docs / "empty.txt").write_text("", encoding="utf-8")
    (docs / "broken.pdf").write_bytes(b"\x00\x01 not a pdf")
    (docs / "notes.md").write_text("not a plan", encoding="utf-8")
    code = main(["build", str(docs), "--out", str(tmp_path / "out"), "-q", "--workers", "1", "-v"])
    err = _lines(capsys.readouterr().err)
    assert code == 3
    errors = [line for line in err if line.startswith("error: ")]
    assert len(errors) == 2, err
    assert any(str(docs / "empty.txt") in line for line in errors)
    assert any(str(docs / "broken.pdf") in line for line in errors)
    assert f"skipped (not a document): {docs / 'notes.md'}" in err
    assert not any("Traceback" in line for line in err)


def test_project_ids_are_unique_across_colliding_plans(batch):
    _, _, out, _ = batch
    import json

    features = json.loads((out / "data" / "projects.geojson").read_text(encoding="utf-8"))["features"]
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)) > 20
    plan_a = json.loads((out / "data" / "plans" / "plan-a.geojson").read_text(encoding="utf-8"))["features"]
    assert plan_a and {f["properties"]["plan"] for f in plan_a} == {"plan-a"}


def test_a_plan_about_taiwan_and_a_plan_without_projects_are_built(tmp_path):
    (tmp_path / "taiwan.txt").write_text(TAIWAN, encoding="utf-8")
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    result = build([tmp_path / "taiwan.txt", tmp_path / "notice.txt"], out=tmp_path / "out")
    assert result.failures == []
    assert [p.id for p in result.plans] == ["taiwan", "notice"]
    assert result.plans[0].home_region is not None and result.plans[0].home_region.adcode == "710000"
    assert (tmp_path / "out" / "plans" / "notice.html").is_file()
    assert (tmp_path / "out" / "data" / "projects.gpkg").is_file()


def test_plan_ids_from_paths():
    assert plan_ids([Path("a/plan.txt"), Path("b/plan.txt")]) == ["plan-a", "plan-b"]
    assert plan_ids([Path("d/x.txt"), Path("d/x.html")]) == ["x-txt", "x-html"]
    assert plan_ids([Path("a/X.txt"), Path("b/x.txt")]) == ["X-a", "x-b"]  # case-insensitive file systems
    same = plan_ids([Path("a/p/q.txt"), Path("b/p/q.txt")])  # neither format nor folder tells them apart
    assert len(set(same)) == 2 and all(s.startswith("q-") for s in same)
    assert plan_ids([Path("plan.txt")]) == ["plan"]
    long = plan_ids([Path(LONG_STEM + ".txt")])[0]
    assert MAX_ID_BYTES - 3 < len(long.encode()) <= MAX_ID_BYTES and long.startswith(LONG_STEM[:20])
    assert plan_ids([Path(LONG_STEM + ".txt")]) == [long]  # stable
    assert plan_ids([Path('a<b>:"c|?*.txt')]) == ["a_b___c___"]
    # a long slug of a data set is kept whole: users and scorers find a plan's files by its stem
    slug = "na04_heilongjiang_provincial_yearbook_infrastructure_section_2016"
    assert plan_ids([Path(slug + ".txt")]) == [slug]
    # a suffixed id may not take another file's own name
    ids = plan_ids([Path("a/plan.txt"), Path("b/plan.txt"), Path("c/plan-a.txt")])
    assert len(set(ids)) == 3


def test_folders_are_walked_recursively_with_globs(tmp_path):
    for rel in ("2026/gwr/a.txt", "2026/gwr/b.pdf", "2011/news/c.html", ".git/x.txt", "d/.e.txt", "f.md", "g.TXT"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = expand_inputs([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found.paths] == [
        "2011/news/c.html", "2026/gwr/a.txt", "2026/gwr/b.pdf", "g.TXT"]
    assert {p.relative_to(tmp_path).as_posix() for p in found.skipped} == {".git/x.txt", "d/.e.txt", "f.md"}
    only = expand_inputs([tmp_path], include=["2026/*"], exclude=["*.pdf"])
    assert [p.name for p in only.paths] == ["a.txt"]
    assert [p.name for p in expand_inputs([tmp_path / "f.md"]).paths] == ["f.md"]  # named files are kept


# ---------------------------------------------------------------- usage errors (exit 2), before any work

def test_missing_or_folder_overrides_are_usage_errors(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    missing = tmp_path / "nope.csv"
    assert main(["build", str(sample_plan()), "--out", str(out), "-q", "--overrides", str(missing)]) == 2
    assert _lines(capsys.readouterr().err) == [
        f"error: {missing}: overrides file not found (--overrides); give a CSV in the format of geodata/features.csv"]
    assert main(["build", str(sample_plan()), "--out", str(out), "-q", "--overrides", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err
    monkeypatch.setenv("PLANMAP_OVERRIDES", str(missing))
    assert main(["build", str(sample_plan()), "--out", str(out), "-q"]) == 2
    assert "PLANMAP_OVERRIDES" in capsys.readouterr().err
    assert not out.exists()


def test_a_malformed_overrides_file_is_a_one_line_usage_error(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("name,lon\n腰堡镇康养基地,\xff\xfe\n".encode("utf-16"))
    code = main(["build", str(sample_plan()), "--out", str(tmp_path / "out"), "-q", "--overrides", str(bad)])
    err = _lines(capsys.readouterr().err)
    assert code == 2
    assert len(err) == 1 and str(bad) in err[0]


def test_out_naming_a_file_or_a_foreign_folder_is_refused(tmp_path, capsys):
    a_file = tmp_path / "file.txt"
    a_file.write_text("mine", encoding="utf-8")
    assert main(["build", str(sample_plan()), "--out", str(a_file), "-q"]) == 2
    assert _lines(capsys.readouterr().err) == [f"error: {a_file}: --out names a file, not a folder; choose a folder"]
    assert a_file.read_text(encoding="utf-8") == "mine"
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(UsageError, match="did not write"):
        build([sample_plan()], out=foreign, maps=False)
    assert (foreign / "thesis.docx").read_text(encoding="utf-8") == "precious"


# ---------------------------------------------------------------- the output set

def test_outputs_switch_in_whole_and_stale_files_go(tmp_path):
    out = tmp_path / "out"
    build([sample_plan()], out=out, maps=False)
    (out / "data" / "plans" / "old_plan.geojson").write_text("{}", encoding="utf-8")
    before = (out / "data" / "projects.geojson").read_bytes()
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    with pytest.raises(BuildError, match="empty.txt"):
        build([bad], out=out, maps=False)
    # nothing built: the previous set is untouched, no staging folder is left beside it
    assert (out / "data" / "projects.geojson").read_bytes() == before
    assert (out / "data" / "plans" / "old_plan.geojson").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "out"]
    build([sample_plan()], out=out, maps=False)
    assert not (out / "data" / "plans" / "old_plan.geojson").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "out"]


def test_fresh_outputs_are_readable_by_others(tmp_path):
    from planmap.atomic import DIR_MODE, FILE_MODE

    out = tmp_path / "out"
    build([sample_plan()], out=out)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 8
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(FILE_MODE)}
    assert {oct(p.stat().st_mode & 0o777) for p in [out, *out.rglob("*")] if p.is_dir()} == {oct(DIR_MODE)}
    if os.umask(0o022) == 0o022:  # the usual umask: files 0644
        assert FILE_MODE == 0o644
    os.umask(0o022)


def test_a_full_disk_is_one_error_and_keeps_the_previous_set(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    build([sample_plan()], out=out, maps=False)
    before = (out / "data" / "projects.csv").read_bytes()
    import planmap.output.assemble

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(planmap.output.assemble, "write_all_csv", full)  # the CSV of every plan
    # without the cache: an unchanged rebuild would link the previous exports instead of writing them
    with pytest.raises(OutputError, match="No space left on device"):
        build([sample_plan()], out=out, maps=False, cache=False)
    assert (out / "data" / "projects.csv").read_bytes() == before
    assert main(["build", str(sample_plan()), "--out", str(out), "-q", "--workers", "1", "--no-cache"]) == 1
    err = _lines(capsys.readouterr().err)
    assert err == [f"error: {out}: cannot write the outputs (No space left on device); the previous outputs are kept"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_killed_build_leaves_the_previous_set(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([sample_plan()], out=out, maps=False)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    import sys

    build_module = sys.modules["planmap.builder"]

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_write_marker", killed)
    with pytest.raises(KeyboardInterrupt):
        build([sample_plan()], out=out, maps=False)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_a_long_file_name_builds(tmp_path):
    doc = tmp_path / f"{LONG_STEM}{LONG_STEM[:12]}.txt"  # 78 characters, 234 bytes: valid, near NAME_MAX
    shutil.copy(sample_plan(), doc)
    result = build([doc], out=tmp_path / "out")
    assert result.failures == [] and len(result.projects) > 10
    assert len((tmp_path / "out" / "plans" / f"{result.plans[0].id}.html").name.encode()) <= MAX_ID_BYTES + len(".html")


def test_a_file_name_with_control_characters_is_reported_on_one_line(tmp_path, capsys):
    bad = tmp_path / "evil\n\x1b[31mname\u202e.txt"
    bad.write_text("", encoding="utf-8")
    code = main(["build", str(sample_plan()), str(bad), "--out", str(tmp_path / "out"), "-q", "--workers", "1"])
    err = _lines(capsys.readouterr().err)
    assert code == 3
    assert len(err) == 1 and "\\n" in err[0] and "\\x1b" in err[0] and "\\u202e" in err[0]
    assert "\x1b" not in err[0] and "\u202e" not in err[0]


def test_nothing_built_names_every_document_then_says_so(tmp_path, capsys):
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.txt").write_text("", encoding="utf-8")
    code = main(["build", str(tmp_path), "--out", str(tmp_path / "out"), "-q", "--workers", "1"])
    err = _lines(capsys.readouterr().err)
    assert code == 1
    assert len(err) == 5 and all(str(tmp_path / f"{n}.txt") in line for n, line in zip("abcd", err, strict=False))
    assert err[-1] == "error: nothing could be built (4 documents failed)"
    assert not (tmp_path / "out").exists()


def test_an_output_folder_inside_the_input_folder_is_not_read_back(tmp_path):
    shutil.copy(sample_plan(), tmp_path / "plan.txt")
    first = build([tmp_path], out=tmp_path / "maps")
    second = build([tmp_path], out=tmp_path / "maps")
    assert [p.id for p in first.plans] == [p.id for p in second.plans] == ["plan"]
    assert any(p.suffix == ".html" for p in second.skipped)
