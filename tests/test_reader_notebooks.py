"""Reader notebooks: each executable page as a standard notebook, in each edition's language.

Uses the session fixture ``site`` (both editions built once). The last test installs the
published wheel into a fresh virtual environment outside the repository and runs every reader
notebook of both editions there with nbclient.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
import venv
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from lossnotes.figures.labels import plain_exponent

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGUAGES = ("en", "zh_CN")
#: The translator's guide reads the repository's catalogs: it has no reader notebook.
WITHOUT_NOTEBOOK = {"translating"}
EXECUTABLE = sorted(
    path.stem
    for path in DOCS.glob("*.md")
    if "```{code-cell}" in path.read_text(encoding="utf-8") and path.stem not in WITHOUT_NOTEBOOK
)
MYST = re.compile(r"\{glue|```\{|^\s*\([\w-]+\)=\s*$|\{(doc|ref|numref|eq|download)\}`", re.M)
EXERCISE_DIRECTIVE = re.compile(r"\{?(exercise|solution)(-start|-end)?\}|:label:|:class:")
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::[^`]*)?`")
HAN = re.compile("[\u4e00-\u9fff]")
WHEEL = "lossnotes-0.1.0-py3-none-any.whl"
REPOSITORY = (
    os.environ.get("LOSSNOTES_REPOSITORY")
    or tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"][
        "Repository"
    ]
)


def _notebook(site: Path, lang: str, page: str):
    return nbformat.read(site / lang / "_sources" / f"{page}.ipynb", as_version=4)


def _images(notebook) -> list[bytes]:
    return [
        base64.b64decode(output["data"]["image/png"])
        for cell in notebook.cells
        for output in cell.get("outputs", ())
        if "image/png" in output.get("data", {})
    ]


class _Page(HTMLParser):
    """What a page shows: its light figures' images, glued values and links."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[str] = []
        self.pasted: list[str] = []
        self.links: list[str] = []
        self._figure = 0
        self._pasted = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "figure" and "only-dark" not in classes:
            self._figure += 1
        elif tag == "figure":
            self._figure = -1
        if tag == "img" and self._figure > 0:
            self.figures.append(attrs["src"])
        if tag == "span" and "pasted-text" in classes:
            self._pasted, self._text = 1, []
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "figure":
            self._figure = 0
        if tag == "span" and self._pasted:
            self.pasted.append("".join(self._text))
            self._pasted = 0

    def handle_data(self, data):
        if self._pasted:
            self._text.append(data)


def _page(site: Path, lang: str, page: str) -> _Page:
    parser = _Page()
    parser.feed((site / lang / f"{page}.html").read_text(encoding="utf-8"))
    return parser


def _page_figures(site: Path, lang: str, page: str) -> list[bytes]:
    return [(site / lang / src).read_bytes() for src in _page(site, lang, page).figures]


def test_executable_pages_are_known():
    assert {"experiment", "gradients", "numerics", "training", "why"} <= set(EXECUTABLE)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reader_notebooks_are_valid_standard_notebooks(site, lang):
    for page in EXECUTABLE:
        notebook = _notebook(site, lang, page)
        nbformat.validate(notebook)
        assert notebook.cells[0].cell_type == "code", page
        assert WHEEL in notebook.cells[0].source, page
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                assert not MYST.search(cell.source), (page, cell.source)
                assert not EXERCISE_DIRECTIVE.search(cell.source), (page, cell.source)
            for output in cell.get("outputs", ()):
                for mimetype in output.get("data", {}):
                    assert not mimetype.startswith("application/papermill"), (page, mimetype)
        # The page's language is set in code: the cell the page tags `edition` comes first.
        code = [c for c in notebook.cells if c.cell_type == "code"]
        edition = [c for c in code if "edition" in c.metadata.get("tags", ())]
        assert [c.source for c in edition] == [f'lang = "{lang}"'], page
        assert code.index(edition[0]) <= 2, page  # after the install (and glue) cells only


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_figure_once_in_the_light_scheme(site, lang):
    for page in EXECUTABLE:
        notebook = _notebook(site, lang, page)
        shown = _page_figures(site, lang, page)
        assert _images(notebook) == shown, page


