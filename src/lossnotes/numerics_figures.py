"""Figures and tables of the numerics chapter: where the naive formulas fail, and the fixes.

Numbers come from :mod:`lossnotes.breakdown` (which runs :mod:`lossnotes.naive`
and the stable core); this module only draws and formats them. No global
matplotlib state is touched.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .breakdown import EpsilonProfile, LseRow
from .figure_style import figure_setup, legend_style, new_figure, style_axes
from .fonts import font_properties
from .grid import Grid
from .labels import target_label
from .wording import translator

__all__ = [
    "OUTCOME_COLOURS",
    "counts_table",
    "epsilon_figure",
    "format_value",
    "formula_label",
    "lse_table",
    "outcome_maps",
]

#: Colours of the outcomes finite, +inf, -inf, NaN, per colour scheme.
OUTCOME_COLOURS: dict[str, tuple[str, str, str, str]] = {
    "light": ("#d9e8d2", "#e08a2e", "#7b4fa0", "#c0392b"),
    "dark": ("#2f4a35", "#f0a050", "#b08ad0", "#ff6b5b"),
}
_LINE = {
    "light": ("#1f5fa8", "#c0392b", "#e08a2e", "#555555"),
    "dark": ("#7fb8f0", "#ff8a7a", "#f0c070", "#aaaaaa"),
}


def formula_label(formula: str) -> str:
    """The naive formula as readers see it: code, the same in both languages.

    ``softmax`` stands for the unshifted ``exp(z) / sum(exp(z))``.
    """
    labels = {
        "cross_entropy": "-log(softmax(z))[t]",
        "cross_entropy_onehot": "-sum(y * log(softmax(z)))",
        "cross_entropy_eps": "-log(softmax(z)[t] + eps)",
        "mse": "mean((softmax(z) - y)**2)",
    }
    return labels[formula]


def _outcome_names(lang: str) -> list[str]:
    _ = translator(lang)
    return [_("finite"), "+inf", "\u2212inf", "NaN"]


def outcome_maps(
    maps: Mapping[tuple[str, str], np.ndarray],
    grid: Grid,
    inner: Grid | None = None,
    lang: str | None = None,
    theme: str = "light",
    width: float = 10.0,
) -> Figure:
    """Where naive formulas give finite values, ``inf`` or ``NaN``: rows dtypes, columns formulas.

    Parameters
    ----------
    maps : mapping (dtype, formula) -> ndarray of outcome codes, shape (n, n)
        From :func:`lossnotes.breakdown.outcome_map`, all on ``grid``.
    grid : Grid
    inner : Grid, optional
        A smaller square to outline (the experiment's grid).
    """
    lang, style, _ = figure_setup(lang, theme)
    text = font_properties(lang)
    small = font_properties(lang, size=9)
    title_font = font_properties(lang, size=10)
    dtypes = list(dict.fromkeys(k[0] for k in maps))
    formulas = list(dict.fromkeys(k[1] for k in maps))
    cmap = ListedColormap(list(OUTCOME_COLOURS[theme]))
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], cmap.N)
    fig = new_figure((width, 3.35 * len(dtypes) + 0.9), style)
    axes = fig.subplots(len(dtypes), len(formulas), squeeze=False, sharex=True, sharey=True)
    extent = (grid.low, grid.high, grid.low, grid.high)
    for r, dtype in enumerate(dtypes):
        for c, formula in enumerate(formulas):
            ax = axes[r, c]
            ax.imshow(
                maps[dtype, formula],
                origin="lower",
                extent=extent,
                cmap=cmap,
                norm=norm,
                aspect="equal",
                interpolation="nearest",
            )
            if inner is not None:
                ax.add_patch(
                    Rectangle(
                        (inner.low, inner.low),
                        inner.high - inner.low,
                        inner.high - inner.low,
                        fill=False,
                        lw=1.2,
                        edgecolor=style.foreground,
                    )
                )
            style_axes(ax, style)
            ax.set_title(
                f"{formula_label(formula)}\n{dtype}",
                fontproperties=title_font,
                color=style.foreground,
            )
            if r == len(dtypes) - 1:
                ax.set_xlabel(
                    _("logit $z_0$ (class 0)"), fontproperties=small, color=style.foreground
                )
            if c == 0:
                ax.set_ylabel(
                    _("logit $z_1$ (class 1)"), fontproperties=small, color=style.foreground
                )
    handles = [
        Patch(facecolor=colour, edgecolor=style.foreground, label=name)
        for colour, name in zip(OUTCOME_COLOURS[theme], _outcome_names(lang), strict=True)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, **legend_style(style, text))
    return fig


def epsilon_figure(
    profile: EpsilonProfile, lang: str | None = None, theme: str = "light", width: float = 10.0
) -> Figure:
    """Stable cross-entropy against ``-log(p + eps)`` as the fixed logit falls (two panels).

    Left: the loss; right: the exponent of the gradient with respect to ``z2``.
    """
    lang, style, _ = figure_setup(lang, theme)
    text = font_properties(lang)
    title_font = font_properties(lang, size=11)
    lines = _LINE[theme]
    fig = new_figure((width, 4.0), style)
    left, right = fig.subplots(1, 2)
    x = profile.fixed
    left.plot(x, profile.stable, "-", color=lines[0], lw=2, label=_("stable cross-entropy"))
    left.plot(x, profile.eps64, "--", color=lines[1], lw=2, label=_("-log(p + eps), float64"))
    left.plot(x, profile.eps32, ":", color=lines[2], lw=2.4, label=_("-log(p + eps), float32"))
    left.axhline(profile.plateau, color=lines[3], lw=0.8)
    left.set_ylabel(_("loss"), fontproperties=text, color=style.foreground)
    left.set_title(
        _("Loss, target: {target}").format(target=target_label(2, lang=lang)),
        fontproperties=title_font,
        color=style.foreground,
    )
    right.plot(
        x, profile.stable_grad_log10, "-", color=lines[0], lw=2, label=_("stable cross-entropy")
    )
    right.plot(x, profile.eps_grad_log10, "--", color=lines[1], lw=2, label=_("-log(p + eps)"))
    right.set_ylabel(
        _("exponent: $\\log_{10} |\\partial L / \\partial z_2|$"),
        fontproperties=text,
        color=style.foreground,
    )
    right.set_title(
        _("Gradient with respect to $z_2$"), fontproperties=title_font, color=style.foreground
    )
    for ax in (left, right):
        style_axes(ax, style)
        ax.set_xlabel(
            _("fixed logit $z_2$ (with $z_0 = z_1 = 0$)"),
            fontproperties=text,
            color=style.foreground,
        )
        ax.legend(**legend_style(style, text), loc="best")
    return fig


def format_value(value: float) -> str:
    """A table cell: ``inf``, ``−inf``, ``NaN``, ``0`` / ``−0``, or 10 significant digits."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "\u2212inf"
    if value == 0:
        return "\u22120" if math.copysign(1.0, value) < 0 else "0"
    return f"{value:.10g}".replace("-", "\u2212")


def _logits_cell(logits: Sequence[float]) -> str:
    return "(" + ", ".join(format_value(v) for v in logits) + ")"


def lse_table(rows: Sequence[LseRow], lang: str | None = None) -> str:
    """Markdown: naive (float32, float64) versus stable log-sum-exp and cross-entropy.

    One column per logit vector, one row per formula: a few columns, so the
    table reads without scrolling in either language.
    """
    _ = translator(lang)
    formulas = [
        (_("naive lse, float32"), "naive_lse32"),
        (_("naive lse, float64"), "naive_lse64"),
        (_("stable lse"), "stable_lse"),
        (_("naive CE, float32"), "naive_ce32"),
        (_("naive CE, float64"), "naive_ce64"),
        (_("stable CE"), "stable_ce"),
    ]
    header = [_("Formula"), *(_logits_cell(row.logits) for row in rows)]
    lines = ["| " + " | ".join(header) + " |", "|:--|" + "--:|" * len(rows)]
    for label, field in formulas:
        cells = [label, *(format_value(getattr(row, field)) for row in rows)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _count_cell(counts: Mapping[str, int], names: Sequence[str]) -> str:
    keys = ("finite", "+inf", "-inf", "nan")
    parts = [f"{counts[key]} {name}" for key, name in zip(keys, names, strict=True) if counts[key]]
    return ", ".join(parts)


def counts_table(
    counts: Mapping[tuple[float, str, int, str], Mapping[str, int]], lang: str | None = None
) -> str:
    """Markdown: for each fixed logit, formula and target, the outcome counts per column.

    ``counts[(fixed_logit, formula, target, column)]`` maps the outcome names
    ``finite``, ``+inf``, ``-inf``, ``nan`` to counts; ``column`` is a dtype
    name (``"float32"``, ``"float64"``) or ``"stable"`` for the stable core.
    Each cell lists the outcomes that occur, with their counts.
    """
    _ = translator(lang)
    columns = list(dict.fromkeys(k[3] for k in counts))
    names = _outcome_names(lang)
    heading = {"stable": _("stable core, float64")}
    header = [_("Fixed logit $z_2$"), _("Formula"), _("Target")]
    header += [heading.get(c, _("naive, {dtype}").format(dtype=c)) for c in columns]
    lines = ["| " + " | ".join(header) + " |", "|:--|:--|:--|" + ":--|" * len(columns)]
    for fixed, formula, target in dict.fromkeys(k[:3] for k in counts):
        cells = [
            format_value(fixed),
            f"`{formula_label(formula)}`",
            target_label(target, lang=lang),
        ]
        cells += [_count_cell(counts[fixed, formula, target, c], names) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
