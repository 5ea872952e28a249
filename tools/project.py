"""Where things are: the repository, its pages, its catalogs and its languages."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LOCALE = ROOT / "locale"
#: Every edition; the first is the source language of the pages.
LANGUAGES = ("en", "zh_CN")
TRANSLATED_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != "en")
#: The catalog of the library's own strings (figures, tables, command line).
DOMAIN = "lossnotes"


def shown(path: Path) -> Path:
    """A path as messages show it: relative to the repository when inside it."""
    path = Path(path)
    return path.relative_to(ROOT) if path.is_absolute() and path.is_relative_to(ROOT) else path


def catalog_paths(lang: str = "zh_CN", locale: Path = LOCALE) -> list[Path]:
    """Every ``.po`` catalog of ``lang`` under ``locale``, sorted by name."""
    return sorted((locale / lang / "LC_MESSAGES").glob("*.po"))


def all_catalogs(locale: Path = LOCALE) -> list[Path]:
    """Every ``.po`` catalog of every translated edition, in a stable order."""
    return [path for lang in TRANSLATED_LANGUAGES for path in catalog_paths(lang, locale)]
