"""How large the figures are, and how large their text is on a reader's screen.

A figure is a PNG ``WIDTH * DPI`` pixels wide. A browser shows it at that many
CSS pixels, or narrower when the page's content column is narrower (the theme
gives images ``max-width: 100%``). Text of ``s`` points is ``s * DPI / 72``
image pixels high, so on screen it is

    s / 72 * DPI * shown / (WIDTH * DPI) = s / 72 * shown / WIDTH   CSS pixels,

with ``shown = min(column, WIDTH * DPI)``. The width, the resolution and the
font size are chosen together from the content column measured in Chromium at
the two viewports the site is checked at (:data:`COLUMN_PX`): text stays
legible on a phone (:data:`MIN_TEXT_PX`) and no larger than the body text
allows on a desktop (:data:`MAX_TEXT_RATIO`).
"""

from __future__ import annotations

__all__ = [
    "BODY_TEXT_PX",
    "COLUMN_PX",
    "DPI",
    "FONT_SIZE",
    "MAX_TEXT_RATIO",
    "MIN_TEXT_PX",
    "WIDTH",
    "shown_text_px",
    "shown_width_px",
]

#: Widest a figure shows, in CSS pixels, by viewport width: measured in Chromium 2026-12
#: (``/usr/bin/chromium --headless``, sphinx-book-theme 1.4.0) as the rendered width of a
#: 1098-pixel-wide figure on the experiment and explore pages, both editions, light and dark.
#: The article is 358 and 784 px wide inside its padding; the figure block's margins take the rest.
COLUMN_PX: dict[int, float] = {390: 342.0, 1400: 768.0}
#: Size of the body text in CSS pixels (the same measurement: ``p`` in the article).
BODY_TEXT_PX = 16.0
#: Smallest figure text on a phone (390 px viewport), in CSS pixels.
MIN_TEXT_PX = 9.0
#: Largest figure text on a desktop (1400 px viewport), relative to the body text.
MAX_TEXT_RATIO = 1.3

#: Width of every figure, in inches.
WIDTH = 6.4
#: Size of every figure text (titles, labels, ticks, legends), in points: 9.06 CSS px on a
#: phone, 20.3 (1.27 times the body text) on a desktop.
FONT_SIZE = 12.2
#: Resolution of the figures, in pixels per inch: ``WIDTH * DPI`` is the desktop column, so a
#: figure shows there pixel for pixel.
DPI = 120


def shown_width_px(column: float, width: float = WIDTH, dpi: float = DPI) -> float:
    """CSS width at which a figure ``width`` inches wide at ``dpi`` shows in ``column`` px."""
    return min(column, width * dpi)


def shown_text_px(
    size: float = FONT_SIZE, column: float = COLUMN_PX[390], width: float = WIDTH, dpi: float = DPI
) -> float:
    """Height in CSS pixels of ``size``-point text of a figure shown in a ``column`` px column.

    Examples
    --------
    >>> round(shown_text_px(10, column=342, width=10, dpi=110), 1)  # the figures of 0.1.0
    4.8
    """
    return size / 72 * shown_width_px(column, width, dpi) / width
