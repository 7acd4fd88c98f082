"""Untrusted text on the maps: template syntax, markup and odd characters are data, never code.

Document text, plan titles, file names and override values reach a page only as JSON and are
shown with textContent. These tests feed template syntax (``{{ 6*7 }}``, ``{% %}``, an
unbalanced ``{%``), ``<script>``, ``</script>``, RTL overrides and a 10,000-character name
through every field, check nothing was evaluated (no 42, no command run), open the pages in
Chromium and fuzz the renderer with seeded random text.
"""
from __future__ import annotations

import json
import os
import random
import re
import stat
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

import render_synth as synth
from planmap.builder import build
from planmap.errors import BuildError
from planmap.output import render
from render_browser import screenshot, wait_ready

SRC = Path(__file__).resolve().parents[2] / "src"


def canary_payload(canary: Path) -> str:
    """A Jinja expression that would create ``canary`` if any template engine evaluated it."""
    return "{{ cycler.__init__.__globals__.os.system('touch " + str(canary) + "') }}"


def payloads(canary: Path) -> list[str]:
    return [
        "{{ 6*7 }}",
        "{% set x = 6*7 %}{{ x }}",
        "开头{%未闭合",
        "{{ item.title }}",
        canary_payload(canary),
        "<script>window.__pwned=1</script>",
        "</script><script>window.__pwned=2</script>",
        "\u202e反向\u202c\u2066隔离\u2069",
        "${window.__pwned=3}`\u2028\u2029",
    ]


