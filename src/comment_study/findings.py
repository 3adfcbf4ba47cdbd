"""Counting the coded comments for the findings chapters: prevalence, co-occurrence, comparisons, exemplars.

Every function takes the analysable coded table (:func:`load`) and returns a small DataFrame,
so a chapter shows one call and its result. Rates are shares of the analysable comments
(the counting rule: no empty comment, no repost); intervals are 95% Wilson score intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from . import codebook, coding, conversation, data, quotes

CONFIDENCE = 0.95
MIN_GROUP = 20
"""A difference between two groups is tested only if each group has at least this many comments."""
MIN_CODED = 5
"""... and the code occurs at least this many times in the two groups together."""


@dataclass(frozen=True)
class Study:
    """The codebook and the analysable, coded comments (one row per comment, codes as 0/1)."""

    book: codebook.Codebook
    table: pd.DataFrame
    comments: pd.DataFrame

    @property
    def codes(self) -> list[str]:
        return self.book.ids


def load(root: Path | None = None) -> Study:
    """The primary coding joined to the corpus, with the grouping columns the chapters compare.

    Replies come two ways: ``is_reply``/``reply_to`` from the reply rules, and ``is_answer``/``answers``
    from the reader's links (the coder's memos and the hand check), which the findings treat as the reference.
    """
    comments = data.comments(root)
    book = codebook.load(data.path("data/codebook.yml", root))
    sheet = coding.load_sheet(data.path("data/coding/primary.csv", root), book, comments, complete=True)
    table = coding.coded(sheet, comments)
    table["is_reply"] = table["reply_to"].notna()  # found by the reply rules (a floor: see the corpus chapter)
    links = conversation.read_links(sheet, comments, data.reply_checks(root)).set_index("comment_id")["reply_to"]
    table["answers"] = table["comment_id"].map(links).astype("Int64")  # recorded by the reader: the reference
    table["is_answer"] = table["answers"].notna()
    table["in_us"] = table["country_group"].map({"United States": True, "Elsewhere": False}).astype("boolean")
    table["n_codes"] = table[book.ids].sum(axis=1)
    return Study(book, table, comments)


def wilson(count: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``count / n`` (good for small and extreme shares)."""
    if n <= 0:
        raise ValueError("a proportion needs at least one comment")
    if not 0 <= count <= n:
        raise ValueError(f"count {count} is not between 0 and n = {n}")
    z = stats.norm.ppf(0.5 + confidence / 2)
    share = count / n
    centre = (share + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _shares(present: pd.DataFrame) -> pd.DataFrame:
    """Count, share and Wilson interval of each 0/1 column of ``present``."""
    n = len(present)
    rows = []
    for column in present.columns:
        count = int(present[column].sum())
        low, high = wilson(count, n)
        rows.append({"code": column, "n": n, "count": count, "share": count / n, "low": low, "high": high})
    return pd.DataFrame(rows).set_index("code")


def prevalence(table: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """How many comments carry each code, as a share with its 95% Wilson interval."""
    return _shares(table[codes])


def by_category(study: Study) -> pd.DataFrame:
    """Prevalence of every code with its category and label, in the codebook's order."""
    table = prevalence(study.table, study.codes)
    table.insert(0, "category", [study.book.by_id(c).category for c in table.index])
    table.insert(1, "label", [study.book.by_id(c).label for c in table.index])
    return table


def tone_shares(table: pd.DataFrame, tones: list[str]) -> pd.DataFrame:
    """Share of comments in each tone, with Wilson intervals."""
    present = pd.DataFrame({tone: table["tone"].eq(tone).astype(int) for tone in tones})
    return _shares(present)


def conditional(table: pd.DataFrame, given: str, codes: list[str]) -> pd.DataFrame:
    """For each code, its share among comments with ``given`` and among those without, and their ratio."""
    with_given = table[table[given] == 1]
    without = table[table[given] == 0]
    rows = []
    for code in codes:
        if code == given:
            continue
        share_with = with_given[code].mean() if len(with_given) else np.nan
        share_without = without[code].mean() if len(without) else np.nan
        rows.append({
            "code": code, "count_with": int(with_given[code].sum()), "share_with": share_with,
            "share_without": share_without,
            "ratio": share_with / share_without if share_without else np.nan,
        })
    return pd.DataFrame(rows).set_index("code")


def cooccurrence(table: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Number of comments carrying both codes (the diagonal is each code's own count)."""
    present = table[codes].to_numpy(dtype=int)
    return pd.DataFrame(present.T @ present, index=codes, columns=codes)


def conditional_matrix(table: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Row code → share of its comments that also carry the column code (diagonal left empty)."""
    both = cooccurrence(table, codes).astype(float)
    own = np.diag(both).copy()
    values = both.to_numpy() / np.where(own == 0, np.nan, own)[:, None]
    np.fill_diagonal(values, np.nan)
    return pd.DataFrame(values, index=codes, columns=codes)


def compare(table: pd.DataFrame, codes: list[str], group: pd.Series, labels: tuple[str, str]) -> pd.DataFrame:
    """Each code's share in two groups (``group`` True/False; rows where it is missing are left out), with Fisher's exact test where the numbers allow.

    A code is tested only when each group has at least :data:`MIN_GROUP` comments and the code
    occurs at least :data:`MIN_CODED` times; otherwise ``p`` is missing and ``tested`` says why.
    The p-values of the tested codes are adjusted for multiple comparisons (Holm).
    """
    group = group.reindex(table.index).astype("boolean")
    first, second = table[group.eq(True).fillna(False)], table[group.eq(False).fillna(False)]
    rows = []
    for code in codes:
        a, b = int(first[code].sum()), int(second[code].sum())
        row = {"code": code, f"n {labels[0]}": len(first), f"count {labels[0]}": a,
               f"n {labels[1]}": len(second), f"count {labels[1]}": b}
        for name, count, n in ((labels[0], a, len(first)), (labels[1], b, len(second))):
            row[f"share {name}"] = count / n if n else np.nan
            row[f"low {name}"], row[f"high {name}"] = wilson(count, n) if n else (np.nan, np.nan)
        if min(len(first), len(second)) < MIN_GROUP:
            row["tested"], row["p"] = f"no: a group has fewer than {MIN_GROUP} comments", np.nan
        elif a + b < MIN_CODED:
            row["tested"], row["p"] = f"no: fewer than {MIN_CODED} comments carry the code", np.nan
        else:
            row["tested"] = "yes"
            row["p"] = float(stats.fisher_exact([[a, len(first) - a], [b, len(second) - b]]).pvalue)
        rows.append(row)
    result = pd.DataFrame(rows).set_index("code")
    result["p_holm"] = holm(result["p"])
    return result


def holm(pvalues: pd.Series) -> pd.Series:
    """Holm's step-down adjustment of p-values (missing values stay missing)."""
    tested = pvalues.dropna().sort_values()
    m = len(tested)
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * tested.to_numpy())) if m else []
    return pd.Series(adjusted, index=tested.index, dtype=float).reindex(pvalues.index)


def exemplars(table: pd.DataFrame, code: str, codes: list[str], k: int = 3) -> list[int]:
    """Typical comments for a code, chosen by rule: the code with the fewest other codes, then of middling length.

    Such comments show the code most plainly; ties are broken by the comment id, so the choice is
    stable and any reader can check it.
    """
    chosen = table[table[code] == 1].copy()
    if chosen.empty:
        return []
    chosen["others"] = chosen[codes].sum(axis=1) - 1
    median = chosen["n_words"].median()
    chosen["distance"] = (chosen["n_words"] - median).abs()
    return [int(i) for i in chosen.sort_values(["others", "distance", "comment_id"])["comment_id"].head(k)]


def contrasting(table: pd.DataFrame, code: str, against: str, k: int = 2) -> list[int]:
    """Comments carrying ``code`` together with ``against`` (shortest first): how the code sits with another."""
    both = table[(table[code] == 1) & (table[against] == 1)]
    return [int(i) for i in both.sort_values(["n_words", "comment_id"])["comment_id"].head(k)]


def glue_prevalence(glue: Callable, prevalence_table: pd.DataFrame, prefix: str = "") -> None:
    """Glue each code's count, share and interval as ``{prefix}{code}_count``, ``_share``, ``_low``, ``_high``."""
    for code, row in prevalence_table.iterrows():
        glue(f"{prefix}{code}_count", int(row["count"]), display=False)
        for field in ("share", "low", "high"):
            glue(f"{prefix}{code}_{field}", float(row[field]), display=False)


def strongest_pairs(table: pd.DataFrame, codes: list[str], min_count: int = MIN_CODED) -> pd.DataFrame:
    """Pairs of codes that occur together more often than their rates predict (lift), with at least ``min_count`` comments."""
    both = cooccurrence(table, codes)
    n = len(table)
    rows = []
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            count = int(both.loc[a, b])
            if count < min_count:
                continue
            expected = both.loc[a, a] * both.loc[b, b] / n
            rows.append({"pair": f"{a} + {b}", "first": a, "second": b, "together": count,
                         "expected": expected, "lift": count / expected})
    return pd.DataFrame(rows).sort_values(["lift", "together"], ascending=False).reset_index(drop=True)


def show(study: Study, comment_ids: list[int], max_words: int | None = 80) -> "quotes.QuoteList":
    """The comments, quoted (names redacted, shortened) or, for disclosures, paraphrased from their memo."""
    memos = study.table.set_index("comment_id")["memo"]
    return quotes.QuoteList([
        quotes.quote_or_paraphrase(study.comments, i, memos.get(i, ""), max_words=max_words) for i in comment_ids
    ])
