"""A Sphinx extension that executes the book's notebook pages in parallel, before Sphinx reads them.

Jupyter Book 1.x reads pages one after another, and myst-nb executes each notebook page when
it reads it: with two cores, one waits while the other starts a kernel, imports the study and
runs a page. This extension runs first. When Sphinx has decided which pages to read
(``env-before-read-docs``), it reads each notebook page exactly as myst-nb will (myst-nb's own
reader), skips those whose outputs the execution cache already holds, and executes the rest
``comment_study_execution_jobs`` at a time (default: one more than the cores, see :func:`jobs`), each in its own kernel,
with jupyter-cache's own executor function and the book's timeout and ``allow_errors``. Each
executed notebook is stored in the cache as myst-nb stores it; myst-nb then reads every page
from the cache. A page that fails is not stored: myst-nb executes it once more as it reads it
and reports the error with its traceback, so a failing cell still fails the strict build with
the usual message.

Each kernel is forked from a zygote that has already imported the study and its libraries
(:mod:`comment_study.book.kernels`), so no page pays again for starting Python and importing
pandas, SciPy, Matplotlib and the package: about 2.5 s of processor time a page. The zygote is
started when the configuration is read if every page will run (a clean build, or changed
inputs), so that its imports overlap Sphinx's start (on a clean build ``comment_study.book.jb``
has already started it, before Jupyter Book imports, and this extension takes it); otherwise
only when two or more pages must run; it ends when execution ends. ``comment_study_fork_kernels = False`` runs each page in a
kernel started fresh instead (the tests build the book both ways and compare every output).

``execute_notebooks: force`` means "execute every page again"; the extension gives it that
meaning in parallel too: it empties the execution cache and lets the cache mode execute every
page (the cache was empty, so none is reused).
"""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.util import logging

from comment_study.book import bench, kernels

logger = logging.getLogger(__name__)


def _force_as_fresh_cache(app: Sphinx, config) -> None:
    """``force``: empty the execution cache and execute through it, so every page runs, in parallel."""
    if config.nb_execution_mode != "force":
        return
    cache = Path(app.outdir).parent / ".jupyter_cache"
    if config.nb_execution_cache_path:
        cache = Path(app.srcdir, config.nb_execution_cache_path)
    if cache.exists():
        shutil.rmtree(cache)
    config.nb_execution_mode = "cache"


