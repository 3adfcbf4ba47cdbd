"""Intercoder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha (nominal), with bootstrap intervals.

The statistics come from well-kept libraries: scikit-learn's ``cohen_kappa_score`` and the
``krippendorff`` package; this module only adapts them to two coders' sheets. When a code never
occurs in the compared comments (or both coders use one single value throughout), chance
agreement is perfect and kappa and alpha are undefined (0/0): :func:`cohen_kappa` and
:func:`krippendorff_alpha` return NaN and :func:`agreement_table` says "undefined" in words, so
no NaN reaches the prose.

The bootstrap (:func:`bootstrap`) resamples the comments with numpy, all resamples at once. A
resample in which the two coders give one and the same value to every comment (a rare code that
the resample happens to miss) is a resample of perfect agreement: it is counted as 1, not dropped,
and the share of such resamples is reported beside the interval, so a reader sees how much of an
interval rests on them.

Which sample judges a code (:func:`judged_table`): the seeded random sample (the *main* sample)
estimates agreement for the thread as a whole, and judges every code the primary coder applies to
at least :data:`~comment_study.coding.sheets.MIN_POSITIVES` of its comments. A rarer code is
judged on the main and the supplementary sample together (the *pooled* sample), which
oversamples the comments the primary coder marked with a rare code; a code with fewer positives
than the minimum even there is "too few positives to judge", whatever its alpha.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import krippendorff
import numpy as np
import pandas as pd

RELIABLE = 0.800
TENTATIVE = 0.667
TOO_FEW = "too few positives to judge"
"""The verdict of a code with fewer positives than the minimum in every sample that could judge it."""
BOOTSTRAP_SEED = 20191001
BOOTSTRAP_SAMPLES = 2000


def _single_value(a: np.ndarray, b: np.ndarray) -> bool:
    """Both codings use one and the same value throughout: chance agreement is perfect."""
    return len(np.union1d(a, b)) <= 1


def percent_agreement(a: Sequence, b: Sequence) -> float:
    """Share of units on which both coders gave the same value."""
    a, b = np.asarray(a), np.asarray(b)
    return float((a == b).mean())


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa for two coders (scikit-learn's ``cohen_kappa_score``); NaN when it is undefined."""
    a, b = np.asarray(a), np.asarray(b)
    if _single_value(a, b):
        return float("nan")
    from sklearn import metrics  # here, not above: the command line and what imports it need not wait for scikit-learn

    return float(metrics.cohen_kappa_score(a, b))


def krippendorff_alpha(a: Sequence, b: Sequence) -> float:
    """Krippendorff's alpha, nominal, for two coders (the ``krippendorff`` package); NaN when it is undefined."""
    a, b = np.asarray(a), np.asarray(b)
    if _single_value(a, b):
        return float("nan")
    _, codes = np.unique(np.concatenate([a, b]).astype(str), return_inverse=True)
    return float(krippendorff.alpha(reliability_data=codes.reshape(2, -1).astype(float), level_of_measurement="nominal"))


def _kappa_of_table(table: np.ndarray) -> float:
    """Cohen's kappa from a table of counts (rows: first coder's values, columns: second's), by statsmodels."""
    from statsmodels.stats import inter_rater  # here, not above, as scikit-learn in cohen_kappa

    return float(inter_rater.cohens_kappa(table, return_results=False))


def _alpha_of_table(table: np.ndarray) -> float:
    """Krippendorff's alpha (nominal) from a table of counts, by the ``krippendorff`` package's value counts."""
    k = len(table)
    first, second = np.divmod(np.arange(k * k), k)
    units = np.eye(k)[first] + np.eye(k)[second]  # one row per kind of unit: how many coders gave each value
    return float(krippendorff.alpha(value_counts=np.repeat(units, np.asarray(table, dtype=int).ravel(), axis=0), level_of_measurement="nominal"))


def _agreement_of_table(table: np.ndarray) -> float:
    return float(np.trace(table) / table.sum())


