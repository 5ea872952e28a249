"""Showing lossnotes figures in a notebook (the pages' code cells).

Figures are plain :class:`matplotlib.figure.Figure` objects made without
pyplot, so IPython does not know how to show them until told.
"""

from __future__ import annotations

__all__ = ["FIGURE_DPI", "show_figures_as_png"]

#: Resolution of the PNG figures on the site: 10-inch figures are 1100 pixels wide.
FIGURE_DPI = 110


def show_figures_as_png(dpi: int = FIGURE_DPI) -> None:
    """Make IPython display every matplotlib Figure as a reproducible PNG.

    The PNG carries no software version or date, so two builds of the same
    commit produce identical images.

    Raises
    ------
    RuntimeError
        Outside an IPython kernel.
    """
    from IPython import get_ipython
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    if get_ipython() is None:
        raise RuntimeError("show_figures_as_png() needs a running IPython kernel")
    set_matplotlib_formats("png", dpi=dpi, metadata={"Software": None})
