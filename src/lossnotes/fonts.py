"""Fonts for the figures: DejaVu Sans for Latin text, Noto Sans CJK SC for Chinese.

Noto Sans CJK comes from the ``noto-cjk-sans-otc`` package (SIL Open Font
License), so a fresh machine draws Chinese figure text with no system font.
The collection's first face is the Japanese one; the Simplified Chinese face
is named explicitly.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from matplotlib import font_manager

from .validation import check_name
from .wording import LANGUAGES

__all__ = ["CJK_FAMILY", "font_families", "font_properties"]

#: The family name of the Simplified Chinese face of Noto Sans CJK.
CJK_FAMILY = "Noto Sans CJK SC"
_LATIN_FAMILY = "DejaVu Sans"


@cache
def _register_cjk_font() -> Path:
    """Add the bundled Noto Sans CJK collection to matplotlib's font list once."""
    path = Path(str(resources.files("noto_cjk_sans_otc") / "NotoSansCJK-Regular.ttc"))
    if not path.is_file():  # pragma: no cover - a broken install
        raise FileNotFoundError(f"Noto Sans CJK font file missing: {path}")
    font_manager.fontManager.addfont(str(path))
    return path


def font_families(lang: str) -> list[str]:
    """Font families for text in ``lang``, in fallback order.

    Chinese text uses the CJK face first; DejaVu Sans follows for any symbol
    the CJK face lacks. A glyph neither has makes matplotlib warn, which fails
    the documentation build.
    """
    check_name(lang, LANGUAGES, "lang")
    if lang == "zh_CN":
        _register_cjk_font()
        return [CJK_FAMILY, _LATIN_FAMILY]
    return [_LATIN_FAMILY]


def font_properties(lang: str, size: float | None = None) -> font_manager.FontProperties:
    """A :class:`~matplotlib.font_manager.FontProperties` for text in ``lang``."""
    return font_manager.FontProperties(family=font_families(lang), size=size)