_OF_TABLE: dict[Callable, Callable[[np.ndarray], float]] = {
    cohen_kappa: _kappa_of_table, krippendorff_alpha: _alpha_of_table, percent_agreement: _agreement_of_table,
}
"""The three agreement statistics computed from a table of counts, which the bootstrap needs once per distinct
table: the same libraries' table forms (tested to give the same value as the array forms), much faster than
rebuilding two arrays for scikit-learn's checks each time."""


@dataclass(frozen=True)
class Bootstrap:
    """A percentile bootstrap interval, and the share of resamples in which both codings were one single value."""

    low: float
    high: float
    single_value_share: float
    """Share of resamples with one value throughout (agreement perfect, kappa and alpha 0/0), counted as 1."""

    def __iter__(self):  # ``low, high = bootstrap(...)`` reads the interval
        return iter((self.low, self.high))


def bootstrap(a: Sequence, b: Sequence, statistic: Callable[[np.ndarray, np.ndarray], float],
              samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED, level: float = 0.95) -> Bootstrap:
    """Seeded percentile bootstrap over units (comments) of a statistic of two codings, vectorised with numpy.

    Every statistic of two codings of the same units (agreement, kappa, alpha, F1) depends only
    on how many units carry each pair of values, so the resamples are counted all at once
    (``np.bincount``) and the statistic is computed once per distinct table of counts. A resample
    whose two codings are one single value throughout counts as perfect agreement (1), and its
    share is reported; none is dropped. (SciPy's ``bootstrap`` would call a statistic once per
    resample, or need the statistic rewritten in vectorised form, a hand-made copy of the
    library's formula; counting once per distinct table keeps the libraries' own statistics.)
    """
    return _bootstrap_tables(_Resampled.of(a, b, samples, seed), statistic, level)


@dataclass(frozen=True)
class _Resampled:
    """The distinct tables of counts of a bootstrap's resamples of two codings (see :func:`bootstrap`)."""

    values: np.ndarray
    distinct: np.ndarray
    which: np.ndarray
    single: np.ndarray

    @classmethod
    def of(cls, a: Sequence, b: Sequence, samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED) -> _Resampled:
        a, b = np.asarray(a), np.asarray(b)
        if len(a) != len(b) or len(a) == 0:
            raise ValueError(f"two codings of the same units are needed (got {len(a)} and {len(b)} values)")
        values, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
        k = len(values)
        pair = codes[: len(a)] * k + codes[len(a):]
        index = np.random.default_rng(seed).integers(0, len(a), size=(samples, len(a)))
        offsets = np.arange(samples)[:, None] * k * k
        counts = np.bincount((offsets + pair[index]).ravel(), minlength=samples * k * k).reshape(samples, k * k)
        distinct, which = np.unique(counts, axis=0, return_inverse=True)
        first, second = np.divmod(np.arange(k * k), k)
        single = (distinct[:, first == second] == len(a)).any(axis=1)  # every unit in one cell (x, x)
        return cls(values, distinct, np.ravel(which), single)


def _bootstrap_tables(resampled: _Resampled, statistic: Callable[[np.ndarray, np.ndarray], float],
                      level: float = 0.95) -> Bootstrap:
    """:func:`bootstrap` of ``statistic`` over resamples already counted (the same resamples serve every statistic)."""
    values, distinct, which, single = resampled.values, resampled.distinct, resampled.which, resampled.single
    k = len(values)
    first, second = np.divmod(np.arange(k * k), k)
    of_table = _OF_TABLE.get(statistic)
    results = np.array([1.0 if one else of_table(row.reshape(k, k)) if of_table
                        else statistic(np.repeat(values[first], row), np.repeat(values[second], row))
                        for row, one in zip(distinct, single)], dtype=float)
    resampled = results[which]
    tail = (1 - level) / 2 * 100
    if np.isnan(resampled).all():
        return Bootstrap(float("nan"), float("nan"), float(single[which].mean()))
    low, high = np.nanpercentile(resampled, [tail, 100 - tail])
    return Bootstrap(float(low), float(high), float(single[which].mean()))


