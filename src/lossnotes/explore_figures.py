"""Small multiples for the explore page: one loss and target, several fixed logits."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from .figure_style import figure_setup, new_figure, signed, style_axes, style_colorbar
from .fonts import font_properties
from .labels import loss_label, target_label
from .surface import Surface

__all__ = ["EXPLORE_FIXED_LOGITS", "surface_panels"]

#: The fixed logits the explore page shows.
EXPLORE_FIXED_LOGITS: tuple[float, ...] = (0.0, -10.0, -100.0, -1000.0)


def surface_panels(
    surfaces: Sequence[Surface],
    lang: str | None = None,
    theme: str = "light",
    width: float = 9.0,
    columns: int = 2,
) -> Figure:
    """Heatmaps of one loss and target at several fixed logits, each with its own colour bar.

    Parameters
    ----------
    surfaces : sequence of Surface
        Same loss and target, grids differing in their fixed logit.
    lang, theme, width
        As for :func:`lossnotes.figures.loss_heatmaps`.
    columns : int
        Panels per row.
    """
    lang, style, _ = figure_setup(lang, theme)
    if not surfaces:
        raise ValueError("surfaces must hold at least one Surface, got none")
    first = surfaces[0]
    if any(s.loss_name != first.loss_name or s.target != first.target for s in surfaces):
        raise ValueError("surfaces must share one loss and one target")
    text = font_properties(lang, size=9)
    title_font = font_properties(lang, size=12)
    rows = -(-len(surfaces) // columns)
    fig = new_figure((width, width * 0.42 * rows + 0.5), style)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[len(surfaces) :]:
        ax.set_visible(False)
    for ax, surface in zip(axes, surfaces, strict=False):
        grid = surface.grid
        image = ax.imshow(
            surface.loss,
            origin="lower",
            extent=(grid.low, grid.high, grid.low, grid.high),
            cmap=style.colormap,
            aspect="equal",
            interpolation="nearest",
        )
        style_axes(ax, style)
        ax.set_title(
            _("$z_2$ fixed at {value}").format(value=signed(grid.fixed_logit)),
            fontproperties=font_properties(lang, size=10),
            color=style.foreground,
        )
        ax.set_xlabel(_("logit $z_0$ (class 0)"), fontproperties=text, color=style.foreground)
        ax.set_ylabel(_("logit $z_1$ (class 1)"), fontproperties=text, color=style.foreground)
        bar = fig.colorbar(image, ax=ax, shrink=0.9)
        style_colorbar(bar, style, labelsize=8)
        bar.formatter.set_useOffset(False)
    fig.suptitle(
        _("{loss}, target {target}").format(
            loss=loss_label(first.loss_name, lang), target=target_label(first.target, lang=lang)
        ),
        fontproperties=title_font,
        color=style.foreground,
    )
    return fig
