"""Coding sheets: load them, check them against the codebook and corpus, and draw samples.

A coding sheet has one row per comment: ``comment_id``, one 0/1 column per code, ``tone``
and a one-sentence ``memo``. The primary sheet covers every comment; the secondary sheet
covers a seeded random sample coded independently (see :func:`reliability_sample`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from comment_study.coding.codebook import TONES, Codebook

SAMPLE_SEED = 20190928
"""Seed of the random sample given to the second coder (the article's publication date)."""

SAMPLE_SHARE = 0.25
"""At least this share of the non-empty comments is coded twice."""


class CodingSheetError(ValueError):
    """A coding sheet that breaks the rules; the message names the file and the line."""


def load_sheet(path: Path | str, book: Codebook, comments: pd.DataFrame, complete: bool) -> pd.DataFrame:
    """Read and validate a coding sheet; ``complete`` requires every comment exactly once."""
    sheet = pd.read_csv(path, dtype={"memo": str, "tone": str}, keep_default_na=False)
    expected = ["comment_id", *book.ids, "tone", "memo"]
    if list(sheet.columns) != expected:
        unknown = sorted(set(sheet.columns) - set(expected))
        missing = [c for c in expected if c not in sheet.columns]
        raise CodingSheetError(f"{path}, line 1: columns differ from the codebook (unknown {unknown}, missing {missing})")
    empty_ids = set(comments.loc[comments["is_empty"], "comment_id"])
    known_ids = set(comments["comment_id"])
    for number, row in enumerate(sheet.itertuples(index=False), start=2):
        cid = row.comment_id
        if cid not in known_ids:
            raise CodingSheetError(f"{path}, line {number}: comment {cid} does not exist")
        values = [getattr(row, code) for code in book.ids]
        if any(v not in (0, 1) for v in values):
            raise CodingSheetError(f"{path}, line {number}: codes must be 0 or 1")
        if cid in empty_ids:
            if any(values) or row.tone:
                raise CodingSheetError(f"{path}, line {number}: comment {cid} is empty and takes no codes or tone")
        elif row.tone not in TONES:
            raise CodingSheetError(f"{path}, line {number}: tone {row.tone!r} is not one of {list(TONES)}")
        if not str(row.memo).strip():
            raise CodingSheetError(f"{path}, line {number}: comment {cid} needs a memo")
    duplicated = sheet["comment_id"][sheet["comment_id"].duplicated()]
    if not duplicated.empty:
        raise CodingSheetError(f"{path}: comment {int(duplicated.iloc[0])} is coded twice")
    if complete and set(sheet["comment_id"]) != known_ids:
        missing = sorted(known_ids - set(sheet["comment_id"]))[:5]
        raise CodingSheetError(f"{path}: comments missing from the sheet, e.g. {missing}")
    return sheet.sort_values("comment_id").reset_index(drop=True)


def reliability_sample(comments: pd.DataFrame, share: float = SAMPLE_SHARE, seed: int = SAMPLE_SEED) -> list[int]:
    """The seeded random sample of non-empty comments for the independent second coding."""
    pool = comments.loc[~comments["is_empty"], "comment_id"].to_numpy()
    size = int(np.ceil(share * len(pool)))
    return sorted(int(i) for i in np.random.default_rng(seed).choice(pool, size=size, replace=False))


def coded(sheet: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """Join a coding sheet to the corpus, keeping only the comments that count in rates."""
    from comment_study.corpus.files import analysable

    table = comments.merge(sheet, on="comment_id", how="inner", validate="one_to_one")
    return table[analysable(table)].reset_index(drop=True)


def load_rounds(root: Path, comments: pd.DataFrame) -> list[dict]:
    """Each coding round (data/coding/rounds.yml) with its primary and secondary sheets loaded."""
    import yaml

    from comment_study.coding import codebook as codebook_module

    spec = yaml.safe_load((root / "data/coding/rounds.yml").read_text(encoding="utf-8"))
    rounds = []
    for entry in spec["rounds"]:
        book = codebook_module.load(root / entry["codebook"], set(comments["comment_id"]))
        rounds.append({
            **entry, "book": book,
            "primary_sheet": load_sheet(root / entry["primary"], book, comments, complete=True),
            "secondary_sheet": load_sheet(root / entry["secondary"], book, comments, complete=False),
        })
    return rounds
