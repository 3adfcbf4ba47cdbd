"""The codebook and the coding sheets validate; the quoting rule's list matches the coding."""

from __future__ import annotations

import csv
import io
import re

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
    """Every code has examples that carry it, unless every comment carrying it is protected (never shown)."""
    from comment_study.study.model import load_study

    protected = load_study(ROOT).protected
    coded = primary.set_index("comment_id")
    for code in book.codes:
        assert code.examples or set(coded.index[coded[code.id] == 1]) <= protected, code.id
        assert all(coded.loc[cid, code.id] == 1 for cid in code.examples), code.id


def test_codebook_examples_lie_outside_every_reliability_sample(book, comments):
    """Version 4's examples name no comment the second coder codes, in the main or the supplementary sample."""
    supplementary = coding.load_sample_file(ROOT / "data/coding/supplementary_sample.csv", comments)
    assert not book.example_ids & set(coding.reliability_sample(comments))
    assert not book.example_ids & set(supplementary["comment_id"])


def test_codebook_rules_name_no_comment_of_a_reliability_sample(book, comments):
    supplementary = coding.load_sample_file(ROOT / "data/coding/supplementary_sample.csv", comments)
    sampled = set(coding.reliability_sample(comments)) | set(supplementary["comment_id"])
    for code in book.codes:
        rules = " ".join([code.definition, code.include, code.exclude])
        named = {int(n) for n in re.findall(r"comments? (\d+)", rules)}
        assert not named & sampled, code.id


def test_version_three_examples_named_comments_of_the_main_sample(comments):
    """What the reliability chapter reports: rounds 1-2's codebook showed the second coder sampled comments."""
    version3 = codebook.load(ROOT / "data/coding/round2/codebook.yml", set(comments["comment_id"]))
    assert len(version3.example_ids & set(coding.reliability_sample(comments))) == 13


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


BASE_TWO = BASE.replace(
    "tone:", "  - {id: two, label: Two, category: A, origin: a priori, definition: d, include: i, exclude: e, examples: [2]}\ntone:")


@pytest.mark.parametrize(
    ("overlaps", "message"),
    [
        ("  - {codes: [one, three], rule: r}\n", r"line 8: overlap one \+ three: unknown code\(s\) \['three'\]"),
        ("  - {codes: [one, one], rule: r}\n", r"line 8: overlap one \+ one: a code cannot overlap itself"),
        ("  - {codes: [one, two], rule: r}\n  - {codes: [two, one], rule: s}\n",
         r"line 9: overlap two \+ one: duplicate pair \(already listed at line 8\)"),
        ("  - {codes: [one, two], rule: '  '}\n", r"line 8: overlap one \+ two: missing rule"),
        ("  - {codes: [one, two]}\n", r"line 8: an overlap needs exactly the fields 'codes' and 'rule'"),
        ("  - {codes: [one], rule: r}\n", r"line 8: an overlap's codes must be a list of two code ids"),
    ],
)
def test_bad_overlap_is_refused_with_file_line_and_pair(tmp_path, overlaps, message):
    path = write_codebook(tmp_path, BASE_TWO + "overlaps:\n" + overlaps)
    with pytest.raises(codebook.CodebookError, match=re.escape(str(path)) + ", " + message):
        codebook.load(path, {1, 2})


def test_a_good_overlap_is_found_in_either_order(tmp_path):
    path = write_codebook(tmp_path, BASE_TWO + "overlaps:\n  - {codes: [one, two], rule: both take it}\n")
    book = codebook.load(path, {1, 2})
    assert book.overlap("two", "one").rule == "both take it"
    assert book.overlap("one", "one") is None


def test_every_rule_made_pair_names_two_codes_of_the_codebook_and_its_rule(book):
    assert book.overlaps, "the codebook lists the pairs its rules make co-occur"
    for overlap in book.overlaps:
        first, second = overlap.codes
        assert first in book.ids and second in book.ids and first != second
        assert overlap.rule
    assert len({frozenset(o.codes) for o in book.overlaps}) == len(book.overlaps)
    # the methods review's example: both rules include parents posting children's pictures
    assert "pictures" in book.overlap("prevention", "blame_parents").rule


