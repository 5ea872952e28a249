"""Figures and tables of the training chapter: descent paths, logit gaps, steps to recover.

Every function draws numbers computed elsewhere (:mod:`lossnotes.descent`,
:mod:`lossnotes.recovery`) and returns a :class:`matplotlib.figure.Figure` or
Markdown text in the build's language. No global matplotlib state is touched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .descent import Descent, leader_gap
from .figure_style import (
    figure_setup,
    legend_style,
    minus_signs,
    new_figure,
    style_axes,
    style_colorbar,
)
from .fonts import font_properties
from .labels import loss_label
from .recovery import Recovery
from .surface import Surface
from .wording import current_language, translator

__all__ = [
    "LINE_COLOURS",
    "descent_paths",
    "format_count",
    "gap_curves",
    "optimizer_table",
    "recovery_plot",
    "recovery_table",
]

#: Line colour of each loss, per colour scheme (legible on white and on near-black).
LINE_COLOURS: dict[str, dict[str, str]] = {
    "light": {"cross_entropy": "#1f5fa8", "mse": "#c0392b", "mse_logits": "#2e8b3a"},
    "dark": {"cross_entropy": "#7fb8f0", "mse": "#ff8a7a", "mse_logits": "#8fdc8f"},
}
_PATH_COLOUR = {"light": "#ffffff", "dark": "#ffffff"}
_START_COLOUR = {"light": "#ff4d4d", "dark": "#ff6b6b"}


def format_count(log10_n: float) -> str:
    """A whole count from its base-10 logarithm: ``"29,393"`` or ``"2.6e434"``.

    Examples
    --------
    >>> format_count(math.log10(29393))
    '29,393'
    >>> format_count(434.419)
    '2.6e434'
    """
    if log10_n < 7:
        return f"{round(10**log10_n):,}"
    exponent = math.floor(log10_n)
    mantissa = 10 ** (log10_n - exponent)
    if round(mantissa, 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.1f}e{exponent}"


def descent_paths(
    surfaces: Sequence[Surface],
    runs: Sequence[Descent],
    coordinates: tuple[int, int] = (0, 1),
    relative_to: int | None = None,
    lang: str | None = None,
    theme: str = "light",
    width: float = 10.0,
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
    lang, theme, width
        As for :func:`lossnotes.figures.loss_heatmaps`.
    """
    lang, style, _ = figure_setup(lang, theme)
    if len(surfaces) != len(runs) or not runs:
        raise ValueError("surfaces and runs must be non-empty and of equal length")
    text = font_properties(lang)
    title_font = font_properties(lang, size=12)
    n = len(surfaces)
    fig = new_figure((width, width * 0.36 + 0.4), style)
    axes = fig.subplots(1, n, squeeze=False)[0]
    i, j = coordinates
    for ax, surface, run in zip(axes, surfaces, runs, strict=True):
        grid = surface.grid
        image = ax.imshow(
            surface.loss,
            origin="lower",
            extent=(grid.low, grid.high, grid.low, grid.high),
            cmap=style.colormap,
            aspect="equal",
            interpolation="nearest",
        )
        z = run.logits
        base = z[:, relative_to] if relative_to is not None else 0.0
        x, y = z[:, i] - base, z[:, j] - base
        ax.plot(x, y, color=_PATH_COLOUR[theme], linewidth=1.6)
        ax.plot(x[-1:], y[-1:], marker="o", markersize=6, color=_PATH_COLOUR[theme])
        ax.plot(x[:1], y[:1], marker="s", markersize=7, color=_START_COLOUR[theme])
        ax.set_xlim(grid.low, grid.high)
        ax.set_ylim(grid.low, grid.high)
        style_axes(ax, style)
        name = loss_label(surface.loss_name, lang)
        outcome = (
            _("target leads after {n} updates").format(n=f"{run.recovered_at:,}")
            if run.recovered_at is not None
            else _("target still behind after {n} updates").format(n=f"{run.steps:,}")
        )
        ax.set_title(f"{name}\n{outcome}", fontproperties=text, color=style.foreground)
        if relative_to is None:
            xlabel = _("logit $z_{k}$").format(k=i)
            ylabel = _("logit $z_{k}$").format(k=j)
        else:
            xlabel = _("logit gap $z_{k} - z_{m}$").format(k=i, m=relative_to)
            ylabel = _("logit gap $z_{k} - z_{m}$").format(k=j, m=relative_to)
        ax.set_xlabel(xlabel, fontproperties=text, color=style.foreground)
        ax.set_ylabel(ylabel, fontproperties=text, color=style.foreground)
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        style_colorbar(bar, style, _("{loss} loss").format(loss=name), text)
    fig.suptitle(
        _("Gradient descent paths: start (square), end (dot)"),
        fontproperties=title_font,
        color=style.foreground,
    )
    return fig


