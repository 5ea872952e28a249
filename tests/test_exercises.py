"""Exercises and their worked solutions (sphinx-exercise), in both editions.

- The solution code of every page imports and uses only lossnotes' public API (no build).
- In the built site (the session fixture ``site``): every exercise has a solution, in both
  editions; both are numbered, labelled and in the search index; sphinx-exercise's own words
  are Chinese in the Chinese edition; every number in a solution's prose is a glued value
  (digits outside glued values, mathematics, code and the title fail).

The browser test (collapsed on load, opened by click and by keyboard) is in test_browser.py.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
LANGUAGES = ("en", "zh_CN")
#: The pages with exercises at their end, in reading order (the order of the toctree).
PAGES_WITH_EXERCISES = ("experiment", "why", "gradients", "numerics", "training")
SOLUTION = re.compile(r"```\{solution-start\}.*?```\{solution-end\}", re.S)
EXERCISE = re.compile(r"```\{exercise-start\}\n:label: ([\w-]+)")
SOLUTION_TARGET = re.compile(r"```\{solution-start\} ([\w-]+)")
CODE_CELL = re.compile(r"```\{code-cell\} python\n(.*?)```", re.S)
TITLES = {"en": ("Exercise", "Solution to"), "zh_CN": ("练习", "解答")}


def _source(page: str) -> str:
    return (DOCS / f"{page}.md").read_text(encoding="utf-8")


def _solution_code(page: str) -> list[str]:
    """The source of every code cell inside the page's solutions, options stripped."""
    cells = []
    for block in SOLUTION.findall(_source(page)):
        for cell in CODE_CELL.findall(block):
            lines = cell.splitlines()
            while lines and lines[0].startswith(":"):
                lines.pop(0)
            cells.append("\n".join(lines))
    return cells


def _public(module: str) -> set[str]:
    imported = importlib.import_module(module)
    names = set(getattr(imported, "__all__", ()))
    if module == "lossnotes":  # its public submodules
        names |= {
            path.stem
            for path in (ROOT / "src" / "lossnotes").iterdir()
            if not path.name.startswith("_") and (path.suffix == ".py" or path.is_dir())
        }
    return names


def _private_uses(code: str) -> list[str]:
    """Names of lossnotes the code reaches that are not public."""
    problems = []
    aliases: dict[str, str] = {}
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "lossnotes":
                    parts = alias.name.split(".")
                    if any(part.startswith("_") for part in parts):
                        problems.append(alias.name)
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases[parts[0]] = "lossnotes"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "lossnotes":
            module = node.module or ""
            if any(part.startswith("_") for part in module.split(".")):
                problems.append(module)
                continue
            public = _public(module)
            for alias in node.names:
                if alias.name not in public:
                    problems.append(f"{module}.{alias.name}")
                aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
    for node in ast.walk(ast.parse(code)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and aliases.get(node.value.id) == "lossnotes"
            and node.attr not in _public("lossnotes")
        ):
            problems.append(f"lossnotes.{node.attr}")
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not (node.attr.startswith("__") and node.attr.endswith("__"))
        ):
            problems.append(node.attr)
    return problems


def test_pages_with_exercises_have_three_to_five_each():
    for page in PAGES_WITH_EXERCISES:
        source = _source(page)
        exercises = EXERCISE.findall(source)
        assert 3 <= len(exercises) <= 5, (page, exercises)
        # One solution per exercise, right after it, collapsed by default.
        assert SOLUTION_TARGET.findall(source) == exercises, page
        for block in SOLUTION.findall(source):
            assert ":class: dropdown" in block, (page, block[:80])


def test_solution_code_uses_only_the_public_api():
    checked = 0
    for page in PAGES_WITH_EXERCISES:
        for code in _solution_code(page):
            assert not _private_uses(code), (page, _private_uses(code), code)
            checked += 1
    assert checked >= len(PAGES_WITH_EXERCISES)


def test_the_private_api_check_catches_private_names():
    assert _private_uses("from lossnotes.losses import _mse") == ["lossnotes.losses._mse"]
    assert _private_uses("from lossnotes._x import y") == ["lossnotes._x"]
    assert _private_uses("import lossnotes\nlossnotes.losses._exact_mse_grad([1.0])")
    assert _private_uses("import lossnotes\nlossnotes.grid.EXPERIMENT._cache") == ["_cache"]
    assert not _private_uses("import lossnotes\nlossnotes.mse_grad\nlossnotes.closed_forms.cliff")
    assert not _private_uses("from lossnotes.closed_forms import cliff")


