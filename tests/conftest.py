"""Shared fixtures: the real corpus, and strict builds of the book in temporary copies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
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


def build(book: Path) -> subprocess.CompletedProcess:
    """Build a book strictly (warnings are errors); fail the test with the log if it fails."""
    env = {k: v for k, v in os.environ.items() if k != "COMMENT_STUDY_ROOT"}
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, env=env, cwd=book.parent,  # not the book: paths must not depend on it
    )
    if result.returncode != 0:
        pytest.fail(f"book build failed in {book}:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    return result


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


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """The whole book, copied and built from clean with execution forced."""
    book = copy_book(tmp_path_factory.mktemp("book") / "book")
    set_execution(book, "force")
    build(book)
    return book


@pytest.fixture(scope="session")
def pdf_edition(built_book) -> Path:
    """The PDF edition of the session's built book, as `make pdf` prints it (also copied into its HTML)."""
    from comment_study.book import pdf

    return pdf.build(built_book)
