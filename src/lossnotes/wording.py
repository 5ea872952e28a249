"""Figure and table wording in the build's language.

Every user-visible string of the figures, tables and command line is written
in English in the code, wrapped in ``_()``, and translated through the gettext
catalog ``locale/<lang>/LC_MESSAGES/lossnotes.po``, the same catalogs
translators use for the pages. Translators never edit Python.

The catalog is read as a ``.po`` file (with Babel, as Sphinx does), so an
edited translation takes effect at the next build with no compile step.
Fuzzy entries are ignored, as Sphinx ignores them.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from .validation import check_name

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "UntranslatedWarning",
    "catalog_path",
    "current_language",
    "translator",
]

#: Languages the project is published in.
LANGUAGES: tuple[str, ...] = ("en", "zh_CN")
#: The gettext domain of the library's own strings.
DOMAIN = "lossnotes"
#: Environment variable through which a Sphinx build tells its notebooks the language.
LANGUAGE_VARIABLE = "LOSSNOTES_LANG"
#: Environment variable that points at a ``locale`` folder to use instead.
LOCALE_VARIABLE = "LOSSNOTES_LOCALE_DIR"


class UntranslatedWarning(UserWarning):
    """A string has no translation in the requested language."""


def _locale_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    dirs = []
    if os.environ.get(LOCALE_VARIABLE):
        dirs.append(Path(os.environ[LOCALE_VARIABLE]))
    dirs.append(here.parent.parent / "locale")  # a source checkout (editable install)
    dirs.append(here / "locale")  # an installed wheel
    return dirs


def catalog_path(lang: str) -> Path | None:
    """The ``.po`` file holding the library's strings in ``lang``, or None if there is none."""
    for base in _locale_dirs():
        path = base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=8)
def _read_catalog(path: Path, mtime_ns: int) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        message.id: message.string
        for message in catalog
        if message.id and message.string and not message.fuzzy and isinstance(message.id, str)
    }


def current_language() -> str:
    """The language of the current build: ``$LOSSNOTES_LANG``, else ``"en"``."""
    return check_name(os.environ.get(LANGUAGE_VARIABLE, "en") or "en", LANGUAGES, LANGUAGE_VARIABLE)


def translator(lang: str | None = None) -> Callable[[str], str]:
    """Return ``_``, the function that translates an English string into ``lang``.

    Parameters
    ----------
    lang : {"en", "zh_CN"}, optional
        Defaults to :func:`current_language`.

    Returns
    -------
    callable
        ``_(message) -> str``. For a string with no translation it returns the
        English text and emits :class:`UntranslatedWarning`, which fails a
        documentation build (warnings are errors there).

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGUAGES`.
    """
    lang = current_language() if lang is None else check_name(lang, LANGUAGES, "lang")
    if lang == "en":
        return lambda message: message
    path = catalog_path(lang)
    table = _read_catalog(path, path.stat().st_mtime_ns) if path else {}

    def _(message: str) -> str:
        text = table.get(message)
        if text is None:
            warnings.warn(
                f"no {lang} translation for {message!r} in {DOMAIN}.po",
                UntranslatedWarning,
                stacklevel=2,
            )
            return message
        return text

    return _
