"""Sentiment: threshold rules, sentence splitting, and the words that make a score."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from textblob import TextBlob
from vaderSentiment.vaderSentiment import normalize

from comment_study.corpus import article, text

from comment_study.analysis import sentiment

# --- threshold rules ----------------------------------------------------------------------------


def test_vader_convention_puts_the_cut_points_themselves_in_the_outer_classes():
    values = pd.Series([-0.05, -0.0499, 0.0, 0.0499, 0.05])
    assert list(sentiment.label(values)) == ["negative", "mixed_or_neutral", "mixed_or_neutral",
                                            "mixed_or_neutral", "positive"]


def test_label_keeps_the_index_of_the_scores():
    values = pd.Series([0.9, -0.9], index=[17, 3])
    assert sentiment.label(values).to_dict() == {17: "positive", 3: "negative"}


def test_cuts_in_the_wrong_order_are_refused():
    with pytest.raises(ValueError, match="must lie below"):
        sentiment.label(pd.Series([0.1]), low=0.2, high=0.1)


def test_missing_scores_are_refused_not_labelled_neutral():
    with pytest.raises(ValueError, match="missing"):
        sentiment.label(pd.Series([0.3, None]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1, 1), min_size=30, max_size=200, unique=True))
def test_tertiles_put_about_a_third_of_distinct_scores_in_each_class(values):
    scores = pd.Series(values)
    low, high = sentiment.quantile_cuts(scores, 1 / 3, 1 / 3)
    shares = sentiment.label(scores, low, high).value_counts(normalize=True)
    n = len(scores)
    for tone in ("negative", "positive"):
        assert abs(shares.get(tone, 0) - 1 / 3) <= 2 / n + 1e-9


def test_quantile_cuts_refuse_shares_that_leave_no_middle():
    with pytest.raises(ValueError, match="room for the middle"):
        sentiment.quantile_cuts(pd.Series([0.1, 0.2, 0.3]), 0.5, 0.5)


def test_quantile_cuts_refuse_scores_too_tied_to_cut():
    with pytest.raises(ValueError, match="tied"):
        sentiment.quantile_cuts(pd.Series([0.0] * 10), 1 / 3, 1 / 3)


# --- sentences ----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("This is bad. we must act! what now? Yes.", ["This is bad.", "we must act!", "what now?", "Yes."]),
    ("The U.S. Congress, e.g. the House, did nothing. Then Dr. Smith left.",
     ["The U.S. Congress, e.g. the House, did nothing.", "Then Dr. Smith left."]),
    ("It costs 3.5 million... or more... And then it stops", ["It costs 3.5 million... or more...", "And then it stops"]),
    ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
    ("Wait...what? C. S. Lewis wrote it. Next", ["Wait...what?", "C. S. Lewis wrote it.", "Next"]),
    ("Wow!!! Really?! yes", ["Wow!!!", "Really?!", "yes"]),
    ("Friends, family, coach, etc. than a stranger.", ["Friends, family, coach, etc. than a stranger."]),
    ("No end punctuation", ["No end punctuation"]),
    ("Line one.\nLine two.", ["Line one.", "Line two."]),
    ("(A bracketed remark.) Then more.", ["(A bracketed remark.)", "Then more."]),
])
def test_sentence_splitter_on_tricky_input(raw, expected):
    assert text.sentences(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\n\n", None])
def test_empty_text_has_no_sentences(raw):
    assert text.sentences(raw) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?…\"')\n")), max_size=60))
def test_splitting_loses_no_words(raw):
    assert " ".join(text.sentences(raw)).split() == raw.split()


def test_the_article_uses_the_shared_splitter():
    assert article.sentences is text.sentences


def test_every_comment_splits_into_sentences_that_rejoin_to_its_words(comments):
    for raw in comments["text"].fillna(""):
        assert " ".join(text.sentences(raw)).split() == raw.split()


def test_sentence_scores_number_the_sentences_of_each_comment():
    table = sentiment.sentence_scores(pd.DataFrame({"comment_id": [5, 9], "text": ["Good. Bad!", "Fine"]}))
    assert list(zip(table["comment_id"], table["sentence_no"], table["sentence"])) == [
        (5, 1, "Good."), (5, 2, "Bad!"), (9, 1, "Fine")]
    assert table.loc[0, "vader_compound"] > 0 > table.loc[1, "vader_compound"]


def test_majority_of_sentences_ties_and_absences_are_mixed():
    labels = pd.Series(["negative", "positive", "negative", "negative", "mixed_or_neutral", "positive"])
    ids = pd.Series([1, 1, 2, 2, 3, 4])
    assert sentiment.majority_of_sentences(labels, ids).to_dict() == {
        1: "mixed_or_neutral", 2: "negative", 3: "mixed_or_neutral", 4: "positive"}


# --- the words that make a score ----------------------------------------------------------------

def test_vader_parts_rebuild_every_compound_score_of_the_corpus(comments):
    """The token valences plus punctuation emphasis, normalised, give VADER's own compound score."""
    for raw in comments["text"].fillna(""):
        parts, emphasis = sentiment.vader_parts(raw)
        total = parts["valence"].sum()
        total = total + emphasis if total > 0 else total - emphasis if total < 0 else total
        rebuilt = round(normalize(total), 4) if len(parts) else 0.0
        assert rebuilt == pytest.approx(sentiment.score_text(raw)[2], abs=1e-9), raw[:60]


