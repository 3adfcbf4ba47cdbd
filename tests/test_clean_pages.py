"""No raw program output reaches a reader: every built page is scanned for the marks it leaves.

What counts as raw output: a DataFrame's or Series' text repr ("Empty DataFrame", "Columns: [",
"dtype: int64"), a memory address, a tuple, list or dict of ids printed by a cell, a float with
more than four decimals, and a count printed with decimals ("4.00"). Code the reader is shown on
purpose (cell inputs, code blocks in the prose and the exercises) is left out of the scan, and so
is the bibliography (its DOIs hold digits). Tuples and dicts are looked for in cell outputs only:
the prose cites comments in parentheses, "(40, 56, 179)". The scanner is tested on made-up pages
first, so that a scan that finds nothing means something.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import toc_pages

RAW_ANYWHERE = {
    "a DataFrame or Series repr": re.compile(r"Empty DataFrame|Columns: \[|Index: \[|(?:Name: [\w ]+, )?dtype: (?:int|float|object|bool)\d*"),
    "a memory address": re.compile(r"\bat 0x[0-9a-fA-F]{6,}|<[\w.]+ object at"),
    "a float with more than four decimals": re.compile(r"(?<![\d.])\d+\.\d{5,}(?!\d)"),
    "a count printed with decimals": re.compile(r"(?<![\d.+\-−])(?:[2-9]|\d{2,})\.00(?![\d.%])"),
}
RAW_IN_OUTPUTS = {
    "a tuple or list of ids": re.compile(r"[(\[]\[?\d+, \d+(?:, \d+)*\]?[,)\]]|\(\d+,\)"),
    "a dict": re.compile(r"\{\s*'[^']+': "),
}


def raw_output(html: str) -> list[str]:
    """Each mark of raw program output in a page's article, with a few words around it."""
    page = BeautifulSoup(html, "html.parser")
    article = page.select_one("article.bd-article") or page
    for element in article.select("div.cell_input, script, style, div.citation, div.bibliography, dl.citation"):
        element.decompose()
    for element in article.select("div.highlight, pre"):  # code shown on purpose, outside cell outputs
        if element.find_parent("div", class_="cell_output") is None:
            element.decompose()
    text = " ".join(article.get_text(" ").split())
    outputs = " ".join(" ".join(o.get_text(" ").split()) for o in article.select("div.cell_output"))
    found = []
    for patterns, where in ((RAW_ANYWHERE, text), (RAW_IN_OUTPUTS, outputs)):
        for kind, pattern in patterns.items():
            found += [f"{kind}: ...{where[max(0, m.start() - 50):m.end() + 30]}..." for m in pattern.finditer(where)]
    return found


def _page(body: str) -> str:
    return f'<html><body><article class="bd-article">{body}</article></body></html>'


def _output(text: str) -> str:
    return f'<div class="cell_output"><div class="output text_plain"><pre>{text}</pre></div></div>'


@pytest.mark.parametrize("raw", [
    "Empty DataFrame\nColumns: [chunk, word]\nIndex: []",
    "word\nabuse   -429.7\nName: contribution, dtype: float64",
    "&lt;Figure object at 0x7f3a2b1c9d00&gt;",
    "([71, 311, 239], [304, 264, 238])",
    "{'blame_tech': [246, 86], 'blame_government': [298, 141]}",
    "share 0.209677",
    "frontline_workers 4.00 7.00 97%",
])
def test_the_scan_finds_each_kind_of_raw_output(raw):
    assert raw_output(_page(_output(raw)))


@pytest.mark.parametrize("clean", [
    "<p>Readers quoted it (40, 56, 179) or alluded to it (218).</p>",
    "<p>precision 1.00, recall 0.53, κ 0.71, share 21%, p &lt; 0.001</p>",
    '<div class="cell_input"><pre>study.table.query("despair == 1")  # 0.209677</pre></div>',
    "<p>VADER +0.96 (words: perfectly +6.00, sure +3.90)</p>",
    "<p>pyyaml 6.0.3, numpy 2.00.1; on average 2.5 codes against 2.0</p>",
    '<div class="citation"><p>doi:10.1111/jcc4.12016</p></div>',
])
def test_the_scan_leaves_prose_code_and_references_alone(clean):
    assert raw_output(_page(clean)) == []


@pytest.mark.build
def test_no_page_shows_raw_program_output(built_book):
    html = built_book / "_build/html"
    found = {}
    for name in toc_pages(built_book):
        marks = raw_output((html / f"{name}.html").read_text(encoding="utf-8"))
        if marks:
            found[name] = marks[:5]
    assert found == {}
