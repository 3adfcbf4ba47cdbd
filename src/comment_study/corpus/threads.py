"""Recover what the export lost: reposts of the same comment, and who replies to whom.

The export is a flat list. A reposted comment and a reply both leave traces in the
text, and each rule here looks for one kind of trace. They are best-effort, so each
row records which rule fired (``reply_basis``) and the book reports how often the
rules agree with a hand check (``data/reply_checks.csv``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd
from rapidfuzz.distance import Indel

from comment_study.corpus import privacy

REPOST_SIMILARITY = 0.8
"""Two comments by one commenter whose texts are at least this similar are one comment posted twice."""

QUOTE_WORDS = 8
"""A run of this many words, in quotation marks, copied from an earlier comment marks a reply."""

ECHO_WORDS = 10
"""A run this long copied from an earlier comment marks a reply even without quotation marks."""

QUOTED = re.compile(r'"[^"]*"|“[^”]*”')

REPLY_CUES = re.compile(
    r"^(?:I agree\b|Agreed\b|Exactly\b|Actually,|True,|As in,|And (?!we\b|then\b)\w+,|"
    r"Please, read the article|Utterly non-sequitur)",
)
"""Openers that only make sense as an answer to the comment just before."""


def text_similarity(a: str, b: str) -> float:
    """Similarity of two texts from 0 to 1 (difflib's ratio, without its junk heuristic)."""
    if a == b:
        return 1.0  # what difflib computes for identical texts (2n / 2n; empty ones too), without the quadratic search
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def similar_at_least(a: str, b: str, threshold: float) -> bool:
    """Whether ``text_similarity(a, b) >= threshold``, skipping the slow comparison when a cheap bound rules it out.

    difflib's ratio is 2M / (len(a) + len(b)), where M counts the characters of its matching
    blocks, a common subsequence of the two texts; so it is never above the same ratio taken
    with the longest common subsequence, which ``rapidfuzz`` computes in C (its normalized
    Indel similarity). When that upper bound, or difflib's own bound from the lengths, falls
    below the threshold, so does the ratio; otherwise difflib decides. The answer is exactly
    the full comparison's, hundreds of times faster on a large thread.
    """
    if a == b:
        return 1.0 >= threshold
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < threshold:
        return False
    if Indel.normalized_similarity(a, b) < threshold - _ROUNDING:
        return False
    return matcher.ratio() >= threshold


_ROUNDING = 1e-9
"""Room for the two libraries' floating-point division to round differently; the bound only skips clear misses."""


def find_reposts(comments: pd.DataFrame, threshold: float = REPOST_SIMILARITY) -> pd.Series:
    """For each comment, the id of an earlier, near-identical comment by the same commenter."""
    earlier_by: dict[object, list[tuple[int, int, str]]] = {}
    found = [pd.NA] * len(comments)
    rows = zip(comments["is_empty"].to_numpy(), comments["author_id"].to_numpy(),
               comments["comment_id"].to_numpy(), comments["text"].to_numpy())
    for pos, (is_empty, author_id, comment_id, text) in enumerate(rows):
        if is_empty:
            continue
        earlier = earlier_by.setdefault(author_id, [])
        for earlier_pos, earlier_id, earlier_text in earlier:
            if similar_at_least(earlier_text, text, threshold):
                original = found[earlier_pos]
                found[pos] = earlier_id if original is pd.NA else original
                break
        earlier.append((pos, comment_id, text))
    return pd.Series(pd.array(found, dtype="Int64"), index=comments.index)


def same_commenter_similarities(comments: pd.DataFrame) -> pd.DataFrame:
    """Every pair of non-empty comments by one commenter with their text similarity."""
    pairs = []
    for author_id, group in comments[~comments["is_empty"]].groupby("author_id", sort=False):
        rows = list(group[["comment_id", "text"]].itertuples(index=False))
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                pairs.append((author_id, a.comment_id, b.comment_id, text_similarity(a.text, b.text)))
    return pd.DataFrame(pairs, columns=["author_id", "first_id", "second_id", "similarity"])


def _address(text: str) -> str | None:
    """The name a comment addresses: ``@Name`` anywhere, or a leading ``Name,`` / ``Name:``."""
    found = privacy.addressed_name(text)
    return found[1] if found else None


def _name_matches(addressed: str, display_name: str) -> bool:
    """Whether an addressed name refers to a display name (whole name, or its first word)."""
    return privacy.name_length(addressed, display_name) > 0


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.casefold())


def _quoted_words(text: str) -> list[str]:
    """The words a comment puts inside quotation marks."""
    return _words(" | ".join(QUOTED.findall(text)))


def _own_words(text: str) -> list[str]:
    """The words a comment writes itself, leaving out what it quotes from elsewhere."""
    return _words(QUOTED.sub(" | ", text))


def _grams(words: list[str], size: int) -> frozenset[tuple[str, ...]]:
    """Every run of ``size`` consecutive words."""
    return frozenset(tuple(words[i:i + size]) for i in range(len(words) - size + 1))


@dataclass(frozen=True)
class _Runs:
    """The word runs of one comment that the quote rule compares."""

    own: frozenset      # runs of QUOTE_WORDS the commenter wrote
    own_long: frozenset  # runs of ECHO_WORDS the commenter wrote
    quoted: frozenset   # runs of QUOTE_WORDS inside the comment's quotation marks
    any_long: frozenset  # runs of ECHO_WORDS anywhere in the comment
    cited: frozenset    # what the article check looks at: the quoted runs, or all runs if none

    @classmethod
    def of(cls, text: str) -> "_Runs":
        own, quoted, every = _own_words(text), _quoted_words(text), _words(text)
        quoted_runs = _grams(quoted, QUOTE_WORDS)
        return cls(_grams(own, QUOTE_WORDS), _grams(own, ECHO_WORDS), quoted_runs,
                   _grams(every, ECHO_WORDS), quoted_runs or _grams(every, QUOTE_WORDS))


