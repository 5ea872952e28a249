"""Figures of the gradients chapter: gradient-norm maps, the fixed logit's gradient, arrows.

Every function draws numbers computed by :mod:`lossnotes.surface` and
:mod:`lossnotes.gradient_maps`; none computes a loss.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from ..surface import Surface
from ..wording import translator
from ._style import new_figure, themed
from .heatmaps import colour_bar, draw_image, label_logit_axes, panel_title
from .labels import loss_label

__all__ = ["ZERO_COLOUR", "fixed_gradient_exponent_maps", "gradient_arrows", "gradient_norm_maps"]

#: Colour of grid cells whose gradient norm is exactly 0 (a log scale cannot show 0).
ZERO_COLOUR = {"light": "#e0e0e0", "dark": "#5a5f66"}


@themed
def gradient_norm_maps(surfaces: Sequence[Surface], *, lang: str, theme: str) -> Figure:
    """Gradient norms of four surfaces on one shared logarithmic colour scale (2 x 2).

    Cells whose norm is exactly 0 are drawn in :data:`ZERO_COLOUR`.
    """
    _ = translator(lang)
    norms = [s.grad_norm for s in surfaces]
    positive = np.concatenate([n[n > 0] for n in norms])
    norm = LogNorm(float(positive.min()), float(positive.max()))
    cmap = colormaps["viridis"].with_extremes(bad=ZERO_COLOUR[theme])
    rows = (len(surfaces) + 1) // 2
    fig = new_figure(4.0 * rows)
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    image = None
    for ax, surface, values in zip(axes, surfaces, norms, strict=False):
        image = draw_image(ax, np.ma.masked_equal(values, 0.0), surface.grid, cmap=cmap, norm=norm)
        ax.set_title(panel_title(surface, lang))
        label_logit_axes(ax, _)
    for ax in axes[len(surfaces) :]:
        ax.set_visible(False)
    assert image is not None, "no surface to draw"
    bar = fig.colorbar(image, ax=axes.tolist(), shrink=0.8)
    bar.set_label(_("gradient norm (all three logits)"))
    return fig


@themed
def fixed_gradient_exponent_maps(
    exponents: Sequence[np.ndarray],
    surfaces: Sequence[Surface],
    limits: tuple[float, float] | None = None,
    *,
    lang: str,
    theme: str,
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
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}
    """
    _ = translator(lang)
    fig = new_figure(4.5)
    axes = fig.subplots(1, len(surfaces), squeeze=False)[0]
    for ax, surface, values in zip(axes, surfaces, exponents, strict=True):
        low, high = limits if limits else (float(values.min()), float(values.max()))
        image = draw_image(ax, values, surface.grid, vmin=low, vmax=high)
        ax.set_title(panel_title(surface, lang))
        label_logit_axes(ax, _)
        below = bool((values < low).any())
        bar = colour_bar(ax, image, extend="min" if below else "neither")
        bar.set_label(_("exponent: $\\log_{10} |\\partial L / \\partial z_2|$"))
    return fig


@themed
def gradient_arrows(
    surfaces: Sequence[Surface], every: int = 9, *, lang: str, theme: str
) -> Figure:
    """Loss heatmaps with arrows along the descent direction ``-grad`` in the ``(z0, z1)`` plane.

    Arrows have one length: they show direction only (where the in-plane
    gradient is exactly 0 there is no arrow). The gradient's size is in
    :func:`gradient_norm_maps`; its component along the fixed logit ``z2``
    cannot be drawn in this plane.
    """
    _ = translator(lang)
    fig = new_figure(4.5)
    axes = fig.subplots(1, len(surfaces), squeeze=False)[0]
    grid = surfaces[0].grid
    start = (grid.resolution % every) // 2 + every // 2
    pick = slice(start, None, every)
    x, y = np.meshgrid(grid.axis[pick], grid.axis[pick])
    for ax, surface in zip(axes, surfaces, strict=True):
        image = draw_image(ax, surface.loss, surface.grid)
        u = -surface.grad[pick, pick, 0]
        v = -surface.grad[pick, pick, 1]
        length = np.hypot(u, v)
        moving = length > 0
        ax.quiver(
            x[moving],
            y[moving],
            (u / np.where(moving, length, 1))[moving],
            (v / np.where(moving, length, 1))[moving],
            color="#ffffff",
            edgecolor="#000000",
            linewidth=0.4,
            angles="xy",
            scale_units="xy",
            scale=1 / (0.8 * every * grid.step),
            width=0.006,
            pivot="middle",
        )
        ax.set_title(panel_title(surface, lang))
        label_logit_axes(ax, _)
        bar = colour_bar(ax, image)
        bar.set_label(_("{loss} loss").format(loss=loss_label(surface.loss_name, lang)))
    return fig
