"""Reliability that rare codes can carry: which sample judges a code, the minimum of positives, composites, the paired test."""

from __future__ import annotations

import itertools

import krippendorff
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from comment_study.analysis import plan
from comment_study.coding import agreement
from comment_study.coding.sheets import MIN_POSITIVES
from comment_study.study import definitions, load_study


def sheet(ids, **codes) -> pd.DataFrame:
    """A coding sheet with the given 0/1 columns and a tone (the same for every comment)."""
    return pd.DataFrame({"comment_id": list(ids), **codes, "tone": ["negative"] * len(ids), "memo": ["m"] * len(ids)})


def alpha(a, b) -> float:
    return krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float), level_of_measurement="nominal")


@pytest.fixture(scope="module")
def samples():
    """40 main-sample comments and 20 supplementary ones: a common code, a rare one topped up, a rarer one that stays rare."""
    main_ids, extra_ids = list(range(1, 41)), list(range(41, 61))
    common = (np.arange(60) % 3 == 0).astype(int)          # 14 in main: judged on the main sample
    rare = np.zeros(60, int); rare[[0, 1, 2]] = 1; rare[40:48] = 1    # 3 in main, 11 pooled: judged pooled
    rarest = np.zeros(60, int); rarest[[5]] = 1; rarest[[41, 42]] = 1  # 3 pooled: too few to judge
    primary = sheet(range(1, 61), common=common, rare=rare, rarest=rarest)
    flip = lambda x, i: np.where(np.isin(np.arange(60), i), 1 - x, x)  # noqa: E731
    second_all = sheet(range(1, 61), common=flip(common, [3, 4]), rare=flip(rare, [44]), rarest=rarest)
    main = second_all[second_all["comment_id"].isin(main_ids)].reset_index(drop=True)
    extra = second_all[second_all["comment_id"].isin(extra_ids)].reset_index(drop=True)
    return primary, main, extra


def test_a_code_with_enough_positives_in_the_main_sample_is_judged_there(samples):
    primary, main, extra = samples
    table = agreement.judged_table(primary, main, extra, ["common", "rare", "rarest", "tone"], min_positives=10)
    row = table.loc["common"]
    assert row["judged_on"] == "main" and row["n"] == 40
    assert row["alpha"] == pytest.approx(alpha(primary["common"][:40], main["common"]))
    assert row["alpha_main"] == row["alpha"]


def test_a_rarer_code_is_judged_on_the_pooled_samples(samples):
    primary, main, extra = samples
    table = agreement.judged_table(primary, main, extra, ["common", "rare", "rarest", "tone"], min_positives=10)
    row = table.loc["rare"]
    assert row["judged_on"] == "pooled" and row["n"] == 60 and row["present_1"] == 11
    assert row["alpha"] == pytest.approx(alpha(primary["rare"], pd.concat([main, extra])["rare"]))
    assert row["alpha_main"] == pytest.approx(alpha(primary["rare"][:40], main["rare"]))
    assert row["verdict"] == agreement.verdict(row["alpha"])


def test_a_code_under_the_minimum_even_pooled_is_too_few_to_judge_whatever_its_alpha(samples):
    primary, main, extra = samples
    table = agreement.judged_table(primary, main, extra, ["common", "rare", "rarest", "tone"], min_positives=10)
    assert table.loc["rarest", "alpha"] == 1.0          # perfect agreement on three comments ...
    assert table.loc["rarest", "verdict"] == agreement.TOO_FEW  # ... judges nothing
    assert np.isnan(agreement.judged_alphas(table)["rarest"])


def test_tone_is_judged_on_the_main_sample(samples):
    primary, main, extra = samples
    table = agreement.judged_table(primary, main, extra, ["tone"], min_positives=10)
    assert table.loc["tone", "judged_on"] == "main" and table.loc["tone", "n"] == 40


