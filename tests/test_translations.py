"""The translation catalogs: complete, valid, faithful to the markup, and up to date.

Every check runs on whatever catalogs exist under ``locale/zh_CN/LC_MESSAGES/``. The
workflow tests (an update keeps a changed paragraph's translation as fuzzy; stale catalogs
are detected; partial translations are marked) run on a temporary docs folder and a
temporary locale folder, never on the real catalogs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import builds
import catalogs
import pytest
from babel.messages.pofile import read_po, write_po
from markup import markup_tokens
from project import DOCS, DOMAIN, ROOT

CATALOGS = catalogs.catalog_paths("zh_CN")
IDS = [path.name for path in CATALOGS]


def test_there_are_catalogs_for_the_pages_and_the_library():
    names = {path.stem for path in CATALOGS}
    pages = {path.stem for path in (ROOT / "docs").glob("*.md")}
    assert DOMAIN in names
    assert pages <= names, f"pages without a catalog: {sorted(pages - names)}"


@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_catalog_is_fully_translated_with_no_fuzzy_entry(path):
    translated, untranslated, fuzzy = catalogs.catalog_counts(path)
    assert catalogs.incomplete_entries(path) == []
    assert (untranslated, fuzzy) == (0, 0)
    assert translated > 0


@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_every_location_names_a_source_file(path):
    """A translator can open the page or the docstring that a message comes from."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    places = [place for message in catalog if message.id for place, _ in message.locations]
    assert places
    missing = sorted({p for p in places if not (ROOT / p).is_file()})
    assert missing == []


@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_catalog_passes_the_msgfmt_checks(path):
    assert catalogs.catalog_problems(path) == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_gnu_msgfmt_accepts_catalog(path, tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", CATALOGS, ids=IDS)
def test_catalog_follows_the_glossary(path):
    """A few fixed terms: the msgstr of a msgid naming the term uses its fixed translation.

    A msgstr that keeps an English term (the title of a cited paper, or the note's own
    mixed Chinese and English wording, quoted) is left alone.
    """
    fixed = {
        r"\bcross-entropy\b": "交叉熵",
        r"\bmean[- ]squared[- ]error\b": "均方误差",
        r"\bvanishing gradients?\b": "梯度消失",
        r"\bexploding gradients?\b": "梯度爆炸",
        r"\bgradient descent\b": "梯度下降",
        r"\blearning rates?\b": "学习率",
        r"\bloss surfaces?\b": "损失曲面",
        r"\bheatmaps?\b": "热力图",
    }
    wrong = []
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id or not message.string or not isinstance(message.id, str):
            continue
        if message.id.strip() == message.string.strip():  # formulas, names, numbers
            continue
        if any(re.search(pattern, message.string, re.IGNORECASE) for pattern in fixed):
            continue  # a quotation (a paper's title, the note's own mixed wording) stays as is
        for pattern, term in fixed.items():
            if re.search(pattern, message.id, re.IGNORECASE) and term not in message.string:
                wrong.append(f"{path.name}:{message.lineno}: {term} expected for {pattern!r}")
    assert wrong == []


# -- The checks themselves catch what they should --------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("There are {glue:text}`n` classes.", "共有{glue:text}`m`个类别。"),
        ("Rounded to {glue:text}`x:.3f`.", "四舍五入为{glue:text}`x:.2f`。"),
        ("The logit $z_0$ varies.", "logit $z_1$ 变化。"),
        ("See {doc}`the experiment <experiment>`.", "见{doc}`实验 <verdicts>`。"),
        ("See [the note](https://example.org/note).", "见[笔记](https://example.org/)。"),
        ("Call `lossnotes.mse`.", "调用 `lossnotes.ce`。"),
        ("$$a = b$$", "$$a=b$$"),
        ("Two values {glue:text}`a` and {glue:text}`a`.", "数值{glue:text}`a`。"),
        # the reStructuredText of the API reference's docstrings
        ("As for :func:`softmax`.", "同 `softmax`。"),
        ("As for :func:`softmax`.", "同 :func:`log_softmax`。"),
        ("See :func:`~lossnotes.losses.mse`.", "见 :func:`lossnotes.losses.mse`。"),
        ("Returns ``z - m``.", "返回 ``z-m``。"),
        ("With :math:`p_t`.", "使用 :math:`p_k`。"),
    ],
)
def test_markup_check_catches_a_damaged_translation(msgid, msgstr):
    assert markup_tokens(msgid) != markup_tokens(msgstr)


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("There are {glue:text}`n` classes.", "共有{glue:text}`n`个类别。"),
        ("See {doc}`the experiment <experiment>`.", "见{doc}`实验 <experiment>`。"),
        ("See {doc}`experiment`.", "见{doc}`实验页面 <experiment>`。"),
        ("With $z_0$ and $$x^2$$ and `code`.", "`code`、$$x^2$$ 与 $z_0$。"),
        ("See [the note](https://example.org/note).", "见[笔记](https://example.org/note)。"),
        ("As for :func:`softmax`; ``-inf`` allowed.", "同 :func:`softmax`；允许 ``-inf``。"),
        ("One of :data:`lossnotes.LOSS_NAMES`.", "取 :data:`lossnotes.LOSS_NAMES` 之一。"),
    ],
)
def test_markup_check_accepts_a_faithful_translation(msgid, msgstr):
    assert markup_tokens(msgid) == markup_tokens(msgstr)


