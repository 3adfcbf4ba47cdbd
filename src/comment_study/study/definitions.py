"""The study's derived variables, each defined once: what a reply is, which comments count, who speaks from where.

Every chapter, the analysis plan (:mod:`comment_study.analysis.plan`) and the exports group and
count by these definitions and never by their own. Each variable is a yes/no (or missing) value per
analysable comment, aligned with ``study.table``:

- **reply** (``is_answer`` in the table): the comment answers another, by the *reader's record*
  (:mod:`comment_study.study.replies`: the primary coder's memos, written while reading every
  comment in its thread, and the hand check of the reply rules). The reply rules of
  :mod:`comment_study.corpus.threads` (``is_reply``) find only the replies that announce themselves;
  they are reported as a check of the record, never used as a grouping.
- **answered**: another comment answers this one, by the same record; an answer to a repost counts
  as an answer to the original it repeats.
- **speaks_from_experience**: the comment speaks from a stated position (:data:`POSITIONS`:
  survivor, parent, professional).
- **proposes**: the comment proposes a remedy or calls readers to act (:data:`PROPOSALS`).
- **proposes_remedy**: the comment proposes a remedy (:data:`REMEDIES`), calls to act aside.
- **blames**: the comment blames government, the technology companies or parents (:data:`BLAME`).
- **negative_tone** and **mixed_tone**: the coded tone is negative, or mixed or neutral.
- **in_us**: the commenter's location is in the United States (missing when unknown).
- **long_comment**: the comment is at least as long as the median analysable comment.

The analysable comments (no empty comment, no repost) are :func:`analysable`; the disclosures
(paraphrased, never quoted) are ``study.protected``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import pandas as pd

from comment_study.corpus.files import analysable

if TYPE_CHECKING:  # the model imports this module; the type is only for the signatures
    from comment_study.study.model import Study

__all__ = ["POSITIONS", "REMEDIES", "PROPOSALS", "BLAME", "COMPOSITES", "composite_columns", "DERIVED", "analysable", "variables", "answers",
           "describe", "is_reply", "answered", "speaks_from_experience", "proposes"]

POSITIONS = ("survivor", "parent", "professional")
"""The stated positions a commenter may speak from."""
REMEDIES = ("punitive", "prevention", "remedy_funding", "remedy_law", "tech_fix")
"""The remedy codes: what a comment proposes to do (codebook version 4; ``tech_doubt`` argues against a remedy)."""
PROPOSALS = REMEDIES + ("call_to_action",)
"""A comment *proposes* when it carries a remedy code or calls readers to act."""
BLAME = ("blame_tech", "blame_government", "blame_parents")
"""The codes of responsibility: a comment *blames* when it carries one of them."""


def _flag(values: pd.Series, index: pd.Index) -> pd.Series:
    return pd.Series(values.to_numpy(), index=index).astype("boolean")


def answers(study: "Study") -> pd.Series:
    """The comment each analysable reply answers (indexed by the reply's id), by the reader's record.

    An answer to a repost counts as an answer to the original it repeats, so that the target is
    always an analysable comment or a comment that does not count in rates (an empty one).
    """
    original = study.comments.set_index("comment_id")["duplicate_of"]
    record = study.table.set_index("comment_id")["answers"].dropna().astype(int)
    targets = [int(original[t]) if pd.notna(original.get(t)) else int(t) for t in record]
    return pd.Series(targets, index=record.index, dtype="Int64", name="answers").rename_axis("comment_id")


def is_reply(study: "Study") -> pd.Series:
    """The comment answers another, by the reader's record (the study's one definition of a reply)."""
    return _flag(study.table["is_answer"], study.table.index)


def answered(study: "Study") -> pd.Series:
    """Another analysable comment answers this one, by the reader's record."""
    targets = set(answers(study).astype(int))
    return _flag(study.table["comment_id"].isin(targets), study.table.index)


def speaks_from_experience(study: "Study") -> pd.Series:
    """The comment speaks from at least one stated position (survivor, parent, professional)."""
    return _flag(study.table[list(POSITIONS)].eq(1).any(axis=1), study.table.index)


def proposes(study: "Study") -> pd.Series:
    """The comment proposes a remedy or calls readers to act."""
    return _flag(study.table[list(PROPOSALS)].eq(1).any(axis=1), study.table.index)


def _any_of(codes: tuple[str, ...]) -> Callable[["Study"], pd.Series]:
    """A variable that is true when the comment carries any of ``codes``."""
    return lambda study: _flag(study.table[list(codes)].eq(1).any(axis=1), study.table.index)


DERIVED: dict[str, tuple[str, Callable[["Study"], pd.Series]]] = {
    "reply": ("answers another comment (the reader's record)", is_reply),
    "answered": ("is answered by another comment (the reader's record)", answered),
    "speaks_from_experience": ("speaks as a survivor, parent or professional", speaks_from_experience),
    "proposes": ("proposes a remedy or calls readers to act", proposes),
    "proposes_remedy": ("proposes a remedy (punishment, prevention, resources, laws or a technical measure)",
                        _any_of(REMEDIES)),
    "blames": ("blames government, the technology companies or parents", _any_of(BLAME)),
    "negative_tone": ("is coded negative in tone", lambda s: _flag(s.table["tone"].eq("negative"), s.table.index)),
    "mixed_tone": ("is coded mixed or neutral in tone",
                   lambda s: _flag(s.table["tone"].eq("mixed_or_neutral"), s.table.index)),
    "in_us": ("comes from the United States (missing when the location is unknown)",
              lambda s: s.table["in_us"].astype("boolean")),
    "long_comment": ("is at least as long as the median comment",
                     lambda s: _flag(s.table["n_words"] >= s.table["n_words"].median(), s.table.index)),
}
"""The derived variables by name: what each says of a comment, and how it is computed."""

RESTS_ON: dict[str, tuple[str, ...]] = {
    "speaks_from_experience": POSITIONS, "proposes": PROPOSALS, "proposes_remedy": REMEDIES, "blames": BLAME,
    "negative_tone": ("tone",), "mixed_tone": ("tone",),
}
"""The coded judgements each derived variable rests on, and so whose reliability it shares (the reader's
record of replies and the location are not double-coded judgements)."""


COMPOSITES: dict[str, tuple[str, ...]] = {
    name: parts for name, parts in RESTS_ON.items() if "tone" not in parts
}
"""The derived variables made of codes alone (any of their codes): each is a judgement of its own, whose
reliability is the two coders' agreement on it (two coders who split a remedy between two codes still agree
that it is a remedy), measured on their sheets with :func:`composite_columns`."""


def composite_columns(sheet: pd.DataFrame) -> pd.DataFrame:
    """A coding sheet with a 0/1 column for each composite variable (:data:`COMPOSITES`), for measuring agreement on it."""
    return sheet.assign(**{name: sheet[list(parts)].max(axis=1).astype(int) for name, parts in COMPOSITES.items()})


def describe(name: str, study: "Study | None" = None) -> str:
    """What a variable says of a comment, in words: a derived variable's definition or a code's label."""
    if name in DERIVED:
        return DERIVED[name][0]
    if study is not None and name in study.codes:
        return f"carries the code {study.book.by_id(name).label.lower()}"
    raise KeyError(f"unknown variable {name!r}")


def variables(study: "Study") -> pd.DataFrame:
    """Every code and every derived variable as yes/no (``boolean``, missing allowed), one row per analysable comment."""
    columns = {code: _flag(study.table[code].eq(1), study.table.index) for code in study.codes}
    columns.update({name: compute(study) for name, (_, compute) in DERIVED.items()})
    return pd.DataFrame(columns, index=study.table.index)
