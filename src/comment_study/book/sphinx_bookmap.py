"""A Sphinx extension with one directive, ``{book-map}``: the map of the book, from ``_toc.yml``.

The landing page lists every part and page with its reading time and first learning
objective. The map is built when the landing page is read, from the table of contents and
the chapters' own sources, and the page is re-read when any of them changes, so a chapter
added to ``_toc.yml`` appears on the map without anyone editing the landing page.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from comment_study.book import toc


class BookMap(SphinxDirective):
    """Render the parts of the book, each with a bullet list of its pages."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        self.env.note_dependency(str(root / "_toc.yml"))
        container = nodes.container(classes=["book-map"])
        for caption, pages in toc.parts(root):
            for page in pages:
                self.env.note_dependency(str(toc.source(root, page.file)))
            container += nodes.paragraph("", "", nodes.strong(text=caption))
            items = nodes.bullet_list()
            for page in pages:
                paragraph = nodes.paragraph()
                link = addnodes.pending_xref("", refdomain="std", reftype="doc",
                                             reftarget="/" + page.file, refexplicit=False, refwarn=True)
                link += nodes.inline(text=page.file)
                paragraph += link
                if page.reading_minutes:
                    paragraph += nodes.Text(f" ({page.reading_minutes} min)")
                if page.objectives:
                    paragraph += nodes.Text(f": {page.objectives[0]}.")
                items += nodes.list_item("", paragraph)
            container += items
        return [container]


def setup(app: Sphinx) -> dict:
    app.add_directive("book-map", BookMap)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
