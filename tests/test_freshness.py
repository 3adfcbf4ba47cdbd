"""The fingerprint that decides when cached notebook outputs must be thrown away."""

from __future__ import annotations

from comment_study.book import sphinx_fresh


def make_book(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "coding.csv").write_text("comment_id,code\n1,0\n")
    return tmp_path


def test_fingerprint_changes_when_a_data_file_changes(tmp_path):
    book = make_book(tmp_path)
    before = sphinx_fresh.fingerprint(book)
    (book / "data" / "coding.csv").write_text("comment_id,code\n1,1\n")
    assert sphinx_fresh.fingerprint(book) != before


def test_fingerprint_changes_when_a_data_file_is_added(tmp_path):
    book = make_book(tmp_path)
    before = sphinx_fresh.fingerprint(book)
    (book / "data" / "new.yml").write_text("x: 1\n")
    assert sphinx_fresh.fingerprint(book) != before


def test_fingerprint_is_stable_when_nothing_changes(tmp_path):
    book = make_book(tmp_path)
    assert sphinx_fresh.fingerprint(book) == sphinx_fresh.fingerprint(book)


def test_package_source_is_among_the_inputs(tmp_path):
    names = {p.name for p in sphinx_fresh.input_files(make_book(tmp_path))}
    assert {"export.py", "threads.py", "sphinx_fresh.py"} <= names


def test_fingerprint_changes_when_a_root_input_changes(tmp_path):
    book = make_book(tmp_path)
    (book / "bench.json").write_text('{"clean_s": 20.0}\n')
    before = sphinx_fresh.fingerprint(book)
    (book / "bench.json").write_text('{"clean_s": 21.0}\n')
    assert sphinx_fresh.fingerprint(book) != before


def test_fingerprint_changes_when_the_installed_software_changes(tmp_path, monkeypatch):
    book = make_book(tmp_path)
    before = sphinx_fresh.fingerprint(book)
    monkeypatch.setattr(sphinx_fresh, "signature", lambda: "pandas upgraded")
    assert sphinx_fresh.fingerprint(book) != before
