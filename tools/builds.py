"""Builds of the site: both HTML editions, the gettext templates, Read the Docs' edition.

Each runs ``sphinx-build`` with the project's options (warnings are errors, notebooks are
executed) and a reproducible environment, so ``make`` and the tests build the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from project import DOCS, DOMAIN, LANGUAGES, LOCALE, ROOT, all_catalogs
from validation import validate

SPHINX_OPTIONS = ("-W", "--keep-going", "-n", "-q")


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


#: The site's root page: it sends each reader to the edition in the browser's language.
REDIRECT = (DOCS / "_templates" / "root-index.html").read_text(encoding="utf-8")


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


def locale_options(locale: Path) -> tuple[str, ...]:
    """``sphinx-build`` options that read the catalogs from ``locale`` instead of conf.py's."""
    return () if locale == LOCALE else ("-D", f"locale_dirs={locale}")


def build_html(build_dir: Path, languages: Sequence[str] = LANGUAGES, locale: Path = LOCALE) -> int:
    """Build every edition, in parallel, into ``build_dir/html/<lang>``; return an exit status.

    The catalogs under ``locale`` are validated first: a malformed one stops the build.
    """
    if validate(all_catalogs(locale)):
        return 1
    env = build_environment()
    jobs = []
    for lang in languages:
        log = tempfile.TemporaryFile(mode="w+")
        cmd = sphinx_command(
            "html",
            lang,
            build_dir / "html" / lang,
            build_dir / "doctrees" / lang,
            *locale_options(locale),
        )
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
    _extract_site_messages(catalog)
    pot_dir.mkdir(parents=True, exist_ok=True)
    path = pot_dir / f"{DOMAIN}.pot"
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, width=100)
    return path


#: Build extensions whose wording (``N_``) belongs to the library catalog: the reader notebooks.
SITE_MESSAGE_FILES = ("docs/_ext/lossnotes_notebooks_reader.py",)


def _extract_site_messages(catalog) -> None:
    from babel.messages.extract import extract_from_file

    for name in SITE_MESSAGE_FILES:
        for lineno, message, comments, context in extract_from_file(
            "python", str(ROOT / name), keywords={"N_": None}
        ):
            catalog.add(
                message, locations=[(name, lineno)], auto_comments=comments, context=context
            )


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


def build_gettext(build_dir: Path, source: Path = DOCS, locale: Path = LOCALE) -> int:
    """Extract every translatable string into ``build_dir/gettext/*.pot``.

    ``source`` is the folder of pages (the tests point it at a temporary one). The catalogs
    under ``locale`` are validated first, as by every command that works on them.
    """
    if validate(all_catalogs(locale)):
        return 1
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
    if validate(all_catalogs()):
        return 1
    output = Path(os.environ.get("READTHEDOCS_OUTPUT", ROOT / "_readthedocs")) / "html"
    doctrees = build_dir / "readthedocs" / "doctrees" / lang
    cmd = sphinx_command("html", lang, output, doctrees)
    code = subprocess.run(cmd, cwd=ROOT, env=build_environment()).returncode
    if not code:
        stable_notebook_ids(output)
        print(f"built {lang} into {output}")
    return code
