"""The thread as a conversation: who answers whom, in what spirit, and on which topics.

The export records no threading, so there are two reconstructions of who answers whom. The
rules of :mod:`comment_study.corpus.threads` find the replies that announce themselves (by name, by
quotation, by an opening cue). The primary coder, reading every comment in order, recorded in
the memo which comment a reply answers (``In answer to 63: ...``); the hand check of the rules
(``data/reply_checks.csv``) adds the replies it found. :func:`read_links` joins those readings;
every chapter claim about dialogue names which reconstruction it rests on.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from comment_study.corpus import files as data, threads

from comment_study.analysis import findings
from comment_study.study.replies import LinkError

OWNED_EXCHANGES: dict[str, tuple[int, ...]] = {"exchange-93": (93, 94, 95, 96), "exchange-235": (235, 236, 237, 238)}
"""The exchanges the conversation chapter shows in full, by their label there: every other page refers to them."""


def owning_exchange(comment_id: int) -> str | None:
    """The label of the owned exchange a comment belongs to, or None: such a comment is quoted in one chapter only."""
    return next((label for label, ids in OWNED_EXCHANGES.items() if comment_id in ids), None)


def exchange_note(comment_id: int) -> str:
    """HTML shown in place of a comment of an owned exchange on another page: where to read it in full."""
    label = owning_exchange(comment_id)
    if label is None:
        raise ValueError(f"comment {comment_id} belongs to no exchange the conversation chapter owns")
    return (f'<blockquote><p>Comment {comment_id} belongs to an exchange shown in full in the conversation '
            f'chapter: <a href="conversation.html#{label}">read it there</a>.</p></blockquote>')

STANCES = ("disputes", "supports", "neither")
"""How a reply meets the comment it answers (see data/README.md for the reading rule)."""

STANCE_FILE = Path("data/reply_stances.csv")


def rule_agreement(comments: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Each rule-detected reply beside the reader's link: ``same`` target, ``other`` target, or ``none`` recorded."""
    rules = comments.loc[comments["reply_to"].notna(), ["comment_id", "reply_to", "reply_basis"]]
    merged = rules.merge(links[["comment_id", "reply_to"]], on="comment_id", how="left", suffixes=("_rule", "_read"))
    merged["reply_to_read"] = merged["reply_to_read"].astype("Int64")
    same = (merged["reply_to_read"] == merged["reply_to_rule"]).fillna(False).to_numpy(dtype=bool)
    merged["verdict"] = np.select([merged["reply_to_read"].isna().to_numpy(), same], ["none", "same"], "other")
    return merged.reset_index(drop=True)


def load_stances(links: pd.DataFrame, path: Path | str | None = None) -> pd.DataFrame:
    """The stance of each reply towards the comment it answers, checked to cover exactly the links given."""
    path = Path(path) if path is not None else data.path(STANCE_FILE)
    table = pd.read_csv(path, dtype={"note": str}, keep_default_na=False)
    expected = ["comment_id", "reply_to", "stance", "note"]
    if list(table.columns) != expected:
        raise LinkError(f"{path}, line 1: columns must be {expected}")
    wanted = dict(zip(links["comment_id"], links["reply_to"]))
    seen: set[int] = set()
    for number, row in enumerate(table.itertuples(index=False), start=2):
        if row.stance not in STANCES:
            raise LinkError(f"{path}, line {number}: stance {row.stance!r} is not one of {list(STANCES)}")
        if wanted.get(row.comment_id) != row.reply_to:
            raise LinkError(f"{path}, line {number}: no recorded link from comment {row.comment_id} to {row.reply_to}")
        if row.comment_id in seen:
            raise LinkError(f"{path}, line {number}: comment {row.comment_id} has two stances")
        seen.add(row.comment_id)
    missing = sorted(set(wanted) - seen)
    if missing:
        raise LinkError(f"{path}: no stance for the replies {missing[:5]}")
    return table


def link_table(links: pd.DataFrame, sheet: pd.DataFrame, codes: list[str], comments: pd.DataFrame) -> pd.DataFrame:
    """One row per link: both comments' authors and codes, the codes they share, and how far apart they stand."""
    coded = sheet.set_index("comment_id")[codes]
    author = comments.set_index("comment_id")["author_id"]
    out = links.copy()
    out["reply_author"] = out["comment_id"].map(author)
    out["target_author"] = out["reply_to"].map(author)
    reply_codes = coded.loc[out["comment_id"]].to_numpy() == 1
    target_codes = coded.loc[out["reply_to"]].to_numpy() == 1
    names = np.array(codes)
    out["reply_codes"] = [list(names[r]) for r in reply_codes]
    out["target_codes"] = [list(names[t]) for t in target_codes]
    out["shared_codes"] = [list(names[r & t]) for r, t in zip(reply_codes, target_codes)]
    out["n_shared"] = (reply_codes & target_codes).sum(axis=1)
    out["shares_code"] = out["n_shared"] > 0
    out["reply_uncoded"] = ~reply_codes.any(axis=1)
    out["distance"] = (out["comment_id"] - out["reply_to"]).abs()
    return out


def roles(ids: pd.Series, links: pd.DataFrame) -> pd.DataFrame:
    """For each comment id: whether it is a reply, how many replies it received, and whether it is in dialogue."""
    received = links["reply_to"].value_counts()
    out = pd.DataFrame({"comment_id": ids.to_numpy()})
    out["is_reply"] = out["comment_id"].isin(links["comment_id"])
    out["n_replies"] = out["comment_id"].map(received).fillna(0).astype(int)
    out["answered"] = out["n_replies"] > 0
    out["in_dialogue"] = out["is_reply"] | out["answered"]
    return out


