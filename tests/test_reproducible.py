"""Two clean builds of the same commit produce byte-identical sites.

The first build is the session's shared one (``site``); this test adds one more, in a
different folder, so paths must not leak into the output either.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import build_site


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.build
def test_two_clean_builds_are_byte_identical(site, tmp_path_factory):
    second = tmp_path_factory.mktemp("second-build")
    assert build_site.build_html(second) == 0
    first_files, second_files = _digests(site), _digests(second / "html")
    assert sorted(first_files) == sorted(second_files)
    differing = [name for name in first_files if first_files[name] != second_files[name]]
    assert differing == [], f"these files differ between two clean builds: {differing}"
    # The comparison covered the real site: pages and figures of both editions.
    for lang in build_site.LANGUAGES:
        assert f"{lang}/experiment.html" in first_files
        assert any(
            name.startswith(f"{lang}/_images/") and name.endswith(".png") for name in first_files
        )


def test_builds_take_their_time_stamp_from_the_last_commit(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    stamp = build_site.build_environment()["SOURCE_DATE_EPOCH"]
    assert stamp.isdigit() and int(stamp) > 1_600_000_000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert build_site.build_environment()["SOURCE_DATE_EPOCH"] == "1234567890"
