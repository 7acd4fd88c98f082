"""One owner for the category and precision vocabularies, one loader for the styles."""
from __future__ import annotations

from typing import Any

import pytest

from planmap import vocab
from planmap.errors import PlanmapError
from planmap.output import styles


def test_unknown_codes_read_as_other_or_unknown() -> None:
    assert vocab.category_label("road") == "道路"
    assert vocab.category_label("no-such-category") == vocab.CATEGORY_LABELS["other"] == "其他"
    assert vocab.precision_label("county") == "县级定位"
    assert vocab.precision_label("somewhere") == "未知精度"
    assert vocab.geom_kind_label("line") == "线状项目" and vocab.shown_as_label("point") == "以点表示"


def test_precisions_are_ranked_finest_first_without_the_user_level() -> None:
    assert vocab.PRECISIONS[0] == "exact" and vocab.PRECISIONS[-1] == "province"
    assert vocab.USER_PRECISION not in vocab.PRECISIONS
    assert vocab.PRECISIONS.index("town") < vocab.PRECISIONS.index("county") < vocab.PRECISIONS.index("city")
    assert set(vocab.SITE_PRECISIONS) == {"exact", "approx"}


def test_every_stage_uses_the_same_vocabulary() -> None:
    from planmap import result
    from planmap.evaluation import evaluate
    from planmap.place import geocode, routes
    from planmap.reference import features

    assert geocode.PRECISION_ORDER is routes.PRECISION_ORDER is vocab.PRECISIONS
    assert features.PRECISIONS is vocab.PRECISIONS and features.CATEGORIES is vocab.CATEGORIES
    assert result._PRECISIONS is vocab.PRECISIONS
    assert set(evaluate.PRECISIONS) < set(vocab.PRECISIONS) and evaluate.POINT_PRECISIONS is vocab.SITE_PRECISIONS


def test_maps_and_qgis_styles_are_loaded_by_one_function() -> None:
    from planmap.output import qgisstyle, render

    assert render.load_styles is qgisstyle.load_styles is styles.load_styles
    st = styles.load_styles()
    assert list(st.categories) == list(vocab.CATEGORIES)  # layer and legend order is the vocabulary's
    assert {k: c["label"] for k, c in st.categories.items()} == vocab.CATEGORY_LABELS
    assert list(st.precision) == list(vocab.PRECISION_TERMS)
    assert st.font_family == st.font.split(",")[0].strip('"')


def _patched(monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    real = styles._table

    def fake(name: str) -> dict[str, Any]:
        data = real(name)
        if name == "styles.toml":
            change(data)
        return data

    monkeypatch.setattr(styles, "_table", fake)
    styles.load_styles.cache_clear()


@pytest.mark.parametrize("change", [
    lambda d: d["categories"].pop("bridge"),  # a category of the vocabulary nobody can draw
    lambda d: d["categories"].__setitem__("tunnel", dict(d["categories"]["road"])),  # a style for no code
    lambda d: d["precision"].pop("user"),
    lambda d: d["categories"]["road"].__setitem__("color", "red; background:url(x)"),  # reaches CSS
])
def test_a_style_table_out_of_step_with_the_vocabulary_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                                  change: Any) -> None:
    _patched(monkeypatch, change)
    try:
        with pytest.raises(PlanmapError, match="styles.toml"):
            styles.load_styles()
    finally:
        monkeypatch.undo()
        styles.load_styles.cache_clear()
