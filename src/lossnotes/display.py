"""Showing lossnotes figures in a notebook (the pages' code cells).

Figures are plain :class:`matplotlib.figure.Figure` objects made without
pyplot, so IPython does not know how to show them until told.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["glue_figure", "glue_text", "show_figures_as_png"]


def show_figures_as_png() -> None:
    """Make IPython display every matplotlib Figure as the site's PNG.

    The PNG is :func:`lossnotes.figures.png.png_bytes`: the figure at its own
    resolution (:mod:`lossnotes.figures.sizes`), palette-quantised where that is
    invisible, with no software version or date, so two builds of the same
    commit produce identical images.

    Raises
    ------
    RuntimeError
        Outside an IPython kernel.
    """
    from IPython import get_ipython
    from matplotlib.figure import Figure

    from .figures.png import png_bytes

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("show_figures_as_png() needs a running IPython kernel")
    shell.display_formatter.formatters["image/png"].for_type(Figure, png_bytes)


def glue_figure(name: str, draw: Callable[[str], Figure]) -> None:
    """Glue one figure in both colour schemes for a page to show.

    ``draw(theme)`` is called with ``"light"`` and ``"dark"``; the figures are
    glued as ``name`` and ``name + "_dark"``. A page shows them with two
    ``{glue:figure}`` directives carrying ``:figclass: only-light`` and
    ``:figclass: only-dark``, so each reader sees the one matching the page.

    Parameters
    ----------
    name : str
        Glue key of the light figure.
    draw : callable
        ``draw(theme) -> matplotlib.figure.Figure``.
    """
    from myst_nb import glue

    for theme, key in (("light", name), ("dark", f"{name}_dark")):
        glue(key, draw(theme), display=False)


class _Verbatim:
    """Text that ``{glue:text}`` shows as it is (a glued ``str`` would show its quotes)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def glue_text(name: str, text: str) -> None:
    """Glue a piece of text, such as a formatted table cell, for prose to quote.

    ``{glue:text}`name``` then shows ``text`` exactly, so a sentence can cite
    what a table shows (``−0``, ``NaN``) without typing it.

    Parameters
    ----------
    name : str
        Glue key.
    text : str
        The text to show.
    """
    from myst_nb import glue

    glue(name, _Verbatim(text), display=False)
