"""Build, extract and count the lossnotes site's editions.

Used by the Makefile and by the tests, so both build the site the same way::

    python tools/build_site.py html [--build-dir _build] [--languages en zh_CN]
    python tools/build_site.py gettext           # templates into _build/gettext/*.pot
    python tools/build_site.py update-po         # merge them into locale/zh_CN/LC_MESSAGES/*.po
    python tools/build_site.py stats             # translated / untranslated / fuzzy per catalog
    python tools/build_site.py check             # catalogs complete, valid and up to date
    python tools/build_site.py readthedocs       # one edition, as Read the Docs builds it
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "zh_CN")
SPHINX_OPTIONS = ("-W", "--keep-going", "-n", "-q")
LOCALE = ROOT / "locale"
DOCS = ROOT / "docs"
DOMAIN = "lossnotes"


def build_environment() -> dict[str, str]:
    """The environment of a build: reproducible timestamps unless the caller chose one."""
    env = dict(os.environ)
    if "SOURCE_DATE_EPOCH" not in env:
        try:
            stamp = subprocess.run(
                ["git", "log", "-1", "--format=%ct"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            stamp = ""
        env["SOURCE_DATE_EPOCH"] = stamp or "0"
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def sphinx_command(
    builder: str, lang: str, outdir: Path, doctrees: Path, *extra: str, source: Path = DOCS
) -> list[str]:
    """The ``sphinx-build`` command line of one builder and language (conf.py at the root)."""
    return [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        builder,
        "-c",
        str(ROOT),
        *SPHINX_OPTIONS,
        "-D",
        f"language={lang}",
        "-d",
        str(doctrees),
        *extra,
        str(source),
        str(outdir),
    ]


#: Lines every notebook kernel prints at start-up (ipykernel's own log, not a cell's output).
KERNEL_NOISE = ("Kernel is running over TCP without encryption",)


def _without_kernel_noise(output: str) -> str:
    return "".join(
        line
        for line in output.splitlines(keepends=True)
        if not any(noise in line for noise in KERNEL_NOISE)
    )


REDIRECT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>lossnotes</title>
<meta http-equiv="refresh" content="0; url=en/index.html">
<link rel="canonical" href="en/index.html">
</head>
<body>
<p><a href="en/index.html">lossnotes (English)</a> ·
<a href="zh_CN/index.html" lang="zh-CN">lossnotes（中文）</a></p>
</body>
</html>
"""


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds exactly that; True if written.

    A warm rebuild then leaves the file (and its time stamp) alone.
    """
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def stable_notebook_ids(edition: Path) -> int:
    """Give the executed notebooks published under ``edition/_sources`` stable cell ids.

    myst-nb gives every cell of a text notebook a random id each time it reads the page, so
    the downloadable ``.ipynb`` files would differ between two builds of one commit. Returns
    the number of notebooks rewritten (only those whose ids were not stable yet).
    """
    import json

    rewritten = 0
    for path in sorted((edition / "_sources").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook.get("cells", [])
        if all(cell.get("id", f"cell-{i}") == f"cell-{i}" for i, cell in enumerate(cells)):
            continue
        for i, cell in enumerate(cells):
            if "id" in cell:
                cell["id"] = f"cell-{i}"
        text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        rewritten += 1
    return rewritten


def seed_mystnb_css(outdir: Path) -> None:
    """Put myst-nb's stylesheet in place before Sphinx writes any page.

    myst-nb copies it only when the build finishes, so the pages of a cold build link it
    without the ``?v=`` checksum that later builds add: a warm rebuild would then change
    the index and search pages, and an edited page would differ from its neighbours.
    """
    try:
        from myst_nb import static
        from myst_nb.sphinx_ext import _get_file_hash, _import_resources_path
    except ImportError:  # another myst-nb: it then manages its stylesheet itself
        return
    with _import_resources_path(static, "mystnb.css") as source:
        target = outdir / "_static" / f"mystnb.{_get_file_hash(source)}.css"
        data = Path(source).read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def build_html(build_dir: Path, languages: Sequence[str] = LANGUAGES) -> int:
    """Build every edition, in parallel, into ``build_dir/html/<lang>``; return an exit status."""
    env = build_environment()
    jobs = []
    for lang in languages:
        seed_mystnb_css(build_dir / "html" / lang)
        log = tempfile.TemporaryFile(mode="w+")
        cmd = sphinx_command("html", lang, build_dir / "html" / lang, build_dir / "doctrees" / lang)
        jobs.append((lang, log, subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)))
    status = 0
    for lang, log, proc in jobs:
        code = proc.wait()
        log.seek(0)
        output = _without_kernel_noise(log.read())
        log.close()
        if output.strip():
            sys.stdout.write(f"--- {lang} ---\n{output}")
        if code:
            sys.stderr.write(f"the {lang} edition failed to build (exit status {code})\n")
            status = code
        else:
            stable_notebook_ids(build_dir / "html" / lang)
    write_if_changed(build_dir / "html" / "index.html", REDIRECT)
    if not status:
        print(f"built {', '.join(languages)} into {build_dir / 'html'}")
    return status


#: The functions whose string arguments are library messages: ``_ = translator(lang)``,
#: and ``translate``, the name the command line's argument parser gives it.
LIBRARY_KEYWORDS = {"_": None, "translate": None, "N_": None}  # N_: error message templates


def extract_library_messages(pot_dir: Path) -> Path:
    """Write the library's own strings (figures, tables, command line) to ``lossnotes.pot``."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    catalog = Catalog(project="lossnotes", domain=DOMAIN, charset="utf-8")
    source = ROOT / "src" / "lossnotes"
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source), method_map=[("**.py", "python")], keywords=LIBRARY_KEYWORDS
    ):
        catalog.add(
            message,
            locations=[(f"src/lossnotes/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    pot_dir.mkdir(parents=True, exist_ok=True)
    path = pot_dir / f"{DOMAIN}.pot"
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=100)
    return path


def _locations_from_root(pot: Path) -> None:
    """Rewrite ``#: ../../docs/page.md:12`` as ``#: docs/page.md:12`` in a template.

    Sphinx writes locations relative to the output folder, so the catalogs would change
    with the folder a translator happens to build in.
    """
    lines = pot.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = False
    for index, line in enumerate(lines):
        if not line.startswith("#: "):
            continue
        places = []
        for place in line[3:].split():
            path, colon, number = place.rpartition(":")
            if not colon:
                path, number = place, ""
            target = (pot.parent / path).resolve()
            if target.is_relative_to(ROOT):
                path = target.relative_to(ROOT).as_posix()
            places.append(f"{path}:{number}" if number else path)
        new = "#: " + " ".join(places) + "\n"
        if new != line:
            lines[index], changed = new, True
    if changed:
        pot.write_text("".join(lines), encoding="utf-8")


def build_gettext(build_dir: Path, source: Path = DOCS) -> int:
    """Extract every translatable string into ``build_dir/gettext/*.pot``.

    ``source`` is the folder of pages (the tests point it at a temporary one).
    """
    pot_dir = build_dir / "gettext"
    # The notebooks run (from the English edition's execution cache): a {glue:figure}
    # caption exists only once its figure does. conf.py keeps cell outputs out of the catalogs.
    cmd = sphinx_command(
        "gettext", "en", pot_dir, build_dir / "doctrees" / "gettext", source=source
    )
    result = subprocess.run(cmd, cwd=ROOT, env=build_environment(), capture_output=True, text=True)
    sys.stdout.write(_without_kernel_noise(result.stdout))
    sys.stderr.write(_without_kernel_noise(result.stderr))
    if result.returncode:
        return result.returncode
    for pot in pot_dir.glob("*.pot"):
        _locations_from_root(pot)
    extract_library_messages(pot_dir)
    print(f"wrote the templates to {pot_dir}")
    return 0


#: Templates that are not merged into catalogs. None: ``sphinx.pot`` holds the interface
#: strings of the site's templates (docs/_templates), and ``locale/<lang>/LC_MESSAGES/sphinx.po``
#: translates them; Sphinx reads it before its own and the theme's catalogs.
UNMERGED: frozenset[str] = frozenset()


def update_po(build_dir: Path, catalogs: Sequence[str] = (), locale: Path = LOCALE) -> int:
    """Merge the templates into ``locale/<lang>/LC_MESSAGES/*.po`` (sphinx-intl).

    With ``catalogs`` (names such as ``experiment`` or ``lossnotes``), only those
    catalogs are updated.
    """
    pot_dir = build_dir / "gettext"
    if not catalogs:
        catalogs = sorted(pot.stem for pot in pot_dir.glob("*.pot") if pot.stem not in UNMERGED)
    with tempfile.TemporaryDirectory() as scratch:
        if catalogs:
            missing = [name for name in catalogs if not (pot_dir / f"{name}.pot").is_file()]
            if missing:
                sys.stderr.write(f"no template for {', '.join(missing)} in {pot_dir}\n")
                return 2
            for name in catalogs:
                shutil.copy(pot_dir / f"{name}.pot", Path(scratch) / f"{name}.pot")
            pot_dir = Path(scratch)
        cmd = [
            sys.executable,
            "-m",
            "sphinx_intl",
            "update",
            "-p",
            str(pot_dir),
            "-d",
            str(locale),
            *(arg for lang in LANGUAGES if lang != "en" for arg in ("-l", lang)),
        ]
        code = subprocess.run(cmd, cwd=ROOT).returncode
        if code:
            return code
        for lang in LANGUAGES:
            for pot in sorted(pot_dir.glob("*.pot")):
                po = locale / lang / "LC_MESSAGES" / f"{pot.stem}.po"
                if lang != "en" and po.is_file() and _refresh_locations(po, pot):
                    print(f"Locations: {po}")
        return 0


def _refresh_locations(po: Path, pot: Path) -> bool:
    """Give a catalog its template's locations and flags; return whether the file changed.

    sphinx-intl rewrites a catalog only when its set of messages changes, so a message
    that moved would keep pointing at its old line, or at a folder that no longer exists.
    The creation date stays as it was: an unchanged catalog stays byte for byte the same.
    """
    import io

    from babel.messages.pofile import write_po
    from sphinx_intl import catalog as intl

    catalog = intl.load_po(str(po))
    created = catalog.creation_date
    intl.update_with_fuzzy(catalog, intl.load_po(str(pot)))
    catalog.creation_date = created
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)  # sphinx-intl's own line width
    if buffer.getvalue() == po.read_bytes():
        return False
    po.write_bytes(buffer.getvalue())
    return True


TRANSLATED_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != "en")


