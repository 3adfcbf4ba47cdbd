"""The de-identified export: each leak of the privacy audit as a small case, then the study's export against the original."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from comment_study.corpus import deidentify, export, files as data, privacy, regions
from comment_study.study import protected, quotes
from conftest import ROOT

# An invented export: nobody in it exists. Lines: the first line, then header and text per comment.
INVENTED = """Mar 3, 2021 · 7 comments
Marigold Vance (Toledo, OH)
Platforms must answer for what they host, and quickly.
Juniper (Bend, OR)
I was hurt as a child by someone my parents trusted and nobody believed me then.
Marigold Vance (Toledo, OH)
Juniper: I am so sorry. Nobody believed you, and that is the worst of it.
Quillon (Bangor, ME)
@Marigold Vance, platforms cannot read encrypted messages.
Juniper (Bend, OR)
Encryption protects people like me too.
Oswin Thale (Leeds, United Kingdom)
"someone my parents trusted and nobody believed me then" says everything.
Quillon (Bangor, ME)
Marigold, read the article again. Quillon
"""

MEMOS = {2: "Discloses abuse in childhood by a trusted adult; was not believed.",
         3: "In answer to 2: sympathy.",
         5: "Defends encryption for people like the writer.",
         6: "Repeats a sentence of comment 2 with approval."}


def invented(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text(INVENTED, encoding="utf-8")
    table = data.enrich(export.parse_export(path))
    links = pd.DataFrame({"comment_id": [3], "reply_to": [2]})
    reasons = protected.reasons(table, links, pd.DataFrame({"comment_id": [2], "kind": ["abuse"]}))
    withheld = {int(c): deidentify.withheld_line(r, MEMOS[int(c)]) for c, r in zip(reasons["comment_id"], reasons["reason"])}
    return path, table, reasons, deidentify.render(table, export.read_lines(path)[0], withheld)


# --- the leaks, one by one ------------------------------------------------------------------

def test_the_protected_set_holds_the_disclosure_its_answer_its_echo_and_its_writers_other_comment(tmp_path):
    _, _, reasons, _ = invented(tmp_path)
    why = dict(zip(reasons["comment_id"], reasons["reason"]))
    assert why == {
        2: "discloses the commenter's own abuse",
        3: "answers disclosure 2",
        5: "by the writer of disclosure 2",
        6: "repeats 8 or more words of disclosure 2",
    }


def test_the_gate_refuses_a_reply_an_echo_and_a_same_author_comment(tmp_path):
    _, table, reasons, _ = invented(tmp_path)
    for cid in (2, 3, 5, 6):
        with pytest.raises(quotes.QuotingRuleError):
            quotes.quote(table, cid, protected=protected.ids(reasons))
    assert quotes.quote(table, 1, protected=protected.ids(reasons)).text.startswith("Platforms")


def test_both_address_forms_are_redacted_even_for_a_name_that_is_an_ordinary_word(tmp_path):
    _, table, _, _ = invented(tmp_path)
    redact = quotes.redactor(table)
    assert privacy._is_ordinary("Juniper")  # the exemption the audit found: a dictionary word
    assert redact("Juniper: I am so sorry.") == "[name]: I am so sorry."
    assert redact("@Marigold Vance, platforms cannot") == "@[name], platforms cannot"
    assert redact("Marigold, read the article again.") == "[name], read the article again."  # a first name
    assert redact('As "Juniper" says') == 'As "[name]" says'  # a display name in quotation marks
    assert redact("A sprig of juniper, in bloom.") == "A sprig of juniper, in bloom."  # the word, not an address


def test_a_name_in_a_refi_source_goes_through_the_gate(tmp_path):
    _, table, reasons, _ = invented(tmp_path)
    why = dict(zip(reasons["comment_id"], reasons["reason"]))
    shown = quotes.shown_texts(table, why, MEMOS)
    assert shown.tolist()[3] == "@[name], platforms cannot read encrypted messages."
    assert shown.tolist()[1] == "[withheld: discloses the commenter's own abuse] " + MEMOS[2]
    assert "nobody believed" not in " ".join(shown).lower()


# --- the de-identified export of the invented one -------------------------------------------

def test_names_become_pseudonyms_places_regions_and_protected_texts_paraphrases(tmp_path):
    _, _, _, text = invented(tmp_path)
    lines = text.splitlines()
    assert lines[0] == "Mar 3, 2021 · 7 comments"
    assert lines[1::2] == ["A001 (Ohio)", "A002 (Oregon)", "A001 (Ohio)", "A003 (Maine)", "A002 (Oregon)",
                           "A004 (United Kingdom)", "A003 (Maine)"]
    assert lines[2] == "Platforms must answer for what they host, and quickly."
    assert lines[8] == "@A001, platforms cannot read encrypted messages."  # the reply still reads as one
    assert lines[14] == "A001, read the article again. A003"  # a first name; the writer's own signature
    assert lines[4].startswith("[withheld: discloses the commenter's own abuse] ")
    for name in ("Marigold", "Vance", "Juniper", "Quillon", "Oswin", "Thale", "Toledo", "Bend", "Bangor", "Leeds"):
        assert name not in text


def test_the_invented_export_is_deterministic_and_idempotent(tmp_path):
    path, table, reasons, first = invented(tmp_path)
    assert invented(tmp_path)[3] == first
    again = tmp_path / "again.txt"
    again.write_text(first, encoding="utf-8")
    table2 = data.enrich(export.parse_export(again))
    assert table2["withheld"].ne("").sum() == 4
    reasons2 = protected.reasons(table2, pd.DataFrame({"comment_id": [3], "reply_to": [2]}),
                                 pd.DataFrame({"comment_id": [2], "kind": ["abuse"]}))
    assert reasons2.equals(reasons)
    withheld = {int(c): deidentify.withheld_line(r, MEMOS[int(c)]) for c, r in zip(reasons2["comment_id"], reasons2["reason"])}
    assert deidentify.render(table2, export.read_lines(again)[0], withheld) == first


def test_every_region_is_written_so_that_it_reads_back_as_itself():
    table = regions.load_location_table(ROOT / data.LOCATIONS)
    for region in sorted(regions.US_REGIONS | regions.COUNTRIES | {regions.UNKNOWN}):
        label = deidentify.region_label(region, table)
        assert export.is_header(f"A001 ({label})"), region
        found = regions.coarsen(pd.Series([label]), table)["region"].iloc[0]
        assert found == region


def test_a_withheld_line_is_never_taken_for_a_header():
    line = deidentify.withheld_line("answers disclosure 2", "sympathy (in answer to 2)")
    assert not export.has_header_shape(line) and deidentify.withheld(line) == ("answers disclosure 2", "sympathy (in answer to 2).")


# --- the study's export ---------------------------------------------------------------------

def test_the_shipped_export_is_what_deidentify_makes_of_the_original(tmp_path):
    original = data.original_export(ROOT)
    if original is None:
        pytest.skip("the original export is not beside the repository; data/README.md gives its checksum")
    assert data.sha256(original) == "5d2fd5a153e5e15449ac29c8c980d3c404bd7e19805943cb0b8dc3b31fa393ee"
    out = tmp_path / "ours.txt"
    result = subprocess.run([sys.executable, "-m", "comment_study", "deidentify", str(original), "--out", str(out),
                             "--root", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (ROOT / data.RAW_COMMENTS).read_bytes()
    again = tmp_path / "again.txt"
    result = subprocess.run([sys.executable, "-m", "comment_study", "deidentify", str(out), "--out", str(again),
                             "--root", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == out.read_bytes()  # idempotent


def test_the_original_checksum_is_stated_in_data_readme():
    readme = (ROOT / "data/README.md").read_text(encoding="utf-8")
    assert "5d2fd5a153e5e15449ac29c8c980d3c404bd7e19805943cb0b8dc3b31fa393ee" in readme
    assert "python -m comment_study deidentify" in readme
    assert not (ROOT / data.ORIGINAL_COMMENTS).exists()


def test_the_export_parses_to_the_same_comments_traps_reposts_and_replies(original, comments):
    assert len(comments) == len(original) == 343
    for column in ("comment_id", "author_id", "region", "country_group", "is_empty", "header_line", "text_line"):
        assert comments[column].equals(original[column]), column
    assert comments["duplicate_of"].equals(original["duplicate_of"])
    assert comments.loc[comments["is_empty"], "comment_id"].tolist() == original.loc[original["is_empty"], "comment_id"].tolist()
    shaped = comments.loc[comments["text"].map(export.has_header_shape), "comment_id"].tolist()
    assert shaped == original.loc[original["text"].map(export.has_header_shape), "comment_id"].tolist() and len(shaped) == 1
    changed = comments["reply_to"].fillna(-1) != original["reply_to"].fillna(-1)
    # the reply rules lose only replies whose signal lies in a withheld text
    assert set(comments.loc[changed, "comment_id"]) <= set(comments.loc[comments["withheld"] != "", "comment_id"])
    assert comments.loc[changed, "reply_to"].isna().all()
    kept = original["reply_to"].notna() & ~changed
    assert comments.loc[kept, "reply_basis"].equals(original.loc[kept, "reply_basis"])


def test_the_reader_record_and_the_protected_set_are_the_same_from_either_export(original, comments):
    sheet = pd.read_csv(ROOT / "data/coding/primary.csv", keep_default_na=False)
    from comment_study.study import replies

    ours = replies.read_links(sheet, comments, data.reply_checks(ROOT))
    theirs = replies.read_links(sheet, original, data.reply_checks(ROOT))
    assert ours.equals(theirs)
    assert protected.reasons(comments, ours, data.disclosures(ROOT)).equals(
        protected.reasons(original, theirs, data.disclosures(ROOT)))


def test_the_shipped_export_withholds_exactly_the_protected_comments(comments):
    reasons = protected.load(ROOT)
    withheld = comments.loc[comments["withheld"] != "", ["comment_id", "withheld"]]
    assert dict(zip(withheld["comment_id"], withheld["withheld"])) == dict(zip(reasons["comment_id"], reasons["reason"]))
    assert set(data.disclosures(ROOT)["comment_id"]) < set(reasons["comment_id"])