def test_primary_sheet_codes_every_comment_once(primary, comments):
    assert primary["comment_id"].tolist() == comments["comment_id"].tolist()


def test_empty_comment_takes_no_codes(primary, comments, book):
    empty = primary[primary["comment_id"].isin(comments.loc[comments["is_empty"], "comment_id"])]
    assert len(empty) == 1 and empty[book.ids].to_numpy().sum() == 0 and empty["tone"].iloc[0] == ""


def test_reposts_are_coded_like_their_originals(primary, comments, book):
    coded = primary.set_index("comment_id")
    for row in comments[comments["duplicate_of"].notna()].itertuples():
        assert (coded.loc[row.comment_id, book.ids] == coded.loc[int(row.duplicate_of), book.ids]).all()


def primary_with(tmp_path, comment_id: int, column: str, value: str, also: dict | None = None) -> tuple:
    """A copy of the primary sheet, as text, with one cell changed (and the cells in ``also``); and that cell's line.

    The line is found in the written file itself (the header is line 1), so a memo that spans
    lines is counted as a reader of the file counts it.
    """
    changes = {(comment_id, column): value, **(also or {})}
    rows = list(csv.reader(io.StringIO((ROOT / "data/coding/primary.csv").read_text(encoding="utf-8"))))
    header = rows[0]
    out, line = io.StringIO(), None
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows[1:]:
        if row[0] == str(comment_id):
            line = out.getvalue().count("\n") + 1
        row = [changes.get((int(row[0]), name), cell) for name, cell in zip(header, row)]
        writer.writerow(row)
    path = tmp_path / "sheet.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, line


@pytest.mark.parametrize(("comment_id", "column", "value"), [
    (5, "distress", "yes"),          # a word for a code
    (5, "distress", "2"),            # a number other than 0 or 1
    (5, "distress", ""),             # a blank code
    (120, "blame_tech", "1.0"),      # what a spreadsheet may write for 1
    (200, "call_to_action", " 1"),   # a stray space: refused, not trimmed
    (5, "tone", "furious"),          # a tone outside the scale
    (42, "tone", ""),                # a blank tone
    (42, "tone", "Negative"),        # the scale is case-sensitive
    (7, "memo", "  "),               # a blank memo
    (77, "despair", "1"),            # the empty comment takes no codes
    (77, "tone", "negative"),        # ... and no tone
])
def test_bad_value_is_refused_with_file_line_column_and_value(tmp_path, book, comments, comment_id, column, value):
    path, line = primary_with(tmp_path, comment_id, column, value)
    with pytest.raises(coding.CodingSheetError) as error:
        coding.load_sheet(path, book, comments, complete=True)
    assert str(error.value).startswith(f"{path}, line {line}, column {column}: {value!r} ")


def test_a_single_yes_in_comment_5_is_refused_at_line_6_not_everywhere(tmp_path, book, comments):
    """The issue's case: comment 5 is the fifth record, so line 6 below the header."""
    path, line = primary_with(tmp_path, 5, "distress", "yes")
    assert line == 6
    with pytest.raises(coding.CodingSheetError, match=r"sheet\.csv, line 6, column distress: 'yes' is not a code value"):
        coding.load_sheet(path, book, comments, complete=True)


@pytest.mark.parametrize(("value", "message"), [
    ("five", "column comment_id: 'five' is not the id of a comment"),
    ("9999", "column comment_id: '9999' is not the id of a comment"),
    ("4", "column comment_id: '4' is coded twice (first on line 5)"),
])
def test_bad_comment_id_is_refused_with_its_line(tmp_path, book, comments, value, message):
    path, line = primary_with(tmp_path, 5, "comment_id", value)
    with pytest.raises(coding.CodingSheetError, match=re.escape(f"sheet.csv, line {line}, {message}")):
        coding.load_sheet(path, book, comments, complete=False)


