"""Gold documents converted at test time (GBK, traditional script, .docx, .html, .pdf) keep their
title and their projects: the file format and the script are no part of what a plan says.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SEEDS, require_folder
from planmap import extract_projects, read_plan

EVAL = SEEDS.parent / "eval"
# a news report with a headline and bylines, a plan with a notice wrapper, a traditional-script
# park list
DOCS = ["dev01_shandong_qingdao_transport", "001_1b33d60412241eb7", "dev08_hubei_wuhan_parks"]
_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _source(stem: str) -> Path:
    require_folder(EVAL / "dev_docs", "dev documents (expected ../shared/eval next to the repo)")
    for p in (SEEDS / f"{stem}.txt", EVAL / "dev_docs" / f"{stem}.txt"):
        if p.is_file():
            return p
    pytest.fail(f"{stem} not found")


def _lines(text: str) -> list[str]:
    lines = text.splitlines()
    if lines and lines[0].startswith("source:"):
        lines = lines[1:]  # the dev documents' provenance line
    return lines


def _to_gbk(text: str, tmp: Path) -> Path:
    out = tmp / "copy.txt"
    out.write_bytes(text.encode("gb18030"))
    return out


def _to_traditional(text: str, tmp: Path) -> Path:
    import opencc

    out = tmp / "copy.txt"
    out.write_text(opencc.OpenCC("s2t").convert(text), encoding="utf-8")
    return out


def _to_docx(text: str, tmp: Path) -> Path:
    import docx

    lines = [ln for ln in _lines(text) if ln.strip()]
    d = docx.Document()
    d.add_heading(lines[0].strip(), level=0)  # Word's Title style
    for ln in lines[1:]:
        d.add_paragraph(ln.strip())
    out = tmp / "copy.docx"
    d.save(str(out))
    return out


def _to_html(text: str, tmp: Path) -> Path:
    lines = [ln for ln in _lines(text) if ln.strip()]
    body = "".join(f"<p>{html.escape(ln.strip())}</p>" for ln in lines[1:])
    page = (f"<html><head><meta charset='utf-8'><title>{html.escape(lines[0].strip())} - 某某网</title></head>"
            f"<body><nav>首页 | 新闻</nav><h1>{html.escape(lines[0].strip())}</h1>{body}</body></html>")
    out = tmp / "copy.html"
    out.write_text(page, encoding="utf-8")
    return out


def _to_pdf(text: str, tmp: Path) -> Path:
    fpdf = pytest.importorskip("fpdf")
    if not _FONT.is_file():
        pytest.skip(f"no CJK font at {_FONT}")
    lines = [ln for ln in _lines(text) if ln.strip()]
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=str(_FONT))
    pdf.set_font("cjk", size=11)
    pdf.set_title(lines[0].strip())
    for ln in lines:
        pdf.multi_cell(0, 7, ln.strip(), new_x="LMARGIN", new_y="NEXT")
    out = tmp / "copy.pdf"
    pdf.output(str(out))
    return out


CONVERTERS: dict[str, Callable[[str, Path], Path]] = {
    "gbk": _to_gbk, "traditional": _to_traditional, "docx": _to_docx, "html": _to_html, "pdf": _to_pdf,
}


def _key(name: str) -> str:
    import opencc

    return opencc.OpenCC("t2s").convert(name)


@pytest.fixture(scope="module")
def originals() -> dict[str, tuple[str, set[str]]]:
    out = {}
    for stem in DOCS:
        plan = read_plan(_source(stem))
        out[stem] = (plan.title, {_key(p.name) for p in extract_projects(plan)})
    return out


@pytest.mark.parametrize("stem", DOCS)
@pytest.mark.parametrize("form", sorted(CONVERTERS))
def test_copies_keep_title_and_projects(stem: str, form: str, tmp_path: Path,
                                        originals: dict[str, tuple[str, set[str]]]) -> None:
    title, names = originals[stem]
    assert title and len(names) >= 10, (title, names)  # the original itself is read well
    text = _source(stem).read_text(encoding="utf-8")
    if form == "gbk" and stem.startswith("dev08"):
        text = _key(text)  # GBK has no traditional characters to keep
    plan = read_plan(CONVERTERS[form](text, tmp_path))
    assert _key(plan.title) == _key(title)
    found = {_key(p.name) for p in extract_projects(plan)}
    kept = len(found & names) / len(names)
    assert kept >= 0.9, f"{form}: lost {sorted(names - found)}"


def test_traditional_copy_names_projects_as_written(tmp_path: Path) -> None:
    text = _source("dev01_shandong_qingdao_transport").read_text(encoding="utf-8")
    plan = read_plan(_to_traditional(text, tmp_path))
    projects = extract_projects(plan)
    bridge = next(p for p in projects if _key(p.name) == "海湾大桥")
    assert bridge.original_name == "海灣大橋" and bridge.name == "海湾大桥"


def test_bylines_and_sources_are_no_headings_or_titles(tmp_path: Path) -> None:
    doc = tmp_path / "news.txt"
    doc.write_text("本报记者 张三\n本文来源：某某日报\n2023-03-29 11:43:05 来源：某某网\n"
                   "今年新建光明路、滨江路等3条道路，总投资2亿元。\n", encoding="utf-8")
    plan = read_plan(doc)
    assert plan.headings == []
    assert plan.title == ""
    assert {p.name for p in extract_projects(plan)} == {"光明路", "滨江路"}
