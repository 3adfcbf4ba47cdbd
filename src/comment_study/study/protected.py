"""The protected comments: the one definition of which comments are never shown in the commenter's words.

A disclosure (``data/disclosures.csv``: a commenter's own abuse, or their own sexual
attraction to children) is paraphrased, never quoted. That alone does not protect the person:
a sentence quoted from *another* comment can be searched for on the public page, which shows
the display name, and so leads to them; a reply can repeat what the paraphrase leaves out. A
comment is therefore protected, with the reason recorded, when it

1. **is a disclosure** (``discloses ...``);
2. **answers a disclosure**, by the reader's record of replies
   (:func:`comment_study.study.replies.read_links`; ``answers disclosure N``);
3. **repeats** :data:`RUN` **or more consecutive words of a disclosure** that no other comment
   has (a quote or an echo; a run that a third comment shares too is a stock phrase or a quote
   of the article, not evidence; ``repeats 8 or more words of disclosure N``);
4. **is by a commenter who discloses** in another comment (``by the writer of disclosure N``).

Protected comments are paraphrased (the primary coder's memo) or withheld everywhere: in the
book (:mod:`comment_study.study.quotes` is the gate), in the REFI-QDA project, and in the
de-identified export the repository ships, where each one's text is replaced by its reason and
paraphrase (:mod:`comment_study.corpus.deidentify`). Rule 3 needs the disclosures' words,
which only the original export holds; in the de-identified export the reasons written in the
withheld lines carry it, so the set computed from either export is the same (tested).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

RUN = 8
"""A run of this many consecutive words shared with a disclosure marks a quote or an echo of it."""

KINDS = {
    "abuse": "discloses the commenter's own abuse",
    "attraction": "discloses the commenter's own sexual attraction to children",
}
"""What rule 1's reason says, by the ``kind`` column of data/disclosures.csv."""

ORDER = ("discloses", "answers", "repeats", "by the writer")
"""The order in which the reasons of one comment are listed."""


def word_runs(text: str, run: int = RUN) -> set[str]:
    """Every run of ``run`` consecutive words in ``text`` (lower case): the unit in which a quote is recognised."""
    words = re.findall(r"\w+", str(text).lower())
    return {" ".join(words[i:i + run]) for i in range(len(words) - run + 1)}


def _plural(ids: list[int], one: str, many: str) -> str:
    ids = sorted(ids)
    if len(ids) == 1:
        return f"{one} {ids[0]}"
    return f"{many} {', '.join(str(i) for i in ids[:-1])} and {ids[-1]}"


def reasons(comments: pd.DataFrame, links: pd.DataFrame, disclosures: pd.DataFrame, run: int = RUN) -> pd.DataFrame:
    """Every protected comment with the reasons it is protected: columns ``comment_id`` and ``reason``.

    ``comments`` is a comment table (``comment_id``, ``author_id``, ``text`` and, for a
    de-identified export, ``withheld``); ``links`` the reader's record of replies
    (``comment_id``, ``reply_to``); ``disclosures`` the rows of data/disclosures.csv (without a
    ``kind`` column, a disclosure's reason is just "discloses"). The reasons
    of one comment are joined with "; " in the order of the module docstring.
    """
    found: dict[int, set[str]] = {}

    def add(cid: int, reason: str) -> None:
        found.setdefault(int(cid), set()).add(reason)

    given = disclosures["kind"] if "kind" in disclosures.columns else [None] * len(disclosures)
    kinds = {int(c): k for c, k in zip(disclosures["comment_id"], given)}
    for cid, kind in kinds.items():
        if kind is not None and kind not in KINDS:
            raise ValueError(f"data/disclosures.csv: comment {cid} has unknown kind {kind!r} (expected {sorted(KINDS)})")
        add(cid, KINDS.get(kind, "discloses"))
    for reply, target in zip(links["comment_id"], links["reply_to"]):
        if int(target) in kinds and int(reply) not in kinds:
            add(reply, f"answers disclosure {int(target)}")
    texts = comments.set_index("comment_id")["text"]
    withheld = comments.set_index("comment_id")["withheld"] if "withheld" in comments.columns else pd.Series(dtype=str)
    disclosed = {c: word_runs(texts[c], run) for c in kinds if c in texts.index and not withheld.get(c, "")}
    runs_of = {cid: word_runs(text, run) for cid, text in texts.items()}
    holders: dict[str, set[int]] = {}
    for cid, runs in runs_of.items():
        for r in runs:
            holders.setdefault(r, set()).add(int(cid))
    for cid, mine in runs_of.items():
        if cid in kinds:
            continue
        for d, runs in disclosed.items():
            # a run that a third comment has too is a stock phrase or a quote of the article, not an echo
            if any(holders[r] <= set(kinds) | {int(cid)} for r in mine & runs):
                add(cid, f"repeats {run} or more words of disclosure {d}")
    by_author = comments.groupby("author_id")["comment_id"].apply(lambda s: [int(i) for i in s])
    for ids in by_author:
        own = [i for i in ids if i in kinds]
        for cid in ids:
            if own and cid not in kinds:
                add(cid, "by the writer of " + _plural(own, "disclosure", "disclosures"))
    for cid, reason in withheld.items():
        if reason:
            for part in str(reason).split("; "):
                add(cid, part)
    rows = [(cid, "; ".join(sorted(parts, key=_rank))) for cid, parts in sorted(found.items())]
    return pd.DataFrame(rows, columns=["comment_id", "reason"])


