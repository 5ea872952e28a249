"""Reader notebooks: every executable page as a notebook that runs anywhere, in its edition.

A page's MyST source is made for the build: its text holds ``{glue:text}`` roles and
``{glue:figure}`` directives, its figures are glued in two colour schemes under a mimetype
only myst-nb reads, and the code that draws them is hidden. For each executable page and
each edition this extension writes a *reader notebook*, ``_sources/<page>.ipynb``, which the
download menu offers beside the MyST source:

- **Markdown in the edition's language.** The text comes from the page's doctree once Sphinx
  has translated it (the same msgid -> msgstr split as the page) and resolved it: glued values
  are their formatted text, a ``{glue:figure}`` is its caption (the figure is the output of the
  cell that draws it), cross-references are links to the published page (absolute when
  ``site_baseurl``/``LOSSNOTES_BASEURL`` is set), mathematics stays ``$...$``/``$$...$$``.
- **Every code cell of the page, in order.** Cells the page hides are kept with their source
  collapsed (``jupyter.source_hidden``). The cell tagged ``edition`` becomes
  ``lang = "<edition>"``. A hidden cell at the top stands in for myst-nb's ``glue``: it prints
  each glued value as the page formats it, and shows each glued figure once, light scheme.
- **Standard outputs.** The outputs of the build's execution, with glue records turned into
  what that cell prints and shows when run: ``image/png`` for a figure, text for a value;
  Markdown tables also as ``text/html``.
- **lossnotes from the site.** The build publishes the wheel of the commit it built as
  ``_downloads/lossnotes-<version>-py3-none-any.whl`` in each edition; the notebook's first
  cell installs it (from the site's URL when the base URL is known).

All reader notebooks of an edition are also published as one zip,
``_downloads/lossnotes-notebooks.zip``, which the ``reader-notebooks`` role links.
"""

from __future__ import annotations

import ast
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docutils import nodes
from lossnotes_compat import notebook_output_folder
from sphinx.application import Sphinx
from sphinx.util import logging

ROOT = Path(__file__).resolve().parents[2]
logger = logging.getLogger(__name__)

#: Where an edition publishes the wheel and the zip of its notebooks.
DOWNLOADS = "_downloads"
#: The zip holding every reader notebook of an edition.
NOTEBOOKS_ZIP = "lossnotes-notebooks.zip"
#: Mimetype prefix under which myst-nb's ``glue`` records a value.
GLUE_PREFIX = "application/papermill.record/"
#: The tag of the cell that sets the edition's language (``lang = ...``).
EDITION_TAG = "edition"
#: A zip entry's time stamp when SOURCE_DATE_EPOCH is not set (the earliest a zip holds).
ZIP_EPOCH = 315532800


def N_(message: str) -> str:
    """Mark ``message`` for the ``lossnotes`` catalog (extracted by ``make update-po``)."""
    return message


INSTALL_FROM_SITE = N_(
    "lossnotes, the library this notebook runs, built from the same commit as this page:"
)
DOWNLOAD_FROM_SITE = N_(
    "lossnotes, the library this notebook runs, is published with the site, built from the "
    "same commit as this page. Download the wheel into this notebook's folder:"
)
REPOSITORY = N_("Source repository:")


# -- Settings ---------------------------------------------------------------------


def repository_url(config: Any) -> str:
    """The project's repository, as conf.py's ``site_repository`` names it."""
    return config.site_repository


def _pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def wheel_name() -> str:
    """File name of the wheel this commit builds (``lossnotes-<version>-py3-none-any.whl``)."""
    import lossnotes  # the one place the version is declared (pyproject reads it too)

    return f"{_pyproject()['project']['name']}-{lossnotes.__version__}-py3-none-any.whl"


def _edition_folder(app: Sphinx, lang: str | None = None) -> str:
    paths = app.config.site_edition_paths or {}
    lang = lang or app.config.language
    return paths.get(lang, lang).strip("/")


