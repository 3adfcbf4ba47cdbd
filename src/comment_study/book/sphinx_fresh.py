"""A Sphinx extension that keeps cached notebook outputs fresh when data or code change.

jupyter-cache keys a notebook on its code cells only: edit ``data/coding/primary.csv``
or a function in this package and the cached outputs would be reused, stale. This
extension fingerprints every file under ``data/``, every source file of this package, the
few files at the book's root that cells read (``ROOT_INPUTS``), and the Python and package
versions installed (:func:`comment_study.corpus.inputs.signature`). When the fingerprint differs
from the one stored with the cache, it empties the cache and marks every notebook page as
outdated, so the next build re-executes them. The new fingerprint is stored only after a
successful build.

It also exports ``COMMENT_STUDY_ROOT`` so that kernels find the book's data wherever
they run (the tests build temporary copies of the book).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from comment_study.corpus import inputs
from comment_study.corpus.inputs import PACKAGE, ROOT_INPUTS, input_files  # noqa: F401  (what the fingerprint covers)
from comment_study.corpus.inputs import ROOT_VARIABLE, signature  # not through files or environment: no pandas here

logger = logging.getLogger(__name__)
FINGERPRINT = "inputs.sha256"


def fingerprint(srcdir: Path) -> str:
    """A digest of the names and contents of every input file, and of the installed software
    (:func:`comment_study.corpus.inputs.fingerprint`: the key of the cached shared results too)."""
    return inputs.fingerprint(srcdir, signature())


def _cache_dir(app: Sphinx) -> Path:
    return Path(app.srcdir, app.config.nb_execution_cache_path or "_build/.jupyter_cache")


def _check_inputs(app: Sphinx, config) -> None:
    os.environ[ROOT_VARIABLE] = str(Path(app.srcdir).resolve())
    current = fingerprint(Path(app.srcdir))
    app.comment_study_fingerprint = current  # type: ignore[attr-defined]
    cache = _cache_dir(app)
    stored = cache / FINGERPRINT
    previous = stored.read_text().strip() if stored.is_file() else None
    app.comment_study_stale = previous != current  # type: ignore[attr-defined]
    if app.comment_study_stale and cache.exists():  # type: ignore[attr-defined]
        logger.info("[comment_study] data or package code changed: clearing the execution cache")
        shutil.rmtree(cache)


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    if not getattr(app, "comment_study_stale", False):
        return []
    return sorted(d for d in env.found_docs if d not in added and d not in removed)


def _store(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or getattr(app, "statuscode", 0):
        return
    cache = _cache_dir(app)
    if cache.is_dir():
        (cache / FINGERPRINT).write_text(app.comment_study_fingerprint + "\n")  # type: ignore[attr-defined]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _check_inputs)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _store)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