# -- The built site ----------------------------------------------------------------------


VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}
)


class _Exercises(HTMLParser):
    """Exercises and solutions of a built page, and the prose of each solution."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.exercises: list[dict] = []
        self.solutions: list[dict] = []
        self._stack: list[tuple[str, set[str], bool]] = []  # tag, classes, prose excluded
        self._current: dict | None = None
        self._depth = 0

    def _excluded(self) -> bool:
        return any(excluded for _, _, excluded in self._stack[self._depth :])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag in VOID:
            return
        if self._current is None and tag == "div" and {"exercise", "solution"} & classes:
            kind = "exercise" if "exercise" in classes else "solution"
            self._current = {"id": attrs.get("id"), "classes": classes, "title": "", "prose": ""}
            self._current["links"] = []
            (self.exercises if kind == "exercise" else self.solutions).append(self._current)
            self._depth = len(self._stack)
            self._stack.append((tag, classes, False))
            return
        excluded = bool(
            classes & {"pasted-text", "math", "cell", "highlight", "admonition-title"}
            or tag in ("code", "pre", "script", "style", "mjx-container")
        )
        if (
            self._current is not None
            and tag == "a"
            and "admonition-title" in {c for _, cs, _ in self._stack for c in cs}
        ):
            self._current["links"].append(attrs.get("href", ""))
        self._stack.append((tag, classes, excluded))

    def handle_endtag(self, tag):
        if tag in VOID or not self._stack:
            return
        self._stack.pop()
        if self._current is not None and len(self._stack) == self._depth:
            self._current = None

    def handle_data(self, data):
        if self._current is None:
            return
        if any("admonition-title" in classes for _, classes, _ in self._stack[self._depth :]):
            self._current["title"] += data
        elif not self._excluded():
            self._current["prose"] += data


def _built(site: Path, lang: str, page: str) -> _Exercises:
    parser = _Exercises()
    parser.feed((site / lang / f"{page}.html").read_text(encoding="utf-8"))
    return parser


@pytest.mark.build
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_exercise_has_a_solution(site, lang):
    exercise_word, solution_word = TITLES[lang]
    number = 0  # exercises are numbered through the site, in reading order
    for page in PAGES_WITH_EXERCISES:
        labels = EXERCISE.findall(_source(page))
        built = _built(site, lang, page)
        assert [e["id"] for e in built.exercises] == labels, (lang, page)
        assert len(built.solutions) == len(labels), (lang, page)
        for exercise, solution in zip(built.exercises, built.solutions, strict=True):
            number += 1
            # Numbered, in the edition's words, and the solution links its exercise.
            assert " ".join(exercise["title"].split()) == f"{exercise_word} {number}", exercise
            assert " ".join(solution["title"].split()) == (
                f"{solution_word} {exercise_word} {number}"
            ), solution
            assert f"#{exercise['id']}" in solution["links"], solution
            assert "dropdown" in solution["classes"], solution
            assert solution["id"] and solution["id"].startswith("sol-"), solution
            assert solution["prose"].strip(), solution


@pytest.mark.build
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_number_in_a_solution_is_glued(site, lang):
    for page in PAGES_WITH_EXERCISES:
        for solution in _built(site, lang, page).solutions:
            digits = re.findall(r"\S*\d\S*", solution["prose"])
            assert not digits, (lang, page, solution["id"], digits)


@pytest.mark.build
@pytest.mark.parametrize("lang", LANGUAGES)
def test_exercises_are_in_the_search_index(site, lang):
    text = (site / lang / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    labels = index.get("alllabels", {}) | index.get("objects", {})
    terms = index["terms"]
    for page in PAGES_WITH_EXERCISES:
        for label in EXERCISE.findall(_source(page)):
            assert label in json.dumps(labels) or label in json.dumps(index), (lang, label)
    # The exercises' words are indexed, in the edition's language.
    word = {"en": "predict", "zh_CN": "预测"}[lang]
    assert any(word in term for term in terms), (lang, word)
