"""The dictionary coder: its file validates, it matches what a plain loop would, its split and its scores are right."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.metrics import cohen_kappa_score, f1_score, precision_score, recall_score

from comment_study.book import bench

from comment_study import cli

from comment_study.coding import codebook, sheets as coding

from comment_study.analysis import dictionary
from conftest import ROOT


@pytest.fixture(scope="module")
def book():
    return codebook.load(ROOT / "data/codebook.yml")


@pytest.fixture(scope="module")
def rules(book):
    return dictionary.load(ROOT / dictionary.DICTIONARY, book.ids)


@pytest.fixture(scope="module")
def rated(book, comments):
    primary = coding.load_sheet(ROOT / "data/coding/primary.csv", book, comments, complete=True)
    return coding.coded(primary, comments)


# --- the file -------------------------------------------------------------------------------

def test_study_dictionary_covers_every_code_or_says_why_not(book, rules):
    assert set(rules.ids) | set(rules.left_out) == set(book.ids)
    assert not set(rules.ids) & set(rules.left_out)
    assert all(len(reason.split()) >= 10 for reason in rules.left_out.values())
    assert all(rule.note for rule in rules.rules)


def test_dictionary_is_the_one_frozen_before_the_held_out_half_was_scored(rules):
    assert dictionary.fingerprint(rules) == dictionary.FROZEN_FINGERPRINT


def write(tmp_path, text: str):
    path = tmp_path / "dictionary.yml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """version: 1
left_out:
  two: not attempted, for a reason given here
codes:
  one:
    note: n
    patterns:
      - 'alpha'
"""


def test_a_minimal_dictionary_loads(tmp_path):
    loaded = dictionary.load(write(tmp_path, GOOD), ["one", "two"])
    assert loaded.ids == ["one"] and loaded.left_out == {"two": "not attempted, for a reason given here"}


@pytest.mark.parametrize("text, line, words", [
    (GOOD + "  nonsense:\n    patterns: ['x']\n", 9, ["unknown code", "'nonsense'"]),
    (GOOD.replace("      - 'alpha'", "      - 'alpha'\n      - '(unclosed'"), 9, ["'one'", "(unclosed", "does not compile"]),
    (GOOD.replace("'alpha'", "'(?:a)|(b)'"), 8, ["'one'", "capturing group"]),
    (GOOD.replace("'alpha'", "'a*'"), 8, ["'one'", "matches the empty string"]),
    (GOOD.replace("'alpha'", "'Alpha'"), 8, ["'one'", "lower case"]),
    (GOOD.replace("    note: n", "    note: n\n    weight: 2"), 7, ["'one'", "unknown field 'weight'"]),
    (GOOD.replace("version: 1", "version: 1\nauthor: me"), 2, ["unknown field 'author'"]),
    (GOOD + "  one:\n    patterns: ['x']\n", 9, ["'one' appears twice"]),
    (GOOD.replace("  two: not", "  three: not"), 3, ["unknown code 'three'"]),
])
def test_bad_dictionary_is_an_error_naming_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(dictionary.DictionaryError) as caught:
        dictionary.load(path, ["one", "two"])
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}:"), message
    assert all(w in message for w in words), message


def test_a_code_neither_attempted_nor_left_out_is_an_error(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(dictionary.DictionaryError, match="neither given patterns nor listed under left_out: \\['three'\\]"):
        dictionary.load(path, ["one", "two", "three"])


def test_invalid_yaml_is_an_error_naming_the_line(tmp_path):
    path = write(tmp_path, GOOD.replace("    note: n", "    note: [n"))
    with pytest.raises(dictionary.DictionaryError, match=re.escape(f"{path}, line ")):
        dictionary.load(path)


# --- applying it ----------------------------------------------------------------------------

def tiny(tmp_path) -> dictionary.Dictionary:
    return dictionary.load(write(tmp_path, """codes:
  religion:
    patterns: ['church\\w*', 'god']
    exclude: ['thank god']
  pornography:
    patterns: ['porn']
    exclude: ['child porn\\w*']
  distress:
    patterns: ['can''t read']
