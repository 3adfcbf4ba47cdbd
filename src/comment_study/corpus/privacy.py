"""Keep commenters' display names out of everything the study publishes.

The book cites comments by id and commenters by pseudonym. A display name that could
identify someone must never reach a reader, neither in our prose nor inside a quoted
comment (replies often address others by name). Two rules, applied together by
:func:`redact`:

- :func:`identifying_names`: which display names are scanned for *anywhere* in a text (a
  display name that is an ordinary English word, such as "Lantern", is exempt there, or every
  bear in the thread would be taken for a commenter);
- :func:`address_spans`: a name that *addresses or quotes* another commenter ("@Name",
  "Name:" or "Name," opening the comment, a display name in quotation marks) is a name
  whatever it looks like: no dictionary-word exemption, and a first name is enough.

The tests scan every built artifact and every tracked file with these rules.
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


PSEUDONYM = re.compile(r"^A\d{3,}$")
"""The study's pseudonyms (A001, ...): public, never redacted."""


def is_pseudonym(name: str) -> bool:
    """Whether a "display name" is one of the study's pseudonyms (as in the de-identified export)."""
    return PSEUDONYM.match(name.strip()) is not None


def _is_ordinary(word: str) -> bool:
    return word.lower() in ordinary_words()


def identifying_names(names: Iterable[str]) -> list[NamePattern]:
    """Apply the study's rule for which display names could identify someone.

    - Names of one or two characters (initials such as "N" or "SF") are not identifying
      and would collide with ordinary text: they are not scanned.
    - A one-word name is identifying unless it is an ordinary English word ("Lantern",
      "Meadow"); "Zeldrin", "KarlZ" and "Vexillarion" are identifying.
    - A name of two or more words is always identifying. It is matched in any letter
      case if any of its words is not an ordinary English word ("Ambrose Quillfeather"),
      and exactly as written otherwise ("Nobody special"), so that the same words used
      as a phrase in running text are not mistaken for the name.
    - The study's pseudonyms (A001, ...) are not names.
    """
    out: dict[str, NamePattern] = {}
    for name in names:
        name = name.strip()
        words = re.findall(r"[^\W\d_]+", name)
        if len(name) <= 2 or not words or is_pseudonym(name):
            continue
        if len(name.split()) == 1:
            if not all(_is_ordinary(w) for w in words):
                out[name.lower()] = NamePattern(name, case_sensitive=False)
        else:
            strict = all(_is_ordinary(w) for w in words)
            out[name if strict else name.lower()] = NamePattern(name, case_sensitive=strict)
    return sorted(out.values(), key=lambda p: (-len(p.name), p.name))


AT_NAME = re.compile(r"@\s?([^\s,:;.!?][^,:;.!?]{0,39})")
"""``@Name`` anywhere in a comment: the name runs to the next punctuation mark."""

LEADING_NAME = re.compile(r"^([A-Za-z][\w'.\- ]{0,39}?)\s*[,:]\s")
"""A comment opening ``Name,`` or ``Name:``."""

QUOTED_NAME = re.compile(r'["“]([^"“”\n]{1,60})["”]')


def addressed_name(text: str) -> tuple[int, str] | None:
    """Where a comment addresses someone and what it calls them: ``@Name`` anywhere, or a leading ``Name,`` / ``Name:``.

    Returns the position in ``text`` and the words after the ``@`` (up to punctuation) or
    before the comma or colon; whether they name a commenter is :func:`name_length`'s question.
    """
    at = AT_NAME.search(text)
    if at:
        said = at.group(1).rstrip()
        return at.start(1), said
    lead = LEADING_NAME.match(text)
    return (lead.start(1), lead.group(1).strip()) if lead else None


def name_length(said: str, display_name: str) -> int:
    """How many characters at the start of ``said`` name ``display_name``; 0 if it does not name them.

    ``said`` names a commenter when it is their display name; or, if the display name's first
    word has three characters or more (so that "A" does not name every sentence opening "A
    horror, ..."), their display name followed by more words (``@Ann Lee what``) or the first
    word of a longer display name (``Ann`` for "Ann Lee"). Letter case is ignored.
    """
    a, d = said.casefold(), display_name.strip().casefold()
    if not d:
        return 0
    if a == d:
        return len(said)
    if len(d.split()[0]) < 3:
        return 0
    if a.startswith(d + " "):
        return len(d)
    return len(said) if a == d.split()[0] else 0


