"""The Sphinx extensions under docs/_ext, piece by piece, without building the site."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

EXTENSIONS = Path(__file__).resolve().parent.parent / "docs" / "_ext"


def _extension(name: str):
    """A module of docs/_ext, imported as conf.py makes Sphinx import it."""
    if str(EXTENSIONS) not in sys.path:
        sys.path.insert(0, str(EXTENSIONS))
    return importlib.import_module(name)


def test_the_compatibility_module_refuses_other_versions(monkeypatch) -> None:
    from sphinx.errors import ExtensionError

    compat = _extension("lossnotes_compat")
    compat.check_pinned_versions()  # the versions pyproject.toml pins
    monkeypatch.setitem(compat.PINNED, "sphinx", "0.0.1")
    with pytest.raises(ExtensionError, match=r"written for sphinx 0\.0\.1, but sphinx 9\."):
        compat.check_pinned_versions()


def test_only_the_compatibility_module_touches_private_names() -> None:
    """Private APIs of Sphinx and myst-nb are used in lossnotes_compat.py and nowhere else."""
    import re

    private = re.compile(r"(?:sphinx|myst_nb)[\w.]*\._(?!_)\w|mystnb_config|IndexBuilder\.load")
    offenders = [
        path.name
        for path in sorted(EXTENSIONS.glob("*.py"))
        if path.name != "lossnotes_compat.py" and private.search(path.read_text(encoding="utf-8"))
    ]
    root = EXTENSIONS.parent.parent
    for path in (root / "conf.py", *sorted((root / "tools").glob("*.py"))):
        if private.search(path.read_text(encoding="utf-8")):
            offenders.append(path.name)
    assert not offenders


MYST = """\
# Page

```{code-cell} python
:tags: [edition, remove-cell]

lang = "en"
```

```{code-cell} python
---
tags: [edition]
---
from lossnotes.figures import loss_heatmaps
lang = 'en'  # the edition's language
```

```{code-cell} python
lang = "en"  # not tagged: left alone
```

````{code-cell} python
:tags: [hide-input]

text = '''
```
lang = "en"
```
'''
````
"""


def test_edition_cells_name_the_edition_language() -> None:
    glue = _extension("lossnotes_notebook_glue")
    text = glue.set_edition_language(MYST, "zh_CN")
    assert text.count('lang = "zh_CN"') == 2
    assert 'lang = "zh_CN"  # the edition\'s language' in text
    assert 'lang = "en"  # not tagged: left alone' in text
    assert text.count('lang = "en"') == 2  # the untagged cell and the string in a long fence
    assert glue.set_edition_language(MYST, "en") == MYST.replace("'en'", '"en"')


def test_library_digest_follows_the_library_and_its_catalog(tmp_path) -> None:
    glue = _extension("lossnotes_notebook_glue")
    (tmp_path / "src" / "lossnotes").mkdir(parents=True)
    (tmp_path / "locale" / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    module = tmp_path / "src" / "lossnotes" / "losses.py"
    catalog = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES" / "lossnotes.po"
    module.write_text("x = 1\n")
    catalog.write_text('msgid "a"\nmsgstr "甲"\n', encoding="utf-8")
    first = glue.library_digest(tmp_path)
    assert glue.library_digest(tmp_path) == first
    module.write_text("x = 2\n")
    second = glue.library_digest(tmp_path)
    catalog.write_text('msgid "a"\nmsgstr "乙"\n', encoding="utf-8")
    assert len({first, second, glue.library_digest(tmp_path)}) == 3


def test_an_edition_cell_must_assign_the_language() -> None:
    glue = _extension("lossnotes_notebook_glue")
    broken = "```{code-cell} python\n:tags: [edition]\n\nimport os\n```\n"
    with pytest.raises(glue.EditionCellError, match="assigns no language"):
        glue.set_edition_language(broken, "zh_CN")