def _pending(app: Sphinx, env, docnames: list[str]) -> list[tuple[str, Path, object, object]]:
    """The notebook pages among ``docnames`` that the cache cannot serve: (docname, path, notebook, reader)."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    nb_config = env.mystnb_config
    if nb_config.execution_mode != "cache" or nb_config.kernel_rgx_aliases:
        return []
    cache = get_cache(nb_config.execution_cache_path)
    pending = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        content = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), env.myst_config, nb_config, content)
        if reader is None:
            continue
        notebook = reader.read(content)
        if nb_config.metadata_key in notebook.metadata:
            continue  # page-level execution settings: leave the page to myst-nb
        if any(PurePosixPath(path.as_posix()).match(p) for p in nb_config.execution_excludepatterns):
            continue
        try:
            cache.match_cache_notebook(notebook)
            continue  # already cached
        except KeyError:
            pending.append((docname, path, notebook, reader))
    return pending


SHARED_PLAN = "plan.results("
"""What a page's code calls to evaluate the book's analysis plan. The first page to call it in a build computes
the plan (some 4 s) while any other page that calls it waits (``comment_study.corpus.inputs.cached``)."""


def _evaluates_the_plan(notebook) -> bool:
    return any(SHARED_PLAN in cell.source for cell in notebook.cells if cell.cell_type == "code")


def schedule(pending: list, timed: dict[str, float]) -> list:
    """The order in which to run ``pending`` pages: longest first, as ``bench.json`` last timed them (else the
    largest first), so that no long page starts last; but the second page is one that does not evaluate the
    plan, if the first does, so that the second core works while the first page computes the plan."""
    order = sorted(pending, key=lambda item: (timed.get(item[0], 0.0), item[1].stat().st_size), reverse=True)
    if len(order) > 2 and _evaluates_the_plan(order[0][2]) and _evaluates_the_plan(order[1][2]):
        free = next((item for item in order[2:] if not _evaluates_the_plan(item[2])), None)
        if free is not None:
            order.remove(free)
            order.insert(1, free)
    return order


def _execute(item, timeout, allow_errors, zygote):
    docname, path, notebook, reader = item
    try:
        result = kernels.execute(notebook, str(path.parent), timeout, allow_errors, zygote)
    except Exception as err:  # a kernel that died, say: myst-nb runs the page again and reports it
        return item, err
    return item, (result.err or result)


def jobs(config) -> int:
    """How many pages run at once: ``comment_study_execution_jobs``, else one more than the machine's cores.

    A page's kernel spends about 0.3 s waiting as it starts and ends (jupyter_client waits 0.2 s for
    late start-up messages, and polls for the kernel's exit): with one kernel per core, a core would
    idle for that time at every page; the extra kernel's work fills it.
    """
    return config.comment_study_execution_jobs or (os.cpu_count() or 1) + 1


def _start_zygote(app: Sphinx, config) -> None:
    """When every page will run (a clean build, or inputs changed), start the kernel zygote now, so
    that its imports overlap Sphinx's start; otherwise it starts only if two or more pages must run."""
    app.comment_study_zygote = kernels.take_early()  # type: ignore[attr-defined]  (comment_study.book.jb: clean builds)
    if config.comment_study_fork_kernels and jobs(config) > 1 and config.nb_execution_mode in ("cache", "force"):
        cache = Path(app.srcdir, config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
        if getattr(app, "comment_study_stale", False) or not cache.exists():
            if app.comment_study_zygote is None:  # type: ignore[attr-defined]
                app.comment_study_zygote = kernels.Zygote().start()  # type: ignore[attr-defined]
            return
    _stop_zygote(app)  # started early, but no page will run in it


def _stop_zygote(app: Sphinx, *args) -> None:
    zygote = getattr(app, "comment_study_zygote", None)
    if zygote is not None:
        if zygote.failed:
            logger.info(f"[comment_study] the kernel zygote could not fork ({zygote.failed}); pages ran in fresh kernels")
        zygote.stop()
        app.comment_study_zygote = None  # type: ignore[attr-defined]


def _execute_in_parallel(app: Sphinx, env, docnames: list[str]) -> None:
    pending = _pending(app, env, docnames)
    at_once = jobs(app.config)
    if len(pending) < 2 or at_once < 2:  # one page (or one at a time): a fresh kernel costs what a zygote would
        _stop_zygote(app)
        if not pending:
            return
    zygote = getattr(app, "comment_study_zygote", None)
    if zygote is None and app.config.comment_study_fork_kernels and len(pending) > 1 and at_once > 1:
        zygote = app.comment_study_zygote = kernels.Zygote().start()  # type: ignore[attr-defined]
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    nb_config = env.mystnb_config
    cache = get_cache(nb_config.execution_cache_path)
    pages = f"{len(pending)} notebook page" + ("s" if len(pending) > 1 else "")
    logger.info(f"[comment_study] executing {pages}, {min(at_once, len(pending))} at a time")
    start = time.perf_counter()
    pending = schedule(pending, bench.page_times(Path(app.srcdir)))
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        futures = [pool.submit(_execute, item, nb_config.execution_timeout, nb_config.execution_allow_errors, zygote)
                   for item in pending]
        for future in futures:
            (docname, path, notebook, reader), result = future.result()
            if isinstance(result, BaseException):
                logger.info(f"[comment_study] {docname} failed ({type(result).__name__}); it runs again as it is read, "
                            "to report the error")
                continue
            record = cache.add_nb_to_project(str(path), read_data=reader.read_fmt)
            cache.cache_notebook_bundle(CacheBundleIn(result.nb, record.uri, data={"execution_seconds": result.time}),
                                        check_validity=False, overwrite=True)
    kind = "forked" if zygote is not None and not zygote.failed else "fresh"
    _stop_zygote(app)
    logger.info(f"[comment_study] executed {pages} in {time.perf_counter() - start:.1f} s, in {kind} kernels")


def setup(app: Sphinx) -> dict:
    app.add_config_value("comment_study_execution_jobs", 0, "env", [int])
    # Kernels forked from a process that has imported the study (comment_study.book.kernels); False: fresh kernels.
    app.add_config_value("comment_study_fork_kernels", True, "", [bool])
    app.connect("config-inited", _force_as_fresh_cache, priority=400)
    app.connect("config-inited", _start_zygote, priority=800)  # after sphinx_fresh has decided whether inputs changed
    app.connect("build-finished", _stop_zygote)
    # After the other env-before-read-docs handlers (the downloads a page reads are written there).
    app.connect("env-before-read-docs", _execute_in_parallel, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
