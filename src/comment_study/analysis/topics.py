"""Topics without a codebook: TF-IDF, non-negative matrix factorisation (NMF), and their checks.

Each comment becomes a TF-IDF vector; NMF writes the comment-by-term matrix as comment
weights times topic-term vectors. NMF starts from random values, so a fit depends on its
seed; how much the topics change from seed to seed (:func:`stability`) is the criterion for
the number of topics. Everything is seeded: the same input gives the same topics.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.sparse import spmatrix
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

CONTRACTION_STEMS = frozenset({"don", "doesn", "didn", "isn", "aren", "wasn", "weren", "haven", "hasn", "hadn",
                               "won", "wouldn", "shouldn", "couldn", "can", "ll", "ve", "re"})
"""What is left of "don't", "isn't", "we'll" when words are cut at the apostrophe: not topic words."""

STOP_WORDS = sorted(ENGLISH_STOP_WORDS | CONTRACTION_STEMS)
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"
"""Words of three or more letters: no numbers, no one- or two-letter fragments."""

MIN_DF = 3
"""A term must occur in at least this many comments: a topic is a pattern shared across comments."""

MAX_DF = 0.5
"""A term in more than half of the comments describes the thread, not a topic within it."""

MAX_ITER = 2000


def vectorise(texts: Sequence[str], min_df: int = MIN_DF, max_df: float = MAX_DF) -> tuple[spmatrix, np.ndarray]:
    """TF-IDF matrix (one row per text, rows of unit length, sublinear counts) and its terms."""
    vectoriser = TfidfVectorizer(stop_words=STOP_WORDS, token_pattern=TOKEN_PATTERN, lowercase=True,
                                 min_df=min_df, max_df=max_df, sublinear_tf=True)
    matrix = vectoriser.fit_transform(list(texts))
    return matrix, vectoriser.get_feature_names_out()


def fit(matrix: spmatrix, k: int, seed: int) -> NMF:
    """NMF with ``k`` topics from a seeded random start (init="random", so the seed matters)."""
    model = NMF(n_components=k, init="random", random_state=seed, max_iter=MAX_ITER, tol=1e-4)
    model.fit(matrix)
    if model.n_iter_ >= MAX_ITER:
        raise RuntimeError(f"NMF with k={k}, seed={seed} did not converge in {MAX_ITER} iterations")
    return model


def match_topics(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """For each topic of ``first``, the cosine similarity to its partner in ``second`` (NaN if it has none).

    Topics are paired one-to-one to maximise the total similarity (the Hungarian algorithm),
    because topic numbers are arbitrary; the two sets may differ in size, not in terms.
    """
    if first.shape[1] != second.shape[1]:
        raise ValueError(f"topic sets over different vocabularies: {first.shape[1]} and {second.shape[1]} terms")
    unit = lambda m: m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)
    cosine = unit(first) @ unit(second).T
    rows, cols = linear_sum_assignment(-cosine)
    matched = np.full(first.shape[0], np.nan)
    matched[rows] = cosine[rows, cols]
    return matched


def topic_similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Mean cosine similarity of two equally large sets of topic-term vectors, each topic matched to its partner."""
    if first.shape != second.shape:
        raise ValueError(f"topic sets differ in shape: {first.shape} and {second.shape}")
    return float(match_topics(first, second).mean())


def stability(matrix: spmatrix, ks: Sequence[int], seeds: Sequence[int]) -> tuple[pd.DataFrame, dict[int, list[NMF]]]:
    """For each k: the mean, lowest and highest similarity over every pair of seeds' fits, and the fits."""
    if len(seeds) < 2:
        raise ValueError("stability needs at least two seeds")
    rows, fits = [], {}
    for k in ks:
        fits[k] = [fit(matrix, k, seed) for seed in seeds]
        pairs = [topic_similarity(a.components_, b.components_)
                 for i, a in enumerate(fits[k]) for b in fits[k][i + 1:]]
        rows.append({"k": k, "mean": float(np.mean(pairs)), "min": float(np.min(pairs)), "max": float(np.max(pairs))})
    return pd.DataFrame(rows).set_index("k"), fits


def choose_k(table: pd.DataFrame) -> int:
    """The k whose topics are most stable across seeds (highest mean similarity; a tie goes to the smaller k)."""
    best = table["mean"].max()
    return int(table.index[np.isclose(table["mean"], best, rtol=0, atol=1e-12)].min())


def best_fit(fits: Sequence[NMF]) -> NMF:
    """Of several seeds' fits, the one that reproduces the TF-IDF matrix best (lowest reconstruction error)."""
    return min(fits, key=lambda model: model.reconstruction_err_)


def top_terms(model: NMF, terms: np.ndarray, n: int = 10) -> pd.DataFrame:
    """The ``n`` heaviest terms of each topic, one row per topic (``topic 1``, ``topic 2``, ...)."""
    order = np.argsort(-model.components_, axis=1, kind="stable")[:, :n]
    return pd.DataFrame(terms[order], index=topic_names(model.n_components_),
                        columns=[f"term {i + 1}" for i in range(n)])


def topic_names(k: int) -> list[str]:
    """Labels for k topics."""
    return [f"topic {i + 1}" for i in range(k)]


def weights(model: NMF, matrix: spmatrix, index: pd.Index) -> pd.DataFrame:
    """Each comment's weight on each topic (rows: comments, columns: topics)."""
    return pd.DataFrame(model.transform(matrix), index=index, columns=topic_names(model.n_components_))


def shares(topic_weights: pd.DataFrame) -> pd.DataFrame:
    """Weights as shares of each comment's total; a comment with no topic terms has all shares 0."""
    total = topic_weights.sum(axis=1)
    return topic_weights.div(total.where(total > 0, 1.0), axis=0)


def representatives(topic_weights: pd.DataFrame, n: int = 2) -> dict[str, list]:
    """For each topic, the index labels of the ``n`` comments with the largest weight on it."""
    return {topic: list(topic_weights[topic].sort_values(ascending=False, kind="stable").index[:n])
            for topic in topic_weights.columns}


def code_association(topic_shares: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlation of each topic's share with each code's presence (point-biserial), codes × topics."""
    if not topic_shares.index.equals(codes.index):
        raise ValueError("topic shares and codes must describe the same comments in the same order")
    constant = codes.columns[codes.std(ddof=0) == 0].tolist() + topic_shares.columns[topic_shares.std(ddof=0) == 0].tolist()
    if constant:
        raise ValueError(f"correlation undefined for columns that never vary: {constant}")
    z = lambda frame: (frame - frame.mean()) / frame.std(ddof=0)
    return z(codes.astype(float)).T @ z(topic_shares) / len(codes)


def same_topic_rate(dominant: pd.Series, pairs: pd.DataFrame) -> tuple[float, float]:
    """Share of (reply, parent) pairs whose dominant topics agree, and the share expected if topics were independent.

    ``dominant`` maps comment id to topic; ``pairs`` has columns ``comment_id`` and ``reply_to``;
    pairs with a comment missing from ``dominant`` are left out.
    """
    known = pairs[pairs["comment_id"].isin(dominant.index) & pairs["reply_to"].isin(dominant.index)]
    if known.empty:
        raise ValueError("no reply whose parent also has a topic")
    reply, parent = dominant.loc[known["comment_id"]].to_numpy(), dominant.loc[known["reply_to"]].to_numpy()
    observed = float((reply == parent).mean())
    p_reply, p_parent = pd.Series(reply).value_counts(normalize=True), pd.Series(parent).value_counts(normalize=True)
    expected = float((p_reply * p_parent.reindex(p_reply.index, fill_value=0)).sum())
    return observed, expected
