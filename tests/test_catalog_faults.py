"""A translator's mistake gets a clear error, never a traceback, never a lost translation.

Each test makes one mistake, as a translator editing by hand would, in a copy of a real
catalog (a temporary copy of ``locale/``), then runs the commands behind ``make validate``,
``stats``, ``update-po``, ``gettext``, ``check-po`` and ``html`` on that copy
(``tools/build_site.py <command> --locale <copy>``). A mistake GNU ``msgfmt --check``
rejects must stop every one of them with exit status 1, print only ``path:line: what is
wrong`` lines, and leave the file byte for byte as it was; what msgfmt accepts must be
accepted too. The verdicts are checked against msgfmt itself where GNU gettext is
installed (required when ``CI`` is set). No site is built: a command that got past the
validation and started Sphinx would fail the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import build_site
import builds
import catalogs
import pytest
import validation
from babel.messages.pofile import read_po, write_po
from project import LOCALE, ROOT

MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(
    MSGFMT is None and not os.environ.get("CI"),
    reason="GNU gettext (msgfmt) is not installed; apt-get install gettext",
)
PO_DIR = Path("zh_CN") / "LC_MESSAGES"
#: What every printed line of a rejected catalog looks like.
PROBLEM = re.compile(r"^(?P<path>.+\.po):(?P<line>\d+): \S.*$")


# -- Finding the places to make a mistake in a real catalog --------------------------------

#: A translated entry on two lines: ``msgid "..."`` then ``msgstr "..."``.
_SIMPLE = re.compile(r'(?m)^msgid "([^"\\]{4,})"\nmsgstr "([^"\\]{2,})"\n')
#: A translated entry whose msgid and msgstr both run over continuation lines.
_LONG = re.compile(
    r'(?m)^msgid ""\n(?:"(?:[^"\\]|\\.)*"\n){2,}msgstr ""\n(?:"(?:[^"\\]|\\.)*"\n){2,}'
)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _simple(text: str) -> re.Match:
    match = _SIMPLE.search(text, text.index("\n\n"))  # past the header
    assert match, "the catalog has no one-line translated entry to damage"
    return match


def _long(text: str) -> re.Match:
    match = _LONG.search(text)
    assert match, "the catalog has no multi-line translated entry to damage"
    return match


def _msgstr_line(text: str) -> tuple[int, int]:
    """(offset just inside the one-line msgstr's quotes, its line number)."""
    match = _simple(text)
    start = match.start(2)
    return start, _line(text, start)


def _insert(text: str, offset: int, piece: str) -> str:
    return text[:offset] + piece + text[offset:]


# -- The mistakes: each returns the damaged text and the line where the mistake is ---------

Mistake = Callable[[str], tuple[str | bytes, int]]


def invalid_escape(text):
    """``\\ `` inside a msgstr (the issue's example): msgfmt says invalid control sequence."""
    offset, line = _msgstr_line(text)
    return _insert(text, offset + 1, "\\ "), line


def unterminated_string(text):
    match = _simple(text)
    return text[: match.end(2)] + text[match.end(2) + 1 :], _line(text, match.start(2))


def unescaped_quote(text):
    offset, line = _msgstr_line(text)
    return _insert(text, offset + 1, '"'), line


def flag_inside_msgid(text):
    """``#, fuzzy`` between a msgid's continuation lines (a traceback from Babel before)."""
    match = _long(text)
    second = text.index("\n", text.index("\n", match.start()) + 1) + 1
    return _insert(text, second, "#, fuzzy\n"), _line(text, second)


def comment_inside_msgstr(text):
    match = _long(text)
    msgstr = text.index("\nmsgstr", match.start()) + 1
    inside = text.index("\n", text.index("\n", msgstr) + 1) + 1
    return _insert(text, inside, "# 这里要再看看\n"), _line(text, inside)


def stray_text_inside_an_entry(text):
    match = _simple(text)
    return _insert(text, match.end(), "见上文\n"), _line(text, match.end())


def duplicate_entry(text):
    match = _simple(text)
    copy = f'\nmsgid "{match.group(1)}"\nmsgstr "另一种译法"\n'
    return text + copy, _line(text, len(text)) + 1


def obsolete_twin_of_a_live_entry(text):
    match = _simple(text)
    copy = f'\n#~ msgid "{match.group(1)}"\n#~ msgstr "{match.group(2)}"\n'
    return text + copy, _line(text, len(text)) + 1


def missing_msgstr(text):
    match = _simple(text)
    msgstr = text.index("\nmsgstr", match.start()) + 1
    end = text.index("\n", msgstr) + 1
    return text[:msgstr] + text[end:], _line(text, match.start())


def two_msgstr(text):
    match = _simple(text)
    msgstr = text.index("\nmsgstr", match.start()) + 1
    return _insert(text, match.end(), text[msgstr : match.end()]), _line(text, match.end())


def misspelt_keyword(text):
    match = _simple(text)
    msgstr = text.index("\nmsgstr", match.start()) + 1
    return text[:msgstr] + "msgtsr" + text[msgstr + 6 :], _line(text, msgstr)


def newline_in_msgstr_only(text):
    match = _simple(text)
    return _insert(text, match.end(2), "\\n"), _line(text, match.start(2))


def plural_forms_beyond_nplurals(text):
    entry = '\nmsgid "one point"\nmsgid_plural "{n} points"\nmsgstr[0] "{n} 个点"\n'
    entry += 'msgstr[1] "{n} 个点"\n'
    return text + entry, _line(text, len(text)) + 1


def plural_entry_with_a_plain_msgstr(text):
    entry = '\nmsgid "one point"\nmsgid_plural "{n} points"\nmsgstr "{n} 个点"\n'
    return text + entry, _line(text, len(text)) + 4


def _header(text: str) -> int:
    """The line msgfmt names for a problem of the header: its ``msgstr ""``."""
    return _line(text, text.index('msgid ""\nmsgstr ""') + len('msgid ""\n'))


def invalid_plural_expression(text):
    return text.replace("plural=0;", "plural=n>;", 1), _header(text)


def charset_header_says_ascii(text):
    """msgfmt then stops at the first character beyond ASCII."""
    first = next(i for i, char in enumerate(text) if ord(char) > 127)
    return text.replace("charset=utf-8", "charset=ASCII", 1), _line(text, first)


def saved_as_gbk(text):
    """An editor saved the file in GBK; the header still says UTF-8."""
    return text.encode("gbk"), _msgstr_line(text)[1]


def byte_order_mark(text):
    return b"\xef\xbb\xbf" + text.encode("utf-8"), 1


def old_mac_line_ends(text):
    return text.replace("\n", "\r").encode("utf-8"), 1


def renamed_placeholder(text):
    """``{value}`` renamed in a python-brace-format library string (lossnotes.po)."""
    match = re.search(r'#, python-brace-format\nmsgid "[^"]*\{(\w+)\}[^"]*"\nmsgstr "', text)
    assert match, "no one-line python-brace-format entry with a named field"
    name = match.group(1)
    start = match.end()
    end = text.index("\n", start)
    line = text[start:end]
    assert "{" + name + "}" in line
    damaged = line.replace("{" + name + "}", "{" + name + "_x}", 1)
    return text[:start] + damaged + text[end:], _line(text, start)


#: Mistakes GNU ``msgfmt --check`` rejects: (catalog, mistake).
REJECTED: dict[str, tuple[str, Mistake]] = {
    f.__name__: (catalog, f)
    for catalog, f in [
        ("experiment.po", invalid_escape),
        ("experiment.po", unterminated_string),
        ("experiment.po", unescaped_quote),
        ("experiment.po", flag_inside_msgid),
        ("experiment.po", comment_inside_msgstr),
        ("experiment.po", stray_text_inside_an_entry),
        ("experiment.po", duplicate_entry),
        ("experiment.po", obsolete_twin_of_a_live_entry),
        ("experiment.po", missing_msgstr),
        ("experiment.po", two_msgstr),
        ("experiment.po", misspelt_keyword),
        ("experiment.po", newline_in_msgstr_only),
        ("experiment.po", plural_forms_beyond_nplurals),
        ("experiment.po", plural_entry_with_a_plain_msgstr),
        ("experiment.po", invalid_plural_expression),
        ("experiment.po", charset_header_says_ascii),
        ("experiment.po", saved_as_gbk),
        ("experiment.po", byte_order_mark),
        ("experiment.po", old_mac_line_ends),
        ("lossnotes.po", renamed_placeholder),
    ]
}


def header_line_without_newline(text):
    """``"Language: zh_CN"`` without ``\\n``: msgfmt only warns, Babel cannot read it."""
    field = '"Language: zh_CN\\n"'
    offset = text.index(field)
    return text.replace(field, '"Language: zh_CN"', 1), _line(text, offset)


def unknown_charset_name(text):
    """A charset no codec knows: msgfmt only warns, Babel (Sphinx's reader) stops."""
    offset = text.index("charset=utf-8")
    return text.replace("charset=utf-8", "charset=utf8-unicode", 1), _line(text, offset)


def octal_escape(text):
    """``\\101`` (``A``): gettext reads it, but Sphinx's reader would show it as typed."""
    offset, line = _msgstr_line(text)
    return _insert(text, offset + 1, "\\101"), line


def latin1_charset_header(text):
    """The header declares ISO-8859-1 on a UTF-8 file: Sphinx would show mojibake."""
    offset = text.index("charset=utf-8")
    return text.replace("charset=utf-8", "charset=ISO-8859-1", 1), _line(text, offset)


#: Mistakes msgfmt accepts (at most with a warning) that Sphinx's reader, Babel, would read
#: otherwise or not at all; ``make update-po`` would then rewrite the file wrongly. Rejected.
REJECTED_BY_THE_READER: dict[str, tuple[str, Mistake]] = {
    f.__name__: ("experiment.po", f)
    for f in (
        header_line_without_newline,
        unknown_charset_name,
        octal_escape,
        latin1_charset_header,
    )
}


def crlf_line_ends(text):
    return text.replace("\n", "\r\n").encode("utf-8"), 1


def blank_line_inside_an_entry(text):
    match = _simple(text)
    msgstr = text.index("\nmsgstr", match.start()) + 1
    return _insert(text, msgstr, "\n"), _line(text, msgstr)


def tab_inside_a_msgstr(text):
    offset, line = _msgstr_line(text)
    return _insert(text, offset + 1, "\t"), line


def no_newline_at_the_end(text):
    return text.rstrip("\n"), _line(text, len(text.rstrip("\n")))


def header_without_fuzzy_flag(text):
    offset = text.index('#, fuzzy\nmsgid ""')
    return text.replace('#, fuzzy\nmsgid ""', 'msgid ""', 1), _line(text, offset)


def leftover_fuzzy_flag(text):
    match = _simple(text)
    return _insert(text, match.start(), "#, fuzzy\n"), _line(text, match.start()) + 1


def broken_role(text):
    """``{glue:text}`name` `` losing a backtick: the build would print it as text."""
    offset = text.index("{glue:text}`", text.index("msgstr", text.index("{glue:text}`")))
    tick = offset + len("{glue:text}")
    return text[:tick] + text[tick + 1 :], _line(text, offset)


def dropped_math(text):
    """``$z_0$`` dropped from a msgstr: the reader would miss a symbol the msgid shows."""
    msgstr = text.index("msgstr", text.index("$z_0$"))
    offset = text.index("$z_0$", msgstr)
    return text[:offset] + "z0" + text[offset + len("$z_0$") :], _line(text, offset)


def renamed_glue_name(text):
    msgstr = text.index("msgstr", text.index("{glue:text}`"))
    match = re.compile(r"\{glue:text\}`(\w+)").search(text, msgstr)
    return text[: match.start(1)] + "x" + text[match.start(1) :], _line(text, match.start(1))


#: Well-formed to msgfmt, and to the tools: (catalog, mistake, what ``check-po`` reports or
#: None when the file is simply fine).
ACCEPTED: dict[str, tuple[str, Mistake, str | None]] = {
    f.__name__: ("experiment.po", f, report)
    for f, report in [
        (crlf_line_ends, None),
        (blank_line_inside_an_entry, None),
        (tab_inside_a_msgstr, None),
        (no_newline_at_the_end, None),
        (header_without_fuzzy_flag, None),
        (leftover_fuzzy_flag, "fuzzy"),
        (broken_role, "must keep every role"),
        (dropped_math, "must keep every role"),
        (renamed_glue_name, "must keep every role"),
    ]
}


# -- Fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    """A build folder whose ``gettext/*.pot`` hold the real catalogs' messages.

    What ``make gettext`` would extract when no source changed, without running Sphinx.
    """
    build = tmp_path_factory.mktemp("templates")
    (build / "gettext").mkdir()
    for po in sorted((LOCALE / PO_DIR).glob("*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if message.id:
                message.string = ("",) * len(message.string) if message.pluralizable else ""
                message.flags.discard("fuzzy")
        catalog.obsolete.clear()
        with (build / "gettext" / f"{po.stem}.pot").open("wb") as handle:
            write_po(handle, catalog, width=76)
    return build


@pytest.fixture
def locale(tmp_path) -> Path:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy, ignore=shutil.ignore_patterns("*.mo"))
    return copy


@pytest.fixture
def no_sphinx(monkeypatch):
    """Fail the test if a command gets as far as running Sphinx."""

    def refuse(*args, **kwargs):
        raise AssertionError("a malformed catalog got past the validation: Sphinx would run")

    monkeypatch.setattr(builds, "sphinx_command", refuse)


def _make(locale: Path, catalog: str, mistake: Mistake) -> tuple[Path, bytes, int]:
    """Make ``mistake`` in ``locale``'s copy of ``catalog``: (path, new bytes, line)."""
    path = locale / PO_DIR / catalog
    text = path.read_text(encoding="utf-8")
    damaged, line = mistake(text)
    data = damaged if isinstance(damaged, bytes) else damaged.encode("utf-8")
    assert data != text.encode("utf-8"), "the mistake changed nothing"
    path.write_bytes(data)
    return path, data, line


def _run(command: str, locale: Path, build: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    status = build_site.main([command, "--locale", str(locale), "--build-dir", str(build), *extra])
    out, err = capsys.readouterr()
    return status, [line for line in (out + err).splitlines() if line.strip()]


def _msgfmt_accepts(path: Path) -> bool:
    assert MSGFMT is not None, "GNU gettext is required here (CI is set): apt-get install gettext"
    result = subprocess.run([MSGFMT, "--check", "-o", os.devnull, str(path)], capture_output=True)
    return result.returncode == 0


COMMANDS = ("validate", "stats", "update-po", "gettext", "check", "html")


# -- Rejected mistakes ---------------------------------------------------------------------


@needs_msgfmt
@pytest.mark.parametrize("name", [*REJECTED, *REJECTED_BY_THE_READER])
def test_a_malformed_catalog_stops_every_command(
    name, locale, templates, no_sphinx, capsys, tmp_path
):
    catalog, mistake = {**REJECTED, **REJECTED_BY_THE_READER}[name]
    path, data, line = _make(locale, catalog, mistake)
    # GNU msgfmt agrees: it rejects the file (or, for the reader's cases, accepts it).
    assert _msgfmt_accepts(path) == (name in REJECTED_BY_THE_READER)
    build = tmp_path / "_build"
    shutil.copytree(templates / "gettext", build / "gettext")
    for command in COMMANDS:
        status, lines = _run(command, locale, build, capsys)
        assert status == 1, f"{command} accepted the catalog: {lines}"
        assert lines, f"{command} said nothing"
        for printed in lines:
            match = PROBLEM.match(printed)
            assert match, f"{command} printed {printed!r}, not path:line: what is wrong"
            assert match["path"] == str(path), printed
            assert "Traceback" not in printed
        reported = [int(PROBLEM.match(printed)["line"]) for printed in lines]
        assert any(abs(number - line) <= 3 for number in reported), (line, lines)
        assert path.read_bytes() == data, f"{command} changed the catalog"
    # Nothing else was written either.
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        p.name for p in (LOCALE / PO_DIR).iterdir() if p.suffix == ".po"
    )


@needs_msgfmt
def test_the_issues_case_fails_in_a_real_process_without_a_traceback(locale, tmp_path):
    """``#, fuzzy`` between a msgid's lines: ``make stats`` ended in Babel's traceback."""
    path, data, _ = _make(locale, "experiment.po", flag_inside_msgid)
    for command in ("stats", "validate"):
        result = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "build_site.py"), command, "--locale", locale],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr + result.stdout
        assert result.stdout == ""
        assert all(PROBLEM.match(line) for line in result.stderr.splitlines()), result.stderr
        assert "missing 'msgstr' section" in result.stderr
    assert path.read_bytes() == data


