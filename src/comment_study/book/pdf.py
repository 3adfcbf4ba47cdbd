"""The PDF edition: the built HTML book gathered into one document and printed by Chromium.

``make pdf`` builds the HTML book, then runs ``python -m comment_study.book.pdf``, which

1. reads every page of ``_build/html`` in the order of ``_toc.yml`` and takes each page's
   article (numbered chapter titles, numbered figures and tables, glued numbers, exercises:
   everything the reader sees, as the strict build made it);
2. joins them into one HTML document behind a title page and a table of contents: each page
   starts on a new sheet, ids are made unique per page and links between pages become links
   inside the document; cells whose code is hidden on the web lose their code, toggles and
   header links go;
3. moves every exercise's worked solution out of its chapter into an **answer key** appendix
   at the end, grouped by chapter, so the chapters print with their exercises and the answer
   key can be printed, or withheld, on its own;
4. prints it with Debian's Chromium (through Playwright) to A4 with page numbers in the footer
   and the headings as the PDF's bookmarks, and copies the PDF into the HTML book, where the
   landing page links it;
5. numbers the contents: the first print has a blank number of fixed width beside each entry;
   poppler's ``pdftotext`` finds the page each section starts on (its first line after the
   running head is the section's title), the numbers are written in and the book printed again.
   The second print is read back the same way, and printed once more if a page moved; a
   contents that never settles is an error.

Why Chromium and not LaTeX: the chapters' tables, codebook cards and quotes are HTML outputs,
which Sphinx's LaTeX builder would print as raw text or drop; Chromium prints what the web book
shows. CI installs Debian's Chromium already for the browser tests.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urldefrag

from bs4 import BeautifulSoup, Tag

from comment_study.book import toc

CHROMIUM = Path("/usr/bin/chromium")
PDF_NAME = "comment-study.pdf"
"""The file name of the PDF edition, in ``_build/pdf/`` and in the HTML book's root."""

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-size: 10.5pt; }
body { margin: 0; background: #fff; color: #1a1a1a; }
.bd-content, article.bd-article { max-width: none !important; width: auto !important; padding: 0 !important; }
.pdf-page { break-before: page; }
.pdf-title { text-align: center; padding-top: 30mm; }
.pdf-title h1 { font-size: 2.2em; line-height: 1.2; }
.pdf-title p { font-size: 1.1em; color: #444; }
.pdf-toc ol, .pdf-toc ul { list-style: none; padding-left: 0; }
.pdf-toc li { margin: 0.25em 0; display: flex; align-items: baseline; }
.pdf-toc .pdf-toc-leader { flex: 1 1 auto; border-bottom: 1px dotted #999; margin: 0 0.4em; }
.pdf-toc .pdf-toc-page { flex: 0 0 2.5em; text-align: right; }
.pdf-toc .pdf-toc-part { font-weight: bold; margin-top: 0.9em; }
.pdf-toc a { text-decoration: none; color: inherit; }
h1, h2, h3 { break-after: avoid; }
figure, table, blockquote, div.exercise, div.solution, div.admonition, img { break-inside: avoid; }
img { max-width: 100% !important; height: auto !important; }
div.cell_output .output.text_html { overflow: visible !important; }
a { color: #0b4f9c; }
div.solution section, div.dropdown section { display: block !important; }
.headerlink, button, .toggle-button, .copybtn, .scroll-cue, nav, .prev-next-area { display: none !important; }
.pdf-answer-key h2 { break-before: avoid; margin-top: 1.4em; }
"""

ANSWER_KEY = "Answer key"
"""The title of the answer key: its part in the contents, its entry, and its first page's heading."""

FOOTER = ('<div style="font-size:8pt;width:100%;text-align:center;color:#555;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def slug(file: str) -> str:
    """A toc entry as an id prefix (``chapters/overview`` -> ``overview``)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", Path(file).name).strip("-")


def _built(html_root: Path, file: str) -> BeautifulSoup:
    path = html_root / f"{file}.html"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not built; run the HTML build (make book) first")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _article(html_root: Path, file: str) -> Tag:
    path = html_root / f"{file}.html"
    page = _built(html_root, file)
    article = page.select_one("article.bd-article")
    if article is None:
        raise ValueError(f"{path}: no article element: not a page of this book's theme")
    return article


def _clean(article: Tag) -> None:
    """Drop what only works on screen: hidden cells' code, toggles, header links."""
    for cell in article.select("div.cell.tag_hide-input, div.cell.tag_hide-cell"):
        for details in cell.select("details.hide"):
            details.decompose()
    for element in article.select("a.headerlink, button, script, .toggle-details__summary, .sd-sr-only"):
        element.decompose()
    for details in article.select("details"):
        details["open"] = ""


def _relink(article: Tag, file: str, html_root: Path, files: set[str]) -> None:
    """Make ids unique per page, links between pages internal, and images absolute."""
    prefix = slug(file)
    page_dir = (html_root / file).parent
    for element in article.select("[id]"):
        element["id"] = f"{prefix}--{element['id']}"
    for link in article.select("a[href]"):
        href = link["href"]
        if re.match(r"^[a-z][a-z0-9+.-]*:", href):  # http:, mailto:, ...
            continue
        target, fragment = urldefrag(href)
        if not target:
            link["href"] = f"#{prefix}--{fragment}" if fragment else f"#p-{prefix}"
            continue
        resolved = (page_dir / unquote(target)).resolve()
        try:
            relative = resolved.relative_to(html_root.resolve()).as_posix()
        except ValueError:
            continue
        page = relative.removesuffix(".html")
        if page in files:
            link["href"] = f"#{slug(page)}--{fragment}" if fragment else f"#p-{slug(page)}"
        else:  # a download or an image: point at the built file
            link["href"] = resolved.as_uri()
    for image in article.select("img[src]"):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", image["src"]):
            image["src"] = (page_dir / unquote(image["src"])).resolve().as_uri()


def _solutions(article: Tag) -> list[Tag]:
    """Take each solution out of the chapter, shown open, for the answer key."""
    taken = []
    for solution in article.select("div.solution"):
        solution.extract()
        solution["class"] = [c for c in solution.get("class", []) if c != "dropdown"]
        taken.append(solution)
    return taken


def contents_entry(anchor: str, title: str, numbers: dict[str, int]) -> str:
    """One line of the contents: the linked title, a dotted leader and its page number (blank until known)."""
    return (f'<li><a href="#{anchor}">{title}</a><span class="pdf-toc-leader"></span>'
            f'<span class="pdf-toc-page">{numbers.get(anchor, "")}</span></li>')


def edition_html(root: Path, html_root: Path, numbers: dict[str, int] | None = None) -> str:
    """The whole book as one printable HTML document (title page, contents, pages, answer key).

    ``numbers`` gives the page each section starts on, by its id (``p-<page>``), for the contents.
    """
    numbers = numbers or {}
    pages = toc.pages(root)
    files = {page.file for page in pages}
    first = _built(html_root, pages[0].file)
    title = pages[0].title
    styles = "".join(
        f'<link rel="stylesheet" href="{(html_root / pages[0].file).parent.joinpath(link["href"].split("?")[0]).resolve().as_uri()}">'
        for link in first.select("link[rel=stylesheet]"))
    body, contents, key = [], [], []
    current_part = None
    for page in pages:
        article = _article(html_root, page.file)
        _clean(article)
        _relink(article, page.file, html_root, files)
        solutions = _solutions(article)
        heading = article.select_one("h1")
        shown_title = " ".join(heading.get_text(" ").split()) if heading else page.title
        if page.part != current_part and page.part:
            contents.append(f'<li class="pdf-toc-part">{page.part}</li>')
            current_part = page.part
        contents.append(contents_entry(f"p-{slug(page.file)}", shown_title, numbers))
        body.append(f'<section class="pdf-page" id="p-{slug(page.file)}">{article.decode_contents()}</section>')
        if solutions:
            key.append(f"<h2>{shown_title}</h2>" + "".join(str(s) for s in solutions))
    contents.append(f'<li class="pdf-toc-part">{ANSWER_KEY}</li>')
    contents.append(contents_entry("p-answer-key", "Solutions to the exercises", numbers))
    answer_key = (f'<section class="pdf-page pdf-answer-key" id="p-answer-key"><h1>{ANSWER_KEY}</h1>'
                  "<p>The worked solutions of every chapter's exercises, in the order of the chapters. "
                  "Each solution names its exercise by number.</p>" + "".join(key) + "</section>")
    return (
        f'<!DOCTYPE html><html lang="en" data-theme="light" data-mode="light"><head><meta charset="utf-8">'
        f"<title>{title}</title>{styles}<style>{PRINT_CSS}</style></head><body>"
        f'<div class="bd-content"><article class="bd-article">'
        f'<section class="pdf-title"><h1>{title}</h1><p>PDF edition of the book, printed from its strict build.</p>'
        f"<p>Every number in it is computed from the study's data; the web edition has the same pages.</p></section>"
        f'<section class="pdf-page pdf-toc"><h1>Contents</h1><ol>{"".join(contents)}</ol></section>'
        + "".join(body) + answer_key + "</article></div></body></html>"
    )


def sections(document: str) -> list[tuple[str, str]]:
    """Each section of the printable document that the contents lists: its id and its first heading's text."""
    soup = BeautifulSoup(document, "html.parser")
    listed = {link["href"].removeprefix("#") for link in soup.select(".pdf-toc a[href^='#']")}
    return [(section["id"], " ".join(section.select_one("h1").get_text(" ").split()))
            for section in soup.select("section.pdf-page[id]") if section["id"] in listed]


def page_texts(pdf_file: Path) -> list[str]:
    """The text of each page of a PDF, read with poppler's pdftotext (pages end with a form feed)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise FileNotFoundError("pdftotext (poppler-utils) is needed to number the PDF's contents "
                                "(apt-get install -y --no-install-recommends poppler-utils)")
    out = subprocess.run([tool, "-layout", str(pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def starts_with(text: str, heading: str, running_head: str) -> bool:
    """Whether a page's text, after the running head, opens with ``heading``."""
    words = " ".join(text.split()).removeprefix(" ".join(running_head.split())).strip()
    return words.startswith(" ".join(heading.split()))


def start_pages(texts: list[str], headings: list[tuple[str, str]], running_head: str) -> dict[str, int]:
    """The page (from 1) each section starts on, found in order after the contents; an error names one not found."""
    found, page = {}, 1 + next((i for i, text in enumerate(texts) if starts_with(text, "Contents", running_head)), 0)
    for anchor, heading in headings:
        page = next((i for i in range(page, len(texts)) if starts_with(texts[i], heading, running_head)), None)
        if page is None:
            raise ValueError(f"the printed PDF has no page that opens with {heading!r} ({anchor})")
        found[anchor] = page + 1
    return found


def print_pdf(html_file: Path, out: Path, title: str) -> None:
    """Print an HTML file to PDF with Debian's Chromium: A4, page numbers, headings as bookmarks."""
    if not CHROMIUM.is_file():
        raise FileNotFoundError(f"{CHROMIUM}: Chromium is needed to print the PDF edition "
                                "(apt-get install -y --no-install-recommends chromium)")
    from playwright.sync_api import sync_playwright

    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(html_file.resolve().as_uri(), wait_until="load", timeout=120_000)
            page.emulate_media(media="print")
            page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                     header_template=f'<div style="font-size:7pt;width:100%;text-align:center;color:#777;">{title}</div>',
                     footer_template=FOOTER, prefer_css_page_size=True, outline=True, tagged=True)
        finally:
            browser.close()


def build(root: Path) -> Path:
    """Gather the built HTML book, print it, and copy the PDF into the HTML book; return the PDF's path."""
    html_root = root / "_build" / "html"
    folder = root / "_build" / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / PDF_NAME
    print_numbered(root, html_root, folder / "comment-study.html", out)
    shutil.copyfile(out, html_root / PDF_NAME)
    return out


def print_numbered(root: Path, html_root: Path, source: Path, out: Path, passes: int = 3) -> dict[str, int]:
    """Print the book until the page numbers written into its contents are the pages its sections start on."""
    title = toc.pages(root)[0].title
    numbers: dict[str, int] = {}
    for _ in range(passes):
        document = edition_html(root, html_root, numbers)
        source.write_text(document, encoding="utf-8")
        print_pdf(source, out, title)
        found = start_pages(page_texts(out), sections(document), title)
        if found == numbers:
            return numbers
        numbers = found
    raise ValueError(f"{out}: the contents' page numbers did not settle after {passes} prints")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the built HTML book as one PDF (run after the HTML build).")
    parser.add_argument("--root", default=".", help="the book's root folder (with _toc.yml and _build/html)")
    args = parser.parse_args(argv)
    try:
        out = build(Path(args.root).resolve())
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{out}: the PDF edition ({out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
