"""The findings chapters follow the coding sheet: change one code and the page changes with it."""

from __future__ import annotations

import json
import shutil

import pandas as pd
from bs4 import BeautifulSoup

from conftest import build, partial_book, set_execution
from comment_study.study import quotes


def figure_image(book, page: str, figure_id: str) -> bytes:
    """The bytes of the image inside the figure with ``figure_id`` on a built page."""
    soup = BeautifulSoup((book / "_build/html" / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    src = soup.find("figure", id=figure_id).find("img")["src"]
    return (book / "_build/html" / page).parent.joinpath(src).resolve().read_bytes()


def glued(book, page: str) -> dict:
    return json.loads((book / "_build/jupyter_execute" / f"{page}.glue.json").read_text())


def test_changing_one_comments_code_moves_the_prevalence_figure_and_every_count(built_book, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(built_book, changed, ignore=shutil.ignore_patterns("_build"))
    # Only the two pages compared below are built again (the full build is the session's).
    partial_book(changed, ["chapters/overview", "chapters/reactions"], "# The findings, changed\n\nOne code moved.\n")
    set_execution(changed, "force")
    sheet_path = changed / "data/coding/primary.csv"
    sheet = pd.read_csv(sheet_path, dtype=str, keep_default_na=False)
    # A comment no reaction code applies to, that is quotable and not a reply: give it `distress`.
    quiet = sheet[(sheet[["distress", "despair", "call_to_action"]] == "0").all(axis=1)
                  & (sheet["tone"] != "") & ~sheet["comment_id"].astype(int).isin(quotes.protected_ids())]
    target = quiet.index[0]
    sheet.loc[target, "distress"] = "1"
    sheet.to_csv(sheet_path, index=False)
    build(changed)

    before, after = glued(built_book, "chapters/reactions"), glued(changed, "chapters/reactions")
    count = lambda values: int(values["rx_distress_count"]["data"]["text/plain"])
    assert count(after) == count(before) + 1
    assert glued(changed, "chapters/overview") != glued(built_book, "chapters/overview")
    text = BeautifulSoup((changed / "_build/html/chapters/reactions.html").read_text(encoding="utf-8"),
                         "html.parser").get_text(" ", strip=True)
    assert f"In all, {count(after)} comments voice distress" in text
    assert figure_image(changed, "chapters/reactions", "fig-reactions-prevalence") != \
        figure_image(built_book, "chapters/reactions", "fig-reactions-prevalence")
    assert figure_image(changed, "chapters/overview", "fig-overview-glance") != \
        figure_image(built_book, "chapters/overview", "fig-overview-glance")
