"""Figures of the chapter on why the surfaces look the way they do.

* :func:`profile_figure`: every heatmap value plotted against the margin
  ``d = z1 - z0``, with the closed form drawn over it;
* :func:`colour_scale_figure`: one surface under different colour scales, to
  show how much of a "cliff" is the colour scale's doing.

Numbers come from :mod:`lossnotes.closed_forms` and :mod:`lossnotes.surface`;
this module only draws. No global matplotlib state is touched.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure

from .closed_forms import Cliff, profile, surface_profile
from .figure_style import figure_setup, legend_style, new_figure, style_axes, style_colorbar
from .fonts import font_properties
from .grid import FIXED_CLASS
from .labels import loss_label, target_label
from .surface import Surface
from .wording import translator

__all__ = ["LINE_COLOURS", "colour_scale_figure", "new_figure", "profile_figure"]

#: Colours of the closed-form line, the grid values and the shaded band, per colour scheme.
LINE_COLOURS: dict[str, dict[str, str]] = {
    "light": {"line": "#c0392b", "dots": "#1f5fa8", "band": "#f0c040"},
    "dark": {"line": "#ff8a7a", "dots": "#7fb8f0", "band": "#8a6d10"},
}


def _panel_title(surface: Surface, lang: str) -> str:
    _ = translator(lang)
    return _("{loss}, target: {target}").format(
        loss=loss_label(surface.loss_name, lang), target=target_label(surface.target, lang=lang)
    )


def profile_figure(
    surfaces: Sequence[Surface],
    band: Cliff | None = None,
    lang: str | None = None,
    theme: str = "light",
    width: float = 10.0,
) -> Figure:
    """Heatmap values against ``d = z1 - z0``, with the closed-form profile drawn over them.

    Parameters
    ----------
    surfaces : sequence of Surface
        Surfaces with a closed form (see :data:`lossnotes.closed_forms.CASES`),
        drawn in a grid of two columns.
    band : Cliff, optional
        If given, the band where MSE with target class 0 makes 10 to 90 percent of its
        rise is shaded in its panel.
    lang, theme, width
        As for :func:`lossnotes.figures.loss_heatmaps`.
    """
    lang, style, _ = figure_setup(lang, theme)
    colours = LINE_COLOURS[theme]
    text = font_properties(lang)
    title_font = font_properties(lang, size=11)
    rows = (len(surfaces) + 1) // 2
    fig = new_figure((width, 3.4 * rows + 0.3), style)
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    for ax, surface in zip(axes, surfaces, strict=False):
        d, values = surface_profile(surface)
        span = surface.grid.high - surface.grid.low
        line_d = np.linspace(-span, span, 801)
        if band is not None and (surface.loss_name, surface.target) == ("mse", 0):
            ax.axvspan(
                band.band_low,
                band.band_high,
                color=colours["band"],
                alpha=0.35,
                lw=0,
                label=_("10 to 90 percent of the rise"),
            )
        ax.plot(
            d.ravel(),
            values.ravel(),
            "o",
            ms=3.5,
            color=colours["dots"],
            alpha=0.5,
            mew=0,
            label=_("heatmap values"),
        )
        ax.plot(
            line_d,
            profile(surface.loss_name, surface.target, line_d),
            "-",
            lw=1.6,
            color=colours["line"],
            label=_("closed form"),
        )
        style_axes(ax, style)
        ax.set_title(_panel_title(surface, lang), fontproperties=title_font, color=style.foreground)
        ax.set_xlabel(_("margin $d = z_1 - z_0$"), fontproperties=text, color=style.foreground)
        if (surface.loss_name, surface.target) == ("cross_entropy", FIXED_CLASS):
            ylabel = _("loss $+\\, z_2 - (z_0 + z_1)/2$")
        else:
            ylabel = _("loss")
        ax.set_ylabel(ylabel, fontproperties=text, color=style.foreground)
        legend = ax.legend(**legend_style(style, text), loc="best")
        legend.get_frame().set_alpha(0.9)
    for ax in axes[len(surfaces) :]:
        ax.set_visible(False)
    return fig


def colour_scale_figure(
    mse_target_0: Surface,
    mse_fixed_target: Surface,
    lang: str | None = None,
    theme: str = "light",
    width: float = 10.0,
) -> Figure:
    """Two MSE surfaces, each under two colour scales (2 x 2 heatmaps).

    Top: MSE with target class 0 on a linear scale and on a logarithmic one.
    Bottom: MSE with the fixed class as target on its own range (as a heatmap
    with its own colour bar shows it) and on the full range MSE can take,
    ``[0, 2/K]``.
    """
    lang, style, _ = figure_setup(lang, theme)
    text = font_properties(lang)
    title_font = font_properties(lang, size=11)
    grid = mse_target_0.grid
    full_high = 2 / 3
    panels = [
        (
            mse_target_0,
            Normalize(float(mse_target_0.loss.min()), float(mse_target_0.loss.max())),
            _("linear colour scale"),
        ),
        (
            mse_target_0,
            LogNorm(float(mse_target_0.loss.min()), float(mse_target_0.loss.max())),
            _("logarithmic colour scale"),
        ),
        (
            mse_fixed_target,
            Normalize(float(mse_fixed_target.loss.min()), float(mse_fixed_target.loss.max())),
            _("colour scale over its own range"),
        ),
        (mse_fixed_target, Normalize(0.0, full_high), _("colour scale over all of [0, 2/3]")),
    ]
    fig = new_figure((width, width * 0.82), style)
    axes = fig.subplots(2, 2).ravel()
    extent = (grid.low, grid.high, grid.low, grid.high)
    for ax, (surface, norm, scale) in zip(axes, panels, strict=True):
        image = ax.imshow(
            surface.loss,
            origin="lower",
            extent=extent,
            cmap=style.colormap,
            norm=norm,
            aspect="equal",
            interpolation="nearest",
        )
        style_axes(ax, style)
        ax.set_title(
            f"{_panel_title(surface, lang)}\n{scale}",
            fontproperties=title_font,
            color=style.foreground,
        )
        ax.set_xlabel(_("logit $z_0$ (class 0)"), fontproperties=text, color=style.foreground)
        ax.set_ylabel(_("logit $z_1$ (class 1)"), fontproperties=text, color=style.foreground)
        bar = fig.colorbar(image, ax=ax, shrink=0.9)
        style_colorbar(bar, style, _("{loss} loss").format(loss=loss_label("mse", lang)), text)
    return fig