def test_hidden_cells_are_kept_collapsed(site):
    source = (DOCS / "experiment.md").read_text(encoding="utf-8")
    notebook = _notebook(site, "en", "experiment")
    hidden = [
        c for c in notebook.cells if c.metadata.get("jupyter", {}).get("source_hidden") is True
    ]
    # Every remove-cell/remove-input cell of the page, every code cell of a solution (its
    # output collapsed too), plus the notebook's setup cell.
    page_hides = re.findall(r"^:tags: \[[^\]]*remove-(?:cell|input)", source, re.M)
    solutions = re.findall(r"```\{solution-start\}.*?```\{solution-end\}", source, re.S)
    solution_code = [
        cell
        for block in solutions
        for cell in re.findall(r"```\{code-cell\} python\n(.*?)```", block, re.S)
        if not re.match(r":tags: \[[^\]]*remove-(?:cell|input)", cell)
    ]
    assert len(page_hides) >= 5
    assert len(solution_code) >= 3
    assert len(hidden) == len(page_hides) + len(solution_code) + 1
    outputs_hidden = [
        c for c in hidden if c.metadata.get("jupyter", {}).get("outputs_hidden") is True
    ]
    assert len(outputs_hidden) >= len(solution_code)
    assert any("glue_figure(" in c.source for c in hidden)
    assert not any("myst_nb" in c.source for c in notebook.cells)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_exercises_are_bold_headings_and_solutions_collapsed(site, lang):
    exercise, solution = {"en": ("Exercise", "Solution to"), "zh_CN": ("练习", "解答")}[lang]
    notebook = _notebook(site, lang, "experiment")
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    labels = re.findall(
        r"```\{exercise-start\}\n:label: ([\w-]+)",
        (DOCS / "experiment.md").read_text(encoding="utf-8"),
    )
    assert len(labels) >= 3
    for number, label in enumerate(labels, 1):
        assert f'<a id="{label}"></a>**{exercise} {number}**' in text, label
        assert f"<summary>{solution} {exercise} {number}</summary>" in text, label
    # Every solution's prose is inside <details>, closed.
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and "<details" in cell.source:
            assert cell.source.count("<details>") == cell.source.count("</details>")
            assert "<details open" not in cell.source


def test_markdown_keeps_math_values_and_links(site):
    notebook = _notebook(site, "en", "experiment")
    text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "$z_0$" in text and "$$\np_k = " in text
    assert "There are 3 classes." in text
    assert "100 × 100 grid" in text
    # A caption in place of each {glue:figure}, with the figure's anchor.
    assert '<a id="fig-target-0"></a>Cross-entropy (left) and MSE (right)' in text
    verdicts = _notebook(site, "en", "verdicts")
    text = "\n".join(c.source for c in verdicts.cells if c.cell_type == "markdown")
    assert "](../training.html)" in text and "](../why.html)" in text


def test_chinese_notebooks_are_chinese(site):
    for page in EXECUTABLE:
        english, chinese = _notebook(site, "en", page), _notebook(site, "zh_CN", page)
        prose = [
            c.source
            for c in chinese.cells
            if c.cell_type == "markdown" and re.search("[A-Za-z]{4,}", c.source)
        ]
        for text in prose:
            words = re.sub(r"\$[^$]*\$|`[^`]*`|\([^)]*\)|<[^>]*>", "", text)
            assert HAN.search(words), (page, text)
        assert [c.source for c in chinese.cells if c.cell_type == "markdown"] != [
            c.source for c in english.cells if c.cell_type == "markdown"
        ], page
        en_images, zh_images = _images(english), _images(chinese)
        assert len(en_images) == len(zh_images), page
        for en_png, zh_png in zip(en_images, zh_images, strict=True):
            assert en_png != zh_png, page