def _shown(path: Path) -> Path:
    """A path as messages show it: relative to the repository when inside it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def catalog_paths(lang: str = "zh_CN") -> list[Path]:
    """Every ``.po`` catalog of ``lang``, sorted by name."""
    return sorted((LOCALE / lang / "LC_MESSAGES").glob("*.po"))


def read_catalog(path: Path):
    """Read one ``.po`` or ``.pot`` file strictly: a syntax error raises ``PoFileError``."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def catalog_counts(path: Path) -> tuple[int, int, int]:
    """(translated, untranslated, fuzzy) entries of one ``.po`` file; fuzzy ones apart.

    A fuzzy entry is not used by the build (``gettext_allow_fuzzy_translations`` is off),
    so it counts neither as translated nor as untranslated.
    """
    catalog = read_catalog(path)
    translated = untranslated = fuzzy = 0
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy += 1
        elif _is_translated(message):
            translated += 1
        else:
            untranslated += 1
    return translated, untranslated, fuzzy


def _is_translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def stats() -> int:
    """Print translated / untranslated / fuzzy entries per catalog and in total."""
    totals = [0, 0, 0]
    rows = []
    for po in sorted(LOCALE.rglob("*.po")):
        counts = catalog_counts(po)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append((str(po.relative_to(ROOT)), *counts))
    rows.append(("total", *totals))
    width = max(len(row[0]) for row in rows)
    print(f"{'catalog':<{width}}  translated  untranslated  fuzzy  done")
    for name, done, todo, fuzzy in rows:
        total = done + todo + fuzzy
        share = f"{100 * done / total:.0f}%" if total else "-"
        print(f"{name:<{width}}  {done:>10}  {todo:>12}  {fuzzy:>5}  {share:>4}")
    return 0