def _site_url(app: Sphinx, path: str, docname: str) -> str:
    """URL of ``path`` (relative to the edition's root) for a notebook of ``docname``.

    Absolute when the site's base URL is known; else relative to ``_sources/<docname>.ipynb``.
    """
    if app.config.site_baseurl:
        return f"{app.config.site_baseurl.rstrip('/')}/{_edition_folder(app)}/{path}"
    return "../" * (docname.count("/") + 1) + path


def _translator(lang: str):
    from lossnotes.wording import translator

    return translator(lang)


# -- Markdown from the translated doctree -------------------------------------------------

_ESCAPED = re.compile(r"([\\`*_\[\]<>$~|])")
_BLOCK_START = re.compile(r"^(#{1,6}\s|>|[-+*]\s|(\d+)([.)])(\s|$))")
_HAN = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_HAN_BREAK = re.compile(rf"(?<=[{_HAN}])\n(?=[{_HAN}])")


def _escape(text: str) -> str:
    text = _HAN_BREAK.sub("", text).replace("\n", " ")
    return _ESCAPED.sub(r"\\\1", text)


def _guard_start(text: str) -> str:
    """Keep a paragraph that starts like a heading, quote or list item a paragraph."""
    match = _BLOCK_START.match(text)
    if not match:
        return text
    if match.group(2):
        return f"{match.group(2)}\\{text[len(match.group(2)) :]}"
    return "\\" + text


def _indent(text: str, prefix: str) -> str:
    first, *rest = text.split("\n")
    pad = " " * len(prefix)
    return "\n".join([prefix + first, *((pad + line) if line else line for line in rest)])


class Caption(str):
    """The Markdown standing for a ``{glue:figure}``: its caption (the figure is a cell output)."""


class CodeCell:
    """Where a code cell of the page sits among the doctree's blocks."""

    def __init__(self, index: int) -> None:
        self.index = index


