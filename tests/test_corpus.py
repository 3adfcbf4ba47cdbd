"""The parser on the real export (its traps) and on malformed fixtures (its errors)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from comment_study.corpus import export as corpus, files as data
from conftest import ROOT

RAW = ROOT / data.RAW_COMMENTS


def test_real_export_yields_exactly_the_declared_number_of_comments(comments):
    _, declared = corpus.parse_first_line(RAW, corpus.read_lines(RAW)[0])
    assert len(comments) == declared
    assert comments["comment_id"].tolist() == list(range(1, declared + 1))


def test_every_line_of_the_export_is_used_exactly_once(comments):
    lines = corpus.read_lines(RAW)
    used = [1] + comments["header_line"].tolist() + comments["text_line"].dropna().astype(int).tolist()
    assert sorted(used) == list(range(1, len(lines) + 1))


def test_comment_texts_are_the_raw_lines_unaltered(comments):
    lines = corpus.read_lines(RAW)
    with_text = comments[comments["text_line"].notna()]
    shown = comments.loc[comments["text_line"].notna() & (comments["withheld"] == "")]
    assert len(shown) > 300
    assert all(lines[int(n) - 1] == text for n, text in zip(shown["text_line"], shown["text"]))
    withheld = with_text[with_text["withheld"] != ""]  # a withheld line: the mark, then the paraphrase as text
    assert all(lines[int(n) - 1] == f"[withheld: {why}] {text}"
               for n, why, text in zip(withheld["text_line"], withheld["withheld"], withheld["text"]))


def test_empty_comment_body_is_kept_not_dropped(comments):
    lines = corpus.read_lines(RAW)
    empty = comments[comments["is_empty"]]
    assert len(empty) == 1
    row = empty.iloc[0]
    assert row["text"] == "" and pd_isna(row["text_line"])
    # its header is followed directly by the next comment's header
    following = comments[comments["comment_id"] == row["comment_id"] + 1].iloc[0]
    assert following["header_line"] == row["header_line"] + 1
    assert corpus.is_header(lines[row["header_line"]])


def test_text_shaped_like_a_header_is_read_as_text(comments):
    shaped = comments[comments["text"].map(corpus.has_header_shape)]
    assert len(shaped) == 1
    row = shaped.iloc[0]
    assert not corpus.is_header(row["text"])
    assert row["n_words"] > 0 and not row["is_empty"]


def test_texts_ending_in_a_parenthesis_stay_texts(comments):
    ends = comments[comments["text"].str.rstrip().str.endswith(")")]
    assert len(ends) >= 2
    assert not ends["text"].map(corpus.is_header).any()


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


# --- malformed input -------------------------------------------------------------------

def write(tmp_path: Path, content: str | bytes, name: str = "export.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


GOOD = "Sep 28, 2019 · 2 comments\nAnn (Ohio)\nFirst.\nBob (Utah)\nSecond.\n"


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("Sep 28, 2019 · 3 comments\nAnn (Ohio)\nFirst.\nBob (Utah)\nSecond.\n", 1, "declares 3 comments"),
        ("Sep 28, 2019 · 1 comments\nJust text, no header.\n", 2, "text line with no header"),
        ("Sep 28, 2019 · 2 comments\nAnn (Ohio)\nFirst.\nSecond, no header.\nBob (Utah)\nThird.\n", 4, "two text lines in a row"),
        ("Ann (Ohio)\nFirst.\n", 1, "first line must read"),
        ("Sep 28, 2019 · 2 comments\nAnn (Ohio)\n\nBob (Utah)\nSecond.\n", 3, "blank line after the header"),
        ("Sep 28, 2019 · 2 comments\nAnn (Ohio)\nFirst.\n\nBob (Utah)\nSecond.\n", 4, "blank line where a header"),
    ],
    ids=["count-mismatch", "text-without-header", "two-bodies-in-a-row", "missing-first-line", "blank-text-line",
         "blank-line-between-comments"],
)
def test_malformed_export_names_file_and_line(tmp_path, content, line, words):
    path = write(tmp_path, content)
    with pytest.raises(corpus.ExportError) as err:
        corpus.parse_export(path)
    message = str(err.value)
    assert str(path) in message and f"line {line}:" in message and words in message
    assert err.value.line == line


@pytest.mark.parametrize("tail", ["\n", "\n\n", "\n\n\n", "\r\n\r\n", "\n  \n\t\n", ""])
def test_blank_lines_at_the_end_of_an_export_are_accepted(tmp_path, tail):
    path = write(tmp_path, GOOD.rstrip("\n") + tail)
    table = corpus.parse_export(path)
    assert table["text"].tolist() == ["First.", "Second."]


def test_blank_lines_at_the_end_do_not_hide_a_missing_comment(tmp_path):
    path = write(tmp_path, "Sep 28, 2019 · 3 comments\nAnn (Ohio)\nFirst.\nBob (Utah)\nSecond.\n\n\n")
    with pytest.raises(corpus.ExportError, match="line 1: declares 3 comments"):
        corpus.parse_export(path)


def test_non_utf8_export_is_rejected_with_its_line(tmp_path):
    path = write(tmp_path, GOOD.encode("utf-8").replace(b"Second.", b"Second \xe9t\xe9."))
    with pytest.raises(corpus.ExportError, match=r"line 5: is not valid UTF-8"):
        corpus.parse_export(path)


def test_empty_export_is_rejected(tmp_path):
    with pytest.raises(corpus.ExportError, match="is empty"):
        corpus.parse_export(write(tmp_path, ""))


def test_ambiguous_export_is_rejected_not_guessed(tmp_path):
    # Ann's text is "Bob (Utah)" and Cal's comment is empty, or Ann's comment is empty and
    # Bob's text is "Cal (Iowa)": both readings give two comments, so the parser must refuse.
    path = write(tmp_path, "Sep 28, 2019 · 2 comments\nAnn (Ohio)\nBob (Utah)\nCal (Iowa)\n")
    with pytest.raises(corpus.ExportError, match="ambiguous"):
        corpus.parse_export(path)


def test_declared_count_decides_between_readings(tmp_path):
    two = corpus.parse_export(write(tmp_path, "Sep 1, 2020 · 2 comments\nAnn (Ohio)\nThanks (again)\nBob (Utah)\nGood piece.\n"))
    assert two["text"].tolist() == ["Thanks (again)", "Good piece."]
    three = corpus.parse_export(write(tmp_path, "Sep 1, 2020 · 3 comments\nAnn (Ohio)\nThanks (again)\nBob (Utah)\nGood piece.\n", "b.txt"))
    assert three["text"].tolist() == ["", "", "Good piece."]


def test_windows_line_endings_and_missing_final_newline_are_read(tmp_path):
    table = corpus.parse_export(write(tmp_path, GOOD.replace("\n", "\r\n").rstrip("\r\n")))
    assert table["text"].tolist() == ["First.", "Second."]


names = st.from_regex(r"[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?", fullmatch=True)
places = st.from_regex(r"[A-Z][a-z]{2,9}(, [A-Z]{2})?", fullmatch=True)
texts = st.one_of(
    st.just(""),
    st.from_regex(r"[A-Za-z][A-Za-z ,.!'%?:;\"<>#$`{}|-]{0,60}", fullmatch=True),
    st.from_regex(r"[A-Za-z][a-z ]{0,20} \([a-z ]{1,10}\)", fullmatch=True),  # shaped like a header
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(names, places, texts), min_size=1, max_size=8))
def test_parser_returns_the_true_reading_or_refuses(tmp_path_factory, rows):
    lines = [f"Jan 1, 2020 · {len(rows)} comments"]
    for name, place, text in rows:
        lines.append(f"{name} ({place})")
        if text:
            lines.append(text)
    path = tmp_path_factory.mktemp("gen") / "export.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        table = corpus.parse_export(path)
    except corpus.ExportError as err:
        assert "ambiguous" in str(err) or "declares" in str(err)
        return
    assert list(zip(table["author"], table["location"], table["text"])) == [tuple(r) for r in rows]


# --- pseudonyms -------------------------------------------------------------------------

def test_pseudonyms_are_stable_across_runs():
    first, second = data.comments(ROOT), data.comments(ROOT)
    assert first["author_id"].tolist() == second["author_id"].tolist()


def test_pseudonyms_number_commenters_by_first_appearance(comments):
    firsts = comments.drop_duplicates("author_id")["author_id"].tolist()
    assert firsts == [f"A{k:03d}" for k in range(1, len(firsts) + 1)]


def test_same_display_name_in_two_places_is_two_commenters(original):
    comments = original
    per_name = comments.groupby("author")["location"].nunique()
    shared = per_name[per_name > 1].index[0]
    rows = comments[comments["author"] == shared]
    assert rows.groupby("location")["author_id"].nunique().eq(1).all()
    assert rows["author_id"].nunique() == rows["location"].nunique()


def test_word_count_counts_words_not_punctuation():
    assert corpus.count_words("Don't — stop, 97% of 3 men!") == 6
    assert corpus.count_words("") == 0


def test_reading_an_export_holds_no_more_memory_for_ten_times_the_comments(tmp_path):
    """The parser streams: its peak memory follows the longest block of header lines, not the number of comments."""
    import tracemalloc

    from comment_study.book import bench

    peaks = []
    for n in (500, 5_000):
        path = write(tmp_path, bench.synthetic_export(n, seed=3), f"{n}.txt")
        tracemalloc.start()
        count = sum(1 for _ in corpus.read_comments(path))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert count == n
    assert peaks[1] < 1.5 * peaks[0] + 50_000, peaks


def test_a_block_of_header_shaped_lines_is_read_as_the_declared_count_requires(tmp_path):
    """Four header-shaped lines before a text: two pairs (3 comments) or four without text (5); 4 is ambiguous."""
    body = "Ann (Ohio)\nFine (really)\nBob (Utah)\nGood (yes)\nCal (Iowa)\nLast words.\n"
    pairs = corpus.parse_export(write(tmp_path, "Jan 1, 2020 · 3 comments\n" + body, "three.txt"))
    assert pairs["text"].tolist() == ["Fine (really)", "Good (yes)", "Last words."]
    assert pairs["text_line"].tolist() == [3, 5, 7]
    alone = corpus.parse_export(write(tmp_path, "Jan 1, 2020 · 5 comments\n" + body, "five.txt"))
    assert alone["text"].tolist() == ["", "", "", "", "Last words."]
    with pytest.raises(corpus.ExportError, match="line 3: ambiguous"):
        corpus.parse_export(write(tmp_path, "Jan 1, 2020 · 4 comments\n" + body, "four.txt"))
