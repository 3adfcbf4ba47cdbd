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
from statsmodels.stats import proportion

from comment_study.coding import codebook, sheets as coding


from comment_study.corpus import files as data

from comment_study.study import quotes
from comment_study.study.model import Study

CONFIDENCE = 0.95
MIN_GROUP = 20
"""A difference between two groups is tested only if each group has at least this many comments."""
MIN_CODED = 5
"""... and the code occurs at least this many times in the two groups together."""


def wilson(count: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``count / n`` (statsmodels' ``proportion_confint``)."""
    if n <= 0:
        raise ValueError("a proportion needs at least one comment")
    if not 0 <= count <= n:
        raise ValueError(f"count {count} is not between 0 and n = {n}")
    low, high = proportion.proportion_confint(count, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)


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


def category_matrix(table: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    """Row category → share of the comments with any of its codes that also carry any code of the column category.

    ``categories`` maps each category to its codes (in the codebook's order); the diagonal is
    left empty, and a category whose codes no comment carries has an empty row.
    """
    names = list(categories)
    present = pd.DataFrame({name: table[codes].to_numpy(dtype=int).any(axis=1) for name, codes in categories.items()},
                           index=table.index).to_numpy(dtype=int)
    both = (present.T @ present).astype(float)
    own = np.diag(both).copy()
    values = both / np.where(own == 0, np.nan, own)[:, None]
    np.fill_diagonal(values, np.nan)
    return pd.DataFrame(values, index=names, columns=names)


def compare(table: pd.DataFrame, codes: list[str], group: pd.Series, labels: tuple[str, str]) -> pd.DataFrame:
    """Each code's share in two groups (``group`` True/False; rows where it is missing are left out), with Fisher's exact test where the numbers allow.

    A code is tested only when each group has at least :data:`MIN_GROUP` comments and the code
    occurs at least :data:`MIN_CODED` times; otherwise ``p`` is missing and ``tested`` says why.
    ``p`` is Fisher's exact test, unadjusted: the book reports only the comparisons of its
    analysis plan (:mod:`comment_study.analysis.plan`), adjusted once over the whole plan.
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
    return pd.DataFrame(rows).set_index("code")


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


RULE_MADE = "made by the rules"


def flag_rule_made(pairs: pd.DataFrame, book: codebook.Codebook, first: str = "first", second: str = "second") -> pd.DataFrame:
    """The pairs with a column saying whether the codebook's rules send one content to both codes (its ``overlaps``), and the rule.

    Such a pair's co-occurrence is partly made by the rules, so chapters flag it and do not read it as a finding.
    """
    rules = [book.overlap(a, b) for a, b in zip(pairs[first], pairs[second])]
    return pairs.assign(**{RULE_MADE: ["yes" if r else "no" for r in rules], "rule": [r.rule if r else "" for r in rules]})


def show(study: Study, comment_ids: list[int], max_words: int | None = 80) -> "quotes.QuoteList":
    """The comments, quoted (names redacted, shortened) or, for disclosures, paraphrased from their memo."""
    memos = study.table.set_index("comment_id")["memo"]
    return quotes.QuoteList([
        quotes.quote_or_paraphrase(study.comments, i, memos.get(i, ""), max_words=max_words) for i in comment_ids
    ])


# --- speaker positions and contested framings (chapters speakers and framings) ----------------

ANSWERING, ANSWERED = "answers a comment", "draws an answer"


def exchange_roles(table: pd.DataFrame, answers: pd.Series) -> pd.DataFrame:
    """For each comment (indexed by id): does it answer another comment, and does another comment answer it?"""
    ids = table["comment_id"]
    answering = set(answers.index[answers.notna()].astype(int)) & set(ids)
    answered = {int(target) for source, target in answers.dropna().items() if source in answering}
    return pd.DataFrame({ANSWERING: ids.isin(answering).to_numpy(), ANSWERED: ids.isin(answered).to_numpy()},
                        index=pd.Index(ids, name="comment_id"))


def exchanges(table: pd.DataFrame, answers: pd.Series, code: str) -> pd.DataFrame:
    """Answer–target pairs in which either comment carries ``code`` (both analysable), with which of the two carries it."""
    present = table.set_index("comment_id")[code]
    rows = [{"answer": int(a), "target": int(t), "answer_has": bool(present[a] == 1), "target_has": bool(present[t] == 1)}
            for a, t in answers.dropna().items() if a in present.index and t in present.index
            and (present[a] == 1 or present[t] == 1)]
    return pd.DataFrame(rows, columns=["answer", "target", "answer_has", "target_has"])


def exchange_profile(table: pd.DataFrame, answers: pd.Series, codes: list[str]) -> pd.DataFrame:
    """Per code (and for all comments): the share of its comments that answer another or draw an answer, with Wilson intervals, and how many answers carry the code on both sides."""
    roles = exchange_roles(table, answers)
    coded = table.set_index("comment_id")
    rows = []
    for code in ["all comments"] + codes:
        mask = pd.Series(True, index=coded.index) if code == "all comments" else coded[code] == 1
        row: dict[str, object] = {"code": code, "n": int(mask.sum())}
        for label in (ANSWERING, ANSWERED):
            count = int(roles.loc[mask, label].sum())
            low, high = wilson(count, int(mask.sum()))
            row.update({f"count {label}": count, f"share {label}": count / mask.sum(), f"low {label}": low, f"high {label}": high})
        if code == "all comments":
            row["same code"] = np.nan
        else:
            pairs = exchanges(table, answers, code)
            row["same code"] = int((pairs["answer_has"] & pairs["target_has"]).sum())
        rows.append(row)
    return pd.DataFrame(rows).set_index("code")


def group_shares(table: pd.DataFrame, groups: dict[str, pd.Series], codes: list[str]) -> pd.DataFrame:
    """Share of each code (rows) among the comments of each named group (columns; a group is a boolean mask)."""
    return pd.DataFrame({name: table.loc[mask.reindex(table.index).fillna(False).astype(bool), codes].mean()
                         for name, mask in groups.items()})


def combination_counts(table: pd.DataFrame, codes: list[str]) -> pd.Series:
    """How many comments carry each combination of ``codes`` (``"a + b"``), largest first; comments with none are left out."""
    present = table[codes].astype(bool)
    chosen = present[present.any(axis=1)]
    labels = chosen.apply(lambda row: " + ".join(c for c in codes if row[c]), axis=1)
    counts = labels.value_counts().sort_index()
    return counts.sort_values(ascending=False, kind="stable").rename("comments")


def authors(table: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Per code: its comments, how many commenters wrote them, and the share written by the most frequent one."""
    rows = []
    for code in codes:
        per_author = table.loc[table[code] == 1, "author_id"].value_counts().sort_index()
        per_author = per_author.sort_values(ascending=False, kind="stable")
        top = per_author.index[0] if len(per_author) else None
        count = int(per_author.iloc[0]) if len(per_author) else 0
        total = int(per_author.sum())
        rows.append({"code": code, "comments": total, "commenters": len(per_author), "top_author": top,
                     "top_count": count, "top_share": count / total if total else np.nan})
    return pd.DataFrame(rows).set_index("code")


def load_subcoding(path: Path | str, table: pd.DataFrame, code: str, allowed: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """A hand-written finer coding of every comment that carries ``code``, checked row by row against the coding.

    The file has the columns ``comment_id``, then each key of ``allowed`` (its values limited to
    those listed), then ``basis`` (why, in the reader's words). A row for a comment that does not
    carry ``code``, a repeated row, an unknown value or a comment left out stops with an error
    naming the file and the line, so a recoding cannot leave the finer coding stale.
    """
    import csv

    from comment_study.coding.sheets import CodingSheetError

    expected = ["comment_id", *allowed, "basis"]
    carrying = set(int(i) for i in table.loc[table[code] == 1, "comment_id"])
    rows, seen = [], set()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != expected:
            raise CodingSheetError(f"{path}, line 1: expected the columns {expected}, found {header}")
        for number, fields in enumerate(reader, start=2):
            if len(fields) != len(expected):
                raise CodingSheetError(f"{path}, line {number}: expected {len(expected)} fields, found {len(fields)}")
            row = dict(zip(expected, fields))
            try:
                cid = int(row["comment_id"])
            except ValueError:
                raise CodingSheetError(f"{path}, line {number}: comment_id {row['comment_id']!r} is not a number") from None
            if cid not in carrying:
                raise CodingSheetError(f"{path}, line {number}: comment {cid} is not coded {code} in the primary coding")
            if cid in seen:
                raise CodingSheetError(f"{path}, line {number}: comment {cid} appears twice")
            for column, values in allowed.items():
                if row[column] not in values:
                    raise CodingSheetError(f"{path}, line {number}: {column} {row[column]!r} is not one of {list(values)}")
            if not row["basis"].strip():
                raise CodingSheetError(f"{path}, line {number}: comment {cid} needs a basis")
            seen.add(cid)
            rows.append({**row, "comment_id": cid})
    missing = sorted(carrying - seen)
    if missing:
        raise CodingSheetError(f"{path}: comments coded {code} have no row, e.g. {missing[:5]}")
    return pd.DataFrame(rows, columns=expected).sort_values("comment_id").reset_index(drop=True)


def p_value(p: float) -> str:
    """A p-value's number for readers: two significant digits (``0.012``, ``0.70``, ``1.0``), ``< 0.001`` below that."""
    return "< 0.001" if p < 0.001 else f"{p:#.2g}"


def p_text(p: float) -> str:
    """A p-value as prose: ``"p < 0.001"``, ``"p = 0.012"``, ``"p = 0.70"``, or ``"not tested"`` when it is missing."""
    if p is None or np.isnan(p):
        return "not tested"
    return "p < 0.001" if p < 0.001 else f"p = {p_value(p)}"


PRIVACY_STANCE_FILE = "data/coding/privacy_stance.csv"
PRIVACY_STANCE: dict[str, tuple[str, ...]] = {
    "stance": ("liberty", "enforcement", "both"),
    "value": ("encryption", "privacy", "speech"),
}
"""The finer coding of ``privacy_liberty`` comments: which side prevails (``liberty``: privacy,
encryption or speech should hold, or enforcement's cost is the warning; ``enforcement``: they must
yield; ``both``: both held, as an unresolved dilemma or a proposal to keep both), and which value
the comment chiefly weighs."""


def verdict(row: pd.Series, alpha: float = 0.05) -> str:
    """One row of :func:`compare` as prose: whether the difference was tested, and what the test says."""
    if row["tested"] != "yes":
        return f"not tested: {row['tested'].removeprefix('no: ')}"
    word = "a difference unlikely to be chance" if row["p"] < alpha else "no detectable difference"
    return f"{word}, Fisher’s exact test {p_text(row['p'])}"