def test_a_supplementary_sample_overlapping_the_main_sample_is_refused(samples):
    primary, main, extra = samples
    with pytest.raises(ValueError, match="shares comments"):
        agreement.judged_table(primary, main, pd.concat([extra, main.head(1)]), ["common"], min_positives=10)


# --- the book's reliability, as the plan applies it -------------------------------------------------

@pytest.fixture(scope="module")
def study():
    return load_study()


@pytest.fixture(scope="module")
def alphas(study):
    return plan.reliability(study)


def test_no_code_of_the_book_is_called_reliable_on_fewer_positives_than_the_minimum(study):
    from comment_study.coding import sheets
    from comment_study.corpus import files

    final = sheets.load_rounds(files.project_root(), study.comments)[-1]
    table = agreement.round_judged(final, study.codes)
    judged_positives = table["present_1"]
    assert (judged_positives[table["verdict"] != agreement.TOO_FEW] >= MIN_POSITIVES).all()
    assert (judged_positives[table["verdict"] == agreement.TOO_FEW] < MIN_POSITIVES).all()


def test_a_composite_is_judged_on_the_coders_agreement_on_the_composite_itself(study, alphas):
    """Two coders who split a remedy between two codes still agree that it is a remedy."""
    from comment_study.coding import sheets
    from comment_study.corpus import files

    final = sheets.load_rounds(files.project_root(), study.comments)[-1]
    second = final["secondary_sheet"]
    first = final["primary_sheet"].set_index("comment_id").loc[second["comment_id"]].reset_index()
    parts = list(definitions.REMEDIES)
    expected = alpha(first[parts].max(axis=1), second[parts].max(axis=1))
    assert alphas["proposes_remedy"] == pytest.approx(expected)


# --- the paired test: blame against remedies in the same comments ------------------------------------

def brute_force_sign_flip(first: np.ndarray, second: np.ndarray, authors: np.ndarray) -> float:
    """The exact sign-flip p: every assignment of signs to the commenters, enumerated."""
    per_author = pd.Series(first.astype(int) - second.astype(int)).groupby(authors).sum().to_numpy()
    observed = abs(per_author.sum())
    sums = [abs(np.dot(signs, per_author)) for signs in itertools.product([-1, 1], repeat=len(per_author))]
    return float(np.mean(np.array(sums) >= observed - 1e-12))


def test_author_sign_flip_p_agrees_with_enumeration():
    rng = np.random.default_rng(3)
    first = rng.random(30) < 0.6
    second = rng.random(30) < 0.3
    authors = rng.integers(0, 12, 30)
    exact = brute_force_sign_flip(first, second, authors)
    estimate = plan.author_sign_flip_p(first, second, authors, 20000, np.random.default_rng(1))
    assert estimate == pytest.approx(exact, abs=0.015)


def test_mcnemar_exact_p_is_the_binomial_test_of_the_discordant_comments():
    first = np.array([1] * 12 + [0] * 3 + [1] * 5 + [0] * 10, bool)
    second = np.array([0] * 12 + [1] * 3 + [1] * 5 + [0] * 10, bool)
    assert plan.mcnemar_exact_p(first, second) == pytest.approx(stats.binomtest(3, 15, 0.5).pvalue)


def test_the_blame_or_remedy_comparison_counts_the_same_comments_twice(study):
    row = plan.results(study).loc["blame-or-remedy.blames"]
    table = study.table
    blames = table[list(definitions.BLAME)].eq(1).any(axis=1)
    remedies = table[list(definitions.REMEDIES)].eq(1).any(axis=1)
    assert (row["n_a"], row["n_b"]) == (len(table), len(table))
    assert (row["count_a"], row["count_b"]) == (int(blames.sum()), int(remedies.sum()))
    assert row["tested"] == "yes" and row["test"] == plan.PAIRED
    assert row["p_fisher"] == pytest.approx(stats.binomtest(int((blames & ~remedies).sum()),
                                                            int((blames ^ remedies).sum()), 0.5).pvalue)
