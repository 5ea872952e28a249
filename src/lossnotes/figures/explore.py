"""Small multiples for the explore page: one loss and target, several fixed logits."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from ..surface import Surface
from ..validation import N_, InputError
from ..wording import translator
from ._style import new_figure, themed
from .heatmaps import colour_bar, draw_image, label_logit_axes
from .labels import loss_label, signed, target_label

__all__ = ["EXPLORE_FIXED_LOGITS", "surface_panels"]

#: The fixed logits the explore page shows.
EXPLORE_FIXED_LOGITS: tuple[float, ...] = (0.0, -10.0, -100.0, -1000.0)


@themed
def surface_panels(
    surfaces: Sequence[Surface], columns: int = 2, *, lang: str, theme: str
) -> Figure:
    """Heatmaps of one loss and target at several fixed logits, each with its own colour bar.

    Parameters
    ----------
    surfaces : sequence of Surface
        Same loss and target, grids differing in their fixed logit.
    columns : int
        Panels per row.
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}

    Raises
    ------
    lossnotes.validation.InputError
        If ``surfaces`` is empty or mixes losses or targets.
    """
    if not surfaces:
        raise InputError(N_("{name} must hold at least one Surface, got none"), name="surfaces")
    first = surfaces[0]
    if any(s.loss_name != first.loss_name or s.target != first.target for s in surfaces):
        raise InputError(N_("{name} must share one loss and one target"), name="surfaces")
    _ = translator(lang)
    rows = -(-len(surfaces) // columns)
    fig = new_figure(3.8 * rows + 0.4)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[len(surfaces) :]:
        ax.set_visible(False)
    for ax, surface in zip(axes, surfaces, strict=False):
        image = draw_image(ax, surface.loss, surface.grid)
        ax.set_title(_("$z_2$ fixed at {value}").format(value=signed(surface.grid.fixed_logit)))
        label_logit_axes(ax, _)
        bar = colour_bar(ax, image)
        if isinstance(bar.formatter, ScalarFormatter):
            bar.formatter.set_useOffset(False)
    fig.suptitle(
        _("{loss}, target {target}").format(
            loss=loss_label(first.loss_name, lang), target=target_label(first.target, lang)
        )
    )
    return fig
