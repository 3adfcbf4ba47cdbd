"""A keyword dictionary coder: load ``data/dictionary.yml``, apply it, and score it against the hand coding.

A dictionary is the simplest computer coder: a code applies to a comment when one of the
code's patterns occurs in its text. It is written from the codebook on one half of the
comments (the build half, :func:`split_halves`) and judged on the other half, which its
author never read while writing it.

Patterns are regular expressions written in lower case and matched against the lower-cased
text (so matching ignores case, and runs faster than a case-insensitive search). Each is
wrapped in word boundaries (``\\b(?:pattern)\\b``), so ``porn`` does not fire inside
``pornographer`` unless the pattern says ``porn\\w*``. A code's optional ``exclude`` patterns
blank out phrases that look like a keyword but are not one ("thank God", "child
pornography") before its patterns are tried. Curly apostrophes and quotation marks are
straightened before matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import yaml

from comment_study.coding import validation

DICTIONARY = Path("data/dictionary.yml")
"""The study's dictionary, relative to the book root."""

SPLIT_SEED = 20190929
"""Seed of the build / held-out split (the day after the article appeared); fixed before the dictionary was written."""

TOP_FIELDS = {"version", "codebook_version", "left_out", "codes"}
CODE_FIELDS = {"note", "patterns", "exclude"}
ESCAPE = re.compile(r"\\.")
STRAIGHTEN = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


class DictionaryError(ValueError):
    """A dictionary file that breaks the rules; the message names the file, the line and the code."""


@dataclass(frozen=True)
class Rule:
    """One code's patterns, the phrases blanked out before they are tried, and a note on why."""

    code: str
    patterns: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not self.patterns:
            raise DictionaryError(f"code {self.code!r}: needs at least one pattern")
        for pattern in (*self.patterns, *self.exclude):
            _check_pattern(f"code {self.code!r}", pattern)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """All patterns as one word-bounded alternation, each in a named group ``p0``, ``p1``, ...

        ``\\b(?:(?P<p0>a)|(?P<p1>b))\\b`` finds the same matches as ``\\ba\\b|\\bb\\b`` (the
        engine backtracks into the next alternative when the closing boundary fails), but
        tests the opening boundary once per position instead of once per pattern.
        """
        return re.compile(_bounded("|".join(f"(?P<p{i}>{p})" for i, p in enumerate(self.patterns))))

    @cached_property
    def exclude_regex(self) -> re.Pattern[str] | None:
        """The exclusion patterns as one word-bounded alternation, or None."""
        return re.compile(_bounded("|".join(f"(?:{p})" for p in self.exclude))) if self.exclude else None


@dataclass(frozen=True)
class Dictionary:
    """The rules in file order, and the codes left out on purpose with the reason."""

    rules: tuple[Rule, ...]
    left_out: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [r.code for r in self.rules]

    def rule(self, code: str) -> Rule:
        return next(r for r in self.rules if r.code == code)


def _bounded(pattern: str) -> str:
    return rf"\b(?:{pattern})\b"


