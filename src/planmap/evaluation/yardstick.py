"""The national yardstick: build every document that has gold (seeds and dev docs) and score
the build.
"""
from __future__ import annotations

from pathlib import Path

from planmap.evaluation.records import EvaluationError, Report
from planmap.evaluation.scoring import evaluate


def eval_dir(shared: str | Path | None = None) -> Path:
    """The evaluation folder (``eval/`` with gold/, dev_gold/, dev_docs/ and ../seeds/).

    ``shared`` (the ``shared`` or ``shared/eval`` folder), else ``PLANMAP_EVAL``, else
    ``../shared/eval`` from the working directory or from the source checkout.
    """
    import os

    candidates = []
    if shared:
        candidates += [Path(shared), Path(shared) / "eval"]
    elif os.environ.get("PLANMAP_EVAL"):
        candidates.append(Path(os.environ["PLANMAP_EVAL"]))
    else:
        candidates += [Path.cwd().parent / "shared" / "eval",
                       Path(__file__).resolve().parents[3] / "shared" / "eval"]
    for c in candidates:
        if (c / "gold").is_dir() or (c / "dev_gold").is_dir():
            return c
    raise EvaluationError(f"{candidates[0]}: no evaluation folder here (expected gold/ and dev_gold/; "
                          "pass --shared DIR or set PLANMAP_EVAL)")


def yardstick_documents(folder: Path) -> tuple[list[Path], list[Path]]:
    """(documents that have gold, gold folders): seeds with gold/ and dev_docs with dev_gold/."""
    pairs = [(folder.parent / "seeds", folder / "gold"), (folder / "dev_docs", folder / "dev_gold")]
    docs: list[Path] = []
    golds: list[Path] = []
    for doc_dir, gold_dir in pairs:
        if not gold_dir.is_dir():
            continue
        golds.append(gold_dir)
        for g in sorted(gold_dir.glob("*.gold.csv")):
            stem = g.name[: -len(".gold.csv")]
            found = sorted(doc_dir.glob(f"{stem}.*")) if doc_dir.is_dir() else []
            if not found:
                raise EvaluationError(f"{g}: no document {stem}.* in {doc_dir}")
            docs.append(found[0])
    return docs, golds


def evaluate_yardstick(shared: str | Path | None = None, out: str | Path | None = None) -> Report:
    """Build every document that has gold (seeds and dev docs) and score the build.

    ``out``: where the build goes (default: a temporary folder, removed afterwards).
    """
    import tempfile

    from planmap.builder import build

    folder = eval_dir(shared)
    docs, golds = yardstick_documents(folder)
    if out is not None:
        build(docs, out=out, maps=False)
        return evaluate(Path(out) / "data" / "plans", golds)
    with tempfile.TemporaryDirectory(prefix="planmap-yardstick-") as tmp:
        build(docs, out=tmp, maps=False)
        return evaluate(Path(tmp) / "data" / "plans", golds)
