"""Heatmaps of loss surfaces, as matplotlib Figures returned to the caller.

Nothing here computes a loss: every function takes surfaces computed by
:mod:`lossnotes.surface` and draws them. No global matplotlib state is touched
(no pyplot, no backend switch, no ``rcParams`` change); text is set in the
language's fonts explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from .figure_style import THEMES, figure_setup, new_figure, signed, style_axes, style_colorbar
from .fonts import font_properties
from .labels import loss_label, target_label
from .surface import Surface

__all__ = ["THEMES", "loss_heatmaps"]


def loss_heatmaps(
    surfaces: Sequence[Surface],
    lang: str | None = None,
    theme: str = "light",
    width: float | None = None,
) -> Figure:
    """Draw each surface as a heatmap with its own colour bar, side by side.

    Parameters
    ----------
    surfaces : sequence of Surface
        Surfaces over the same grid and target (typically cross-entropy and MSE).
    lang : {"en", "zh_CN"}, optional
        Language of titles, axis and colour-bar labels; defaults to the build's.
    theme : {"light", "dark"}
        Colour scheme of the page the figure is shown on.
    width : float, optional
        Figure width in inches; by default 5 inches a panel, at most 10.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``surfaces`` is empty or mixes grids or targets.
    """
    lang, style, _ = figure_setup(lang, theme)
    if not surfaces:
        raise ValueError("surfaces must hold at least one Surface, got none")
    first = surfaces[0]
    if any(s.grid != first.grid or s.target != first.target for s in surfaces):
        raise ValueError("surfaces must share one grid and one target")
    text = font_properties(lang)
    title_font = font_properties(lang, size=12)
    grid = first.grid

    n = len(surfaces)
    width = min(5.0 * n, 10.0) if width is None else width
    fig = new_figure((width, 0.84 * width / n + 0.6), style)
    axes = fig.subplots(1, n, squeeze=False)[0]
    extent = (grid.low, grid.high, grid.low, grid.high)
    for ax, surface in zip(axes, surfaces, strict=True):
        image = ax.imshow(
            surface.loss,
            origin="lower",
            extent=extent,
            cmap=style.colormap,
            aspect="equal",
            interpolation="nearest",
        )
        style_axes(ax, style)
        name = loss_label(surface.loss_name, lang)
        ax.set_title(name, fontproperties=title_font, color=style.foreground)
        ax.set_xlabel(_("logit $z_0$ (class 0)"), fontproperties=text, color=style.foreground)
        ax.set_ylabel(_("logit $z_1$ (class 1)"), fontproperties=text, color=style.foreground)
        bar = fig.colorbar(image, ax=ax, shrink=0.9)
        style_colorbar(bar, style, _("{loss} loss").format(loss=name), text)
    fig.suptitle(
        _("Target: {target}; logit $z_2$ fixed at {value}").format(
            target=target_label(first.target, lang=lang),
            value=signed(grid.fixed_logit),
        ),
        fontproperties=title_font,
        color=style.foreground,
    )
    return fig