def test_markup_tokens_name_what_they_found():
    tokens = markup_tokens(
        "At {glue:text}`ce_max:.3g`, see {ref}`the table <comparison>` and "
        "[the note](https://example.org/n); $p_k$ and `mse`; as :func:`~lossnotes.mse`."
    )
    assert tokens == {
        "{glue:text}`ce_max:.3g`": 1,
        "{ref}`<comparison>`": 1,
        "link: https://example.org/n": 1,
        "$p_k$": 1,
        "`mse`": 1,
        ":func:`~lossnotes.mse`": 1,
    }


def _write_catalog(path: Path, body: str) -> Path:
    header = textwrap.dedent("""\
        msgid ""
        msgstr ""
        "Language: zh_CN\\n"
        "Plural-Forms: nplurals=1; plural=0;\\n"
        "MIME-Version: 1.0\\n"
        "Content-Type: text/plain; charset=utf-8\\n"
        "Content-Transfer-Encoding: 8bit\\n"

        """)
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return path


def test_catalog_checks_accept_a_good_catalog(tmp_path):
    good = _write_catalog(
        tmp_path / "page.po",
        """\
        msgid "There are {glue:text}`n` classes."
        msgstr "共有{glue:text}`n`个类别。"
        """,
    )
    assert catalogs.catalog_problems(good) == []
    assert catalogs.catalog_counts(good) == (1, 0, 0)


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("page.po", 'msgid "A {glue:text}`n` B"\nmsgstr "甲乙"\n', "must keep every role"),
        ("page.po", 'msgid "A\\n"\nmsgstr "甲"\n', "do not both end with"),
        ("lossnotes.po", 'msgid "class {index}"\nmsgstr "类别 {idx}"\n', "placeholders"),
        ("lossnotes.po", 'msgid "%(n)d points"\nmsgstr "%(m)d 个点"\n', "placeholder"),
        (
            "page.po",
            'msgid "A"\nmsgstr "甲"\n\nmsgid "A"\nmsgstr "乙"\n',
            "duplicate message definition",
        ),
        ("page.po", 'msgid "A"\nmsgstr "甲\n', "end-of-line within string"),
    ],
)
def test_catalog_checks_catch_a_broken_catalog(tmp_path, name, body, expected):
    problems = catalogs.catalog_problems(_write_catalog(tmp_path / name, body))
    assert any(expected in problem for problem in problems), problems


def test_counts_keep_fuzzy_entries_apart(tmp_path):
    path = _write_catalog(
        tmp_path / "page.po",
        """\
        msgid "A"
        msgstr "甲"

        #, fuzzy
        msgid "B"
        msgstr "乙"

        msgid "C"
        msgstr ""
        """,
    )
    assert catalogs.catalog_counts(path) == (1, 1, 1)
    lines = catalogs.incomplete_entries(path)
    assert [line.split(": ")[1] for line in lines] == ["fuzzy", "untranslated"]


# -- The catalogs follow the sources ---------------------------------------------------------


@pytest.mark.build
def test_catalogs_match_a_fresh_extraction(build_dir):
    """Fails when a page or a library string changed but ``make update-po`` was not run.

    The extraction reuses the English execution cache of the session's site build.
    """
    assert builds.build_gettext(build_dir) == 0
    stale = catalogs.stale_catalogs(build_dir / "gettext")
    assert not stale, "\n".join([*stale, catalogs.STALE_ADVICE])


PAGE_BEFORE = """\
# A page

Cross-entropy keeps a useful gradient where the softmax saturates.

This paragraph does not change. It names {doc}`the home page <index>`.
"""
PAGE_AFTER = PAGE_BEFORE.replace("useful gradient", "large, useful gradient")


