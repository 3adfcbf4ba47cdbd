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


def main(argv: list[str] | None = None) -> None:
    """Run ``jupyter-book`` with ``argv`` (by default the process's arguments)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # an import of it now fails, as if it were not installed
    from jupyter_book.cli.main import main as jupyter_book

    jupyter_book(args=sys.argv[1:] if argv is None else argv, prog_name="jupyter-book")


if __name__ == "__main__":
    main()
