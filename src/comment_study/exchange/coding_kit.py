"""The coding kit: what a coder outside the team needs to code the reliability sample, as files.

``python -m comment_study coding-kit --out DIR`` writes four files:

- ``README.md``: instructions (how to read and code, one row per comment, 0/1 per code, tone
  from the scale, a memo), with the content note;
- ``codebook.txt``: the codebook as plain text (:func:`comment_study.coding.codebook.as_text`);
- ``comments.md``: the seeded reliability sample
  (:func:`comment_study.coding.sheets.reliability_sample`), each comment with the comment
  listed before it and, for a reply, the comment it answers, all shown through the quoting
  gate (:func:`comment_study.study.quotes.shown_texts`): protected comments as their
  paraphrase with the reason they are withheld, names redacted. The paraphrase is the primary
  coder's, so the instructions tell the coder that on those comments it sees the primary
  coder's reading (its coding of them is not independent);
- ``sheet.csv``: a blank sheet with the header of the study's sheets and one row per sampled
  comment, only its id filled in.

A returned sheet is compared with the primary coding by ``python -m comment_study agree``
(:mod:`comment_study.coding.human`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from comment_study.coding import codebook as codebook_module
from comment_study.coding.codebook import Codebook
from comment_study.coding.human import FOLDER
from comment_study.coding.sheets import reliability_sample, sheet_columns
from comment_study.study import quotes

CONTENT_NOTE = (
    "**Content note.** These are readers' comments under a New York Times investigation of child sexual "
    "abuse imagery online (28 September 2019). They contain anger, grief and calls for violent punishment; "
    "a few commenters disclose their own abuse, and those comments are shown only as a paraphrase. Nothing "
    "here shows or describes abuse material. You may stop at any time."
)


@dataclass(frozen=True)
class Kit:
    """The kit's four files, by name, as text."""

    files: dict[str, str]
    sample: list[int]


def instructions(book: Codebook, n_comments: int) -> str:
    """The coder's instructions (``README.md`` of the kit)."""
    tones = ", ".join(f"`{t}`" for t in book.tones)
    return f"""# Coding kit: readers' comments on child sexual abuse imagery online

{CONTENT_NOTE}

This kit lets you code, by reading, the same {n_comments} comments that the study's second coder
coded. Both of the study's coders were AI assistant sessions; a sheet coded by a person tests the
codebook in a way theirs cannot.

## What is in the kit

- `codebook.txt`: the codes, each with its definition and its rules for when to apply it and when
  not; then the tone scale.
- `comments.md`: the {n_comments} comments, each with the comment listed before it (and, for a reply,
  the comment it answers) so you can read it in its thread. Commenters appear as pseudonyms
  (A001 ...) and regions; names in the text are replaced by `[name]`; a comment that discloses the
  writer's own abuse, or is close to one, is shown as `[withheld: reason]` and a paraphrase.
- **About the paraphrases.** A withheld comment's paraphrase was written by the study's primary
  coder (an AI assistant session) and is that coder's reading of the comment, not the commenter's
  words. Code what the paraphrase says, and say in the memo that you coded a paraphrase. For these
  comments your coding is not independent of the primary coder's: you see the comment through its
  reading, so agreement on them can be higher than your own reading of the text would give.
- `sheet.csv`: your coding sheet, one row per comment, only the `comment_id` filled in.

## How to code

1. Read the whole codebook first. Then work through `comments.md` in order.
2. Read each comment whole, with the comment before it. The unit is the whole comment: code what it
   says, not a sentence taken alone. A reply means what it means in answer to the comment it answers.
3. In the comment's row of `sheet.csv`, write `1` under every code the comment carries and `0`
   under every other code. The codes are independent: a comment can carry none, one or several.
   Write only `0` or `1`, never "yes", a blank or a tick.
4. Give the comment one tone from the scale: {tones}. Write it exactly so.
5. Write a one-sentence `memo`: what the comment does, and why you coded it as you did, especially
   where you hesitated. The memo is what lets anyone understand a disagreement later.
6. Do not look at the study's own coding (`data/coding/`) or the book's chapters on the findings
   until your sheet is done: your coding must be your own reading. Work alone; do not discuss
   comments with other coders until everyone has finished.

Code every row. If you stop early, delete the rows you did not code: a blank cell is refused. Keep
the header and the column order as they are. Save as CSV (UTF-8); a spreadsheet program can edit the
file, but check that it did not write `1.0` for `1`.

## What happens to your sheet

Check it and see your agreement with the study's primary coding, per code with intervals:

    python -m comment_study agree sheet.csv

A sheet with a bad value is refused with the file, the line, the column and the value, so you can
correct it. To add it to the book, name it after the coder (a pseudonym or a group name, never a
commenter's name), for example `coder-k.csv`, and put it in `{FOLDER}/` of the book's repository:
the reliability chapter then reports it, one column per sheet.

Never search for the comments' text online or paste it into other services: it can identify the
people who wrote them.
"""


def sample_comments(comments: pd.DataFrame, sample: list[int]) -> str:
    """The sampled comments with their context, as Markdown, every text shown through the quoting gate."""
    table = comments.sort_values("comment_id").reset_index(drop=True)
    shown = quotes.shown_texts(table, *quotes.withheld_reasons(table))
    by_id = table.assign(shown=shown.to_numpy()).set_index("comment_id")
    ids = list(by_id.index)

    def block(cid: int, label: str) -> list[str]:
        row = by_id.loc[cid]
        text = row["shown"] or "(empty comment)"
        return [f"**{label}: comment {cid}** · {row['author_id']} · {row['region']}", "",
                *[f"> {line}" if line else ">" for line in text.split("\n")], ""]

    out = ["# The comments to code", "", CONTENT_NOTE, "",
           f"{len(sample)} comments, in thread order. Code the comment under each heading; the comments "
           "above it are there for context only.", ""]
    for cid in sample:
        out += [f"## Comment {cid}", ""]
        position = ids.index(cid)
        if position > 0:
            out += block(ids[position - 1], "Listed before it")
        answered = by_id.loc[cid, "reply_to"]
        if pd.notna(answered) and int(answered) in by_id.index and (position == 0 or int(answered) != ids[position - 1]):
            out += block(int(answered), "It answers")
        out += block(cid, "To code")
    return "\n".join(out)


def blank_sheet(book: Codebook, sample: list[int]) -> str:
    """The blank coding sheet: the study's header and one row per sampled comment, only the id filled in."""
    columns = sheet_columns(book)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[cid] + [""] * (len(columns) - 1) for cid in sample])
    return out.getvalue()


def build(book: Codebook, comments: pd.DataFrame) -> Kit:
    """The coding kit for ``book`` and the seeded reliability sample of ``comments``."""
    sample = reliability_sample(comments)
    return Kit({
        "README.md": instructions(book, len(sample)),
        "codebook.txt": codebook_module.as_text(book) + "\n",
        "comments.md": sample_comments(comments, sample),
        "sheet.csv": blank_sheet(book, sample),
    }, sample)
