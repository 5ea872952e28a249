"""The ``explorer`` directive: the interactive explorer of the experiment on a page.

```{explorer}
```

writes an empty, hidden container holding the explorer's data as JSON, in the
edition's language (:func:`lossnotes.figures.explorer.explorer_data`), and adds
``explorer.js`` and ``explorer.css`` to that page only. The script builds the
explorer inside the container and shows it; without scripts the container
stays hidden and the page's build-time figures are all the reader sees.

Options: ``:compact:`` shows only the fixed logit and the target controls (the
explorer beside the experiment's figures); ``:target:`` is the target class the
explorer starts with (default: the class with the fixed logit).
"""

from __future__ import annotations

import html
import json
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

SCRIPT = "explorer.js"
STYLESHEET = "explorer.css"


class explorer_node(nodes.General, nodes.Element):
    """Where an explorer goes; rendered by :func:`visit_explorer_html`."""


class ExplorerDirective(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict] = {"compact": directives.flag, "target": directives.nonnegative_int}

    def run(self) -> list[nodes.Node]:
        from lossnotes.wording import catalog_path

        lang = self.config.language or "en"
        path = catalog_path(lang) if lang != "en" else None
        if path is not None:  # the wording comes from this catalog: rebuild when it changes
            self.env.note_dependency(str(path))
        node = explorer_node()
        node["compact"] = "compact" in self.options
        node["target"] = self.options.get("target")
        self.set_source_info(node)
        return [node]


def explorer_json(lang: str) -> str:
    """The explorer's data for ``lang``, as JSON safe to sit inside a ``<script>`` element."""
    from lossnotes.figures.explorer import explorer_data

    text = json.dumps(explorer_data(lang), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def visit_explorer_html(self, node: explorer_node) -> None:
    lang = self.builder.config.language or "en"
    attributes = ' class="lossnotes-explorer" hidden'
    if node["compact"]:
        attributes += " data-compact"
    if node["target"] is not None:
        attributes += f' data-target="{html.escape(str(node["target"]))}"'
    self.body.append(
        f"<div{attributes}>"
        f'<script type="application/json" class="lossnotes-explorer-data">'
        f"{explorer_json(lang)}</script></div>\n"
    )
    raise nodes.SkipNode


def skip(self, node: explorer_node) -> None:
    raise nodes.SkipNode


def _add_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree
) -> None:
    if doctree is not None and any(doctree.findall(explorer_node)):
        # Deferred: the script builds the explorer once the page is parsed (its place is kept
        # by explorer.css from the first paint), so it need not hold up the page's rendering.
        app.add_js_file(SCRIPT, loading_method="defer")
        app.add_css_file(STYLESHEET)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(
        explorer_node,
        html=(visit_explorer_html, None),
        latex=(skip, None),
        text=(skip, None),
        man=(skip, None),
        texinfo=(skip, None),
    )
    app.add_directive("explorer", ExplorerDirective)
    app.connect("html-page-context", _add_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