def _rank(reason: str) -> tuple[int, str]:
    return next((k for k, start in enumerate(ORDER) if reason.startswith(start)), len(ORDER)), reason


def ids(table: pd.DataFrame) -> frozenset[int]:
    """The ids of a :func:`reasons` table."""
    return frozenset(int(i) for i in table["comment_id"])


def load(root: Path | None = None) -> pd.DataFrame:
    """The protected comments of the book at ``root`` (its corpus, primary memos and reply checks)."""
    from comment_study.corpus import files

    root = (root or files.project_root()).resolve()
    return _load(str(root), files.fingerprint(root, [files.RAW_COMMENTS, files.DISCLOSURES, files.REPLY_CHECKS,
                                                       "data/coding/primary.csv", files.LOCATIONS]))


_CACHE: dict[tuple[str, str], pd.DataFrame] = {}
"""Computed sets by book root and the fingerprint of the files they come from (a changed file is read again)."""


def _load(root: str, fingerprint: str) -> pd.DataFrame:
    from comment_study.corpus import files
    from comment_study.study import replies

    key = (root, fingerprint)
    if key not in _CACHE:
        comments = files.comments(Path(root))
        sheet = pd.read_csv(files.path("data/coding/primary.csv", Path(root)), keep_default_na=False)
        links = replies.read_links(sheet, comments, files.reply_checks(Path(root)))
        _CACHE[key] = reasons(comments, links, files.disclosures(Path(root)))
    return _CACHE[key].copy()


def deidentified_export(original: Path | str, root: Path | None = None) -> str:
    """The de-identified export of ``original`` (see :mod:`comment_study.corpus.deidentify`), as text.

    Reads the book's location table, disclosures, primary coding (its memos are the
    paraphrases of the withheld comments) and reply checks at ``root``. Deterministic, and
    idempotent: given its own output it returns that output unchanged.
    """
    from comment_study.coding import sheets
    from comment_study.corpus import deidentify, export, files, privacy, regions
    from comment_study.study import replies

    root = root or files.project_root()
    table = export.parse_export(original)
    location_table = regions.load_location_table(files.path(files.LOCATIONS, root))
    comments = files.enrich(table, files.article(root), location_table)
    sheet = pd.read_csv(files.path("data/coding/primary.csv", root), keep_default_na=False)
    links = replies.read_links(sheet, comments, files.reply_checks(root))
    memos = sheet.set_index("comment_id")["memo"]
    redact = privacy.NameRule(comments["author"].unique()).redact
    withheld = {int(cid): deidentify.withheld_line(reason, redact(sheets.paraphrase(memos[cid])))
                for cid, reason in zip(*reasons(comments, links, files.disclosures(root)).to_dict("list").values())}
    return deidentify.render(comments, export.read_lines(original)[0], withheld, location_table)
