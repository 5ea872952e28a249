"""The Sphinx extensions under docs/_ext, piece by piece, without building the site."""

from __future__ import annotations

import importlib
import re
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


# -- Formulas typeset while the site is built (lossnotes_math) ------------------------------


def test_display_blocks_are_written_as_sphinx_writes_them() -> None:
    math = _extension("lossnotes_math")
    assert math.display_tex("a = b") == "a = b"
    assert math.display_tex(r"a = b \\ c = d") == r"\begin{split}a = b \\ c = d\end{split}"
    assert math.display_tex("a = b\n\nc = d\n\n") == (
        r"\begin{align}\begin{aligned}a = b\\c = d\end{aligned}\end{align}"
    )


@pytest.mark.build
def test_the_typesetter_returns_mathjax_markup_and_reports_tex_errors() -> None:
    math = _extension("lossnotes_math")
    typesetter = math.Typesetter()
    try:
        html, error = typesetter.typeset(r"\frac{\partial L}{\partial z_k} = p_k - y_k", True)
        assert error is None
        assert html.startswith('<mjx-container class="MathJax" jax="SVG" display="true"')
        # The stylesheet scales a display formula down to 45% of its width at most.
        (width,) = re.findall(r'width="([\d.]+)ex"', html)
        (least,) = re.findall(r"min-width: ([\d.]+)ex", html)
        assert float(least) == pytest.approx(0.45 * float(width), abs=1e-3)
        # The assistive MathML that screen readers read, with the formula's structure.
        assert "<mfrac><mrow><mi>∂</mi><mi>L</mi></mrow>" in html
        inline, _ = typesetter.typeset(r"-\log p_t", False)
        assert 'display="true"' not in inline and "<mo>−</mo>" in inline
        css, glyphs = typesetter.end_page()
        assert 'mjx-container[jax="SVG"]' in css
        # One outline per glyph used: the partial sign (U+1D715) once, though used twice.
        assert glyphs.startswith('<svg id="MJX-SVG-global-cache" style="display: none"')
        assert glyphs.count('<path id="MJX-TEX-I-1D715"') == 1
        assert html.count('xlink:href="#MJX-TEX-I-1D715"') == 2
        used = set(re.findall(r'xlink:href="#([^"]+)"', html + inline))
        assert used == set(re.findall(r'<path id="([^"]+)"', glyphs))
        assert "222B" not in glyphs  # no integral sign was typeset
        typesetter.typeset("x", False)
        assert "1D715" not in typesetter.end_page()[1]  # a new page starts afresh
        _, error = typesetter.typeset(r"\frac{a", False)
        assert error and "brace" in error.lower()
        _, error = typesetter.typeset(r"\notamacro x", False)
        assert error and "notamacro" in error
    finally:
        typesetter.close()
    assert typesetter.process.returncode == 0  # told to quit, it ended by itself


def _placements(svg: str) -> list[tuple[str, str, tuple[float, ...]]]:
    """Each drawn element of a formula's <svg> in painting order: its tag, its attributes
    other than ``transform``, and the affine map (a, d, e, f of x' = a x + e, y' = d y + f)
    that the ``transform`` lists of it and of all its groups compose to. A nested <svg>
    (a stretched delimiter) counts as one drawn element."""
    from xml.etree import ElementTree

    def parse(transform: str) -> tuple[float, float, float, float]:
        a, d, e, f = 1.0, 1.0, 0.0, 0.0
        for kind, args in re.findall(r"(translate|scale)\(([^)]*)\)", transform or ""):
            values = [float(v) for v in re.split(r"[\s,]+", args.strip())]
            if kind == "translate":
                tx, ty = values[0], values[1] if len(values) > 1 else 0.0
                e, f = e + a * tx, f + d * ty
            else:
                sx, sy = values[0], values[1] if len(values) > 1 else values[0]
                a, d = a * sx, d * sy
        assert not re.sub(r"(translate|scale)\([^)]*\)|\s", "", transform or "")
        return a, d, e, f

    def walk(node, outer, found) -> None:
        for child in node:
            a0, d0, e0, f0 = outer
            a1, d1, e1, f1 = parse(child.get("transform"))
            placed = (a0 * a1, d0 * d1, e0 + a0 * e1, f0 + d0 * f1)
            tag = child.tag.split("}")[-1]
            if tag == "g":
                walk(child, placed, found)
            else:
                keys = {k.split("}")[-1]: v for k, v in child.attrib.items() if k != "transform"}
                found.append((tag, repr(sorted(keys.items())), placed))

    found: list = []
    walk(ElementTree.fromstring(svg), (1.0, 1.0, 0.0, 0.0), found)
    return found


