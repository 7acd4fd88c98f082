"""Score planmap's output against hand-made gold annotations: the public API of evaluation.

One module a job, and only :mod:`~planmap.evaluation.report` prints:

* :mod:`~planmap.evaluation.records`: gold rows, predictions, matches, scores, reports, and the
  constants of the gold format;
* :mod:`~planmap.evaluation.loading`: gold files and predictions (GeoJSON, JSON, CSV) read;
* :mod:`~planmap.evaluation.scoring`: matching (its policy is stated there), extraction, region
  and location scores, and the per-document pairing of :func:`evaluate`;
* :mod:`~planmap.evaluation.yardstick`: the gold documents built and scored;
* :mod:`~planmap.evaluation.report`: the text table and ``planmap evaluate``.
"""
from __future__ import annotations

from planmap.evaluation.loading import load_gold, load_predictions
from planmap.evaluation.records import (
    GOLD_COLUMNS,
    POINT_PRECISIONS,
    PRECISIONS,
    DocReport,
    EvaluationError,
    ExtractionScore,
    GoldRow,
    LocationScore,
    Match,
    Prediction,
    RegionScore,
    Report,
    doc_key,
    normalise_name,
)
from planmap.evaluation.report import format_report, main_evaluate
from planmap.evaluation.scoring import (
    city_codes_from_gold,
    evaluate,
    geodesic_km,
    match_projects,
    point_to_line_km,
    score_extraction,
    score_locations,
    score_regions,
)
from planmap.evaluation.yardstick import eval_dir, evaluate_yardstick, yardstick_documents

__all__ = [
    "GOLD_COLUMNS",
    "POINT_PRECISIONS",
    "PRECISIONS",
    "DocReport",
    "EvaluationError",
    "ExtractionScore",
    "GoldRow",
    "LocationScore",
    "Match",
    "Prediction",
    "RegionScore",
    "Report",
    "city_codes_from_gold",
    "doc_key",
    "eval_dir",
    "evaluate",
    "evaluate_yardstick",
    "format_report",
    "geodesic_km",
    "load_gold",
    "load_predictions",
    "main_evaluate",
    "match_projects",
    "normalise_name",
    "point_to_line_km",
    "score_extraction",
    "score_locations",
    "score_regions",
    "yardstick_documents",
]
