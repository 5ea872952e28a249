"""Is a catalog well formed? GNU ``msgfmt -c`` decides, and Sphinx's reader must agree.

Every command that reads the catalogs (``make html``, ``test``, ``gettext``, ``update-po``,
``stats``, ``check-po``) first runs :func:`validate`. A catalog is well formed when

* GNU gettext's ``msgfmt --check`` accepts it (syntax, escapes, duplicates, header, plural
  forms, format strings, newlines at both ends), and
* Babel, which Sphinx reads catalogs with, reads it strictly and understands its charset
  (``msgfmt`` only warns about an unknown charset, and accepts a header line without ``\\n``
  that Babel cannot parse).

Problems are reported one per line as ``path:line: what is wrong``, the form editors and CI
annotate. Without GNU gettext (``apt-get install gettext``), a Python approximation checks
the same kinds of mistakes less thoroughly, and says so; with ``CI`` set, a missing
``msgfmt`` is itself an error.
"""

from __future__ import annotations

import codecs
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

from project import shown

#: ``file:line:column: message`` or ``file:line: message``, as msgfmt prints its errors.
_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?:(?P<column>\d+):)? (?P<message>.*)$")
#: msgfmt's closing count, not a problem of its own.
_SUMMARY = re.compile(r"^msgfmt: found \d+ fatal errors?$")


def msgfmt_path() -> str | None:
    """The ``msgfmt`` program of GNU gettext, or None when it is not installed."""
    return shutil.which("msgfmt")


def msgfmt_problems(path: Path, msgfmt: str = "msgfmt") -> list[str]:
    """What ``msgfmt --check`` rejects in one catalog, as ``path:line: what is wrong`` lines.

    msgfmt's warnings (a header field left at its template value, say) are not problems;
    its errors are, reworded only where msgfmt spreads one error over two lines.
    """
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANGUAGE": ""}
    result = subprocess.run(
        [msgfmt, "--check", "-o", os.devnull, os.fspath(path)],
        capture_output=True,
        env=env,
    )
    if result.returncode == 0:
        return []
    name = shown(path)
    output = result.stderr.decode("utf-8", errors="replace").replace(os.fspath(path), "\0")
    located: list[tuple[int, str]] = []
    unlocated: list[str] = []
    for raw in output.splitlines():
        line = raw.strip()
        if not line or _SUMMARY.match(line):
            continue
        match = _LOCATED.match(line)
        if match and match["file"] == "\0":
            message = match["message"]
            if message.startswith("warning: "):
                continue
            if match["column"]:
                message += f" (column {match['column']})"
            located.append((int(match["line"]), message))
        elif "warning:" not in line or not located:
            unlocated.append(line.replace("msgfmt: ", "").replace("\0: ", "").replace("\0", ""))
    problems = [f"{name}:{number}: {message}" for number, message in _joined(located)]
    if not problems:  # an error msgfmt reports without a line: the header, usually
        detail = "; ".join(part.removeprefix("warning: ") for part in unlocated)
        problems.append(f"{name}:1: {detail or 'rejected by msgfmt --check'}")
    return problems


def _joined(located: list[tuple[int, str]]) -> Iterable[tuple[int, str]]:
    """Merge msgfmt's two-line errors (``first...`` then ``...second``) into one line each."""
    pending: tuple[int, str] | None = None
    for number, message in located:
        if pending is not None and message.startswith("..."):
            first_line, first = pending
            pending = None
            second = message.removeprefix("...")
            if first.startswith("duplicate message definition"):
                yield (
                    first_line,
                    f"duplicate message definition (the first is on line {number})",
                )
            else:
                yield number, f"{second} (line {first_line}: {first.removesuffix('...')})"
            continue
        if pending is not None:
            yield pending
            pending = None
        if message.endswith("..."):
            pending = (number, message)
        else:
            yield number, message
    if pending is not None:
        yield pending


def reader_problems(path: Path) -> list[str]:
    """Where Babel, Sphinx's reader, would read a catalog msgfmt accepts otherwise, or not at all.

    Four cases, each rejected although msgfmt accepts it, because the edition built from the
    file (and ``make update-po``, which rewrites it) would differ from what msgfmt reads:
    a header field without its closing ``\\n`` (Babel cannot parse the header); a charset
    other than UTF-8 (an unknown one stops Babel; a known one such as ISO-8859-1 turns the
    Chinese of a UTF-8 file into mojibake; the catalogs are UTF-8); an escape that gettext
    knows but Babel keeps as typed (``\\101``, ``\\x41``, ``\\a``, ``\\b``, ``\\f``,
    ``\\v``); anything else Babel's strict reader refuses.
    """
    from babel.messages.pofile import PoFileError, read_po

    name = shown(path)
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    problems = []
    for number, field in _header_fields(lines):
        if not field.endswith("\\n"):
            problems.append(f'{name}:{number}: the header field "{field}" must end with \\n')
        charset = re.search(r"charset=([^\s;\\]+)", field) if "Content-Type" in field else None
        if charset and charset.group(1).lower() != "utf-8":
            problems.append(
                f"{name}:{number}: the catalogs are UTF-8: declare charset=UTF-8, "
                f"not {charset.group(1)} (and save the file as UTF-8)"
            )
    for number, line in enumerate(lines, start=1):
        body = line.strip()
        if body.startswith("#") and not body.startswith("#~"):
            continue
        for match in _READ_AS_TYPED.finditer(body):
            problems.append(
                f"{name}:{number}: the escape {match.group(1)} is valid gettext, but Sphinx's "
                "catalog reader would show it as typed: write the character itself"
            )
    if problems:
        return problems
    try:
        with path.open("rb") as handle:
            read_po(handle, abort_invalid=True)
    except PoFileError as error:
        number = getattr(error, "lineno", 0) or 0
        text = re.sub(r" on \d+$", "", str(error))
        return [f"{name}:{number + 1}: Sphinx's catalog reader (Babel) cannot read this: {text}"]
    except (LookupError, UnicodeDecodeError) as error:
        return [f"{name}:{_header_line(path)}: Sphinx's catalog reader cannot decode it: {error}"]
    return []


