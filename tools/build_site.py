"""Build, extract and count the lossnotes site's editions.

Used by the Makefile and by the tests, so both build the site the same way::

    python tools/build_site.py html [--build-dir _build] [--languages en zh_CN]
    python tools/build_site.py gettext
    python tools/build_site.py update-po
    python tools/build_site.py stats
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "zh_CN")
SPHINX_OPTIONS = ("-W", "--keep-going", "-n", "-q")
LOCALE = ROOT / "locale"
DOMAIN = "lossnotes"


def build_environment() -> dict[str, str]:
    """The environment of a build: reproducible timestamps unless the caller chose one."""
    env = dict(os.environ)
    if "SOURCE_DATE_EPOCH" not in env:
        try:
            stamp = subprocess.run(
                ["git", "log", "-1", "--format=%ct"],
                cwd=ROOT, capture_output=True, text=True, check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            stamp = ""
        env["SOURCE_DATE_EPOCH"] = stamp or "0"
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def sphinx_command(builder: str, lang: str, outdir: Path, doctrees: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "sphinx", "-b", builder, "-c", str(ROOT),
        *SPHINX_OPTIONS, "-D", f"language={lang}", "-d", str(doctrees), *extra,
        str(ROOT / "docs"), str(outdir),
    ]


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


def build_html(build_dir: Path, languages: Sequence[str] = LANGUAGES) -> int:
    """Build every edition, in parallel, into ``build_dir/html/<lang>``; return an exit status."""
    env = build_environment()
    jobs = []
    for lang in languages:
        log = tempfile.TemporaryFile(mode="w+")
        cmd = sphinx_command(
            "html", lang, build_dir / "html" / lang, build_dir / "doctrees" / lang
        )
        jobs.append((lang, log, subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)))
    status = 0
    for lang, log, proc in jobs:
        code = proc.wait()
        log.seek(0)
        output = log.read()
        log.close()
        if output.strip():
            sys.stdout.write(f"--- {lang} ---\n{output}")
        if code:
            sys.stderr.write(f"the {lang} edition failed to build (exit status {code})\n")
            status = code
    (build_dir / "html").mkdir(parents=True, exist_ok=True)
    (build_dir / "html" / "index.html").write_text(REDIRECT, encoding="utf-8")
    if not status:
        print(f"built {', '.join(languages)} into {build_dir / 'html'}")
    return status


def extract_library_messages(pot_dir: Path) -> Path:
    """Write the library's own strings (figures, tables, command line) to ``lossnotes.pot``."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    catalog = Catalog(project="lossnotes", domain=DOMAIN, charset="utf-8")
    source = ROOT / "src" / "lossnotes"
    for filename, lineno, message, comments, context in extract_from_dir(
        str(source), method_map=[("**.py", "python")], keywords={"_": None}
    ):
        catalog.add(message, locations=[(f"src/lossnotes/{filename}", lineno)],
                    auto_comments=comments, context=context)
    pot_dir.mkdir(parents=True, exist_ok=True)
    path = pot_dir / f"{DOMAIN}.pot"
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=100)
    return path


def build_gettext(build_dir: Path) -> int:
    """Extract every translatable string into ``build_dir/gettext/*.pot``."""
    pot_dir = build_dir / "gettext"
    # The notebooks run (from the English edition's execution cache): a {glue:figure}
    # caption exists only once its figure does. conf.py keeps cell outputs out of the catalogs.
    cmd = sphinx_command("gettext", "en", pot_dir, build_dir / "doctrees" / "gettext")
    code = subprocess.run(cmd, cwd=ROOT, env=build_environment()).returncode
    if code:
        return code
    extract_library_messages(pot_dir)
    print(f"wrote the templates to {pot_dir}")
    return 0


def update_po(build_dir: Path, catalogs: Sequence[str] = ()) -> int:
    """Merge the templates into ``locale/<lang>/LC_MESSAGES/*.po`` (sphinx-intl).

    With ``catalogs`` (names such as ``experiment`` or ``lossnotes``), only those
    catalogs are updated.
    """
    pot_dir = build_dir / "gettext"
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
            sys.executable, "-m", "sphinx_intl", "update",
            "-p", str(pot_dir), "-d", str(LOCALE),
            *(arg for lang in LANGUAGES if lang != "en" for arg in ("-l", lang)),
        ]
        return subprocess.run(cmd, cwd=ROOT).returncode


def catalog_counts(path: Path) -> tuple[int, int, int]:
    """(translated, untranslated, fuzzy) entries of one ``.po`` file; fuzzy ones apart."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    translated = untranslated = fuzzy = 0
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy += 1
        elif message.string:
            translated += 1
        else:
            untranslated += 1
    return translated, untranslated, fuzzy


def stats() -> int:
    """Print translated / untranslated / fuzzy entries per catalog and in total."""
    totals = [0, 0, 0]
    for po in sorted(LOCALE.rglob("*.po")):
        counts = catalog_counts(po)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        print(f"{po.relative_to(ROOT)}: {counts[0]} translated, "
              f"{counts[1]} untranslated, {counts[2]} fuzzy")
    print(f"total: {totals[0]} translated, {totals[1]} untranslated, {totals[2]} fuzzy")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["html", "gettext", "update-po", "stats"])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "_build")
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument("--catalogs", nargs="+", default=[],
                        help="update-po: only these catalogs (e.g. experiment lossnotes)")
    args = parser.parse_args(argv)
    build_dir = args.build_dir.resolve()
    if args.command == "html":
        return build_html(build_dir, args.languages)
    if args.command == "gettext":
        return build_gettext(build_dir)
    if args.command == "update-po":
        return update_po(build_dir, args.catalogs)
    return stats()


if __name__ == "__main__":
    sys.exit(main())
