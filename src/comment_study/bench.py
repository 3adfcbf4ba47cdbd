"""``make bench``: how long the book takes to build, from clean and from cache.

Builds a temporary copy of the book twice (clean, then with nothing changed) and reports
each chapter's execution time as myst-nb recorded it. A benchmark, not a test: it prints, and
with ``--write bench.json`` it also records the figures in that file, which is committed and
read by the book's "Reproducing this book" appendix (so no build time is typed into prose).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .data import project_root

IGNORED = shutil.ignore_patterns(".venv", "_build", "downloads", ".git", ".pytest_cache", ".hypothesis", "__pycache__",
                                 "*.egg-info", "node_modules")
BENCH_FILE = "bench.json"


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


def recorded(root: Path) -> dict | None:
    """The figures ``bench.json`` records, or None before the first ``make bench``."""
    return load(root) if (root / BENCH_FILE).is_file() else None


def load(root: Path) -> dict:
    """The figures the last ``make bench`` recorded in ``bench.json``."""
    path = root / BENCH_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no build times recorded; run `make bench`")
    figures = json.loads(path.read_text(encoding="utf-8"))
    missing = {"clean_s", "cached_s", "chapters_s", "measured_on", "cpus"} - set(figures)
    if missing:
        raise ValueError(f"{path}: missing {sorted(missing)}; run `make bench` again")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m comment_study.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="FILE", help="also record the figures in FILE (bench.json)")
    args = parser.parse_args(argv)
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
    figures = {
        "clean_s": round(clean, 1), "cached_s": round(cached, 1),
        "chapters_s": {k: round(v, 1) for k, v in per_chapter.items()},
        "measured_on": datetime.date.today().isoformat(), "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(figures))
    if args.write:
        out = Path(args.write) if Path(args.write).is_absolute() else root / args.write
        out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
