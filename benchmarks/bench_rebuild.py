"""How long ``make html`` takes: cold, warm with nothing changed, one edited page, a library change.

Runs on a fresh ``git clone`` of the repository's last commit in a temporary folder, with the
repository's own virtual environment linked in (so nothing is installed), and prints each
build's wall time and its ratio to the cold build, with the notebooks each build executed::

    python benchmarks/bench_rebuild.py [--keep]

Targets: the cold build of both editions at most 60 s on 2 cores; the warm no-op rebuild at
most 0.2 of the cold one; an edited page re-executes only that page; a change to ``lossnotes``
re-executes the pages that use it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLD_TARGET_S = 60.0
WARM_TARGET_RATIO = 0.2
EDITED_PAGE = "experiment"
EDITED_MODULE = "src/lossnotes/grid.py"


def clone(destination: Path) -> Path:
    """A fresh clone of the last commit, with the repository's ``.venv`` linked in."""
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(destination)], check=True
    )
    (destination / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return destination


def environment(checkout: Path) -> dict[str, str]:
    """Import the clone's ``lossnotes`` (the linked venv's editable install points here)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(checkout / "src"), env.get("PYTHONPATH", "")) if part
    )
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def make_html(checkout: Path) -> float:
    """Wall time of ``make html`` (the venv counts as installed: ``-o`` its stamp)."""
    start = time.perf_counter()
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "html"],
        cwd=checkout,
        env=environment(checkout),
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"make html failed in {checkout}")
    return elapsed


def executed_since(checkout: Path, since: float) -> list[str]:
    """``page (lang)`` for every notebook the execution caches stored after ``since``."""
    from jupyter_cache import get_cache

    found = []
    for cache_dir in sorted((checkout / "_build" / "doctrees").glob("jupyter_cache-*")):
        lang = cache_dir.name.split("-")[1]
        for record in get_cache(str(cache_dir)).list_cache_records():
            created = record.created
            if created.tzinfo is None:  # jupyter-cache stores naive UTC times
                created = created.replace(tzinfo=UTC)
            if created.timestamp() >= since:
                found.append(f"{Path(record.uri).stem} ({lang})" if record.uri else f"? ({lang})")
    return sorted(found)


def pages_written_since(checkout: Path, since: float) -> list[str]:
    """Content pages (not Sphinx's index and search pages) whose file changed after ``since``."""
    html = checkout / "_build" / "html"
    return sorted(
        str(path.relative_to(html))
        for path in html.glob("*/*.html")
        if path.stat().st_mtime >= since and path.name not in {"genindex.html", "search.html"}
    )


def measure(checkout: Path) -> list[tuple[str, float, list[str], list[str]]]:
    rows = []

    def step(label: str) -> None:
        time.sleep(1.1)  # so that no earlier write shares this step's second on a coarse clock
        since = time.time()
        seconds = make_html(checkout)
        rows.append(
            (label, seconds, executed_since(checkout, since), pages_written_since(checkout, since))
        )
        print(f"  {label}: {seconds:.1f} s", flush=True)

    step("cold make html (both editions)")
    step("warm make html, nothing changed")
    page = checkout / "docs" / f"{EDITED_PAGE}.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n```{code-cell} python\n:tags: [remove-cell]\n\nedited = True\n```\n",
        encoding="utf-8",
    )
    step(f"one page edited (docs/{EDITED_PAGE}.md, a new cell)")
    module = checkout / EDITED_MODULE
    module.write_text(module.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")
    step(f"lossnotes changed ({EDITED_MODULE})")
    return rows


def report(rows: list[tuple[str, float, list[str], list[str]]]) -> bool:
    cold = rows[0][1]
    width = max(len(label) for label, *_ in rows)
    print(f"\n{'build':<{width}}  {'seconds':>7}  {'/ cold':>6}  executed notebooks")
    for label, seconds, executed, _ in rows:
        names = ", ".join(executed) if executed else "none"
        print(f"{label:<{width}}  {seconds:>7.1f}  {seconds / cold:>6.2f}  {names}")
    print("\npages rewritten:")
    for label, _, _, written in rows[1:]:
        print(f"  {label}: {', '.join(written) if written else 'none'}")
    warm = rows[1][1] / cold
    cold_ok, warm_ok = cold <= COLD_TARGET_S, warm <= WARM_TARGET_RATIO
    print(
        f"\ncold {cold:.1f} s (target at most {COLD_TARGET_S:.0f} s on 2 cores, "
        f"{os.cpu_count()} here): {'met' if cold_ok else 'MISSED'}"
    )
    print(
        f"warm no-op {warm:.2f} of cold (target at most {WARM_TARGET_RATIO}): "
        f"{'met' if warm_ok else 'MISSED'}"
    )
    return cold_ok and warm_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone")
    args = parser.parse_args(argv)
    if not (ROOT / ".venv" / "bin" / "python").exists():
        raise SystemExit("run `make html` once first: the benchmark reuses .venv")
    scratch = Path(tempfile.mkdtemp(prefix="lossnotes-bench-"))
    try:
        checkout = clone(scratch / "lossnotes")
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=checkout,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"rebuild benchmark on a fresh clone of {commit} in {checkout}")
        report(measure(checkout))
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