def _lines(node: yaml.Node, where: tuple = ()) -> Iterable[tuple[tuple, int, yaml.Node]]:
    """Every node of a composed YAML document with its path and 1-based line (keys included)."""
    yield where, node.start_mark.line + 1, node
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield (*where, ("key", key.value)), key.start_mark.line + 1, key
            yield from _lines(value, (*where, key.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            yield from _lines(value, (*where, i))


def _duplicate_keys(path: Path | str, node: yaml.Node) -> None:
    """YAML quietly keeps the last of two equal keys; a dictionary must not."""
    for _, _, item in _lines(node):
        if isinstance(item, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in item.value:
                if key.value in seen:
                    raise DictionaryError(f"{path}, line {key.start_mark.line + 1}: {key.value!r} appears twice")
                seen.add(key.value)


def load(path: Path | str, known_codes: Sequence[str] | None = None) -> Dictionary:
    """Read and validate a dictionary file; ``known_codes`` (a codebook's ids) must all be covered.

    With ``known_codes``, every code the file names must be one of them, and every one of
    them must be either given patterns or listed under ``left_out`` with a reason.
    """
    text = Path(path).read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark else f"{path}"
        raise DictionaryError(f"{where}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("codes"), dict):
        raise DictionaryError(f"{path}: needs a top-level 'codes' mapping of code id to patterns")
    _duplicate_keys(path, root)
    line = {where: number for where, number, _ in _lines(root)}
    for name in raw:
        if name not in TOP_FIELDS:
            raise DictionaryError(f"{path}, line {line[(('key', name),)]}: unknown field {name!r} (allowed: {sorted(TOP_FIELDS)})")
    left_out = raw.get("left_out") or {}
    if not isinstance(left_out, dict) or not all(isinstance(v, str) and v.strip() for v in left_out.values()):
        raise DictionaryError(f"{path}: 'left_out' must map each code left out to the reason")
    known = None if known_codes is None else set(known_codes)
    rules = []
    for code, entry in raw["codes"].items():
        at = f"{path}, line {line[('codes', ('key', code))]}: code {code!r}"
        if known is not None and code not in known:
            raise DictionaryError(f"{at}: unknown code (not in the codebook)")
        if code in left_out:
            raise DictionaryError(f"{at}: has patterns but is also listed under left_out")
        if not isinstance(entry, dict):
            raise DictionaryError(f"{at}: needs 'patterns' (and optionally 'exclude' and 'note')")
        for name in entry:
            if name not in CODE_FIELDS:
                raise DictionaryError(f"{path}, line {line[('codes', code, ('key', name))]}: code {code!r}: unknown field {name!r} (allowed: {sorted(CODE_FIELDS)})")
        patterns = entry.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise DictionaryError(f"{at}: needs a non-empty list of patterns")
        exclude = entry.get("exclude") or []
        if not isinstance(exclude, list):
            raise DictionaryError(f"{at}: 'exclude' must be a list of patterns")
        for kind, items in (("patterns", patterns), ("exclude", exclude)):
            for i, pattern in enumerate(items):
                _check_pattern(f"{path}, line {line[('codes', code, kind, i)]}: code {code!r}", pattern)
        rules.append(Rule(code, tuple(patterns), tuple(exclude), str(entry.get("note", "")).strip()))
    for code in left_out:
        if known is not None and code not in known:
            raise DictionaryError(f"{path}, line {line[('left_out', ('key', code))]}: left_out names unknown code {code!r}")
    if known is not None:
        missing = [c for c in known_codes if c not in raw["codes"] and c not in left_out]
        if missing:
            raise DictionaryError(f"{path}: codes neither given patterns nor listed under left_out: {missing}")
    return Dictionary(tuple(rules), dict(left_out))


def _check_pattern(where: str, pattern: object) -> None:
    """A pattern must be a lower-case string that compiles, has no capturing group and cannot match nothing."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise DictionaryError(f"{where}: pattern {pattern!r} must be a non-empty string")
    if any(ch.isupper() for ch in ESCAPE.sub("", pattern)):
        raise DictionaryError(f"{where}: pattern {pattern!r} has upper-case letters; write it in lower case (texts are lower-cased before matching)")
    try:
        compiled = re.compile(pattern)
    except re.error as err:
        raise DictionaryError(f"{where}: pattern {pattern!r} does not compile ({err})") from None
    if compiled.groups:
        raise DictionaryError(f"{where}: pattern {pattern!r} has a capturing group; write (?:...) instead")
    if compiled.fullmatch(""):
        raise DictionaryError(f"{where}: pattern {pattern!r} matches the empty string")


def fingerprint(dictionary: Dictionary) -> str:
    """SHA-256 of the codes' patterns and exclusions (not the notes): changes whenever what is matched changes."""
    import hashlib
    import json

    rules = {r.code: {"patterns": list(r.patterns), "exclude": list(r.exclude)} for r in dictionary.rules}
    return hashlib.sha256(json.dumps(rules, sort_keys=True).encode("utf-8")).hexdigest()


FROZEN_FINGERPRINT = "12a0a536598e5b65c932d7dcf5f305242fd280cf8b5466178e8235e45b312873"
"""The fingerprint of data/dictionary.yml when it was frozen, before the held-out half was first scored.

The held-out scores are an honest test only of this dictionary. A test fails if the patterns
change; whoever changes them must record a new freeze here and say in data/README.md and the
chapter that the held-out half has since been seen.
"""


def study_dictionary(root: Path | None = None) -> Dictionary:
    """The study's dictionary, checked against the study's codebook."""
    from comment_study.coding import codebook
    from comment_study.corpus import files as data

    book = codebook.load(data.path("data/codebook.yml", root))
    return load(data.path(DICTIONARY, root), book.ids)


def apply(dictionary: Dictionary, texts: pd.Series) -> pd.DataFrame:
    """Code each text: a 0/1 column per code, then ``<code>_match`` (the text that fired) and ``<code>_pattern``.

    One compiled alternation per code (:attr:`Rule.regex`) is searched in each text; the named
    group that matched names the pattern, since patterns have no groups of their own. A
    code's exclusions are blanked out first, only in the texts where one occurs.
    """
    prepared = [str(text).translate(STRAIGHTEN).lower() for text in texts.fillna("")]
    codes, matches, patterns = {}, {}, {}
    for rule in dictionary.rules:
        search, exclude = rule.regex.search, rule.exclude_regex
        found = [search(exclude.sub(" ", text) if exclude is not None and exclude.search(text) else text)
                 for text in prepared]
        codes[rule.code] = np.fromiter((m is not None for m in found), dtype=int, count=len(found))
        matches[f"{rule.code}_match"] = [m.group(m.lastgroup) if m else "" for m in found]
        patterns[f"{rule.code}_pattern"] = [rule.patterns[int(m.lastgroup[1:])] if m else "" for m in found]
    return pd.concat([pd.DataFrame(codes, index=texts.index), pd.DataFrame(matches, index=texts.index, dtype=None if len(texts) else object),
                      pd.DataFrame(patterns, index=texts.index, dtype=None if len(texts) else object)], axis=1)


def explain(coded: pd.DataFrame, ids: Sequence[str]) -> pd.Series:
    """One readable line per comment naming, for each code found, the words that fired it."""
    out = pd.Series("", index=coded.index, dtype=object)
    for code in ids:
        piece = (code + ": " + coded[f"{code}_match"].astype(str)).where(coded[code] == 1, "")
        out = out.where(piece == "", out.where(out == "", out + "; ") + piece)
    return out


def split_halves(comment_ids: Sequence[int], seed: int = SPLIT_SEED) -> tuple[list[int], list[int]]:
    """Split comment ids at random into a build half (the larger, if odd) and a held-out half."""
    ids = sorted(int(i) for i in comment_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("comment ids must be unique to be split")
    shuffled = np.random.default_rng(seed).permutation(ids)
    cut = (len(ids) + 1) // 2
    return sorted(int(i) for i in shuffled[:cut]), sorted(int(i) for i in shuffled[cut:])


def code_scores(predicted: pd.DataFrame, reference: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """Per code: counts, precision, recall, F1 and Cohen's κ of the dictionary against the reference coding.

    Rows must be aligned (the same comments in the same order); see :func:`comment_study.coding.validation.binary_scores`.
    """
    rows = {code: validation.binary_scores(predicted[code], reference[code]) for code in ids}
    return pd.DataFrame.from_dict(rows, orient="index").rename(columns={"predicted": "dictionary"})


f1 = validation.binary_f1
"""F1 of one 0/1 code, for bootstrapping (one definition, in :mod:`comment_study.coding.validation`)."""


def macro_f1(scores: pd.DataFrame) -> float:
    """The unweighted mean F1 over the codes where F1 is defined: every code counts the same."""
    return float(scores["f1"].mean(skipna=True))


NEGATION = re.compile(r"\b(?:not|no|never|nothing|nobody|none|neither|nor|cannot|without|\w+n't)\b")
QUOTED = re.compile(r'"[^"]*"')


def _first(text: str, match: str) -> tuple[str, int]:
    """The text as the dictionary saw it (straightened, lower case) and where ``match`` first occurs."""
    seen = text.translate(STRAIGHTEN).lower()
    return seen, seen.find(match.lower())


def negation_before(text: str, match: str, words: int = 3) -> bool:
    """Whether a negation ("not", "never", "n't", ...) stands within ``words`` words before ``match``."""
    seen, at = _first(text, match)
    return at >= 0 and bool(NEGATION.search(" ".join(seen[:at].split()[-words:])))


def inside_quotes(text: str, match: str) -> bool:
    """Whether the first occurrence of ``match`` lies inside quotation marks (words the commenter quotes)."""
    seen, at = _first(text, match)
    return at >= 0 and any(q.start() < at < q.end() for q in QUOTED.finditer(seen))


@dataclass(frozen=True)
class Verdicts:
    """A comment shown with what the dictionary found (and the words that fired it) beside the primary coding (an AI assistant session's reading)."""

    shown: object  # a quotes.Quote or quotes.Paraphrase
    dictionary: dict[str, str]  # code -> the words that fired it
    coded: list[str]  # the codes the primary coding gave it

    def _repr_html_(self) -> str:
        import html

        found = ", ".join(f"<code>{html.escape(c)}</code> (“{html.escape(m)}”)" for c, m in self.dictionary.items()) or "none"
        coded = ", ".join(f"<code>{html.escape(c)}</code>" for c in self.coded) or "none"
        return (f"{self.shown._repr_html_()}<p class=\"coded-as\"><strong>Dictionary:</strong> {found}. "
                f"<strong>Primary coding:</strong> {coded}.</p>")

    def __repr__(self) -> str:
        found = ", ".join(f"{c} ({m!r})" for c, m in self.dictionary.items()) or "none"
        return f"{self.shown!r}\nDictionary: {found}. Primary coding: {', '.join(self.coded) or 'none'}."


def verdicts(comments: pd.DataFrame, sheet: pd.DataFrame, found: pd.DataFrame, ids: Sequence[str], comment_id: int) -> Verdicts:
    """Show a comment safely (quoted, or paraphrased if protected) with the dictionary's codes and the primary coding's.

    ``found`` is :func:`apply`'s output indexed by comment id; ``sheet`` a coding sheet.
    """
    from comment_study.study.quotes import quote_or_paraphrase

    primary = sheet.loc[sheet["comment_id"] == comment_id].iloc[0]
    row = found.loc[comment_id]
    shown = quote_or_paraphrase(comments, comment_id, primary["memo"])
    return Verdicts(shown, {c: row[f"{c}_match"] for c in ids if row[c] == 1}, [c for c in ids if primary[c] == 1])
