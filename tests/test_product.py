"""The book as a product for readers, instructors and reviewers, checked in the built HTML.

Every check iterates over ``_toc.yml``, so a chapter added there is held to the same standard.
These tests share the session's strict build of the book (marked ``build``).
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from comment_study.book import toc
from conftest import ROOT, leaks, toc_pages

pytestmark = pytest.mark.build

PARTS = ["The study", "Coding", "Findings", "Computational lenses", "Appendices"]
"""The parts of the book, in reading order; a part appears once it has chapters."""

NOT_CHAPTERS = {
    "intro": "the landing page: it introduces the book and maps it rather than teaching one topic",
    "chapters/instructors": "an appendix for instructors: it plans teaching, it does not teach a topic",
    "chapters/glossary": "an appendix of reference definitions",
    "chapters/reproducing": "an appendix for reviewers: how to rebuild and check the book",
    "chapters/environment": "an appendix that prints the software versions",
    "chapters/data-dictionary": "an appendix of reference tables generated from the data",
    "chapters/references": "the bibliography",
}
"""Pages exempt from the chapter standard (objectives, reading time, exercises), with the reason."""


def soup(book: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((book / "_build/html" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def article(page: BeautifulSoup):
    return page.select_one("article.bd-article")


def chapters(book: Path) -> list[str]:
    return [name for name in toc_pages(book) if name not in NOT_CHAPTERS]


def admonition(page: BeautifulSoup, title: str):
    return [a for a in article(page).select("div.admonition")
            if a.select_one(".admonition-title") and a.select_one(".admonition-title").get_text(strip=True) == title]


# --- structure -------------------------------------------------------------------------------

def test_parts_follow_the_books_order_and_only_appendices_are_unnumbered():
    parts = yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]
    captions = [p["caption"] for p in parts]
    assert set(captions) <= set(PARTS), f"unknown part: {set(captions) - set(PARTS)}"
    assert captions == sorted(captions, key=PARTS.index)
    assert captions[-1] == "Appendices"
    for part in parts:
        assert bool(part.get("numbered")) == (part["caption"] != "Appendices"), part["caption"]


def test_every_exempt_page_is_in_the_toc():
    assert set(NOT_CHAPTERS) <= set(toc_pages(ROOT))


def test_sidebar_numbers_every_chapter_and_no_appendix(built_book):
    links = {a["href"]: a.get_text(" ", strip=True) for a in soup(built_book, "intro").select("nav.bd-docs-nav a.reference")}
    for page in toc.pages(built_book)[1:]:
        text = links[f"{page.file}.html"]
        assert bool(re.match(r"\d+\. ", text)) == page.numbered, text


def test_map_of_the_book_lists_every_page_with_its_reading_time(built_book):
    book_map = soup(built_book, "intro").select_one("div.book-map")
    assert book_map is not None
    hrefs = [a["href"] for a in book_map.select("a.reference")]
    pages = toc.pages(built_book)[1:]
    assert hrefs == [f"{p.file}.html" for p in pages]
    for page, item in zip(pages, book_map.select("li")):
        if page.reading_minutes:
            assert f"({page.reading_minutes} min)" in item.get_text(), page.file


# --- what every chapter offers ---------------------------------------------------------------

def test_every_chapter_opens_with_objectives_and_a_reading_time(built_book):
    for name in chapters(built_book):
        page = soup(built_book, name)
        boxes = admonition(page, "Learning objectives")
        assert len(boxes) == 1, f"{name}: needs one 'Learning objectives' admonition"
        assert re.search(r"Reading time: about \d+ minutes", boxes[0].get_text()), f"{name}: no reading time"
        first_subsection = article(page).select_one("section section")
        assert first_subsection is None or boxes[0].find_parent("section") is not first_subsection, \
            f"{name}: the objectives must open the chapter, before its first section"


def test_every_chapter_has_a_content_note(built_book):
    for name in chapters(built_book):
        assert admonition(soup(built_book, name), "Content note"), f"{name}: no content note"


def test_every_page_that_shows_comment_text_has_a_content_note(built_book):
    for name in toc_pages(built_book):
        page = soup(built_book, name)
        if article(page).select("blockquote.comment-quote, blockquote.comment-paraphrase"):
            assert admonition(page, "Content note"), f"{name} shows comment text without a content note"


def test_every_chapter_has_two_exercises_each_with_a_solution(built_book):
    for name in chapters(built_book):
        page = soup(built_book, name)
        exercises = page.select("div.exercise")
        assert len(exercises) >= 2, f"{name}: {len(exercises)} exercise(s)"
        solved = {a["href"].lstrip("#") for s in page.select("div.solution") for a in s.select(".admonition-title a")}
        assert {e["id"] for e in exercises} <= solved, f"{name}: an exercise has no solution"
        assert all("dropdown" in s["class"] for s in page.select("div.solution")), f"{name}: solutions must be dropdowns"


def internal_targets(book: Path, name: str, page: BeautifulSoup) -> set[tuple[str, str]]:
    """(page, anchor) of every internal reference in a page's text."""
    targets = set()
    for a in article(page).select("a.reference.internal[href*='#']"):
        path, anchor = a["href"].split("#", 1)
        target = (Path(name).parent / path).as_posix() if path else f"{name}.html"
        targets.add((str(Path(target)).removesuffix(".html"), anchor))
    return targets


