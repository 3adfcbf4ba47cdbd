"""An exchange of comments is shown in full in one chapter and referred to elsewhere (issue 14).

The conversation chapter owns the exchanges in comments 93 to 96 and 235 to 238 (labels
``exchange-93`` and ``exchange-235``); every other page refers to them. A comment counts as
shown on a page when any run of :data:`comment_study.study.protected.RUN` consecutive words of
its text, as the quoting gate gives it, appears in the page's text; runs that the comment shares
with another comment or with the article excerpt are left out (they are quotes of the article or
stock phrases, shown in their own right). Protected comments are never quoted at all, so only
the quotable comments of an exchange are looked for.
"""

from __future__ import annotations

from comment_study.analysis import conversation

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from comment_study.corpus import files as data
from comment_study.study import load_study, quotes

from conftest import toc_pages

EXCHANGES = conversation.OWNED_EXCHANGES
"""Each exchange the conversation chapter owns: its label there, and its comments (defined once, in the package)."""
OWNER = "chapters/conversation"


def own_runs(table, comment_id: int, article: str) -> set[str]:
    """The word runs of a comment's quotable text that no other comment and not the article has."""
    text = quotes.quote(table, comment_id).text
    others = set().union(*(quotes.word_runs(t) for c, t in zip(table["comment_id"], table["text"]) if c != comment_id))
    return quotes.word_runs(text) - others - quotes.word_runs(article)


def pages_showing(runs: set[str], pages: dict[str, str]) -> set[str]:
    """The pages (name to visible text) whose text holds any of ``runs``."""
    return {name for name, text in pages.items() if runs & quotes.word_runs(text)}


def page_text(path: Path) -> str:
    """What a reader sees of a built page: its article body's text."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup
    return main.get_text(" ")


@pytest.fixture(scope="module")
def exchange_runs() -> dict[int, set[str]]:
    study = load_study()
    protected = quotes.protected_ids()
    article = data.article()
    return {cid: own_runs(study.comments, cid, article)
            for ids in EXCHANGES.values() for cid in ids if cid not in protected}


def test_every_quotable_comment_of_an_exchange_has_runs_of_its_own(exchange_runs):
    assert set(exchange_runs) == {93, 94, 96, 235, 236, 237, 238}
    assert all(exchange_runs.values()), {cid for cid, runs in exchange_runs.items() if not runs}


def test_a_comment_quoted_on_two_pages_is_caught(exchange_runs):
    """The check can fail: a page that repeats eight words of comment 236 is found beside the owner."""
    run = sorted(exchange_runs[236])[0]
    pages = {OWNER: f"The exchange: {run} and more.", "chapters/framings": f"As one reader put it, {run.upper()}.",
             "chapters/values": "Comment 236 answers 235 (see the conversation chapter)."}
    assert pages_showing(exchange_runs[236], pages) == {OWNER, "chapters/framings"}


def test_each_exchange_is_shown_in_full_in_the_conversation_chapter_only(built_book, exchange_runs):
    html = built_book / "_build" / "html"
    pages = {name: page_text(html / f"{name}.html") for name in toc_pages(built_book)}
    shown = {cid: pages_showing(runs, pages) for cid, runs in exchange_runs.items()}
    elsewhere = {cid: sorted(where - {OWNER}) for cid, where in shown.items() if where - {OWNER}}
    assert not elsewhere, f"comments of an owned exchange quoted outside {OWNER} (refer to its label instead): {elsewhere}"
    missing = sorted(cid for cid, where in shown.items() if OWNER not in where)
    assert not missing, f"{OWNER} does not show these comments of its exchanges: {missing}"
    owner = BeautifulSoup((html / f"{OWNER}.html").read_text(encoding="utf-8"), "html.parser")
    assert all(owner.find(id=label) for label in EXCHANGES), "an exchange label is missing from the conversation chapter"
