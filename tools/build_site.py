"""Build, extract, check and count the lossnotes site's editions.

Used by the Makefile and by the tests, so both build the site the same way::

    python tools/build_site.py html [--build-dir _build] [--languages en zh_CN]
    python tools/build_site.py gettext           # templates into _build/gettext/*.pot
    python tools/build_site.py update-po         # merge them into locale/zh_CN/LC_MESSAGES/*.po
    python tools/build_site.py stats             # translated / untranslated / fuzzy per catalog
    python tools/build_site.py check             # catalogs complete, valid and up to date
    python tools/build_site.py validate          # catalogs well formed (GNU msgfmt -c)
    python tools/build_site.py readthedocs       # one edition, as Read the Docs builds it

Every command that reads the catalogs validates them first (:mod:`validation`): a
malformed catalog stops it with exit status 1 and one ``path:line: what is wrong`` line per
problem. ``--locale`` points the catalog commands at another ``locale`` folder.

The work is done in modules beside this one: :mod:`builds` (Sphinx builds and template
extraction), :mod:`catalogs` (the ``.po`` files), :mod:`validation` (are they well formed),
:mod:`markup` (what a translation keeps), :mod:`project` (paths and languages).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from builds import build_environment, build_gettext, build_html, readthedocs, sphinx_command
from catalogs import check, stats, update_po
from project import LANGUAGES, LOCALE, ROOT, all_catalogs
from validation import validate

__all__ = [
    "LANGUAGES",
    "ROOT",
    "build_environment",
    "build_gettext",
    "build_html",
    "main",
    "sphinx_command",
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command",
        choices=["html", "gettext", "update-po", "stats", "check", "validate", "readthedocs"],
    )
    parser.add_argument("--build-dir", type=Path, default=ROOT / "_build")
    parser.add_argument(
        "--locale", type=Path, default=LOCALE, help="the catalogs' folder (default: locale)"
    )
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument(
        "--catalogs",
        nargs="+",
        default=[],
        help="update-po: only these catalogs (e.g. experiment lossnotes)",
    )
    args = parser.parse_args(argv)
    build_dir, locale = args.build_dir.resolve(), args.locale.resolve()
    if args.command == "html":
        return build_html(build_dir, args.languages, locale)
    if args.command == "gettext":
        return build_gettext(build_dir, locale=locale)
    if args.command == "update-po":
        return update_po(build_dir, args.catalogs, locale)
    if args.command == "check":
        return check(build_dir, locale)
    if args.command == "validate":
        return validate(all_catalogs(locale))
    if args.command == "readthedocs":
        return readthedocs(build_dir)
    return stats(locale)


if __name__ == "__main__":
    sys.exit(main())