def test_textblob_contributions_sum_to_every_polarity_of_the_corpus(comments):
    for raw in comments["text"].fillna(""):
        parts = sentiment.textblob_parts(raw)
        assert parts["contribution"].sum() == pytest.approx(TextBlob(raw).sentiment.polarity, abs=1e-12)


def test_vader_parts_show_negation_turning_a_word_positive():
    parts, _ = sentiment.vader_parts("Nothing is worse than this.")
    row = parts.set_index("word").loc["worse"]
    assert row["lexicon"] < 0 < row["valence"]


def test_contributions_table_agrees_with_the_per_text_parts():
    texts = pd.Series(["Not good at all, but the work is GREAT!", "", "Pulitzer Prize time."], index=[10, 11, 12])
    table = sentiment.contributions(texts)
    assert set(table["text_index"]) == {10, 12}
    vader = table[table["lexicon"] == "vader"].groupby("text_index")["contribution"].sum()
    assert vader[10] == pytest.approx(sentiment.vader_parts(texts[10])[0]["valence"].sum())
    blob = table[table["lexicon"] == "textblob"].groupby("text_index")["contribution"].sum()
    assert blob[10] == pytest.approx(TextBlob(texts[10]).sentiment.polarity)


def test_driving_words_are_ordered_by_size_of_effect():
    words = sentiment.driving_words("Terrible, awful, but somewhat nice.", n=3)["vader"]
    assert list(words.abs()) == sorted(words.abs(), reverse=True)


def test_neutralise_replaces_every_form_of_the_subject_words_and_nothing_else():
    texts = pd.Series(["Child abuse, sexually ABUSED children; childhood. Abusers!", "Chilled abs."])
    out = sentiment.neutralise(texts)
    assert out[0] == "topic topic, topic topic topic; topic. topic!"
    assert out[1] == "Chilled abs."
    assert sentiment.score_text(out[0])[:3:2] == (0.0, 0.0)


def test_neutralise_refuses_a_placeholder_that_carries_sentiment():
    with pytest.raises(ValueError, match="carries sentiment"):
        sentiment.neutralise(pd.Series(["abuse"]), placeholder="good")


def test_scores_keep_their_columns_and_index_for_the_other_lenses():
    out = sentiment.scores(pd.Series(["good", None], index=[4, 2]))
    assert list(out.columns) == ["textblob_polarity", "textblob_subjectivity", "vader_compound"]
    assert list(out.index) == [4, 2] and (out.loc[2] == 0).all()


def test_mean_by_code_intervals_contain_the_mean_and_are_seeded():
    values = pd.Series([-0.9, -0.5, 0.2, 0.4, 0.8, -0.1])
    codes = pd.DataFrame({"a": [1, 1, 1, 0, 0, 0], "b": [0, 0, 0, 0, 0, 0], "c": [1, 1, 1, 1, 1, 1]})
    first, second = sentiment.mean_by_code(values, codes), sentiment.mean_by_code(values, codes)
    pd.testing.assert_frame_equal(first, second)
    assert first.loc["a", "mean"] == pytest.approx(-0.4)
    assert first.loc["a", "low"] <= first.loc["a", "mean"] <= first.loc["a", "high"]
    assert first.loc["b", "n"] == 0 and pd.isna(first.loc["b", "mean"])
    assert first.loc["c", "n"] == 6


def test_scores_are_what_textblob_and_vader_give_each_comment(comments):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    texts = [*comments["text"], "", "Not bad at all!!", "I can't believe this is sexual abuse :("]
    for raw in texts:
        blob = TextBlob(raw)
        expected = (blob.sentiment.polarity, blob.sentiment.subjectivity, vader.polarity_scores(raw)["compound"])
        assert sentiment.score_text(raw) == expected, raw[:60]
