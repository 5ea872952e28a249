"""How the executable pages run and publish in each edition.

- **The edition's language reaches the code.** A page's code cell tagged ``edition``
  assigns the language its figures and tables are drawn in (``lang = "en"``); in each
  edition that assignment names the edition's language, so the Chinese edition's cells run
  with ``lang = "zh_CN"`` and a reader who downloads the notebook gets the same code.
  Nothing reaches the kernel through its environment.
- **One execution cache per edition and library version.** jupyter-cache keys on cell
  source only: outputs computed with another version of lossnotes (or of its catalog) must
  not be reused. Caches of older versions are removed once the build has finished.
- **Executed notebooks stay with their edition.** myst-nb's output folder (executed
  notebooks, their images and glued values) goes under the edition's doctree folder.
- **Glued values in translated text.** ``{glue:text}`` roles inside translated
  paragraphs find the page's values (see :mod:`lossnotes_compat`).
- **Executed notebooks for download.** Each executable page's notebook, as executed
  (outputs included), is published under ``_sources/`` and offered by the theme's
  download button.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import lossnotes_compat
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The tag of the code cell that sets a page's language.
EDITION_TAG = "edition"

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\{code-cell\}")
_TAGS = re.compile(rf"^:?tags:\s*\[?[^\n]*\b{EDITION_TAG}\b", re.MULTILINE)
_ASSIGNMENT = re.compile(r"^(?P<head>\s*lang\s*=\s*)(?P<quote>[\"'])[^\"'\n]*(?P=quote)")


class EditionCellError(ValueError):
    """A code cell tagged ``edition`` that assigns no language."""


def set_edition_language(text: str, lang: str) -> str:
    """Make the ``lang = "..."`` line of every code cell tagged ``edition`` name ``lang``.

    ``text`` is a MyST text notebook; cells are fenced ``{code-cell}`` blocks whose options
    (``:tags: [edition]`` lines or a ``---`` YAML block) carry the tag. Raises
    :class:`EditionCellError` for such a cell without a ``lang = "..."`` line.
    """
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        index += 1
        if not opening:
            continue
        fence = opening.group("fence")
        start = index
        while index < len(lines) and not _closes(lines[index], fence):
            index += 1
        cell = lines[start:index]
        options, body = _split_options(cell)
        if _TAGS.search("".join(options)):
            if not any(_ASSIGNMENT.match(line) for line in body):
                raise EditionCellError(
                    f"the code cell tagged {EDITION_TAG!r} at line {start} assigns no language: "
                    'it must hold a line lang = "en"'
                )
            for offset, line in enumerate(body, start=start + len(options)):
                lines[offset] = _ASSIGNMENT.sub(rf'\g<head>"{lang}"', line)
        index += 1
    return "".join(lines)


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def _split_options(cell: list[str]) -> tuple[list[str], list[str]]:
    """The option lines of a code cell and the lines of its code."""
    if cell and cell[0].strip() == "---":
        for end in range(1, len(cell)):
            if cell[end].strip() == "---":
                return cell[: end + 1], cell[end + 1 :]
        return cell, []
    count = 0
    while count < len(cell) and cell[count].startswith(":"):
        count += 1
    return cell[:count], cell[count:]


def _edition_cells(app: Sphinx, docname: str, source: list[str]) -> None:
    if "LOSSNOTES_LANG" in source[0]:
        logger.warning(
            "pages take their language from a code cell tagged %r holding a line "
            'lang = "en", not from LOSSNOTES_LANG',
            EDITION_TAG,
            location=docname,
            type="lossnotes",
            subtype="edition",
        )
    try:
        source[0] = set_edition_language(source[0], app.config.language or "en")
    except EditionCellError as error:
        logger.warning(str(error), location=docname, type="lossnotes", subtype="edition")


def library_digest(root: Path) -> str:
    """A digest of everything the notebooks' outputs depend on besides their own cells."""
    digest = hashlib.sha256()
    sources = sorted((root / "src" / "lossnotes").rglob("*.py"))
    sources += sorted((root / "locale").glob("*/LC_MESSAGES/lossnotes.po"))
    sources += sorted((root / "locale").glob("*/glossary.tsv"))  # glued into the guide
    for path in sources:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_name(lang: str, digest: str = "*") -> str:
    return f"jupyter_cache-{lang}-{digest}"


def _execution_cache(app: Sphinx, config: Config) -> None:
    """One jupyter-cache per edition and library version, beside the doctree folders.

    The gettext builder (English) shares the English edition's cache.
    """
    if config.nb_execution_cache_path:
        return
    digest = library_digest(Path(app.confdir))
    folder = Path(app.doctreedir).parent / _cache_name(config.language or "en", digest)
    config.nb_execution_cache_path = str(folder)


def _remove_stale_caches(app: Sphinx, exception: Exception | None) -> None:
    """Remove the caches of older library versions, once this build no longer reads its own."""
    if exception is not None:
        return
    current = Path(app.config.nb_execution_cache_path)
    if not current.match(_cache_name(app.config.language or "en")):
        return  # a cache path chosen in the configuration: not ours to tidy
    for old in current.parent.glob(_cache_name(app.config.language or "en")):
        if old != current and old.is_dir():
            logger.info("removing the stale execution cache %s", old.name)
            shutil.rmtree(old, ignore_errors=True)


def _per_edition_output_folder(app: Sphinx) -> None:
    lossnotes_compat.set_notebook_output_folder(app, Path(app.doctreedir) / "jupyter_execute")
    if app.builder.format == "html":
        lossnotes_compat.seed_mystnb_css(Path(app.outdir))


def executed_notebook(app: Sphinx, docname: str) -> Path | None:
    """The notebook myst-nb executed for ``docname`` (outputs included), if any."""
    path = lossnotes_compat.notebook_output_folder(app.env) / f"{docname}.ipynb"
    return path if path.is_file() else None


def notebook_with_outputs(app: Sphinx, path: Path) -> str:
    """The notebook at ``path`` with the outputs of its execution, as JSON text.

    myst-nb 1.4.0 writes the notebook it executed, but on a cache hit (a page re-read
    with unchanged code) it writes the notebook *without* outputs: the outputs live in
    the jupyter-cache, so they are merged in from there.
    """
    import nbformat
    from jupyter_cache import get_cache

    notebook = nbformat.read(path, as_version=4)
    cache_path = app.config.nb_execution_cache_path
    if cache_path and Path(cache_path).is_dir():
        try:
            _, notebook = get_cache(cache_path).merge_match_into_notebook(notebook)
        except KeyError:  # not in the cache: the file is what was executed
            pass
    return nbformat.writes(notebook)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.setup_extension("lossnotes_compat")
    app.connect("config-inited", _execution_cache)
    app.connect("builder-inited", _per_edition_output_folder, priority=900)
    app.connect("source-read", _edition_cells)
    # The download menu offers the reader notebook instead (lossnotes_notebooks_reader).
    app.connect("build-finished", _remove_stale_caches)
    lossnotes_compat.glue_in_translations()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
