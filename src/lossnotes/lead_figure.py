"""The landing page's figure: the answer in one picture.

Gradient descent from the note's bad start, the target being the class whose logit
is fixed: cross-entropy's lead line climbs to zero and past it, MSE's stays where it
started, because its gradient on that logit is exactly zero in float64. The runs are
computed by :func:`lossnotes.descent.descend`; this module only draws them, sized for
the content column (legible at a 390 px wide phone and not oversized at 1400 px).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from .descent import Descent, leader_gap
from .figure_style import figure_setup, minus_signs, new_figure, style_axes
from .fonts import font_properties
from .labels import loss_label
from .training_figures import LINE_COLOURS

__all__ = ["LEAD_FONT_SIZE", "LEAD_WIDTH", "lead_figure"]

#: Width of the figure in inches: 660 pixels at the site's 110 dpi.
LEAD_WIDTH = 6.0
#: Font size in points: about 10 CSS px when the figure is 342 px wide on a phone.
LEAD_FONT_SIZE = 13


def lead_figure(
    runs: Sequence[Descent],
    lang: str | None = None,
    theme: str = "light",
    width: float = LEAD_WIDTH,
) -> Figure:
    """The target's lead over the best rival after each update, one line a run.

    Each line is labelled at its end with the loss and what became of the run
    (the update at which the target first leads, or that it never does); the
    update at which a run recovers is marked.

    Parameters
    ----------
    runs : sequence of Descent
        Runs of :func:`lossnotes.descent.descend` from the same start and target.
    lang : {"en", "zh_CN"}, optional
        Language of the labels; defaults to the build's.
    theme : {"light", "dark"}
        Colour scheme of the page the figure is shown on.
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``runs`` is empty.
    """
    lang, style, _ = figure_setup(lang, theme)
    if not runs:
        raise ValueError("runs must hold at least one Descent, got none")
    text = font_properties(lang, size=LEAD_FONT_SIZE)
    small = font_properties(lang, size=LEAD_FONT_SIZE - 1)
    fig = new_figure((width, width * 0.62), style)
    ax = fig.subplots()
    steps = max(run.steps for run in runs)
    for run in runs:
        gap = leader_gap(run.logits, run.target)
        colour = LINE_COLOURS[theme][run.loss_name]
        ax.plot(np.arange(run.steps + 1), gap, color=colour, linewidth=2.5)
        name = loss_label(run.loss_name, lang)
        if run.recovered_at is not None:
            note = _("leads after {n} updates").format(n=f"{run.recovered_at:,}")
            ax.plot([run.recovered_at], [gap[run.recovered_at]], "o", color=colour, markersize=7)
            ax.annotate(
                f"{name}\n{note}",
                (run.recovered_at, gap[run.recovered_at]),
                xytext=(-12, -4),
                textcoords="offset points",
                ha="right",
                va="top",
                color=colour,
                fontproperties=text,
            )
        else:
            note = _("gradient exactly 0, never moves")
            ax.annotate(
                f"{name}: {note}",
                (steps, gap[-1]),
                xytext=(0, 8),
                textcoords="offset points",
                ha="right",
                va="bottom",
                color=colour,
                fontproperties=text,
            )
    ax.axhline(0, color=style.foreground, linewidth=0.8, linestyle=":")
    style_axes(ax, style)
    ax.set_xlim(0, steps)
    ax.set_xlabel(_("updates"), fontproperties=text, color=style.foreground)
    ax.set_ylabel(_("lead of the target logit"), fontproperties=text, color=style.foreground)
    ax.tick_params(labelsize=LEAD_FONT_SIZE - 1)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontproperties(small)
    ax.yaxis.set_major_formatter(lambda value, _pos: minus_signs(f"{value:g}"))
    return fig