# -- Accepted ones -------------------------------------------------------------------------


@needs_msgfmt
@pytest.mark.parametrize("name", list(ACCEPTED))
def test_what_msgfmt_accepts_the_tools_accept(name, locale, templates, capsys, tmp_path):
    catalog, mistake, reported = ACCEPTED[name]
    path, _, line = _make(locale, catalog, mistake)
    assert _msgfmt_accepts(path)
    assert validation.validate([path]) == 0
    before = _translations(path)
    build = tmp_path / "_build"
    shutil.copytree(templates / "gettext", build / "gettext")
    for command, *extra in (
        ("validate",),
        ("stats",),
        ("update-po", "--catalogs", path.stem),
    ):
        status, lines = _run(command, locale, build, capsys, *extra)
        assert status == 0, (command, lines)
        assert not any("Traceback" in printed for printed in lines)
    # update-po kept every translation (it may rewrite line ends and layout).
    assert _translations(path) == before
    problems = catalogs.catalog_problems(path) + catalogs.incomplete_entries(path)
    if reported is None:
        assert problems == []
    else:
        located = [p for p in problems if p.startswith(f"{path}:") and reported in p]
        assert located, problems
        # The line named is the msgid line of the entry the mistake is in.
        lines = path.read_text(encoding="utf-8").splitlines()
        entry = max(n for n in range(1, line + 1) if lines[n - 1].startswith("msgid "))
        assert [int(PROBLEM.match(p)["line"]) for p in located] == [entry], (line, located)


