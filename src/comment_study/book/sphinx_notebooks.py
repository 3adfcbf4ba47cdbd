"""A Sphinx extension that offers every notebook page for download as its executed ``.ipynb``.

sphinx-book-theme puts a page's notebook in its download menu only when a launch service
(Binder, Colab, ...) is configured (MyST-NB issue 124); this book runs offline and has none.
myst-nb writes each page's notebook to ``_build/jupyter_execute``, but when the page's outputs
come from the execution cache it writes the notebook without them. This extension takes that
notebook, fills in the cached outputs when the cache holds them, writes it beside the page's
source in the HTML output (``_sources/<page>.ipynb``) and tells the theme, whose download menu
then lists ``.ipynb`` next to ``.md`` and ``.pdf``. A reader gets the notebook with the outputs
the page shows, and can re-run it from the book's folder.

It also gathers those notebooks into the study kit (:mod:`comment_study.book.study_kit`: student
notebooks that run outside the book, their answers, and the package with its data) at
``downloads/study-kit.zip``, which the landing page and the instructor guide link. It does so only
when the instructor guide is part of the book: a book built over another corpus (the tests' fixture
book) has no kit to offer. The kit is made again only when something it is made from has changed
(:func:`kit_inputs`: the book's inputs, its configuration and table of contents, every page's
source and executed notebook, the glued values), so a no-change rebuild does not rewrite it.

Both are made in a process of their own (``python -m comment_study.book.sphinx_notebooks``), on the
second core while Sphinx reads and writes the pages on the first (some 3.5 s of a clean build): it
starts when the pages have run, writes each page's notebook as soon as Sphinx has read the page,
and makes the kit once every page is read. Only the notebooks of the pages read in this build (or
missing from ``_sources``) are written again. The build waits for the process when it finishes,
and fails with the process's error if it failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import ExtensionError

from comment_study.book import roles, sphinx_downloads, toc
from comment_study.corpus import inputs

if TYPE_CHECKING:
    import nbformat
    from sphinx.application import Sphinx

KIT_STAMP = "study-kit.sha256"
"""The digest of the kit's inputs when it was last written, kept with the doctrees (not published)."""
OFFERS_JOB, OFFERS_ERRORS = "offers-and-kit.json", "offers-and-kit.err"
"""The background process's job (:func:`write_offers_and_kit`) and what it printed, beside the doctrees."""
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


