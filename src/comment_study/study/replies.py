"""Who answers whom: the reader's record of replies, the one definition of a reply the study uses.

The export records no threading. The primary coder, reading every comment in order, recorded in
the memo which comment a reply answers (``In answer to 63: ...``); the hand check of the reply
rules (``data/reply_checks.csv``) adds the replies it found. :func:`read_links` joins those
readings. The rules of :mod:`comment_study.corpus.threads` (replies that announce themselves by
name, quotation or an opening cue) are a check of this record, not a second definition.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MEMO_LINK = re.compile(r"^In answer to (\d+):|\(answers (\d+)\)")
"""How a memo records the comment a reply answers: an opening ``In answer to N:`` or ``(answers N)``."""

class LinkError(ValueError):
    """A reply link that cannot be right; the message names the file and the line."""


def memo_links(sheet: pd.DataFrame, comments: pd.DataFrame, source: str = "data/coding/primary.csv") -> pd.DataFrame:
    """The reply links a coding sheet's memos record: one row per reply, ``comment_id`` and ``reply_to``."""
    known = set(comments["comment_id"])
    empty = set(comments.loc[comments["is_empty"], "comment_id"])
    rows = []
    for number, row in enumerate(sheet[["comment_id", "memo"]].itertuples(index=False), start=2):
        targets = {int(a or b) for a, b in MEMO_LINK.findall(str(row.memo))}
        if len(targets) > 1:
            raise LinkError(f"{source}, line {number}: the memo of comment {row.comment_id} names several targets {sorted(targets)}")
        for target in targets:
            if target == row.comment_id or target not in known or target in empty:
                raise LinkError(f"{source}, line {number}: comment {row.comment_id} cannot answer comment {target}")
            rows.append((int(row.comment_id), target))
    return pd.DataFrame(rows, columns=["comment_id", "reply_to"], dtype="int64")


def read_links(sheet: pd.DataFrame, comments: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """Every reply a reader recorded: the memo links and the hand check's replies, with where each was recorded.

    ``source`` is ``memo``, ``check`` or ``memo and check``. A reply whose memo and hand check name
    different targets is an error, not a choice: one of the two files must be corrected.
    """
    memo = memo_links(sheet, comments).assign(memo=True)
    checked = checks.loc[checks["is_reply"] == "yes", ["comment_id", "reply_to"]].dropna().astype("int64").assign(check=True)
    both = memo.merge(checked, on="comment_id", how="outer", suffixes=("_memo", "_check"))
    conflict = both["reply_to_memo"].notna() & both["reply_to_check"].notna() & (both["reply_to_memo"] != both["reply_to_check"])
    if conflict.any():
        cid = int(both.loc[conflict, "comment_id"].iloc[0])
        raise LinkError(f"data/reply_checks.csv: comment {cid} answers a different comment there than in its memo")
    both["reply_to"] = both["reply_to_memo"].fillna(both["reply_to_check"]).astype("int64")
    in_memo, in_check = both["memo"].eq(True), both["check"].eq(True)
    both["source"] = np.select([in_memo & in_check, in_memo], ["memo and check", "memo"], "check")
    return both[["comment_id", "reply_to", "source"]].sort_values("comment_id").reset_index(drop=True)
