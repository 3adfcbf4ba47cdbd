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
    first = agreement.bootstrap_interval(a, b, agreement.krippendorff_alpha)
    assert first == agreement.bootstrap_interval(a, b, agreement.krippendorff_alpha)
    low, high = first
    assert low <= agreement.krippendorff_alpha(a, b) <= high


@pytest.mark.parametrize(("alpha", "word"), [(0.9, "reliable"), (0.8, "reliable"), (0.7, "tentative"), (0.5, "unreliable")])
def test_verdict_thresholds(alpha, word):
    assert agreement.verdict(alpha) == word


def test_agreement_table_reports_undefined_in_words():
    first = pd.DataFrame({"comment_id": range(1, 11), "x": [0] * 10, "y": [1, 0] * 5, "memo": "m"})
    second = first.copy()
    table = agreement.agreement_table(first, second, ["x", "y"])
    assert table.loc["x", "verdict"] == "undefined" and table.loc["y", "verdict"] == "reliable"