def _translations(path: Path) -> dict:
    """msgid -> (msgstr, fuzzy) of every live entry, read the way Sphinx reads the file."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {m.id: (m.string, m.fuzzy) for m in catalog if m.id}


# -- update-po keeps every translation -----------------------------------------------------


def _template_without(templates: Path, build: Path, catalog: str, msgid: str) -> None:
    shutil.copytree(templates / "gettext", build / "gettext")
    pot = build / "gettext" / catalog.replace(".po", ".pot")
    with pot.open("rb") as handle:
        template = read_po(handle)
    assert msgid in template
    template.delete(msgid)
    with pot.open("wb") as handle:
        write_po(handle, template, width=76)


def test_update_po_on_unchanged_sources_changes_no_byte(locale, templates, capsys, tmp_path):
    before = {p.name: p.read_bytes() for p in (locale / PO_DIR).glob("*.po")}
    status, lines = _run("update-po", locale, templates, capsys)
    assert status == 0, lines
    assert {p.name: p.read_bytes() for p in (locale / PO_DIR).glob("*.po")} == before


def test_a_msgid_that_leaves_the_sources_stays_as_obsolete_and_comes_back(
    locale, templates, capsys, tmp_path
):
    path = locale / PO_DIR / "experiment.po"
    msgid, msgstr = _simple(path.read_text(encoding="utf-8")).groups()
    gone = tmp_path / "gone"
    _template_without(templates, gone, "experiment.po", msgid)
    status, lines = _run("update-po", locale, gone, capsys, "--catalogs", "experiment")
    assert status == 0, lines
    text = path.read_text(encoding="utf-8")
    assert f'#~ msgid "{msgid}"\n#~ msgstr "{msgstr}"\n' in text
    assert f'\nmsgid "{msgid}"' not in text
    assert _msgfmt_accepts(path) if MSGFMT else True
    # The msgid returns: its translation is live again, not fuzzy, and not obsolete too.
    status, lines = _run("update-po", locale, templates, capsys, "--catalogs", "experiment")
    assert status == 0, lines
    assert path.read_bytes() == (LOCALE / PO_DIR / "experiment.po").read_bytes()


def test_update_po_refuses_a_merge_that_would_lose_a_translation(
    locale, templates, capsys, monkeypatch
):
    """A merge bug (here: one that forgets a message) is caught before anything is written."""
    from babel.messages.catalog import Catalog

    original = Catalog.update

    def forgetful(self, template, *args, **kwargs):
        original(self, template, *args, **kwargs)
        first = next(message for message in self if message.id and message.string)
        self.delete(first.id, first.context)

    monkeypatch.setattr(Catalog, "update", forgetful)
    before = {p.name: p.read_bytes() for p in (locale / PO_DIR).glob("*.po")}
    status, lines = _run("update-po", locale, templates, capsys, "--catalogs", "experiment")
    assert status == 1
    assert len(lines) == 1 and PROBLEM.match(lines[0]), lines
    assert "would lose the translation" in lines[0]
    assert {p.name: p.read_bytes() for p in (locale / PO_DIR).glob("*.po")} == before


def test_an_interrupted_write_leaves_the_old_catalog_whole(tmp_path, monkeypatch):
    path = tmp_path / "page.po"
    path.write_bytes(b"old")

    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        catalogs.write_atomically(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.po"]  # no temporary file left
    monkeypatch.undo()
    catalogs.write_atomically(path, b"new")
    assert path.read_bytes() == b"new"


# -- Without GNU gettext -------------------------------------------------------------------

#: The mistakes the Python approximation (no msgfmt installed) still catches.
APPROXIMATED = [
    "invalid_escape",
    "unterminated_string",
    "unescaped_quote",
    "flag_inside_msgid",
    "comment_inside_msgstr",
    "stray_text_inside_an_entry",
    "duplicate_entry",
    "obsolete_twin_of_a_live_entry",
    "missing_msgstr",
    "misspelt_keyword",
    "saved_as_gbk",
    "byte_order_mark",
]


@pytest.mark.parametrize("name", APPROXIMATED)
def test_the_approximation_without_msgfmt_catches_the_common_mistakes(name, locale):
    catalog, mistake = REJECTED[name]
    path, data, _ = _make(locale, catalog, mistake)
    problems = validation.approximate_problems(path)
    assert problems, name
    assert all(PROBLEM.match(problem) for problem in problems), problems
    assert path.read_bytes() == data


def test_the_approximation_accepts_the_real_catalogs():
    for path in sorted((LOCALE / PO_DIR).glob("*.po")):
        assert validation.approximate_problems(path) == []


def test_without_msgfmt_the_commands_say_so(locale, monkeypatch, capsys):
    monkeypatch.setattr(validation, "msgfmt_path", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    assert validation.validate(sorted((locale / PO_DIR).glob("*.po"))) == 0
    assert "install gettext" in capsys.readouterr().err
    monkeypatch.setenv("CI", "1")
    assert validation.validate(sorted((locale / PO_DIR).glob("*.po"))) == 1
    assert "apt-get install gettext" in capsys.readouterr().err


def test_msgfmt_messages_are_reworded_onto_one_line(tmp_path):
    """msgfmt spreads a duplicate over two lines; the report keeps one line per problem."""
    located = [
        (185, "duplicate message definition..."),
        (24, "...this is the location of the first definition"),
    ]
    assert list(validation._joined(located)) == [
        (185, "duplicate message definition (the first is on line 24)")
    ]
    located = [(8, "nplurals = 1..."), (187, "...but some messages have 2 plural forms")]
    assert list(validation._joined(located)) == [
        (187, "but some messages have 2 plural forms (line 8: nplurals = 1)")
    ]
