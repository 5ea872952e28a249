"""Wording of the figures, tables and command line, in the language a caller asks for.

Every user-visible string of the figures, tables and command line is written
in English in the code, wrapped in ``_()``, and translated through the gettext
catalog ``lossnotes.po``, which translators edit beside the pages' catalogs.
Translators never edit Python. The language is always an argument
(:func:`translator`): nothing here reads the environment.

The catalog is package data, ``lossnotes/locale/<lang>/LC_MESSAGES/lossnotes.po``
(:func:`catalog_path`). In the repository that file is a symbolic link to
``locale/zh_CN/LC_MESSAGES/lossnotes.po``, the catalog translators edit: an
editable install reads it through the link, and a wheel carries its content. The ``.po`` file
is read as it is (with Babel, as Sphinx does), so an edited translation takes
effect at the next build with no compile step; fuzzy entries are ignored, as
Sphinx ignores them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .validation import check_name

__all__ = ["DOMAIN", "LANGUAGES", "UntranslatedWarning", "catalog_path", "translator"]

#: Languages the project is published in.
LANGUAGES: tuple[str, ...] = ("en", "zh_CN")
#: The gettext domain of the library's own strings.
DOMAIN = "lossnotes"


class UntranslatedWarning(UserWarning):
    """A string has no translation in the requested language."""


def catalog_path(lang: str) -> Path:
    """The package's ``.po`` file of the library's strings in ``lang`` (it may not exist)."""
    check_name(lang, LANGUAGES, "lang")
    return Path(str(resources.files(__package__) / "locale" / lang / "LC_MESSAGES")) / (
        f"{DOMAIN}.po"
    )


@lru_cache(maxsize=8)
def _read_catalog(path: Path, mtime_ns: int) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {
        message.id: message.string
        for message in catalog
        if message.id
        and message.string
        and not message.fuzzy
        and isinstance(message.id, str)
        and isinstance(message.string, str)
    }


def translator(lang: str, catalog: Path | None = None) -> Callable[[str], str]:
    """Return ``_``, the function that translates an English string into ``lang``.

    Parameters
    ----------
    lang : {"en", "zh_CN"}
        The language to translate into; English needs no catalog.
    catalog : path, optional
        The ``.po`` file to read; by default the package's (:func:`catalog_path`).

    Returns
    -------
    callable
        ``_(message) -> str``. For a string with no translation it returns the
        English text and emits :class:`UntranslatedWarning`, which fails a
        documentation build (warnings are errors there).

    Raises
    ------
    lossnotes.validation.InputError
        If ``lang`` is not one of :data:`LANGUAGES`.
    FileNotFoundError
        If the language's catalog is missing (a broken install).

    Examples
    --------
    >>> translator("zh_CN")("Cross-entropy")
    '交叉熵'
    """
    check_name(lang, LANGUAGES, "lang")
    if lang == "en":
        return lambda message: message
    path = catalog_path(lang) if catalog is None else Path(catalog)
    table = _read_catalog(path, path.stat().st_mtime_ns)

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
