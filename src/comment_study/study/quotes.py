"""The quoting gate: every comment text that leaves the package passes here.

Book pages (:func:`quote`, :func:`quote_or_paraphrase`), the REFI-QDA project's sources and
notes, and the tables that ``parse`` and ``code`` write (:func:`shown_texts`) all show comment
text through this module, so one promise holds everywhere: a protected comment
(:mod:`comment_study.study.protected`) is never shown in its writer's words, only as a
paraphrase or with the reason it is withheld; names that could identify a commenter are
replaced by ``[name]`` under one rule (:func:`comment_study.corpus.privacy.redact`).

Comment text is data, never markup: a comment holding ``<script>``, Markdown, MyST
roles or ``$`` signs must show literally. Quotes are rendered as escaped HTML inside an
element that MathJax is told to skip.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from comment_study.coding.sheets import paraphrase
from comment_study.corpus.privacy import NamePattern, NameRule, identifying_names
from comment_study.study import protected as protected_module
from comment_study.study.protected import word_runs  # noqa: F401  (the unit of an echo, defined there)


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


def redactor(table: pd.DataFrame):
    """The one name rule for a comment table's texts: a function from text to text with names replaced by ``[name]``."""
    return NameRule(table["author"].unique()).redact


class QuotingRuleError(ValueError):
    """Raised when the book asks to quote a comment that must only be paraphrased."""


def protected_ids() -> frozenset[int]:
    """Ids of the protected comments of the book around the current folder (:mod:`comment_study.study.protected`)."""
    return protected_module.ids(protected_module.load())


def protected_reasons() -> dict[int, str]:
    """Why each protected comment of the book is protected, by id."""
    table = protected_module.load()
    return dict(zip(table["comment_id"].astype(int), table["reason"]))


def disclosure_ids() -> frozenset[int]:
    """Ids of the comments that disclose the commenter's own abuse or attraction (data/disclosures.csv)."""
    from comment_study.corpus import files as data

    return frozenset(int(i) for i in data.disclosures()["comment_id"])


def quote(
    table: pd.DataFrame,
    comment_id: int,
    max_words: int | None = None,
    protected: set[int] | frozenset[int] | None = None,
) -> Quote:
    """A comment's text, names redacted, optionally shortened to ``max_words`` words.

    ``protected`` holds the ids of the protected comments (by default, the book's:
    :func:`protected_ids`); quoting one is refused, so a chapter must paraphrase it.
    """
    if protected is None:
        protected = protected_ids()
    if comment_id in protected:
        raise QuotingRuleError(f"comment {comment_id} is protected (a disclosure, or near one): "
                               "paraphrase it, never quote it")
    row = table.loc[table["comment_id"] == comment_id]
    if row.empty:
        raise KeyError(f"no comment with id {comment_id}")
    row = row.iloc[0]
    text = redactor(table)(row["text"])
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
    """A comment that may not be quoted, shown as the primary coder's paraphrase instead."""

    comment_id: int
    author_id: str
    region: str
    paraphrase: str
    reason: str = "a disclosure"

    def _repr_html_(self) -> str:
        return (
            '<blockquote class="comment-paraphrase tex2jax_ignore mathjax_ignore">'
            f"<p><em>Paraphrase:</em> {html.escape(self.paraphrase)}</p>"
            f'<p class="attribution">— Comment {self.comment_id} · {html.escape(self.author_id)} · '
            f"{html.escape(self.region)} (protected: {html.escape(self.reason)}; paraphrased, not quoted)</p></blockquote>"
        )

    def __repr__(self) -> str:
        return f"Comment {self.comment_id} (paraphrased): {self.paraphrase}"


def quote_or_paraphrase(table: pd.DataFrame, comment_id: int, memo: str, max_words: int | None = None) -> Quote | Paraphrase:
    """Quote a comment, or, if it is protected, show the coder's paraphrase (its memo as first written) and why."""
    reasons = protected_reasons()
    if comment_id in reasons:
        row = table.loc[table["comment_id"] == comment_id].iloc[0]
        return Paraphrase(comment_id, row["author_id"], row["region"], redactor(table)(paraphrase(memo)),
                          reasons[comment_id])
    return quote(table, comment_id, max_words=max_words, protected=frozenset(reasons))


def withheld_reasons(table: pd.DataFrame) -> tuple[dict[int, str], dict[int, str]]:
    """The reasons and paraphrases of the comments a parsed export marks as withheld (its ``withheld`` column)."""
    if "withheld" not in table.columns:
        return {}, {}
    marked = table[table["withheld"].fillna("") != ""]
    ids = marked["comment_id"].astype(int)
    return dict(zip(ids, marked["withheld"])), dict(zip(ids, marked["text"]))


def shown_texts(table: pd.DataFrame, reasons: dict[int, str] | None = None,
                paraphrases: dict[int, str] | None = None, redact_names: bool = True,
                names: Callable[[str], str] | None = None) -> pd.Series:
    """The text each comment of ``table`` may be shown with outside the package, by id order of ``table``.

    A protected comment (``reasons``: id -> why) is shown as ``[withheld: REASON] PARAPHRASE``
    when ``paraphrases`` has one, else as ``[withheld: REASON]``; every other text has its names
    redacted (unless ``redact_names`` is False: ``parse --keep-names`` on a reader's own export).
    The name rule is that of ``table``'s own display names, or ``names`` (:func:`redactor` of the
    whole thread) when ``table`` is a part of a thread: ``code`` shows each chunk of an export so,
    with the thread's rule, in the process that codes it. The REFI-QDA sources and the tables
    ``parse`` and ``code`` write use this.
    """
    reasons, paraphrases = reasons or {}, paraphrases or {}
    redact_names = (names or redactor(table)) if redact_names else str
    out = []
    for cid, text in zip(table["comment_id"].astype(int), table["text"].fillna("")):
        if cid in reasons:
            shown = f"[withheld: {reasons[cid]}]"
            out.append(f"{shown} {redact_names(paraphrases[cid])}" if cid in paraphrases else shown)
        else:
            out.append(redact_names(text))
    return pd.Series(out, index=table.index, dtype="object")


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