def test_line_numbers_count_a_memo_that_spans_lines(tmp_path, book, comments):
    path, line = primary_with(tmp_path, 6, "distress", "x", also={(3, "memo"): "First line of the memo.\nSecond line."})
    assert line == 8  # the header, comments 1 and 2, comment 3 on two lines, 4, 5, then 6
    with pytest.raises(coding.CodingSheetError, match=r"sheet\.csv, line 8, column distress: 'x'"):
        coding.load_sheet(path, book, comments, complete=True)


def test_a_row_with_missing_fields_is_refused_with_its_line(tmp_path, book, comments):
    path, line = primary_with(tmp_path, 5, "distress", "0")
    lines = path.read_text().split("\n")
    lines[line - 1] = lines[line - 1].rsplit(",", 3)[0]
    path.write_text("\n".join(lines))
    with pytest.raises(coding.CodingSheetError, match=rf"sheet\.csv, line {line}: \d+ fields, but the header has {len(coding.sheet_columns(book))}"):
        coding.load_sheet(path, book, comments, complete=True)


def test_a_valid_sheet_is_read_unchanged(book, comments, primary):
    """Reading every cell as text changes nothing: the sheet equals pandas' own reading of the file."""
    raw = pd.read_csv(ROOT / "data/coding/primary.csv", keep_default_na=False, dtype={"memo": str, "tone": str})
    pd.testing.assert_frame_equal(primary, raw.sort_values("comment_id").reset_index(drop=True))


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


# --- the supplementary reliability sample ------------------------------------------------------

