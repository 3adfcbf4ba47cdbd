"""Plain-text helpers shared by chapters: sentence splitting without NLTK downloads.

The book builds offline, so it cannot fetch NLTK's Punkt models. :func:`sentences` is a
small rule-based splitter written for this corpus: informal comments that sometimes start a
sentence in lower case, use ellipses, and abbreviate ("U.S.", "e.g.", "Dr.").
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "rev", "gen", "gov", "sen", "rep",
    "vs", "etc", "approx", "dept", "inc", "ltd", "co", "corp", "no", "nos", "vol", "fig",
})
"""Words that end in a full stop without ending a sentence (lower case, no dot)."""

_BOUNDARY = re.compile(r"(?P<mark>\.{2,}|…|[.!?]+)(?P<close>[\"'”’)\]]*)\s+")
_DOTTED = re.compile(r"^(?:[a-z]\.)+[a-z]$")  # u.s, e.g, i.e, a.m


def _is_abbreviation(word: str) -> bool:
    """Whether a word followed by a single full stop is an abbreviation or an initial, not a sentence end."""
    word = word.lstrip("\"'“‘([").lower()
    return word in ABBREVIATIONS or bool(_DOTTED.match(word)) or (len(word) == 1 and word.isalpha())


def sentences(text: str) -> list[str]:
    """Split text into sentences on end punctuation, keeping abbreviations, initials and decimals whole.

    A boundary is end punctuation (with any closing quote or bracket) followed by white space.
    After a single full stop, ``?`` or ``!`` the next sentence may start in lower case, as it
    often does in comments; after an ellipsis it must start with a capital, digit or quote,
    because writers use ellipses inside sentences too. A full stop after an abbreviation
    ("Dr.", "etc.", "U.S.") or a single initial never ends a sentence, so "the U.S. The"
    stays one sentence: a known limit.
    """
    flat = re.sub(r"\s+", " ", text or "").strip()
    out, start = [], 0
    for match in _BOUNDARY.finditer(flat):
        mark, following = match["mark"], flat[match.end():match.end() + 1]
        if not following:
            break
        if mark == ".":
            before = flat[start:match.start()].split()
            if before and _is_abbreviation(before[-1]):
                continue
        elif mark in ("…",) or mark.startswith(".."):
            if not (following.isupper() or following.isdigit() or following in "\"'“‘("):
                continue
        out.append(flat[start:match.end()].strip())
        start = match.end()
    rest = flat[start:].strip()
    return out + ([rest] if rest else [])
