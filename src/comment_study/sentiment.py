"""Lexicon sentiment scores (TextBlob and VADER) for comments, computed offline."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

SCORE_COLUMNS = ["textblob_polarity", "textblob_subjectivity", "vader_compound"]


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    """One VADER analyser per process: building it reads its lexicon file."""
    return SentimentIntensityAnalyzer()


def score_text(text: str) -> tuple[float, float, float]:
    """TextBlob polarity and subjectivity and VADER's compound score of one text."""
    blob = TextBlob(text or "")
    compound = _vader().polarity_scores(text or "")["compound"]
    return float(blob.sentiment.polarity), float(blob.sentiment.subjectivity), float(compound)


def scores(texts: pd.Series) -> pd.DataFrame:
    """Sentiment scores for each text, indexed like ``texts``; an empty text scores 0 on all three."""
    rows = [score_text(text) for text in texts.fillna("")]
    return pd.DataFrame(rows, columns=SCORE_COLUMNS, index=texts.index, dtype=float)
