"""The codebook and the coding sheets validate; the quoting rule's list matches the coding."""

from __future__ import annotations

import pandas as pd
import pytest

from comment_study.coding import codebook, sheets as coding

from comment_study.corpus import files as data
from conftest import ROOT

CODEBOOK = ROOT / "data/codebook.yml"


@pytest.fixture(scope="module")
def book(comments):
    return codebook.load(CODEBOOK, set(comments["comment_id"]))


@pytest.fixture(scope="module")
def primary(book, comments):
    return coding.load_sheet(ROOT / "data/coding/primary.csv", book, comments, complete=True)


def test_codebook_validates_and_keeps_the_a_priori_ids(book):
    a_priori = {"distress", "despair", "blame_tech", "blame_government", "punitive", "prevention",
                "tech_fix", "privacy_liberty", "survivor", "parent", "professional", "gender",
                "known_offenders", "partisan", "historical", "religion", "skeptical",
                "praise_coverage", "critique_coverage", "call_to_action"}
    assert a_priori <= set(book.ids)
    assert {c.id for c in book.codes if c.origin == "a priori"} == a_priori
    assert all(c.memo for c in book.codes if c.origin == "inductive")


def test_every_code_example_carries_its_code(book, primary):
    coded = primary.set_index("comment_id")
    for code in book.codes:
        assert code.examples, code.id
        assert all(coded.loc[cid, code.id] == 1 for cid in code.examples), code.id


def write_codebook(tmp_path, text: str):
    path = tmp_path / "codebook.yml"
    path.write_text(text)
    return path


BASE = """
categories: [A]
codes:
  - {id: one, label: One, category: A, origin: a priori, definition: d, include: i, exclude: e, examples: [1]}
tone: {values: {negative: n, mixed_or_neutral: m, positive: p}}
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("examples: [1]}", "examples: [1], colour: red}"), "unknown field"),
        (("definition: d, ", ""), "missing definition"),
        (("examples: [1]}", "examples: [999]}"), "do not exist"),
        (("origin: a priori", "origin: inductive"), "needs a memo"),
        (("category: A", "category: B"), "is not one of"),
    ],
)
def test_bad_codebook_gets_a_clear_error(tmp_path, change, message):
    path = write_codebook(tmp_path, BASE.replace(*change))
    with pytest.raises(codebook.CodebookError, match=message):
        codebook.load(path, {1, 2})


def test_duplicate_code_id_is_rejected(tmp_path):
    line = "  - {id: one, label: One, category: A, origin: a priori, definition: d, include: i, exclude: e, examples: [1]}\n"
    path = write_codebook(tmp_path, BASE.replace(line, line + line))
    with pytest.raises(codebook.CodebookError, match="duplicate id"):
        codebook.load(path, {1})


def test_primary_sheet_codes_every_comment_once(primary, comments):
    assert primary["comment_id"].tolist() == comments["comment_id"].tolist()


def test_empty_comment_takes_no_codes(primary, comments, book):
    empty = primary[primary["comment_id"].isin(comments.loc[comments["is_empty"], "comment_id"])]
    assert len(empty) == 1 and empty[book.ids].to_numpy().sum() == 0 and empty["tone"].iloc[0] == ""


def test_reposts_are_coded_like_their_originals(primary, comments, book):
    coded = primary.set_index("comment_id")
    for row in comments[comments["duplicate_of"].notna()].itertuples():
        assert (coded.loc[row.comment_id, book.ids] == coded.loc[int(row.duplicate_of), book.ids]).all()


def test_bad_sheet_names_file_and_line(tmp_path, book, comments, primary):
    sheet = primary.copy()
    sheet.loc[4, "tone"] = "furious"
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False)
    with pytest.raises(coding.CodingSheetError, match=r"sheet.csv, line 6: tone 'furious'"):
        coding.load_sheet(path, book, comments, complete=True)


def test_sheet_with_unknown_code_column_is_rejected(tmp_path, book, comments, primary):
    path = tmp_path / "sheet.csv"
    primary.rename(columns={"gender": "sex"}).to_csv(path, index=False)
    with pytest.raises(coding.CodingSheetError, match="unknown \\['sex'\\]"):
        coding.load_sheet(path, book, comments, complete=True)


def test_survivor_coding_and_the_disclosure_list_agree(primary):
    listed = data.disclosures(ROOT)
    assert set(primary.loc[primary["survivor"] == 1, "comment_id"]) == set(listed.loc[listed["kind"] == "abuse", "comment_id"])


def test_reliability_sample_is_seeded_and_large_enough(comments):
    first, second = coding.reliability_sample(comments), coding.reliability_sample(comments)
    assert first == second
    non_empty = (~comments["is_empty"]).sum()
    assert len(first) >= 0.25 * non_empty and len(set(first)) == len(first)
    assert not set(first) & set(comments.loc[comments["is_empty"], "comment_id"])


def test_secondary_sheet_validates_and_covers_exactly_the_seeded_sample(book, comments):
    secondary = coding.load_sheet(ROOT / "data/coding/secondary.csv", book, comments, complete=False)
    assert secondary["comment_id"].tolist() == coding.reliability_sample(comments)


def test_rounds_change_only_the_codes_they_recode(comments):
    rounds = coding.load_rounds(ROOT, comments)
    assert len(rounds) >= 2
    for before, after in zip(rounds, rounds[1:]):
        recoded = set(after["recoded"])
        for sheet in ("primary_sheet", "secondary_sheet"):
            kept = [c for c in before["book"].ids if c not in recoded] + ["tone"]
            a = before[sheet].set_index("comment_id")[kept]
            b = after[sheet].set_index("comment_id")[kept]
            pd.testing.assert_frame_equal(a, b)


def test_round_two_secondary_file_is_what_the_final_sheet_holds(comments, book):
    round_file = pd.read_csv(ROOT / "data/coding/round2/secondary-blame_parents.csv")
    final = coding.load_sheet(ROOT / "data/coding/secondary.csv", book, comments, complete=False)
    merged = final.merge(round_file, on="comment_id", suffixes=("", "_round2"))
    assert len(merged) == len(final) and (merged["blame_parents"] == merged["blame_parents_round2"]).all()
