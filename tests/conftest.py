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
    config["sphinx"]["config"]["suppress_warnings"] = ["ref.term", "ref.doc", "ref.numref"]
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return book


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


def disclosure_runs(table) -> set[str]:
    """Eight-word runs of the disclosures that no quotable comment shares: a quote of one is evidence.

    A stock phrase that a quotable comment also uses ("thank you NYT for bringing this to the")
    is no evidence that a disclosure was quoted, so it is left out.
    """
    from comment_study.corpus import files as data
    from comment_study.study import quotes

    table = table.set_index("comment_id") if "comment_id" in table.columns else table
    protected = set(data.disclosures(ROOT)["comment_id"])
    runs = set().union(*(quotes.word_runs(table.loc[cid, "text"]) for cid in protected))
    return runs - set().union(*(quotes.word_runs(text) for cid, text in table["text"].items() if cid not in protected))


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
