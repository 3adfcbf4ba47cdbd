"""Sheets returned by other coders (people, a class): read them, and compare each with the primary coding.

A returned sheet has the columns of ``data/coding/secondary.csv`` (see
:func:`comment_study.coding.sheets.sheet_columns`) and any subset of the comments, usually the
seeded reliability sample that the coding kit hands out. It is validated as every sheet is
(:func:`comment_study.coding.sheets.load_sheet`): a bad value is refused with the file, the
line, the column and the value. Agreement with the primary coding is computed on the comments
the sheet codes, per code and for tone, with the bootstrap intervals of
:mod:`comment_study.coding.agreement`, and read by the rule that judges the study's own second
coding (:func:`comment_study.coding.agreement.judged_table`, with no supplementary sample): a
code the primary coding applies to fewer than :data:`~comment_study.coding.sheets.MIN_POSITIVES`
of the sheet's comments has "too few positives to judge", whatever its alpha.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from comment_study.coding import agreement
from comment_study.coding.codebook import Codebook
from comment_study.coding.sheets import MIN_POSITIVES, load_sheet

FOLDER = "data/coding/human"
"""Where returned sheets are put; the reliability chapter reads every ``*.csv`` in it."""


def compare(sheet: pd.DataFrame, primary: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """Agreement of a returned sheet with the primary coding, per code and for tone, on the comments the sheet codes.

    The table of :func:`comment_study.coding.agreement.judged_table` on the sheet's comments alone:
    its ``verdict`` is reliable, tentative, unreliable, undefined or too few positives to judge.
    """
    return agreement.judged_table(primary, sheet, None, [*book.ids, "tone"])


def sheets_in(folder: Path, book: Codebook, comments: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every returned sheet in ``folder`` (``*.csv``, by file name), validated; none when the folder is empty or absent."""
    return {path.stem: load_sheet(path, book, comments, complete=False)
            for path in sorted(Path(folder).glob("*.csv"))}


def alpha_cell(row: pd.Series) -> str:
    """Krippendorff's alpha with its 95% interval, two decimals, as a reader sees it ("undefined" when 0/0).

    A code with too few positives to judge says so after its alpha, so that no reader takes a
    perfect alpha on one or two comments for a reliable code.
    """
    if np.isnan(row["alpha"]):
        return "undefined"
    cell = f"{row['alpha']:.2f} ({row['alpha_low']:.2f} to {row['alpha_high']:.2f})"
    return f"{cell}, {agreement.TOO_FEW}" if row.get("verdict") == agreement.TOO_FEW else cell


def human_table(folder: Path, book: Codebook, comments: pd.DataFrame, primary: pd.DataFrame) -> pd.DataFrame:
    """One row per returned sheet: how many comments it codes and, per code and for tone, alpha with the primary coding.

    Each cell is Krippendorff's alpha and its bootstrap 95% interval (:func:`alpha_cell`). The
    table is empty, with the same columns, when the folder holds no sheet.
    """
    columns = ["sheet", "comments", *book.ids, "tone"]
    rows = []
    for name, sheet in sheets_in(folder, book, comments).items():
        table = compare(sheet, primary, book)
        rows.append({"sheet": name, "comments": len(sheet), **table.apply(alpha_cell, axis=1).to_dict()})
    return pd.DataFrame(rows, columns=columns).set_index("sheet")


def report(table: pd.DataFrame, sheet_name: str) -> str:
    """A returned sheet's agreement with the primary coding (a :func:`compare` table) as a plain-text table."""
    n = int(table["n"].iloc[0])
    head = ("code", "sheet (n)", "primary (n)", "agreement", "Krippendorff's alpha (95% interval)", "verdict")
    lines = []
    for code, row in table.iterrows():
        present = ("–", "–") if np.isnan(row["present_1"]) else (f"{row['present_2']:.0f}", f"{row['present_1']:.0f}")
        lines.append((code, *present, f"{row['agreement']:.0%}", alpha_cell({**row, "verdict": None}), row["verdict"]))
    widths = [max(len(str(r[i])) for r in [head, *lines]) for i in range(len(head))]

    def render(cells) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([
        f"{sheet_name}: agreement with the primary coding on the {n} comments the sheet codes",
        "", render(head), render(["-" * w for w in widths]), *map(render, lines), "",
        f"Intervals: percentile bootstrap over comments ({agreement.BOOTSTRAP_SAMPLES} resamples; a resample in "
        "which neither coding uses a code counts as perfect agreement). Verdict, by the rule of the book's "
        "reliability chapter: alpha "
        f">= {agreement.RELIABLE:.3f} reliable, >= {agreement.TENTATIVE:.3f} tentative, below that unreliable; undefined when neither "
        f"coding uses the code; a code the primary coding applies to fewer than {MIN_POSITIVES} of these comments "
        "has too few positives to judge (one disagreement moves alpha a long way).",
    ])
