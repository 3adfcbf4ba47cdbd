"""Results kept on disk per fingerprint of the book's inputs: computed once, never served stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from comment_study.analysis import plan
from comment_study.book import sphinx_fresh
from comment_study.corpus import inputs
from comment_study.study import load_study
from comment_study.study.model import PRIMARY_SHEET

ROOT = Path(__file__).resolve().parents[1]


def small_book(tmp_path: Path) -> Path:
    """A folder that is a book (``_config.yml``) with one data file."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "coding.csv").write_text("comment_id,code\n1,0\n")
    return tmp_path


def counting(value_of):
    """A compute function that records each call."""
    calls = []

    def compute():
        calls.append(1)
        return value_of()
    return compute, calls


def test_the_cache_key_is_the_freshness_fingerprint(tmp_path):
    book = small_book(tmp_path)
    assert inputs.fingerprint(book) == sphinx_fresh.fingerprint(book)


def test_a_result_is_computed_once_for_the_same_inputs(tmp_path):
    book = small_book(tmp_path)
    compute, calls = counting(lambda: (book / "data" / "coding.csv").read_text())
    first = inputs.cached(book, "table", compute)
    assert inputs.cached(book, "table", compute) == first
    assert len(calls) == 1
    assert list((book / inputs.CACHE_FOLDER).glob("table-*.pickle"))


def test_a_data_change_computes_again_and_never_serves_the_stale_result(tmp_path):
    book = small_book(tmp_path)
    compute, calls = counting(lambda: (book / "data" / "coding.csv").read_text())
    inputs.cached(book, "table", compute)
    (book / "data" / "coding.csv").write_text("comment_id,code\n1,1\n")
    assert inputs.cached(book, "table", compute) == "comment_id,code\n1,1\n"
    assert len(calls) == 2
    assert len(list((book / inputs.CACHE_FOLDER).glob("table-*.pickle"))) == 1  # the stale one is gone


def test_a_new_data_file_or_another_extra_key_computes_again(tmp_path):
    book = small_book(tmp_path)
    compute, calls = counting(lambda: len(list((book / "data").iterdir())))
    assert inputs.cached(book, "n", compute) == 1
    (book / "data" / "more.csv").write_text("x\n")
    assert inputs.cached(book, "n", compute) == 2
    assert inputs.cached(book, "n", compute, extra="another study") == 2
    assert len(calls) == 3


def test_a_change_during_the_computation_is_not_stored(tmp_path):
    book = small_book(tmp_path)

    def compute_while_the_data_changes():
        (book / "data" / "coding.csv").write_text("comment_id,code\n1,1\n")
        return "computed from a moving target"
    inputs.cached(book, "table", compute_while_the_data_changes)
    assert not list((book / inputs.CACHE_FOLDER).glob("table-*.pickle"))


def test_nothing_is_kept_outside_a_book_folder(tmp_path):
    (tmp_path / "data").mkdir()
    compute, calls = counting(lambda: 1)
    inputs.cached(tmp_path, "x", compute)
    inputs.cached(tmp_path, "x", compute)
    assert len(calls) == 2
    assert not (tmp_path / "_build").exists()


@pytest.fixture(scope="module")
def copied_book(tmp_path_factory) -> Path:
    """The book's data, configuration and plan in a temporary folder (no chapters needed)."""
    book = tmp_path_factory.mktemp("cached") / "book"
    book.mkdir()
    shutil.copytree(ROOT / "data", book / "data")
    shutil.copy(ROOT / "_config.yml", book / "_config.yml")
    return book


def test_the_study_and_the_plan_follow_a_changed_coding_sheet(copied_book):
    """Loaded and evaluated once, cached on disk; a changed cell of the sheet is loaded and evaluated again."""
    before_study = load_study(copied_book)
    before = plan.results(before_study, copied_book)
    assert list((copied_book / inputs.CACHE_FOLDER).glob("plan-*.pickle"))
    pd.testing.assert_frame_equal(load_study(copied_book).table, before_study.table)  # served from the disk
    sheet_path = copied_book / PRIMARY_SHEET
    sheet = pd.read_csv(sheet_path, dtype=str, keep_default_na=False)
    code = before_study.codes[0]
    row = sheet.index[sheet["comment_id"] == str(before_study.table["comment_id"].iloc[0])][0]
    sheet.loc[row, code] = "1" if sheet.loc[row, code] == "0" else "0"
    sheet.to_csv(sheet_path, index=False)
    plan._CACHE.clear()  # what a new kernel sees: only the disk
    after_study = load_study(copied_book)
    assert after_study.table[code].sum() != before_study.table[code].sum()
    after = plan.results(after_study, copied_book)
    assert not after[["count_a", "count_b"]].equals(before[["count_a", "count_b"]])
    assert len(list((copied_book / inputs.CACHE_FOLDER).glob("plan-*.pickle"))) == 1
