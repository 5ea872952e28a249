"""The landing page's figure: the answer in one picture.

Gradient descent from the note's bad start, the target being the class whose logit
is fixed: cross-entropy's lead line climbs to zero and past it, MSE's stays where it
started, because its gradient on that logit is exactly zero in float64. The runs are
computed by :func:`lossnotes.descent.descend`; this module only draws them. Each line is
labelled where it ends instead of in a legend, so the figure reads at a glance on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from ..descent import Descent, leader_gap
from ..validation import N_, InputError
from ..wording import translator
from ._style import figure_of, new_figure, themed
from .labels import loss_label, minus_signs
from .training import LOSS_COLOURS

__all__ = ["lead_figure"]


@themed
def lead_figure(
    runs: Sequence[Descent], ax: Axes | None = None, *, lang: str, theme: str
) -> Figure:
    """The target's lead over the best rival after each update, one labelled line a run.

    Each line is labelled at its end with the loss and what became of the run: the
    update at which the target first leads (marked with a dot), or that its gradient is
    exactly 0 and it never moves.

    Parameters
    ----------
    runs : sequence of Descent
        Runs of :func:`lossnotes.descent.descend` from the same start and target.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default on a new figure.
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    lossnotes.validation.InputError
        If ``runs`` is empty.
    """
    _ = translator(lang)
    if not runs:
        raise InputError(N_("{name} must hold at least one Descent, got none"), name="runs")
    if ax is None:
        ax = new_figure(3.9).subplots()
    steps = max(run.steps for run in runs)
    for run in runs:
        gap = leader_gap(run.logits, run.target)
        colour = to_hex(LOSS_COLOURS[run.loss_name])  # the scheme's colour, fixed now
        ax.plot(np.arange(run.steps + 1), gap, color=colour, linewidth=2.5)
        name = loss_label(run.loss_name, lang)
        if run.recovered_at is not None:
            note = _("leads after {n} updates").format(n=f"{run.recovered_at:,}")
            ax.plot([run.recovered_at], [gap[run.recovered_at]], "o", color=colour)
            ax.annotate(
                f"{name}\n{note}",
                (run.recovered_at, gap[run.recovered_at]),
                xytext=(0.04, 0.94),  # the empty corner above the rising line
                textcoords="axes fraction",
                ha="left",
                va="top",
                color=colour,
                arrowprops={"arrowstyle": "-", "color": colour, "linewidth": 1, "shrinkB": 5},
            )
        else:
            ax.annotate(
                _("{loss}: gradient exactly 0, never moves").format(loss=name),
                (steps, gap[-1]),
                xytext=(0, 8),
                textcoords="offset points",
                ha="right",
                va="bottom",
                color=colour,
            )
    ax.axhline(0, linewidth=0.8, linestyle=":")
    ax.set_xlim(0, steps)
    ax.set_xlabel(_("updates"))
    ax.set_ylabel(_("lead of the target logit"))
    ax.yaxis.set_major_formatter(lambda value, _pos: minus_signs(f"{value:g}"))
    return figure_of(ax)
