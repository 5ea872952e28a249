"""Shared fixtures: the repository root and one real build of both editions per test session.

The build tooling under ``tools/`` is importable by name (pytest's ``pythonpath`` setting in
pyproject.toml): ``import builds``, ``import catalogs``.

The site is built once per session, by ``make html``'s own command, and shared: the ``site``
and ``build_dir`` fixtures. When the session collects a test that needs it, the build starts
right after collection, in the background, and the tests that need it run last; the
library, command line and catalog tests run meanwhile. ``make test-fast`` (``-m "not build"``)
collects none, so it builds nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from builds import build_environment
from hypothesis import settings
from project import ROOT

# Tests run beside a site build on a shared machine: a property test is judged by its
# examples, never by how long one took.
settings.register_profile("lossnotes", deadline=None)
settings.load_profile("lossnotes")

_BUILD = pytest.StashKey[tuple[Path, subprocess.Popen, Path]]()


def _needs_site(item: pytest.Item) -> bool:
    return "build_dir" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the tests that need the site build after all others (a stable reordering)."""
    items.sort(key=_needs_site)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--site-build",
        type=Path,
        default=None,
        help="test this build folder of an earlier `make html` (_build) instead of building "
        "the site again, for the edit loop only (tests that rebuild may write into it); "
        "name the test paths too: pytest --site-build _build tests",
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the session's site build now if a selected test needs it."""
    if session.config.option.collectonly or not any(map(_needs_site, session.items)):
        return
    if session.config.option.site_build is not None:
        return
    folder = Path(tempfile.mkdtemp(prefix="lossnotes-build-"))
    log = folder / "build.log"
    command = [sys.executable, str(ROOT / "tools" / "build_site.py"), "html"]
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [*command, "--build-dir", str(folder / "build")],
            cwd=ROOT,
            env=build_environment(),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    session.config.stash[_BUILD] = (folder, process, log)


def pytest_sessionfinish(session: pytest.Session) -> None:
    started = session.config.stash.get(_BUILD, None)
    if started is None:
        return
    folder, process, _ = started
    if process.poll() is None:  # the session ended before a test needed the site
        process.terminate()
        process.wait()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def build_dir(request: pytest.FixtureRequest) -> Path:
    """The session's one clean build of both editions, made with ``make html``'s own command.

    The folder holds what ``_build`` holds after ``make html``: ``html/``, ``doctrees/`` and
    the notebooks' execution caches. Tests that rebuild reuse it rather than start over.
    """
    if request.config.option.site_build is not None:
        return request.config.option.site_build.resolve()
    folder, process, log = request.config.stash[_BUILD]
    status = process.wait()
    output = log.read_text(encoding="utf-8", errors="replace")
    if status:
        pytest.fail(f"the site build failed (exit status {status}):\n{output}", pytrace=False)
    return folder / "build"


@pytest.fixture(scope="session")
def site(build_dir: Path) -> Path:
    """The ``html`` folder of the session's build, holding ``en/`` and ``zh_CN/``."""
    return build_dir / "html"