def toy_corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Twenty comments: 1-6 form the main sample, 19 is empty, 20 reposts 2.

    Code `rare` has one positive in the main sample (1) and three outside (7, 8, 9); code
    `rarer` none inside and one outside (10); code `common` three inside (1, 2, 3) and two
    outside (11, 12). Comment 13 carries `rare` but is a codebook example (reserved); the
    repost 20 carries `rarer` as its original does not, so only the rule that reposts are
    never drawn keeps it out.
    """
    ids = list(range(1, 21))
    comments = pd.DataFrame({"comment_id": ids, "is_empty": [i == 19 for i in ids],
                             "duplicate_of": [2.0 if i == 20 else float("nan") for i in ids]})
    positives = {"rare": {1, 7, 8, 9, 13}, "rarer": {10, 20}, "common": {1, 2, 3, 11, 12}}
    primary = pd.DataFrame({"comment_id": ids, **{code: [int(i in on) for i in ids] for code, on in positives.items()}})
    return comments, primary


MAIN = [1, 2, 3, 4, 5, 6]


def toy_sample(**options) -> pd.DataFrame:
    comments, primary = toy_corpus()
    settings = {"reserved": [13], "min_positives": 3, "random_extra": 2, "seed": 5} | options
    return coding.supplementary_sample(primary, comments, MAIN, ["rare", "rarer", "common"], **settings)


def test_supplementary_sample_tops_rare_codes_up_to_the_minimum_or_takes_all_there_are():
    sample = toy_sample()
    reasons = sample.groupby("reason")["comment_id"].apply(set)
    # rare: 1 in the main sample, so 2 of its 3 free positives; rarer: its only free positive
    assert len(reasons["oversampled for rare"]) == 2 and reasons["oversampled for rare"] <= {7, 8, 9}
    assert reasons["oversampled for rarer"] == {10}
    # common has 3 in the main sample already: none drawn for it
    assert "oversampled for common" not in reasons
    assert len(reasons["random"]) == 2
    assert len(sample) == 5 and sample["comment_id"].is_unique
    assert sample["comment_id"].tolist() == sorted(sample["comment_id"])


def test_supplementary_sample_never_draws_the_main_sample_examples_empty_comments_or_reposts():
    for seed in range(30):
        drawn = set(toy_sample(seed=seed, random_extra=20)["comment_id"])
        assert not drawn & {*MAIN, 13, 19, 20}
        # with random_extra larger than what is left, every other comment is drawn, once
        assert drawn == set(range(7, 19)) - {13}


def test_supplementary_sample_counts_a_comment_drawn_for_one_code_towards_the_others():
    comments, primary = toy_corpus()
    primary.loc[primary["comment_id"].isin([7, 8, 9]), "rarer"] = 1  # every free rare positive is also rarer
    sample = coding.supplementary_sample(primary, comments, MAIN, ["rare", "rarer", "common"],
                                         reserved=[13], min_positives=3, random_extra=0, seed=5)
    # rarer (0 in the main sample) goes first and takes 3 of 7, 8, 9, 10; rare then has 1 + at least 2
    assert len(sample) == 3 and (sample["reason"] == "oversampled for rarer").all()


def test_supplementary_sample_is_the_same_for_the_same_seed_and_changes_with_it():
    first = toy_sample()
    pd.testing.assert_frame_equal(first, toy_sample())
    assert any(not toy_sample(seed=seed).equals(first) for seed in range(6, 16))


def test_supplementary_sample_refuses_a_primary_coding_without_a_code():
    comments, primary = toy_corpus()
    with pytest.raises(ValueError, match=r"no column for \['missing'\]"):
        coding.supplementary_sample(primary, comments, MAIN, ["rare", "missing"])


@pytest.mark.parametrize(("text", "message"), [
    ("comment_id,why\n7,random\n", "line 1: columns must be"),
    ("comment_id,reason\n7,random\nseven,random\n", "line 3, column comment_id: 'seven' is not a comment id"),
    ("comment_id,reason\n7,random\n9999,random\n", "line 3, column comment_id: '9999' is not a comment id"),
    ("comment_id,reason\n7,random\n7,random\n", "line 3, column comment_id: comment 7 is listed twice"),
    ("comment_id,reason\n7,\n", "line 2, column reason: empty"),
])
def test_bad_sample_file_is_refused_with_file_line_and_column(tmp_path, comments, text, message):
    path = tmp_path / "sample.csv"
    path.write_text(text)
    with pytest.raises(coding.CodingSheetError, match=r"sample\.csv, " + re.escape(message)):
        coding.load_sample_file(path, comments)


def test_supplementary_sheet_codes_exactly_the_sample_outside_the_main_sample(comments, book):
    """The blind second coding of the supplementary sample covers the sample file, and no comment of the main sample."""
    sheet = coding.load_supplementary(ROOT / "data/coding/supplementary.csv", ROOT / "data/coding/supplementary_sample.csv",
                                      book, comments)
    assert not set(sheet["comment_id"]) & set(coding.reliability_sample(comments))


def test_a_supplementary_sheet_that_misses_a_sampled_comment_is_refused(tmp_path, comments, book):
    lines = (ROOT / "data/coding/supplementary.csv").read_text().splitlines(keepends=True)
    path = tmp_path / "supplementary.csv"
    path.write_text("".join(lines[:-1]))
    with pytest.raises(coding.CodingSheetError, match=r"supplementary\.csv: its comments differ from the sample"):
        coding.load_supplementary(path, ROOT / "data/coding/supplementary_sample.csv", book, comments)


# --- round three: its own sheets, merged into the book's sheets -----------------------------------

ROUND3 = ROOT / "data/coding/round3"
ROUND3_CODES = ["blame_government", "remedy_funding", "remedy_law", "tech_fix", "tech_doubt"]


def test_round_three_codebook_holds_the_five_codes_and_is_version_4(book):
    assert set(ROUND3_CODES) <= set(book.ids)
    assert "version: 4\n" in (ROOT / "data/codebook.yml").read_text()


def test_primary_sheet_carries_the_round_three_recoding_and_memo_of_every_comment(primary):
    returned = pd.read_csv(ROUND3 / "primary_round3.csv", keep_default_na=False).sort_values("comment_id")
    merged = primary.merge(returned, on="comment_id", suffixes=("", "_returned"), validate="one_to_one")
    assert len(merged) == len(primary) == len(returned)
    for code in ROUND3_CODES:
        assert (merged[code] == merged[f"{code}_returned"]).all(), code
    with_memo = merged[merged["memo_round3"].str.strip() != ""]
    assert all(memo.endswith(f"Round 3: {note}") for memo, note in zip(with_memo["memo"], with_memo["memo_round3"]))


def test_round_three_changed_only_the_five_codes_of_the_primary_sheet(primary, comments):
    """Round two's sheet is kept: every code outside round three, and the tone, is as it was."""
    before = pd.read_csv(ROOT / "data/coding/round2/primary.csv", keep_default_na=False).sort_values("comment_id")
    kept = [c for c in before.columns if c not in ("memo", "blame_government", "tech_fix")]
    pd.testing.assert_frame_equal(primary[kept].reset_index(drop=True), before[kept].reset_index(drop=True),
                                  check_dtype=False)


