"""The project's own machinery: one declared version, and lint hooks that need no network."""

from __future__ import annotations

import re
import runpy
import shutil
import sys
import tomllib
from pathlib import Path

import pytest
from project import ROOT

import lossnotes


def test_the_version_is_declared_once():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    source = Path(pyproject["tool"]["hatch"]["version"]["path"])
    assert (ROOT / source).resolve() == Path(lossnotes.__file__).resolve()
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[.-]?\w+)?", lossnotes.__version__)
    # conf.py reads it rather than typing it again.
    assert runpy.run_path(str(ROOT / "conf.py"))["release"] == lossnotes.__version__
    typed = re.compile(rf"['\"]{re.escape(lossnotes.__version__)}['\"]")
    assert not typed.search((ROOT / "conf.py").read_text(encoding="utf-8"))


def test_lint_hooks_are_local_and_installed_by_the_lint_extra():
    """pre-commit clones no hook repository: each hook runs a tool the lint extra installs."""
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    assert {hook["id"] for hook in hooks} >= {
        "ruff-check",
        "ruff-format",
        "codespell",
        "validate-pyproject",
        "sphinx-lint",
    }
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    extra = " ".join(pyproject["project"]["optional-dependencies"]["lint"])
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        tool = hook["entry"].split()[0]
        assert tool in extra, f"{tool} is not in the lint extra"
        found = shutil.which(tool, path=str(Path(sys.executable).parent))
        assert found, f"{tool} is not installed beside {sys.executable}"
    codespell = next(hook for hook in hooks if hook["id"] == "codespell")
    assert re.match(codespell["exclude"], "locale/zh_CN/LC_MESSAGES/experiment.po")
