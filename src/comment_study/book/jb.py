"""``jupyter-book``, started without importing a URL-syntax checker that no part of the build uses.

jsonschema, which Jupyter Book imports to check ``_config.yml`` (and nbformat to check notebooks),
imports the optional ``rfc3987_syntax`` when it is installed (JupyterLab's dependencies install it):
it compiles some forty grammars at import, about 1.3 s of CPU in every build, a third of a
no-change rebuild. It serves only jsonschema's ``iri`` format checks, which are made only when a
format checker is asked for; neither Jupyter Book nor nbformat asks. This door hides the module
from the build's process (jsonschema then leaves those two checks out) and runs Jupyter Book's own
command line: ``python -m comment_study.book.jb build BOOK ...`` is ``jupyter-book build BOOK ...``.
"""

from __future__ import annotations

import sys
from pathlib import Path

STRICT = ("-W", "-n", "--keep-going")
"""The book's strict build flags: warnings are errors, references are checked, every error is listed."""


def command(book: Path | str, *flags: str) -> list[str]:
    """The command line that builds ``book`` with ``flags`` (e.g. :data:`STRICT`) in this Python."""
    return [sys.executable, "-m", "comment_study.book.jb", "build", str(book), *flags]


def hide_unused_grammars() -> None:
    """Make an import of ``rfc3987_syntax`` in this process fail, as if it were not installed (see above)."""
    sys.modules.setdefault("rfc3987_syntax", None)


PARALLEL = "comment_study.book.sphinx_parallel"
"""The extension that runs the pages in kernels forked from the zygote (and takes the one started early)."""


def _clean_build(argv: list[str]) -> Path | None:
    """The book ``argv`` builds, if it is ``build BOOK ...``, the book runs its pages with :data:`PARALLEL`,
    it has no execution cache yet, and two pages or more have code (a single page runs in a fresh kernel)."""
    if len(argv) < 2 or argv[0] != "build" or argv[1].startswith("-"):
        return None
    book = Path(argv[1]).resolve()
    if not (book / "_config.yml").is_file() or (book / "_build" / ".jupyter_cache").exists():
        return None
    import yaml

    try:
        config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8")) or {}
        extensions = (config.get("sphinx") or {}).get("extra_extensions") or []
    except (yaml.YAMLError, AttributeError, UnicodeDecodeError):
        return None  # Jupyter Book reports a broken configuration itself
    return book if PARALLEL in extensions and _pages_with_code(book) >= 2 else None


def _pages_with_code(book: Path) -> int:
    """How many pages of ``book``'s table of contents have code cells (0 if it cannot be read: the build says why)."""
    import json

    from comment_study.book import toc

    def files(entry) -> list[str]:  # every page the table of contents names, at any depth (parts, chapters, sections)
        if isinstance(entry, list):
            return [f for item in entry for f in files(item)]
        if isinstance(entry, dict):
            return [entry[k] for k in ("root", "file") if isinstance(entry.get(k), str)] + \
                [f for k, v in entry.items() if k not in ("root", "file") for f in files(v)]
        return []

    count = 0
    try:
        for file in files(toc.read(book)):
            source = toc.source(book, file)
            text = source.read_text(encoding="utf-8")
            if source.suffix == ".ipynb":
                count += any(cell.get("cell_type") == "code" for cell in json.loads(text).get("cells", []))
            else:
                count += "{code-cell}" in text
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 0
    return count


def main(argv: list[str] | None = None) -> None:
    """Run ``jupyter-book`` with ``argv`` (by default the process's arguments).

    On a clean build every page will run, so the kernel zygote (:mod:`comment_study.book.kernels`)
    starts first when two pages or more have code, to import the study's libraries while Jupyter
    Book and Sphinx import and read the configuration; ``comment_study.book.sphinx_parallel`` takes
    it, or stops it if the build runs no page in it.
    """
    argv = sys.argv[1:] if argv is None else argv
    book = _clean_build(argv)
    if book is not None:
        import os

        from comment_study.book import kernels
        from comment_study.corpus.inputs import ROOT_VARIABLE

        kernels.start_early(book, {**os.environ, ROOT_VARIABLE: str(book)})  # as sphinx_fresh sets it
    hide_unused_grammars()
    from jupyter_book.cli.main import main as jupyter_book

    jupyter_book(args=argv, prog_name="jupyter-book")


if __name__ == "__main__":
    main()
