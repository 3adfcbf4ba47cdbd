"""The study as one model: the corpus, the codebook, both coders' sheets, and the derived variables.

Chapters, the REFI-QDA export and the command line all load the study through :func:`load_study`,
so they see the same comments, the same codes, the same replies and the same account of who coded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from comment_study.coding import codebook as codebook_module
from comment_study.coding import sheets
from comment_study.coding.codebook import Codebook
from comment_study.corpus import export, files, inputs
from comment_study.study import protected as protected_module, replies

CODEBOOK = Path("data/codebook.yml")
PRIMARY_SHEET = Path("data/coding/primary.csv")
SECONDARY_SHEET = Path("data/coding/secondary.csv")


@dataclass(frozen=True)
class Coder:
    """A coder: who (or what) read the comments, what they were given, and the sheet they produced."""

    key: str
    name: str
    description: str
    sheet: pd.DataFrame


PRIMARY_DESCRIPTION = (
    "An AI assistant session, not a person. It read every comment in order, in its thread, with the "
    "codebook (which it had written), and coded all of them, with a one-sentence memo for each; it also "
    "recorded which comment each reply answers. No keyword rule, script or model assigned a code."
)
SECONDARY_DESCRIPTION = (
    "A separate AI assistant session, not a person. It was given only the written codebook and the "
    "seeded reliability sample (each comment with the comment listed before it, names redacted), never "
    "saw the primary coding and had no part in writing the codebook."
)
WEAKER = (
    "Agreement between two AI assistant sessions is weaker evidence than agreement between independently "
    "trained human coders: the two sessions share a kind of training, habits of reading and blind spots, "
    "and neither brings lived experience of the subject or can be asked about a decision beyond its memo."
)
"""Why the reliability of this coding is weaker than two human coders' would be; the book says it where it reports agreement."""


@dataclass(frozen=True)
class Study:
    """Everything the book, the exports and the command line say about the comments, loaded once.

    ``comments`` is the whole corpus (one row per comment); ``table`` is the analysable comments
    (no empty comment, no repost) with the primary coding and the derived variables: ``answers``
    and ``is_answer`` (the reader's record of replies, the study's definition of a reply),
    ``is_reply`` (the reply rules, reported only as a check of that record), ``in_us`` and ``n_codes``.
    ``protected`` is every comment never shown in its writer's words, with ``protected_reasons``
    saying why (:mod:`comment_study.study.protected`); ``disclosures`` the disclosures among them.
    """

    book: Codebook
    comments: pd.DataFrame
    coders: tuple[Coder, ...]
    table: pd.DataFrame
    links: pd.DataFrame
    protected: frozenset[int]
    protected_reasons: pd.DataFrame
    disclosures: frozenset[int]
    thread_date: str

    @property
    def codes(self) -> list[str]:
        return self.book.ids

    @property
    def primary(self) -> Coder:
        return self.coders[0]

    @property
    def secondary(self) -> Coder:
        return self.coders[1]


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def thread_datetime(export_first_line: str, path: str = "export") -> str:
    """The thread's date as an XML dateTime, from the export's first line (``Sep 28, 2019 · 343 comments``)."""
    date, _ = export.parse_first_line(path, export_first_line)
    match = re.fullmatch(r"(\w{3})\w* (\d{1,2}), (\d{4})", date.strip())  # English month names, whatever the locale
    if not match or match[1] not in MONTHS:
        raise export.ExportError(path, 1, f"cannot read the date {date!r} (expected e.g. 'Sep 28, 2019')")
    month, day, year = MONTHS.index(match[1]) + 1, int(match[2]), int(match[3])
    return f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"


def analysed(sheet: pd.DataFrame, comments: pd.DataFrame, book: Codebook, links: pd.DataFrame) -> pd.DataFrame:
    """The analysable comments with the primary coding and the derived variables every chapter groups by."""
    table = sheets.coded(sheet, comments)
    table["is_reply"] = table["reply_to"].notna()  # the reply rules: a check of the reader's record, not a grouping
    answers = links.set_index("comment_id")["reply_to"]
    table["answers"] = table["comment_id"].map(answers).astype("Int64")  # the reader's record: the definition
    table["is_answer"] = table["answers"].notna()
    table["in_us"] = table["country_group"].map({"United States": True, "Elsewhere": False}).astype("boolean")
    table["n_codes"] = table[book.ids].sum(axis=1)
    return table


def load_study(root: Path | None = None) -> Study:
    """Load and validate the corpus, the codebook and both coders' sheets of the book at ``root``.

    Loaded once per fingerprint of the book's inputs and kept on disk (:func:`comment_study.corpus.inputs.cached`):
    the pages of a build share one load, and any change to the data or the code loads it again.
    """
    root = root or files.project_root()
    return inputs.cached(root, "study", lambda: _load(root))


def _load(root: Path) -> Study:
    """Load and validate the study from the files of the book at ``root``."""
    comments = files.comments(root)
    book = codebook_module.load(files.path(CODEBOOK, root), set(comments["comment_id"]))
    primary = sheets.load_sheet(files.path(PRIMARY_SHEET, root), book, comments, complete=True)
    secondary = sheets.load_sheet(files.path(SECONDARY_SHEET, root), book, comments, complete=False)
    links = replies.read_links(primary, comments, files.reply_checks(root))
    disclosures = files.disclosures(root)
    reasons = protected_module.reasons(comments, links, disclosures)
    first_line = export.read_lines(files.path(files.RAW_COMMENTS, root))[0]
    return Study(
        book=book,
        comments=comments,
        coders=(Coder("primary", "Primary coder (AI assistant session)", PRIMARY_DESCRIPTION, primary),
                Coder("secondary", "Second coder (AI assistant session)", SECONDARY_DESCRIPTION, secondary)),
        table=analysed(primary, comments, book, links),
        links=links,
        protected=protected_module.ids(reasons),
        protected_reasons=reasons,
        disclosures=frozenset(int(i) for i in disclosures["comment_id"]),
        thread_date=thread_datetime(first_line, str(files.path(files.RAW_COMMENTS, root))),
    )