def test_nbconvert_shows_every_figure(site, tmp_path):
    for lang in LANGUAGES:
        notebooks = [str(site / lang / "_sources" / f"{page}.ipynb") for page in EXECUTABLE]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "nbconvert",
                "--to",
                "html",
                "--log-level",
                "ERROR",
                "--output-dir",
                str(tmp_path / lang),
                *notebooks,
            ],
            check=True,
        )
        for page in EXECUTABLE:
            html = (tmp_path / lang / f"{page}.html").read_text(encoding="utf-8")
            figures = len(_page(site, lang, page).figures)
            assert figures > 0 or page in ("cli", "verdicts"), (lang, page)
            assert len(re.findall(r"<img\b", html)) == figures, (lang, page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_download_menu_offers_notebook_source_and_repository(site, lang):
    for page in [*EXECUTABLE, "translating"]:
        links = _page(site, lang, page).links
        assert f"_sources/{page}.md" in links, page
        assert (f"_sources/{page}.ipynb" in links) == (page not in WITHOUT_NOTEBOOK), page
        assert REPOSITORY in links, page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_wheel_and_notebooks_zip_are_published(site, lang):
    wheel = site / lang / "_downloads" / WHEEL
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "lossnotes/__init__.py" in names
    assert "lossnotes/locale/zh_CN/LC_MESSAGES/lossnotes.po" in names
    with zipfile.ZipFile(site / lang / "_downloads" / "lossnotes-notebooks.zip") as archive:
        held = {Path(name).stem: archive.read(name) for name in archive.namelist()}
    assert sorted(held) == EXECUTABLE
    for page, data in held.items():
        assert data == (site / lang / "_sources" / f"{page}.ipynb").read_bytes()
    assert "_downloads/lossnotes-notebooks.zip" in _page(site, lang, "index").links


# -- Running them ---------------------------------------------------------------------

RUNNER = r"""
import json, sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

for source, target in json.loads(sys.argv[1]):
    notebook = nbformat.read(source, as_version=4)
    NotebookClient(notebook, timeout=900, kernel_name="python3").execute(
        cwd=str(Path(target).parent)
    )
    nbformat.write(notebook, target)
"""


def _texts(cell) -> list[str]:
    """What a cell prints and shows as text, in order (stdout joined into one text)."""
    texts, stdout = [], ""
    for output in cell.get("outputs", ()):
        if output.output_type == "stream" and output.name == "stdout":
            stdout += output.text
        elif output.output_type == "stream":
            texts.append(f"{output.name}: {output.text}")
        elif output.output_type == "error":
            texts.append(f"error: {output.ename}")
        else:
            data = output.get("data", {})
            for mimetype in ("text/markdown", "text/latex"):
                if mimetype in data:
                    texts.append(data[mimetype])
            if "image/png" not in data and "text/markdown" not in data and "text/plain" in data:
                texts.append(data["text/plain"])
    return [stdout, *texts] if stdout else texts


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = archive.read(name).decode("utf-8")
    requires = [
        line.removeprefix("Requires-Dist: ").strip()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    ]
    return [*sorted(requires), "ipykernel", "nbclient"]


@pytest.fixture(scope="session")
def fresh_python(site) -> Path:
    """A virtual environment outside the repository with only the published wheel installed.

    The wheel's dependencies come from the registry, with ipykernel and nbclient, which run a
    notebook. The environment is kept between sessions under the user's cache folder, keyed
    by that list of requirements; the wheel itself is installed afresh every session.
    """
    wheel = site / "en" / "_downloads" / WHEEL
    requirements = _requirements(wheel)
    key = hashlib.sha256("\n".join([sys.version, *requirements]).encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lossnotes"
    folder = cache / f"reader-venv-{key}"
    python = folder / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if not (folder / ".complete").is_file():
        venv.EnvBuilder(with_pip=True, clear=True).create(folder)
        subprocess.run([*pip, *requirements], check=True, cwd=folder)
        (folder / ".complete").touch()
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(wheel)], check=True, cwd=folder)
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True
    ).stdout
    assert "lossnotes==0.1.0" in listed and not folder.is_relative_to(ROOT)
    return python


def _as_python(text: str) -> str:
    return plain_exponent(text.replace("\u2212", "-"))


def test_reader_notebooks_run_anywhere_and_print_the_pages_numbers(site, fresh_python, tmp_path):
    jobs = []
    for lang in LANGUAGES:
        for page in EXECUTABLE:
            work = tmp_path / lang / page
            work.mkdir(parents=True)
            jobs.append((str(site / lang / "_sources" / f"{page}.ipynb"), str(work / "out.ipynb")))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LOSSNOTES_", "PYTHON", "VIRTUAL_ENV", "JUPYTER"))
    }
    env["MPLCONFIGDIR"] = str(tmp_path / "mpl")
    # One runner per core (two on CI's machines): each runs its share of the notebooks.
    shares = max(1, min(len(jobs), os.cpu_count() or 1))
    runners = [
        subprocess.Popen(
            [str(fresh_python), "-c", RUNNER, json.dumps(jobs[i::shares])], cwd=tmp_path, env=env
        )
        for i in range(shares)
    ]
    assert [runner.wait() for runner in runners] == [0] * shares
    executed = {}
    for (source, target), (lang, page) in zip(
        jobs, [(lang, page) for lang in LANGUAGES for page in EXECUTABLE], strict=True
    ):
        published = nbformat.read(source, as_version=4)
        ran = nbformat.read(target, as_version=4)
        executed[lang, page] = ran
        assert len(ran.cells) == len(published.cells)
        for before, after in zip(published.cells[1:], ran.cells[1:], strict=True):
            if before.cell_type == "code":
                assert _texts(after) == _texts(before), (lang, page, after.source[:200])
        # Every glued value the page shows is printed, as the page writes it.
        # Python prints "1e-06" where the page writes "1e−6" (a true minus sign, no padding):
        # compare numbers as written alike.
        pasted = {_as_python(value) for value in _page(site, lang, page).pasted}
        keys = set(GLUE_ROLE.findall((DOCS / f"{page}.md").read_text(encoding="utf-8")))
        printed = [
            line.split(" = ", 1)
            for cell in ran.cells
            for text in _texts(cell)[:1]
            for line in text.splitlines()
            if " = " in line
        ]
        glued = {key: value for key, value in (pair for pair in printed if len(pair) == 2)}
        assert keys <= set(glued), (lang, page, keys - set(glued))
        for key in keys:
            for value in glued[key].split(" | "):
                assert _as_python(value) in pasted, (lang, page, key, value)
        assert len(_images(ran)) == len(_page(site, lang, page).figures), (lang, page)
    for page in EXECUTABLE:
        for en_png, zh_png in zip(
            _images(executed["en", page]), _images(executed["zh_CN", page]), strict=True
        ):
            assert en_png != zh_png, page