def gap_curves(
    runs: Sequence[Descent], lang: str | None = None, theme: str = "light", width: float = 8.0
) -> Figure:
    """The target's lead ``z_t - max_{k != t} z_k`` against the updates, one line a run."""
    lang, style, _ = figure_setup(lang, theme)
    text = font_properties(lang)
    fig = new_figure((width, width * 0.5), style)
    ax = fig.subplots()
    for run in runs:
        gap = leader_gap(run.logits, run.target)
        label = loss_label(run.loss_name, lang)
        if run.recovered_at is not None:
            label += " · " + _("leads after {n} updates").format(n=f"{run.recovered_at:,}")
        else:
            label += " · " + _("never leads")
        ax.plot(
            np.arange(run.steps + 1),
            gap,
            color=LINE_COLOURS[theme][run.loss_name],
            linewidth=2,
            label=label,
        )
    ax.axhline(0, color=style.foreground, linewidth=0.8, linestyle=":")
    style_axes(ax, style)
    ax.set_xlabel(_("updates"), fontproperties=text, color=style.foreground)
    ax.set_ylabel(
        _("lead of the target logit over the best rival"),
        fontproperties=text,
        color=style.foreground,
    )
    ax.legend(**legend_style(style, text))
    return fig


def recovery_plot(
    sweep: Sequence[Recovery], lang: str | None = None, theme: str = "light", width: float = 9.0
) -> Figure:
    """log10 of the updates to recover against the fixed logit, runs filled, predictions hollow."""
    lang, style, _ = figure_setup(lang, theme)
    text = font_properties(lang)
    fig = new_figure((width, width * 0.55), style)
    ax = fig.subplots()
    fixed = sorted({r.fixed_logit for r in sweep}, reverse=True)
    position = {f: k for k, f in enumerate(fixed)}
    losses = list(dict.fromkeys(r.loss_name for r in sweep))
    for loss in losses:
        colour = LINE_COLOURS[theme][loss]
        rows = [r for r in sweep if r.loss_name == loss]
        xs = [position[r.fixed_logit] for r in rows]
        ys = [math.log10(r.recovered_at) if r.recovered_at else r.predicted_log10 for r in rows]
        ax.plot(xs, ys, color=colour, linewidth=1.5, label=loss_label(loss, lang))
        run_x = [position[r.fixed_logit] for r in rows if r.recovered_at is not None]
        run_y = [math.log10(r.recovered_at) for r in rows if r.recovered_at is not None]
        ax.plot(run_x, run_y, linestyle="none", marker="o", markersize=7, color=colour)
        pred = [r for r in rows if r.recovered_at is None]
        ax.plot(
            [position[r.fixed_logit] for r in pred],
            [r.predicted_log10 for r in pred],
            linestyle="none",
            marker="o",
            markersize=8,
            markerfacecolor="none",
            markeredgewidth=1.8,
            color=colour,
        )
    ax.plot([], [], linestyle="none", marker="o", color=style.foreground, label=_("run"))
    ax.plot(
        [],
        [],
        linestyle="none",
        marker="o",
        markerfacecolor="none",
        color=style.foreground,
        label=_("predicted (closed form)"),
    )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"$10^{{{v:g}}}$"))
    ax.set_xticks(range(len(fixed)), [minus_signs(f"{f:g}") for f in fixed])
    style_axes(ax, style)
    ax.set_xlabel(_("fixed logit of the target class"), fontproperties=text, color=style.foreground)
    ax.set_ylabel(
        _("updates until the target leads (log scale)"), fontproperties=text, color=style.foreground
    )
    ax.legend(**legend_style(style, text))
    return fig


def _cell(r: Recovery, lang: str) -> str:
    _ = translator(lang)
    if r.recovered_at is not None:
        return f"{r.recovered_at:,}"
    text = _("≈ {n} (predicted)").format(n=format_count(r.predicted_log10))
    if r.target_grad == 0:
        text = _("{first}; {second}").format(
            first=text, second=_("never in float64: gradient exactly 0")
        )
    elif not r.target_moves:
        text = _("{first}; {second}").format(
            first=text, second=_("stalls in float64: the fixed logit's update is lost to rounding")
        )
    return text


def recovery_table(sweep: Sequence[Recovery], lang: str | None = None) -> str:
    """The sweep as a Markdown table: one row per fixed logit, one column per loss."""
    lang = current_language() if lang is None else lang
    _ = translator(lang)
    losses = list(dict.fromkeys(r.loss_name for r in sweep))
    fixed = list(dict.fromkeys(r.fixed_logit for r in sweep))
    header = [_("Fixed logit"), *(loss_label(name, lang) for name in losses)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["--:"] * len(header)) + "|"]
    for f in fixed:
        cells = [minus_signs(f"{f:g}")]
        for loss in losses:
            (r,) = [r for r in sweep if r.loss_name == loss and r.fixed_logit == f]
            cells.append(_cell(r, lang))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def optimizer_table(
    rows: Sequence[tuple[float, float, dict[str, int | None]]],
    budget: int,
    lang: str | None = None,
) -> str:
    """Updates until the target leads under each update rule, as a Markdown table.

    Parameters
    ----------
    rows : sequence of (fixed_logit, gradient entry, {optimizer: recovered_at})
    budget : int
        The run length, shown for runs that never led.
    """
    lang = current_language() if lang is None else lang
    _ = translator(lang)
    names = {"gd": _("Gradient descent"), "adam": _("Adam"), "sign": _("Sign descent")}
    optimizers = list(rows[0][2])
    header = [_("Fixed logit"), _("Gradient on the fixed logit"), *(names[o] for o in optimizers)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["--:"] * len(header)) + "|"]
    for f, g, counts in rows:
        cells = [minus_signs(f"{f:g}"), minus_signs("0" if g == 0 else f"{g:.2e}")]
        for o in optimizers:
            n = counts[o]
            cells.append(f"{n:,}" if n is not None else _("not within {n}").format(n=f"{budget:,}"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