class MarkdownWriter:
    """Standard (CommonMark + tables) Markdown of a resolved, translated page doctree."""

    def __init__(self, app: Sphinx, docname: str) -> None:
        self.app = app
        self.docname = docname

    # Blocks, each with the source line it came from (to find its notebook cell).
    def blocks(self, node: nodes.Element, depth: int = 0) -> Iterator[tuple[int | None, Any]]:
        for child in node.children:
            if isinstance(child, nodes.section):
                yield from self.blocks(child, depth + 1)
            elif isinstance(child, nodes.title):
                yield _line(child), f"{'#' * max(depth, 1)} {self.inline(child)}"
            elif isinstance(child, nodes.container) and child.get("nb_element") == "cell_code":
                yield _line(child), CodeCell(child["cell_index"])
            elif _kind(child) == "exercise":
                yield _line(child), self.exercise(child)
            elif _kind(child) == "solution":
                yield from self.solution(child)
            else:
                text = self.block(child)
                if text:
                    kind = Caption if isinstance(child, nodes.figure) else str
                    yield _line(child), kind(text)

    def block(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.paragraph):
            return _guard_start(self.inline(node))
        if isinstance(node, nodes.math_block):
            return f"$$\n{node.astext().strip()}\n$$"
        if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            return self.listing(node)
        if isinstance(node, nodes.figure):
            return self.figure(node)
        if isinstance(node, nodes.literal_block):
            fence = "```"
            while fence in node.astext():
                fence += "`"
            language = node.get("language", "")
            language = "" if language in ("default", "none") else language
            return f"{fence}{language}\n{node.astext()}\n{fence}"
        if isinstance(node, nodes.block_quote):
            inner = self.body(node)
            return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
        if isinstance(node, nodes.Admonition):
            title = node.next_node(nodes.title)
            inner = self.body(node)
            head = f"**{self.inline(title)}**\n\n" if title is not None else ""
            return "\n".join(f"> {line}" if line else ">" for line in (head + inner).split("\n"))
        if isinstance(node, nodes.table):
            return self.table(node)
        if isinstance(node, nodes.raw):
            return node.astext() if node.get("format") == "html" else ""
        if isinstance(node, nodes.definition_list):
            return "\n\n".join(
                f"**{self.inline(item.next_node(nodes.term))}**\n\n"
                + self.body(item.next_node(nodes.definition))
                for item in node.findall(nodes.definition_list_item)
            )
        if isinstance(node, nodes.Invisible | nodes.system_message | nodes.comment):
            return ""
        if isinstance(node, nodes.compound | nodes.container):
            return self.body(node)
        if isinstance(node, nodes.Element) and not node.astext().strip():
            # Something only the web page can show (the interactive explorer): link to it.
            title = self.app.env.titles.get(self.docname)
            text = _escape(title.astext()) if title is not None else self.docname
            url = _site_url(self.app, f"{self.docname}{self.app.builder.out_suffix}", self.docname)
            return f"[{text}]({url})"
        logger.warning(
            "reader notebook of %s: no Markdown for a %s element",
            self.docname,
            node.__class__.__name__,
            location=node,
        )
        return _escape(node.astext())

    # Exercises and solutions (sphinx-exercise): a bold numbered heading; solutions collapsed.
    def exercise(self, node: nodes.Element) -> str:
        anchors = "".join(f'<a id="{ident}"></a>' for ident in node.get("ids", ()))
        number = self.app.env.toc_fignumbers.get(self.docname, {}).get("exercise", {})
        ident = next((i for i in node.get("ids", ()) if i in number), None)
        heading = self.app.config.numfig_format["exercise"] % (
            ".".join(map(str, number[ident])) if ident else ""
        )
        body = "\n\n".join(part for part in map(self.block, _content(node)) if part)
        return f"{anchors}**{_escape(heading.strip())}**\n\n{body}"

    def solution(self, node: nodes.Element) -> Iterator[tuple[int | None, Any]]:
        """Prose in ``<details>`` blocks under the solution's title; its code cells apart."""
        title = node.next_node(nodes.title)
        summary = _escape(title.astext().strip()) if title is not None else ""
        prose: list[str] = []
        line = _line(node)

        def details() -> tuple[int | None, str]:
            text = "\n\n".join(prose)
            return line, f"<details>\n<summary>{summary}</summary>\n\n{text}\n\n</details>"

        for child in _content(node):
            if isinstance(child, nodes.container) and child.get("nb_element") == "cell_code":
                if prose:
                    yield details()
                    prose = []
                yield _line(child), CodeCell(child["cell_index"])
                line = None
                continue
            text = self.block(child)
            if text:
                if not prose and line is None:
                    line = _line(child)
                prose.append(text)
        if prose:
            yield details()

    def body(self, node: nodes.Element) -> str:
        parts = (self.block(child) for child in node.children)
        return "\n\n".join(part for part in parts if part)

    def listing(self, node: nodes.Element) -> str:
        items = []
        start = node.get("start", 1)
        for number, item in enumerate(node.children, start):
            marker = f"{number}. " if isinstance(node, nodes.enumerated_list) else "- "
            items.append(_indent(self.body(item), marker))
        return "\n".join(items)

    def figure(self, node: nodes.figure) -> str:
        """A figure's caption; the figure itself is the output of the cell that draws it."""
        if "only-dark" in node.get("classes", ()):
            return ""
        caption = node.next_node(nodes.caption)
        anchors = "".join(
            f'<a id="{ident}"></a>'
            for ident in node.get("ids", ())
            if not re.fullmatch(r"id\d+", ident)
        )
        text = self.inline(caption) if caption is not None else ""
        legend = node.next_node(nodes.legend)
        if legend is not None:
            text += "\n\n" + self.body(legend)
        return "\n".join(f"> {line}" if line else ">" for line in (anchors + text).split("\n"))

    def table(self, node: nodes.table) -> str:
        rows = [
            [self.inline_body(entry) for entry in row.findall(nodes.entry)]
            for row in node.findall(nodes.row)
        ]
        if not rows:
            return ""
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)

    def inline_body(self, node: nodes.Element) -> str:
        return " ".join(
            self.inline(child) if isinstance(child, nodes.TextElement) else _escape(child.astext())
            for child in node.children
        )

    # Inline
    def inline(self, node: nodes.Node | None) -> str:
        if node is None:
            return ""
        return "".join(self.span(child) for child in node.children)

    def span(self, node: nodes.Node) -> str:
        if isinstance(node, nodes.Text):
            return _escape(str(node))
        if isinstance(node, nodes.math):
            return f"${node.astext().strip()}$"
        if isinstance(node, nodes.literal):
            text = node.astext().replace("\n", " ")
            ticks = "`"
            while ticks in text:
                ticks += "`"
            pad = " " if text.startswith("`") or text.endswith("`") else ""
            return f"{ticks}{pad}{text}{pad}{ticks}"
        if isinstance(node, nodes.emphasis):
            return f"*{self.inline(node)}*"
        if isinstance(node, nodes.strong):
            return f"**{self.inline(node)}**"
        if isinstance(node, nodes.superscript):
            return f"<sup>{self.inline(node)}</sup>"
        if isinstance(node, nodes.subscript):
            return f"<sub>{self.inline(node)}</sub>"
        if isinstance(node, nodes.reference):
            return f"[{self.inline(node)}]({self.link(node)})"
        if isinstance(node, nodes.footnote_reference):
            return f"<sup>{_escape(node.astext())}</sup>"
        if isinstance(node, nodes.image):
            return ""
        if isinstance(node, nodes.Element):
            return self.inline(node)
        return _escape(node.astext())

    def link(self, node: nodes.reference) -> str:
        uri = node.get("refuri")
        if uri is None:
            uri = f"#{node.get('refid', '')}"
        parts = urlsplit(uri)
        if parts.scheme or uri.startswith("//"):
            url = uri
        else:
            path, _, fragment = uri.partition("#")
            if path:
                here = posixpath.dirname(self.docname)
                path = posixpath.normpath(posixpath.join(here, path))
            else:
                path = f"{self.docname}{self.app.builder.out_suffix}"
            url = _site_url(self.app, path + (f"#{fragment}" if fragment else ""), self.docname)
        return f"<{url}>" if re.search(r"[\s()]", url) else url


