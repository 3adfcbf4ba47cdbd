"""Tighter chapters: every findings chapter stays under the word limit (issue 14), counted on its prose alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from comment_study.book import toc

ROOT = Path(__file__).resolve().parents[1]
FINDINGS = [page for page in toc.pages(ROOT) if page.part == toc.FINDINGS_PART]


def test_prose_words_leave_out_code_cells_front_matter_and_options():
    text = ("---\njupytext: x\n---\n# Title\n\nTwo words {glue:text}`n_things:.0%` here.\n\n"
            "```{code-cell} ipython3\n:tags: [remove-cell]\nmany many words in code\n```\n\n"
            ":::{admonition} Note\n:class: tip\nThe reader's note.\n:::\n")
    assert toc.prose_words(text) == len("Title Two words N here Note The reader's note".split())


def test_the_findings_part_has_its_chapters():
    assert len(FINDINGS) >= 5


@pytest.mark.parametrize("page", FINDINGS, ids=[page.file for page in FINDINGS])
def test_findings_chapter_is_under_the_word_limit(page):
    words = toc.prose_words(toc.source(ROOT, page.file).read_text(encoding="utf-8"))
    assert words <= toc.FINDINGS_MAX_WORDS, f"{page.file}: {words} words of prose, over {toc.FINDINGS_MAX_WORDS}"
