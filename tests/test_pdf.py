"""The PDF edition (`make pdf`), read back with poppler's pdfinfo and pdftotext as a reader's viewer would.

The session's strict build is printed once (``pdf_edition`` in conftest). The checks: a real
book's length, A4 pages numbered in the footer, every page of the table of contents present
under its numbered title with the page it starts on in the contents, numbered figures, every exercise in its chapter and every solution in
the answer key at the end (and nowhere else), the landing page's link, and no placeholder or
raw markup left behind.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from comment_study.book import pdf, toc

pytestmark = pytest.mark.build


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} (poppler-utils) is not installed: apt-get install -y poppler-utils   (see .ci/run)"
        if __import__("os").environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def info(pdf_edition) -> dict[str, str]:
    out = subprocess.run([poppler("pdfinfo"), str(pdf_edition)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


@pytest.fixture(scope="module")
def pages(pdf_edition, info) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    out = subprocess.run([poppler("pdftotext"), "-layout", str(pdf_edition), "-"],
                         capture_output=True, text=True, check=True).stdout
    return out.split("\f")[: int(info["Pages"])]


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_is_a_whole_book_of_numbered_a4_pages(info, pages, built_book):
    n = int(info["Pages"])
    assert n >= 4 * len(toc.pages(built_book))  # several pages a chapter, not a stub
    assert "(A4)" in info["Page size"]
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"\b{number} / {n}\s*$", text.rstrip()), f"page {number} has no page number"


def test_every_page_of_the_book_is_in_the_pdf_under_its_numbered_title(pages, built_book):
    text = squeeze("\n".join(pages))
    contents = squeeze(pages[1])
    chapter = 0
    for page in toc.pages(built_book)[1:]:
        title = squeeze(toc.plain(page.title))
        if page.numbered:
            chapter += 1
            title = f"{chapter}. {title}"
        assert title in contents, f"the contents lack {title!r}"
        assert text.count(title) >= 2, f"{title!r} is in the contents but starts no page"


def opens_with(text: str, heading: str, running_head: str) -> bool:
    """Whether a printed page, once its running head is set aside, opens with ``heading``."""
    return squeeze(text).removeprefix(squeeze(running_head)).strip().startswith(squeeze(heading))


def test_the_contents_give_the_page_each_chapter_starts_on(pages, built_book):
    """Read back: the number beside each title in the contents is a page whose first line is that title."""
    book_pages = toc.pages(built_book)
    running_head = book_pages[0].title
    contents = squeeze(pages[1])
    chapter, expected = 0, []
    for page in book_pages:
        title = squeeze(toc.plain(page.title))
        if page.numbered:
            chapter += 1
            title = f"{chapter}. {title}"
        expected.append((title, title))
    expected.append(("Solutions to the exercises", "Answer key"))
    numbers = []
    for entry, heading in expected:
        match = re.search(re.escape(entry) + r" (\d+)\b", contents)
        assert match, f"the contents give no page number for {entry!r}"
        number = int(match.group(1))
        assert 2 < number <= len(pages), f"{entry!r}: page {number} is not a page of the book"
        assert opens_with(pages[number - 1], heading, running_head), f"page {number} does not open with {heading!r}"
        numbers.append(number)
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_a_section_missing_from_the_print_is_a_clear_error():
    texts = ["Book\nBook", "Book\nContents\n1. One  3", "Book\n1. One\ntext", "Book\n2. Two\ntext"]
    assert pdf.start_pages(texts, [("p-one", "1. One"), ("p-two", "2. Two")], "Book") == {"p-one": 3, "p-two": 4}
    with pytest.raises(ValueError, match=r"no page that opens with '3\. Three' \(p-three\)"):
        pdf.start_pages(texts, [("p-one", "1. One"), ("p-three", "3. Three")], "Book")


def test_figures_are_numbered_by_chapter(pages):
    text = squeeze("\n".join(pages))
    assert re.search(r"Fig\. 2\.1 ", text) and re.search(r"Fig\. 6\.1 ", text)


def test_exercises_stay_in_their_chapters_and_every_solution_is_in_the_answer_key(pages, built_book):
    key_start = max(i for i, p in enumerate(pages) if re.search(r"^\s*Answer key\s*$", p, re.M))
    body, key = squeeze("\n".join(pages[:key_start])), squeeze("\n".join(pages[key_start:]))
    labels = [(page, label) for page in toc.pages(built_book) if page.numbered for label, _ in page.exercises]
    numbers = set(re.findall(r"Exercise (\d+\.\d+)", body))
    solved = set(re.findall(r"Solution to Exercise (\d+\.\d+)", key))
    assert len(numbers) == len(labels) and solved == numbers
    assert "Solution to" not in body  # the chapters print without their solutions


def test_no_placeholder_or_raw_markup_is_left_in_the_pdf(pages):
    text = "\n".join(pages)
    for mark in ("{glue:text}", "{glue:", "{numref}", "{doc}", "{exercise}", "{solution}", "```", ":label:",
                 "Show code cell source", "Empty DataFrame", "dtype:"):
        assert mark not in text, mark


def test_the_landing_page_links_the_pdf_that_make_pdf_writes(pdf_edition, built_book):
    html = built_book / "_build/html"
    assert (html / pdf.PDF_NAME).read_bytes() == pdf_edition.read_bytes()
    assert f'href="{pdf.PDF_NAME}"' in (html / "intro.html").read_text(encoding="utf-8")


def test_a_missing_html_build_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    (tmp_path / "intro.md").write_text("# Intro\n")
    assert pdf.main(["--root", str(tmp_path)]) == 1
    assert "intro.html: not built" in capsys.readouterr().err
