"""The theme's stylesheets as one file that holds only the rules the site uses.

Every page's head links five stylesheets of the theme and its companions: the basic theme's
(through an ``@import``, one request after another), pydata-sphinx-theme's (Bootstrap 5
whole), Pygments', sphinx-book-theme's and myst-nb's. Together they are 464 KB (79 KB
gzipped), mostly rules that match nothing on the site; each byte is downloaded and parsed
before the first paint, and every element is matched against every rule, again at each
relayout. The one file written instead holds 137 KB (25 KB gzipped), and every element of
every page, in both widths and schemes, is styled exactly as before (computed styles
compared element by element, 2026-12-01).

After an edition is written (``build-finished``, after ``lossnotes_pages`` has written the
site's own small stylesheets into the pages), this extension:

1. reads the run of stylesheets that the pages link, in their order (all pages link the
   same run), with an ``@import`` of a local file resolved in place and each ``url()``
   rebased;
2. removes every rule that matches nothing in the edition's pages and scripts, with
   PurgeCSS (``purge_styles.js``; the npm package pinned in package-lock.json);
3. writes the rest to ``_static/theme.<digest>.css``, named by its content so that a
   browser never keeps a stale copy, and links it from every page in place of the run;
4. removes the original files, which no page requests any more.

An incremental build writes only some pages, and Sphinx copies the theme's files afresh:
the steps run again over every page, so the result is the same as a full build's. Nothing
needs configuring; a project whose pages link no local stylesheet is left as it is.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import posixpath
import re
import subprocess
from pathlib import Path
from typing import Any

from lossnotes_node import ROOT, node_for
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "purge_styles.js"

#: A ``<link rel="stylesheet">`` to a file of the edition: group 1 is the path up to and
#: including ``_static/``, group 2 the file's path under it (its query dropped).
_LINK = re.compile(
    r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"?]*?_static/)([^"?]+\.css)(?:\?[^"]*)?"'
    r"[^>]*>"
)
#: The file written by an earlier build.
BUNDLE = re.compile(r"theme\.[0-9a-f]{12}\.css")
#: Its first line names the files it was made from (an incremental build that writes no
#: page still knows them).
_SOURCES = re.compile(r"\A(?:@charset[^;]*;\n)?/\* lossnotes theme stylesheets: (.*?) \*/\n")
_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*(["']?)([^"')\s]+)\1\s*\)?\s*;""")
_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^"'()\s]+))\s*\)""")
_CHARSET = re.compile(r'@charset\s+"[^"]*"\s*;\s*', re.I)


def linked_run(text: str, page: str) -> tuple[int, int, str, list[str]] | None:
    """Where the page's head links its stylesheets: start and end of the run of ``<link>``
    elements, the path to ``_static/``, and the linked files in order; ``None`` where the
    page links none.

    Raises
    ------
    ExtensionError
        If something other than white space stands between two of the links: one file in
        their place would change the order of the cascade.
    """
    head = text[: text.find("</head>")]
    links = list(_LINK.finditer(head))
    if not links:
        return None
    for before, after in itertools.pairwise(links):
        if head[before.end() : after.start()].strip():
            raise ExtensionError(
                f"{page}: its stylesheets are not linked one after another "
                f"({before.group(2)}, then {after.group(2)}), so they cannot become one file"
            )
    return links[0].start(), links[-1].end(), links[0].group(1), [m.group(2) for m in links]


def read_stylesheet(
    static: Path, name: str, seen: frozenset[str] = frozenset(), read: set[str] | None = None
) -> str:
    """The stylesheet ``_static/name`` with its local ``@import`` rules resolved in place and
    every relative ``url()`` rebased onto ``_static/``, where the bundle is written; ``read``,
    if given, collects the name of each file read."""
    if name in seen:
        raise ExtensionError(f"stylesheet {name} imports itself")
    folder = posixpath.dirname(name)

    def rebase(target: str) -> str:
        if re.match(r"(?:[a-z][a-z0-9+.-]*:|/|#)", target, re.I):
            return target  # data:, an address, an absolute path or a fragment
        return posixpath.normpath(posixpath.join(folder, target))

    def imported(match: re.Match[str]) -> str:
        target = rebase(match.group(2))
        if not (static / target).is_file():
            raise ExtensionError(f"stylesheet {name} imports {target}, which is not in _static")
        return read_stylesheet(static, target, seen | {name}, read)

    text = (static / name).read_text(encoding="utf-8")
    if read is not None:
        read.add(name)
    text = _CHARSET.sub("", text)
    text = _IMPORT.sub(imported, text)

    def url(match: re.Match[str]) -> str:
        target = next(group for group in match.groups() if group is not None)
        rebased = rebase(target)
        return match.group(0) if rebased == target else f'url("{rebased}")'

    return _URL.sub(url, text)