def _kind(node: nodes.Node) -> str | None:
    """``"exercise"`` or ``"solution"`` for sphinx-exercise's nodes, else None."""
    name = type(node).__name__
    if name in ("exercise_node", "exercise_enumerable_node"):
        return "exercise"
    return "solution" if name == "solution_node" else None


def _content(node: nodes.Element) -> Iterator[nodes.Node]:
    """An exercise's or a solution's blocks after its title (out of the section holding them)."""
    for child in node.children:
        if isinstance(child, nodes.section):
            yield from _content(child)
        elif not isinstance(child, nodes.title):
            yield child


def solution_cells(doctree: nodes.document) -> set[int]:
    """Indices of the code cells inside solutions: collapsed in the reader notebook."""
    return {
        cell["cell_index"]
        for solution in doctree.findall(lambda n: _kind(n) == "solution")
        for cell in solution.findall(nodes.container)
        if cell.get("nb_element") == "cell_code"
    }


def _line(node: nodes.Node) -> int | None:
    for child in node.findall(include_self=True):
        if getattr(child, "line", None):
            return child.line
    return None


def markdown_per_cell(app: Sphinx, docname: str, doctree: nodes.document, notebook) -> dict:
    """The Markdown blocks of each markdown cell of ``notebook``, from the translated ``doctree``.

    A block belongs to the last cell that starts at or before its source line (myst-nb keeps
    the page's lines), never to one before the code cell preceding it in the doctree.
    """
    starts = notebook.metadata.get("source_map") or _source_map(app, docname)
    markdown_cells = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "markdown"]
    per_cell: dict[int, list[str]] = {i: [] for i in markdown_cells}
    floor, current = -1, markdown_cells[0] if markdown_cells else 0
    for line, block in MarkdownWriter(app, docname).blocks(doctree):
        if isinstance(block, CodeCell):
            floor = block.index
            continue
        if line is not None:
            candidates = [i for i in markdown_cells if starts[i] <= line and i > floor]
            if candidates:
                current = candidates[-1]
        if current <= floor:
            later = [i for i in markdown_cells if i > floor]
            current = later[0] if later else current
        per_cell.setdefault(current, []).append(block)
    return per_cell