def test_every_figure_is_numbered_captioned_described_and_referenced(built_book):
    pages = {name: soup(built_book, name) for name in toc_pages(built_book)}
    referenced = set().union(*(internal_targets(built_book, n, p) for n, p in pages.items()))
    figures = 0
    for name, page in pages.items():
        for figure in article(page).select("figure"):
            figures += 1
            where = f"{name}#{figure.get('id')}"
            assert figure.select_one("figcaption .caption-number"), f"{where}: no number"
            assert figure.select_one("figcaption .caption-text").get_text(strip=True), f"{where}: no caption"
            for img in figure.select("img"):
                assert len(img.get("alt", "").strip()) > 20, f"{where}: alt text too short"
            assert (name, figure["id"]) in referenced, f"{where}: never referenced with {{numref}}"
    assert figures >= 3


# --- the glossary ----------------------------------------------------------------------------

def glossary_terms(book: Path) -> dict[str, BeautifulSoup]:
    page = soup(book, "chapters/glossary")
    return {dt["id"]: dt for dt in page.select("dl.glossary dt")}


def test_every_glossary_definition_cites_a_source_or_a_chapter(built_book):
    page = soup(built_book, "chapters/glossary")
    definitions = page.select("dl.glossary > dd")
    assert len(definitions) >= 25
    for dd in definitions:
        term = dd.find_previous_sibling("dt").get_text(" ", strip=True)
        cites = dd.select("a[href*='references.html'], a[href*='#id']") or dd.select("span.std-numref, a[href$='.html'], a[href*='.html#']")
        assert cites, f"glossary: '{term}' cites nothing"


def test_every_chapter_links_its_terms_to_the_glossary(built_book):
    terms = glossary_terms(built_book)
    for name in ["intro", *chapters(built_book)]:
        links = {a["href"].split("#", 1)[1] for a in article(soup(built_book, name)).select("a[href*='glossary.html#term-']")}
        assert links, f"{name}: links no term to the glossary"
        assert links <= set(terms), f"{name}: links to unknown terms {links - set(terms)}"


UNAMBIGUOUS = ["codebook", "unit of analysis", "intercoder reliability", "Cohen's κ", "Krippendorff's α",
               "percent agreement", "reflexivity", "thematic analysis", "content analysis", "saturation",
               "Wilson interval", "pseudonym", "bootstrap"]
"""Glossary terms that mean only their glossary sense wherever the book's prose uses them."""


