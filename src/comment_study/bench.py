"""``make bench``: how long the book takes to build, from clean and from cache.

Builds a temporary copy of the book twice (clean, then with nothing changed) and reports
each chapter's execution time as myst-nb recorded it. A benchmark, not a test: it prints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .data import project_root

IGNORED = shutil.ignore_patterns(".venv", "_build", "downloads", ".git", ".pytest_cache", ".hypothesis", "__pycache__", "*.egg-info")


def timed_build(book: Path) -> float:
    """Seconds for one strict build of ``book``; raises if the build fails."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    start = time.perf_counter()
    result = subprocess.run([str(jupyter_book), "build", str(book), "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, cwd=book)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed


def chapter_times(book: Path) -> dict[str, float]:
    """Execution seconds per page, from the jupyter-cache records of the last build."""
    from jupyter_cache import get_cache

    cache = get_cache(book / "_build" / ".jupyter_cache")
    times = {}
    for record in cache.list_cache_records():
        data = record.data or {}
        name = Path(record.uri).relative_to(book).with_suffix("").as_posix()
        times[name] = float(data.get("execution_seconds", float("nan")))
    return dict(sorted(times.items()))


def main() -> int:
    root = project_root()
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(root, book, ignore=IGNORED)
        clean = timed_build(book)
        cached = timed_build(book)
        per_chapter = chapter_times(book)
    print(f"clean build:          {clean:6.1f} s")
    print(f"no-change rebuild:    {cached:6.1f} s")
    print("chapter execution (clean build):")
    for name, seconds in per_chapter.items():
        print(f"  {name:32s} {seconds:6.1f} s")
    print(json.dumps({"clean_s": round(clean, 1), "cached_s": round(cached, 1),
                      "chapters_s": {k: round(v, 1) for k, v in per_chapter.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
