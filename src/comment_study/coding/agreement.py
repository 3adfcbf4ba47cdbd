"""Intercoder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha (nominal).

Implemented here, small and readable, and tested against scikit-learn and the
``krippendorff`` package. When a code never occurs in the double-coded sample (or both
coders use a single value), chance agreement is perfect and kappa and alpha are
undefined (0/0): the functions return NaN and :func:`agreement_table` says "undefined"
in words, so no NaN reaches the prose.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

import numpy as np
import pandas as pd

RELIABLE = 0.800
TENTATIVE = 0.667
BOOTSTRAP_SEED = 20191001
BOOTSTRAP_SAMPLES = 2000


def percent_agreement(a: Sequence, b: Sequence) -> float:
    """Share of units on which both coders gave the same value."""
    a, b = np.asarray(a), np.asarray(b)
    return float((a == b).mean())


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa for two coders: (observed - chance) / (1 - chance), chance from each coder's marginals."""
    a, b = np.asarray(a), np.asarray(b)
    n = len(a)
    observed = float((a == b).mean())
    ca, cb = Counter(a.tolist()), Counter(b.tolist())
    chance = sum(ca[v] * cb[v] for v in set(ca) | set(cb)) / n**2
    return float("nan") if np.isclose(chance, 1.0) else (observed - chance) / (1 - chance)


def krippendorff_alpha(a: Sequence, b: Sequence) -> float:
    """Krippendorff's alpha, nominal, two coders, no missing values: 1 - observed / expected disagreement.

    Built from the coincidence matrix: each unit contributes the ordered pairs (a, b) and (b, a).
    """
    a, b = np.asarray(a).tolist(), np.asarray(b).tolist()
    pairs = Counter(zip(a, b)) + Counter(zip(b, a))
    totals = Counter(a) + Counter(b)
    n = sum(totals.values())
    observed = sum(count for (x, y), count in pairs.items() if x != y) / n
    expected = sum(totals[x] * totals[y] for x in totals for y in totals if x != y) / (n * (n - 1))
    return float("nan") if np.isclose(expected, 0.0) else 1 - observed / expected


def bootstrap_interval(
    a: Sequence, b: Sequence, statistic: Callable[[Sequence, Sequence], float],
    samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED, level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval over units (comments), seeded; degenerate resamples are skipped."""
    a, b = np.asarray(a), np.asarray(b)
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(a), size=(samples, len(a)))
    values = np.array([statistic(a[i], b[i]) for i in index])
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def verdict(alpha: float) -> str:
    """The customary reading of alpha: reliable (>= .800), tentative (>= .667), unreliable, undefined."""
    if np.isnan(alpha):
        return "undefined"
    return "reliable" if alpha >= RELIABLE else "tentative" if alpha >= TENTATIVE else "unreliable"


def agreement_table(first: pd.DataFrame, second: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Agreement per column on the units both sheets code, with bootstrap 95% intervals."""
    both = first.merge(second, on="comment_id", suffixes=("_1", "_2"), validate="one_to_one")
    rows = []
    for column in columns:
        a, b = both[f"{column}_1"].to_numpy(), both[f"{column}_2"].to_numpy()
        alpha = krippendorff_alpha(a, b)
        kappa_low, kappa_high = bootstrap_interval(a, b, cohen_kappa)
        alpha_low, alpha_high = bootstrap_interval(a, b, krippendorff_alpha)
        pa_low, pa_high = bootstrap_interval(a, b, percent_agreement)
        rows.append({
            "code": column, "n": len(both),
            "present_1": int((a == 1).sum()) if set(np.unique(a)) <= {0, 1} else np.nan,
            "present_2": int((b == 1).sum()) if set(np.unique(b)) <= {0, 1} else np.nan,
            "agreement": percent_agreement(a, b), "agreement_low": pa_low, "agreement_high": pa_high,
            "kappa": cohen_kappa(a, b), "kappa_low": kappa_low, "kappa_high": kappa_high,
            "alpha": alpha, "alpha_low": alpha_low, "alpha_high": alpha_high,
            "verdict": verdict(alpha),
        })
    return pd.DataFrame(rows).set_index("code")


def disagreements(first: pd.DataFrame, second: pd.DataFrame, column: str) -> pd.DataFrame:
    """The units on which the two sheets differ for one column, with both memos."""
    both = first.merge(second, on="comment_id", suffixes=("_1", "_2"), validate="one_to_one")
    differ = both[both[f"{column}_1"] != both[f"{column}_2"]]
    return differ[["comment_id", f"{column}_1", f"{column}_2", "memo_1", "memo_2"]].reset_index(drop=True)


def round_table(round_: dict, columns: Sequence[str]) -> pd.DataFrame:
    """Agreement for one coding round (see :func:`comment_study.coding.sheets.load_rounds`), on its sample."""
    secondary = round_["secondary_sheet"]
    primary = round_["primary_sheet"][round_["primary_sheet"]["comment_id"].isin(secondary["comment_id"])]
    return agreement_table(primary, secondary, columns)
