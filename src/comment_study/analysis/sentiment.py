"""Lexicon sentiment scores (TextBlob and VADER) for comments, computed offline.

Besides the scores themselves: a stated rule that turns a score into a tone label, scores
for each sentence, the words that make up a score (both lexicons are open to inspection),
and a way to neutralise chosen words to see how much of a score they carry.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from scipy import stats
import pandas as pd
from textblob import TextBlob
from textblob.en import sentiment as pattern_sentiment
from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

from comment_study.coding.codebook import TONES
from comment_study.corpus.text import sentences

SCORE_COLUMNS = ["textblob_polarity", "textblob_subjectivity", "vader_compound"]

NEUTRAL_BAND = 0.05
"""VADER's published convention: compound >= 0.05 is positive, <= -0.05 negative, neutral between.

Hutto and Gilbert's VADER documentation recommends these cut-offs; the book applies the same
band to TextBlob's polarity, which has the same -1 to 1 range, so both lexicons face one rule.
"""

TOPIC_WORDS = re.compile(r"\b(?:child\w*|sexual\w*|abus\w*)\b", re.IGNORECASE)
"""The subject of the article, "child sexual abuse", and the other forms of its three words."""

PLACEHOLDER = "topic"
"""A word neither lexicon scores, put in place of a neutralised word so that word positions stay."""

NEGATIVE, MIXED, POSITIVE = TONES


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    """One VADER analyser per process: building it reads its lexicon file."""
    return SentimentIntensityAnalyzer()


def score_text(text: str) -> tuple[float, float, float]:
    """TextBlob polarity and subjectivity and VADER's compound score of one text.

    TextBlob's ``TextBlob(text).sentiment`` is its Pattern analyser's ``sentiment(text)``, asked
    here directly: the blob and the named tuple it makes on every call add a tenth to the time
    (tests/test_sentiment.py checks that the two agree).
    """
    polarity, subjectivity = pattern_sentiment(text or "")
    compound = _vader().polarity_scores(text or "")["compound"]
    return float(polarity), float(subjectivity), float(compound)


def scores(texts: pd.Series) -> pd.DataFrame:
    """Sentiment scores for each text, indexed like ``texts``; an empty text scores 0 on all three."""
    rows = [score_text(text) for text in texts.fillna("")]
    return pd.DataFrame(rows, columns=SCORE_COLUMNS, index=texts.index, dtype=float)


# --- from a score to a tone label --------------------------------------------------------------

def label(values: pd.Series, low: float = -NEUTRAL_BAND, high: float = NEUTRAL_BAND) -> pd.Series:
    """Tone labels: negative at or below ``low``, positive at or above ``high``, mixed_or_neutral between."""
    if not low < high:
        raise ValueError(f"the negative cut ({low}) must lie below the positive cut ({high})")
    if values.isna().any():
        raise ValueError(f"{int(values.isna().sum())} scores are missing: label only complete scores")
    out = np.where(values <= low, NEGATIVE, np.where(values >= high, POSITIVE, MIXED))
    return pd.Series(out, index=values.index, name=values.name)


def quantile_cuts(values: pd.Series, negative_share: float, positive_share: float) -> tuple[float, float]:
    """Cuts that label about ``negative_share`` of the texts negative and ``positive_share`` positive.

    Tertiles are ``quantile_cuts(values, 1/3, 1/3)``. Ties at a cut all fall on one side, so the
    shares are met as closely as the tied scores allow.
    """
    if not (0 < negative_share and 0 < positive_share and negative_share + positive_share < 1):
        raise ValueError("each share must be positive and together they must leave room for the middle class")
    low, high = np.quantile(values.to_numpy(dtype=float), [negative_share, 1 - positive_share])
    if not low < high:
        raise ValueError(f"too many tied scores: the cuts coincide at {low}")
    return float(low), float(high)


# --- sentences ---------------------------------------------------------------------------------

def sentence_scores(comments: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of each comment (``comment_id``, ``sentence_no``, ``sentence``) with its scores."""
    rows = [(cid, number, sentence) for cid, text in zip(comments["comment_id"], comments["text"].fillna(""))
            for number, sentence in enumerate(sentences(text), start=1)]
    table = pd.DataFrame(rows, columns=["comment_id", "sentence_no", "sentence"])
    return table.join(scores(table["sentence"]))


def majority_of_sentences(sentence_labels: pd.Series, comment_ids: pd.Series) -> pd.Series:
    """A comment's tone from its sentences' labels: whichever of negative and positive sentences is
    more numerous, and mixed_or_neutral when they are equally many (including none)."""
    counts = pd.crosstab(comment_ids.to_numpy(), sentence_labels.to_numpy()).reindex(columns=list(TONES), fill_value=0)
    out = np.where(counts[NEGATIVE] > counts[POSITIVE], NEGATIVE,
                   np.where(counts[POSITIVE] > counts[NEGATIVE], POSITIVE, MIXED))
    return pd.Series(out, index=counts.index.rename("comment_id"), name="tone")


# --- which words make a score ------------------------------------------------------------------

def _vader_text(text: str) -> str:
    """The text as VADER scores it: emojis replaced by their descriptions (as its polarity_scores does)."""
    emojis, out, previous_space = _vader().emojis, "", True
    for character in text:
        if character in emojis:
            out += ("" if previous_space else " ") + emojis[character]
            previous_space = False
        else:
            out += character
            previous_space = character == " "
    return out.strip()


