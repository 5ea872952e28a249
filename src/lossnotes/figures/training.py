"""Figures of the training chapter: descent paths, logit gaps, steps to recover.

Every function draws numbers computed elsewhere (:mod:`lossnotes.descent`,
:mod:`lossnotes.recovery`). The chapter's tables are in
``lossnotes.figures.tables``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from ..descent import Descent, leader_gap
from ..recovery import Recovery
from ..surface import Surface
from ..validation import N_, InputError
from ..wording import translator
from ._style import colour, figure_of, new_figure, themed
from .heatmaps import colour_bar, draw_image
from .labels import loss_label, minus_signs

__all__ = ["LOSS_COLOURS", "descent_paths", "gap_curves", "recovery_plot"]

#: Colour of each loss's lines: a colour of the scheme's cycle, so it suits either scheme.
LOSS_COLOURS: dict[str, str] = {"cross_entropy": "C0", "mse": "C1", "mse_logits": "C2"}

_PATH_COLOUR = "#ffffff"
_START_COLOUR = "#ff5c5c"


@themed
def descent_paths(
    surfaces: Sequence[Surface],
    runs: Sequence[Descent],
    coordinates: tuple[int, int] = (0, 1),
    relative_to: int | None = None,
    *,
    lang: str,
    theme: str,
) -> Figure:
    """Heatmaps of the surfaces with each run's path drawn over its own panel.

    Parameters
    ----------
    surfaces, runs : sequences of equal length
        ``runs[i]`` is drawn over ``surfaces[i]``.
    coordinates : (int, int)
        The classes whose logits are the horizontal and vertical axes.
    relative_to : int, optional
        Draw ``z_k - z_{relative_to}`` instead of ``z_k`` (for surfaces that
        depend on logit differences only, evaluated with that logit at 0).
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}

    Raises
    ------
    lossnotes.validation.InputError
        If there are no runs, or not one surface per run.
    """
    if len(surfaces) != len(runs) or not runs:
        raise InputError(
            N_(
                "{name} must be non-empty and hold one run per surface; got {runs} runs and "
                "{surfaces} surfaces"
            ),
            name="runs",
            runs=len(runs),
            surfaces=len(surfaces),
        )
    _ = translator(lang)
    n = len(surfaces)
    columns = 2 if n > 2 else n
    rows = -(-n // columns)
    fig = new_figure(4.2 * rows + 0.4)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    i, j = coordinates
    for k, (ax, surface, run) in enumerate(zip(axes, surfaces, runs, strict=False)):
        grid = surface.grid
        image = draw_image(ax, surface.loss, grid)
        z = run.logits
        base = z[:, relative_to] if relative_to is not None else 0.0
        x, y = z[:, i] - base, z[:, j] - base
        ax.plot(x, y, color=_PATH_COLOUR, linewidth=1.6)
        ax.plot(x[-1:], y[-1:], marker="o", markersize=6, color=_PATH_COLOUR)
        ax.plot(x[:1], y[:1], marker="s", markersize=7, color=_START_COLOUR)
        ax.set_xlim(grid.low, grid.high)
        ax.set_ylim(grid.low, grid.high)
        name = loss_label(surface.loss_name, lang)
        outcome = (
            _("leads after {n} updates").format(n=f"{run.recovered_at:,}")
            if run.recovered_at is not None
            else _("still behind after {n} updates").format(n=f"{run.steps:,}")
        )
        ax.set_title(f"{name}\n{outcome}")
        if relative_to is None:
            xlabel = _("logit $z_{k}$").format(k=i)
            ylabel = _("logit $z_{k}$").format(k=j)
        else:
            xlabel = _("logit gap $z_{k} - z_{m}$").format(k=i, m=relative_to)
            ylabel = _("logit gap $z_{k} - z_{m}$").format(k=j, m=relative_to)
        ax.set_xlabel(xlabel)
        if k % columns == 0:  # one label a row: it would run under the next panel's title
            ax.set_ylabel(ylabel)
        bar = colour_bar(ax, image)
        bar.set_label(_("{loss} loss").format(loss=name))
    fig.suptitle(_("Gradient descent paths: start (square), end (dot)"))
    return fig


@themed
def gap_curves(runs: Sequence[Descent], ax: Axes | None = None, *, lang: str, theme: str) -> Figure:
    """The target's lead ``z_t - max_{k != t} z_k`` against the updates, one line a run.

    Parameters
    ----------
    runs : sequence of Descent
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default on a new figure.
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}
    """
    _ = translator(lang)
    if ax is None:
        ax = new_figure(4.2).subplots()
    for run in runs:
        label = loss_label(run.loss_name, lang)
        if run.recovered_at is not None:
            label += " · " + _("leads after {n} updates").format(n=f"{run.recovered_at:,}")
        else:
            label += " · " + _("never leads")
        gap = leader_gap(run.logits, run.target)
        ax.plot(
            np.arange(run.steps + 1), gap, color=colour(LOSS_COLOURS[run.loss_name]), label=label
        )
    ax.axhline(0, linewidth=0.8, linestyle=":")
    ax.set_xlabel(_("updates"))
    ax.set_ylabel(_("lead of the target logit over the best rival"))
    ax.legend()
    return figure_of(ax)


@themed
def recovery_plot(
    sweep: Sequence[Recovery], ax: Axes | None = None, *, lang: str, theme: str
) -> Figure:
    """log10 of the updates to recover against the fixed logit, runs filled, predictions hollow.

    Parameters
    ----------
    sweep : sequence of Recovery
        From :func:`lossnotes.recovery.recovery_sweep`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default on a new figure.
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}
    """
    _ = translator(lang)
    if ax is None:
        ax = new_figure(4.4).subplots()
    fixed = sorted({r.fixed_logit for r in sweep}, reverse=True)
    position = {f: k for k, f in enumerate(fixed)}
    for loss in dict.fromkeys(r.loss_name for r in sweep):
        line_colour = colour(LOSS_COLOURS[loss])
        rows = [r for r in sweep if r.loss_name == loss]
        xs = [position[r.fixed_logit] for r in rows]
        ys = [math.log10(r.recovered_at) if r.recovered_at else r.predicted_log10 for r in rows]
        ax.plot(xs, ys, color=line_colour, linewidth=1.5, label=loss_label(loss, lang))
        ran = [(position[r.fixed_logit], r.recovered_at) for r in rows if r.recovered_at]
        ax.plot(
            [x for x, steps in ran],
            [math.log10(steps) for x, steps in ran],
            linestyle="none",
            marker="o",
            markersize=7,
            color=line_colour,
        )
        predicted = [r for r in rows if r.recovered_at is None]
        ax.plot(
            [position[r.fixed_logit] for r in predicted],
            [r.predicted_log10 for r in predicted],
            linestyle="none",
            marker="o",
            markersize=8,
            markerfacecolor="none",
            markeredgewidth=1.8,
            color=line_colour,
        )
    # The two marker kinds in the legend, in the scheme's text colour (rc lines.color).
    handles = ax.get_legend_handles_labels()[0] + [
        Line2D([], [], linestyle="none", marker="o", label=_("run")),
        Line2D([], [], linestyle="none", marker="o", markerfacecolor="none",
               label=_("predicted (closed form)")),
    ]  # fmt: skip
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"$10^{{{v:g}}}$"))
    ax.set_xticks(range(len(fixed)), [minus_signs(f"{f:g}") for f in fixed])
    ax.set_xlabel(_("fixed logit of the target class"))
    ax.set_ylabel(_("updates until the target leads (log scale)"))
    ax.legend(handles=handles)
    return figure_of(ax)
