"""Regression guard: extraction scored against the gold annotations of the seed documents.

Run with ``-s`` to see the report. Gold lives in ../shared/eval/gold; missing gold or seeds
skip the test, or fail it when the CI environment variable is set (as in conftest.py).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from planmap.evaluation import evaluate as ev
from planmap.extract.projects import extract_projects
from planmap.plan import read_plan

GOLD = Path(__file__).resolve().parents[3] / "shared" / "eval" / "gold"
MIN_F1 = 0.80


def _gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.gold.csv")) if GOLD.is_dir() else []


def _missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def gold_dir() -> Path:
    if not _gold_files():
        _missing(f"gold annotations not found at {GOLD} (expected ../shared/eval/gold next to the repo)")
    return GOLD


def _gold_params():
    files = _gold_files()
    return [pytest.param(f.name, id=f.name.removesuffix(".gold.csv")) for f in files] or [
        pytest.param(None, id="no-gold")]


@pytest.mark.parametrize("gold_name", _gold_params())
def test_extraction_f1_per_document(gold_name, gold_dir, seeds_dir, tmp_path):
    if gold_name is None:
        _missing(f"no *.gold.csv in {GOLD}")
    gold_path = gold_dir / gold_name
    gold = ev.load_gold(gold_path)
    assert gold, f"{gold_path} holds no rows"
    docs = {row.doc for row in gold}
    assert len(docs) == 1, f"{gold_path}: one document per gold file, got {docs}"
    doc = docs.pop()
    seed_path = seeds_dir / doc
    if not seed_path.suffix:
        seed_path = seed_path.with_suffix(".txt")
    if not seed_path.is_file():
        _missing(f"seed {seed_path} named by {gold_path} not found")

    plan = read_plan(seed_path)
    projects = extract_projects(plan)
    pred_path = tmp_path / f"{plan.id}.json"
    pred_path.write_text(json.dumps([p.to_dict() for p in projects], ensure_ascii=False), encoding="utf-8")

    preds = ev.load_predictions(pred_path)
    assert len(preds) == len(projects)
    assert {p.plan for p in preds} == {plan.id}
    score = ev.score_extraction(preds, gold)
    report = ev.evaluate(pred_path, gold_path)
    print()
    print(ev.format_report(report))

    assert [d.doc for d in report.docs] == [ev.doc_key(doc)]
    assert report.docs[0].has_predictions
    assert report.docs[0].extraction.f1 == pytest.approx(score.f1)
    assert score.f1 >= MIN_F1, (
        f"{doc}: F1 {score.f1:.2f} < {MIN_F1} (P {score.precision:.2f}, R {score.recall:.2f}); "
        f"missed {score.missed}; spurious {score.spurious}")


# Region accuracy over every gold document (seeds and dev docs), as `planmap evaluate` reports
# it. The floors are the places issue's bar (today 0.944, 268/284 on 14 documents, the lowest
# document 0.86): a change that puts projects in the wrong county fails here.
MIN_REGION_ACCURACY = 0.92
MIN_DOC_REGION_ACCURACY = 0.85


def test_region_accuracy_over_the_gold_set(tmp_path):
    from conftest import require_folder

    require_folder(GOLD.parent / "dev_gold", "dev gold annotations (expected ../shared/eval/dev_gold)")
    report = ev.evaluate_yardstick(GOLD.parent.parent, out=tmp_path / "build")
    overall = report.overall.regions
    per_doc = {d.doc: d.regions.accuracy for d in report.docs}
    assert len(report.docs) >= 14 and overall.n >= 150
    assert overall.accuracy is not None and overall.accuracy >= MIN_REGION_ACCURACY, per_doc
    low = {doc: acc for doc, acc in per_doc.items() if acc is not None and acc < MIN_DOC_REGION_ACCURACY}
    assert not low, low
    # no document falls back to (nearly) nothing right, as when its home region was wrong; a
    # project left at its (right) city for want of county evidence is honest, not a collapse
    for d in report.docs:
        r = d.regions
        honest = sum(1 for w in r.wrong if not w["predicted_county_adcodes"] and w["predicted_city"] == w["gold_city"])
        assert not r.n or (r.correct + honest) / r.n >= 0.15, (d.doc, r.correct, honest, r.n)
