"""What every figure module shares: colour schemes, axes styling, language set-up, signs.

Figures are drawn for a light or a dark page. Each scheme gives the figure the
page's own background and text colour, so a figure sits on the page with no
box around it; the colour map (viridis, perceptually uniform) is the same in
both, so values read the same in either scheme.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.figure import Figure

from .validation import check_name
from .wording import current_language, translator

__all__ = [
    "THEMES",
    "Theme",
    "figure_setup",
    "legend_style",
    "minus_signs",
    "new_figure",
    "signed",
    "style_axes",
    "style_colorbar",
    "theme_style",
]


@dataclass(frozen=True)
class Theme:
    """Colours of one scheme."""

    background: str
    foreground: str
    colormap: str


_STYLES = {
    "light": Theme(background="#ffffff", foreground="#1a1a1a", colormap="viridis"),
    "dark": Theme(background="#121212", foreground="#e6e6e6", colormap="viridis"),
}
#: Colour schemes the figures can be drawn in.
THEMES: tuple[str, ...] = tuple(_STYLES)


def theme_style(theme: str) -> Theme:
    """The colours of ``theme``, one of :data:`THEMES`."""
    return _STYLES[check_name(theme, THEMES, "theme")]


def figure_setup(lang: str | None, theme: str) -> tuple[str, Theme, Callable[[str], str]]:
    """Resolve a figure's language and scheme: ``(lang, colours, _)``.

    ``lang`` defaults to the build's language; ``_`` translates into it.
    """
    lang = current_language() if lang is None else lang
    style = theme_style(theme)
    return lang, style, translator(lang)


def new_figure(size: tuple[float, float], style: Theme) -> Figure:
    """A constrained-layout Figure with the scheme's background and room for edge labels."""
    fig = Figure(figsize=size, layout="constrained")
    fig.get_layout_engine().set(w_pad=0.1, h_pad=0.08)
    fig.patch.set_facecolor(style.background)
    return fig


def style_colorbar(bar, style: Theme, label: str | None = None, font=None, labelsize=None) -> None:
    """Give a colour bar the scheme's colours and, if given, a label in ``font``."""
    if label is not None:
        bar.set_label(label, fontproperties=font, color=style.foreground)
    bar.ax.tick_params(colors=style.foreground, which="both", labelsize=labelsize)
    bar.outline.set_edgecolor(style.foreground)


def legend_style(style: Theme, font=None) -> dict:
    """Keyword arguments that give a legend the scheme's colours and ``font``.

    For ``ax.legend(**legend_style(style, font), loc=...)`` and ``fig.legend``.
    """
    return {
        "prop": font,
        "facecolor": style.background,
        "edgecolor": style.foreground,
        "labelcolor": style.foreground,
    }


def style_axes(ax, style: Theme) -> None:
    """Give ``ax`` the scheme's background, tick and spine colours."""
    ax.set_facecolor(style.background)
    ax.tick_params(colors=style.foreground, which="both")
    for spine in ax.spines.values():
        spine.set_color(style.foreground)


def minus_signs(text: str) -> str:
    """``text`` with each hyphen-minus as a true minus sign (U+2212), as typeset numbers have."""
    return text.replace("-", "\u2212")


def signed(value: float) -> str:
    """A number in ``g`` format with a true minus sign: ``signed(-1000.0) == "\u22121000"``."""
    return minus_signs(f"{value:g}")
