"""Figures of the numerics chapter: where the naive formulas fail, and the fixes.

Numbers come from :mod:`lossnotes.breakdown` (which runs :mod:`lossnotes.naive`
and the stable core); this module only draws them. Its tables are in
``lossnotes.figures.tables``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..breakdown import EpsilonProfile
from ..grid import Grid
from ..wording import translator
from ._style import colour, new_figure, themed
from .heatmaps import draw_image
from .labels import formula_label, outcome_names, target_label

__all__ = ["OUTCOME_COLOURS", "epsilon_figure", "outcome_maps"]

#: Colours of the outcomes finite, +inf, -inf, NaN, per colour scheme.
OUTCOME_COLOURS: dict[str, tuple[str, str, str, str]] = {
    "light": ("#d9e8d2", "#e08a2e", "#7b4fa0", "#c0392b"),
    "dark": ("#2f4a35", "#f0a050", "#b08ad0", "#ff6b5b"),
}


@themed
def outcome_maps(
    maps: Mapping[tuple[str, str], np.ndarray],
    grid: Grid,
    inner: Grid | None = None,
    *,
    lang: str,
    theme: str,
) -> Figure:
    """Where naive formulas give finite values, ``inf`` or ``NaN``: rows formulas, columns dtypes.

    Parameters
    ----------
    maps : mapping (dtype, formula) -> ndarray of outcome codes, shape (n, n)
        From :func:`lossnotes.breakdown.outcome_map`, all on ``grid``.
    grid : Grid
    inner : Grid, optional
        A smaller square to outline (the experiment's grid).
    lang : {"en", "zh_CN"}
    theme : {"light", "dark"}
    """
    _ = translator(lang)
    dtypes = list(dict.fromkeys(k[0] for k in maps))
    formulas = list(dict.fromkeys(k[1] for k in maps))
    cmap = ListedColormap(list(OUTCOME_COLOURS[theme]))
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], cmap.N)
    fig = new_figure(2.7 * len(formulas) + 0.8)
    axes = fig.subplots(len(formulas), len(dtypes), squeeze=False, sharex=True, sharey=True)
    for r, formula in enumerate(formulas):
        for c, dtype in enumerate(dtypes):
            ax: Axes = axes[r, c]
            draw_image(ax, maps[dtype, formula], grid, cmap=cmap, norm=norm)
            if inner is not None:
                side = inner.high - inner.low
                ax.add_patch(Rectangle((inner.low, inner.low), side, side, fill=False, lw=1.2))
            ax.set_title(f"{formula_label(formula)}\n{dtype}")
            if r == len(formulas) - 1:
                ax.set_xlabel(_("logit $z_{k}$").format(k=0))
            if c == 0:
                ax.set_ylabel(_("logit $z_{k}$").format(k=1))
    handles = [
        Patch(facecolor=colour, label=name)
        for colour, name in zip(OUTCOME_COLOURS[theme], outcome_names(lang), strict=True)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, columnspacing=1.0)
    return fig


@themed
def epsilon_figure(profile: EpsilonProfile, *, lang: str, theme: str) -> Figure:
    """Stable cross-entropy against ``-log(p + eps)`` as the fixed logit falls (two panels).

    Top: the loss; bottom: the exponent of the gradient with respect to ``z2``.
    """
    _ = translator(lang)
    fig = new_figure(6.4)
    top, bottom = fig.subplots(2, 1, sharex=True)
    x = profile.fixed
    top.plot(x, profile.stable, "-", color=colour("C0"), label=_("stable cross-entropy"))
    top.plot(x, profile.eps64, "--", color=colour("C1"), label=_("-log(p + eps), float64"))
    top.plot(x, profile.eps32, ":", color=colour("C3"), lw=2.4, label=_("-log(p + eps), float32"))
    top.axhline(profile.plateau, color=colour("C4"), lw=0.8)
    top.set_ylabel(_("loss"))
    top.set_title(_("Loss, target: {target}").format(target=target_label(2, lang)))
    bottom.plot(
        x, profile.stable_grad_log10, "-", color=colour("C0"), label=_("stable cross-entropy")
    )
    bottom.plot(x, profile.eps_grad_log10, "--", color=colour("C1"), label=_("-log(p + eps)"))
    bottom.set_ylabel(_("exponent: $\\log_{10} |\\partial L / \\partial z_2|$"))
    bottom.set_title(_("Gradient with respect to $z_2$"))
    bottom.set_xlabel(_("fixed logit $z_2$ (with $z_0 = z_1 = 0$)"))
    for ax in (top, bottom):
        ax.legend(loc="best")
    return fig
