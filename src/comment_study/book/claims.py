"""Claims the prose makes about particular comments, registered as data and checked by the build.

A chapter registers each claim next to the paragraph that makes it::

    claims = Claims("conversation")
    claims.add("the deepest chain is 302 to 305", lambda: deepest == [305], comments=[302, 305])
    claims.check()

:meth:`Claims.check` shows nothing while every claim holds. When one no longer holds (a
reviewer recoded a comment, say), it shows a ``broken-claim`` box in place of silence; the
``comment_study.book.sphinx_claims`` extension turns each box into one line of warning in a
strict build (``-W`` makes it an error) and leaves the box visible on the page in a what-if
build. A claim is never an ``assert``: a broken one never stops the cell with a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable, Iterable

DIRECTIVE = "broken-claim"


@dataclass(frozen=True)
class Claim:
    """One statement of the prose about particular comments, and whether the data still bear it out."""

    chapter: str
    text: str
    comments: tuple[int, ...]
    holds: bool
    error: str = ""

    def line(self) -> str:
        """The claim as one line of a build log."""
        about = f" (comment{'s' if len(self.comments) > 1 else ''} {', '.join(map(str, self.comments))})" if self.comments else ""
        why = f" [{self.error}]" if self.error else ""
        return f"{self.chapter}: claim no longer holds: {self.text}{about}{why}"


def _evaluate(condition: bool | Callable[[], object]) -> tuple[bool, str]:
    """Whether a condition holds; a condition that raises does not hold, and says why in one line."""
    if not callable(condition):
        return bool(condition), ""
    try:
        return bool(condition()), ""
    except Exception as error:  # a recoded comment may be missing from a table: the claim is broken, not the build
        return False, f"{type(error).__name__}: {error}".splitlines()[0][:200]


@dataclass
class Claims:
    """The claims of one chapter, checked at the paragraphs that make them."""

    chapter: str
    registered: list[Claim] = field(default_factory=list)
    _checked: int = 0

    def add(self, text: str, condition: bool | Callable[[], object], comments: Iterable[int] = ()) -> Claim:
        """Register a claim; ``condition`` is a value or, where computing it may fail, a function of no arguments."""
        holds, error = _evaluate(condition)
        claim = Claim(self.chapter, text, tuple(int(c) for c in comments), holds, error)
        self.registered.append(claim)
        return claim

    def broken(self) -> list[Claim]:
        """Every registered claim that no longer holds."""
        return [c for c in self.registered if not c.holds]

    def pending(self) -> list[Claim]:
        """The claims registered since the last check."""
        return self.registered[self._checked:]

    def check(self) -> "BrokenClaims | None":
        """Check the claims registered since the last check: nothing to show if they hold, a box per broken one."""
        batch, self._checked = self.pending(), len(self.registered)
        broken = [c for c in batch if not c.holds]
        return BrokenClaims(broken) if broken else None


def markdown(claim: Claim) -> str:
    """The MyST block that the ``broken-claim`` directive turns into a warning or a visible box."""
    payload = json.dumps({"chapter": claim.chapter, "text": claim.text, "comments": list(claim.comments),
                          "error": claim.error})
    fence = "`" * 3
    return f"{fence}{{{DIRECTIVE}}}\n{payload}\n{fence}\n"


@dataclass(frozen=True)
class BrokenClaims:
    """The broken claims of one check, shown in a notebook as MyST the book's extension reads."""

    claims: list[Claim]

    def _repr_markdown_(self) -> str:
        return "\n".join(markdown(c) for c in self.claims)

    def __repr__(self) -> str:  # what a plain Python session or a downloaded notebook shows
        return "\n".join(c.line() for c in self.claims)
