"""Every use of a private part of Sphinx or myst-nb, for the versions pinned in pyproject.toml.

Each function below works around one upstream problem, named in its docstring, by reaching
into code that neither package documents. They were written for exactly the versions in
:data:`PINNED`; :func:`check_pinned_versions` (run when the extensions load) stops the build
when another version is installed, so that an upgrade is a deliberate step: read the upstream
issue, drop the workaround if the release fixes it, else check it against the new code, then
update :data:`PINNED` and the pins in pyproject.toml together.
"""

from __future__ import annotations

import hashlib
import io
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The distributions whose private code this module uses, and the versions it was written for.
PINNED = {"sphinx": "9.0.4", "myst-nb": "1.4.0"}


def check_pinned_versions() -> None:
    """Raise :class:`~sphinx.errors.ExtensionError` unless the pinned versions are installed."""
    for distribution, written_for in PINNED.items():
        installed = metadata.version(distribution)
        if installed != written_for:
            raise ExtensionError(
                f"docs/_ext/lossnotes_compat.py was written for {distribution} {written_for}, "
                f"but {distribution} {installed} is installed: check each workaround in it "
                "against the new release (each names its upstream issue), then update PINNED "
                "there and the pin in pyproject.toml"
            )


# -- Sphinx ------------------------------------------------------------------------------------


def english_stemmer_js() -> str:
    """The English stemmer as Sphinx's Chinese search needs it in ``language_data.js``.

    sphinx-doc/sphinx#14229 (fixed upstream by sphinx-doc/sphinx#14416, after 9.0.4): the
    Chinese search language stems Latin words with the English stemmer, but Sphinx ends the
    stemmer code with ``window.Stemmer = ChineseStemmer;``, a class that does not exist, so
    every search on a Chinese page fails. This is the same code with the class the file
    really defines. Private: ``sphinx.search._MINIFIED_JS_PATH``.
    """
    from sphinx.search import _MINIFIED_JS_PATH

    return "\n".join(
        (
            (_MINIFIED_JS_PATH / "base-stemmer.js").read_text(encoding="utf-8"),
            (_MINIFIED_JS_PATH / "english-stemmer.js").read_text(encoding="utf-8"),
            "window.Stemmer = EnglishStemmer;",
        )
    )


def keep_index_entries_on_reload() -> None:
    """Restore the index entries of unchanged pages when Sphinx reloads its search index.

    sphinx-doc/sphinx#12599: on an incremental build Sphinx reads the previous
    ``searchindex.js`` back (``IndexBuilder.load``) and re-indexes only the pages it writes
    again, but it does not read back the ``indexentries`` (here: the API reference's
    functions): after a rebuild that leaves the API page alone, searching for ``mse_grad``
    would no longer offer its entry. The frozen form keeps the entries lower-cased with a
    "main" flag, which is also all that the next freeze writes, so the restored index is
    byte for byte the same. Private: ``IndexBuilder.load``, ``formats``, ``_index_entries``.
    """
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder.load, "_lossnotes", False):
        return
    original = IndexBuilder.load

    def load(self: IndexBuilder, stream: Any, format: Any) -> None:
        text = stream.read()
        original(self, io.StringIO(text) if isinstance(text, str) else io.BytesIO(text), format)
        frozen = (self.formats[format] if isinstance(format, str) else format).loads(text)
        docnames = frozen["docnames"]
        restored: dict[str, list[tuple[str, str, str]]] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc, target, main in places:
                flag = "main" if main else ""
                restored.setdefault(docnames[doc], []).append((entry, target, flag))
        self._index_entries.clear()
        self._index_entries.update(restored)

    load._lossnotes = True  # type: ignore[attr-defined]
    IndexBuilder.load = load  # type: ignore[method-assign]


