"""A Sphinx extension that offers every notebook page for download as its executed ``.ipynb``.

sphinx-book-theme puts a page's notebook in its download menu only when a launch service
(Binder, Colab, ...) is configured (MyST-NB issue 124); this book runs offline and has none.
myst-nb writes each page's notebook to ``_build/jupyter_execute``, but when the page's outputs
come from the execution cache it writes the notebook without them. This extension takes that
notebook, fills in the cached outputs when the cache holds them, writes it beside the page's
source in the HTML output (``_sources/<page>.ipynb``) and tells the theme, whose download menu
then lists ``.ipynb`` next to ``.md`` and ``.pdf``. A reader gets the notebook with the outputs
the page shows, and can re-run it from the book's folder.

When the build has finished, it gathers those notebooks into the study kit
(:mod:`comment_study.book.study_kit`: student notebooks that run outside the book, their answers,
and the package with its data) at ``downloads/study-kit.zip``, which the landing page and the
instructor guide link. It does so only when the instructor guide is part of the book: a book
built over another corpus (the tests' fixture book) has no kit to offer. The kit is made again
only when something it is made from has changed (:func:`kit_inputs`: the book's inputs, its
configuration and table of contents, every page's source and executed notebook, the glued
values), so a no-change rebuild does not rewrite it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
from sphinx.application import Sphinx

from comment_study.book import roles, sphinx_downloads
from comment_study.corpus import inputs

KIT_STAMP = "study-kit.sha256"
"""The digest of the kit's inputs when it was last written, kept with the doctrees (not published)."""
KIT_ROOT_FILES = ("_config.yml", "_toc.yml", "pyproject.toml", "requirements.txt")


def executed_notebook(app: Sphinx, pagename: str) -> Path | None:
    """The notebook myst-nb wrote for a page, or None if the page is not a notebook."""
    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return None
    folder = Path(getattr(app.env, "mystnb_config").output_folder)
    path = folder / f"{pagename}.ipynb"
    return path if path.is_file() else None


def with_cached_outputs(notebook: nbformat.NotebookNode, cache_path: Path) -> nbformat.NotebookNode:
    """The notebook with the outputs the execution cache holds for its code, if it holds any."""
    if not cache_path.is_dir():
        return notebook
    from jupyter_cache import get_cache

    try:
        return get_cache(cache_path).merge_match_into_notebook(notebook)[1]
    except KeyError:  # the cache has no record of this code: keep the notebook as written
        return notebook


def _offer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    source = executed_notebook(app, pagename) if doctree is not None else None
    if source is None:
        return
    notebook = nbformat.read(source, as_version=4)
    if not any(cell.get("outputs") or cell.get("execution_count") for cell in notebook.cells):
        notebook = with_cached_outputs(notebook, Path(getattr(app.env, "mystnb_config").execution_cache_path))
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"  # read by the theme's download menu


def kit_inputs(srcdir: Path, outdir: Path, glued: Path, fingerprint: str) -> str:
    """A digest of what the study kit is made from: the book's inputs (``fingerprint``), its root files, every
    file of the package and of the downloads its wheel carries, every page's source and notebook as the
    HTML book offers them (``_sources``), and the glued values."""
    from comment_study.book.study_kit import book_files  # what the wheel carries for the appendices

    names = dict.fromkeys([*KIT_ROOT_FILES, *(str(p) for p in book_files(srcdir))])
    files = [srcdir / name for name in names if (srcdir / name).is_file()]
    files += sorted(p for p in inputs.PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted(p for p in (srcdir / sphinx_downloads.FOLDER).rglob("*") if p.is_file())
    files += sorted(p for p in (outdir / "_sources").rglob("*") if p.is_file())
    files += sorted(glued.rglob("*.glue.json"))
    digest = hashlib.sha256(fingerprint.encode())
    for file in files:
        digest.update(str(file).encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _write_kit(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if app.config.comment_study_kit_page not in app.env.found_docs:
        return
    from comment_study.book import study_kit as kit

    srcdir, outdir = Path(app.srcdir), Path(app.outdir)
    glued = Path(getattr(app.env, "mystnb_config").output_folder)
    fingerprint = getattr(app, "comment_study_fingerprint", None) or inputs.fingerprint(srcdir)
    stamp, current = Path(app.doctreedir) / KIT_STAMP, kit_inputs(srcdir, outdir, glued, fingerprint)
    target = outdir / sphinx_downloads.FOLDER / kit.KIT_NAME
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == current:
        return  # made from these very inputs
    kit.build(srcdir, outdir, glued)
    stamp.write_text(current + "\n")


def setup(app: Sphinx) -> dict:
    roles.mark_book_build()  # a code cell's Markdown keeps its MyST roles only in the book (roles.markdown)
    app.add_config_value("comment_study_kit_page", "chapters/instructors", "env")
    app.connect("build-finished", _write_kit)
    # before sphinx-book-theme builds its header buttons (priority 501)
    app.connect("html-page-context", _offer, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