def hostile_plan(canary: Path, counties: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One project per payload (every text field carries it) plus one with a 10k-character name."""
    c = counties.iloc[0]
    p = c.geometry.representative_point()
    texts = [*payloads(canary), "长" * 10_000]
    rows = []
    for i, bad in enumerate(texts):
        geom = LineString([(p.x, p.y), (p.x + 0.05, p.y + 0.02)]) if i % 3 == 1 else Point(p.x + 0.01 * i, p.y)
        rows.append(synth.project(
            f"h{i}{bad[:20]}", f"项目{bad}{i}", "road", geom, precision="county" if i % 3 == 2 else "exact",
            plan_title=f"规划{bad}", section=f"章节{bad}", evidence=f"推进项目{bad}{i}建设。{bad}",
            lead_units=[bad], support_units=[bad], deadline=bad,
            figures=[{"kind": bad, "value": 1.0, "unit": bad, "text": bad}],
            location_source=f"https://example.org/{bad}", counties=[bad], county_adcodes=[c["adcode"]],
            city_adcode=c["city_adcode"],
        ))
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def page_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="pm-data">(.*?)</script>', text, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return synth.counties(3, 2, 8)


# ------------------------------------------------------------------ without a browser


def test_template_syntax_is_never_evaluated(tmp_path, counties):
    canary = tmp_path / "PWNED"
    prj = hostile_plan(canary, counties)
    bad_title = "".join(payloads(canary))
    plan = render.render_plan_map(prj, counties, "plan-a", bad_title, tmp_path / "plan.html", offline=True)
    region = render.render_region_map(prj, counties, "210100", bad_title, "city", tmp_path / "city.html", offline=True)
    index = render.render_index([{"id": bad_title, "title": bad_title, "counts": {"road": 1}}],
                                [{"adcode": "210100", "name": bad_title, "level": "city", "counts": {}}],
                                tmp_path / "index.html")
    m = render.explore(prj, counties, title=bad_title, subtitle=bad_title)
    notebook_html = m.get_root().render()
    assert not canary.exists(), "a template engine ran document text"
    for path in (plan, region):
        data = page_data(path)
        assert data["title"] == bad_title
        assert sorted(f["n"] for f in data["features"]) == sorted(prj["name"])
        assert all(f["d"]["ev"].startswith("推进项目") for f in data["features"])
        text = path.read_text(encoding="utf-8")
        assert "</script><script>window.__pwned" not in text
        scripts = "".join(re.findall(r"<script[^>]*>(.*?)</script>", text, re.S))
        assert "\u2028" not in scripts and "\u2029" not in scripts  # raw separators break old JS parsers
    assert "{{ 6*7 }}" in index.read_text(encoding="utf-8")  # autoescaped text, not evaluated
    assert "<script>window.__pwned" not in index.read_text(encoding="utf-8")
    assert "{{ 6*7 }}" in notebook_html and "</script><script>window.__pwned" not in notebook_html


def test_pages_are_identical_across_runs_and_readable(tmp_path, counties):
    prj = synth.projects(counties, 12)
    a = render.render_plan_map(prj, counties, "plan-a", "规划", tmp_path / "a.html", offline=True)
    b = render.render_plan_map(prj, counties, "plan-a", "规划", tmp_path / "b.html", offline=True)
    assert a.read_bytes() == b.read_bytes()
    assert stat.S_IMODE(a.stat().st_mode) == 0o644
    # a fresh interpreter with another hash seed writes the same bytes
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import render_synth as s; from planmap.output import render;"
        "c = s.counties(3, 2, 8); render.render_plan_map(s.projects(c, 12), c, 'plan-a', '规划', sys.argv[2], offline=True)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(SRC)}
    subprocess.run([sys.executable, "-c", code, str(Path(__file__).resolve().parents[1]), str(tmp_path / "c.html")],
                   check=True, env=env, cwd=tmp_path)
    assert (tmp_path / "c.html").read_bytes() == a.read_bytes()


def test_long_file_names_are_written(tmp_path, counties):
    prj = synth.projects(counties, 3)
    name = "很长的规划文件名" * 10 + ".html"  # 240 bytes: the temp name must not grow beyond it
    assert len(name.encode()) > 200
    out = render.render_plan_map(prj, counties, "plan-a", "t", tmp_path / name, offline=True)
    assert out.is_file() and not list(tmp_path.glob(".pm-*"))


_ALPHABET = "{}%#<>/\\\"'`$()[]&;=+-@!|\n\r\t\u0000\u0007\u001b\u2028\u2029\u202e\u200b\ufeff 项目规划铁路abc{{%}}{%-"


def _noise(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(n))


def test_fuzzed_text_renders_and_round_trips(tmp_path, counties):
    rng = random.Random(20240601)
    c = counties.iloc[1]
    p = c.geometry.representative_point()
    for trial in range(25):
        rows = [
            synth.project(_noise(rng, 8), _noise(rng, rng.randint(1, 60)), rng.choice(synth.CATEGORIES),
                          Point(p.x + 0.001 * k, p.y), precision=rng.choice(["exact", "town", "county", "bogus"]),
                          plan_title=_noise(rng, 30), section=_noise(rng, 30), evidence=_noise(rng, 120),
                          lead_units=[_noise(rng, 10)], deadline=_noise(rng, 5), location_source=_noise(rng, 20),
                          counties=[_noise(rng, 6)], county_adcodes=[c["adcode"]])
            for k in range(5)
        ]
        prj = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
        title = _noise(rng, 40)
        out = render.render_plan_map(prj, counties, "plan-a", title, tmp_path / f"f{trial}.html", offline=True)
        data = page_data(out)
        assert data["title"] == (title or "规划项目地图")
        assert [f["n"] for f in data["features"]] == list(prj["name"])
        assert [f["d"]["ev"] for f in data["features"]] == list(prj["evidence"])


def test_fuzzed_documents_build_without_a_traceback(tmp_path):
    rng = random.Random(7)
    docs = []
    for i in range(4):
        lines = ["铁岭市重点项目建设方案" + _noise(rng, 10), "一、重点任务"]
        lines += [f"推进铁岭县{_noise(rng, 6)}产业园建设{_noise(rng, 30)}。" for _ in range(3)]
        lines += [_noise(rng, 80) for _ in range(3)]
        doc = tmp_path / f"fuzz{i}.txt"
        doc.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        docs.append(doc)
    try:
        result = build(docs, out=tmp_path / "out", maps=True, offline=True)
    except BuildError as exc:  # nothing buildable is one clear line, not a traceback
        assert "\n" not in str(exc)
        return
    for plan in result.plans:
        page_data(tmp_path / "out" / "plans" / f"{plan.id}.html")


# ------------------------------------------------------------------ in Chromium


def _assert_clean(trace):
    assert trace.page_errors == [], trace.page_errors
    assert trace.console_errors == [], trace.console_errors
    assert trace.dialogs == [], trace.dialogs
    assert trace.requests == []


@pytest.mark.browser
def test_hostile_text_shows_literally_in_the_browser(tmp_path, page_factory, counties):
    canary = tmp_path / "PWNED"
    prj = hostile_plan(canary, counties).assign(plan="plan{{ 7*7 }}")
    title = "规划{{ 6*7 }}</script><script>window.__pwned=9</script>\u202e{%"
    out = render.render_plan_map(prj, counties, "plan{{ 7*7 }}", title, tmp_path / "plan.html", offline=True)
    page, trace = page_factory(out)
    wait_ready(page)
    page.wait_for_timeout(200)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.inner_text(".pm-header h1") == title
    assert "plan{{ 7*7 }}" in page.inner_text(".pm-header")
    assert page.title() == title
    names = page.eval_on_selector_all(".pm-row .pm-row-name", "els => els.map(e => e.textContent)")
    assert sorted(names) == sorted(prj["name"])
    # (the canary's path is in some names: its pytest-NNN folder may hold a 42 of its own)
    assert "项目{{ 6*7 }}0" in names and not any("42" in n.replace(str(canary), "") for n in names)
    for key in range(len(prj)):
        text = page.evaluate(
            f"() => {{ planmap.focus({key}); return document.querySelector('.leaflet-popup-content').textContent; }}")
        name = prj["name"].iloc[key]
        assert name in text, key
        assert page.evaluate("() => document.querySelectorAll('.leaflet-popup-content script, "
                             ".leaflet-popup-content img').length") == 0
    # the tooltip and the cluster titles are text too
    assert page.evaluate("() => document.querySelectorAll('#pm-map script').length") == 0
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert not canary.exists()
    screenshot(page, "hostile-everywhere")
    _assert_clean(trace)


@pytest.mark.browser
def test_hostile_document_file_name_and_overrides_build_and_open(tmp_path, page_factory):
    canary = tmp_path / "PWNED"
    docs = tmp_path / "docs"
    docs.mkdir()
    doc = docs / "铁岭{{ 7*7 }}{%规划.txt"
    doc.write_text(
        "铁岭市加快推进重点项目建设三年行动方案{{ 6*7 }}\n\n铁岭市人民政府\n2023年3月1日\n\n一、重点任务\n（一）交通基础设施\n"
        f"加快推进铁岭县腰堡镇康养基地建设 {canary_payload(canary)}，力争2025年完工。\n"
        "加快建设凡河新区物流园{{ 6*7 }}</script><script>window.__pwned=1</script>，2025年底前完成。\n"
        "推进调兵山市{% set x = 1 %}产业园区扩建工程\u202eevil\u202c。\n",
        encoding="utf-8",
    )
    overrides = tmp_path / "overrides.csv"
    overrides.write_text(
        "id,name,aliases,category,kind,wkt,datum,precision,province,city_adcode,county_adcodes,source_url,note\n"
        "u1,铁岭县腰堡镇康养基地,,public_service,point,POINT(123.60 42.10),wgs84,exact,辽宁省,211200,211221,"
        "\"https://example.org/{{ 6*7 }}</script>\",\"{% if %}<b>note</b>\"\n",
        encoding="utf-8",
    )
    result = build([doc], out=tmp_path / "out", maps=True, offline=True, overrides=str(overrides))
    assert result.failures == [] and len(result.plans) == 1
    assert not canary.exists()
    plan = result.plans[0]
    page, trace = page_factory(tmp_path / "out" / "plans" / f"{plan.id}.html")
    wait_ready(page)
    assert "{{ 6*7 }}" in page.inner_text(".pm-header h1")
    assert "铁岭{{ 7*7 }}{%规划.txt" in page.inner_text(".pm-header")
    n = page.evaluate("() => planmap.count()")
    assert n == len(result.projects) > 0
    evidence = []
    for key in range(n):
        page.evaluate(f"() => planmap.focus({key})")
        evidence.append(page.inner_text(".leaflet-popup-content blockquote"))
    assert any("</script><script>window.__pwned=1</script>" in e for e in evidence), evidence
    assert any(canary_payload(canary) in e for e in evidence), evidence
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    _assert_clean(trace)
