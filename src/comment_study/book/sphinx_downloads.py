"""A Sphinx extension that writes the book's REFI-QDA downloads before any page is read.

The codebook chapter links ``downloads/codebook.qdc``, ``downloads/codebook.csv`` (the
codebook for Taguette, which does not read a ``.qdc``) and ``downloads/comment-study.qdpx``
with the ``{download}`` role. Sphinx checks such files while it reads the page (a missing
one is a warning, so an error under ``-W``), so they are written at ``env-before-read-docs``,
from the same data and code as the pages, into the gitignored ``downloads/`` folder of the
source tree. A file is rewritten only when its bytes change, so an unchanged rebuild reads
no page again; and when the freshness extension finds data and code as they were at the last
successful build and both files are there, they are not computed again at all (a no-change
rebuild then takes seconds). The freshness extension (:mod:`comment_study.book.sphinx_fresh`) already re-reads
every page when ``data/`` or the package changes, which is exactly when the files change.

The files are written only when the page that links them is part of the book: a book built
over another corpus without that page (the tests' fixture book) needs no coded study. When
the page is there, a codebook or coding sheet that does not fit stops the build with the
error naming the file and line.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

FOLDER = "downloads"
CODEBOOK_FILE = "codebook.qdc"
CODEBOOK_CSV_FILE = "codebook.csv"
PROJECT_FILE = "comment-study.qdpx"
KIT_NAME = "study-kit.zip"
"""The study kit's file name in the built HTML book's :data:`FOLDER` (:mod:`comment_study.book.study_kit` writes it)."""
LINKING_PAGE = "chapters/codebook"


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` to ``path`` unless it already holds exactly that; report whether it wrote."""
    if path.is_file() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    return True


def write_downloads(root: Path) -> dict[str, bool]:
    """Export the codebook (``.qdc`` and CSV) and the project into ``root/downloads``; which files changed."""
    from comment_study.exchange import refi
    from comment_study.study import load_study

    study = load_study(root)
    folder = root / FOLDER
    return {
        CODEBOOK_FILE: write_if_changed(folder / CODEBOOK_FILE, refi.codebook_xml(study.book)),
        CODEBOOK_CSV_FILE: write_if_changed(folder / CODEBOOK_CSV_FILE, refi.codebook_csv(study.book)),
        PROJECT_FILE: write_if_changed(folder / PROJECT_FILE, refi.qdpx_bytes(study)),
    }


def _before_read(app: Sphinx, env, docnames: list[str]) -> None:
    if app.config.comment_study_downloads_page not in env.found_docs:
        return
    folder = Path(app.srcdir) / FOLDER
    fresh = not getattr(app, "comment_study_stale", True)  # set by sphinx_fresh: data and code as last built
    if fresh and all((folder / name).is_file() for name in (CODEBOOK_FILE, PROJECT_FILE)):
        return  # the files were written from these very inputs: no need to load the study again
    changed = write_downloads(Path(app.srcdir))
    for name, wrote in changed.items():
        if wrote:
            logger.info(f"[comment_study] wrote {FOLDER}/{name}")


def setup(app: Sphinx) -> dict:
    app.add_config_value("comment_study_downloads_page", LINKING_PAGE, "env")
    app.connect("env-before-read-docs", _before_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
