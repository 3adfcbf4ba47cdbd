"""The built book used as a person uses it: in a real browser, clicking, searching, on a phone.

Playwright drives Debian's Chromium (``/usr/bin/chromium``) against the session's strict build,
served on a localhost port; axe-core (from npm, ``npm ci``) audits every page for accessibility.
One browser serves the whole module and each page is opened once where the checks allow.

Without Chromium or axe-core these tests are skipped locally, with the command that installs
them; under CI (``CI`` set) they fail instead, so a missing browser never passes for a pass.
"""

from __future__ import annotations

import re

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from conftest import ROOT, toc_pages

pytestmark = pytest.mark.build

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules/axe-core/axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 375, "height": 812}
BLOCKING = {"serious", "critical"}
"""axe-core impacts that fail the audit; "minor" and "moderate" findings are reported, not failed."""


def require(available: bool, what: str, install: str) -> None:
    """Skip locally, fail under CI, when a tool the browser tests need is missing."""
    if available:
        return
    message = f"{what} is not installed; install it with: {install}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def site(built_book):
    """The built HTML served over HTTP on a free localhost port, for the module."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(built_book / "_build/html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    require(CHROMIUM.is_file(), "Chromium",
            "apt-get install -y --no-install-recommends chromium   (as root; see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab that records console errors and uncaught exceptions."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(f"console.{m.type}: {m.text} {m.location.get('url', '')}")
           if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(f"uncaught: {e}"))
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def page_url(site: str, name: str) -> str:
    return f"{site}{name}.html"


def test_landing_page_loads_without_console_errors(page, site):
    page.goto(site)  # index.html forwards to the landing page
    page.wait_for_url(page_url(site, "intro"))
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text().startswith("What Went Wrong?")
    assert page.errors == []


def test_every_chapter_is_reached_by_clicking_through_the_sidebar(page, site, built_book):
    """Click each toc entry in the sidebar in turn; on each page check what a reader relies on."""
    page.goto(page_url(site, "intro"))
    broken_images, errors = [], []
    for name in toc_pages(built_book)[1:]:
        link = page.locator(f"nav.bd-docs-nav a.reference[href$='{Path(name).name}.html']").first
        link.click()
        page.wait_for_url(page_url(site, name))
        page.wait_for_load_state("load")
        assert page.locator("article h1").count() == 1, name
        # every figure image has loaded and has pixels
        broken_images += page.evaluate(
            """() => [...document.querySelectorAll('article img')]
                     .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src)""")
        errors += [f"{name}: {e}" for e in page.errors]
        page.errors.clear()
    assert broken_images == []
    assert errors == []


def test_search_finds_encryption(page, site):
    page.goto(page_url(site, "intro"))
    page.keyboard.press("Control+k")
    field = page.locator("#pst-search-dialog input[name='q']")
    field.wait_for(state="visible")
    field.fill("encryption")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=encryption*")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(state="visible", timeout=30_000)  # the index is searched in the page
    titles = " ".join(results.all_inner_texts())
    assert "The article" in titles
    assert page.errors == []


def test_search_snippets_show_the_chapters_words_not_the_page_buttons(page, site):
    page.goto(page_url(site, "search") + "?q=privacy")
    snippets = page.locator("#search-results ul.search li p.context")
    snippets.first.wait_for(state="visible", timeout=30_000)  # the summaries are fetched after the results
    page.wait_for_timeout(1500)
    texts = [t for t in snippets.all_inner_texts() if t.strip()]
    assert len(texts) >= 5
    for text in texts:
        assert ".ipynb" not in text, text  # (a page can match by stem, "private", so the word itself may be absent)
        assert len(re.findall(r"[A-Za-z]{3,}", text)) >= 10, text  # a sentence's worth of words
    assert page.errors == []


def test_an_exercise_solution_opens_when_clicked(page, site):
    page.goto(page_url(site, "chapters/corpus"))
    solution = page.locator("div.solution.dropdown").first
    body = solution.locator("section")
    assert not body.is_visible()
    solution.locator("button.toggle-button").click()
    body.wait_for(state="visible")
    assert "Exercise" in solution.locator(".admonition-title").inner_text()


def test_book_is_usable_at_a_phones_width(browser, site):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    try:
        for name in ["intro", "chapters/corpus", "chapters/data-dictionary"]:
            tab.goto(page_url(site, name))
            overflow = tab.evaluate("() => document.body.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name}: the body is {overflow}px wider than the screen"
        assert tab.locator("nav.bd-docs-nav:visible").count() == 0, "the sidebar should start closed"
        tab.locator("button.primary-toggle:visible").first.click()  # the menu button
        menu = tab.locator("nav.bd-docs-nav:visible")
        menu.wait_for(state="visible")
        menu.locator("a.reference[href$='method.html']").first.click()
        tab.wait_for_url("**/chapters/method.html")
    finally:
        context.close()


def test_no_page_has_a_serious_or_critical_accessibility_violation(page, site, built_book):
    require(AXE.is_file(), "axe-core", "npm ci   (in the book's folder; see package.json)")
    html = built_book / "_build/html"
    names = [p.relative_to(html).with_suffix("").as_posix() for p in sorted(html.rglob("*.html"))
             if "_static" not in p.relative_to(html).parts and p.name != "index.html"]
    assert set(toc_pages(built_book)) <= set(names)
    found = {}
    for name in names:
        page.goto(page_url(site, name))
        page.wait_for_load_state("load")
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        blocking = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                    for v in violations if v["impact"] in BLOCKING]
        if blocking:
            found[name] = blocking
    assert found == {}


PHONE_390 = {"width": 390, "height": 844}


def pages_with_figures(book: Path) -> list[str]:
    html = book / "_build/html"
    return [name for name in toc_pages(book) if "<img" in (html / f"{name}.html").read_text(encoding="utf-8")
            and "_images/" in (html / f"{name}.html").read_text(encoding="utf-8")]


def test_at_a_phones_width_figure_text_is_at_least_80_percent_of_body_text(browser, site, built_book):
    """Measured in the page: the scale each figure is shown at times its smallest text (style.MIN_FONT at style.DPI)."""
    from comment_study.book import style

    natural_text_px = style.MIN_FONT * style.DPI / 72
    context = browser.new_context(viewport=PHONE_390, is_mobile=True, has_touch=True)
    tab = context.new_page()
    small, unlinked, scrolling, figures = [], [], [], 0
    try:
        for name in pages_with_figures(built_book):
            tab.goto(page_url(site, name))
            tab.wait_for_load_state("load")
            tab.wait_for_timeout(200)  # book.js fits each figure once it has loaded
            measured = tab.evaluate("""() => {
                const body = parseFloat(getComputedStyle(document.querySelector('article.bd-article p')).fontSize);
                return [...document.querySelectorAll('article.bd-article figure img, article.bd-article div.cell_output img')]
                  .map(img => ({src: img.src.split('/').pop(), scale: img.getBoundingClientRect().width / img.naturalWidth,
                                body, linked: !!(img.closest('a.figure-full-size') && img.closest('a').href === img.src),
                                scrolls: !!img.closest('.figure-scrolls'), figure: img.closest('figure')?.id || ''}));
            }""")
            for image in measured:
                figures += 1
                shown = natural_text_px * image["scale"]
                if shown < 0.8 * image["body"] - 0.05:
                    small.append(f"{name}: {image['src']} text {shown:.1f}px < 80% of {image['body']}px")
                if not image["linked"]:
                    unlinked.append(f"{name}: {image['src']}")
                if image["scrolls"]:
                    scrolling.append(f"{name}: {image['figure'] or image['src']}")
            overflow = tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name}: the page is {overflow}px wider than the phone"
    finally:
        context.close()
    assert figures >= 20
    assert small == []
    assert unlinked == []
    # every figure fits a phone: a heatmap too wide for one is split into panels (plots.heatmap_panels)
    assert scrolling == [], "a figure scrolls sideways at 390 px"


def test_at_a_phones_width_a_wide_table_scrolls_in_its_box_with_a_cue(browser, site, built_book):
    context = browser.new_context(viewport=PHONE_390, is_mobile=True, has_touch=True)
    tab = context.new_page()
    wide_tables, missing_cue = 0, []
    try:
        for name in toc_pages(built_book):
            tab.goto(page_url(site, name))
            tab.wait_for_load_state("load")
            assert tab.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, name
            boxes = tab.evaluate("""() => [...document.querySelectorAll(
                    '.bd-content div.cell_output .output.text_html, .bd-content .pst-scrollable-table-container')]
                .filter(box => box.querySelector('table') && box.scrollWidth > box.clientWidth + 1)
                .map(box => ({cue: !!(box.previousElementSibling && box.previousElementSibling.classList.contains('scroll-cue')),
                              scrolls: getComputedStyle(box).overflowX, focusable: box.tabIndex === 0}))""")
            wide_tables += len(boxes)
            missing_cue += [f"{name}: {box}" for box in boxes
                            if not (box["cue"] and box["scrolls"] in ("auto", "scroll") and box["focusable"])]
    finally:
        context.close()
    assert wide_tables >= 1  # the book has wide tables on a phone: the check is exercised
    assert missing_cue == []
