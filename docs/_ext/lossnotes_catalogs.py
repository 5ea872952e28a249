"""What goes into the translators' catalogs, and where each message says it comes from.

- Notebook cell outputs and display equations are kept out of the catalogs
  (:class:`KeepOutputsAndEquationsOutOfCatalogs`).
- The catalog location of a docstring's text is its ``.py`` file and line
  (:func:`docstring_locations`), not autodoc's "<file>.py:docstring of <name>".
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform


class KeepOutputsAndEquationsOutOfCatalogs(SphinxTransform):
    """Mark notebook cell outputs and display equations untranslatable.

    Outputs are computed by lossnotes in the build's language (their wording is translated
    through lossnotes.po), so they must neither become msgids nor be looked up in the page
    catalogs. This lets the gettext builder execute the notebooks, which it must: a
    ``{glue:figure}`` caption exists only once its figure has been computed.

    Display equations are the same in both editions. Left translatable, a changed msgstr
    would be re-parsed by Sphinx as a reStructuredText literal block (``::``) through the
    MyST parser and render as ``::`` instead of the equation; keeping them out of the
    catalogs removes that trap (the words around an equation are translated as usual).

    The API reference's section labels ("Parameters", "Notes") are written by napoleon in
    the build's language already, through Sphinx's own catalog.
    """

    default_priority = 5  # before Sphinx's i18n transforms (10 and 20)

    def apply(self, **kwargs: Any) -> None:
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False
        for desc in self.document.findall(addnodes.desc_content):
            for node in desc.findall(lambda n: isinstance(n, nodes.field_name | nodes.rubric)):
                node["translatable"] = False
        for container in self.document.findall(nodes.container):
            if "cell_output" in container.get("classes", ()):
                for node in container.findall(nodes.TextElement):
                    node["translatable"] = False


def _first_line(name: str) -> int | None:
    """The line where the object with dotted ``name`` starts in its source file."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
            return inspect.getsourcelines(obj)[1]
        except (AttributeError, OSError, TypeError):
            return None
    return None


def docstring_locations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Catalog locations of docstring text: the .py file and its line, for the translator.

    autodoc marks its text as coming from "<file>.py:docstring of <name>", a source with
    spaces that gettext's location comments cannot hold.
    """
    if app.builder.name != "gettext":
        return
    for node in doctree.findall(nodes.Element):
        path, marker, name = (node.source or "").partition(":docstring of ")
        if not marker:
            continue
        start = _first_line(name)
        node.source = path
        if start is not None and node.line is not None:
            node.line = start + node.line


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(KeepOutputsAndEquationsOutOfCatalogs)
    app.connect("doctree-resolved", docstring_locations)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
