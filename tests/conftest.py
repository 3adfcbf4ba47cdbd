"""Shared fixtures: the real corpus, and strict builds of the book in temporary copies."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
from comment_study.book import jb  # noqa: E402  (the jupyter-book command)
jb.hide_unused_grammars()  # as in the build: nbformat's schema checks never read that grammar (about 1.5 s per test process)
from comment_study.book.bench import IGNORED  # noqa: E402  (what a copy of the book leaves out)


@pytest.fixture(scope="session", autouse=True)
def _study_root():
    """Unit tests read the real data through the package, from the repository root."""
    os.environ["COMMENT_STUDY_ROOT"] = str(ROOT)
    yield


@pytest.fixture(scope="session")
def comments():
    from comment_study.corpus import files as data

    return data.comments(ROOT)


@pytest.fixture(scope="session")
def original():
    """The original export, parsed and enriched as the de-identified one is; skipped where this machine lacks it.

    The repository ships only the de-identified export (data/README.md); the checks that need
    the display names and places of the original run where it is found
    (``comment_study.corpus.files.original_export``: ../shared/seeds/ beside the repository).
    """
    from comment_study.corpus import export, files as data, regions

    path = data.original_export(ROOT)
    if path is None:
        pytest.skip("the original export is not on this machine (see data/README.md); this check needs it")
    table = export.parse_export(path)
    return data.enrich(table, data.article(ROOT), regions.load_location_table(ROOT / data.LOCATIONS))


def copy_book(destination: Path) -> Path:
    """Copy the book's sources (not the venv, build or git folders) into ``destination``."""
    shutil.copytree(ROOT, destination, ignore=IGNORED)
    return destination


def set_execution(book: Path, mode: str) -> None:
    """Set the execution mode (``force`` or ``cache``) in a copied book's _config.yml."""
    config_path = book / "_config.yml"
    config = yaml.safe_load(config_path.read_text())
    config["execute"]["execute_notebooks"] = mode
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))


def partial_book(book: Path, chapters: list[str], landing: str) -> Path:
    """Cut a copied book down to a plain landing page, ``chapters`` and the references.

    The real landing page glues key findings from the whole study, so a small book gets a plain
    one. Links from the kept pages to the pages left out have no target here; the full book's
    strict build checks those links, so only missing-reference warnings are let through.
    """
    (book / "intro.md").write_text(landing)
    pages = "".join(f"      - file: {page}\n" for page in [*chapters, "chapters/references"])
    (book / "_toc.yml").write_text(
        f"format: jb-book\nroot: intro\nparts:\n  - caption: The study\n    numbered: true\n    chapters:\n{pages}")
    config = yaml.safe_load((book / "_config.yml").read_text())
    config["sphinx"]["config"]["suppress_warnings"] = ["ref.term", "ref.doc", "ref.numref", "ref.ref"]
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return book


def build(book: Path) -> subprocess.CompletedProcess:
    """Build a book strictly (warnings are errors); fail the test with the log if it fails."""
    return finish(start_build(book))


def start_build(book: Path, returncode: Path | None = None) -> subprocess.Popen:
    """Start a strict build of ``book`` in the background, its output logged beside it (see :func:`finish`);
    its exit status is also written to ``returncode`` when it ends, for a process that did not start it."""
    env = {k: v for k, v in os.environ.items() if k != "COMMENT_STUDY_ROOT"}
    command = jb.command(book, *jb.STRICT)
    if returncode is not None:
        command = ["sh", "-c", '"$@"; echo $? > "$0.part" && mv "$0.part" "$0"', str(returncode), *command]
    with open(book.parent / "build.out", "w") as out, open(book.parent / "build.err", "w") as err:
        return subprocess.Popen(
            command, stdout=out, stderr=err, text=True, env=env, start_new_session=True,
            cwd=book.parent,  # not the book: paths must not depend on it
        )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    """Wait for a build; fail the test with the end of its log if it failed."""
    process.wait()
    return _report(Path(process.args[process.args.index("build") + 1]), process.returncode)


def _report(book: Path, returncode: int) -> subprocess.CompletedProcess:
    stdout, stderr = ((book.parent / name).read_text() for name in ("build.out", "build.err"))
    if returncode != 0:
        pytest.fail(f"book build failed in {book}:\n{stdout[-6000:]}\n{stderr[-6000:]}")
    return subprocess.CompletedProcess(["jupyter-book", "build", str(book)], returncode, stdout, stderr)


def leaks(text: str) -> dict[str, int]:
    """What ``text`` holds that identifies a commenter or repeats a protected comment, by kind (see tests/identifiers.py).

    Empty when nothing is found. Kinds: ``name``, ``exact`` and ``address`` (display names),
    ``location`` (places finer than a region), ``run`` (eight words of a protected comment).
    """
    import identifiers

    return {kind: n for kind, n in _identifiers(identifiers).find(text).items() if n}


_LOADED = {}


def _identifiers(module):
    if "list" not in _LOADED:
        _LOADED["list"] = module.load()
    return _LOADED["list"]


