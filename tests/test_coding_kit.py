"""The coding kit for coders outside the team, the `agree` report, and returned sheets in data/coding/human/."""

from __future__ import annotations

import csv
import io

import krippendorff
import numpy as np
import pandas as pd
import pytest

from comment_study import cli
from comment_study.coding import agreement, codebook, human, sheets as coding
from comment_study.corpus import files as data
from comment_study.exchange import coding_kit as kit
from comment_study.study import quotes
from conftest import ROOT


@pytest.fixture(scope="module")
def book(comments):
    return codebook.load(ROOT / "data/codebook.yml", set(comments["comment_id"]))


@pytest.fixture(scope="module")
def primary(book, comments):
    return coding.load_sheet(ROOT / "data/coding/primary.csv", book, comments, complete=True)


FLIPPED = [2, 3, 12, 13, 17]
"""Sample comments on which the invented coder K reads `distress` the other way from the primary coder."""


def coder_k(primary: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """An invented human sheet: the primary coding on the reliability sample, `distress` flipped on FLIPPED."""
    sheet = primary[primary["comment_id"].isin(coding.reliability_sample(comments))].copy()
    flip = sheet["comment_id"].isin(FLIPPED)
    sheet.loc[flip, "distress"] = 1 - sheet.loc[flip, "distress"]
    sheet["memo"] = "Coder K's reading."
    return sheet


@pytest.fixture(scope="module")
def made(book, comments):
    return kit.build(book, comments)


def test_kit_has_instructions_codebook_comments_and_a_blank_sheet(made, book, comments):
    assert set(made.files) == {"README.md", "codebook.txt", "comments.md", "sheet.csv"}
    sample = coding.reliability_sample(comments)
    rows = list(csv.reader(io.StringIO(made.files["sheet.csv"])))
    assert rows[0] == ["comment_id", *book.ids, "tone", "memo"]
    assert [int(r[0]) for r in rows[1:]] == sample
    assert all(cell == "" for r in rows[1:] for cell in r[1:])
    for code in book.codes:
        assert f"[{code.id}] {code.label}" in made.files["codebook.txt"]
        assert code.definition in made.files["codebook.txt"]
    for tone in book.tones:
        assert f"`{tone}`" in made.files["README.md"]
    assert "Content note" in made.files["README.md"] and "Content note" in made.files["comments.md"]
    for cid in sample:
        assert f"## Comment {cid}\n" in made.files["comments.md"]


def test_kit_shows_every_comment_through_the_quoting_gate(made, comments):
    text = made.files["comments.md"]
    reasons, _ = quotes.withheld_reasons(comments)
    sample = coding.reliability_sample(comments)
    shown_ids = set(sample) | {cid - 1 for cid in sample}
    withheld_shown = [cid for cid in reasons if cid in shown_ids]
    assert withheld_shown, "the sample shows protected comments, as paraphrases"
    for cid in withheld_shown:
        assert f"[withheld: {reasons[cid]}]" in text
    for author in comments["author"].unique():  # the export's names are pseudonyms already: never a display name
        assert author.startswith("A") and author[1:].isdigit()


def test_blank_kit_sheet_is_refused_until_coded(made, book, comments, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(made.files["sheet.csv"])
    first = coding.reliability_sample(comments)[0]
    with pytest.raises(coding.CodingSheetError, match=rf"sheet\.csv, line 2, column distress: '' .* comment {first}"):
        coding.load_sheet(path, book, comments, complete=False)


def test_coding_kit_and_agree_run_end_to_end(tmp_path, capsys, primary, comments):
    out = tmp_path / "kit"
    assert cli.main(["coding-kit", "--root", str(ROOT), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "codebook.txt", "comments.md", "sheet.csv"]
    capsys.readouterr()
    returned = tmp_path / "coder-k.csv"
    coder_k(primary, comments).to_csv(returned, index=False)
    assert cli.main(["agree", "--root", str(ROOT), str(returned)]) == 0
    report = capsys.readouterr().out
    sample = coder_k(primary, comments)
    on = primary[primary["comment_id"].isin(sample["comment_id"])]
    expected = krippendorff.alpha(reliability_data=np.vstack([on["distress"], sample["distress"]]).astype(float),
                                  level_of_measurement="nominal")
    line = next(row for row in report.splitlines() if row.startswith("distress "))
    assert f"{expected:.2f} (" in line
    assert f"{1 - len(FLIPPED) / len(sample):.0%}" in line
    blame = next(row for row in report.splitlines() if row.startswith("blame_tech "))
    assert "1.00 (1.00 to 1.00)" in blame


def test_agree_refuses_a_bad_sheet_with_file_line_column_and_value(tmp_path, capsys, primary, comments):
    sheet = coder_k(primary, comments)
    sheet["tone"] = sheet["tone"].astype(object)
    sheet.iloc[2, sheet.columns.get_loc("tone")] = "angry"
    path = tmp_path / "coder-k.csv"
    sheet.to_csv(path, index=False)
    assert cli.main(["agree", "--root", str(ROOT), str(path)]) == 1
    assert f"{path}, line 4, column tone: 'angry' is not a tone" in capsys.readouterr().err


def test_human_table_has_one_row_per_returned_sheet(tmp_path, book, comments, primary):
    folder = tmp_path / "human"
    folder.mkdir()
    (folder / "README.md").write_text("Not a sheet: only CSV files are read.")
    coder_k(primary, comments).to_csv(folder / "coder-k.csv", index=False)
    table = human.human_table(folder, book, comments, primary)
    assert table.index.tolist() == ["coder-k"]
    assert table.loc["coder-k", "comments"] == len(coding.reliability_sample(comments))
    sample = coder_k(primary, comments)
    on = primary[primary["comment_id"].isin(sample["comment_id"])]
    expected = krippendorff.alpha(reliability_data=np.vstack([on["distress"], sample["distress"]]).astype(float),
                                  level_of_measurement="nominal")
    cell = table.loc["coder-k", "distress"]
    assert cell.startswith(f"{expected:.2f} (")
    low, high = (float(x) for x in cell[cell.index("(") + 1:-1].split(" to "))
    assert low <= round(expected, 2) <= high and low < 1
    assert table.loc["coder-k", "blame_tech"] == "1.00 (1.00 to 1.00)"
    assert list(table.columns) == ["comments", *book.ids, "tone"]


def test_human_table_refuses_a_bad_sheet_in_the_folder(tmp_path, book, comments, primary):
    folder = tmp_path / "human"
    folder.mkdir()
    sheet = coder_k(primary, comments)
    sheet["distress"] = sheet["distress"].astype(object)
    sheet.iloc[0, sheet.columns.get_loc("distress")] = "yes"
    sheet.to_csv(folder / "coder-k.csv", index=False)
    with pytest.raises(coding.CodingSheetError, match=r"coder-k\.csv, line 2, column distress: 'yes'"):
        human.human_table(folder, book, comments, primary)


def test_human_table_is_empty_with_no_sheet(tmp_path, book, comments, primary):
    folder = tmp_path / "human"
    folder.mkdir()
    (folder / "README.md").write_text("Put returned sheets here.")
    table = human.human_table(folder, book, comments, primary)
    assert table.empty and list(table.columns) == ["comments", *book.ids, "tone"]
    assert human.human_table(tmp_path / "absent", book, comments, primary).empty


def test_human_folder_is_in_the_repository_with_its_readme():
    folder = ROOT / human.FOLDER
    assert (folder / "README.md").is_file()
    assert "coding-kit" in (folder / "README.md").read_text()


def test_kit_tells_the_coder_that_paraphrases_are_the_primary_coders_reading(made):
    """An outside coder sees a protected comment only through the primary coder's paraphrase: the kit says so."""
    readme = " ".join(made.files["README.md"].split())
    assert "paraphrase was written by the study's primary coder" in readme
    assert "is that coder's reading of the comment" in readme
    assert "not independent of the primary coder's" in readme


def test_agree_marks_codes_with_too_few_positives_on_the_sheet(primary, comments, book):
    """The report uses the book's verdicts: a code below the minimum on the sheet's comments is too few to judge."""
    sheet = coder_k(primary, comments)
    table = human.compare(sheet, primary, book)
    on = primary[primary["comment_id"].isin(sheet["comment_id"])]
    few = [c for c in book.ids if on[c].sum() < coding.MIN_POSITIVES]
    assert few and all(table.loc[c, "verdict"] == agreement.TOO_FEW for c in few)
    assert all(table.loc[c, "verdict"] != agreement.TOO_FEW for c in book.ids if c not in few)
    text = human.report(table, "coder-k")
    line = next(row for row in text.splitlines() if row.startswith(f"{few[0]} "))
    assert line.endswith(agreement.TOO_FEW)
    assert human.human_table.__doc__ and human.alpha_cell(table.loc[few[0]]).endswith(agreement.TOO_FEW)


@pytest.mark.build
def test_a_sheet_placed_in_data_coding_human_appears_in_the_reliability_chapter(tmp_path, comments, primary):
    """The chapter reads the folder: drop in a returned sheet and the next build reports it, in place of the invitation."""
    from bs4 import BeautifulSoup

    from conftest import build, copy_book, partial_book, set_execution

    book = copy_book(tmp_path / "with-human" / "book")
    partial_book(book, ["chapters/reliability"], "# A fixture book\n\nOne returned sheet.\n")
    set_execution(book, "force")
    coder_k(primary, comments).to_csv(book / human.FOLDER / "coder-k.csv", index=False)
    build(book)
    page = BeautifulSoup((book / "_build/html/chapters/reliability.html").read_text(encoding="utf-8"), "html.parser")
    section = page.find(id="adding-human-coders").get_text(" ", strip=True)
    assert "coder-k" in section
    assert "No coder outside the study has returned a sheet yet" not in section