def prose(source: str) -> str:
    """A chapter's prose: no front matter, code cells, code blocks, directive options or inline code."""
    text = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.DOTALL)
    text = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    text = re.sub(r"^\s*:[\w-]+:.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"^#.*$", "", text, flags=re.MULTILINE)
    # drop inline code but keep roles, scanning left to right so a role's backticks pair up
    return re.sub(r"(\{[\w:-]+\}`[^`]*`)|`[^`]*`", lambda m: m.group(1) or "", text)


def test_the_first_use_of_a_term_in_each_chapter_links_to_the_glossary():
    for name in ["intro", *[n for n in toc_pages(ROOT) if n not in NOT_CHAPTERS]]:
        text = prose(toc.source(ROOT, name).read_text(encoding="utf-8"))
        roles = [m.span() for m in re.finditer(r"\{term\}`[^`]*`", text)]
        for term in UNAMBIGUOUS:
            first = re.search(rf"(?<![\w-]){re.escape(term)}", text, re.IGNORECASE)
            if first:
                assert any(a <= first.start() < b for a, b in roles), \
                    f"{name}: the first use of '{term}' is not a {{term}} link: ...{text[first.start() - 60:first.end() + 20]!r}"


# --- notebooks to download -------------------------------------------------------------------

def notebook_pages(book: Path) -> list[str]:
    return [n for n in toc_pages(book) if "{code-cell}" in toc.source(book, n).read_text(encoding="utf-8")]


def test_every_page_with_code_offers_its_executed_notebook_for_download(built_book):
    html = built_book / "_build/html"
    for name in notebook_pages(built_book):
        page = soup(built_book, name)
        links = [a["href"] for a in page.select(".dropdown-download-buttons a, a.btn-download-notebook-button")
                 if a["href"].endswith(".ipynb")]
        assert links, f"{name}: no .ipynb in the download menu"
        path = (html / Path(name).parent / links[0]).resolve()
        assert path == (html / "_sources" / f"{name}.ipynb").resolve() and path.is_file(), links[0]
        notebook = nbformat.read(path, as_version=4)
        source = toc.source(built_book, name).read_text(encoding="utf-8")
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert len(code) == source.count("```{code-cell}"), f"{name}: notebook cells differ from the page"
        if page.select(".cell_output"):
            assert any(c.get("outputs") for c in code), f"{name}: the page shows outputs, the notebook none"
        assert notebook.metadata["kernelspec"]["name"] == "python3"


# --- the reviewer's appendices ---------------------------------------------------------------

def test_reproducing_page_shows_the_checksums_the_files_have(built_book):
    text = article(soup(built_book, "chapters/reproducing")).get_text(" ")
    readme = (ROOT / "data/README.md").read_text(encoding="utf-8")
    for raw in sorted((ROOT / "data/raw").iterdir()):
        digest = hashlib.sha256(raw.read_bytes()).hexdigest()  # independent of comment_study.corpus.files
        assert digest in readme, raw.name
        assert digest in text, raw.name


def test_reproducing_page_shows_the_build_times_bench_json_records(built_book):
    figures = json.loads((ROOT / "bench.json").read_text())
    text = article(soup(built_book, "chapters/reproducing")).get_text(" ")
    assert f"a clean build took {figures['clean_s']:.0f} s" in " ".join(text.split())
    assert figures["measured_on"] in text


def test_environment_page_prints_the_running_versions(built_book):
    import platform

    import pandas

    text = article(soup(built_book, "chapters/environment")).get_text(" ")
    assert platform.python_version() in text
    assert pandas.__version__ in text


def test_data_dictionary_page_has_a_table_per_data_file_and_shows_no_values(built_book):
    from comment_study.book import datadict

    page = article(soup(built_book, "chapters/data-dictionary"))
    headings = [h.get_text(strip=True) for h in page.select("h3.data-dictionary-table")]
    assert headings == [t.name for t in datadict.tables(ROOT)]
    assert leaks(page.get_text(" ")) == {}


# --- links -----------------------------------------------------------------------------------

class _Links(HTMLParser):
    """Every href and every id/name anchor in one HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("id", "name"):
            if attributes.get(key):
                self.anchors.add(attributes[key])
        if tag in ("a", "link") and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if tag in ("img", "script") and attributes.get("src"):
            self.hrefs.append(attributes["src"])


def parse_links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_no_internal_link_or_anchor_in_the_built_book_is_broken(built_book, pdf_edition):
    # pdf_edition: the landing page links the PDF that `make pdf` adds to the HTML book
    html = built_book / "_build/html"
    # the theme's _static/*.html are Jinja macro files copied verbatim, not pages
    pages = {p: parse_links(p) for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts}
    broken = []
    for page, links in pages.items():
        for href in links.hrefs:
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or href.startswith(("mailto:", "javascript:", "data:")):
                continue  # external: not checked offline
            target_path, fragment = urldefrag(unquote(href))
            target = (page.parent / target_path.split("?")[0]).resolve() if target_path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(html)}: {href} (no such file)")
            elif fragment and target.suffix == ".html":
                anchors = pages[target].anchors if target in pages else parse_links(target).anchors
                if fragment not in anchors:
                    broken.append(f"{page.relative_to(html)}: {href} (no such anchor)")
    assert not broken, "\n".join(broken)
    assert len(pages) >= len(toc_pages(built_book))
