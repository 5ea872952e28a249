"""What the build gives the pages' explorer: colour tables, grid, settings and wording."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.colors import Normalize

from lossnotes.descent import ADAM_BETAS, ADAM_EPS
from lossnotes.figures._style import THEMES, rc
from lossnotes.figures.explorer import COLOURS, colour_table, explorer_data, explorer_strings
from lossnotes.grid import EXPERIMENT
from lossnotes.recovery import FIXED_LOGITS
from lossnotes.surface import evaluate_surface

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _rgb(table: str) -> np.ndarray:
    return np.array(
        [[int(table[i + k : i + k + 2], 16) for k in (0, 2, 4)] for i in range(0, len(table), 6)]
    )


@pytest.mark.parametrize("theme", THEMES)
def test_colour_table_is_matplotlibs_colour_map(theme: str) -> None:
    table = _rgb(colour_table(theme))
    assert table.shape == (COLOURS, 3)
    cmap = colormaps[rc(theme, "en")["image.cmap"]]
    expected = cmap(np.arange(cmap.N), bytes=True)[:, :3]  # the bytes imshow hands to Agg
    assert cmap.N == COLOURS
    np.testing.assert_array_equal(table, expected)


def _js_colour_index(v: np.ndarray, low: float, high: float) -> np.ndarray:
    """explorer.js's colourIndex, written out in numpy."""
    x = np.zeros_like(v) if high == low else (v - low) / (high - low)
    xa = x * COLOURS
    xa[xa == COLOURS] = COLOURS - 1
    return np.clip(np.floor(xa), 0, COLOURS - 1).astype(int)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "mse_logits"])
def test_colour_rule_is_the_figures_rule(loss: str) -> None:
    """The explorer's lookup gives the colour matplotlib paints each cell of a heatmap."""
    surface = evaluate_surface(loss, 2)
    values = surface.loss
    norm = Normalize()(values)  # imshow's default: the surface's own min and max
    rgba = colormaps[rc("light", "en")["image.cmap"]](norm, bytes=True)[..., :3]
    table = _rgb(colour_table("light"))
    index = _js_colour_index(values, float(values.min()), float(values.max()))
    np.testing.assert_array_equal(table[index], rgba)


def test_data_carries_the_grid_and_the_training_settings() -> None:
    data = explorer_data("en")
    assert data["axis"] == EXPERIMENT.axis.tolist()  # every value to the last bit
    assert data["fixedLogits"] == sorted(FIXED_LOGITS)
    assert data["fixedLogits"] == [-1000.0, -100.0, -30.0, -14.0, -10.0, -5.0, -2.0, 0.0]
    assert data["fixedRange"] == [-1000.0, 0.0]
    assert data["fixedStart"] == EXPERIMENT.fixed_logit
    assert data["adam"] == {"betas": list(ADAM_BETAS), "eps": ADAM_EPS}
    assert data["lr"] == 1.0  # the training chapter's learning rate
    assert data["losses"] == ["cross_entropy", "mse", "mse_logits"]
    assert json.loads(json.dumps(data)) == data


def test_every_string_is_translated() -> None:
    english = explorer_strings("en")
    chinese = explorer_strings("zh_CN")  # warnings are errors: an untranslated one fails
    assert english.keys() == chinese.keys()
    for key, text in english.items():
        assert chinese[key] != text, f"{key}: the Chinese string is the English one"
        if key != "adam":  # a name and symbols: only its punctuation is Chinese
            assert CJK.search(chinese[key]), f"{key}: no Chinese in {chinese[key]!r}"
        assert set(PLACEHOLDER.findall(chinese[key])) == set(PLACEHOLDER.findall(text)), key
    zh = explorer_data("zh_CN")
    assert all(CJK.search(label) for label in zh["lossLabels"].values() if label != "MSE")
    assert all(CJK.search(label) for label in zh["targetLabels"])


def test_strings_are_catalog_entries() -> None:
    """Every explorer string is a msgid of lossnotes.po (the catalog translators edit)."""
    from babel.messages.pofile import read_po

    path = ROOT / "locale" / "zh_CN" / "LC_MESSAGES" / "lossnotes.po"
    with path.open("rb") as handle:
        ids = {message.id for message in read_po(handle) if message.id}
    source = (ROOT / "src" / "lossnotes" / "figures" / "explorer.py").read_text(encoding="utf-8")
    english = explorer_strings("en")
    for key, text in english.items():
        template = text
        if key == "adam":
            template = "Adam (\u03b2\u2081 = {beta1}, \u03b2\u2082 = {beta2}, \u03b5 = {eps})"
        assert template in ids, f"{key}: {template!r} is not in lossnotes.po"
    assert "_(" in source


def test_directive_writes_safe_json() -> None:
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        from lossnotes_explorer import explorer_json
    finally:
        sys.path.remove(str(ROOT / "docs" / "_ext"))
    text = explorer_json("zh_CN")
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == explorer_data("zh_CN")
