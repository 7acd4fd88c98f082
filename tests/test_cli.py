"""The planmap command, run in-process: inspect --json and extract --json."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from golden import digest  # tests/golden.py: seed values kept as digests, not text
from planmap.cli import main

SEED_PREFIXES = ["000", "001", "002", "003", "004"]
INSPECT_KEYS = {"file", "title", "issuer", "date", "doc_number", "home_region", "outline", "warnings"}
EXTRACT_KEYS = {"name", "category", "geom", "plan", "section", "evidence", "span"}


def _json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_inspect_json_on_seeds(seed, capsys):
    paths = [seed(p) for p in SEED_PREFIXES]
    rc = main(["inspect", "--json", *map(str, paths)])
    captured = capsys.readouterr()
    assert rc == 0
    records = _json_lines(captured.out)
    assert len(records) == len(paths)  # one object per line, one line per document
    assert [r["file"] for r in records] == [str(p) for p in paths]
    for rec in records:
        assert INSPECT_KEYS <= set(rec)
        assert set(rec["home_region"]) >= {"adcode", "name", "level"}
        assert isinstance(rec["outline"], list) and rec["outline"]
        assert isinstance(rec["warnings"], list)
    homes = [r["home_region"]["adcode"] for r in records]  # 新乡高新区: 红旗区, per its zone row
    assert homes == ["210503", "211200", "210100", "210112", "410702"]
    assert digest(records[0]["title"]) == "2c57d770d93c"
    assert digest(records[0]["issuer"]) == "b32da7c8a7e3"
    assert records[0]["date"] == "2019-09-09"
    assert digest(records[0]["doc_number"]) == "4343dec8a311"
    assert records[1]["home_region"] == {"adcode": "211200", "name": "铁岭市", "level": "city",
                                         "province": "辽宁省", "city": "铁岭市"}
    assert len(records[4]["outline"]) == 51
    assert len(records[4]["ledger"]) == 28
    assert captured.err == ""


def test_inspect_json_on_a_folder(seeds_dir, capsys):
    rc = main(["inspect", "--json", str(seeds_dir)])
    out = capsys.readouterr().out
    assert rc == 0
    records = _json_lines(out)
    assert len(records) == len(sorted(seeds_dir.glob("*.txt")))
    assert [Path(r["file"]).name for r in records] == sorted(p.name for p in seeds_dir.glob("*.txt"))


@pytest.mark.parametrize("bad_name,content", [
    ("broken.pdf", b"\x00\x01 not a pdf"),
    ("broken.docx", b"PK\x03\x04 not a zip"),
    ("missing.txt", None),
])
def test_inspect_bad_file_among_good_ones(seed, tmp_path, capsys, bad_name, content):
    bad = tmp_path / bad_name
    if content is not None:
        bad.write_bytes(content)
    good = [seed("000"), seed("004")]
    rc = main(["inspect", "--json", str(good[0]), str(bad), str(good[1])])
    captured = capsys.readouterr()
    assert rc == 0
    records = _json_lines(captured.out)
    assert [r["file"] for r in records] == [str(p) for p in good]
    error_lines = [line for line in captured.err.splitlines() if str(bad) in line]
    assert len(error_lines) == 1
    assert "error" in error_lines[0]
    assert str(good[0]) not in captured.err and str(good[1]) not in captured.err


def test_inspect_only_bad_files(tmp_path, capsys):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"garbage")
    rc = main(["inspect", "--json", str(bad)])
    captured = capsys.readouterr()
    assert rc != 0
    assert captured.out == ""
    error_lines = [line for line in captured.err.splitlines() if "error" in line]
    assert len(error_lines) == 1
    assert str(bad) in error_lines[0]


def test_inspect_only_missing_files(tmp_path, capsys):
    missing = [tmp_path / "a.txt", tmp_path / "b.docx"]
    rc = main(["inspect", "--json", *map(str, missing)])
    captured = capsys.readouterr()
    assert rc != 0
    assert captured.out == ""
    for path in missing:
        assert sum(str(path) in line for line in captured.err.splitlines()) == 1


def test_inspect_plain_text(seed, capsys):
    rc = main(["inspect", str(seed("001"))])
    out = capsys.readouterr().out
    assert rc == 0
    title = next(line for line in out.splitlines() if line.startswith("title:"))
    assert digest(title.removeprefix("title:").strip()) == "a865c92693d1"
    assert "home:       铁岭市 211200 (city)" in out
    assert "outline:    53 headings, depth 3, 55 clauses, 0 ledger rows" in out


def test_extract_json_on_seed(seed, capsys):
    path = seed("000")
    rc = main(["extract", "--json", str(path)])
    captured = capsys.readouterr()
    assert rc == 0
    records = json.loads(captured.out)
    assert isinstance(records, list) and records
    for rec in records:
        assert EXTRACT_KEYS <= set(rec)
        assert rec["plan"] == path.stem
        assert isinstance(rec["span"], list) and len(rec["span"]) == 2
        assert rec["span"][0] < rec["span"][1]
        assert rec["evidence"]
        assert rec["geom"] in ("point", "line", "area")
    names = [r["name"] for r in records]
    assert names[:2] == ["张仲景大街", "松北路"]
    first = records[0]
    assert first["category"] == "road" and first["geom"] == "line"
    assert first["section"] == "主要任务 > 完善城市基础设施"
    assert "张仲景大街" in first["evidence"]


def test_extract_json_output_file_and_bad_input(seed, tmp_path, capsys):
    out = tmp_path / "out" / "projects.json"
    out.parent.mkdir()
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"garbage")
    rc = main(["extract", "--json", "-o", str(out), str(seed("004")), str(bad)])
    captured = capsys.readouterr()
    assert rc == 0
    assert captured.out == ""
    records = json.loads(out.read_text(encoding="utf-8"))
    assert records and {r["plan"] for r in records} == {seed("004").stem}
    assert sum(str(bad) in line for line in captured.err.splitlines()) == 1


def test_extract_only_bad_files(tmp_path, capsys):
    rc = main(["extract", "--json", str(tmp_path / "nowhere.txt")])
    captured = capsys.readouterr()
    assert rc != 0
    assert str(tmp_path / "nowhere.txt") in captured.err


def test_geocode_prints_candidates_best_first(capsys):
    assert main(["geocode", "朝阳", "--region", "210000"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["method", "precision", "conf"]
    assert "朝阳市" in lines[1]  # Liaoning's 朝阳 first under a Liaoning prior
    assert any("朝阳区" in line for line in lines[2:])  # Beijing's is still listed as a candidate


def test_geocode_with_an_unknown_region_is_a_clear_error(capsys):
    assert main(["geocode", "朝阳", "--region", "999999"]) == 2
    assert "999999" in capsys.readouterr().err


def test_no_arguments_prints_help_and_exits_zero(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: planmap") and "build" in out and "``" not in out


def test_version(capsys):
    from planmap import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"planmap {__version__}"


def test_extract_listing_has_a_header_and_chinese_labels(capsys):
    from planmap.paths import sample_plan

    assert main(["extract", str(sample_plan())]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:3] == ["类别", "几何", "名称"]
    assert any(line.split()[0] == "铁路" and "沈铁城际铁路" in line for line in lines[2:])
    assert not any(line.split()[0] in {"railway", "highway"} for line in lines[2:])


def test_section_paths_are_cut_between_headings_only():
    from planmap.cli import _short_section

    path = "第一部分 总体要求 > 二、重点任务和主要工程 > （三）交通基础设施建设 > 1.铁路"
    short = _short_section(path)
    assert short.endswith("1.铁路") and short.startswith("… > ")
    assert all(part in path for part in short.removeprefix("… > ").split(" > "))


def test_a_closed_pipe_ends_quietly(tmp_path):
    import shutil
    import subprocess
    import sys

    from planmap.paths import sample_plan

    for i in range(60):  # enough output to outlast the pipe's buffer
        shutil.copy(sample_plan(), tmp_path / f"plan{i:02d}.txt")
    code = f"import sys; from planmap.cli import main; sys.exit(main(['inspect', {str(tmp_path)!r}]))"
    proc = subprocess.run(f"{sys.executable} -c \"{code}\" | head -1", shell=True, capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.stdout.count("\n") == 1
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, proc.stderr


def test_build_quiet_prints_one_summary_line(tmp_path, capsys):
    from planmap.paths import sample_plan

    assert main(["build", str(sample_plan()), "--out", str(tmp_path / "out"), "-q", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 plans" in out and "planmap build ->" not in out and "┃" not in out


def test_build_summary_is_one_line_naming_the_index_as_it_is(tmp_path, capsys):
    """However long the path, the summary is one line, and [brackets] in it are not markup."""
    from planmap.paths import sample_plan

    out_dir = tmp_path / ("[bold]a-rather-long-folder-name-" + "x" * 60) / "out"
    assert main(["build", str(sample_plan()), "--out", str(out_dir), "-q", "--workers", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].endswith(f"index: {out_dir / 'index.html'}")


def test_the_command_exits_with_mains_code_and_all_its_output(tmp_path):
    """``python -m planmap.cli`` ends through run(): exit handlers run, the exit code is main's,
    and everything written to a pipe arrives."""
    import os
    import subprocess
    import sys

    from planmap.paths import sample_plan

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    ok = subprocess.run([sys.executable, "-m", "planmap.cli", "build", str(sample_plan()), "--out",
                         str(tmp_path / "out"), "-q", "--workers", "1"], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "1 plans" in ok.stdout and (tmp_path / "out" / "index.html").is_file()
    code = ("import atexit, sys; atexit.register(lambda: print('handler ran', flush=True)); "
            "sys.argv = ['planmap', 'build', sys.argv[1], '--out', sys.argv[2]]; from planmap.cli import run; run()")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.bin").write_bytes(b"\0\1")
    bad = subprocess.run([sys.executable, "-c", code, str(tmp_path / "notes"), str(tmp_path / "o2")],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == main(["build", str(tmp_path / "notes"), "--out", str(tmp_path / "o3")]) != 0
    assert bad.stdout.endswith("handler ran\n"), bad.stdout
