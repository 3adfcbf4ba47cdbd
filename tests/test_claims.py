"""Claims about particular comments: registered as data, checked by the build, one line when broken."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from comment_study.book import jb
from comment_study.book.claims import Claims



def test_a_claim_that_holds_shows_nothing():
    claims = Claims("overview")
    claims.add("comment 45 is coded negative", True, comments=[45])
    assert claims.check() is None


def test_a_broken_claim_is_shown_once_at_the_check_that_follows_it():
    claims = Claims("overview")
    claims.add("comment 45 is coded negative", False, comments=[45])
    shown = claims.check()
    assert "comment 45 is coded negative" in shown._repr_markdown_()
    claims.add("comments 93 to 96 are one exchange", True, comments=[93, 96])
    assert claims.check() is None  # the earlier broken claim is not shown again


def test_a_claim_whose_condition_raises_is_broken_not_an_error():
    claims = Claims("conversation")
    claim = claims.add("comment 999 answers comment 998", lambda: {}[999] == 998, comments=[999])
    assert not claim.holds and "KeyError" in claim.error
    assert claim.line().startswith("conversation: claim no longer holds: comment 999 answers comment 998 (comment 999)")


PAGE = '''---
jupytext:
  text_representation: {{extension: .md, format_name: myst}}
kernelspec: {{display_name: Python 3, language: python, name: python3}}
---
# A page with a claim

Comment 45 is coded negative.

```{{code-cell}} ipython3
:tags: [remove-input]
from comment_study.book.claims import Claims
claims = Claims("fixture-chapter")
claims.add("comment 45 is coded negative", {holds}, comments=[45])
claims.check()
```
'''


def small_book(folder: Path, holds: bool, mode: str = "strict") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_config.yml").write_text(
        "title: claims\nonly_build_toc_files: true\nexecute: {execute_notebooks: cache}\n"
        "sphinx:\n  extra_extensions: [comment_study.book.sphinx_claims]\n"
        f"  config: {{nb_execution_raise_on_error: true, nb_render_markdown_format: myst, comment_study_claims: {mode}}}\n")
    (folder / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (folder / "page.md").write_text(PAGE.format(holds=holds))
    return folder


def jb_build(book: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COMMENT_STUDY_ROOT"}
    return subprocess.run(jb.command(book, *jb.STRICT),
                          capture_output=True, text=True, env=env, cwd=book.parent)


@pytest.mark.build
def test_a_broken_claim_stops_the_strict_build_with_one_clear_line(tmp_path):
    book = small_book(tmp_path / "book", holds=False)
    result = jb_build(book)
    log = result.stdout + result.stderr
    assert result.returncode != 0
    lines = [line for line in log.splitlines() if "claim no longer holds" in line]
    assert lines and all("fixture-chapter: claim no longer holds: comment 45 is coded negative (comment 45)" in line
                         for line in lines)
    assert "Traceback" not in log and "AssertionError" not in log
    again = jb_build(book)  # nothing changed, the page is not re-read: the build must still fail
    assert again.returncode != 0 and "comment 45 is coded negative" in again.stdout + again.stderr


@pytest.mark.build
def test_a_broken_claim_is_marked_on_its_page_in_a_what_if_build(tmp_path):
    book = small_book(tmp_path / "book", holds=False, mode="mark")
    result = jb_build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = (book / "_build/html/page.html").read_text(encoding="utf-8")
    assert "broken-claim" in html and "comment 45 is coded negative" in html
    report = json.loads((book / "_build/html/broken-claims.json").read_text())
    assert report == [{"chapter": "fixture-chapter", "claim": "comment 45 is coded negative", "comments": [45], "error": ""}]


@pytest.mark.build
def test_a_claim_that_holds_leaves_no_trace_on_the_page(tmp_path):
    book = small_book(tmp_path / "book", holds=True)
    result = jb_build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "broken-claim" not in (book / "_build/html/page.html").read_text(encoding="utf-8")