# -- Checks of the catalogs -------------------------------------------------------------------

#: A MyST role: ``{name}`content` `` (any number of backticks).
_ROLE = re.compile(r"\{([A-Za-z][\w:+.-]*)\}(`+)(.+?)(?<!`)\2(?!`)", re.DOTALL)
#: A reStructuredText role, as in the docstrings of the API reference: ``:func:`softmax` ``.
_REST_ROLE = re.compile(
    r"(?<![\w`:]):([A-Za-z][\w+.-]*(?::[A-Za-z][\w+.-]*)?):(`+)(.+?)(?<!`)\2(?!`)", re.DOTALL
)
#: ``title <target>`` inside a role.
_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
#: A Markdown link or image ``[text](target)``, and an autolink ``<scheme://...>``.
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^()\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^<>\s]+)>")
#: Display math ``$$...$$`` and inline math ``$...$``.
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)\$")
#: Inline code ``` `...` ```.
_CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def markup_tokens(text: str) -> Counter:
    """The pieces of a message that a translation must keep exactly.

    MyST roles (a ``{glue:text}`name:.3g` `` stays whole; a cross-reference such as
    ``{doc}`experiment` `` or ``{ref}`a title <target>` `` keeps its target, and its
    title may be translated), the reStructuredText roles of docstrings (``:func:`mse` ``
    stays whole), link targets, ``$...$`` and
    ``$$...$$`` math, and inline code. Returns a multiset of tokens such as
    ``"{glue:text}`n_classes`"``, ``"{doc}`<experiment>`"``, ``"link: https://..."`` or
    ``"$z_0$"``.
    """
    tokens: Counter = Counter()

    def role(match: re.Match) -> str:
        name, content = match.group(1), match.group(3)
        titled = _TITLED.match(content)
        if name.startswith("glue"):
            tokens[f"{{{name}}}`{content}`"] += 1
        else:  # a cross-reference: its title may be translated, its target may not
            tokens[f"{{{name}}}`<{titled.group(2) if titled else content}>`"] += 1
        return " "

    rest = _ROLE.sub(role, text)

    def rest_role(match: re.Match) -> str:  # a docstring's role stays whole
        tokens[f":{match.group(1)}:`{match.group(3)}`"] += 1
        return " "

    rest = _REST_ROLE.sub(rest_role, rest)
    for pattern, label in ((_LINK, "link: "), (_AUTOLINK, "link: ")):
        for match in pattern.finditer(rest):
            tokens[label + match.group(1)] += 1
    rest = _AUTOLINK.sub(" ", _LINK.sub(" ", rest))
    for match in _CODE.finditer(rest):
        tokens[f"`{match.group(2)}`"] += 1
    rest = _CODE.sub(" ", rest)
    for match in _DISPLAY_MATH.finditer(rest):
        tokens[f"$${match.group(1)}$$"] += 1
    rest = _DISPLAY_MATH.sub(" ", rest)
    for match in _INLINE_MATH.finditer(rest):
        tokens[f"${match.group(1)}$"] += 1
    return tokens


