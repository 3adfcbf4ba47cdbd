"""Notebook pages executed side by side before Sphinx reads them (comment_study.book.sphinx_parallel)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from jupyter_cache import get_cache

from comment_study.book import jb

pytestmark = pytest.mark.build

PAGE = """---
jupytext:
  text_representation: {{extension: .md, format_name: myst}}
kernelspec: {{display_name: Python 3, language: python, name: python3}}
---
# Page {name}

```{{code-cell}} ipython3
print({code})
```
"""


def tiny_book(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(
        "title: parallel\nonly_build_toc_files: true\nexecute: {execute_notebooks: cache}\n"
        "sphinx:\n  extra_extensions: [comment_study.book.sphinx_parallel]\n"
        "  config: {nb_execution_raise_on_error: true, comment_study_execution_jobs: 2}\n")
    names = list(pages)
    (folder / "_toc.yml").write_text(f"format: jb-book\nroot: {names[0]}\nchapters:\n"
                                     + "".join(f"  - file: {n}\n" for n in names[1:]))
    for name, code in pages.items():
        (folder / f"{name}.md").write_text(PAGE.format(name=name, code=code))
    return folder


def jb_build(book: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COMMENT_STUDY_ROOT"}
    return subprocess.run(jb.command(book, *jb.STRICT),
                          capture_output=True, text=True, env=env, cwd=book.parent)


def test_pages_run_side_by_side_and_a_failing_cell_still_fails_the_build_with_its_error(tmp_path):
    book = tiny_book(tmp_path / "book", {"a": "6 * 7", "b": "'b' * 3", "c": "1 / 0"})
    result = jb_build(book)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "[comment_study] executing 3 notebook pages, 2 at a time" in log
    assert "ZeroDivisionError" in log  # myst-nb ran the failing page again and reported it
    cached = {Path(r.uri).name for r in get_cache(book / "_build/.jupyter_cache").list_cache_records()}
    assert cached == {"a.md", "b.md"}  # the pages that ran were kept; the failing one was not

    (book / "c.md").write_text(PAGE.format(name="c", code="'fixed'"))
    again = jb_build(book)  # a and b come from the cache; c alone runs, in a fresh kernel (no zygote for one page)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "[comment_study] executing 1 notebook page, 1 at a time" in again.stdout
    assert "[comment_study] executed 1 notebook page in" in again.stdout and "in fresh kernels" in again.stdout
    assert "Executing notebook" not in again.stdout + again.stderr  # myst-nb read it from the cache
    html = book / "_build/html"
    assert "42" in (html / "a.html").read_text() and "bbb" in (html / "b.html").read_text()
    assert "fixed" in (html / "c.html").read_text()
