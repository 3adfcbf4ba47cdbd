"""The article's own claims, located in the captured excerpt so the book can cite them.

Each claim is found by a pattern; if the excerpt changes and a claim is no longer
there, :func:`key_figures` fails instead of showing a number the source lacks.
"""

from __future__ import annotations

import re

import pandas as pd

from comment_study.corpus.text import sentences

CLAIMS: dict[str, tuple[str, str]] = {
    "images_2018": ("photos and videos of abuse reported by tech companies in 2018",
                    r"record (?P<figure>\d+ million) online photos"),
    "reports_2018": ("reports of child sexual abuse material worldwide in 2018",
                     r"of the (?P<figure>[\d.]+ million) worldwide\s+reports"),
    "messenger_reports": ("of those reports from Facebook Messenger",
                          r"(?P<figure>nearly \d+ million) of the [\d.]+ million"),
    "doj_reports": ("monitoring reports the Justice Department produced under the 2008 law",
                    r"produced just (?P<figure>two of six) required reports"),
    "documents": ("pages of police and court documents the Times reviewed",
                  r"reviewed (?P<figure>over [\d,]+) pages"),
    "officials": ("law enforcement officials interviewed",
                  r"interviews with (?P<figure>nearly three\s+dozen) local"),
}


def key_figures(text: str) -> pd.DataFrame:
    """Find each claim in the excerpt: its figure and the sentence that states it."""
    flat = re.sub(r"\s+", " ", text)
    rows = []
    for key, (claim, pattern) in CLAIMS.items():
        match = re.search(pattern, flat)
        if match is None:
            raise ValueError(f"the article excerpt no longer states the claim {key!r} ({claim})")
        sentence = next(s for s in sentences(text) if match["figure"] in s)
        rows.append({"key": key, "figure": match["figure"], "claim": claim, "sentence": sentence})
    return pd.DataFrame(rows).set_index("key")


def sentence_with(text: str, phrase: str) -> str:
    """The one sentence of the excerpt that contains ``phrase``; an error if none or several do."""
    found = [s for s in sentences(text) if phrase in s]
    if len(found) != 1:
        raise ValueError(f"the article excerpt has {len(found)} sentences containing {phrase!r}, not one")
    return found[0]


def mentioning(text: str, stem: str) -> list[str]:
    """Every sentence of the excerpt that contains ``stem``, ignoring case (``"encrypt"`` finds encryption, encrypted)."""
    return [s for s in sentences(text) if stem.casefold() in s.casefold()]