class NameRule:
    """The one name rule for a thread, prepared once: :meth:`spans` and :meth:`redact` for its texts.

    ``display_names`` are all the thread's display names; the identifying ones
    (:func:`identifying_names`) are matched anywhere, every one in address position.
    """

    def __init__(self, display_names: Iterable[str]):
        names = sorted({n.strip() for n in display_names if n.strip() and not is_pseudonym(n)}, key=lambda n: (-len(n), n))
        self.names = names
        self._rank = {n: k for k, n in enumerate(names)}
        self._exact: dict[str, str] = {}
        self._first: dict[str, str] = {}
        for name in names:
            folded = name.casefold()
            self._exact.setdefault(folded, name)
            first = folded.split()[0]
            if len(first) >= 3 and first != folded:
                self._first.setdefault(first, name)
        self.patterns = identifying_names(names)
        self._regexes = [re.compile(r"(?<![\w@])@?(?:" + "|".join(re.escape(p.name) for p in group) + r")(?!\w)", flags)
                         for group, flags in (([p for p in self.patterns if not p.case_sensitive], re.IGNORECASE),
                                              ([p for p in self.patterns if p.case_sensitive], 0)) if group]

    def _named(self, said: str) -> tuple[str, int] | None:
        """The display name ``said`` names and the length of the naming part (:func:`name_length`), longest name first."""
        folded = said.casefold()
        found = []
        if folded in self._exact:
            found.append((self._exact[folded], len(said)))
        words = folded.split()
        for k in range(1, len(words)):
            prefix = " ".join(words[:k])
            name = self._exact.get(prefix)
            if name is not None and len(prefix.split()[0]) >= 3 and folded.startswith(prefix + " "):
                found.append((name, len(prefix)))
        if folded in self._first:
            found.append((self._first[folded], len(said)))
        return min(found, key=lambda f: self._rank[f[0]]) if found else None

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, display_name)`` of each place where ``text`` addresses or quotes a commenter by name.

        The forms: ``@Name`` anywhere, ``Name,`` or ``Name:`` opening the comment (as
        :func:`addressed_name` finds them, with :func:`name_length` deciding whether they name a
        commenter), and a whole display name in quotation marks. No dictionary-word exemption:
        "Juniper:" opening a reply names a commenter even though juniper is a shrub. Pseudonyms
        are not names. When several display names fit, the longest wins.
        """
        candidates = []
        found = addressed_name(text)
        if found:
            candidates.append(found)
        candidates += [(m.start(1), m.group(1).rstrip()) for m in AT_NAME.finditer(text)
                       if found is None or m.start(1) != found[0]]
        spans = []
        for start, said in candidates:
            named = self._named(said)
            if named:
                spans.append((start, start + named[1], named[0]))
        for match in QUOTED_NAME.finditer(text):
            name = self._exact.get(match.group(1).strip().casefold())
            if name is not None:
                spans.append((match.start(1), match.end(1), name))
        return sorted(set(spans))

    def redact(self, text: str) -> str:
        """Replace with ``[name]`` every name that addresses or quotes a commenter, then every identifying display name."""
        text = replace_spans(str(text), [(s, e, REDACTED) for s, e, _ in self.spans(str(text))])
        for regex in self._regexes:
            text = regex.sub(REDACTED, text)
        return text


def address_spans(text: str, display_names) -> list[tuple[int, int, str]]:
    """:meth:`NameRule.spans` for one text."""
    return NameRule(display_names).spans(text)


def replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` span replaced, working from the end so positions hold."""
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def redact(text: str, patterns: list[NamePattern], display_names=()) -> str:
    """Replace with ``[name]`` every name that addresses or quotes a commenter, then every identifying display name.

    ``display_names`` are all the thread's display names (for :meth:`NameRule.spans`);
    ``patterns`` the identifying ones (:func:`identifying_names`). To redact many texts, make
    one :class:`NameRule` and call its ``redact``.
    """
    text = replace_spans(text, [(s, e, REDACTED) for s, e, _ in NameRule(display_names).spans(text)])
    for pattern in patterns:
        text = pattern.regex.sub(REDACTED, text)
    return text


def find_names(text: str, patterns: list[NamePattern]) -> list[str]:
    """The identifying names that occur in ``text`` (for the privacy scan)."""
    return [p.name for p in patterns if p.regex.search(text)]
