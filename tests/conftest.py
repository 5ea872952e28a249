"""Shared fixtures: the repository root and one real build of both editions per test session."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_build_tool():
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_site"] = module
    spec.loader.exec_module(module)
    return module


build_site = _load_build_tool()


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """Both editions built from scratch with the project's own build command.

    Returns the ``html`` folder holding ``en/`` and ``zh_CN/``.
    """
    build_dir = tmp_path_factory.mktemp("site")
    status = build_site.build_html(build_dir)
    assert status == 0, "the site build failed; see the output above"
    return build_dir / "html"
