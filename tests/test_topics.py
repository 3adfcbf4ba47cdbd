"""Topic models: determinism, the stability criterion on a corpus with known topics, and the code links."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import pearsonr

from comment_study.analysis import topics

VOCABULARIES = [
    ["river", "boat", "fish", "water", "bridge", "shore", "current", "anchor"],
    ["court", "judge", "lawyer", "trial", "verdict", "appeal", "witness", "jury"],
    ["garden", "flower", "seed", "soil", "harvest", "compost", "tulip", "weeds"],
    ["engine", "piston", "gearbox", "brakes", "exhaust", "clutch", "tyres", "chassis"],
]


def synthetic_corpus(n_topics: int = 4, per_topic: int = 40, seed: int = 7) -> tuple[list[str], list[int]]:
    """Documents that each draw eight words from one of ``n_topics`` disjoint vocabularies, plus filler."""
    rng = np.random.default_rng(seed)
    filler = ["thing", "stuff", "matter", "issue", "point", "place"]
    docs, truth = [], []
    for topic in range(n_topics):
        for _ in range(per_topic):
            words = list(rng.choice(VOCABULARIES[topic], size=8)) + list(rng.choice(filler, size=2))
            docs.append(" ".join(rng.permutation(words)))
            truth.append(topic)
    return docs, truth


def test_a_fit_with_a_fixed_seed_is_identical_when_repeated():
    docs, _ = synthetic_corpus()
    matrix, _ = topics.vectorise(docs, min_df=2)
    first, second = topics.fit(matrix, 4, seed=3), topics.fit(matrix, 4, seed=3)
    np.testing.assert_array_equal(first.components_, second.components_)


def test_different_seeds_start_differently():
    docs, _ = synthetic_corpus()
    matrix, _ = topics.vectorise(docs, min_df=2)
    first, second = topics.fit(matrix, 6, seed=0), topics.fit(matrix, 6, seed=1)
    assert not np.allclose(first.components_, second.components_)


def test_stability_picks_the_known_number_of_topics_in_a_synthetic_corpus():
    docs, _ = synthetic_corpus()
    matrix, _ = topics.vectorise(docs, min_df=2)
    table, fits = topics.stability(matrix, range(2, 8), range(6))
    assert topics.choose_k(table) == 4
    assert table.loc[4, "mean"] > 0.99
    assert set(fits) == set(range(2, 8)) and all(len(v) == 6 for v in fits.values())


def test_the_recovered_topics_are_the_planted_vocabularies():
    docs, truth = synthetic_corpus()
    matrix, terms = topics.vectorise(docs, min_df=2)
    table, fits = topics.stability(matrix, [4], range(3))
    model = topics.best_fit(fits[4])
    recovered = {frozenset(row) for row in topics.top_terms(model, terms, 8).itertuples(index=False)}
    assert recovered == {frozenset(v) for v in VOCABULARIES}
    dominant = topics.shares(topics.weights(model, matrix, pd.RangeIndex(len(docs)))).idxmax(axis=1)
    assert pd.crosstab(dominant, np.array(truth)).gt(0).sum(axis=1).eq(1).all()


def test_topic_similarity_ignores_topic_order_and_detects_difference():
    rng = np.random.default_rng(0)
    first = rng.random((5, 30))
    assert topics.topic_similarity(first, first[::-1]) == pytest.approx(1.0)
    assert topics.topic_similarity(first, rng.random((5, 30))) < 0.95


def test_match_topics_pairs_sets_of_different_sizes():
    base = np.eye(4, 10)
    matched = topics.match_topics(base, base[:3])
    assert np.isnan(matched).sum() == 1 and np.nanmin(matched) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="different vocabularies"):
        topics.match_topics(base, np.eye(3, 9))


def test_choose_k_breaks_ties_towards_fewer_topics():
    table = pd.DataFrame({"mean": [0.8, 0.9, 0.9, 0.7]}, index=pd.Index([3, 4, 5, 6], name="k"))
    assert topics.choose_k(table) == 4


def test_stability_needs_two_seeds():
    matrix, _ = topics.vectorise(synthetic_corpus()[0], min_df=2)
    with pytest.raises(ValueError, match="two seeds"):
        topics.stability(matrix, [3], [0])


def test_vocabulary_drops_numbers_fragments_and_contraction_stems():
    docs = ["I don't know 2019 ok", "we don't know 2019 ok", "they don't know 2019 ok", "isn't it so"]
    _, terms = topics.vectorise(docs, min_df=1, max_df=1.0)
    assert set(terms) == {"know"}


def test_code_association_equals_pearson_correlation():
    rng = np.random.default_rng(1)
    shares = pd.DataFrame(rng.random((50, 3)), columns=["topic 1", "topic 2", "topic 3"])
    codes = pd.DataFrame({"a": rng.integers(0, 2, 50), "b": rng.integers(0, 2, 50)})
    table = topics.code_association(shares, codes)
    for code in codes:
        for topic in shares:
            assert table.loc[code, topic] == pytest.approx(pearsonr(shares[topic], codes[code]).statistic)


def test_code_association_refuses_a_code_that_never_varies():
    shares = pd.DataFrame({"topic 1": [0.1, 0.5, 0.9]})
    with pytest.raises(ValueError, match="never vary"):
        topics.code_association(shares, pd.DataFrame({"a": [0, 0, 0]}))


def test_code_association_refuses_misaligned_tables():
    shares = pd.DataFrame({"topic 1": [0.1, 0.5, 0.9]}, index=[1, 2, 3])
    with pytest.raises(ValueError, match="same comments"):
        topics.code_association(shares, pd.DataFrame({"a": [0, 1, 0]}, index=[1, 2, 4]))


def test_shares_sum_to_one_except_for_a_comment_without_topic_words():
    weights = pd.DataFrame({"topic 1": [0.2, 0.0], "topic 2": [0.6, 0.0]})
    out = topics.shares(weights)
    assert out.loc[0].sum() == pytest.approx(1.0) and (out.loc[1] == 0).all()


def test_representatives_are_the_heaviest_comments():
    weights = pd.DataFrame({"topic 1": [0.1, 0.9, 0.5], "topic 2": [0.7, 0.0, 0.2]}, index=[11, 12, 13])
    assert topics.representatives(weights, 2) == {"topic 1": [12, 13], "topic 2": [11, 13]}


def test_same_topic_rate_against_a_hand_count():
    dominant = pd.Series({1: "a", 2: "a", 3: "b", 4: "b", 5: "a"})
    pairs = pd.DataFrame({"comment_id": [2, 4, 5, 6], "reply_to": [1, 3, 3, 1]})  # 6 has no topic
    observed, expected = topics.same_topic_rate(dominant, pairs)
    assert observed == pytest.approx(2 / 3)
    # replies: a, b, a (2/3 a); parents: a, b, b (1/3 a): 2/3 * 1/3 + 1/3 * 2/3
    assert expected == pytest.approx(4 / 9)


def test_the_real_corpus_topics_are_reproducible_and_name_free(comments):
    from comment_study.corpus import privacy
    from comment_study.study import quotes

    names = quotes.name_patterns(comments)
    texts = [privacy.redact(t, names) for t in comments.loc[~comments["is_empty"], "text"]]
    matrix, terms = topics.vectorise(texts)
    assert not [t for t in terms if privacy.find_names(t, names)]
    first, second = topics.fit(matrix, 5, seed=0), topics.fit(matrix, 5, seed=0)
    np.testing.assert_array_equal(first.components_, second.components_)
