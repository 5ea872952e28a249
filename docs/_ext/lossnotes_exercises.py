"""Exercises and solutions (sphinx-exercise): only the exercises are numbered; unique ids.

sphinx-exercise numbers exercises through Sphinx's ``numfig``, which it switches on for
every enumerable node: figures, tables and code blocks with a name would gain a "Fig. N"
prefix the site never had. After Sphinx assigns the numbers, only those of exercises are
kept. The full assignment is kept aside and restored before the next assignment, so that
Sphinx compares like with like and an unchanged project rewrites no page.

sphinx-exercise also wraps every exercise's and solution's content in a section with the same
id on every one of them (``exercise-content``, ``solution-content``); those ids are dropped, so
that each id of a page is unique (the exercise or solution itself keeps its label as its id).

sphinx-exercise copies its stylesheet only when the build has finished, after the pages that
link it were written; a first build would link it without its checksum and the next build with
it. Its folder is added to the static files, which Sphinx copies before it writes any page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

#: The enumerable node types that keep their numbers.
NUMBERED = frozenset({"exercise"})
#: The ids sphinx-exercise gives the content of every exercise and solution alike.
SHARED_IDS = frozenset({"exercise-content", "solution-content"})


def _restore_full_numbers(app: Sphinx, env: BuildEnvironment) -> list[str]:
    full = getattr(env, "lossnotes_full_fignumbers", None)
    if full is not None:
        env.toc_fignumbers = full
    return []


def _keep_exercise_numbers(app: Sphinx, env: BuildEnvironment) -> list[str]:
    env.lossnotes_full_fignumbers = env.toc_fignumbers  # type: ignore[attr-defined]
    env.toc_fignumbers = {
        docname: {kind: numbers for kind, numbers in kinds.items() if kind in NUMBERED}
        for docname, kinds in env.toc_fignumbers.items()
    }
    return []


def _drop_shared_ids(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for section in doctree.findall(nodes.section):
        if set(section["ids"]) & SHARED_IDS:
            section["ids"] = [i for i in section["ids"] if i not in SHARED_IDS]


def _static_stylesheet(app: Sphinx) -> None:
    import sphinx_exercise

    assets = Path(sphinx_exercise.__file__).parent / "assets" / "html"
    app.config.html_static_path.append(str(assets))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_exercise")
    # Sphinx's own TocTreeCollector assigns the numbers at the default priority (500).
    app.connect("env-get-updated", _restore_full_numbers, priority=100)
    app.connect("env-get-updated", _keep_exercise_numbers, priority=900)
    app.connect("doctree-resolved", _drop_shared_ids)
    app.connect("builder-inited", _static_stylesheet)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
