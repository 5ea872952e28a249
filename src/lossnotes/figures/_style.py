"""The look of every figure: two colour schemes and the fonts of each language, as rc settings.

A figure function is decorated with :func:`themed`. While it runs, the scheme
(light or dark: the page's own background and text colour) and the
language's fonts are matplotlib rc settings (:func:`matplotlib.rc_context`),
so every artist it creates takes them: no drawing code names a background or
text colour. Data colours that differ between schemes are the colour cycle
(``"C0"`` is cross-entropy's colour in either scheme, legible on white and on
near-black); the colour map, viridis, is the same in both.

Sizes are chosen together for the page's content column: every figure is
:data:`WIDTH` inches wide, its text :data:`FONT_SIZE` points, saved at
:data:`DPI` (see ``lossnotes.figures.sizes``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import matplotlib as mpl
from cycler import cycler
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from ..validation import check_name
from ..wording import LANGUAGES
from .sizes import DPI, FONT_SIZE, WIDTH

__all__ = ["CJK_FAMILY", "THEMES", "colour", "figure_of", "new_figure", "rc", "themed"]

#: The family name of the Simplified Chinese face of Noto Sans CJK.
CJK_FAMILY = "Noto Sans CJK SC"
_LATIN_FAMILY = "DejaVu Sans"

_PAD = 0.06  # inches between the figure's edge and its content

_COMMON: dict[str, Any] = {
    "figure.dpi": DPI,
    "savefig.dpi": "figure",
    "figure.constrained_layout.use": True,
    "figure.constrained_layout.w_pad": _PAD,
    "figure.constrained_layout.h_pad": _PAD,
    "font.size": FONT_SIZE,
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "figure.titlesize": "medium",
    "xtick.labelsize": "medium",
    "ytick.labelsize": "medium",
    "legend.fontsize": "medium",
    "legend.framealpha": 0.9,
    "legend.facecolor": "inherit",
    "image.cmap": "viridis",
    "image.origin": "lower",
    "image.interpolation": "nearest",
    "image.aspect": "equal",
    "axes.unicode_minus": True,
    "lines.linewidth": 2.0,
    "axes.titlepad": 9.0,
    "xtick.major.pad": 5.0,
    "ytick.major.pad": 5.0,
    "svg.hashsalt": "lossnotes",
}


def _scheme(background: str, foreground: str, cycle: list[str]) -> dict[str, Any]:
    return {
        "figure.facecolor": background,
        "axes.facecolor": background,
        "savefig.facecolor": "auto",
        "text.color": foreground,
        "axes.labelcolor": foreground,
        "axes.edgecolor": foreground,
        "xtick.color": foreground,
        "ytick.color": foreground,
        "legend.edgecolor": foreground,
        "patch.edgecolor": foreground,
        "patch.force_edgecolor": True,
        "lines.color": foreground,
        "axes.prop_cycle": cycler(color=cycle),
    }


#: rc settings of each colour scheme. The colour cycle holds, in order, the colours of
#: cross-entropy (C0), MSE (C1), MSE on logits (C2), a fourth line (C3) and a muted
#: reference line (C4).
_SCHEMES: dict[str, dict[str, Any]] = {
    "light": _scheme("#ffffff", "#1a1a1a", ["#1f5fa8", "#c0392b", "#2e8b3a", "#e08a2e", "#555555"]),
    "dark": _scheme("#121212", "#e6e6e6", ["#7fb8f0", "#ff8a7a", "#8fdc8f", "#f0c070", "#aaaaaa"]),
}
#: Colour schemes the figures can be drawn in.
THEMES: tuple[str, ...] = tuple(_SCHEMES)


@cache
def _register_cjk_font() -> Path:
    """Add the bundled Noto Sans CJK collection to matplotlib's font list once.

    Noto Sans CJK comes from the ``noto-cjk-sans-otc`` package (SIL Open Font
    License), so a fresh machine draws Chinese with no system font. The
    collection's first face is the Japanese one; the Simplified Chinese face is
    named by its family.
    """
    path = Path(str(resources.files("noto_cjk_sans_otc") / "NotoSansCJK-Regular.ttc"))
    if not path.is_file():  # pragma: no cover - a broken install
        raise FileNotFoundError(f"Noto Sans CJK font file missing: {path}")
    font_manager.fontManager.addfont(str(path))
    return path


def _families(lang: str) -> list[str]:
    """Font families for text in ``lang``, in fallback order.

    Chinese uses the CJK face first and DejaVu Sans for any symbol it lacks. A
    glyph neither has makes matplotlib warn, which fails the documentation build.
    """
    if lang == "zh_CN":
        _register_cjk_font()
        return [CJK_FAMILY, _LATIN_FAMILY]
    return [_LATIN_FAMILY]


def rc(theme: str, lang: str) -> dict[str, Any]:
    """The rc settings of a figure in colour scheme ``theme`` with text in ``lang``.

    Raises
    ------
    lossnotes.validation.InputError
        If ``theme`` is not one of :data:`THEMES` or ``lang`` not one of the
        published languages.
    """
    check_name(theme, THEMES, "theme")
    check_name(lang, LANGUAGES, "lang")
    return {**_COMMON, **_SCHEMES[theme], "font.family": _families(lang)}


F = TypeVar("F", bound=Callable[..., Figure])


def themed(draw: F) -> F:
    """Run a figure function under the rc settings of its ``theme`` and ``lang`` arguments.

    The figure is laid out before the settings are left (tick labels and the
    constrained layout are made by the first layout), and that layout is then
    fixed, so it looks the same wherever and whenever it is saved, and saving
    it does not lay it out again.
    """

    @functools.wraps(draw)
    def wrapper(*args: Any, lang: str, theme: str, **kwargs: Any) -> Figure:
        # Any: matplotlib types the keys as a Literal of every rcParams name.
        settings: Any = rc(theme, lang)
        with mpl.rc_context(settings):
            fig = draw(*args, lang=lang, theme=theme, **kwargs)
            _fit_height(fig)
            # The constrained layout of panels of fixed aspect moves them a few pixels each
            # time it runs, settling over a few runs: one more run after the last change of
            # height settles titles clear of each other. Then the layout engine is set aside
            # (a placeholder keeps the colour bars attached), so saving the figure, once or
            # twice, draws exactly this layout and does not lay it out again (0.3-0.5 s of
            # a four-panel figure's 3 s).
            _lay_out(fig)
            fig.set_layout_engine("none")
        return fig

    return wrapper  # type: ignore[return-value]


def _panel_widths(fig: Figure) -> float:
    """Total width of the figure's visible panels (not colour bars), in figure fractions."""
    return sum(ax.get_position().width for ax in fig.axes if ax.get_subplotspec() is not None)


