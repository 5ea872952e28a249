"""Figures and tables of the why, gradients and numerics chapters, in both languages and schemes."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure

import lossnotes
from lossnotes.breakdown import (
    DTYPES,
    epsilon_profile,
    lse_rows,
    outcome_counts,
    outcome_map,
    stable_counts,
)
from lossnotes.closed_forms import CASES, cliff
from lossnotes.figures._style import rc
from lossnotes.figures.gradients import (
    fixed_gradient_exponent_maps,
    gradient_arrows,
    gradient_norm_maps,
)
from lossnotes.figures.labels import format_value, signed
from lossnotes.figures.numerics import epsilon_figure, outcome_maps
from lossnotes.figures.sections import colour_scale_figure, profile_figure
from lossnotes.figures.tables import counts_table, lse_table
from lossnotes.gradient_maps import fixed_logit_gradient_log10

SMALL = lossnotes.Grid(resolution=21)
WIDE_SMALL = lossnotes.Grid(low=-800.0, high=800.0, resolution=41)
LANGS = ("en", "zh_CN")
THEMES = ("light", "dark")


@pytest.fixture(scope="module")
def surfaces():
    return {case: lossnotes.evaluate_surface(*case, grid=SMALL) for case in CASES}


def _texts(fig: Figure) -> list[str]:
    out = [t.get_text() for t in fig.texts]
    for ax in [a for panel in fig.axes for a in (panel, *panel.child_axes)]:  # and colour bars
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    for legend in fig.legends:
        out += [t.get_text() for t in legend.get_texts()]
    return [t for t in out if t]


def _has_cjk(texts: list[str]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for t in texts for ch in t)


def _panels(fig: Figure) -> list:
    """Axes that are panels (have an x label), not colour bars."""
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_xlabel() and ax.get_title()]


def _check_language(fig: Figure, lang: str, english: list[str], chinese: list[str]) -> None:
    texts = _texts(fig)
    joined = "\n".join(texts)
    if lang == "en":
        assert not _has_cjk(texts)
        for word in english:
            assert word in joined, (word, texts)
    else:
        assert _has_cjk(texts)
        for word in chinese:
            assert word in joined, (word, texts)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("lang", LANGS)
def test_profile_figure(surfaces, lang, theme):
    fig = profile_figure([surfaces[c] for c in CASES], band=cliff("mse", 0), lang=lang, theme=theme)
    assert isinstance(fig, Figure)
    panels = _panels(fig)
    assert len(panels) == 4
    # each panel holds the dots of every grid cell and the closed-form line
    for ax in panels:
        dots, line = ax.get_lines()
        assert len(dots.get_xdata()) == SMALL.resolution**2
        assert len(line.get_xdata()) > 100
    _check_language(
        fig,
        lang,
        ["margin $d = z_1 - z_0$", "closed form", "heatmap values", "MSE\ntarget: class 0"],
        ["差值", "闭式表达式", "目标类别"],
    )
    assert fig.get_facecolor() == to_rgba(rc(theme, lang)["figure.facecolor"])


@pytest.mark.parametrize("lang", LANGS)
def test_colour_scale_figure(surfaces, lang):
    fig = colour_scale_figure(surfaces[("mse", 0)], surfaces[("mse", 2)], lang=lang, theme="dark")
    panels = _panels(fig)
    assert len(panels) == 4
    norms = [ax.get_images()[0].norm for ax in panels]
    assert type(norms[1]).__name__ == "LogNorm"
    assert norms[3].vmin == 0 and norms[3].vmax == pytest.approx(2 / 3)
    assert norms[2].vmin == pytest.approx(float(surfaces[("mse", 2)].loss.min()))
    _check_language(
        fig, lang, ["logarithmic colour scale", "logit $z_0$ (class 0)"], ["对数颜色标尺", "logit"]
    )


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("lang", LANGS)
def test_gradient_norm_maps(surfaces, lang, theme):
    fig = gradient_norm_maps([surfaces[c] for c in CASES], lang=lang, theme=theme)
    panels = _panels(fig)
    assert len(panels) == 4
    images = [ax.get_images()[0] for ax in panels]
    assert len({id(im.norm) for im in images}) == 1  # one shared scale
    assert type(images[0].norm).__name__ == "LogNorm"
    # the MSE panel with the fixed class as target masks its exact zeros on the diagonal
    assert np.ma.count_masked(images[3].get_array()) == SMALL.resolution
    _check_language(fig, lang, ["gradient norm (all three logits)"], ["梯度范数"])


@pytest.mark.parametrize("lang", LANGS)
def test_fixed_gradient_exponent_maps(surfaces, lang):
    cases = [("mse", 0), ("mse", 2)]
    exps = [fixed_logit_gradient_log10(*c, SMALL.logits())[0] for c in cases]
    fig = fixed_gradient_exponent_maps(
        exps, [surfaces[c] for c in cases], limits=(-445.0, -430.0), lang=lang, theme="light"
    )
    panels = _panels(fig)
    assert len(panels) == 2
    assert panels[0].get_images()[0].get_clim() == (-445.0, -430.0)
    _check_language(fig, lang, ["MSE\ntarget: class 2 (fixed logit)"], ["指数"])


@pytest.mark.parametrize("lang", LANGS)
def test_gradient_arrows(surfaces, lang):
    pair = [surfaces[("cross_entropy", 2)], surfaces[("mse", 2)]]
    fig = gradient_arrows(pair, every=4, lang=lang, theme="dark")
    panels = _panels(fig)
    assert len(panels) == 2
    ce_arrows = panels[0].collections[0]
    mse_arrows = panels[1].collections[0]
    n = len(range((SMALL.resolution % 4) // 2 + 2, SMALL.resolution, 4))
    assert ce_arrows.N == n * n
    # MSE with the fixed class as target has no in-plane gradient on the diagonal
    assert mse_arrows.N == n * n - n
    # CE descent lowers both free logits: every arrow points down and left
    assert (ce_arrows.U <= 0).all() and (ce_arrows.V <= 0).all()
    _check_language(fig, lang, ["Cross-entropy loss"], ["交叉熵"])


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("lang", LANGS)
def test_outcome_maps(lang, theme):
    formulas = ("cross_entropy", "cross_entropy_onehot", "mse")
    maps = {(d, f): outcome_map(f, 0, WIDE_SMALL, d) for d in DTYPES for f in formulas}
    fig = outcome_maps(maps, WIDE_SMALL, inner=lossnotes.EXPERIMENT, lang=lang, theme=theme)
    assert len([ax for ax in fig.axes if ax.get_images()]) == 6
    assert len(fig.legends) == 1
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[1:] == ["+inf", "\u2212inf", "NaN"]
    assert labels[0] == ("finite" if lang == "en" else "有限值")
    assert fig.axes[0].get_title() == "-log(softmax(z))[t]\nfloat32"


@pytest.mark.parametrize("lang", LANGS)
def test_epsilon_figure(lang):
    profile = epsilon_profile()
    fig = epsilon_figure(profile, lang=lang, theme="light")
    left, right = fig.axes
    assert len(left.get_lines()) == 4  # three curves and the plateau line
    assert len(right.get_lines()) == 2
    assert left.get_lines()[3].get_ydata()[0] == pytest.approx(-np.log(1e-7))
    # the epsilon loss is flat at -log(eps) far down, the stable one keeps growing
    assert profile.eps64[0] == pytest.approx(profile.plateau, rel=1e-9)
    assert profile.stable[0] == pytest.approx(-profile.fixed[0] + np.log(2), rel=1e-12)
    assert profile.eps_grad_log10[0] < -15 < profile.stable_grad_log10[0]
    _check_language(
        fig,
        lang,
        ["stable cross-entropy", "Gradient with respect to $z_2$"],
        ["数值稳定的交叉熵", "的梯度"],
    )


def test_format_value():
    assert format_value(float("nan")) == "NaN"
    assert format_value(float("-inf")) == "\u2212inf"
    assert format_value(-0.0) == "\u22120"
    assert format_value(2.061153620314381e-09) == "2.06115362e\u22129"
    assert format_value(1.5e300) == "1.5e300" and signed(1e-6) == "1e\u22126"


@pytest.mark.parametrize("lang", LANGS)
def test_tables(lang):
    text = lse_table(lse_rows([(0.0, 0.0, 1000.0), (10.0, -10.0, -1000.0)]), lang=lang)
    lines = text.strip().splitlines()
    # one column per logit vector, one row per formula
    assert len(lines) == 8 and lines[0].endswith("| (0, 0, 1000) | (10, \u221210, \u22121000) |")
    cells = [line.strip("| ").split(" | ") for line in lines[2:]]
    assert [row[1] for row in cells] == ["inf", "inf", "1000", "inf", "inf", "1000"]
    assert cells[5][2] == format_value(float(lossnotes.cross_entropy([10.0, -10.0, -1000.0], 0)))
    assert (cells[2][0] == "stable lse") == (lang == "en")
    grid = lossnotes.Grid(resolution=5)
    counts = {
        (-1000.0, "cross_entropy", 2, d): outcome_counts("cross_entropy", 2, grid, d)
        for d in DTYPES
    }
    counts[-1000.0, "cross_entropy", 2, "stable"] = stable_counts("cross_entropy", 2, grid)
    row = counts_table(counts, lang=lang).strip().splitlines()[2]
    assert row.endswith("| 25 +inf | 25 +inf | 25 " + ("finite |" if lang == "en" else "有限值 |"))


def test_every_legend_takes_the_schemes_colours(surfaces):
    """Legends take the scheme from the rc settings: background, frame and text."""
    from lossnotes.descent import descend
    from lossnotes.figures.training import gap_curves

    scheme = rc("dark", "en")
    run = descend("cross_entropy", [0.0, 0.0, -10.0], 2, 1.0, 20)
    profile = epsilon_profile()
    maps = {(d, f): outcome_map(f, 2, WIDE_SMALL, d) for d in DTYPES for f in ("cross_entropy",)}
    figures = [
        profile_figure([surfaces[c] for c in CASES], band=cliff("mse", 0), lang="en", theme="dark"),
        epsilon_figure(profile, lang="en", theme="dark"),
        outcome_maps(maps, WIDE_SMALL, inner=lossnotes.EXPERIMENT, lang="en", theme="dark"),
        gap_curves([run], lang="en", theme="dark"),
    ]
    legends = [legend for fig in figures for legend in fig.legends]
    legends += [ax.get_legend() for fig in figures for ax in fig.axes if ax.get_legend()]
    assert len(legends) >= len(figures)
    for legend in legends:
        frame = legend.get_frame()
        assert to_hex(frame.get_facecolor()) == scheme["axes.facecolor"]
        assert to_hex(frame.get_edgecolor()) == scheme["text.color"]
        assert {to_hex(t.get_color()) for t in legend.get_texts()} == {scheme["text.color"]}