def offered_notebook(source: Path, cache_path: Path) -> str:
    """The text of the notebook a page offers: the notebook myst-nb wrote (``source``), with the outputs the
    execution cache holds for its code, as ``nbformat.write`` writes it.

    The cache's outputs, even when myst-nb wrote some: a page myst-nb executed itself (one that failed
    beside the others and ran again as it was read, ``sphinx_parallel``) is written without the outputs
    that glue values, and would be offered unlike every other page.
    """
    import nbformat  # here, not above: the background process hides a grammar from it first (see main)

    notebook = with_cached_outputs(nbformat.read(source, as_version=4), cache_path)
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def kit_inputs(srcdir: Path, outdir: Path, glued: Path, fingerprint: str) -> str:
    """A digest of what the study kit is made from: the book's inputs (``fingerprint``), its root files, every
    file of the package and of the downloads its wheel carries, every page's source, every notebook as the
    HTML book offers it (``_sources/*.ipynb``), and the glued values."""
    from comment_study.book.toc import book_files  # what the wheel carries for the appendices

    pages = [str(toc.source(srcdir, page.file).relative_to(srcdir)) for page in toc.pages(srcdir)]
    names = dict.fromkeys([*KIT_ROOT_FILES, *(str(p) for p in book_files(srcdir)), *pages])
    files = [srcdir / name for name in names if (srcdir / name).is_file()]
    files += sorted(p for p in inputs.PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted(p for p in (srcdir / sphinx_downloads.FOLDER).rglob("*") if p.is_file())
    files += sorted(p for p in (outdir / "_sources").rglob("*.ipynb") if p.is_file())  # not Sphinx's copies
    files += sorted(glued.rglob("*.glue.json"))
    digest = hashlib.sha256(fingerprint.encode())
    for file in files:
        digest.update(str(file).encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def write_offers_and_kit(job: dict, pages: Iterable[tuple[str, str]]) -> None:
    """Write the offered notebook of each ``(page, executed notebook)`` of ``pages`` as it comes, then the study
    kit if ``job["kit"]`` asks for it and its inputs have changed since the digest stored beside the doctrees."""
    outdir, cache_path = Path(job["outdir"]), Path(job["cache"])
    for pagename, source in pages:
        sphinx_downloads.write_if_changed(outdir / "_sources" / f"{pagename}.ipynb",
                                          offered_notebook(Path(source), cache_path).encode("utf-8"))
    kit_job = job.get("kit")
    if not kit_job:
        return
    srcdir, glued, stamp = Path(job["srcdir"]), Path(kit_job["glued"]), Path(kit_job["stamp"])
    current = kit_inputs(srcdir, outdir, glued, kit_job["fingerprint"])
    target = outdir / sphinx_downloads.FOLDER / sphinx_downloads.KIT_NAME
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == current:
        return  # made from these very inputs
    from comment_study.book import study_kit as kit  # here: it imports the corpus, and pandas with it

    kit.build(srcdir, outdir, glued)
    stamp.write_text(current + "\n")


class _Offering:
    """The background process (:func:`main`), sent each page's executed notebook as Sphinx reads the page."""

    def __init__(self, app: Sphinx) -> None:
        srcdir, folder = Path(app.srcdir), Path(app.doctreedir)
        nb_config = getattr(app.env, "mystnb_config")
        self.job = {"srcdir": str(srcdir), "outdir": str(app.outdir), "cache": str(Path(nb_config.execution_cache_path)),
                    "kit": app.config.comment_study_kit_page in app.env.found_docs and {
                        "glued": str(Path(nb_config.output_folder)), "stamp": str(folder / KIT_STAMP),
                        "fingerprint": getattr(app, "comment_study_fingerprint", None) or inputs.fingerprint(srcdir)}}
        self.sent: set[str] = set()
        self.process: subprocess.Popen | None = None
        self._owner = os.getpid()

    def start(self, app: Sphinx) -> None:
        folder = Path(app.doctreedir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / OFFERS_JOB).write_text(json.dumps(self.job, indent=1), encoding="utf-8")
        self._errors = folder / OFFERS_ERRORS
        with open(self._errors, "w", encoding="utf-8") as errors:
            self.process = subprocess.Popen([sys.executable, "-m", __name__, str(folder / OFFERS_JOB)], text=True,
                                            stdin=subprocess.PIPE, stderr=errors, cwd=app.srcdir)

    def send(self, pagename: str, source: Path) -> None:
        if self.process is None or os.getpid() != self._owner or pagename in self.sent:
            return  # (a reader process of a parallel build leaves the page for env-updated)
        self.sent.add(pagename)
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps([pagename, str(source)]) + "\n")
        self.process.stdin.flush()

    def finish(self, exception: Exception | None) -> None:
        if self.process is None:
            if exception is None and self.job["kit"]:
                write_offers_and_kit(self.job, [])  # no notebook to write: the kit is checked here
            return
        assert self.process.stdin is not None
        if not self.process.stdin.closed:
            self.process.stdin.close()
        if exception is not None:
            self.process.kill()
        if self.process.wait() != 0 and exception is None:
            error = self._errors.read_text(encoding="utf-8").strip()
            raise ExtensionError(f"writing the offered notebooks and the study kit failed:\n{error}")


def _start_offering(app: Sphinx, env, docnames: list[str]) -> None:
    """Before Sphinx reads the pages (and after they have run): start the background process if pages will be read."""
    app.comment_study_offering = None  # type: ignore[attr-defined]
    if app.builder.format != "html":
        return
    app.comment_study_offering = offering = _Offering(app)  # type: ignore[attr-defined]
    app.comment_study_read = set(docnames)  # type: ignore[attr-defined]
    if docnames:
        offering.start(app)


def _read(app: Sphinx, doctree) -> None:
    offering = getattr(app, "comment_study_offering", None)
    if offering is not None and (source := executed_notebook(app, app.env.docname)) is not None:
        offering.send(app.env.docname, source)


def _all_read(app: Sphinx, env) -> None:
    """Every page is read: send the pages not sent yet (a notebook missing from ``_sources``, say); that is all."""
    offering = getattr(app, "comment_study_offering", None)
    if offering is None:
        return
    outdir, read = Path(app.outdir), getattr(app, "comment_study_read", set())
    rest = [(name, path) for name in sorted(env.found_docs) if name not in offering.sent
            and (path := executed_notebook(app, name)) is not None
            and (name in read or not (outdir / "_sources" / f"{name}.ipynb").is_file())]
    if rest and offering.process is None:
        offering.start(app)
    for name, path in rest:
        offering.send(name, path)
    if offering.process is not None:
        assert offering.process.stdin is not None
        offering.process.stdin.close()


def _offer(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and executed_notebook(app, pagename) is not None:
        context["ipynb_source"] = f"{pagename}.ipynb"  # read by the theme's download menu (the file: see above)


def _finish(app: Sphinx, exception: Exception | None) -> None:
    offering = getattr(app, "comment_study_offering", None)
    app.comment_study_offering = None  # type: ignore[attr-defined]
    if offering is not None:
        offering.finish(exception)


def main(argv: list[str] | None = None) -> int:
    """The background process, ``python -m comment_study.book.sphinx_notebooks JOB.json``: write the offered
    notebook of each page named on stdin (a JSON line ``[page, executed notebook]``), then the kit."""
    from comment_study.book import jb

    jb.hide_unused_grammars()
    (job,) = sys.argv[1:] if argv is None else argv
    write_offers_and_kit(json.loads(Path(job).read_text(encoding="utf-8")), (json.loads(line) for line in sys.stdin))
    return 0


def setup(app: Sphinx) -> dict:
    roles.mark_book_build()  # a code cell's Markdown keeps its MyST roles only in the book (roles.markdown)
    app.add_config_value("comment_study_kit_page", "chapters/instructors", "env")
    app.connect("env-before-read-docs", _start_offering, priority=950)  # after the pages have run (sphinx_parallel)
    app.connect("doctree-read", _read)
    app.connect("env-updated", _all_read)
    app.connect("build-finished", _finish)
    # before sphinx-book-theme builds its header buttons (priority 501)
    app.connect("html-page-context", _offer, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