"""))


def test_patterns_respect_word_boundaries_case_and_exclusions(tmp_path):
    texts = pd.Series([
        "Thank God it ended.",              # an idiom, blanked out
        "Thank god. The CHURCHES knew.",    # the idiom goes, the church stays
        "A pornographer is not porn.",      # 'porn' alone, not inside 'pornographer'
        "Child pornography everywhere.",    # the material's name, blanked out
        "I can’t read this.",               # a curly apostrophe is straightened
        None,                               # a missing text codes as nothing
    ], index=[10, 11, 12, 13, 14, 15])
    out = dictionary.apply(tiny(tmp_path), texts)
    assert list(out.index) == [10, 11, 12, 13, 14, 15]
    assert out["religion"].tolist() == [0, 1, 0, 0, 0, 0]
    assert out["pornography"].tolist() == [0, 0, 1, 0, 0, 0]
    assert out["distress"].tolist() == [0, 0, 0, 0, 1, 0]
    assert out.loc[11, "religion_match"] == "churches" and out.loc[11, "religion_pattern"] == "church\\w*"
    assert out.loc[12, "pornography_match"] == "porn" and out.loc[10, "religion_match"] == ""
    assert dictionary.explain(out, ["religion", "distress"]).tolist() == [
        "", "religion: churches", "", "", "distress: can't read", ""]


def loop_coder(rules: dictionary.Dictionary, texts: pd.Series) -> pd.DataFrame:
    """The obvious, slow reading of the rules: every pattern, one comment at a time, case-insensitive."""
    rows = []
    for text in texts:
        text = text.translate(dictionary.STRAIGHTEN)
        row = {}
        for rule in rules.rules:
            masked = text
            for pattern in rule.exclude:
                masked = re.sub(rf"\b(?:{pattern})\b", " ", masked, flags=re.IGNORECASE)
            row[rule.code] = int(any(re.search(rf"\b(?:{p})\b", masked, flags=re.IGNORECASE) for p in rule.patterns))
        rows.append(row)
    return pd.DataFrame(rows, index=texts.index)


def test_vectorised_coder_equals_a_plain_loop_on_the_real_corpus(rules, comments):
    fast = dictionary.apply(rules, comments["text"])
    pd.testing.assert_frame_equal(fast[rules.ids], loop_coder(rules, comments["text"]))


def test_reported_pattern_and_match_explain_each_code(rules, comments):
    out = dictionary.apply(rules, comments["text"])
    for code in rules.ids:
        hits = out[out[code] == 1]
        assert (hits[f"{code}_match"] != "").all() and (out.loc[out[code] == 0, f"{code}_match"] == "").all()
        for pattern, match in zip(hits[f"{code}_pattern"], hits[f"{code}_match"]):
            assert pattern in rules.rule(code).patterns
            assert re.fullmatch(pattern, match), (code, pattern, match)


# --- the split ------------------------------------------------------------------------------

def test_split_is_seeded_disjoint_complete_and_even(rated):
    ids = rated["comment_id"].tolist()
    build, held = dictionary.split_halves(ids)
    assert (build, held) == dictionary.split_halves(list(reversed(ids)))
    assert set(build).isdisjoint(held) and sorted(build + held) == sorted(ids)
    assert len(build) - len(held) in (0, 1)
    assert dictionary.split_halves(ids, seed=dictionary.SPLIT_SEED + 1) != (build, held)


def test_split_refuses_repeated_ids():
    with pytest.raises(ValueError, match="unique"):
        dictionary.split_halves([1, 2, 2])


# --- the scores -----------------------------------------------------------------------------

labels = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 1), min_size=n, max_size=n),
                        st.lists(st.integers(0, 1), min_size=n, max_size=n)))


def same(ours: float, theirs: float) -> bool:
    return (math.isnan(ours) and math.isnan(theirs)) or ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(labels)
def test_scores_match_scikit_learn(pair):
    predicted, reference = pair
    scores = dictionary.code_scores(pd.DataFrame({"c": predicted}), pd.DataFrame({"c": reference}), ["c"]).loc["c"]
    assert same(scores["precision"], precision_score(reference, predicted, zero_division=np.nan))
    assert same(scores["recall"], recall_score(reference, predicted, zero_division=np.nan))
    if sum(predicted) + sum(reference):
        assert same(scores["f1"], f1_score(reference, predicted, zero_division=np.nan))
    else:
        assert math.isnan(scores["f1"])
    if len(set(predicted) | set(reference)) > 1:
        assert same(scores["kappa"], cohen_kappa_score(reference, predicted))
    assert scores[["tp", "fp", "fn"]].sum() + (np.array(predicted) + np.array(reference) == 0).sum() == len(predicted)


def held_out_scores(rules, rated) -> pd.DataFrame:
    _, held = dictionary.split_halves(rated["comment_id"])
    half = rated[rated["comment_id"].isin(held)].reset_index(drop=True)
    return dictionary.code_scores(dictionary.apply(rules, half["text"]), half, rules.ids)


def test_help_and_readme_state_the_held_out_accuracy_the_data_give(rules, rated):
    scores = held_out_scores(rules, rated)
    assert cli.HELD_OUT == {
        "macro_f1": f"{dictionary.macro_f1(scores):.2f}",
        "lowest_f1": f"{scores['f1'].min():.2f}",
        "highest_f1": f"{scores['f1'].max():.2f}",
    }, "update cli.HELD_OUT (and the README) to what the data now give"
    shown = subprocess.run([sys.executable, "-m", "comment_study", "code", "--help"], capture_output=True, text=True).stdout
    assert all(value in shown for value in cli.HELD_OUT.values())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert ("average F1 against the primary coding (an AI assistant session's reading) is {macro_f1} (per code from {lowest_f1} to {highest_f1})"
            .format(**cli.HELD_OUT)) in readme


def test_held_out_scores_use_only_held_out_comments(rules, rated):
    scores = held_out_scores(rules, rated)
    _, held = dictionary.split_halves(rated["comment_id"])
    assert (scores["n"] == len(held)).all()


# --- the benchmark's synthetic export -------------------------------------------------------

def test_synthetic_export_is_deterministic_and_parses(tmp_path):
    from comment_study.corpus import export as corpus

    text = bench.synthetic_export(500, seed=1)
    assert text == bench.synthetic_export(500, seed=1) != bench.synthetic_export(500, seed=2)
    path = tmp_path / "synthetic.txt"
    path.write_text(text, encoding="utf-8")
    table = corpus.parse_export(path)
    assert len(table) == 500 and table["is_empty"].any() and table["text"].duplicated().any()


def test_synthetic_export_copies_no_real_comment_or_name(comments):
    synthetic = bench.synthetic_export(2000, seed=3)
    words = lambda t: re.findall(r"\w+", t.lower())
    runs = lambda w: {" ".join(w[i:i + 8]) for i in range(len(w) - 7)}
    real = set().union(*(runs(words(t)) for t in comments["text"]))
    assert not runs(words(synthetic)) & real
    names = {n for n in comments["author"] if len(n) > 3}
    headers = set(re.findall(r"^(.+) \(", synthetic, flags=re.MULTILINE))
    assert not headers & names


# --- explaining mistakes --------------------------------------------------------------------

def test_negation_and_quotation_are_found_where_the_match_stands():
    assert dictionary.negation_before("I am NOT sympathetic to Facebook, but", "facebook")
    assert not dictionary.negation_before("Facebook is not the problem", "facebook")
    assert dictionary.negation_before("They didn’t blame Facebook", "facebook")  # curly apostrophe
    assert dictionary.inside_quotes('He asked “why aren’t companies acting?” Because', "companies")
    assert not dictionary.inside_quotes('"Quoted." Then companies act', "companies")
    assert not dictionary.inside_quotes("no such words here", "companies")


def test_verdicts_paraphrase_protected_comments_and_list_both_codings(rules, comments, book):
    from comment_study.study import quotes

    primary = coding.load_sheet(ROOT / "data/coding/primary.csv", book, comments, complete=True)
    found = dictionary.apply(rules, comments["text"]).set_axis(comments["comment_id"])
    protected = sorted(quotes.protected_ids())[0]
    shown = dictionary.verdicts(comments, primary, found, rules.ids, protected)
    assert isinstance(shown.shown, quotes.Paraphrase)
    sheet = primary.set_index("comment_id").loc[protected]
    assert shown.coded == [c for c in rules.ids if sheet[c] == 1]
    assert shown.dictionary == {c: found.loc[protected, f"{c}_match"] for c in rules.ids if found.loc[protected, c] == 1}
    html = shown._repr_html_()
    assert "Paraphrase" in html and "Primary coding" in html


def test_a_rule_built_in_code_is_checked_like_one_read_from_a_file():
    with pytest.raises(dictionary.DictionaryError, match="'skeptical'.*lower case"):
        dictionary.Rule("skeptical", ("I doubt",))
    with pytest.raises(dictionary.DictionaryError, match="at least one pattern"):
        dictionary.Rule("skeptical", ())


def test_the_chapters_hands_on_exercise_runs(rated):
    build_ids, held_ids = dictionary.split_halves(rated["comment_id"])
    mine = dictionary.Dictionary((dictionary.Rule(
        "skeptical", ("moral panic", "exaggerat\\w*", "overblown", "i doubt"), exclude=("no doubt",)),))
    for ids in (build_ids, held_ids):
        half = rated[rated["comment_id"].isin(ids)]
        scores = dictionary.code_scores(dictionary.apply(mine, half["text"]), half, ["skeptical"])
        assert scores.loc["skeptical", "n"] == len(ids)
