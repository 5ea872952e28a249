"""A real build of both editions, checked page by page.

Uses the session fixture ``site`` (tests/conftest.py): both editions built once, from scratch,
with the same command as ``make html``.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image
from test_browser import _pages

import lossnotes
import lossnotes.descent
from lossnotes.figures.labels import loss_label, minus_signs, statistic_label, target_label
from lossnotes.figures.tables import format_statistic
from lossnotes.wording import translator

pytestmark = pytest.mark.build

CJK = re.compile(r"[\u3400-\u9fff]")
SKIP_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


class _Page(HTMLParser):
    """Collects what the checks below need from one built page."""

    TEXT_BLOCKS: ClassVar[set[str]] = {
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "li",
        "th",
        "td",
        "figcaption",
        "dt",
        "dd",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[str] = []
        self.glued: list[str] = []
        self.math = 0
        self.tables: list[list[list[str]]] = []
        self.cells: set[str] = set()
        self.blocks: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, inside code/output/math)
        # Open elements whose text is code, not prose: inline code and the names and types
        # of an API reference's parameter lists. Their text is left out of the blocks.
        self._code: list[bool] = []
        self._field_lists = 0
        self._dl_kinds: list[int] = []  # 1 for each open <dl class="field-list">, else 0
        self._text: list[list[str]] = []
        self._in_main = 0
        self._glue_depth = 0
        self._glue_text: list[str] = []

    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("img",):
            self.images.append(a.get("src", ""))
            return
        if tag == "source" and a.get("srcset"):  # a figure's dark copy, in its <picture>
            self.images.append(a["srcset"].split()[0])
            return
        if tag in ("br", "hr", "meta", "link", "input", "wbr"):
            return
        skip = (
            self._skipping()
            or tag in ("pre", "code", "script", "style")
            or any(
                c in classes
                for c in ("cell_input", "cell_output", "math", "highlight", "headerlink", "sig")
            )
        )  # "sig": an API signature such as lossnotes.losses.mse(logits, target), code
        if "math" in classes and tag == "div":
            self.math += 1
        if tag == "main" or "body" in classes or a.get("role") == "main":
            self._in_main += 1
        if "pasted-text" in classes:
            self._glue_depth = len(self._stack) + 1
            self._glue_text = []
        if tag == "table":
            self.tables.append([])
        if tag == "tr" and self.tables:
            self.tables[-1].append([])
        self._stack.append((tag, skip))
        if tag == "dl":
            self._dl_kinds.append(int("field-list" in classes))
            self._field_lists += self._dl_kinds[-1]
        code = (
            tag in ("code", "pre")
            or "math" in classes
            or (self._field_lists > 0 and tag in ("strong", "em"))
        )
        self._code.append(code)
        if tag in self.TEXT_BLOCKS or tag in ("td", "th"):
            self._text.append([])

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, skip = self._stack.pop()
            self._code.pop()
            if open_tag == "dl":
                self._field_lists -= self._dl_kinds.pop()
            if self._glue_depth and len(self._stack) < self._glue_depth:
                self.glued.append("".join(self._glue_text).strip())
                self._glue_depth = 0
            if open_tag in self.TEXT_BLOCKS or open_tag in ("td", "th"):
                text = " ".join("".join(self._text.pop()).split()) if self._text else ""
                if self._text and text:  # a paragraph inside a cell or item is part of it
                    self._text[-1].append(f" {text} ")
                if open_tag in ("td", "th") and self.tables and self.tables[-1]:
                    self.tables[-1][-1].append(text)
                    self.cells.add(text)
                if not skip and self._in_main and text:
                    self.blocks.append(text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._glue_depth:
            self._glue_text.append(data)
        if self._text and not any(self._code):  # table cells of outputs count too
            self._text[-1].append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def pages(edition: Path) -> list[Path]:
    """Every page of an edition, the API reference's sub-pages (``api/*.html``) included."""
    names = _pages(edition.parent, edition.name)
    return [edition / name for name in names if Path(name).name not in SKIP_PAGES]