@pytest.mark.build
def test_flattened_formulas_place_every_glyph_where_mathjax_put_it() -> None:
    """typeset_math.js replaces MathJax's nested placement groups by transforms on the
    glyphs themselves: every glyph, rule and text keeps its place (to a millionth of an em),
    its order and its attributes; the groups that carry meaning stay."""
    import json
    import subprocess

    math = _extension("lossnotes_math")
    node = math.node_for("mathjax-full", "the formulas are typeset by MathJax")
    formulas = [
        r"\frac{\partial \mathrm{MSE}}{\partial z_t} = -\frac{2}{K}\,p_t \sum_{k \ne t} p_k",
        r"\operatorname{CE} = -\log p_2 = \log\left(e^{z_0} + e^{z_1} + e^{z_2}\right) - z_2",
        r"\begin{aligned} p_0 &= \frac{e^{z_0}}{\sum_k e^{z_k}} \\"
        r" \sqrt{\tfrac12} &= \text{梯度 } x\end{aligned}",
        r"\left\lVert \nabla_{\mathbf z} L \right\rVert_2 \approx 10^{-434}",
    ]
    script = (
        "const m = require(process.argv[1]); const out = [];"
        "for (const tex of JSON.parse(process.argv[2])) {"
        "  const svg = m.adaptor.firstChild(m.convert(tex, true));"
        "  const before = m.adaptor.outerHTML(svg); m.flatten(svg);"
        "  out.push([before, m.adaptor.outerHTML(svg)]); }"
        "console.log(JSON.stringify(out));"
    )
    result = subprocess.run(
        [node, "-e", script, str(math.SCRIPT), json.dumps(formulas)],
        capture_output=True,
        text=True,
        check=True,
        cwd=math.ROOT,
    )
    groups_before = groups_after = 0
    for before, after in json.loads(result.stdout):
        placed_before, placed_after = _placements(before), _placements(after)
        assert [p[:2] for p in placed_after] == [p[:2] for p in placed_before]
        for (_, _, want), (_, _, got) in zip(placed_before, placed_after, strict=True):
            assert got == pytest.approx(want, abs=1e-3)  # 1/1000 em units: 1e-6 em
        groups_before += before.count("<g")
        groups_after += after.count("<g")
        # The groups that MathJax's stylesheet selects are still there.
        assert after.count('data-mml-node="mtable"') == before.count('data-mml-node="mtable"')
    assert groups_after <= groups_before // 4


@pytest.mark.build
def test_a_tex_error_stops_the_build_at_its_location(tmp_path: Path) -> None:
    import subprocess

    root = EXTENSIONS.parent.parent
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Page\n\nFine $a^2$, broken $\\frac{a$.\n", encoding="utf-8")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "sphinx", "-b", "html", "-c", str(root), "-W", "-q"),
            *("-D", "language=en", "-D", "ogp_image=_static/favicon.svg"),
            *(str(docs), str(tmp_path / "html")),
        ],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert result.returncode != 0
    assert "index.md:3" in result.stderr and "TeX error in '\\\\frac{a'" in result.stderr


# -- lossnotes_styles: the theme's stylesheets as one trimmed file ---------------------------

PAGE = """<!DOCTYPE html><html><head>
<style>.first {{ color: red; }}</style>
<link href="{up}_static/styles/theme.css?digest=1" rel="stylesheet" />
<link href="{up}_static/styles/theme-extra.css?digest=1" rel="stylesheet" />
    <link rel="stylesheet" type="text/css" href="{up}_static/plain.css?v=2" />
<style>.after {{ color: blue; }}</style>
</head><body><div class="{classes}"><span data-mode="dark">x</span></div></body></html>
"""


def _theme_files(root: Path) -> None:
    """The theme's files in ``_static``, as Sphinx copies them at every build."""
    static = root / "_static"
    (static / "styles").mkdir(parents=True, exist_ok=True)
    (static / "styles" / "theme.css").write_text('@import "../basic.css";\n', encoding="utf-8")
    (static / "basic.css").write_text(
        ".used-basic { margin: 0; }\n.unused-basic { margin: 1px; }\n", encoding="utf-8"
    )
    (static / "styles" / "theme-extra.css").write_text(
        '@charset "UTF-8";\n'
        ".used-theme { background: url(../images/dot.png); }\n"
        '.used-theme::after { content: "→"; background: url("data:image/svg+xml,'
        "%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E\"); }\n"
        ".unused-theme { color: green; }\n"
        "[data-mode=dark] .used-theme { color: white; }\n"
        ".added-by-script.open { color: black; }\n",
        encoding="utf-8",
    )
    (static / "plain.css").write_text(".used-plain, .unused-plain { padding: 0; }\n")
    (static / "script.js").write_text('el.classList.add("added-by-script", "open");\n')


def _page(root: Path, name: str, classes: str) -> None:
    up = "../" * name.count("/")
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(PAGE.format(up=up, classes=classes), encoding="utf-8")


def _edition(root: Path) -> Path:
    """A written edition in miniature: two pages, one in a folder, and the theme's files."""
    _theme_files(root)
    _page(root, "index.html", "used-basic used-theme")
    _page(root, "api/page.html", "used-plain")
    return root