def exchanges(links: pd.DataFrame) -> list[list[int]]:
    """The exchanges: groups of comments joined by reply links (connected components), largest first."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(links["comment_id"], links["reply_to"]):
        parent[root(int(a))] = root(int(b))
    groups: dict[int, list[int]] = {}
    for node in parent:
        groups.setdefault(root(node), []).append(node)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def chain_depth(links: pd.DataFrame) -> dict[int, int]:
    """For each reply, how many links lead from it back to a comment that answers nobody."""
    target = dict(zip(links["comment_id"], links["reply_to"]))
    depth: dict[int, int] = {}
    for start in target:
        steps, node, seen = 0, start, set()
        while node in target:
            if node in seen:
                raise LinkError(f"the reply links form a cycle through comment {node}")
            seen.add(node)
            node, steps = target[node], steps + 1
        depth[start] = steps
    return depth


def mutual_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """Pairs of commenters who each answered the other at least once, with how often (from :func:`link_table`)."""
    directed = table.groupby(["reply_author", "target_author"]).size()
    rows = []
    for (a, b), n in directed.items():
        back = directed.get((b, a), 0)
        if back and a < b:
            rows.append({"first": a, "second": b, "first_answers": int(n), "second_answers": int(back)})
    return pd.DataFrame(rows, columns=["first", "second", "first_answers", "second_answers"])


def code_flow(table: pd.DataFrame, stances: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Per code: the replies to comments carrying it, how many keep the code, and how many of each stance."""
    merged = table.drop(columns=["stance"], errors="ignore").merge(
        stances[["comment_id", "stance"]], on="comment_id", how="left", validate="one_to_one")
    rows = []
    for code in codes:
        answering = merged[merged["target_codes"].map(lambda c: code in c)]
        row = {"code": code, "replies": len(answering),
               "keep_code": int(answering["reply_codes"].map(lambda c: code in c).sum())}
        for stance in STANCES:
            row[stance] = int((answering["stance"] == stance).sum())
        rows.append(row)
    return pd.DataFrame(rows).set_index("code")


def frequent_commenters(table: pd.DataFrame, min_comments: int) -> pd.Series:
    """Commenters with at least ``min_comments`` comments in ``table``, most active first (ties by pseudonym)."""
    counts = table.groupby("author_id").size()
    counts = counts[counts >= min_comments]
    return counts.sort_values(ascending=False, kind="stable").rename("comments")


def commenter_profile(author_id: str, comments: pd.DataFrame, sheet: pd.DataFrame, codes: list[str],
                      links: pd.DataFrame) -> pd.DataFrame:
    """One commenter's comments in thread order: codes, tone, whom each answers and who answers it."""
    own = comments.loc[comments["author_id"] == author_id, ["comment_id", "n_words", "duplicate_of"]]
    coded = sheet.set_index("comment_id")
    target = dict(zip(links["comment_id"], links["reply_to"]))
    answered_by = links.groupby("reply_to")["comment_id"].apply(lambda s: sorted(int(i) for i in s)).to_dict()
    out = own.copy()
    out["codes"] = [[c for c in codes if coded.loc[i, c] == 1] for i in own["comment_id"]]
    out["tone"] = [coded.loc[i, "tone"] for i in own["comment_id"]]
    out["answers"] = pd.array([target.get(int(i)) for i in own["comment_id"]], dtype="Int64")
    out["answered_by"] = [answered_by.get(int(i), []) for i in own["comment_id"]]
    return out.reset_index(drop=True)


def by_commenter(table: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Per commenter in ``table``: how many comments, how many of them are replies, and whether any is."""
    replies = table["comment_id"].isin(links["comment_id"])
    out = table.assign(reply=replies).groupby("author_id").agg(comments=("reply", "size"), replies=("reply", "sum"))
    out["replied"] = out["replies"] > 0
    return out


def estimated_replies(check: threads.ReplyCheck, confidence: float = 0.95) -> tuple[float, float, float]:
    """All replies the rules' hand check implies, with a Wilson range on the miss rate.

    The flagged comments the check found to be right replies (``n_correct``, not every flagged
    comment: a flag with the wrong target or no reply at all is not a reply found), plus the
    estimated misses among the comments the rules left alone.
    """
    low, high = findings.wilson(check.n_missed, check.n_random, confidence)
    return (check.estimated_total,
            check.n_correct + low * check.n_undetected, check.n_correct + high * check.n_undetected)


def mentions(comments: pd.DataFrame, pattern: str) -> list[int]:
    """Ids of the comments whose text matches a regular expression (case-insensitive): a keyword search."""
    hit = comments["text"].str.contains(pattern, case=False, regex=True)
    return [int(i) for i in comments.loc[hit, "comment_id"]]


def row_breaks(n: int, spans: list[tuple[int, int]], rows: int) -> list[int]:
    """Where to wrap positions 1..n into ``rows`` rows of about equal length without cutting a span in two.

    Returns the first position of each row after the first. A break at ``b`` cuts a span
    ``(lo, hi)`` when ``lo < b <= hi``; each break moves to the nearest position that cuts none.
    """
    if rows < 1 or n < rows:
        raise ValueError(f"cannot wrap {n} positions into {rows} rows")
    cut = lambda b: any(min(s) < b <= max(s) for s in spans)  # noqa: E731
    breaks: list[int] = []
    for k in range(1, rows):
        ideal = 1 + round(k * n / rows)
        free = [b for b in range(2, n + 1) if not cut(b) and (not breaks or b > breaks[-1])]
        if not free:
            raise ValueError("no break avoids every span")
        breaks.append(min(free, key=lambda b: (abs(b - ideal), b)))
    return breaks
