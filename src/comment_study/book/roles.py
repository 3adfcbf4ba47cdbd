"""Markdown that a code cell shows: MyST roles in the book, plain text in a student's Jupyter.

A page's code cell that builds Markdown (the instructor guide's chapter table and class plans)
links chapters and exercises with MyST roles (``{doc}``, ``{ref}``, ``{numref}``, ``{term}``),
which Sphinx resolves when the book is built. Jupyter does not know them: run in the study
kit, the same cell would show them raw. :func:`markdown` therefore keeps the roles only while
the book is being built (the book's Sphinx extensions set :data:`IN_BOOK` before any notebook
runs, and every kernel inherits it) and otherwise writes each reference as the text the book
would show (:class:`References`: a chapter's title, "Chapter 3", "Exercise 7.2"), so the output
stays readable each time a student runs the notebook again. The study kit uses the same
:class:`References` for the Markdown cells and for the outputs stored in the notebooks it ships.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from comment_study.book import toc

IN_BOOK = "COMMENT_STUDY_IN_BOOK"
"""The environment variable that says a notebook is executed by the book's build ("1")."""

TARGET = re.compile(r"^\(([\w-]+)\)=\s*$")
CROSS_REFERENCE = re.compile(r"\{(?P<role>numref|ref|doc)\}`(?:(?P<text>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<bare>[^`]+))`")
CITATION = re.compile(r"\{cite:[pt]\}`([^`]+)`")
ANY_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
"""Any MyST role left in a text (what a student's notebook must not show)."""


def in_book() -> bool:
    """True while the book's build executes the notebook (:data:`IN_BOOK` set to "1")."""
    return os.environ.get(IN_BOOK) == "1"


def mark_book_build() -> None:
    """Say, for every kernel started from now on in this process, that the book's build runs it."""
    os.environ[IN_BOOK] = "1"


class References:
    """What a reference shows in plain text: the book's chapter numbers, page titles, page labels and exercises."""

    def __init__(self, root: Path):
        self.numbers: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.exercises: dict[str, str] = {}
        number = 0
        for page in toc.pages(root):
            if page.numbered:
                number += 1
                self.numbers[page.file] = number
            self.titles[page.file] = page.title
            prefix = f"{number}." if page.numbered else ""
            for n, (label, _) in enumerate(page.exercises, start=1):
                self.exercises[label] = f"Exercise {prefix}{n}"
            for line in toc.source(root, page.file).read_text(encoding="utf-8").splitlines():
                if (match := TARGET.match(line)):
                    self.labels[match.group(1)] = page.file
                    break

    def reference(self, page: str, match: re.Match) -> str:
        """The text a cross-reference shows: its own text (with the chapter number for ``%s``), or the page's title."""
        target = (match["target"] or match["bare"]).strip()
        if match["role"] == "doc":
            relative = (Path(page).parent / target).as_posix()
            file = target.lstrip("/") if target.lstrip("/") in self.titles else relative
        else:
            file = self.labels.get(target, target)
        text = match["text"]
        if text is None:
            return self.exercises.get(target) or self.titles.get(file, target)
        if "%s" in text:
            return text.replace("%s", str(self.numbers[file])) if file in self.numbers else text.replace("%s", "").strip()
        return text

    def plain(self, page: str, text: str) -> str:
        """``text`` with every cross-reference, citation and other role written as the text it shows."""
        text = CROSS_REFERENCE.sub(lambda m: self.reference(page, m), text)
        text = CITATION.sub(lambda m: f"({m.group(1)})", text)
        return toc.plain(text)


_references: dict[Path, References] = {}


def markdown(text: str, page: str = ""):
    """``text`` (MyST) to show as a cell's Markdown output: as it is in the book's build, in plain Markdown elsewhere.

    ``page`` is the toc file of the page (``chapters/instructors``), for relative ``{doc}`` targets.
    """
    from IPython.display import Markdown

    if in_book():
        return Markdown(text)
    from comment_study.corpus import files

    root = files.project_root()
    if root not in _references:
        _references[root] = References(root)
    return Markdown(_references[root].plain(page, text))
