"""MathJax from the site itself, never from another host.

MathJax 3 is copied from the ``django-static-mathjax`` package (plain static files,
Apache-2.0, from PyPI) into each edition's ``_static/mathjax``; conf.py points
``mathjax_path`` at it.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Parts of MathJax's es5 tree the site serves: the TeX-to-CHTML component, its
#: fonts, and what it loads on demand (TeX extensions, the menu, accessibility).
MATHJAX_COMPONENT = "tex-chtml.js"
MATHJAX_PARTS = (
    MATHJAX_COMPONENT,
    "input/tex/extensions",
    "output/chtml/fonts/woff-v2",
    "ui",
    "a11y",
    "sre",
)


def mathjax_source() -> Path:
    """The es5 folder of the MathJax copy that the django-static-mathjax package ships."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise ExtensionError("MathJax files not found: pip install -e '.[docs]'")
    for location in spec.submodule_search_locations:
        es5 = Path(location) / "static" / "mathjax" / "es5"
        if (es5 / MATHJAX_COMPONENT).is_file():
            return es5
    raise ExtensionError(f"the mathjax package holds no es5/{MATHJAX_COMPONENT}")


def _copy_mathjax(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    stamp = target / ".source"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == str(source):
        return
    logger.info("copying MathJax from %s", source)
    shutil.rmtree(target, ignore_errors=True)
    for part in MATHJAX_PARTS:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target / part)
    stamp.write_text(str(source), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _copy_mathjax)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