@pytest.mark.build  # PurgeCSS runs in Node.js (npm ci)
def test_the_theme_stylesheets_become_one_file_of_the_rules_in_use(tmp_path: Path) -> None:
    styles = _extension("lossnotes_styles")
    root = _edition(tmp_path)
    bundle = styles.bundle_edition(root)
    assert bundle is not None and styles.BUNDLE.fullmatch(bundle.name)
    css = bundle.read_text(encoding="utf-8")
    assert css.startswith('@charset "UTF-8";\n/* lossnotes theme stylesheets: ')
    assert css.count("@charset") == 1  # first, as it must be; the theme's own is dropped
    # In the pages' order, the import resolved in place; only the rules something uses.
    order = [css.index(name) for name in (".used-basic", ".used-theme", ".used-plain")]
    assert order == sorted(order)
    for unused in (".unused-basic", ".unused-theme", "@import"):
        assert unused not in css
    assert ".added-by-script.open" in css  # a script names both classes
    assert "[data-mode=dark] .used-theme" in css
    assert ".used-plain { padding: 0; }" in css  # an unused selector leaves its list
    assert ".unused-plain" not in css
    # url() rebased from _static/styles/ onto _static/; a data: address left as it was.
    assert 'url("images/dot.png")' in css
    assert "url(\"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E\")" in css
    # Each page links the one file, where the run of links stood: the cascade keeps its order.
    index = (root / "index.html").read_text(encoding="utf-8")
    assert re.search(
        r"\.first \{ color: red; \}</style>\n"
        rf'<link rel="stylesheet" href="_static/{bundle.name}" />\n'
        r"<style>\.after",
        index,
    )
    nested = (root / "api" / "page.html").read_text(encoding="utf-8")
    assert f'<link rel="stylesheet" href="../_static/{bundle.name}" />' in nested
    # The original files are gone: no page requests them.
    left = sorted(p.relative_to(root).as_posix() for p in (root / "_static").rglob("*.css"))
    assert left == [f"_static/{bundle.name}"]


@pytest.mark.build  # PurgeCSS runs in Node.js (npm ci)
def test_a_rebuild_that_copies_the_theme_again_gives_the_same_file(tmp_path: Path) -> None:
    """An incremental build: Sphinx copies the theme's files again and writes some pages."""
    styles = _extension("lossnotes_styles")
    first = styles.bundle_edition(_edition(tmp_path / "full"))
    again = _edition(tmp_path / "incremental")
    assert styles.bundle_edition(again) == again / "_static" / first.name
    # Run again with nothing written since: the file stays.
    assert styles.bundle_edition(again) == again / "_static" / first.name
    # The next build copies the theme again and writes one page; the other links the file.
    _theme_files(again)
    _page(again, "index.html", "used-basic used-theme")
    bundle = styles.bundle_edition(again)
    assert bundle.read_bytes() == first.read_bytes()
    assert [p.name for p in (again / "_static").rglob("*.css")] == [first.name]
    # A page now uses a rule that the file left out: a new file, linked from every page.
    _theme_files(again)
    _page(again, "index.html", "used-basic unused-theme")
    changed = styles.bundle_edition(again)
    assert changed.name != first.name
    assert ".unused-theme" in changed.read_text(encoding="utf-8")
    nested = (again / "api" / "page.html").read_text(encoding="utf-8")
    assert f'<link rel="stylesheet" href="../_static/{changed.name}" />' in nested
    assert [p.name for p in (again / "_static").rglob("*.css")] == [changed.name]


def test_stylesheets_split_by_other_markup_are_refused(tmp_path: Path) -> None:
    from sphinx.errors import ExtensionError

    styles = _extension("lossnotes_styles")
    root = _edition(tmp_path)
    page = root / "index.html"
    text = page.read_text(encoding="utf-8")
    text = text.replace(
        '    <link rel="stylesheet" type', '<style>.x{}</style><link rel="stylesheet" type'
    )
    page.write_text(text, encoding="utf-8")
    with pytest.raises(ExtensionError, match=r"index\.html: its stylesheets are not linked one "):
        styles.bundle_edition(root)


def test_a_missing_npm_package_says_how_to_install_it(monkeypatch, tmp_path: Path) -> None:
    from sphinx.errors import ExtensionError

    node = _extension("lossnotes_node")
    monkeypatch.setattr(node, "NODE_MODULES", tmp_path / "node_modules")
    with pytest.raises(ExtensionError) as raised:
        node.node_for("purgecss", "the theme's stylesheets are trimmed by PurgeCSS")
    message = str(raised.value)
    assert message.startswith("the theme's stylesheets are trimmed by PurgeCSS in Node.js")
    assert "run `npm ci` in the repository" in message
    assert f"puts purgecss in {tmp_path / 'node_modules'}" in message
