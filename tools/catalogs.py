"""The translation catalogs: counts, checks, freshness, and merging new templates in.

Everything here reads or writes ``locale/<lang>/LC_MESSAGES/*.po``; the command line is
``tools/build_site.py`` (``make stats``, ``make check-po``, ``make update-po``).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from builds import build_gettext
from markup import brace_fields, markup_tokens
from project import DOMAIN, LOCALE, TRANSLATED_LANGUAGES, all_catalogs, catalog_paths
from project import shown as _shown
from validation import catalog_problems_of, msgfmt_path, validate

__all__ = ["catalog_paths"]

#: Templates that are not merged into catalogs: ``sphinx.pot`` holds the HTML templates'
#: interface strings, which Sphinx's and the theme's own catalogs translate.
UNMERGED = frozenset({"sphinx"})
#: The line width of the catalogs (sphinx-intl's, which made them first).
WIDTH = 76


def update_po(build_dir: Path, catalogs: Sequence[str] = (), locale: Path = LOCALE) -> int:
    """Merge the templates ``build_dir/gettext/*.pot`` into ``locale/<lang>/LC_MESSAGES/*.po``.

    As ``msgmerge`` does: a message whose msgid is unchanged keeps its translation; a
    changed one keeps its old translation, marked fuzzy; a message whose msgid left the
    sources stays in the file as an obsolete ``#~`` entry, and comes back if the msgid
    does. Every catalog is validated first (:func:`validation.validate`) and nothing is
    written if one is malformed; a merge that would lose a translation any other way is
    refused; each catalog is written atomically, and only if its bytes change.

    With ``catalogs`` (names such as ``experiment`` or ``lossnotes``), only those
    catalogs are updated. Returns an exit status.
    """
    pot_dir = build_dir / "gettext"
    if not catalogs:
        catalogs = sorted(pot.stem for pot in pot_dir.glob("*.pot") if pot.stem not in UNMERGED)
    missing = [name for name in catalogs if not (pot_dir / f"{name}.pot").is_file()]
    if missing:
        sys.stderr.write(f"no template for {', '.join(missing)} in {pot_dir}\n")
        return 2
    if validate(all_catalogs(locale)):
        return 1
    merged: list[tuple[Path, bytes, str]] = []
    for lang in TRANSLATED_LANGUAGES:
        for name in catalogs:
            po = locale / lang / "LC_MESSAGES" / f"{name}.po"
            try:
                data, summary = merge_catalog(po, pot_dir / f"{name}.pot", lang)
            except LostTranslation as error:
                sys.stderr.write(f"{error}\n")
                return 1
            if data is not None:
                merged.append((po, data, summary))
    for po, data, summary in merged:
        write_atomically(po, data)
        print(f"{summary}: {_shown(po)}")
    print(f"updated {len(merged)} of {len(catalogs) * len(TRANSLATED_LANGUAGES)} catalogs")
    return 0


class LostTranslation(Exception):
    """A merge would drop a translation whose msgid is still in the sources."""


def merge_catalog(po: Path, pot: Path, lang: str) -> tuple[bytes | None, str]:
    """The new bytes of ``po`` after merging ``pot`` in, or None if they would not change.

    Also returns a one-word summary: ``created``, ``updated`` (messages added or removed)
    or ``refreshed`` (only locations or flags changed). Raises :class:`LostTranslation`
    rather than return a catalog that lost a translation.
    """
    import io

    from babel.messages.pofile import write_po

    template = read_catalog(pot)
    if not po.is_file():
        template.locale = lang
        buffer = io.BytesIO()
        write_po(buffer, template, width=WIDTH)
        return buffer.getvalue(), "created"
    catalog = read_catalog(po)
    before = {_key(message): message for message in catalog if message.id}
    created = catalog.creation_date
    # An obsolete entry whose msgid is back in the sources is live again, translation and all.
    wanted = {_key(message) for message in template if message.id}
    for key in [key for key in catalog.obsolete if _key(catalog.obsolete[key]) in wanted]:
        message = catalog.obsolete.pop(key)
        if _key(message) not in before:
            catalog[message.id] = message
            before[_key(message)] = message
    catalog.update(template)
    # msgmerge keeps no obsolete twin of a live message (msgfmt rejects the pair).
    live = {_key(message) for message in catalog if message.id}
    for key in [key for key in catalog.obsolete if _key(catalog.obsolete[key]) in live]:
        del catalog.obsolete[key]
    if {_key(message) for message in catalog if message.id} == set(before):
        catalog.creation_date = created  # only locations or flags moved: keep the date
        summary = "refreshed"
    else:
        summary = "updated"
    _check_nothing_lost(po, before, catalog, wanted)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH)
    data = buffer.getvalue()
    return (None if data == po.read_bytes() else data), summary


def _key(message) -> tuple[str, str | None]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


def _check_nothing_lost(po: Path, before: dict, catalog, wanted: set) -> None:
    """Raise :class:`LostTranslation` unless every old translation survives the merge.

    A translated message whose msgid is still wanted keeps its translation; one whose
    msgid left the sources survives as an obsolete entry or as the fuzzy suggestion of
    the message that replaced it.
    """
    after = {_key(message): message for message in catalog if message.id}
    obsolete = {_key(message): message for message in catalog.obsolete.values()}
    suggested = [message.string for message in after.values() if message.fuzzy]
    for key, old in before.items():
        if not _is_translated(old) or old.fuzzy:
            continue
        if key in wanted:
            kept = key in after and after[key].string == old.string
        else:
            kept = (key in obsolete and obsolete[key].string == old.string) or (
                old.string in suggested
            )
        if not kept:
            raise LostTranslation(
                f"{_shown(po)}:{old.lineno}: the update would lose the translation of "
                f"{key[0][:60]!r}; nothing was written"
            )


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed over it.

    An interrupted update leaves either the old file or the new one, never half of one.
    """
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


def stats(locale: Path = LOCALE) -> int:
    """Print translated / untranslated / fuzzy entries per catalog and in total.

    Validates the catalogs first: a malformed one stops the count (exit status 1).
    """
    paths = all_catalogs(locale)
    if validate(paths):
        return 1
    totals = [0, 0, 0]
    rows = []
    for po in paths:
        counts = catalog_counts(po)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append((str(_shown(po)), *counts))
    rows.append(("total", *totals))
    width = max(len(row[0]) for row in rows)
    print(f"{'catalog':<{width}}  translated  untranslated  fuzzy  done")
    for name, done, todo, fuzzy in rows:
        total = done + todo + fuzzy
        share = f"{100 * done / total:.0f}%" if total else "-"
        print(f"{name:<{width}}  {done:>10}  {todo:>12}  {fuzzy:>5}  {share:>4}")
    return 0


def _message_pairs(message) -> list[tuple[str, str]]:
    """(source, translation) pairs of one message, plural forms included."""
    ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return [(ids[min(i, len(ids) - 1)], text) for i, text in enumerate(strings)]


def catalog_problems(path: Path) -> list[str]:
    """Everything wrong in one translated catalog, apart from missing translations.

    First whether it is well formed (:func:`validation.catalog_problems_of`: GNU
    ``msgfmt --check`` and Sphinx's reader); then the project's own rules: Babel's
    checkers (``%`` placeholders, plural counts) pass; a msgstr begins and ends with a
    newline exactly when its msgid does;
    ``{...}`` placeholders of library strings and every MyST role, link target, math span
    and inline code of a page string survive in the translation. Untranslated and fuzzy
    entries are not checked here (see :func:`incomplete_entries`).
    """
    problems = catalog_problems_of(path, msgfmt_path())
    if problems:
        return problems
    name = _shown(path)
    catalog = read_catalog(path)
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


def report(locale: Path = LOCALE) -> list[str]:
    """Every problem of the catalogs under ``locale`` short of freshness: one line each."""
    problems = []
    for po in all_catalogs(locale):
        problems += catalog_problems(po)
        problems += incomplete_entries(po)
    return problems


def check(build_dir: Path, locale: Path = LOCALE) -> int:
    """Report every catalog problem: syntax, placeholders, markup, completeness, freshness.

    A malformed catalog stops the check before anything is extracted (exit status 1).
    """
    if validate(all_catalogs(locale)):
        return 1
    code = build_gettext(build_dir, locale=locale)
    if code:
        return code
    problems = report(locale)
    for lang in TRANSLATED_LANGUAGES:
        stale = stale_catalogs(build_dir / "gettext", lang, locale)
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