def _spare_height(fig: Figure) -> float:
    """Height (inches) the laid-out ``fig`` leaves empty: in its rows of panels, or around all."""
    height = fig.get_figheight()
    rows: dict[int, float] = {}
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is None or not ax.get_visible():
            continue
        slack = (ax.get_position(original=True).height - ax.get_position().height) * height
        rows[spec.rowspan.start] = min(rows.get(spec.rowspan.start, slack), slack)
    outer = height - fig.get_tightbbox().height - 2 * _PAD
    return max(sum(rows.values()), outer)


def _fit_height(fig: Figure, rounds: int = 8) -> None:
    """Lay ``fig`` out, then take away the height its content leaves empty.

    A square heatmap in a cell taller than it is wide leaves empty bands above
    and below; so does a figure taller than its content. The figure loses half
    of what is empty at each step while its panels keep their width (to 1 %:
    the layout of fixed-aspect panels moves by a few pixels from one run to the
    next). A step that narrows them (a shorter colour bar can take wider tick
    labels) is taken back and tried again half as long, so its height follows
    from what it shows, with at most ``rounds`` layouts after the first.
    """
    _lay_out(fig)
    good, widths = fig.get_figheight(), _panel_widths(fig)
    step = _spare_height(fig) / 2
    for _ in range(rounds):
        if step < 0.05:
            break
        fig.set_figheight(round((good - step) * fig.dpi) / fig.dpi)
        _lay_out(fig)
        if _panel_widths(fig) < 0.99 * widths:  # the panels narrowed: a shorter step
            step /= 2
            continue
        good, widths = fig.get_figheight(), _panel_widths(fig)
        step = _spare_height(fig) / 2
    if fig.get_figheight() != good:
        fig.set_figheight(good)
        _lay_out(fig)


def _lay_out(fig: Figure) -> None:
    """Place ``fig``'s panels as its layout engine would at a draw, without drawing them.

    The engine measures every text it places (tick labels made on the way), which is all
    that fitting the height and settling the layout need; a full draw would also draw
    every artist, for nothing. The figures come out byte for byte the same, in 0.65-0.8 of
    the time (ten figures of both editions and schemes: 37.7 s drawn, 24.9-29.8 s laid out).
    """
    engine = fig.get_layout_engine()
    if engine is None:
        fig.draw_without_rendering()
    else:
        engine.execute(fig)


def colour(name: str) -> str:
    """A colour of the current scheme's cycle, ``"C0"`` to ``"C4"``, as its fixed value.

    Matplotlib looks ``"CN"`` up again whenever it draws, so an artist given
    ``"C1"`` would take the default cycle once the figure is saved outside its
    scheme; the value it stands for now does not change.
    """
    return to_hex(name)


def figure_of(ax: Axes) -> Figure:
    """The figure that ``ax`` is drawn on (the top-level one, not a subfigure)."""
    fig = ax.get_figure(root=True)
    assert fig is not None, "axes that belong to no figure"
    return fig


def new_figure(height: float, width: float = WIDTH) -> Figure:
    """A Figure of the given height (inches), :data:`WIDTH` wide, in the current rc settings."""
    return Figure(figsize=(width, height))
