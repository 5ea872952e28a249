"""Formulas typeset while the site is built: finished SVG, no MathJax in the browser.

MathJax 3 (the npm package ``mathjax-full``, pinned in package-lock.json and installed by
``npm ci``) runs in Node.js beside Sphinx (``typeset_math.js``) and turns each formula's TeX
into MathJax's SVG output, with its assistive MathML for screen readers. The page receives
the finished formulas, MathJax's small stylesheet in its head, and at its end one hidden
``<svg>`` holding the outline of each glyph its formulas use (they refer to it with
``<use>``): no script, no web font. Sizes are in ``ex``, so formulas match the x-height of
the text around them.

Typesetting in the browser cost the longest pages most of their load: MathJax's script
(264 KB compressed) typeset 40-100 formulas on the main thread and made the text reflow as
it did (Lighthouse, mobile, experiment page: 1.6 s of blocking time, largest paint at
5.2 s). MathJax's other output, CommonHTML, typeset here too, still cost a second of layout
on such a page (about 2,300 nested boxes); SVG is laid out as one box per formula.

This is a math renderer in Sphinx's sense (``app.add_html_math_renderer``); conf.py selects it with
``html_math_renderer = "lossnotes"``. A TeX error is a warning at the formula's location, so
``-W`` stops the build.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from lossnotes_node import ROOT, node_for
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "typeset_math.js"

RENDERER = "lossnotes"


class Typesetter:
    """One Node.js process running ``typeset_math.js``: TeX in, MathJax's markup out."""

    def __init__(self) -> None:
        node = node_for("mathjax-full", "the formulas are typeset by MathJax")
        self.process = subprocess.Popen(
            [node, str(SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
        self.typeset_since_page = False

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise ExtensionError(f"{SCRIPT.name} stopped (exit status {self.process.poll()})")
        return json.loads(line)

    def typeset(self, tex: str, display: bool) -> tuple[str, str | None]:
        """MathJax's markup of ``tex``, or the TeX error MathJax reports."""
        self.typeset_since_page = True
        answer = self._ask({"tex": tex, "display": display})
        return answer.get("html", ""), answer.get("error")

    def end_page(self) -> tuple[str, str]:
        """MathJax's stylesheet, and the hidden ``<svg>`` of the glyphs that the formulas
        typeset since the last call use; the next formula starts a new page."""
        self.typeset_since_page = False
        answer = self._ask({"page": True})
        return answer["css"], answer["glyphs"]

    def close(self) -> None:
        """End the Node.js process.

        It is told to quit rather than left to see its input end: a process forked from
        Sphinx after it started (sphinx-sitemap's multiprocessing manager) holds a copy of
        the input pipe, which then never ends.
        """
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps({"quit": True}) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:  # it has stopped already
            pass
        self.process.stdin.close()
        self.process.stdout.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


#: The edition's typesetter: started by the first formula a build writes (a build that
#: writes none, a warm rebuild say, starts no Node.js), ended when the build finishes.
_typesetter: Typesetter | None = None


def _typeset(translator: HTML5Translator, node: nodes.Element, tex: str, display: bool) -> str:
    global _typesetter
    if _typesetter is None:
        _typesetter = Typesetter()
    html, error = _typesetter.typeset(tex, display)
    if error is not None:
        logger.warning(
            "TeX error in %r: %s", tex, error, location=node, type="lossnotes", subtype="math"
        )
        return translator.encode(tex)
    return html


def visit_math(translator: HTML5Translator, node: nodes.math) -> None:
    span = translator.starttag(node, "span", "", CLASS="math notranslate nohighlight")
    translator.body.append(span)
    translator.body.append(_typeset(translator, node, node.astext(), display=False))
    translator.body.append("</span>")
    raise nodes.SkipNode


def display_tex(text: str) -> str:
    """The TeX of a display block as Sphinx's MathJax renderer writes it.

    Blank-line separated equations are aligned one per line; an equation with ``\\\\`` is a
    ``split``.
    """
    parts = [part for part in text.split("\n\n") if part.strip()]
    lines = [rf"\begin{{split}}{part}\end{{split}}" if r"\\" in part else part for part in parts]
    if len(lines) > 1:
        return r"\begin{align}\begin{aligned}" + r"\\".join(lines) + r"\end{aligned}\end{align}"
    return lines[0] if lines else ""


def visit_displaymath(translator: HTML5Translator, node: nodes.math_block) -> None:
    translator.body.append(translator.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("no-wrap", node.get("nowrap", False)):
        tex = node.astext()
    else:
        tex = display_tex(node.astext())
    if node["number"]:
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    translator.body.append(_typeset(translator, node, tex, display=True))
    translator.body.append("</div>\n")
    raise nodes.SkipNode


# -- Build -------------------------------------------------------------------------------------


def _end_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """MathJax's stylesheet into the page's head; its glyphs after the page's text."""
    if _typesetter is None or not _typesetter.typeset_since_page:
        return
    css, glyphs = _typesetter.end_page()
    style = f'<style data-source="mathjax">\n{css}\n</style>\n'
    context["metatags"] = context.get("metatags", "") + style
    context["body"] = context.get("body", "") + glyphs + "\n"


def _stop(app: Sphinx, exception: Exception | None) -> None:
    global _typesetter
    if _typesetter is not None:
        _typesetter.close()
        _typesetter = None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer(
        RENDERER, inline_renderers=(visit_math, None), block_renderers=(visit_displaymath, None)
    )
    app.connect("html-page-context", _end_page)
    app.connect("build-finished", _stop)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": False}