def purge(css: str, content: list[Path]) -> str:
    """``css`` without the rules that match nothing in ``content`` (PurgeCSS, in Node.js)."""
    node = node_for("purgecss", "the theme's stylesheets are trimmed by PurgeCSS")
    request = json.dumps({"css": css, "content": [str(path) for path in content]})
    done = subprocess.run(
        [node, str(SCRIPT)],
        input=request,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise ExtensionError(f"{SCRIPT.name} failed: {done.stderr.strip()}")
    return done.stdout


def bundle_edition(outdir: Path) -> Path | None:
    """Steps 1-4 of the module's docstring on the written edition in ``outdir``; the bundle
    written, or ``None`` where no page links a local stylesheet."""
    static = outdir / "_static"
    pages = sorted(
        page
        for page in outdir.rglob("*.html")
        if not page.relative_to(outdir).parts[0].startswith("_")
    )
    runs: dict[Path, tuple[int, int, str, list[str]]] = {}
    for page in pages:
        run = linked_run(page.read_text(encoding="utf-8"), page.relative_to(outdir).as_posix())
        if run is not None:
            runs[page] = run
    if not runs:
        return None
    sources = {tuple(run[3]) for run in runs.values() if not BUNDLE.fullmatch(run[3][0])}
    old_bundles = sorted(static.glob("theme.*.css"))
    old_bundles = [path for path in old_bundles if BUNDLE.fullmatch(path.name)]
    if not sources and old_bundles:  # no page written afresh: the files of the last bundle
        recorded = _SOURCES.match(old_bundles[0].read_text(encoding="utf-8"))
        if recorded is not None:
            sources = {tuple(recorded.group(1).split(", "))}
    if len(sources) != 1:
        raise ExtensionError(
            f"the pages link different stylesheets ({sorted(sources)}); they can be made one "
            "file only when every page links the same ones"
        )
    (names,) = sources
    if not all((static / name).is_file() for name in names):
        if len(old_bundles) == 1 and all(BUNDLE.fullmatch(run[3][0]) for run in runs.values()):
            return old_bundles[0]  # bundled already, and nothing copied afresh since
        missing = [name for name in names if not (static / name).is_file()]
        raise ExtensionError(f"the pages link stylesheets that are not in _static: {missing}")
    read: set[str] = set()
    css = "\n".join(read_stylesheet(static, name, read=read) for name in names)
    content = [*pages, *sorted(static.rglob("*.js"))]
    kept = purge(css, content).strip() + "\n"
    header = f"/* lossnotes theme stylesheets: {', '.join(names)} */\n"
    # @charset counts only as the file's first bytes; the header comes after it.
    body = ("" if kept.isascii() else '@charset "UTF-8";\n') + header + kept
    name = f"theme.{hashlib.sha256(body.encode('utf-8')).hexdigest()[:12]}.css"
    (static / name).write_text(body, encoding="utf-8")
    for page, (start, end, prefix, _names) in runs.items():
        text = page.read_text(encoding="utf-8")
        link = f'<link rel="stylesheet" href="{prefix}{name}" />'
        if text[start:end] != link:
            page.write_text(text[:start] + link + text[end:], encoding="utf-8")
    for old in old_bundles:
        if old.name != name:
            old.unlink()
    for source in sorted(read):  # the linked files and those they import
        (static / source).unlink(missing_ok=True)
        folder = (static / source).parent
        if folder != static and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return static / name


def _bundle(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        bundle_edition(Path(app.outdir))


def setup(app: Sphinx) -> dict[str, Any]:
    # After lossnotes_pages (priority 900), which writes the site's own stylesheets inline.
    app.connect("build-finished", _bundle, priority=950)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