def index_entries_in_page_order() -> None:
    """Write the search index's entries in the order of the pages, whatever order they came in.

    ``IndexBuilder.freeze`` lists each index entry's places in the order the pages were
    indexed (it iterates ``_index_entries`` as filled), not sorted like the rest of
    ``searchindex.js`` (sphinx-doc/sphinx#11665 and #11888 sorted the other parts). With the
    API reference on several pages, an incremental build (entries restored by
    :func:`keep_index_entries_on_reload`, pages written again appended) then writes a
    different ``searchindex.js`` from a clean build of the same sources. Private:
    ``IndexBuilder.freeze``, ``_index_entries``.
    """
    from sphinx.search import IndexBuilder

    if getattr(IndexBuilder.freeze, "_lossnotes", False):
        return
    original = IndexBuilder.freeze

    def freeze(self: IndexBuilder) -> dict[str, Any]:
        ordered = sorted(self._index_entries.items())
        self._index_entries.clear()  # the environment's own dict: reorder it in place
        self._index_entries.update(ordered)
        return original(self)

    freeze._lossnotes = True  # type: ignore[attr-defined]
    IndexBuilder.freeze = freeze  # type: ignore[method-assign]


# -- myst-nb -----------------------------------------------------------------------------------


def glue_in_translations() -> None:
    """Let ``{glue:text}`` roles inside translated paragraphs find the page's glued values.

    executablebooks/MyST-NB#587, fixed by executablebooks/MyST-NB#600 only as far as parsing
    goes: Sphinx's i18n ``Locale`` transform parses every msgstr into a fresh document after
    the page's own parse, and myst-nb hands that text to the plain MyST parser, with no
    notebook renderer; glue roles look the notebook's data up on that renderer, so every
    glued number in a translated paragraph is dropped with "No key ... found". myst-nb
    writes each page's glued values to ``<page>.glue.json`` in its output folder when the
    page is parsed; a role parsed outside the page's parse reads them there. Roles that
    render rich outputs still need the renderer: translated text uses ``{glue:text}`` only.
    Private: ``myst_nb.ext.glue.utils.retrieve_glue_data`` and its two importers,
    ``read_glue_cache``.
    """
    from myst_nb.core.variables import VariableOutput
    from myst_nb.ext.glue import directives, roles, utils
    from myst_nb.ext.glue.crossref import read_glue_cache

    if getattr(roles.retrieve_glue_data, "_lossnotes", False):
        return
    original = utils.retrieve_glue_data

    def retrieve_glue_data(document: Any, key: str) -> Any:
        env = getattr(document.settings, "env", None)
        if "nb_renderer" in document or env is None:
            return original(document, key)
        data = read_glue_cache(notebook_output_folder(env), env.docname)
        if key not in data:
            return original(document, key)  # raises myst-nb's own "No key" error
        return VariableOutput(
            data=data[key]["data"],
            metadata=data[key].get("metadata", {}),
            nb_renderer=None,
            vtype="glue",
        )

    retrieve_glue_data._lossnotes = True  # type: ignore[attr-defined]
    roles.retrieve_glue_data = retrieve_glue_data
    directives.retrieve_glue_data = retrieve_glue_data


def notebook_output_folder(env: Any) -> Path:
    """The folder where myst-nb writes executed notebooks, their images and glue data."""
    return Path(env.mystnb_config.output_folder)


def set_notebook_output_folder(app: Sphinx, folder: Path) -> None:
    """Make myst-nb write executed notebooks and their images to ``folder``.

    No upstream issue: myst-nb 1.4.0 hard-codes ``<outdir>/../jupyter_execute``
    (``myst_nb.sphinx_ext.create_mystnb_config``), a folder that two editions built side by
    side would share and that sits inside the published site. Call it from
    ``builder-inited`` after myst-nb's own handler. Private: ``env.mystnb_config``.
    """
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))  # type: ignore[attr-defined]


def seed_mystnb_css(outdir: Path) -> None:
    """Put myst-nb's stylesheet in place before Sphinx writes any page.

    myst-nb copies it only when the build finishes (it cites sphinx-doc/sphinx#1379), so the
    pages of a cold build link it without the ``?v=`` checksum that later builds add: a warm
    rebuild would then change the index and search pages, and an edited page would differ
    from its neighbours. Private: the file name ``mystnb.<sha256>.css`` that myst-nb gives it.
    """
    source = resources.files("myst_nb.static").joinpath("mystnb.css")
    data = source.read_bytes()
    target = outdir / "_static" / f"mystnb.{hashlib.sha256(data).hexdigest()}.css"
    if not target.is_file() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def setup(app: Sphinx) -> dict[str, Any]:
    check_pinned_versions()
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
