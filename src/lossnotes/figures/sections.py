"""Figures of the chapter on why the surfaces look the way they do.

* :func:`profile_figure`: every heatmap value plotted against the margin
  ``d = z1 - z0``, with the closed form drawn over it;
* :func:`colour_scale_figure`: one surface under different colour scales, to
  show how much of a "cliff" is the colour scale's doing.

Numbers come from :mod:`lossnotes.closed_forms` and :mod:`lossnotes.surface`;
this module only draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure

from ..closed_forms import Cliff, profile, surface_profile
from ..grid import FIXED_CLASS
from ..surface import Surface
from ..wording import translator
from ._style import colour, figure_of, new_figure, themed
from .heatmaps import colour_bar, draw_image, label_logit_axes, panel_title
from .labels import loss_label

__all__ = ["BAND_COLOUR", "colour_scale_figure", "profile_figure", "surface_profile_plot"]

#: Colour of the band where MSE makes most of its rise, per colour scheme.
BAND_COLOUR = {"light": "#f0c040", "dark": "#8a6d10"}


@themed
def surface_profile_plot(
    surface: Surface,
    band: Cliff | None = None,
    ax: Axes | None = None,
    *,
    lang: str,
    theme: str,
) -> Figure:
    """One surface's values against ``d = z1 - z0``, with its closed-form profile drawn over them.

    Parameters
    ----------
    surface : Surface
        A surface with a closed form (see :data:`lossnotes.closed_forms.CASES`).
    band : Cliff, optional
        A band to shade (where MSE with target class 0 makes 10 to 90 percent of its rise).
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default on a new figure.
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}
    """
    if ax is None:
        ax = new_figure(3.6).subplots()
    _profile(ax, surface, band, lang, theme)
    ax.legend(loc="best")
    return figure_of(ax)


def _profile(ax: Axes, surface: Surface, band: Cliff | None, lang: str, theme: str) -> None:
    _ = translator(lang)
    d, values = surface_profile(surface)
    span = surface.grid.high - surface.grid.low
    line_d = np.linspace(-span, span, 801)
    if band is not None:
        ax.axvspan(
            band.band_low,
            band.band_high,
            color=BAND_COLOUR[theme],
            alpha=0.35,
            lw=0,
            label=_("10 to 90 percent of the rise"),
        )
    ax.plot(
        d.ravel(), values.ravel(), "o", ms=3.5, color=colour("C0"), alpha=0.5, mew=0,
        label=_("heatmap values"),
    )  # fmt: skip
    curve = profile(surface.loss_name, surface.target, line_d)
    ax.plot(line_d, curve, "-", lw=1.6, color=colour("C1"), label=_("closed form"))
    ax.set_title(panel_title(surface, lang))
    ax.set_xlabel(_("margin $d = z_1 - z_0$"))
    if (surface.loss_name, surface.target) == ("cross_entropy", FIXED_CLASS):
        ax.set_ylabel(_("loss $+\\, z_2 - (z_0 + z_1)/2$"))
    else:
        ax.set_ylabel(_("loss"))


@themed
def profile_figure(
    surfaces: Sequence[Surface], band: Cliff | None = None, *, lang: str, theme: str
) -> Figure:
    """Heatmap values against ``d = z1 - z0``, with the closed-form profile drawn over them.

    Parameters
    ----------
    surfaces : sequence of Surface
        Surfaces with a closed form (see :data:`lossnotes.closed_forms.CASES`),
        drawn in a grid of two columns, with one legend below.
    band : Cliff, optional
        If given, the band where MSE with target class 0 makes 10 to 90 percent of its
        rise is shaded in its panel.
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}
    """
    rows = (len(surfaces) + 1) // 2
    fig = new_figure(3.0 * rows + 0.8)
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    for ax in axes[len(surfaces) :]:
        ax.set_visible(False)
    for ax, surface in zip(axes, surfaces, strict=False):
        shaded = band if (surface.loss_name, surface.target) == ("mse", 0) else None
        _profile(ax, surface, shaded, lang, theme)
    # One legend for every panel: the panel with the most entries (the shaded band) has them all.
    entries = max((ax.get_legend_handles_labels() for ax in axes), key=lambda e: len(e[0]))
    fig.legend(*entries, loc="outside lower center", ncols=2)
    return fig


@themed
def colour_scale_figure(
    mse_target_0: Surface, mse_fixed_target: Surface, *, lang: str, theme: str
) -> Figure:
    """Two MSE surfaces, each under two colour scales (2 x 2 heatmaps).

    Top: MSE with target class 0 on a linear scale and on a logarithmic one.
    Bottom: MSE with the fixed class as target on its own range (as a heatmap
    with its own colour bar shows it) and on the full range MSE can take,
    ``[0, 2/K]``.
    """
    _ = translator(lang)
    low0, high0 = float(mse_target_0.loss.min()), float(mse_target_0.loss.max())
    low2, high2 = float(mse_fixed_target.loss.min()), float(mse_fixed_target.loss.max())
    panels = [
        (mse_target_0, Normalize(low0, high0), _("linear colour scale")),
        (mse_target_0, LogNorm(low0, high0), _("logarithmic colour scale")),
        (mse_fixed_target, Normalize(low2, high2), _("colour scale over its own range")),
        (mse_fixed_target, Normalize(0.0, 2 / 3), _("colour scale over all of [0, 2/3]")),
    ]
    fig = new_figure(8.5)
    for ax, (surface, norm, scale) in zip(fig.subplots(2, 2).ravel(), panels, strict=True):
        image = draw_image(ax, surface.loss, surface.grid, norm=norm)
        ax.set_title(f"{panel_title(surface, lang)}\n{scale}")
        label_logit_axes(ax, _)
        bar = colour_bar(ax, image)
        bar.set_label(_("{loss} loss").format(loss=loss_label("mse", lang)))
    return fig
