"""A Sphinx extension that offers every notebook page for download as its executed ``.ipynb``.

sphinx-book-theme puts a page's notebook in its download menu only when a launch service
(Binder, Colab, ...) is configured (MyST-NB issue 124); this book runs offline and has none.
myst-nb already writes each executed notebook to ``_build/jupyter_execute``. This extension
copies it beside the page's source in the HTML output (``_sources/<page>.ipynb``) and tells the
theme, whose download menu then lists ``.ipynb`` next to ``.md`` and ``.pdf``. The notebook keeps
the outputs the page shows, so a reader can open it and re-run it from the book's folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx


def executed_notebook(app: Sphinx, pagename: str) -> Path | None:
    """The executed notebook myst-nb wrote for a page, or None if the page is not a notebook."""
    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return None
    folder = Path(getattr(app.env, "mystnb_config").output_folder)
    path = folder / f"{pagename}.ipynb"
    return path if path.is_file() else None


def _offer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    notebook = executed_notebook(app, pagename) if doctree is not None else None
    if notebook is None:
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"  # read by the theme's download menu


def setup(app: Sphinx) -> dict:
    # before sphinx-book-theme builds its header buttons (priority 501)
    app.connect("html-page-context", _offer, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
