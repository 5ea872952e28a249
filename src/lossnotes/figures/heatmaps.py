"""Heatmaps of loss surfaces over the grid of the two free logits.

Nothing here computes a loss: every function draws surfaces computed by
:mod:`lossnotes.surface`. No global matplotlib state is touched (no pyplot, no
backend switch); the colour scheme and fonts are applied per figure
(``lossnotes.figures._style``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from ..grid import Grid
from ..surface import Surface
from ..validation import N_, InputError
from ..wording import translator
from ._style import figure_of, new_figure, themed
from .labels import loss_label, signed, target_label

__all__ = ["loss_heatmap", "loss_heatmaps"]


def draw_image(ax: Axes, values: np.ndarray, grid: Grid, **kwargs: Any) -> AxesImage:
    """Show ``values``, one per grid point, on ``ax`` with the grid's logits as coordinates."""
    return ax.imshow(values, extent=(grid.low, grid.high, grid.low, grid.high), **kwargs)


def colour_bar(ax: Axes, image: AxesImage, **kwargs: Any) -> Colorbar:
    """A colour bar for ``image`` right of ``ax``, shorter than it (its labels clear the title)."""
    return figure_of(ax).colorbar(image, cax=ax.inset_axes((1.05, 0.075, 0.06, 0.85)), **kwargs)


def label_logit_axes(ax: Axes, _: Callable[[str], str]) -> None:
    """Name the horizontal and vertical axes of a heatmap: the logits of classes 0 and 1."""
    ax.set_xlabel(_("logit $z_0$ (class 0)"))
    ax.set_ylabel(_("logit $z_1$ (class 1)"))


def panel_title(surface: Surface, lang: str) -> str:
    """``"MSE\ntarget: class 0"``: the two-line title of a panel showing ``surface``."""
    _ = translator(lang)
    target = _("target: {target}").format(target=target_label(surface.target, lang))
    return f"{loss_label(surface.loss_name, lang)}\n{target}"


def _heatmap(ax: Axes, surface: Surface, lang: str) -> None:
    _ = translator(lang)
    name = loss_label(surface.loss_name, lang)
    image = draw_image(ax, surface.loss, surface.grid)
    ax.set_title(name)
    label_logit_axes(ax, _)
    bar = colour_bar(ax, image)
    bar.set_label(_("{loss} loss").format(loss=name))


@themed
def loss_heatmap(surface: Surface, ax: Axes | None = None, *, lang: str, theme: str) -> Figure:
    """Draw one surface as a heatmap with its colour bar.

    Parameters
    ----------
    surface : Surface
        The loss over the grid.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default on a new figure. What the axes already hold
        (its frame, title and label text) keeps the caller's style; what this
        function adds (image, colour bar) takes ``theme``.
    lang : {"en", "zh_CN"}
        Language of the title and labels.
    theme : {"light", "dark"}
        Colour scheme of the page the figure is shown on.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on.
    """
    if ax is None:
        ax = new_figure(6.0).subplots()
    _heatmap(ax, surface, lang)
    return figure_of(ax)


@themed
def loss_heatmaps(surfaces: Sequence[Surface], *, lang: str, theme: str) -> Figure:
    """Draw each surface as a heatmap with its own colour bar, side by side.

    Parameters
    ----------
    surfaces : sequence of Surface
        Surfaces over the same grid and target (typically cross-entropy and MSE).
    lang : {"en", "zh_CN"}
        Language of titles, axis and colour-bar labels.
    theme : {"light", "dark"}
        Colour scheme of the page the figure is shown on.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    lossnotes.validation.InputError
        If ``surfaces`` is empty or mixes grids or targets.
    """
    if not surfaces:
        raise InputError(N_("{name} must hold at least one Surface, got none"), name="surfaces")
    first = surfaces[0]
    if any(s.grid != first.grid or s.target != first.target for s in surfaces):
        raise InputError(N_("{name} must share one grid and one target"), name="surfaces")
    _ = translator(lang)
    fig = new_figure(4.0 if len(surfaces) > 1 else 6.0)
    for ax, surface in zip(fig.subplots(1, len(surfaces), squeeze=False)[0], surfaces, strict=True):
        _heatmap(ax, surface, lang)
    fig.suptitle(
        _("Target: {target}; logit $z_2$ fixed at {value}").format(
            target=target_label(first.target, lang), value=signed(first.grid.fixed_logit)
        )
    )
    return fig