def _source_map(app: Sphinx, docname: str) -> list[int]:
    from myst_nb.core.read import read_myst_markdown_notebook

    text = Path(app.env.doc2path(docname)).read_text(encoding="utf-8")
    return read_myst_markdown_notebook(text).metadata["source_map"]


# -- Code cells -----------------------------------------------------------------------------

#: Names a page imports for the build only; the notebook's setup cell defines them instead.
BUILD_IMPORTS = {"myst_nb": {"glue"}, "lossnotes.display": {"glue_figure", "glue_text"}}

GLUE_CELL = """\
from ast import literal_eval

from IPython import get_ipython
from IPython.display import display as _display

GLUE_FORMATS = {formats}
SHOWN_LATER = {shown_later}
_figures = {{}}


def _formatted(text, spec):
    try:
        value = literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    kind = spec[-1:]
    if kind == "s":
        value = str(value)
    elif kind and kind in "bcdoxX":
        value = int(value)
    elif kind and kind in "eEfFgGn%":
        value = float(value)
    return format(value, spec)


def glue(name, value, display=True):
    text = get_ipython().display_formatter.format(value)[0]["text/plain"]
    shown = dict.fromkeys(_formatted(text, spec) for spec in GLUE_FORMATS.get(name, ["s"]))
    print(name, "=", " | ".join(shown))


def glue_text(name, text):
    print(name, "=", text)


def glue_figure(name, draw):
    if name in SHOWN_LATER:
        _figures[name] = draw("light")
    else:
        _display(draw("light"))


def show_figure(name):
    _display(_figures.pop(name))
"""

