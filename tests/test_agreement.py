"""Agreement statistics against independent implementations, and their degenerate cases."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.metrics import cohen_kappa_score

from comment_study.coding import agreement

pairs = st.integers(min_value=2, max_value=60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
        st.lists(st.integers(0, 2), min_size=n, max_size=n),
    )
)


def defined(a, b) -> bool:
    return len(set(a) | set(b)) > 1


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_kappa_matches_scikit_learn(data):
    a, b = data
    ours = agreement.cohen_kappa(a, b)
    if math.isnan(ours):
        assert len(set(a)) == 1 and set(a) == set(b)
        return
    assert ours == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_alpha_matches_the_krippendorff_package(data):
    a, b = data
    ours = agreement.krippendorff_alpha(a, b)
    if not defined(a, b):
        assert math.isnan(ours)
        return
    reference = krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal")
    assert ours == pytest.approx(reference, abs=1e-9)


def test_perfect_agreement_is_one():
    a = [0, 1, 1, 0, 1]
    assert agreement.cohen_kappa(a, a) == 1.0 and agreement.krippendorff_alpha(a, a) == 1.0


def test_code_absent_in_sample_is_undefined_not_a_crash():
    a = b = [0] * 20
    assert math.isnan(agreement.cohen_kappa(a, b))
    assert math.isnan(agreement.krippendorff_alpha(a, b))
    assert agreement.verdict(agreement.krippendorff_alpha(a, b)) == "undefined"
    assert agreement.percent_agreement(a, b) == 1.0


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2, 80)
    b = np.where(rng.random(80) < 0.85, a, 1 - a)
    first = agreement.bootstrap(a, b, agreement.krippendorff_alpha)
    assert first == agreement.bootstrap(a, b, agreement.krippendorff_alpha)
    low, high = first
    assert low <= agreement.krippendorff_alpha(a, b) <= high


def _loop_bootstrap(a, b, statistic, samples, seed, level=0.95):
    """The bootstrap written plainly, one resample at a time, with the same resamples and rule."""
    a, b = np.asarray(a), np.asarray(b)
    index = np.random.default_rng(seed).integers(0, len(a), size=(samples, len(a)))
    values, single = [], []
    for i in index:
        one = len(set(a[i]) | set(b[i])) == 1
        single.append(one)
        values.append(1.0 if one else statistic(a[i], b[i]))
    tail = (1 - level) / 2 * 100
    return (*np.percentile(values, [tail, 100 - tail]), np.mean(single))


@pytest.mark.parametrize("statistic", [agreement.cohen_kappa, agreement.krippendorff_alpha, agreement.percent_agreement])
def test_vectorised_bootstrap_equals_the_one_resample_at_a_time_loop(statistic):
    rng = np.random.default_rng(7)
    a = np.where(rng.random(60) < 0.08, 1, 0)  # a rare code: some resamples miss it altogether
    b = np.where(rng.random(60) < 0.9, a, 1 - a)
    fast = agreement.bootstrap(a, b, statistic, samples=400, seed=3)
    low, high, share = _loop_bootstrap(a, b, statistic, samples=400, seed=3)
    assert (fast.low, fast.high) == (pytest.approx(low), pytest.approx(high))
    assert fast.single_value_share == pytest.approx(share)


def test_resamples_that_miss_a_rare_code_count_as_perfect_agreement_and_are_reported_not_dropped():
    a = b = np.array([1] + [0] * 39)  # perfect agreement on a code that one comment carries
    result = agreement.bootstrap(a, b, agreement.krippendorff_alpha, samples=1000, seed=1)
    expected_share = (1 - 1 / 40) ** 40  # chance that a resample of 40 misses the one comment
    assert result.single_value_share == pytest.approx(expected_share, abs=0.05)
    assert (result.low, result.high) == (1.0, 1.0)
    assert agreement.agreement_table(pd.DataFrame({"comment_id": range(40), "x": a}),
                                     pd.DataFrame({"comment_id": range(40), "x": b}), ["x"]).loc["x", "single_value_share"] > 0


def test_table_forms_of_kappa_and_alpha_equal_the_array_forms():
    rng = np.random.default_rng(5)
    for _ in range(30):
        a = rng.integers(0, 3, 40)
        b = np.where(rng.random(40) < 0.7, a, rng.integers(0, 3, 40))
        _, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
        k = codes.max() + 1
        table = np.zeros((k, k), dtype=int)
        np.add.at(table, (codes[:40], codes[40:]), 1)
        assert agreement._kappa_of_table(table) == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
        assert agreement._alpha_of_table(table) == pytest.approx(
            krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"), abs=1e-9)


@pytest.mark.parametrize(("alpha", "word"), [(0.9, "reliable"), (0.8, "reliable"), (0.7, "tentative"), (0.5, "unreliable")])
def test_verdict_thresholds(alpha, word):
    assert agreement.verdict(alpha) == word


def test_agreement_table_reports_undefined_in_words():
    first = pd.DataFrame({"comment_id": range(1, 11), "x": [0] * 10, "y": [1, 0] * 5, "memo": "m"})
    second = first.copy()
    table = agreement.agreement_table(first, second, ["x", "y"])
    assert table.loc["x", "verdict"] == "undefined" and table.loc["y", "verdict"] == "reliable"


# --- the examples a codebook showed the second coder ------------------------------------------

def test_without_examples_leaves_out_only_the_example_comments_and_recomputes_alpha():
    """Comment 3, the one disagreement, is an example: without it the coders agree perfectly."""
    first = pd.DataFrame({"comment_id": range(1, 13), "x": [1, 1, 1, 0, 0, 0] * 2, "memo": "m"})
    second = first.copy()
    second.loc[second["comment_id"] == 3, "x"] = 0
    second.loc[second["comment_id"] == 9, "x"] = 0
    table = agreement.without_examples(first, second, ["x"], examples=[3, 99])
    row = table.loc["x"]
    assert (row["n_with"], row["n_examples"], row["n_without"]) == (12, 1, 11)
    assert row["alpha_with"] == pytest.approx(agreement.krippendorff_alpha(first["x"], second["x"]))
    kept = first["comment_id"] != 3
    assert row["alpha_without"] == pytest.approx(krippendorff.alpha(
        reliability_data=np.vstack([first.loc[kept, "x"], second.loc[kept, "x"]]).astype(float),
        level_of_measurement="nominal"))
    assert row["alpha_without"] > row["alpha_with"]


def test_without_examples_changes_nothing_when_no_example_is_compared():
    first = pd.DataFrame({"comment_id": range(1, 9), "x": [1, 0] * 4, "memo": "m"})
    second = first.assign(x=[1, 0, 0, 0, 1, 0, 1, 0])
    row = agreement.without_examples(first, second, ["x"], examples=[]).loc["x"]
    assert row["n_examples"] == 0 and row["alpha_with"] == row["alpha_without"]


# --- which sample judges a code -----------------------------------------------------------------

def _sheets(positives_main: int, positives_supplementary: int):
    """A primary coding of 40 comments; main sample 1-20, supplementary 21-30; the second coder agrees."""
    code = [1 if i <= positives_main else 0 for i in range(1, 21)] + \
           [1 if i <= positives_supplementary else 0 for i in range(1, 11)] + [0] * 10
    primary = pd.DataFrame({"comment_id": range(1, 41), "rare": code, "tone": "negative", "memo": "m"})
    return primary, primary[primary["comment_id"] <= 20].copy(), primary[primary["comment_id"].between(21, 30)].copy()


def test_code_with_the_minimum_in_the_main_sample_is_judged_there():
    primary, main, supplementary = _sheets(4, 3)
    row = agreement.judged_table(primary, main, supplementary, ["rare", "tone"], min_positives=4).loc["rare"]
    assert (row["judged_on"], row["n"], row["verdict"]) == ("main", 20, "reliable")


def test_rarer_code_is_judged_on_the_pooled_sample_or_has_too_few_positives_to_judge():
    primary, main, supplementary = _sheets(2, 3)
    pooled = agreement.judged_table(primary, main, supplementary, ["rare"], min_positives=5).loc["rare"]
    assert (pooled["judged_on"], pooled["n"], pooled["present_1"], pooled["verdict"]) == ("pooled", 30, 5, "reliable")
    few = agreement.judged_table(primary, main, supplementary, ["rare"], min_positives=6).loc["rare"]
    assert few["verdict"] == agreement.TOO_FEW and few["alpha"] == 1.0  # alpha is kept, but judges nothing
    assert np.isnan(agreement.judged_alphas(agreement.judged_table(primary, main, supplementary, ["rare"],
                                                                   min_positives=6))["rare"])


def test_without_a_supplementary_sample_a_rare_code_is_too_few_on_the_main_sample():
    primary, main, _ = _sheets(2, 0)
    row = agreement.judged_table(primary, main, None, ["rare", "tone"], min_positives=5).loc["rare"]
    assert (row["judged_on"], row["n"], row["verdict"]) == ("main", 20, agreement.TOO_FEW)


def test_agreement_table_intervals_are_those_of_one_bootstrap_call_per_statistic():
    """The table counts the resamples once for its three statistics; each interval is what bootstrap() gives alone."""
    rng = np.random.default_rng(7)
    first = pd.DataFrame({"comment_id": range(60), "x": rng.integers(0, 2, 60)})
    second = pd.DataFrame({"comment_id": range(60), "x": np.where(rng.random(60) < 0.85, first["x"], 1 - first["x"])})
    row = agreement.agreement_table(first, second, ["x"]).loc["x"]
    a, b = first["x"].to_numpy(), second["x"].to_numpy()
    for name, statistic in (("kappa", agreement.cohen_kappa), ("alpha", agreement.krippendorff_alpha),
                            ("agreement", agreement.percent_agreement)):
        alone = agreement.bootstrap(a, b, statistic)
        assert (row[f"{name}_low"], row[f"{name}_high"]) == (alone.low, alone.high), name
    assert row["single_value_share"] == agreement.bootstrap(a, b, agreement.krippendorff_alpha).single_value_share
