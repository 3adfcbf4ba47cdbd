"""Classification metrics against scikit-learn, and their refusals of bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, f1_score, precision_score, recall_score

from comment_study.coding import validation

LABELS = ["negative", "mixed_or_neutral", "positive"]

label_pairs = st.integers(min_value=1, max_value=80).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from(LABELS), min_size=n, max_size=n),
        st.lists(st.sampled_from(LABELS), min_size=n, max_size=n),
    )
)


@settings(max_examples=120, deadline=None)
@given(label_pairs)
def test_confusion_matrix_matches_scikit_learn(data):
    truth, predicted = data
    ours = validation.confusion(truth, predicted, LABELS)
    assert list(ours.index) == LABELS and list(ours.columns) == LABELS
    np.testing.assert_array_equal(ours.to_numpy(), confusion_matrix(truth, predicted, labels=LABELS))


@settings(max_examples=120, deadline=None)
@given(label_pairs)
def test_accuracy_matches_scikit_learn(data):
    truth, predicted = data
    assert validation.accuracy(truth, predicted) == pytest.approx(accuracy_score(truth, predicted))


@settings(max_examples=120, deadline=None)
@given(label_pairs)
def test_macro_f1_matches_scikit_learn_over_the_labels_that_occur(data):
    truth, predicted = data
    present = sorted(set(truth) | set(predicted))
    reference = f1_score(truth, predicted, labels=present, average="macro", zero_division=0)
    assert validation.macro_f1(truth, predicted) == pytest.approx(reference, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(label_pairs)
def test_precision_and_recall_match_scikit_learn_where_defined(data):
    truth, predicted = data
    table = validation.per_class(truth, predicted)
    for label, row in table.iterrows():
        if not math.isnan(row["precision"]):
            assert row["precision"] == pytest.approx(precision_score(truth, predicted, labels=[label], average="macro"))
        else:
            assert label not in predicted
        if not math.isnan(row["recall"]):
            assert row["recall"] == pytest.approx(recall_score(truth, predicted, labels=[label], average="macro"))
        else:
            assert label not in truth


@settings(max_examples=120, deadline=None)
@given(label_pairs)
def test_kappa_matches_scikit_learn(data):
    truth, predicted = data
    ours = validation.kappa(truth, predicted)
    if math.isnan(ours):
        assert len(set(truth) | set(predicted)) == 1
    else:
        assert ours == pytest.approx(cohen_kappa_score(truth, predicted), abs=1e-9)


def test_a_label_outside_the_declared_labels_is_refused():
    with pytest.raises(ValueError, match="not among"):
        validation.confusion(["negative", "angry"], ["negative", "negative"], LABELS)


def test_a_declared_label_that_never_occurs_makes_macro_f1_undefined_not_zero():
    with pytest.raises(ValueError, match="'positive' occurs in neither"):
        validation.macro_f1(["negative", "mixed_or_neutral"], ["negative", "negative"], LABELS)


def test_sequences_of_different_length_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        validation.accuracy(["negative"], ["negative", "positive"])


def test_no_units_is_refused():
    with pytest.raises(ValueError, match="no units"):
        validation.accuracy([], [])


def test_summary_on_the_real_coding_reports_a_kappa_inside_its_interval(comments):
    from comment_study.coding import codebook, sheets as coding
    from comment_study.corpus import files as data
    from comment_study.analysis import sentiment

    book = codebook.load(data.path("data/codebook.yml"))
    sheet = coding.coded(coding.load_sheet(data.path("data/coding/primary.csv"), book, comments, complete=True), comments)
    predicted = sentiment.label(sentiment.scores(sheet["text"])["vader_compound"])
    result = validation.summary(sheet["tone"], predicted, LABELS, samples=300)
    assert result["n"] == len(sheet)
    assert result["kappa"] == pytest.approx(cohen_kappa_score(sheet["tone"], predicted))
    assert result["kappa_low"] <= result["kappa"] <= result["kappa_high"]
    assert result["macro_f1"] == pytest.approx(f1_score(sheet["tone"], predicted, labels=LABELS, average="macro"))