def verdict(alpha: float) -> str:
    """The customary reading of alpha: reliable (>= .800), tentative (>= .667), unreliable, undefined."""
    if np.isnan(alpha):
        return "undefined"
    return "reliable" if alpha >= RELIABLE else "tentative" if alpha >= TENTATIVE else "unreliable"


def paired(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """The units both sheets code, side by side (columns suffixed ``_1`` and ``_2``)."""
    return first.merge(second, on="comment_id", suffixes=("_1", "_2"), validate="one_to_one")


def alphas(first: pd.DataFrame, second: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Krippendorff's alpha per column on the units both sheets code (no intervals: fast)."""
    both = paired(first, second)
    return pd.Series({c: krippendorff_alpha(both[f"{c}_1"], both[f"{c}_2"]) for c in columns}, name="alpha")


def agreement_table(first: pd.DataFrame, second: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Agreement per column on the units both sheets code, with bootstrap 95% intervals.

    ``single_value_share`` is the share of bootstrap resamples in which both coders gave the
    column one single value (counted as perfect agreement in the intervals).
    """
    both = paired(first, second)
    rows = []
    for column in columns:
        a, b = both[f"{column}_1"].to_numpy(), both[f"{column}_2"].to_numpy()
        alpha = krippendorff_alpha(a, b)
        resampled = _Resampled.of(a, b)  # one set of resamples for the three statistics, as three calls would draw
        kappa_interval = _bootstrap_tables(resampled, cohen_kappa)
        alpha_interval = _bootstrap_tables(resampled, krippendorff_alpha)
        agreement_interval = _bootstrap_tables(resampled, percent_agreement)
        rows.append({
            "code": column, "n": len(both),
            "present_1": int((a == 1).sum()) if set(np.unique(a)) <= {0, 1} else np.nan,
            "present_2": int((b == 1).sum()) if set(np.unique(b)) <= {0, 1} else np.nan,
            "agreement": percent_agreement(a, b),
            "agreement_low": agreement_interval.low, "agreement_high": agreement_interval.high,
            "kappa": cohen_kappa(a, b), "kappa_low": kappa_interval.low, "kappa_high": kappa_interval.high,
            "alpha": alpha, "alpha_low": alpha_interval.low, "alpha_high": alpha_interval.high,
            "single_value_share": alpha_interval.single_value_share,
            "verdict": verdict(alpha),
        })
    return pd.DataFrame(rows).set_index("code")


def disagreements(first: pd.DataFrame, second: pd.DataFrame, column: str) -> pd.DataFrame:
    """The units on which the two sheets differ for one column, with both memos."""
    both = paired(first, second)
    differ = both[both[f"{column}_1"] != both[f"{column}_2"]]
    return differ[["comment_id", f"{column}_1", f"{column}_2", "memo_1", "memo_2"]].reset_index(drop=True)


def round_sample(round_: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two sheets of one coding round (see :func:`comment_study.coding.sheets.load_rounds`), on its sample."""
    secondary = round_["secondary_sheet"]
    primary = round_["primary_sheet"][round_["primary_sheet"]["comment_id"].isin(secondary["comment_id"])]
    return primary, secondary


def round_table(round_: dict, columns: Sequence[str]) -> pd.DataFrame:
    """Agreement for one coding round, on its sample."""
    return agreement_table(*round_sample(round_), columns)


def judged_table(primary: pd.DataFrame, main: pd.DataFrame, supplementary: pd.DataFrame | None,
                 columns: Sequence[str], min_positives: int | None = None) -> pd.DataFrame:
    """Each code's agreement on the sample that judges it, its verdict, and the main sample's figures beside.

    A code the primary coding applies to at least ``min_positives`` comments of the ``main``
    sample is judged there; otherwise on the main and ``supplementary`` samples pooled; with
    fewer positives than that in the pooled sample too, its verdict is :data:`TOO_FEW`. Tone,
    which every comment has, is judged on the main sample. ``judged_on`` says which sample;
    ``alpha_main`` and ``positives_main`` keep the main sample's figures, the estimate for the
    thread as a whole. Without a supplementary sample (a returned sheet of the main sample alone)
    the pooled sample is the main one and ``judged_on`` says "main".
    """
    from comment_study.coding.sheets import MIN_POSITIVES

    minimum = MIN_POSITIVES if min_positives is None else min_positives
    on_main = primary[primary["comment_id"].isin(main["comment_id"])]
    main_table = agreement_table(on_main, main, columns)
    pooled_second = main if supplementary is None else pd.concat([main, supplementary], ignore_index=True)
    if pooled_second["comment_id"].duplicated().any():
        raise ValueError("the supplementary sample shares comments with the main sample")
    pooled_table = agreement_table(primary[primary["comment_id"].isin(pooled_second["comment_id"])],
                                   pooled_second, columns)
    rows = []
    for column in columns:
        on_pooled = main_table.loc[column, "present_1"] < minimum  # NaN (tone) is not < minimum: judged on main
        row = (pooled_table if on_pooled else main_table).loc[column].to_dict()
        few = on_pooled and not row["present_1"] >= minimum
        rows.append({"code": column, **row, "judged_on": "pooled" if on_pooled and supplementary is not None else "main",
                     "verdict": TOO_FEW if few else row["verdict"],
                     "n_main": int(main_table.loc[column, "n"]), "positives_main": main_table.loc[column, "present_1"],
                     "alpha_main": main_table.loc[column, "alpha"], "positives_pooled": pooled_table.loc[column, "present_1"],
                     "alpha_pooled": pooled_table.loc[column, "alpha"]})
    return pd.DataFrame(rows).set_index("code")


def round_judged(round_: dict, columns: Sequence[str]) -> pd.DataFrame:
    """The judged agreement of one coding round (:func:`judged_table`), with its supplementary sample if it has one.

    A round loaded from a book's folder (:func:`comment_study.coding.sheets.load_rounds`) has its
    table kept on disk under the fingerprint of the book's inputs, the round's sheets and the
    columns (:func:`comment_study.corpus.inputs.cached`): two chapters that ask for the same table in one
    build compute its bootstrap intervals once.
    """
    from comment_study.corpus import inputs

    sheets = [round_["primary_sheet"], round_["secondary_sheet"], round_.get("supplementary_sheet")]
    compute = lambda: judged_table(*sheets, columns)  # noqa: E731
    if round_.get("root") is None:
        return compute()
    key = "\0".join([*(inputs.frame_digest(s) if s is not None else "none" for s in sheets), *columns])
    return inputs.cached(round_["root"], "judged-" + hashlib.sha256(key.encode()).hexdigest()[:16], compute, extra=key)


def judged_alphas(table: pd.DataFrame) -> pd.Series:
    """Each code's alpha on the sample that judges it; NaN where there are too few positives to judge."""
    return table["alpha"].where(table["verdict"] != TOO_FEW).rename("alpha")


def without_examples(first: pd.DataFrame, second: pd.DataFrame, columns: Sequence[str],
                     examples: Iterable[int]) -> pd.DataFrame:
    """Alpha per column on the units both sheets code, with and without the comments a codebook showed as examples.

    A second coder who was shown some sampled comments as examples of a code may agree on them
    because the codebook told it the answer; leaving them out measures how much of the
    agreement rests on them. ``n_examples`` is how many of the compared units are examples;
    ``alpha_with`` and ``alpha_without`` are Krippendorff's alpha (NaN when undefined);
    ``n_without`` the units left.
    """
    shown = {int(e) for e in examples}
    both = paired(first, second)
    kept = ~both["comment_id"].isin(shown)
    rows = []
    for column in columns:
        a, b = both[f"{column}_1"].to_numpy(), both[f"{column}_2"].to_numpy()
        rows.append({"code": column, "n_with": len(both), "n_examples": int((~kept).sum()),
                     "n_without": int(kept.sum()), "alpha_with": krippendorff_alpha(a, b),
                     "alpha_without": krippendorff_alpha(a[kept.to_numpy()], b[kept.to_numpy()])})
    return pd.DataFrame(rows).set_index("code")