def test_both_editions_and_the_redirect_exist(site):
    assert (site / "en" / "experiment.html").is_file()
    assert (site / "zh_CN" / "experiment.html").is_file()
    # The root page: links to both editions for every reader, and a script that picks one
    # by the browser's languages (tests/test_navigation.py runs it).
    root = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="en/index.html" hreflang="en">' in root
    assert '<a href="zh_CN/index.html" hreflang="zh-CN">' in root
    assert "navigator.languages" in root and "http-equiv" not in root
    en, zh = site / "en", site / "zh_CN"
    assert [p.relative_to(en) for p in pages(en)] == [p.relative_to(zh) for p in pages(zh)]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_experiment_page_has_its_figures(site, lang):
    page = parse(site / lang / "experiment.html")
    figures = [src for src in page.images if src.startswith("_images/")]
    assert len(figures) >= 4  # two heatmap figures, each in a light and a dark copy
    for src in figures:
        data = (site / lang / src).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        # a drawn heatmap, not a blank: column-wide and in many colours (a palette PNG)
        with Image.open(site / lang / src) as image:
            assert image.width >= 600
            assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or ()) > 32


def test_chinese_figures_differ_from_english_ones(site):
    def digests(lang):
        page = parse(site / lang / "experiment.html")
        return {
            hashlib.sha256((site / lang / src).read_bytes()).hexdigest()
            for src in page.images
            if src.startswith("_images/")
        }

    en, zh = digests("en"), digests("zh_CN")
    assert en and zh and not (en & zh)


#: Names a module's ``__all__`` re-exports for convenience; the API reference documents them
#: where they are defined (the heatmaps, in lossnotes.figures.heatmaps).
REEXPORTED = {"figures": {"loss_heatmap", "loss_heatmaps"}}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_api_reference_documents_the_library(site, lang):
    """Every public name is documented once, on one of the reference's pages (one page per
    layer, each linked from the overview ``api.html``)."""
    overview = (site / lang / "api.html").read_text(encoding="utf-8")
    layers = sorted((site / lang / "api").glob("*.html"))
    assert len(layers) >= 5
    assert [p.name for p in layers if f'href="api/{p.name}"' not in overview] == []
    html = overview + "".join(p.read_text(encoding="utf-8") for p in layers)
    for module in (
        "softmax",
        "losses",
        "validation",
        "grid",
        "surface",
        "comparison",
        "naive",
        "closed_forms",
        "descent",
        "figures",
        "figures.heatmaps",
        "figures.tables",
    ):
        names = getattr(importlib.import_module(f"lossnotes.{module}"), "__all__", None)
        for name in set(names or ()) - REEXPORTED.get(module, set()):
            assert html.count(f'id="lossnotes.{module}.{name}"') == 1, f"{lang}: {module}.{name}"
    # the command line's help, printed at build time in the edition's language
    cli = (site / lang / "cli.html").read_text(encoding="utf-8")
    if lang == "en":
        assert "usage: lossnotes" in cli and "commands:" in cli
    else:
        assert "用法：lossnotes" in cli and "命令：" in cli
    run = lossnotes.descent.descend("cross_entropy", [0.0, 0.0, -1000.0], 2, 1.0, 5000)
    assert cli.count("lossnotes descend") >= 2
    assert f'"recovered_at": {run.recovered_at}' in cli and run.recovered_at > 0
    # the docstrings' examples are shown as code, and their Notes and Parameters are
    # translated in the Chinese edition (a test of every paragraph follows)
    assert html.count('class="highlight-pycon') + html.count("doctest") > 10
    if lang == "zh_CN":
        assert "参数" in html and "返回" in html


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_comparison_table_shows_what_lossnotes_computes(site, lang):
    page = parse(site / lang / "experiment.html")
    table = next(t for t in page.tables if len(t) == 1 + len(lossnotes.STATISTICS))
    statistics = lossnotes.comparison(targets=(0, 2), losses=("cross_entropy", "mse"))
    # one column per surface, one row per statistic
    _ = translator(lang)
    assert table[0][1:] == [
        _("{loss}, {target}").format(
            loss=loss_label(s.loss_name, lang), target=target_label(s.target, lang)
        )
        for s in statistics
    ]
    for row, field in zip(table[1:], lossnotes.STATISTICS, strict=True):
        assert row[0] == statistic_label(field, lang)
        # the page writes numbers with a true minus sign (docs/_ext/lossnotes_pages.py)
        assert row[1:] == [
            minus_signs(format_statistic(field, getattr(s, field))) for s in statistics
        ]
    if lang == "zh_CN":
        assert table[0][1] == "交叉熵，类别 0" and table[1][0] == "损失最小值"