#: Escapes that msgfmt reads but Babel (Sphinx's reader) leaves as typed.
_READ_AS_TYPED = re.compile(r"(?<!\\)(?:\\\\)*(\\(?:[abfv]|[0-7]{1,3}|x[0-9A-Fa-f]+))")


def _header_fields(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text between the quotes) of each string line of the header's msgstr."""
    fields = []
    for start, line in enumerate(lines):
        if line.strip() == 'msgid ""' and start + 1 < len(lines):
            if lines[start + 1].strip() != 'msgstr ""':
                return []
            for number in range(start + 2, len(lines)):
                body = lines[number].strip()
                if not body.startswith('"'):
                    break
                fields.append((number + 1, body[1:-1]))
            return fields
    return fields


def _header_line(path: Path) -> int:
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if b"Content-Type:" in line:
            return number
    return 1


def _line_of_offset(path: Path, offset: int) -> int:
    return path.read_bytes()[:offset].count(b"\n") + 1


#: What a PO string may escape, as msgfmt reads it.
_ESCAPE = re.compile(r'\\(?:[ntrabfv"\\]|[0-7]{1,3}|x[0-9A-Fa-f]+)')
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_KEYWORD = re.compile(r"^(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+(?=\")")


def approximate_problems(path: Path) -> list[str]:
    """A Python approximation of ``msgfmt --check``, for machines without GNU gettext.

    Checks that every line is a comment, a keyword with a string, or a string; that every
    string is closed on its line and escapes only what gettext can; that no entry is
    defined twice; and that Babel reads the file. It misses what only msgfmt's grammar and
    format checkers see (a comment inside an entry that Babel forgives, plural expressions).
    """
    name = shown(path)
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        return [f"{name}:1: syntax error (a byte order mark: save the file as UTF-8 without BOM)"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [f"{name}:{_line_of_offset(path, error.start)}: invalid multibyte sequence"]
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        body = line.rstrip("\r").strip()
        if body.startswith("#~"):
            body = body[2:].strip()
        elif body.startswith("#") or not body:
            continue
        rest = _KEYWORD.sub("", body, count=1)
        match = _STRING.fullmatch(rest)
        if match is None:
            what = "end-of-line within string" if rest.count('"') % 2 else "syntax error"
            problems.append(f"{name}:{number}: {what}")
            continue
        leftover = _ESCAPE.sub("", match.group(1))
        if "\\" in leftover:
            problems.append(f"{name}:{number}: invalid control sequence")
    if problems:
        return problems
    problems = reader_problems(path)
    if problems:
        return problems
    return [
        f"{name}:{line}: duplicate message definition (the first is on line {first})"
        for first, line in _duplicates(path)
    ]


def _duplicates(path: Path) -> list[tuple[int, int]]:
    """(first line, repeated line) of every entry defined twice, obsolete ones included."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import PoFileParser

    first: dict[tuple[str, str | None], int] = {}
    repeated: list[tuple[int, int]] = []

    class _Recording(PoFileParser):
        def _add_message(self) -> None:
            if self.messages:
                context = self.context.denormalize() if self.context else None
                key = (self.messages[0].denormalize(), context)
                if key in first:
                    repeated.append((first[key], self.offset + 1))
                else:
                    first[key] = self.offset + 1
            super()._add_message()

    with path.open("rb") as handle:
        _Recording(Catalog()).parse(handle)
    return repeated


def catalog_problems_of(path: Path, msgfmt: str | None) -> list[str]:
    """Every reason ``path`` is not a well-formed catalog; empty when it is."""
    if msgfmt is None:
        return approximate_problems(path)
    return msgfmt_problems(path, msgfmt) or reader_problems(path)


def validate(paths: Sequence[Path], *, stream=None) -> int:
    """Check ``paths`` in order; at the first malformed catalog print its problems, return 1.

    Returns 0 when every catalog is well formed. Nothing is printed then, except a notice
    when GNU gettext is missing (an error when the ``CI`` variable is set).
    """
    import sys

    stream = stream or sys.stderr
    msgfmt = msgfmt_path()
    if msgfmt is None:
        if os.environ.get("CI"):
            stream.write(
                "msgfmt (GNU gettext) is required to check the catalogs: apt-get install gettext\n"
            )
            return 1
        stream.write(
            "msgfmt (GNU gettext) not found: the catalogs get the approximate "
            "checks only; install gettext for the full ones\n"
        )
    for path in paths:
        problems = catalog_problems_of(Path(path), msgfmt)
        if problems:
            for line in problems:
                stream.write(line + "\n")
            return 1
    return 0