def test_secondary_sheet_carries_the_blind_round_three_coding_of_the_main_sample(comments, book):
    secondary = coding.load_sheet(ROOT / "data/coding/secondary.csv", book, comments, complete=False)
    returned = pd.read_csv(ROUND3 / "secondary_main.csv", keep_default_na=False)
    assert returned["comment_id"].tolist() == coding.reliability_sample(comments) == secondary["comment_id"].tolist()
    merged = secondary.merge(returned, on="comment_id", suffixes=("", "_returned"), validate="one_to_one")
    for code in ROUND3_CODES:
        assert (merged[code] == merged[f"{code}_returned"]).all(), code


def test_supplementary_sample_is_what_the_stated_rule_draws(comments, book, primary):
    """The rule, run on the primary coding and version 4's examples, draws the kept sample file."""
    drawn = coding.study_supplementary_sample(primary, comments, book)
    pd.testing.assert_frame_equal(coding.load_sample_file(ROOT / "data/coding/supplementary_sample.csv", comments), drawn)


def test_a_protected_comment_keeps_its_first_paraphrase_when_a_later_round_adds_to_its_memo(primary):
    """Round 3 appended its reason to every memo; what a reader sees of a withheld comment stays the vetted paraphrase."""
    memo = "Paraphrase as first written. Round 3: The reason for the round-3 codes."
    assert coding.paraphrase(memo) == "Paraphrase as first written."
    assert coding.paraphrase("No later round.") == "No later round."
    before = pd.read_csv(ROOT / "data/coding/round2/primary.csv", keep_default_na=False).set_index("comment_id")["memo"]
    now = primary.set_index("comment_id")["memo"].map(coding.paraphrase)
    assert (now == before.loc[now.index]).all()


def test_codebook_cards_show_why_a_code_was_added_and_how_it_was_revised(book):
    """The codebook chapter renders version 4: the new codes' memos and the revised notes appear on their cards."""
    import html as html_module

    page = codebook.to_html(book, {}, 1, {})
    card = lambda cid: page[page.index(f'id="code-{cid}"'):].split('<div class="codebook-code"')[0]
    assert "Revised." in card("blame_government") and html_module.escape(book.by_id("blame_government").revised) in card("blame_government")
    assert "Revised." not in card("distress")
    for cid in ["remedy_funding", "remedy_law", "tech_doubt"]:
        assert "Why it was added." in card(cid) and html_module.escape(book.by_id(cid).memo)[:60] in card(cid)


def test_a_codebook_key_written_twice_is_refused_with_its_line(tmp_path):
    text = (ROOT / "data/codebook.yml").read_text()
    path = write_codebook(tmp_path, text.replace("version: 4\n", "version: 4\nversion: 5\n", 1))
    with pytest.raises(codebook.CodebookError, match=r"codebook\.yml, line \d+: 'version' appears twice"):
        codebook.load(path)
