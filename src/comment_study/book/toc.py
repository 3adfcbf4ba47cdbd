"""The book's table of contents read as data: parts, their pages, and what each page promises.

Tests, the landing page's map of the book and the instructor guide all iterate over
``_toc.yml`` through this module, so a chapter added there is picked up everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from comment_study.corpus import inputs

READING_TIME = re.compile(r"Reading time: about (\d+) minutes")
TITLE = re.compile(r"^# (.+)$", re.MULTILINE)
OBJECTIVES = re.compile(r":::\{admonition\} Learning objectives\n(.*?)\n:::", re.DOTALL)
EXERCISE = re.compile(r"^(?:```|:::)\{exercise\}[ \t]*(.*)\n:label: (\S+)$", re.MULTILINE)
"""An exercise's opening line; its title states the time it takes (``{exercise} 15 min``)."""
EXERCISE_MINUTES = re.compile(r"(\d+) min")
ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)(?:\s*<[^`>]*>)?`")


FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}.*?^\1[ \t]*$", re.DOTALL | re.MULTILINE)
OPTION_LINE = re.compile(r"^:[\w-]+:.*$", re.MULTILINE)
DIRECTIVE_NAME = re.compile(r"^([:`]{3,})\{[\w:-]+\}", re.MULTILINE)
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`[^`]*`")
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
FINDINGS_PART = "Findings"
FINDINGS_MAX_WORDS = 3500
"""A findings chapter's prose stays under about this many words (issue 14: tighter chapters)."""


def prose_words(text: str) -> int:
    """Words of a page's prose: its MyST source without front matter, code cells and directive options."""
    prose = OPTION_LINE.sub(" ", CODE_CELL.sub(" ", FRONT_MATTER.sub("", text)))
    prose = GLUE_ROLE.sub(" N ", DIRECTIVE_NAME.sub(r"\1", prose))  # a glued value reads as one word
    return len(WORD.findall(plain(prose)))


def plain(markup: str) -> str:
    """A line of MyST with its roles reduced to their text (``{term}`codes <code>``` -> ``codes``)."""
    return ROLE.sub(r"\1", markup)


@dataclass(frozen=True)
class Page:
    """One page of the book as its source declares it."""

    file: str
    part: str
    numbered: bool
    title: str
    reading_minutes: int | None
    objectives: tuple[str, ...]
    exercises: tuple[tuple[str, int | None], ...] = ()
    """Each exercise's label and time in minutes, in page order (None where its title states none)."""


def read(root: Path) -> dict:
    """The parsed ``_toc.yml``."""
    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))


def source(root: Path, file: str) -> Path:
    """The source file of a toc entry (entries are written without their suffix)."""
    matches = [root / f"{file}{suffix}" for suffix in (".md", ".ipynb") if (root / f"{file}{suffix}").is_file()]
    if not matches:
        raise FileNotFoundError(f"{root / '_toc.yml'}: no source file for toc entry {file!r}")
    return matches[0]


def bullets(markup: str) -> list[str]:
    """The items of a Markdown bullet list, each with its indented continuation lines joined on."""
    items: list[str] = []
    for line in markup.splitlines():
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif items and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
    return items


def describe(root: Path, file: str, part: str = "", numbered: bool = False) -> Page:
    """Title, reading time and learning objectives of one page, read from its source."""
    text = source(root, file).read_text(encoding="utf-8")
    title = TITLE.search(text)
    minutes = READING_TIME.search(text)
    block = OBJECTIVES.search(text)
    objectives = tuple(plain(item).strip().rstrip(";.") for item in bullets(block.group(1) if block else ""))
    return Page(file, part, numbered, title.group(1).strip() if title else file,
                int(minutes.group(1)) if minutes else None, objectives, exercises(text))


def exercises(text: str) -> tuple[tuple[str, int | None], ...]:
    """Each exercise of a page's source: its label and the minutes its title says it takes (or None)."""
    out = []
    for title, label in EXERCISE.findall(text):
        match = EXERCISE_MINUTES.fullmatch(title.strip())
        out.append((label, int(match.group(1)) if match else None))
    return tuple(out)


def pages(root: Path) -> list[Page]:
    """Every page in reading order: the landing page, then each part's chapters."""
    toc = read(root)
    out = [describe(root, toc["root"])]
    for part in toc.get("parts", []):
        out += [describe(root, entry["file"], part.get("caption", ""), bool(part.get("numbered")))
                for entry in part["chapters"]]
    return out


def parts(root: Path) -> list[tuple[str, list[Page]]]:
    """The parts in order, each with its pages (the landing page belongs to none)."""
    grouped: dict[str, list[Page]] = {}
    for page in pages(root)[1:]:
        grouped.setdefault(page.part, []).append(page)
    return list(grouped.items())


def book_files(root: Path) -> list[Path]:
    """The book's own files that pages read, relative to ``root``: the contents, every page's source, the root inputs.

    The appendices list the chapters with their reading times and exercises (from ``_toc.yml``
    and the sources), the pinned packages and the build times (:data:`comment_study.corpus.inputs.ROOT_INPUTS`);
    the wheel carries a copy so that their student notebooks run outside the book too.
    """
    sources = [source(root, page.file).relative_to(root) for page in pages(root)]
    return [Path("_toc.yml"), *sources, *(Path(name) for name in inputs.ROOT_INPUTS if (root / name).is_file())]
