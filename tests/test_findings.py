"""The counting behind the findings chapters, checked against independent implementations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from comment_study.coding import sheets
from comment_study.study import load_study
from comment_study.analysis import findings


@pytest.fixture(scope="module")
def study():
    return load_study()


@given(st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
@settings(max_examples=200, deadline=None)
def test_wilson_interval_matches_scipy(count_n):
    count, n = count_n
    expected = stats.binomtest(count, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = findings.wilson(count, n)
    assert low == pytest.approx(expected.low, abs=1e-9)
    assert high == pytest.approx(expected.high, abs=1e-9)


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError, match="between 0 and n"):
        findings.wilson(5, 4)
    with pytest.raises(ValueError, match="at least one"):
        findings.wilson(0, 0)


def test_rates_use_the_counting_rule_not_every_comment(study):
    excluded = study.comments["is_empty"] | study.comments["duplicate_of"].notna()
    assert len(study.table) == len(study.comments) - int(excluded.sum())
    prevalence = findings.prevalence(study.table, study.codes)
    assert (prevalence["n"] == len(study.table)).all()
    assert (prevalence["low"] <= prevalence["share"]).all() and (prevalence["share"] <= prevalence["high"]).all()


def test_cooccurrence_counts_comments_carrying_both_codes(study):
    matrix = findings.cooccurrence(study.table, study.codes)
    for a, b in itertools.combinations(study.codes[:8], 2):
        both = int(((study.table[a] == 1) & (study.table[b] == 1)).sum())
        assert matrix.loc[a, b] == matrix.loc[b, a] == both
    assert all(matrix.loc[c, c] == study.table[c].sum() for c in study.codes)


def test_conditional_matrix_rows_are_shares_of_the_row_code(study):
    shares = findings.conditional_matrix(study.table, study.codes)
    row = study.table[study.table["punitive"] == 1]
    assert shares.loc["punitive", "prevention"] == pytest.approx(row["prevention"].mean())
    assert np.isnan(shares.loc["punitive", "punitive"])


def test_conditional_compares_with_and_without_the_given_code(study):
    table = findings.conditional(study.table, "tech_fix", study.codes)
    assert "tech_fix" not in table.index
    without = study.table[study.table["tech_fix"] == 0]["privacy_liberty"].mean()
    assert table.loc["privacy_liberty", "share_without"] == pytest.approx(without)


def _toy(n_first: int, n_second: int, count_first: int, count_second: int) -> tuple[pd.DataFrame, pd.Series]:
    code = [1] * count_first + [0] * (n_first - count_first) + [1] * count_second + [0] * (n_second - count_second)
    group = pd.Series([True] * n_first + [False] * n_second)
    return pd.DataFrame({"x": code}), group


def test_compare_tests_with_fishers_exact_test_when_the_numbers_allow():
    table, group = _toy(30, 40, 12, 3)
    result = findings.compare(table, ["x"], group, ("a", "b"))
    assert result.loc["x", "tested"] == "yes"
    assert result.loc["x", "p"] == pytest.approx(stats.fisher_exact([[12, 18], [3, 37]]).pvalue)
    assert result.loc["x", "share a"] == pytest.approx(12 / 30)


def test_compare_refuses_to_test_small_groups_and_rare_codes_and_says_why():
    small, group = _toy(findings.MIN_GROUP - 1, 60, 10, 3)
    result = findings.compare(small, ["x"], group, ("a", "b"))
    assert np.isnan(result.loc["x", "p"]) and "fewer than" in result.loc["x", "tested"]
    rare, group = _toy(40, 40, 1, 1)
    result = findings.compare(rare, ["x"], group, ("a", "b"))
    assert np.isnan(result.loc["x", "p"]) and "carry the code" in result.loc["x", "tested"]


def test_compare_leaves_out_rows_whose_group_is_unknown():
    table = pd.DataFrame({"x": [1, 0, 1, 1]})
    group = pd.Series([True, False, pd.NA, False], dtype="boolean")
    result = findings.compare(table, ["x"], group, ("a", "b"))
    assert result.loc["x", "n a"] == 1 and result.loc["x", "n b"] == 2


def test_exemplars_carry_the_code_and_are_the_plainest_cases(study):
    chosen = findings.exemplars(study.table, "punitive", study.codes, k=3)
    rows = study.table.set_index("comment_id").loc[chosen]
    assert (rows["punitive"] == 1).all()
    fewest = study.table[study.table["punitive"] == 1][study.codes].sum(axis=1).min()
    assert rows[study.codes].sum(axis=1).iloc[0] == fewest
    assert chosen == findings.exemplars(study.table, "punitive", study.codes, k=3)


def test_show_paraphrases_disclosures_and_quotes_the_rest(study):
    from comment_study.study import quotes

    protected = sorted(quotes.protected_ids() & set(study.table["comment_id"]))[0]
    quotable = int(study.table.loc[~study.table["comment_id"].isin(quotes.protected_ids()), "comment_id"].iloc[0])
    shown = findings.show(study, [protected, quotable]).quotes
    assert isinstance(shown[0], quotes.Paraphrase)
    assert shown[0].paraphrase == sheets.paraphrase(study.table.set_index("comment_id").loc[protected, "memo"])
    assert isinstance(shown[1], quotes.Quote)


def test_verdict_says_why_a_difference_was_not_tested_and_reads_the_p_value():
    table, group = _toy(30, 40, 12, 3)
    tested = findings.compare(table, ["x"], group, ("a", "b")).loc["x"]
    assert findings.verdict(tested).startswith("a difference unlikely to be chance")
    assert findings.verdict(tested).endswith(findings.p_text(tested["p"]))
    rare, group = _toy(40, 40, 1, 1)
    untested = findings.compare(rare, ["x"], group, ("a", "b")).loc["x"]
    assert findings.verdict(untested) == f"not tested: fewer than {findings.MIN_CODED} comments carry the code"


def test_rule_made_pairs_are_flagged_in_the_lift_table_in_either_order(study):
    pairs = findings.flag_rule_made(findings.strongest_pairs(study.table, study.codes), study.book)
    flagged = pairs.set_index("pair")[findings.RULE_MADE]
    # the methods review's example: both rules include parents posting children's pictures
    assert flagged["blame_parents + prevention"] == "yes"
    assert flagged["survivor + known_offenders"] == "no"
    listed = {frozenset(o.codes) for o in study.book.overlaps}
    assert all((flag == "yes") == (frozenset((a, b)) in listed)
               for a, b, flag in zip(pairs["first"], pairs["second"], pairs[findings.RULE_MADE]))
    swapped = findings.flag_rule_made(pairs.rename(columns={"first": "second", "second": "first"}), study.book)
    assert swapped[findings.RULE_MADE].tolist() == pairs[findings.RULE_MADE].tolist()
