"""Two clean builds of the same commit produce byte-identical sites.

The first build is the session's shared one (``site``). The second starts in an empty folder
elsewhere, so no path may leak into the output: Sphinx reads, resolves and writes every page of
both editions again. Executing the notebooks is nine tenths of a build, so the second build
takes their outputs from copies of the first build's execution caches, except the experiment
page's: its record is dropped from the copies, so that notebook (the heatmaps, the comparison
table) runs again in both editions and freshly drawn figures are compared too.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import builds
import pytest
from project import LANGUAGES

#: The page whose notebook the second build executes again.
FRESH_PAGE = "experiment.md"


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _copy_execution_caches(build_dir: Path, target: Path, fresh: str) -> list[Path]:
    """Copy the build's notebook execution caches to ``target``, without ``fresh``'s record.

    The caches are jupyter-cache folders (myst-nb's ``cache`` execution mode) that conf.py
    keeps inside the build folder, one per language. Returns the copies.
    """
    from jupyter_cache import get_cache

    copies = []
    for cache in sorted(build_dir.rglob("jupyter_cache-*")):
        if not cache.is_dir() or cache.is_relative_to(build_dir / "html"):
            continue
        copy = target / cache.relative_to(build_dir)
        shutil.copytree(cache, copy)
        store = get_cache(copy)
        records = [r.pk for r in store.list_cache_records() if Path(r.uri).name == fresh]
        assert len(records) == 1, f"{fresh} is not in the execution cache {cache}"
        store.remove_cache(records[0])
        copies.append(copy)
    return copies


@pytest.mark.build
def test_two_clean_builds_are_byte_identical(site, build_dir, tmp_path_factory):
    second = tmp_path_factory.mktemp("second-build")
    copies = _copy_execution_caches(build_dir, second, FRESH_PAGE)
    assert len(copies) == len(LANGUAGES), "one execution cache per edition was expected"
    assert builds.build_html(second) == 0
    first_files, second_files = _digests(site), _digests(second / "html")
    assert sorted(first_files) == sorted(second_files)
    differing = [name for name in first_files if first_files[name] != second_files[name]]
    assert differing == [], f"these files differ between two clean builds: {differing}"
    # The comparison covered the real site: pages and figures of both editions.
    for lang in LANGUAGES:
        assert f"{lang}/experiment.html" in first_files
        assert any(
            name.startswith(f"{lang}/_images/") and name.endswith(".png") for name in first_files
        )
    # The experiment page's notebook did run again: its caches hold a new record.
    from jupyter_cache import get_cache

    for copy in copies:
        assert [Path(r.uri).name for r in get_cache(copy).list_cache_records()].count(
            FRESH_PAGE
        ) == 1


def test_builds_take_their_time_stamp_from_the_last_commit(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    stamp = builds.build_environment()["SOURCE_DATE_EPOCH"]
    assert stamp.isdigit() and int(stamp) > 1_600_000_000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert builds.build_environment()["SOURCE_DATE_EPOCH"] == "1234567890"
