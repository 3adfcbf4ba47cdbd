"""Coding sheets: load them, check them against the codebook and corpus, and draw samples.

A coding sheet has one row per comment: ``comment_id``, one 0/1 column per code, ``tone``
and a one-sentence ``memo``. The primary sheet covers every comment; the secondary sheet
covers a seeded random sample coded independently (see :func:`reliability_sample`), and a
supplementary sample oversamples the comments likely to carry rare codes (see
:func:`supplementary_sample`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from comment_study.coding.codebook import TONES, Codebook

SAMPLE_SEED = 20190928
"""Seed of the random sample given to the second coder (the article's publication date)."""

SAMPLE_SHARE = 0.25
"""At least this share of the non-empty comments is coded twice."""


MIN_POSITIVES = 10
"""Fewest positives (by the primary coding) on which a code's agreement is judged.

With a code present in about one comment in twenty, the sample-size rule Krippendorff takes
from Bloch and Kraemer (1989) asks for about ten positives to tell agreement of at least
alpha = .667 from chance at the .10 level (about sixteen at the .05 level, more than several
codes have in the whole corpus). Below this number a code is "too few positives to judge".
"""

SUPPLEMENT_SEED = 20190930
"""Seed of the supplementary reliability sample (two days after the article)."""

SUPPLEMENT_RANDOM = 15
"""Comments drawn at random, beyond the oversampled ones, into the supplementary sample.

They keep the second coder from inferring that every supplementary comment carries a rare
code, and give the primary coder's misses of a rare code a chance to show.
"""

SAMPLE_FILE_COLUMNS = ["comment_id", "reason"]


LATER_ROUND_MEMO = " Round 3: "
"""Where a memo's later-round addition begins: round 3 appended its reason to each memo after this mark."""


def paraphrase(memo: str) -> str:
    """The paraphrase a protected comment is shown with: its memo as first written, without later rounds' additions.

    The de-identified export, the book and the exports show one and the same vetted paraphrase, so
    a recoding round that adds to the memos never changes what a reader sees of a withheld comment.
    """
    return str(memo).split(LATER_ROUND_MEMO, 1)[0].rstrip()


class CodingSheetError(ValueError):
    """A coding sheet that breaks the rules; the message names the file and the line."""


def load_sheet(path: Path | str, book: Codebook, comments: pd.DataFrame, complete: bool) -> pd.DataFrame:
    """Read and validate a coding sheet; ``complete`` requires every comment exactly once.

    Every cell is checked as the text the sheet holds, so a bad value is refused with the
    file, the line (the header is line 1; a memo that spans lines counts them all), the
    column and the value: a code must be ``0`` or ``1``, the tone one of the scale's
    values, the memo not blank. Nothing is dropped or altered.
    """
    header, records = _read_records(path)
    expected = sheet_columns(book)
    if header != expected:
        unknown = sorted(set(header) - set(expected))
        missing = [c for c in expected if c not in header]
        raise CodingSheetError(f"{path}, line 1: columns differ from the codebook (unknown {unknown}, missing {missing})"
                               + ("" if unknown or missing else f"; their order must be {expected}"))
    empty_ids = set(comments.loc[comments["is_empty"], "comment_id"].astype(int))
    known_ids = set(comments["comment_id"].astype(int))
    first_line: dict[int, int] = {}
    rows = []
    for line, cells in records:
        if len(cells) != len(expected):
            raise CodingSheetError(f"{path}, line {line}: {len(cells)} fields, but the header has {len(expected)}")
        row = dict(zip(expected, cells))

        def bad(column: str, why: str) -> CodingSheetError:
            return CodingSheetError(f"{path}, line {line}, column {column}: {row[column]!r} {why}")

        if not row["comment_id"].isdigit() or int(row["comment_id"]) not in known_ids:
            raise bad("comment_id", "is not the id of a comment of the corpus")
        cid = int(row["comment_id"])
        if cid in first_line:
            raise bad("comment_id", f"is coded twice (first on line {first_line[cid]})")
        first_line[cid] = line
        for code in book.ids:
            if row[code] not in ("0", "1"):
                raise bad(code, f"is not a code value: write 0 (absent) or 1 (present) for comment {cid}")
        if cid in empty_ids:
            for column in [*book.ids, "tone"]:
                if row[column] != ("" if column == "tone" else "0"):
                    raise bad(column, f"is given to comment {cid}, which is empty and takes no codes or tone")
        elif row["tone"] not in TONES:
            raise bad("tone", f"is not a tone: write one of {list(TONES)} for comment {cid}")
        if not row["memo"].strip():
            raise bad("memo", f"is blank: comment {cid} needs a memo")
        rows.append(row)
    if complete and set(first_line) != known_ids:
        missing = sorted(known_ids - set(first_line))[:5]
        raise CodingSheetError(f"{path}: comments missing from the sheet, e.g. {missing}")
    sheet = pd.DataFrame(rows, columns=expected).astype({"comment_id": int, **{code: int for code in book.ids}})
    return sheet.sort_values("comment_id").reset_index(drop=True)


def sheet_columns(book: Codebook) -> list[str]:
    """The header of a coding sheet for ``book``: the comment id, one column per code, tone, memo."""
    return ["comment_id", *book.ids, "tone", "memo"]


def _read_records(path: Path | str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV's header and its records, each with the line it starts on (the header is line 1)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            records, line = [], reader.line_num + 1
            for cells in reader:
                if cells:  # a blank line holds no record
                    records.append((line, cells))
                line = reader.line_num + 1
    except UnicodeDecodeError as err:
        raise CodingSheetError(f"{path}: is not UTF-8 text ({err.reason} at byte {err.start})") from None
    except csv.Error as err:
        raise CodingSheetError(f"{path}, line {reader.line_num}: not a readable CSV ({err})") from None
    if header is None:
        raise CodingSheetError(f"{path}, line 1: the sheet is empty (it needs the header {'comment_id,...,tone,memo'})")
    return header, records


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
    """Each coding round (data/coding/rounds.yml) with its primary and secondary sheets loaded, and the book's ``root``."""
    from comment_study.coding import codebook as codebook_module
    from comment_study.corpus import yamlfile

    spec = yamlfile.load(root / "data/coding/rounds.yml")
    rounds = []
    for entry in spec["rounds"]:
        book = codebook_module.load(root / entry["codebook"], set(comments["comment_id"]))
        loaded = {**entry, "root": root, "book": book,
                  "primary_sheet": load_sheet(root / entry["primary"], book, comments, complete=True),
                  "secondary_sheet": load_sheet(root / entry["secondary"], book, comments, complete=False)}
        if "supplementary" in entry:
            loaded["supplementary_sheet"] = load_supplementary(root / entry["supplementary"],
                                                               root / entry["supplementary_sample"], book, comments)
        rounds.append(loaded)
    return rounds


def load_supplementary(sheet_path: Path, sample_path: Path, book: Codebook, comments: pd.DataFrame) -> pd.DataFrame:
    """The second coder's sheet of the supplementary sample, checked to hold exactly the sample file's comments."""
    sheet = load_sheet(sheet_path, book, comments, complete=False)
    sample = load_sample_file(sample_path, comments)
    if sorted(sheet["comment_id"]) != sorted(sample["comment_id"]):
        extra = sorted(set(sheet["comment_id"]) ^ set(sample["comment_id"]))[:5]
        raise CodingSheetError(f"{sheet_path}: its comments differ from the sample in {sample_path} (e.g. {extra})")
    overlap = sorted(set(sample["comment_id"]) & set(reliability_sample(comments)))
    if overlap:
        raise CodingSheetError(f"{sample_path}: comments {overlap[:5]} are in the main reliability sample too")
    return sheet


def supplementary_sample(
    primary: pd.DataFrame,
    comments: pd.DataFrame,
    main_sample: Iterable[int],
    codes: Sequence[str],
    *,
    reserved: Iterable[int] = (),
    min_positives: int = MIN_POSITIVES,
    random_extra: int = SUPPLEMENT_RANDOM,
    seed: int = SUPPLEMENT_SEED,
) -> pd.DataFrame:
    """A seeded sample that tops up the rare codes, for a second, blind coding of every code.

    The rule: take the codes in order of their positives in the main sample under the
    ``primary`` coding, fewest first (ties in ``codes`` order). For each code with fewer than
    ``min_positives`` positives among the main sample and the comments drawn so far, draw at
    random, from the comments that count in rates and lie outside the main sample and
    ``reserved`` (the codebook's examples), the comments the primary coding marks with it,
    until the minimum is reached or none are left. Then draw ``random_extra`` comments at
    random from the rest. One generator seeded with ``seed`` makes every draw, so the sample
    is the same on every run. Returns ``comment_id`` and ``reason`` ("oversampled for CODE"
    or "random"), sorted by id.
    """
    from comment_study.corpus.files import analysable

    missing = [c for c in codes if c not in primary.columns]
    if missing:
        raise ValueError(f"the primary coding has no column for {missing}")
    coded_ids = primary.set_index("comment_id")[list(codes)]
    main = set(int(i) for i in main_sample)
    eligible = set(comments.loc[analysable(comments), "comment_id"].astype(int))
    pool = eligible - main - set(int(i) for i in reserved)
    uncoded = sorted((pool | main) - set(coded_ids.index))
    if uncoded:
        raise ValueError(f"the primary coding lacks comments {uncoded[:5]}")

    def positives(ids: set[int], code: str) -> int:
        return int(coded_ids.loc[sorted(ids), code].sum())

    rng = np.random.default_rng(seed)
    order = sorted(codes, key=lambda code: (positives(main, code), list(codes).index(code)))
    drawn: dict[int, str] = {}
    for code in order:
        need = min_positives - positives(main | set(drawn), code)
        candidates = [i for i in sorted(pool - set(drawn)) if coded_ids.loc[i, code] == 1]
        if need > 0 and candidates:
            for i in rng.choice(candidates, size=min(need, len(candidates)), replace=False):
                drawn[int(i)] = f"oversampled for {code}"
    rest = sorted(pool - set(drawn))
    for i in rng.choice(rest, size=min(random_extra, len(rest)), replace=False) if rest else []:
        drawn[int(i)] = "random"
    return pd.DataFrame(sorted(drawn.items()), columns=SAMPLE_FILE_COLUMNS)


def study_supplementary_sample(primary: pd.DataFrame, comments: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """The study's supplementary sample: the rule above with the seeded main sample and the codebook's examples kept out."""
    return supplementary_sample(primary, comments, reliability_sample(comments), book.ids, reserved=book.example_ids)


def load_sample_file(path: Path | str, comments: pd.DataFrame) -> pd.DataFrame:
    """Read a sample file (``comment_id,reason``); a bad row is refused with the file and the line."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = table.apply(lambda column: column.str.strip())
    if list(table.columns) != SAMPLE_FILE_COLUMNS:
        raise CodingSheetError(f"{path}, line 1: columns must be {SAMPLE_FILE_COLUMNS}, not {list(table.columns)}")
    known = set(comments["comment_id"].astype(int))
    seen: set[int] = set()
    for number, row in enumerate(table.itertuples(index=False), start=2):
        if not row.comment_id.isdigit() or int(row.comment_id) not in known:
            raise CodingSheetError(f"{path}, line {number}, column comment_id: {row.comment_id!r} is not a comment id")
        if int(row.comment_id) in seen:
            raise CodingSheetError(f"{path}, line {number}, column comment_id: comment {row.comment_id} is listed twice")
        seen.add(int(row.comment_id))
        if not row.reason:
            raise CodingSheetError(f"{path}, line {number}, column reason: empty")
    return table.astype({"comment_id": int})