def brace_fields(text: str) -> Counter:
    """The ``str.format`` replacement fields of a library string, e.g. ``{index}``."""
    import string

    return Counter(
        f"{{{field}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
        for _, field, spec, conv in string.Formatter().parse(text)
        if field is not None
    )


def _message_pairs(message) -> list[tuple[str, str]]:
    """(source, translation) pairs of one message, plural forms included."""
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings)]


def catalog_problems(path: Path) -> list[str]:
    """Everything wrong in one catalog that ``msgfmt -c`` or the build would trip over.

    Pure Python (Babel), so no system gettext is needed: the file parses strictly; its
    header names a charset and valid plural forms; it compiles to a ``.mo`` that Python's
    :mod:`gettext` loads; no msgid appears twice; Babel's checkers (``%`` placeholders,
    plural counts) pass; a msgstr begins and ends with a newline exactly when its msgid
    does; ``{...}`` placeholders of library strings and every MyST role, link target,
    math span and inline code of a page string survive in the translation.
    Untranslated and fuzzy entries are not checked here (see :func:`catalog_counts`).
    """
    import gettext
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError

    name = _shown(path)
    problems = _syntax_problems(path)
    try:
        catalog = read_catalog(path)
    except (PoFileError, ValueError, UnicodeDecodeError) as error:
        return [*problems, f"{name}: does not parse: {error}"]
    if problems:
        return problems
    if (catalog.charset or "").lower() != "utf-8":
        problems.append(f"{name}: the header must declare charset=utf-8, not {catalog.charset!r}")
    try:
        catalog.plural_expr  # noqa: B018 (validates the Plural-Forms header)
    except Exception as error:  # babel raises several types here
        problems.append(f"{name}: invalid Plural-Forms header: {error}")
    problems += [
        f"{name}: msgid {msgid!r} appears {n} times" for msgid, n in _duplicate_msgids(path).items()
    ]
    mo = io.BytesIO()
    try:
        write_mo(mo, catalog, use_fuzzy=False)
        mo.seek(0)
        gettext.GNUTranslations(mo)
    except Exception as error:
        problems.append(f"{name}: does not compile to a .mo file: {error}")
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"{name}:{message.lineno}: {error}")
    library = path.stem == DOMAIN
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        for source, text in _message_pairs(message):
            if not text:
                continue
            where = f"{name}:{message.lineno}"
            for edge, test in (("begin", str.startswith), ("end", str.endswith)):
                if test(source, "\n") != test(text, "\n"):
                    problems.append(
                        f"{where}: msgid and msgstr must both {edge} with a "
                        f"newline or neither: {source[:60]!r}"
                    )
            if library or ("python-brace-format" in message.flags and "{glue" not in source):
                try:
                    want, have = brace_fields(source), brace_fields(text)
                except ValueError as error:
                    problems.append(f"{where}: bad {{...}} placeholder: {error}")
                    continue
                if want != have:
                    problems.append(
                        f"{where}: placeholders {sorted(want)} in the msgid but "
                        f"{sorted(have)} in the msgstr"
                    )
            if not library:
                want, have = markup_tokens(source), markup_tokens(text)
                if want != have:
                    lost = sorted((want - have).elements())
                    extra = sorted((have - want).elements())
                    detail = "; ".join(
                        part
                        for part in (lost and f"missing {lost}", extra and f"extra {extra}")
                        if part
                    )
                    problems.append(
                        f"{where}: the translation must keep every role, link "
                        f"target, math and code of the msgid ({detail}) in "
                        f"{source[:60]!r}"
                    )
    return problems


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(rf"^(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?{_PO_STRING}$")