def _vader_valences(text: str) -> tuple[list[tuple[str, float, float]], float]:
    """(word, lexicon value, valence after the rules) for every token, and the punctuation emphasis."""
    analyser, text = _vader(), _vader_text(text or "")
    senti = SentiText(text)
    words = senti.words_and_emoticons
    valences: list[float] = []
    for i, item in enumerate(words):
        if item.lower() in BOOSTER_DICT or (i < len(words) - 1 and item.lower() == "kind" and words[i + 1].lower() == "of"):
            valences.append(0.0)
            continue
        valences = analyser.sentiment_valence(0.0, senti, item, i, valences)
    valences = analyser._but_check(words, valences)
    rows = [(w.lower(), float(analyser.lexicon.get(w.lower(), 0.0)), float(v)) for w, v in zip(words, valences)]
    return rows, float(analyser._punctuation_emphasis(text))


def vader_parts(text: str) -> tuple[pd.DataFrame, float]:
    """Each token's valence after VADER's rules (negation, boosters, capitals, "but"), and the punctuation emphasis.

    VADER's compound score is ``normalize(sum of valences ± emphasis)``; the rows with a
    non-zero valence are the words that make the score. ``lexicon`` is the word's own entry.
    """
    rows, emphasis = _vader_valences(text)
    table = pd.DataFrame([r for r in rows if r[2] != 0], columns=["word", "lexicon", "valence"])
    return table.astype({"word": str, "lexicon": float, "valence": float}), emphasis


def _textblob_assessments(text: str) -> list[tuple[str, str, float]]:
    """(chunk, its lexicon word, polarity) for each chunk TextBlob's Pattern analyser assessed."""
    rows = []
    for words, polarity, _subjectivity, _label in pattern_sentiment(text or "").assessments:
        rows.append((" ".join(words), next((w for w in reversed(words) if w != "!"), words[-1]), float(polarity)))
    return rows


def textblob_parts(text: str) -> pd.DataFrame:
    """TextBlob's assessed chunks (a lexicon word with any modifier or negation before it), with each
    chunk's polarity and its contribution: polarity is the mean over chunks, so contributions sum to it."""
    table = pd.DataFrame(_textblob_assessments(text), columns=["chunk", "word", "polarity"])
    table = table.astype({"chunk": str, "word": str, "polarity": float})
    table["contribution"] = table["polarity"] / max(len(table), 1)
    return table


def contributions(texts: pd.Series) -> pd.DataFrame:
    """Long table of every word's contribution to each text's score, for both lexicons.

    ``lexicon`` is ``textblob`` (share of the polarity, which lies in -1..1) or ``vader``
    (valence points of the sum that VADER normalises into its compound score).
    """
    rows = []
    for index, text in texts.fillna("").items():
        assessed = _textblob_assessments(text)
        rows += [(index, "textblob", word, polarity / len(assessed)) for _chunk, word, polarity in assessed]
        rows += [(index, "vader", word, valence) for word, _lexicon, valence in _vader_valences(text)[0] if valence != 0]
    table = pd.DataFrame(rows, columns=["text_index", "lexicon", "word", "contribution"])
    return table.astype({"lexicon": str, "word": str, "contribution": float})


def driving_words(text: str, n: int = 5) -> dict[str, pd.Series]:
    """The ``n`` words that move each lexicon's score most (summed over repeats), largest effect first."""
    out = {}
    for name, parts, column in (("textblob", textblob_parts(text), "contribution"), ("vader", vader_parts(text)[0], "valence")):
        totals = parts.groupby("word")[column].sum()
        out[name] = totals.reindex(totals.abs().sort_values(ascending=False, kind="stable").index)[:n]
    return out


def neutralise(texts: pd.Series, pattern: re.Pattern[str] = TOPIC_WORDS, placeholder: str = PLACEHOLDER) -> pd.Series:
    """The texts with every match of ``pattern`` replaced by a word no lexicon scores."""
    if placeholder.lower() in _vader().lexicon or TextBlob(placeholder).sentiment_assessments.assessments:
        raise ValueError(f"the placeholder {placeholder!r} carries sentiment in a lexicon")
    return texts.fillna("").str.replace(pattern, placeholder, regex=True)


# --- scores by code ----------------------------------------------------------------------------

def mean_by_code(values: pd.Series, codes: pd.DataFrame, samples: int = 2000, seed: int = 20191001) -> pd.DataFrame:
    """Mean score of the comments carrying each code (0/1 columns), with a seeded percentile bootstrap 95% interval (SciPy's)."""
    rng = np.random.default_rng(seed)
    rows = []
    for code in codes.columns:
        chosen = values[codes[code] == 1].to_numpy(dtype=float)
        if len(chosen) < 2 or np.ptp(chosen) == 0:  # no spread to resample: the interval is the value itself
            mean = float(chosen.mean()) if len(chosen) else np.nan
            rows.append({"code": code, "n": len(chosen), "mean": mean, "low": mean, "high": mean})
            continue
        interval = stats.bootstrap((chosen,), np.mean, n_resamples=samples, confidence_level=0.95,
                                   method="percentile", rng=rng).confidence_interval
        rows.append({"code": code, "n": len(chosen), "mean": float(chosen.mean()),
                     "low": float(interval.low), "high": float(interval.high)})
    return pd.DataFrame(rows).set_index("code")
