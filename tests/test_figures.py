"""Heatmap figures and their wording in both languages."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

from lossnotes import evaluate_surface
from lossnotes.figures import loss_heatmaps
from lossnotes.fonts import CJK_FAMILY, font_properties
from lossnotes.wording import UntranslatedWarning, translator


@pytest.fixture(scope="module")
def surfaces():
    return [evaluate_surface(name, 0) for name in ("cross_entropy", "mse")]


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=60, metadata={"Software": None})
    return out.getvalue()


def test_heatmaps_have_titles_labels_and_colour_bars(surfaces):
    fig = loss_heatmaps(surfaces, lang="en")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["Cross-entropy", "MSE"]
    assert all(ax.get_xlabel() == "logit $z_0$ (class 0)" for ax in panels)
    colour_bars = [ax for ax in fig.axes if ax.get_ylabel().endswith("loss")]
    assert [ax.get_ylabel() for ax in colour_bars] == ["Cross-entropy loss", "MSE loss"]
    assert "class 0" in fig.get_suptitle() and "\u22121000" in fig.get_suptitle()
    image = panels[1].get_images()[0]
    assert image.get_array().shape == (100, 100)
    assert image.get_extent() == [-10.0, 10.0, -10.0, 10.0]


def test_chinese_heatmaps_use_the_cjk_font_and_render_without_missing_glyphs(surfaces):
    fig = loss_heatmaps(surfaces, lang="zh_CN")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["交叉熵", "MSE"]
    label = panels[0].xaxis.label
    assert label.get_text() == "类别 0 的 logit $z_0$"
    path = font_manager.findfont(label.get_fontproperties(), fallback_to_default=False)
    assert Path(path).name == "NotoSansCJK-Regular.ttc"
    assert CJK_FAMILY in label.get_fontproperties().get_family()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zh = _png(fig)
    en = _png(loss_heatmaps(surfaces, lang="en"))
    assert zh[:8] == b"\x89PNG\r\n\x1a\n" and zh != en


def test_a_missing_glyph_is_an_error_not_a_box(surfaces):
    fig = loss_heatmaps(surfaces, lang="zh_CN")
    fig.text(0.5, 0.5, "\U00017000", fontproperties=font_properties("zh_CN"))  # Tangut
    with pytest.raises(UserWarning, match="missing from font"):
        _png(fig)


def test_dark_theme_changes_the_background(surfaces):
    light = loss_heatmaps(surfaces, lang="en", theme="light")
    dark = loss_heatmaps(surfaces, lang="en", theme="dark")
    assert light.get_facecolor() != dark.get_facecolor()
    with pytest.raises(ValueError, match="theme must be one of light, dark"):
        loss_heatmaps(surfaces, theme="sepia")


def test_heatmaps_reject_mixed_targets(surfaces):
    with pytest.raises(ValueError, match="one grid and one target"):
        loss_heatmaps([surfaces[0], evaluate_surface("mse", 2)])
    with pytest.raises(ValueError, match="at least one Surface"):
        loss_heatmaps([])


def test_translator_reads_the_catalog_and_warns_on_a_gap(tmp_path, monkeypatch):
    folder = tmp_path / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "lossnotes.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "MSE"\nmsgstr "均方误差"\n\n'
        '#, fuzzy\nmsgid "Loss"\nmsgstr "旧译文"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("LOSSNOTES_LOCALE_DIR", str(tmp_path))
    _ = translator("zh_CN")
    assert _("MSE") == "均方误差"
    with pytest.warns(UntranslatedWarning, match="no zh_CN translation for 'Loss'"):
        assert _("Loss") == "Loss"  # fuzzy entries are not used, as in Sphinx
    assert translator("en")("Loss") == "Loss"
    with pytest.raises(ValueError, match="lang must be one of en, zh_CN"):
        translator("fr")


def test_build_language_comes_from_the_environment(monkeypatch, surfaces):
    monkeypatch.setenv("LOSSNOTES_LANG", "zh_CN")
    fig = loss_heatmaps(surfaces)
    assert fig.axes[0].get_title() == "交叉熵"
    monkeypatch.setenv("LOSSNOTES_LANG", "de")
    with pytest.raises(ValueError, match="LOSSNOTES_LANG must be one of en, zh_CN"):
        loss_heatmaps(surfaces)