def _syntax_problems(path: Path) -> list[str]:
    """Lines that are neither comments nor well-formed keyword or string lines.

    Babel forgives an unterminated string (it drops the translation); ``msgfmt`` does not.
    """
    problems = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        return [f"{_shown(path)}: does not parse: not UTF-8 ({error})"]
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text.startswith("#~"):
            text = text[2:].strip()
        elif text.startswith("#"):
            continue
        if text and not _PO_LINE.match(text):
            problems.append(f"{_shown(path)}:{number}: does not parse: {line!r}")
    return problems


def _duplicate_msgids(path: Path) -> Counter:
    """Msgids (with their context) defined more than once; Babel would silently keep one."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import PoFileParser

    seen: Counter = Counter()

    class _Counting(PoFileParser):
        def _add_message(self) -> None:
            if not self.obsolete and self.messages:
                context = self.context.denormalize() if self.context else None
                seen[(self.messages[0].denormalize(), context)] += 1
            super()._add_message()

    parser = _Counting(Catalog(), ignore_obsolete=True)
    with path.open("rb") as handle:
        parser.parse(handle)
    return Counter({msgid: n for (msgid, _), n in seen.items() if n > 1})


def incomplete_entries(path: Path) -> list[str]:
    """Untranslated and fuzzy entries of one catalog, as readable lines."""
    name = _shown(path)
    lines = []
    for message in read_catalog(path):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            lines.append(f"{name}:{message.lineno}: fuzzy: {source[:70]!r}")
        elif not _is_translated(message):
            lines.append(f"{name}:{message.lineno}: untranslated: {source[:70]!r}")
    return lines


def msgids(path: Path) -> set[tuple[str, str | None]]:
    """The live (not obsolete) messages of a ``.po`` or ``.pot`` file: (msgid, msgctxt)."""
    return {
        (message.id if isinstance(message.id, str) else message.id[0], message.context)
        for message in read_catalog(path)
        if message.id
    }


def stale_catalogs(pot_dir: Path, lang: str = "zh_CN", locale: Path = LOCALE) -> list[str]:
    """Catalogs whose messages differ from freshly extracted templates in ``pot_dir``.

    Compares msgids, not file times (git keeps no times): a page whose paragraph changed
    after the last ``make update-po`` yields a template msgid the catalog lacks.
    Returns one line per catalog that is out of date, missing or left over.
    """
    po_dir = locale / lang / "LC_MESSAGES"
    problems = []
    templates = {pot.stem: pot for pot in pot_dir.glob("*.pot") if pot.stem not in UNMERGED}
    for stem, pot in sorted(templates.items()):
        po = po_dir / f"{stem}.po"
        if not po.is_file():
            problems.append(f"{_shown(po)} does not exist yet")
            continue
        want, have = msgids(pot), msgids(po)
        if want != have:
            problems.append(
                f"{_shown(po)} is out of date: {len(want - have)} new or changed "
                f"source strings, {len(have - want)} that the source no longer has"
            )
    for po in sorted(po_dir.glob("*.po")):
        if po.stem not in templates:
            problems.append(f"{_shown(po)} has no source page any more (delete it)")
    return problems


STALE_ADVICE = (
    "the sources changed since the catalogs were last updated: run `make update-po`, "
    "translate the new and fuzzy entries under locale/zh_CN/LC_MESSAGES/, and commit them"
)


def check(build_dir: Path) -> int:
    """Report every catalog problem: syntax, placeholders, markup, completeness, freshness."""
    code = build_gettext(build_dir)
    if code:
        return code
    problems = []
    for lang in TRANSLATED_LANGUAGES:
        for po in catalog_paths(lang):
            problems += catalog_problems(po)
            problems += incomplete_entries(po)
        stale = stale_catalogs(build_dir / "gettext", lang)
        if stale:
            problems += [*stale, STALE_ADVICE]
    for line in problems:
        print(line)
    print(
        "the catalogs are complete, valid and up to date"
        if not problems
        else f"{len(problems)} problems"
    )
    return 1 if problems else 0


# -- Read the Docs ----------------------------------------------------------------------------


def sphinx_language(code: str) -> str:
    """Sphinx's language name for a Read the Docs language code (``zh-cn`` -> ``zh_CN``)."""
    normal = code.strip().replace("-", "_").lower()
    for lang in LANGUAGES:
        if lang.lower() == normal:
            return lang
    raise ValueError(f"lossnotes is not published in {code!r}; it has {', '.join(LANGUAGES)}")