def _quotes(reply: _Runs, earlier: _Runs, article: frozenset) -> bool:
    """Whether ``reply`` quotes what the author of ``earlier`` wrote (not the article)."""
    copied = bool(reply.quoted & earlier.own) or bool(reply.any_long & earlier.own_long)
    return copied and not (reply.cited & article)


def find_replies(
    comments: pd.DataFrame,
    article_text: str = "",
    duplicate_of: pd.Series | None = None,
) -> pd.DataFrame:
    """Best-effort ``reply_to`` and ``reply_basis`` (address, quote, cue) for each comment.

    The export is not strictly in posting order (a reply can stand above the comment it
    answers), so the address and quote rules look at earlier comments first, nearest
    first, then at later ones; a quotation points only to earlier comments. Rules, tried
    in order: the comment addresses another commenter by name; it quotes, in quotation marks, ``QUOTE_WORDS`` words that
    an earlier commenter wrote (not words that commenter quoted, nor the article's), or
    copies ``ECHO_WORDS`` of them without marks; it opens with a cue that answers the
    comment before it.
    A repost is never a reply target when its original is available.
    """
    article = _grams(_words(article_text), QUOTE_WORDS)
    runs = {row.comment_id: _Runs.of(row.text) for row in comments.itertuples()}
    reply_to = pd.Series(pd.NA, index=comments.index, dtype="Int64")
    basis = pd.Series("", index=comments.index, dtype="object")
    reposts = set() if duplicate_of is None else set(comments.loc[duplicate_of.notna(), "comment_id"])
    rows = list(comments.itertuples())
    for pos, row in enumerate(rows):
        if row.is_empty:
            continue
        others = [r for r in rows[:pos][::-1] + rows[pos + 1:] if not r.is_empty and r.author_id != row.author_id]
        target, how = None, ""
        name = _address(row.text)
        if name:
            for r in others:
                if _name_matches(name, r.author):
                    target, how = r.comment_id, "address"
                    break
        if target is None:  # a quotation can only answer a comment already posted
            for r in rows[:pos][::-1]:
                if r.is_empty or r.author_id == row.author_id or r.comment_id in reposts:
                    continue
                if _quotes(runs[row.comment_id], runs[r.comment_id], article):
                    target, how = r.comment_id, "quote"
                    break
        if target is None and pos > 0 and REPLY_CUES.match(row.text):
            previous = next((r for r in reversed(rows[:pos]) if not r.is_empty), None)
            if previous is not None and previous.author_id != row.author_id:
                target, how = previous.comment_id, "cue"
        if target is not None:
            reply_to.loc[row.Index], basis.loc[row.Index] = target, how
    return pd.DataFrame({"reply_to": reply_to, "reply_basis": basis})


@dataclass(frozen=True)
class ReplyCheck:
    """How the reply rules fare against a hand check (see data/reply_checks.csv)."""

    n_checked: int      # detected replies that were read by hand
    n_correct: int      # ... whose target the reader judged right
    n_random: int       # comments in the random sample of undetected comments
    n_missed: int       # ... that were replies after all (or replies with an unclear target)
    n_undetected: int   # non-empty comments the rules did not flag, in the whole corpus

    @property
    def precision(self) -> float:
        """Share of detected replies with the right target (NaN when nothing was checked)."""
        return self.n_correct / self.n_checked if self.n_checked else float("nan")

    @property
    def estimated_total(self) -> float:
        """All replies in the thread, estimated: the flags the check found right, plus the estimated misses."""
        return self.n_correct + self.estimated_missed

    @property
    def estimated_recall(self) -> float:
        """Share of all replies the rules find with the right target: right flags / estimated total."""
        return self.n_correct / self.estimated_total if self.n_checked else float("nan")

    @property
    def estimated_missed(self) -> float:
        """Replies the rules probably missed in the corpus, scaled up from the random sample."""
        return self.n_missed / self.n_random * self.n_undetected if self.n_random else float("nan")


def evaluate_replies(comments: pd.DataFrame, checks: pd.DataFrame) -> ReplyCheck:
    """Compare the rules' ``reply_to`` with the hand check: precision, and misses in a random sample.

    Precision counts the checked replies that the rules still detect. A checked reply whose
    signal lay in a text the de-identified export withholds (an opening "I agree", a quotation)
    is no longer detected, and is left out rather than counted as a wrong target.
    """
    flagged = set(comments.loc[comments["reply_to"].notna(), "comment_id"])
    detected = checks[(checks["sample"] == "detected") & checks["comment_id"].isin(flagged)].merge(
        comments[["comment_id", "reply_to"]], on="comment_id", suffixes=("_hand", "_rule"))
    correct = (detected["reply_to_hand"] == detected["reply_to_rule"]).fillna(False).astype(bool)
    random = checks[checks["sample"] == "random"]
    undetected = int((comments["reply_to"].isna() & ~comments["is_empty"]).sum())
    return ReplyCheck(len(detected), int(correct.sum()), len(random),
                      int((random["is_reply"] != "no").sum()), undetected)
