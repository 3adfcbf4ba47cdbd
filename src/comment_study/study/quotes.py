"""Show comment text to readers safely: escaped, names redacted, disclosures paraphrased.

Comment text is data, never markup: a comment holding ``<script>``, Markdown, MyST
roles or ``$`` signs must show literally. Quotes are rendered as escaped HTML inside an
element that MathJax is told to skip.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from comment_study.corpus.privacy import NamePattern, identifying_names, redact


@dataclass(frozen=True)
class Quote:
    """A comment shown to readers, cited by id, pseudonym and region."""

    comment_id: int
    author_id: str
    region: str
    text: str
    note: str = ""

    def citation(self) -> str:
        return f"Comment {self.comment_id} · {self.author_id} · {self.region}"

    def _repr_html_(self) -> str:
        note = f'<p class="quote-note">{html.escape(self.note)}</p>' if self.note else ""
        return (
            '<blockquote class="comment-quote tex2jax_ignore mathjax_ignore">'
            f"<p>{html.escape(self.text)}</p>"
            f'<p class="attribution">— {html.escape(self.citation())}</p>{note}</blockquote>'
        )

    def __repr__(self) -> str:
        return f"{self.citation()}: {self.text}"


def name_patterns(table: pd.DataFrame) -> list[NamePattern]:
    """The identifying display names of a comment table (see :mod:`comment_study.corpus.privacy`)."""
    return identifying_names(table["author"].unique())


class QuotingRuleError(ValueError):
    """Raised when the book asks to quote a comment that must only be paraphrased."""


def protected_ids() -> frozenset[int]:
    """Ids of comments that disclose the commenter's own abuse or attraction (data/disclosures.csv)."""
    from comment_study.corpus import files as data

    return frozenset(int(i) for i in data.disclosures()["comment_id"])


def quote(
    table: pd.DataFrame,
    comment_id: int,
    max_words: int | None = None,
    protected: set[int] | frozenset[int] | None = None,
) -> Quote:
    """A comment's text, names redacted, optionally shortened to ``max_words`` words.

    ``protected`` holds the ids of comments that disclose the commenter's own abuse or
    sexual attraction to children (by default, those in ``data/disclosures.csv``);
    quoting one is refused, so a chapter must paraphrase it.
    """
    if protected is None:
        protected = protected_ids()
    if comment_id in protected:
        raise QuotingRuleError(f"comment {comment_id} discloses abuse or attraction: paraphrase it, never quote it")
    row = table.loc[table["comment_id"] == comment_id]
    if row.empty:
        raise KeyError(f"no comment with id {comment_id}")
    row = row.iloc[0]
    text = redact(row["text"], name_patterns(table))
    words = text.split()
    if max_words is not None and len(words) > max_words:
        text = " ".join(words[:max_words]) + " […]"
    return Quote(int(row["comment_id"]), row["author_id"], row["region"], text)


class QuoteList:
    """Several quotes shown together."""

    def __init__(self, quotes: list[Quote]):
        self.quotes = quotes

    def _repr_html_(self) -> str:
        return "".join(q._repr_html_() for q in self.quotes)

    def __repr__(self) -> str:
        return "\n\n".join(repr(q) for q in self.quotes)


@dataclass(frozen=True)
class Paraphrase:
    """A comment that may not be quoted, shown as the researcher's paraphrase instead."""

    comment_id: int
    author_id: str
    region: str
    paraphrase: str

    def _repr_html_(self) -> str:
        return (
            '<blockquote class="comment-paraphrase tex2jax_ignore mathjax_ignore">'
            f"<p><em>Paraphrase:</em> {html.escape(self.paraphrase)}</p>"
            f'<p class="attribution">— Comment {self.comment_id} · {html.escape(self.author_id)} · '
            f"{html.escape(self.region)} (a disclosure: paraphrased, not quoted)</p></blockquote>"
        )

    def __repr__(self) -> str:
        return f"Comment {self.comment_id} (paraphrased): {self.paraphrase}"


def quote_or_paraphrase(table: pd.DataFrame, comment_id: int, memo: str, max_words: int | None = None) -> Quote | Paraphrase:
    """Quote a comment, or, if it is a disclosure, show the coder's paraphrase (its memo)."""
    if comment_id in protected_ids():
        row = table.loc[table["comment_id"] == comment_id].iloc[0]
        return Paraphrase(comment_id, row["author_id"], row["region"], memo)
    return quote(table, comment_id, max_words=max_words)


def coded_example(table: pd.DataFrame, sheet: pd.DataFrame, code_ids: list[str], comment_id: int) -> "CodedExample":
    """A comment (quoted or paraphrased) with the codes and tone it received in ``sheet``."""
    row = sheet.loc[sheet["comment_id"] == comment_id].iloc[0]
    shown = quote_or_paraphrase(table, comment_id, row["memo"])
    return CodedExample(shown, [c for c in code_ids if row[c] == 1], row["tone"])


@dataclass(frozen=True)
class CodedExample:
    """What a reader of the walk-through sees: the comment, then its codes and tone."""

    shown: Quote | Paraphrase
    codes: list[str]
    tone: str

    def _repr_html_(self) -> str:
        codes = ", ".join(f"<code>{html.escape(c)}</code>" for c in self.codes) or "none"
        return (f"{self.shown._repr_html_()}<p class=\"coded-as\"><strong>Coded:</strong> {codes}; "
                f"<strong>tone:</strong> {html.escape(self.tone.replace('_', ' '))}</p>")

    def __repr__(self) -> str:
        return f"{self.shown!r}\nCoded: {', '.join(self.codes) or 'none'}; tone: {self.tone}"


def word_runs(text: str, run: int = 8) -> set[str]:
    """Every run of ``run`` consecutive words in ``text`` (lower case): the unit in which a quote is recognised."""
    words = re.findall(r"\w+", str(text).lower())
    return {" ".join(words[i:i + run]) for i in range(len(words) - run + 1)}


def near_disclosures(table: pd.DataFrame, answers: pd.Series, protected: set[int] | frozenset[int] | None = None,
                     run: int = 8) -> set[int]:
    """Comments near a disclosure, which the book does not quote either: they answer one, repeat ``run`` words of one, or share its author.

    An answer can reveal what a disclosure says; a quote from another comment by the same
    commenter can be searched for and leads to the commenter, and so to the disclosure.
    ``answers`` maps a comment id to the id of the comment it answers (for instance
    :func:`comment_study.analysis.findings.answered_in_memo`). The disclosures themselves are not listed:
    :func:`quote` refuses them anyway.
    """
    if protected is None:
        protected = protected_ids()
    texts = table.set_index("comment_id")["text"]
    disclosed = set().union(*(word_runs(texts[c], run) for c in protected if c in texts.index))
    answering = {int(a) for a, t in answers.dropna().items() if int(t) in protected}
    echoing = {int(c) for c, text in texts.items() if word_runs(text, run) & disclosed}
    authors = set(table.loc[table["comment_id"].isin(protected), "author_id"])
    same_author = set(table.loc[table["author_id"].isin(authors), "comment_id"].astype(int))
    return (answering | echoing | same_author) - set(protected)
