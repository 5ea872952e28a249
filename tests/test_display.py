"""The notebook helpers the pages use to glue figures and text."""

from __future__ import annotations

import myst_nb
import pytest

from lossnotes.display import glue_figure, glue_text, show_figures_as_png


@pytest.fixture
def glued(monkeypatch) -> dict:
    """What the helpers glue, by key (myst-nb's glue needs a kernel; this records instead)."""
    record: dict = {}

    def glue(name, variable, display=True):
        assert display is False  # glued values appear only where a page quotes them
        record[name] = variable

    monkeypatch.setattr(myst_nb, "glue", glue)
    return record


def test_glue_text_shows_the_text_as_it_is(glued):
    glue_text("naive32", "\u22120")
    glue_text("term", "交叉熵")
    # {glue:text} shows the repr of the glued object: no quotes around the text
    assert repr(glued["naive32"]) == "\u22120"
    assert repr(glued["term"]) == "交叉熵"


def test_glue_figure_glues_both_colour_schemes(glued):
    drawn = []
    glue_figure("fig", lambda theme: drawn.append(theme) or f"figure in {theme}")
    assert drawn == ["light", "dark"]
    assert glued == {"fig": "figure in light", "fig_dark": "figure in dark"}


def test_show_figures_as_png_needs_a_kernel():
    with pytest.raises(RuntimeError, match="IPython kernel"):
        show_figures_as_png()