def toc_pages(book: Path) -> list[str]:
    """Every page the table of contents lists, as paths without suffix."""
    toc = yaml.safe_load((book / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [chapter["file"] for chapter in part["chapters"]]
    return pages


# --- whole-book builds, shared and started early ----------------------------------------------
#
# A strict build of the whole book takes most of a minute. The tests that read one share one
# build (``built_book``); the determinism test compares it with a second clean build
# (``second_built_book``), with a zygote of its own. (Pages run in fresh kernels, as Jupyter runs
# a notebook, are compared with the forked ones in tests/test_book.py, for a few pages: a whole
# build in fresh kernels costs twice the processor time of a forked one.) Both are copied and
# started in the background as soon as the tests are collected.
#
# `make test` runs the tests in two processes or more (pytest-xdist, ``--dist loadgroup``): each
# module's tests stay together in one process (they share module fixtures), and the tests that
# read a whole built book form two groups, which go first, one to each process, and wait for the
# builds while the builds have the machine; then each process takes modules as it frees up. The
# builds are started once, by whichever process collects first (a lock in the run's shared
# temporary folder), and every process waits for the same builds. A plain ``pytest`` runs the
# same tests in one process, the whole-book groups last, so that the builds run while the unit
# tests do.

WHOLE_BOOKS = {"built_book": "book", "second_built_book": "again"}
_started: dict[str, subprocess.Popen] = {}
"""The builds this process started (it stops them if the run is interrupted)."""

PRINTS = "pdf_edition"
"""The fixture that prints the PDF edition into the built book: its tests run in one process, with the browser's."""


def _needs(item: pytest.Item, fixture: str) -> bool:
    return fixture in getattr(item, "fixturenames", ())


def _group(item: pytest.Item) -> str:
    """The tests that run in the same process: a module's, or one of the two groups that read the whole built book."""
    if _needs(item, PRINTS) or item.path.name == "test_browser.py":
        return "0-whole-book-browser-and-pdf"
    if any(_needs(item, f) for f in WHOLE_BOOKS):
        return "1-whole-book"
    return "2-" + item.path.stem


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(session, config, items):
    """Each module's tests together, in the modules' order, and the two whole-book groups: first when
    several processes share the tests (they wait while the builds have the machine), else last."""
    order = {}
    for item in items:
        group = _group(item)
        order.setdefault(group, len(order))
        item.add_marker(pytest.mark.xdist_group(group))
    whole_first = bool(os.environ.get("PYTEST_XDIST_WORKER"))
    items.sort(key=lambda item: ((_group(item) < "2") != whole_first, _group(item)[0], order[_group(item)]))


def _shared_folder(config) -> Path:
    """The run's temporary folder that every test process sees (pytest-xdist gives each worker one below it)."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def pytest_collection_finish(session):
    """Copy and start the whole-book builds that the selected tests need, once for the whole run."""
    if session.config.option.collectonly:
        return
    needed = [f for f in WHOLE_BOOKS if any(_needs(item, f) for item in session.items)]
    if needed:
        _whole_books(session.config, needed)


def _whole_books(config, fixtures: list[str]) -> dict[str, str]:
    """Where each whole-book build of ``fixtures`` is (started now if no process of this run has started it)."""
    shared = _shared_folder(config)
    with open(shared / "whole-books.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = shared / "whole-books.json"
        books = json.loads(record.read_text()) if record.exists() else {}
        for fixture in fixtures:
            if fixture not in books:
                book = copy_book(Path(tempfile.mkdtemp(prefix=WHOLE_BOOKS[fixture], dir=shared)) / "book")
                set_execution(book, "force")
                _started[fixture] = start_build(book, returncode=book.parent / "build.rc")
                books[fixture] = str(book)
        record.write_text(json.dumps(books))
    return books


def pytest_sessionfinish(session, exitstatus):
    """A run stopped early leaves no build (or kernel) behind; otherwise this process waits for the builds it
    started, which another process may still be reading."""
    stopped = exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop or session.shouldfail
    for process in _started.values():
        if stopped and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _whole_book(fixture: str, config) -> Path:
    book = Path(_whole_books(config, [fixture])[fixture])
    returncode = book.parent / "build.rc"
    deadline = time.monotonic() + 1800
    while not returncode.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"the build of {book} did not end within 30 minutes")
        time.sleep(0.2)
    _report(book, int(returncode.read_text() or 1))
    return book


@pytest.fixture(scope="session")
def built_book(pytestconfig) -> Path:
    """The whole book, copied and built from clean with execution forced."""
    return _whole_book("built_book", pytestconfig)


@pytest.fixture(scope="session")
def second_built_book(pytestconfig) -> Path:
    """Another copy of the whole book, built from clean on its own: for comparing two clean builds."""
    return _whole_book("second_built_book", pytestconfig)


@pytest.fixture(scope="session")
def pdf_edition(built_book) -> Path:
    """The PDF edition of the session's built book, as `make pdf` prints it (also copied into its HTML)."""
    from comment_study.book import pdf

    return pdf.build(built_book)