#: Where a page writes ``{glue:text}`key:format```: the formats its glued values take.
_GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::([^`]*))?`")


def glue_formats(source: str) -> dict[str, list[str]]:
    """Each glued key's number formats as the page's text uses them, in order of use."""
    formats: dict[str, list[str]] = {}
    for key, spec in _GLUE_ROLE.findall(source):
        spec = spec or "s"
        if spec not in formats.setdefault(key.strip(), []):
            formats[key.strip()].append(spec)
    return formats


def formatted_glue(name: str, text_plain: str, formats: dict[str, list[str]]) -> str:
    """The line the notebook's ``glue`` prints for a value (as myst-nb formats it on the page)."""
    from myst_nb.core.variables import format_plain_text

    shown = dict.fromkeys(format_plain_text(text_plain, spec) for spec in formats.get(name, ["s"]))
    return f"{name} = {' | '.join(shown)}\n"


def without_build_imports(source: str) -> str:
    """``source`` less the imports of names that the notebook's setup cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.split("\n")
    for statement in reversed(tree.body):
        if not isinstance(statement, ast.ImportFrom):
            continue
        dropped = BUILD_IMPORTS.get(statement.module or "", set())
        kept = [alias for alias in statement.names if alias.name not in dropped]
        if len(kept) == len(statement.names):
            continue
        start, end = statement.lineno - 1, statement.end_lineno
        replacement = []
        if kept:
            statement.names = kept
            replacement = [ast.unparse(statement)]
        lines[start:end] = replacement
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}(?=\S)", "\n\n", text) if "\n\n\n" in text else text


def _uses_glue(notebook) -> bool:
    return any("glue" in cell.source for cell in notebook.cells if cell.cell_type == "code") or any(
        key.startswith(GLUE_PREFIX)
        for cell in notebook.cells
        for output in cell.get("outputs", ())
        for key in output.get("data", {})
    )


def reader_outputs(
    outputs: list, formats: dict[str, list[str]], shown_later: frozenset = frozenset()
) -> list:
    """Outputs in standard mimetypes: glue records become what the reader's ``glue`` shows."""
    from markdown_it import MarkdownIt
    from nbformat.v4 import new_output

    result: list = []

    def stream(text: str) -> None:
        if result and result[-1].output_type == "stream" and result[-1].name == "stdout":
            result[-1].text += text
        else:
            result.append(new_output("stream", name="stdout", text=text))

    for output in outputs:
        if output.output_type == "stream":
            stream(output.text) if output.name == "stdout" else result.append(output)
            continue
        if output.output_type not in ("display_data", "execute_result"):
            result.append(output)
            continue
        data = output.get("data", {})
        record = {k[len(GLUE_PREFIX) :]: v for k, v in data.items() if k.startswith(GLUE_PREFIX)}
        if record:
            name = output.get("metadata", {}).get("scrapbook", {}).get("name", "")
            if "image/png" in record:
                if not name.endswith("_dark") and name not in shown_later:
                    bundle = {"image/png": record["image/png"]}
                    if "text/plain" in record:
                        bundle["text/plain"] = record["text/plain"]
                    result.append(new_output("display_data", data=bundle))
            elif "text/plain" in record:
                stream(formatted_glue(name, record["text/plain"], formats))
            continue
        if "text/markdown" in data and "text/html" not in data:
            data = dict(data)
            data["text/html"] = (
                MarkdownIt("commonmark").enable("table").render(data["text/markdown"])
            )
            output = new_output(
                output.output_type,
                data=data,
                metadata=output.get("metadata", {}),
                **(
                    {"execution_count": output.execution_count}
                    if output.output_type == "execute_result"
                    else {}
                ),
            )
        result.append(output)
    return result


_FIGURE_DIRECTIVE = re.compile(
    r"^```\{glue:figure\}[ \t]+(\S+)[ \t]*\n((?:[ \t]*:[^\n]*\n)*)", re.M
)


def light_figures(source: str) -> list[str]:
    """Glue keys of the figures a Markdown cell shows, in order (not its dark copies)."""
    return [key for key, options in _FIGURE_DIRECTIVE.findall(source) if "only-dark" not in options]


def figure_records(notebook) -> dict[str, tuple[int, dict]]:
    """Glue key -> (index of the code cell that glues it, its light figure as a bundle)."""
    found = {}
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if GLUE_PREFIX + "image/png" in data:
                name = output.get("metadata", {}).get("scrapbook", {}).get("name", "")
                bundle = {"image/png": data[GLUE_PREFIX + "image/png"]}
                if GLUE_PREFIX + "text/plain" in data:
                    bundle["text/plain"] = data[GLUE_PREFIX + "text/plain"]
                found[name] = (index, bundle)
    return found


def figures_shown_later(notebook) -> set[str]:
    """Figures to show where the page shows them rather than in the cell that draws them.

    A figure stays in its cell when that cell draws only it and the page shows it in the
    next Markdown cell; a figure drawn among others, or shown further on, gets a cell of its
    own where the page shows it.
    """
    records = figure_records(notebook)
    shown = {
        key
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for key in light_figures(cell.source)
    }
    drawn: dict[int, int] = {}
    for key, (index, _) in records.items():
        if key in shown:
            drawn[index] = drawn.get(index, 0) + 1
    later = set()
    previous_code = None
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            previous_code = index
            continue
        for key in light_figures(cell.source):
            if key not in records:
                continue
            maker = records[key][0]
            if maker != previous_code or drawn[maker] > 1 or light_figures(cell.source)[0] != key:
                later.add(key)
    return later


def install_cell_source(app: Sphinx, docname: str) -> str:
    """The first cell: install lossnotes from the site (the wheel of the page's commit)."""
    _ = _translator(app.config.language)
    wheel = wheel_name()
    repository = repository_url(app.config)
    lines = []
    if app.config.site_baseurl:
        url = _site_url(app, f"{DOWNLOADS}/{wheel}", docname)
        lines += [f"# {_(INSTALL_FROM_SITE)}", f"#   {url}"]
        if repository:
            lines.append(f"# {_(REPOSITORY)} {repository}")
        lines.append(f"%pip install --quiet {url}")
        return "\n".join(lines)
    lines += [f"# {_(DOWNLOAD_FROM_SITE)}", f"#   {_edition_folder(app)}/{DOWNLOADS}/{wheel}"]
    if repository:
        lines.append(f"# {_(REPOSITORY)} {repository}")
    lines += [
        "try:",
        "    import lossnotes",
        "except ModuleNotFoundError:",
        f"    %pip install --quiet {wheel}",
    ]
    return "\n".join(lines)


def reader_notebook(app: Sphinx, docname: str, doctree: nodes.document, executed) -> Any:
    """The reader notebook of ``docname`` from its executed notebook and translated doctree."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    lang = app.config.language
    markdown = markdown_per_cell(app, docname, doctree, executed)
    formats = glue_formats(Path(app.env.doc2path(docname)).read_text(encoding="utf-8"))
    shown_later = figures_shown_later(executed)
    records = figure_records(executed)
    in_solutions = solution_cells(doctree)
    has_edition_cell = any(EDITION_TAG in cell.metadata.get("tags", ()) for cell in executed.cells)
    if not has_edition_cell:
        logger.warning(
            "reader notebook of %s: no code cell tagged %r sets the language (lang = ...)",
            docname,
            EDITION_TAG,
            location=docname,
        )
    cells = [new_code_cell(install_cell_source(app, docname))]
    if _uses_glue(executed):
        setup = GLUE_CELL.format(
            formats=json.dumps(formats, ensure_ascii=False),
            shown_later="{" + ", ".join(json.dumps(key) for key in sorted(shown_later)) + "}"
            if shown_later
            else "set()",
        )
        cells.append(new_code_cell(setup, metadata={"jupyter": {"source_hidden": True}}))
    for index, cell in enumerate(executed.cells):
        if cell.cell_type == "markdown":
            cells += _markdown_cells(
                markdown.get(index, []), light_figures(cell.source), shown_later, records
            )
            continue
        if cell.cell_type != "code":
            continue
        tags = list(cell.metadata.get("tags", ()))
        metadata: dict[str, Any] = {}
        hidden = {"remove-cell", "remove_cell", "remove-input", "remove_input"}
        if hidden & set(tags) or index in in_solutions:
            metadata.setdefault("jupyter", {})["source_hidden"] = True
        if index in in_solutions:
            metadata["jupyter"]["outputs_hidden"] = True
        if {"remove-output", "remove_output"} & set(tags):
            metadata.setdefault("jupyter", {})["outputs_hidden"] = True
        kept = [tag for tag in tags if not tag.startswith(("remove-", "remove_"))]
        if kept:
            metadata["tags"] = kept
        source = f'lang = "{lang}"' if EDITION_TAG in tags else without_build_imports(cell.source)
        code = new_code_cell(source, metadata=metadata)
        code.outputs = reader_outputs(cell.get("outputs", []), formats, frozenset(shown_later))
        code.execution_count = cell.get("execution_count")
        cells.append(code)
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"
    notebook = new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(notebook)
    return notebook


def _markdown_cells(blocks: list[str], figures: list[str], shown_later: set, records: dict) -> list:
    """One Markdown cell, or several with a figure's own cell before each of its captions."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

    captions = [block for block in blocks if isinstance(block, Caption)]
    if len(captions) != len(figures):
        figures = [""] * len(captions)  # the doctree and the source disagree: keep captions
    cells, pending, figure_keys = [], [], iter(figures)
    for block in blocks:
        key = next(figure_keys) if isinstance(block, Caption) else None
        if key and key in shown_later:
            if pending:
                cells.append(new_markdown_cell("\n\n".join(pending)))
                pending = []
            show = new_code_cell(
                f'show_figure("{key}")', metadata={"jupyter": {"source_hidden": True}}
            )
            show.outputs = [new_output("display_data", data=records[key][1])]
            cells.append(show)
        pending.append(block)
    if pending and "\n\n".join(pending).strip():
        cells.append(new_markdown_cell("\n\n".join(pending)))
    return cells


# -- Sphinx events --------------------------------------------------------------------


def _reader_pages(app: Sphinx) -> set[str]:
    return {
        doc
        for doc in app.env.found_docs
        if doc not in app.config.reader_notebook_excludes
        and (notebook_output_folder(app.env) / f"{doc}.ipynb").is_file()
    }


def notebook_path(app: Sphinx, docname: str) -> Path:
    return Path(app.outdir) / "_sources" / f"{docname}.ipynb"


def _write_reader_notebook(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html" or docname in app.config.reader_notebook_excludes:
        return
    import nbformat
    from lossnotes_notebook_glue import executed_notebook, notebook_with_outputs

    path = executed_notebook(app, docname)
    if path is None:
        return
    executed = nbformat.reads(notebook_with_outputs(app, path), as_version=4)
    notebook = reader_notebook(app, docname, doctree, executed)
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    target = notebook_path(app, docname)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def _offer_notebook(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Tell the theme (before it makes its download menu) that the page has a notebook."""
    if app.builder.format != "html":
        return
    if pagename in _reader_pages(app) and notebook_path(app, pagename).is_file():
        context["ipynb_source"] = f"{pagename}.ipynb"
    else:
        context.pop("ipynb_source", None)


def _download_menu(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Download menu: the reader notebook, the MyST source (labelled so) and the repository."""
    if app.builder.format != "html":
        return
    from sphinx.locale import get_translation

    theme = get_translation("booktheme")
    for group in context.get("header_buttons", ()):
        if group.get("label") != "download-buttons":
            continue
        buttons = []
        for button in group["buttons"]:
            label = button.get("label")
            if label == "download-notebook-button" and "ipynb_source" not in context:
                continue
            if label == "download-notebook-button":
                button["text"] = f"{theme('Download notebook file')} (.ipynb)"
            elif label == "download-source-button":
                button["text"] = f"{theme('Download source file')} ({button['text']})"
            buttons.append(button)
        repository = repository_url(app.config)
        if repository:
            buttons.append(
                {
                    "type": "link",
                    "url": repository,
                    "text": theme("Source repository"),
                    "tooltip": theme("Source repository"),
                    "icon": "fab fa-git-alt",
                    "label": "repository-button",
                }
            )
        group["buttons"] = buttons


def build_wheel(target: Path) -> Path:
    """Build the wheel of the working tree (hatchling, reproducible) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", scratch],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        (built,) = Path(scratch).glob("*.whl")
        path = target / built.name
        data = built.read_bytes()
        if not path.is_file() or path.read_bytes() != data:
            shutil.copyfile(built, path)
    return path


def write_zip(path: Path, files: dict[str, bytes]) -> bool:
    """Write a reproducible zip of ``files`` (name -> bytes); True if it changed."""
    stamp = int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH) or ZIP_EPOCH)
    import time

    when = time.gmtime(max(stamp, ZIP_EPOCH))[:6]
    with tempfile.TemporaryFile() as scratch:
        with zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=when)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name])
        scratch.seek(0)
        data = scratch.read()
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _publish_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for doc in app.config.reader_notebook_excludes:  # published by an earlier build
        notebook_path(app, doc).unlink(missing_ok=True)
    downloads = Path(app.outdir) / DOWNLOADS
    build_wheel(downloads)
    folder = f"lossnotes-notebooks-{app.config.language}"
    files = {}
    for doc in sorted(_reader_pages(app)):
        path = notebook_path(app, doc)
        if path.is_file():
            files[f"{folder}/{doc}.ipynb"] = path.read_bytes()
    write_zip(downloads / NOTEBOOKS_ZIP, files)


def _notebooks_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{reader-notebooks}`title <lossnotes-notebooks.zip>```: a link to a file the build
    publishes in this edition's ``_downloads`` (by default the zip of its reader notebooks).

    As with a cross-reference, a translation may change the title and keeps the target.
    """
    match = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", text)
    title, target = (match.group(1), match.group(2)) if match else (text, NOTEBOOKS_ZIP)
    depth = inliner.document.settings.env.docname.count("/")
    node = nodes.reference(rawtext, title, refuri="../" * depth + f"{DOWNLOADS}/{target}")
    node["classes"].append("reader-notebooks")
    return [node], []


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value(
        "site_repository",
        "",
        "html",
        types=frozenset({str}),
    )
    # Pages without a reader notebook: the translator's guide reads the checkout's catalogs.
    app.add_config_value(
        "reader_notebook_excludes", ["translating"], "env", types=frozenset({list})
    )
    app.add_role("reader-notebooks", _notebooks_role)
    app.connect("doctree-resolved", _write_reader_notebook)
    app.connect("html-page-context", _offer_notebook, priority=450)
    app.connect("html-page-context", _download_menu, priority=600)
    app.connect("build-finished", _publish_downloads)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