def _looks_english(text: str) -> bool:
    """Three different English words and no Chinese: a passage left untranslated.

    A title in 《》 keeps its own language, as the note's Chinese half writes its source.
    """
    text = re.sub(r"《[^》]*》", "", text)
    return len(set(re.findall(r"[A-Za-z]{4,}", text))) >= 3 and not CJK.search(text)


def test_every_chinese_paragraph_is_translated(site):
    untranslated = []
    for path in pages(site / "zh_CN"):
        page = parse(path)
        for block in page.blocks:
            if block not in page.cells and _looks_english(block):
                untranslated.append(f"{path.name}: {block[:80]}")
        for table in page.tables:  # a glossary keeps its English column: judge whole rows
            for row in table:
                if _looks_english(" ".join(row)):
                    untranslated.append(f"{path.name}: table row {' | '.join(row)[:80]}")
    assert not untranslated, "untranslated in the Chinese edition:\n" + "\n".join(untranslated)


#: Markup that only shows in the text when a translation broke it: reST inline code or a
#: role left unparsed (in Chinese, ``code`` needs a space or punctuation around it), or a
#: MyST role left as text.
_RAW_MARKUP = re.compile(
    r"``|:(?:func|class|data|mod|math|meth|attr|exc|obj|doc|ref):`|\{[a-z:]+\}`"
)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_markup_shows_as_text(site, lang):
    leaks = []
    for path in pages(site / lang):
        page = parse(path)
        leaks += [
            f"{path.name}: {block[:100]}"
            for block in page.blocks
            if block not in page.cells and _RAW_MARKUP.search(block)
        ]
    assert leaks == []


def test_no_chinese_page_is_marked_as_partly_translated(site):
    """The complete catalogs leave no element marked untranslated (a reader would see a
    "translation incomplete" note), the API reference's labels included."""
    marked = {
        path.name: len(re.findall(r'class="[^"]*\buntranslated\b', path.read_text("utf-8")))
        for path in pages(site / "zh_CN")
    }
    assert {name: count for name, count in marked.items() if count} == {}
    assert 'class="translated' in (site / "zh_CN" / "api" / "losses.html").read_text("utf-8")


def test_glued_values_and_equations_survive_translation(site):
    for en_path in pages(site / "en"):
        en, zh = parse(en_path), parse(site / "zh_CN" / en_path.relative_to(site / "en"))
        assert zh.math == en.math, f"{en_path.name}: equations differ"
        assert Counter(zh.glued) == Counter(en.glued), f"{en_path.name}: glued values differ"
        assert all(zh.glued), f"{en_path.name}: an empty glued value"
    experiment = parse(site / "zh_CN" / "experiment.html")
    assert "\u22121000" in experiment.glued and "10000" in experiment.glued


def test_a_cell_writing_to_stderr_fails_the_build(tmp_path, root):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
        "# Probe\n\n```{code-cell} python\nimport sys\nprint('oops', file=sys.stderr)\n```\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-c",
            str(root),
            "-W",
            "--keep-going",
            "-q",
            "-d",
            str(tmp_path / "doctrees"),
            str(docs),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert result.returncode != 0
    assert "stderr was found in the cell outputs" in result.stderr


def test_small_stylesheets_are_written_into_the_page(site):
    """The site's own stylesheets come inline (fewer requests); toggles' assets only where used."""
    for lang in ("en", "zh_CN"):
        with_exercises = (site / lang / "experiment.html").read_text(encoding="utf-8")
        without = (site / lang / "references.html").read_text(encoding="utf-8")
        for name in ("lossnotes.css", "lossnotes-pages.css"):
            assert f'<style data-source="{name}">' in with_exercises, name
            assert f'<style data-source="{name}">' in without, name
        for name in ("lossnotes.css", "lossnotes-pages.css", "translation-progress.css"):
            assert not (site / lang / "_static" / name).exists(), name
        # every passage translated: nothing to mark (tests/test_translations.py: a page that
        # has an untranslated passage gets these styles)
        assert "translation-progress" not in with_exercises + without
        assert '<style data-source="togglebutton.css">' in with_exercises
        assert "togglebutton.js" in with_exercises
        assert "togglebutton" not in without and "exercise.css" not in without
        assert not re.search(r'<link rel="stylesheet"[^>]*_static/lossnotes', with_exercises)