def readthedocs(build_dir: Path) -> int:
    """Build the edition of this Read the Docs project into ``$READTHEDOCS_OUTPUT/html``.

    Read the Docs hosts the two editions as two projects, the Chinese one linked to the
    English one as its translation; each builds only its own language, named by
    ``$READTHEDOCS_LANGUAGE``. Doctrees and the execution cache go under
    ``build_dir/readthedocs``.
    """
    lang = sphinx_language(os.environ.get("READTHEDOCS_LANGUAGE", "en"))
    output = Path(os.environ.get("READTHEDOCS_OUTPUT", ROOT / "_readthedocs")) / "html"
    doctrees = build_dir / "readthedocs" / "doctrees" / lang
    cmd = sphinx_command("html", lang, output, doctrees)
    seed_mystnb_css(output)
    code = subprocess.run(cmd, cwd=ROOT, env=build_environment()).returncode
    if not code:
        stable_notebook_ids(output)
        print(f"built {lang} into {output}")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", choices=["html", "gettext", "update-po", "stats", "check", "readthedocs"]
    )
    parser.add_argument("--build-dir", type=Path, default=ROOT / "_build")
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument(
        "--catalogs",
        nargs="+",
        default=[],
        help="update-po: only these catalogs (e.g. experiment lossnotes)",
    )
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    if args.command == "html":
        return build_html(build_dir, args.languages)
    if args.command == "gettext":
        return build_gettext(build_dir)
    if args.command == "update-po":
        return update_po(build_dir, args.catalogs)
    if args.command == "check":
        return check(build_dir)
    if args.command == "readthedocs":
        return readthedocs(build_dir)
    return stats()


if __name__ == "__main__":
    sys.exit(main())
