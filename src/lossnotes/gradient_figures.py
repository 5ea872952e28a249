"""Figures of the gradients chapter: gradient-norm maps, the fixed logit's gradient, arrows.

Every function draws numbers computed by :mod:`lossnotes.surface` and
:mod:`lossnotes.gradient_maps`; none computes a loss. No global matplotlib
state is touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from .figure_style import figure_setup, new_figure, style_axes, style_colorbar
from .fonts import font_properties
from .labels import loss_label, target_label
from .surface import Surface
from .wording import translator

__all__ = ["ZERO_COLOUR", "fixed_gradient_exponent_maps", "gradient_arrows", "gradient_norm_maps"]

#: Colour of grid cells whose gradient norm is exactly 0 (a log scale cannot show 0).
ZERO_COLOUR = {"light": "#e0e0e0", "dark": "#5a5f66"}
_ARROW_COLOUR = {"light": "#ffffff", "dark": "#ffffff"}


def _title(surface: Surface, lang: str) -> str:
    _ = translator(lang)
    return _("{loss}, target: {target}").format(
        loss=loss_label(surface.loss_name, lang), target=target_label(surface.target, lang=lang)
    )


def _label_axes(ax, lang: str, style) -> None:
    _ = translator(lang)
    text = font_properties(lang)
    ax.set_xlabel(_("logit $z_0$ (class 0)"), fontproperties=text, color=style.foreground)
    ax.set_ylabel(_("logit $z_1$ (class 1)"), fontproperties=text, color=style.foreground)


def gradient_norm_maps(
    surfaces: Sequence[Surface],
    lang: str | None = None,
    theme: str = "light",
    width: float = 10.0,
) -> Figure:
    """Gradient norms of four surfaces on one shared logarithmic colour scale (2 x 2).

    Cells whose norm is exactly 0 are drawn in :data:`ZERO_COLOUR`.
    """
    lang, style, _ = figure_setup(lang, theme)
    title_font = font_properties(lang, size=11)
    text = font_properties(lang)
    norms = [s.grad_norm for s in surfaces]
    positive = np.concatenate([n[n > 0] for n in norms])
    norm = LogNorm(float(positive.min()), float(positive.max()))
    cmap = _colormap(style.colormap, ZERO_COLOUR[theme])
    rows = (len(surfaces) + 1) // 2
    fig = new_figure((width, 4.2 * rows + 0.2), style)
    axes = fig.subplots(rows, 2, squeeze=False)
    grid = surfaces[0].grid
    extent = (grid.low, grid.high, grid.low, grid.high)
    image = None
    for ax, surface, values in zip(axes.ravel(), surfaces, norms, strict=False):
        masked = np.ma.masked_equal(values, 0.0)
        image = ax.imshow(
            masked,
            origin="lower",
            extent=extent,
            cmap=cmap,
            norm=norm,
            aspect="equal",
            interpolation="nearest",
        )
        style_axes(ax, style)
        ax.set_title(_title(surface, lang), fontproperties=title_font, color=style.foreground)
        _label_axes(ax, lang, style)
    for ax in axes.ravel()[len(surfaces) :]:
        ax.set_visible(False)
    bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.85)
    style_colorbar(bar, style, _("gradient norm (all three logits)"), text)
    return fig


def _colormap(name: str, bad: str):
    from matplotlib import colormaps

    return colormaps[name].with_extremes(bad=bad)


def fixed_gradient_exponent_maps(
    exponents: Sequence[np.ndarray],
    surfaces: Sequence[Surface],
    limits: tuple[float, float] | None = None,
    lang: str | None = None,
    theme: str = "light",
    width: float = 10.0,
) -> Figure:
    """Maps of ``log10 |dL/dz_2|``, the exact exponent of the fixed logit's gradient.

    Parameters
    ----------
    exponents : sequence of ndarray, shape (n, n)
        From :func:`lossnotes.gradient_maps.fixed_logit_gradient_log10`.
    surfaces : sequence of Surface
        The matching surfaces (for titles and the grid).
    limits : (float, float), optional
        One colour scale for every panel; exponents below it take the lowest
        colour (the colour bar shows an arrow). Defaults to each panel's range.
    """
    lang, style, _ = figure_setup(lang, theme)
    title_font = font_properties(lang, size=11)
    text = font_properties(lang)
    n = len(surfaces)
    fig = new_figure((width, width * 0.42 + 0.4), style)
    axes = fig.subplots(1, n, squeeze=False)[0]
    grid = surfaces[0].grid
    extent = (grid.low, grid.high, grid.low, grid.high)
    for ax, surface, values in zip(axes, surfaces, exponents, strict=True):
        low, high = limits if limits else (float(values.min()), float(values.max()))
        image = ax.imshow(
            values,
            origin="lower",
            extent=extent,
            cmap=style.colormap,
            vmin=low,
            vmax=high,
            aspect="equal",
            interpolation="nearest",
        )
        style_axes(ax, style)
        ax.set_title(_title(surface, lang), fontproperties=title_font, color=style.foreground)
        _label_axes(ax, lang, style)
        below = bool((values < low).any())
        bar = fig.colorbar(image, ax=ax, shrink=0.9, extend="min" if below else "neither")
        style_colorbar(bar, style, _("exponent: $\\log_{10} |\\partial L / \\partial z_2|$"), text)
    return fig


def gradient_arrows(
    surfaces: Sequence[Surface],
    every: int = 9,
    lang: str | None = None,
    theme: str = "light",
    width: float = 10.0,
) -> Figure:
    """Loss heatmaps with arrows along the descent direction ``-grad`` in the ``(z0, z1)`` plane.

    Arrows have one length: they show direction only (where the in-plane
    gradient is exactly 0 there is no arrow). The gradient's size is in
    :func:`gradient_norm_maps`; its component along the fixed logit ``z2``
    cannot be drawn in this plane.
    """
    lang, style, _ = figure_setup(lang, theme)
    title_font = font_properties(lang, size=11)
    text = font_properties(lang)
    n = len(surfaces)
    fig = new_figure((width, width * 0.42 + 0.4), style)
    axes = fig.subplots(1, n, squeeze=False)[0]
    grid = surfaces[0].grid
    extent = (grid.low, grid.high, grid.low, grid.high)
    axis = grid.axis
    start = (grid.resolution % every) // 2 + every // 2
    pick = slice(start, None, every)
    x, y = np.meshgrid(axis[pick], axis[pick])
    for ax, surface in zip(axes, surfaces, strict=True):
        image = ax.imshow(
            surface.loss,
            origin="lower",
            extent=extent,
            cmap=style.colormap,
            aspect="equal",
            interpolation="nearest",
        )
        u = -surface.grad[pick, pick, 0]
        v = -surface.grad[pick, pick, 1]
        length = np.hypot(u, v)
        moving = length > 0
        ax.quiver(
            x[moving],
            y[moving],
            (u / np.where(moving, length, 1))[moving],
            (v / np.where(moving, length, 1))[moving],
            color=_ARROW_COLOUR[theme],
            edgecolor="#000000",
            linewidth=0.4,
            angles="xy",
            scale_units="xy",
            scale=1 / (0.8 * every * grid.step),
            width=0.005,
            pivot="middle",
        )
        style_axes(ax, style)
        ax.set_title(_title(surface, lang), fontproperties=title_font, color=style.foreground)
        _label_axes(ax, lang, style)
        bar = fig.colorbar(image, ax=ax, shrink=0.9)
        label = _("{loss} loss").format(loss=loss_label(surface.loss_name, lang))
        style_colorbar(bar, style, label, text)
    return fig