@pytest.fixture
def scratch_docs(tmp_path):
    """A temporary docs folder (two pages), built with the project's conf.py."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n```{toctree}\npage\n```\n", encoding="utf-8")
    (docs / "page.md").write_text(PAGE_BEFORE, encoding="utf-8")
    for folder in ("_static", "_templates", "_ext"):
        if (DOCS / folder).is_dir():
            shutil.copytree(DOCS / folder, docs / folder)
    return tmp_path


def _translate(po: Path, translations: dict[str, str]) -> None:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
    with po.open("wb") as handle:
        write_po(handle, catalog, width=76)


TRANSLATIONS = {
    "Home": "首页",
    "A page": "一个页面",
    "Cross-entropy keeps a useful gradient where the softmax saturates.": (
        "在 softmax 饱和之处，交叉熵仍保留有用的梯度。"
    ),
    "This paragraph does not change. It names {doc}`the home page <index>`.": (
        "这一段不变。它提到{doc}`首页 <index>`。"
    ),
}


@pytest.mark.build
def test_update_keeps_a_changed_paragraphs_translation_as_fuzzy(scratch_docs):
    build_dir, docs = scratch_docs / "_build", scratch_docs / "docs"
    locale = scratch_docs / "locale"
    page_po = locale / "zh_CN" / "LC_MESSAGES" / "page.po"

    assert builds.build_gettext(build_dir, source=docs) == 0
    assert catalogs.stale_catalogs(build_dir / "gettext", locale=locale) != []
    assert catalogs.update_po(build_dir, locale=locale) == 0
    _translate(page_po, TRANSLATIONS)
    _translate(locale / "zh_CN" / "LC_MESSAGES" / "index.po", TRANSLATIONS)
    assert catalogs.catalog_counts(page_po) == (3, 0, 0)
    assert catalogs.stale_catalogs(build_dir / "gettext", locale=locale) == []

    # A translator's source paragraph changes: the catalogs are now stale, and say so.
    (docs / "page.md").write_text(PAGE_AFTER, encoding="utf-8")
    assert builds.build_gettext(build_dir, source=docs) == 0
    stale = catalogs.stale_catalogs(build_dir / "gettext", locale=locale)
    assert len(stale) == 1
    assert "page.po is out of date: 1 new or changed source strings, 1 that" in stale[0]
    assert "make update-po" in catalogs.STALE_ADVICE

    # make update-po: the changed paragraph keeps its old translation, marked fuzzy.
    assert catalogs.update_po(build_dir, locale=locale) == 0
    assert catalogs.stale_catalogs(build_dir / "gettext", locale=locale) == []
    with page_po.open("rb") as handle:
        catalog = read_po(handle)
    changed = catalog.get(
        "Cross-entropy keeps a large, useful gradient where the softmax saturates."
    )
    assert changed is not None and changed.fuzzy
    assert (
        changed.string
        == TRANSLATIONS["Cross-entropy keeps a useful gradient where the softmax saturates."]
    )
    unchanged_id = "This paragraph does not change. It names {doc}`the home page <index>`."
    assert not catalog.get(unchanged_id).fuzzy
    assert catalog.get(unchanged_id).string == TRANSLATIONS[unchanged_id]
    assert catalogs.catalog_counts(page_po) == (2, 0, 1)
    # No msgstr is lost: every translation is still in the file, live or obsolete.
    kept = {message.string for message in catalog} | {
        message.string for message in catalog.obsolete.values()
    }
    for msgid in ("A page", *list(TRANSLATIONS)[2:]):
        assert TRANSLATIONS[msgid] in kept

    # The partially translated page is marked for readers of the Chinese edition.
    html = build_dir / "html"
    cmd = builds.sphinx_command(
        "html",
        "zh_CN",
        html,
        build_dir / "doctrees" / "zh_CN",
        "-D",
        f"locale_dirs={locale}",
        source=docs,
    )
    result = subprocess.run(
        cmd, cwd=ROOT, env=builds.build_environment(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = (html / "page.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="[^"]*\buntranslated\b[^"]*">Cross-entropy keeps a large', page)
    assert re.search(r'<p class="[^"]*\btranslated\b[^"]*">这一段不变', page)
    assert '<style data-source="translation-progress.css">' in page  # written in, not linked
    home = (html / "index.html").read_text(encoding="utf-8")
    assert "untranslated" not in home


def test_stale_catalogs_compare_msgids(tmp_path):
    pots, locale = tmp_path / "gettext", tmp_path / "locale"
    po_dir = locale / "zh_CN" / "LC_MESSAGES"
    pots.mkdir()
    po_dir.mkdir(parents=True)
    _write_catalog(pots / "current.pot", 'msgid "A"\nmsgstr ""\n')
    _write_catalog(po_dir / "current.po", '#: docs/moved.md:99\nmsgid "A"\nmsgstr "甲"\n')
    _write_catalog(pots / "changed.pot", 'msgid "A, changed"\nmsgstr ""\n')
    _write_catalog(po_dir / "changed.po", 'msgid "A"\nmsgstr "甲"\n')
    _write_catalog(pots / "new.pot", 'msgid "B"\nmsgstr ""\n')
    _write_catalog(po_dir / "gone.po", 'msgid "C"\nmsgstr "丙"\n')
    _write_catalog(pots / "sphinx.pot", 'msgid "© Copyright %(copyright)s."\nmsgstr ""\n')
    stale = catalogs.stale_catalogs(pots, locale=locale)
    # The theme's interface strings (sphinx.pot) are translated in sphinx.po like any page.
    assert len(stale) == 4, stale
    assert "changed.po is out of date: 1 new or changed source strings, 1 that" in stale[0]
    assert stale[1].endswith("new.po does not exist yet")
    assert stale[2].endswith("sphinx.po does not exist yet")
    assert stale[3].endswith("gone.po has no source page any more (delete it)")
