"""Node.js while the site is built: the npm packages that ``npm ci`` installs.

Two build steps run in Node.js, with packages pinned in package-lock.json: MathJax typesets
the formulas (``lossnotes_math``) and PurgeCSS trims the theme's stylesheets
(``lossnotes_styles``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = ROOT / "node_modules"


def node_for(package: str, purpose: str) -> str:
    """The path of ``node``, once the npm package ``package`` is installed.

    Raises
    ------
    ExtensionError
        If Node.js or the package is missing; the message says what ``purpose`` needs
        them for and how to install both.
    """
    node = shutil.which("node")
    if node is None or not (NODE_MODULES / package / "package.json").is_file():
        raise ExtensionError(
            f"{purpose} in Node.js while the site is built: install Node.js with npm, then "
            f"run `npm ci` in the repository (`make html` does), which puts {package} in "
            f"{NODE_MODULES}"
        )
    return node
