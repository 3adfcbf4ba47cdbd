"""Keep commenters' display names out of the published book.

The book cites comments by id and commenters by pseudonym. A display name that could
identify someone must never reach the HTML, neither in our prose nor inside a quoted
comment (replies often address others by name). :func:`identifying_names` states the
rule; :func:`redact` applies it to text a reader will see; the tests scan the built book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

REDACTED = "[name]"


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    """Lower-case entries of Webster's Second International (shipped offline by english-words)."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"], lower=False, alpha=True) if w.islower())


@dataclass(frozen=True)
class NamePattern:
    """A display name to keep out of the book, and how strictly to match it."""

    name: str
    case_sensitive: bool

    @property
    def regex(self) -> re.Pattern[str]:
        flags = 0 if self.case_sensitive else re.IGNORECASE
        return re.compile(r"(?<![\w@])@?" + re.escape(self.name) + r"(?!\w)", flags)


def _is_ordinary(word: str) -> bool:
    return word.lower() in ordinary_words()


def identifying_names(names: Iterable[str]) -> list[NamePattern]:
    """Apply the study's rule for which display names could identify someone.

    - Names of one or two characters (initials such as "N" or "SF") are not identifying
      and would collide with ordinary text: they are not scanned.
    - A one-word name is identifying unless it is an ordinary English word ("Bear",
      "Reality"); "Fred", "JeffB" and "Tournachonadar" are identifying.
    - A name of two or more words is always identifying. It is matched in any letter
      case if any of its words is not an ordinary English word ("Leonard Johnston"),
      and exactly as written otherwise ("Someone else"), so that the same words used
      as a phrase in running text are not mistaken for the name.
    """
    out: dict[str, NamePattern] = {}
    for name in names:
        name = name.strip()
        words = re.findall(r"[^\W\d_]+", name)
        if len(name) <= 2 or not words:
            continue
        if len(name.split()) == 1:
            if not all(_is_ordinary(w) for w in words):
                out[name.lower()] = NamePattern(name, case_sensitive=False)
        else:
            strict = all(_is_ordinary(w) for w in words)
            out[name if strict else name.lower()] = NamePattern(name, case_sensitive=strict)
    return sorted(out.values(), key=lambda p: (-len(p.name), p.name))


def redact(text: str, patterns: list[NamePattern]) -> str:
    """Replace every identifying display name in ``text`` with ``[name]``."""
    for pattern in patterns:
        text = pattern.regex.sub(REDACTED, text)
    return text


def find_names(text: str, patterns: list[NamePattern]) -> list[str]:
    """The identifying names that occur in ``text`` (for the privacy scan)."""
    return [p.name for p in patterns if p.regex.search(text)]
