"""Where the study's files are, and the one call that loads the study corpus.

Chapters, tests and the command line all load the comments through :func:`comments`,
so a change to the raw export or to the rules shows everywhere at once.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pandas as pd

from comment_study.corpus import deidentify, export as corpus, inputs, regions, threads

RAW_COMMENTS = Path("data/raw/nyt-comments-2019-09-28.deidentified.txt")
"""The de-identified export (see :mod:`comment_study.corpus.deidentify`): what the book reads and ships."""

ORIGINAL_COMMENTS = Path("data/raw/nyt-comments-2019-09-28.txt")
"""The original export as the study received it; no longer in the repository (see data/README.md)."""

ORIGINAL_NAME = "000_0713500ce1097ff3.txt"
"""The original export's name among the project's seed documents."""

ORIGINAL_VARIABLE = "COMMENT_STUDY_ORIGINAL"
RAW_ARTICLE = Path("data/raw/nyt-article-excerpt-2019-09-28.txt")
LOCATIONS = Path("data/locations.csv")
REPLY_CHECKS = Path("data/reply_checks.csv")
DISCLOSURES = Path("data/disclosures.csv")

ROOT_VARIABLE = inputs.ROOT_VARIABLE

PACKAGED_DATA = "_data"
"""The folder inside the installed package that holds a copy of ``data/`` (``_data/data/...``).

Only the study kit's wheel has it (:mod:`comment_study.book.study_kit` writes it, with the
de-identified export only); a package installed from the repository reads the book's folder.
"""


def packaged_root() -> Path | None:
    """The installed package's copy of the study's data, as a book root, or None when it carries none."""
    from importlib.resources import files as package_files

    folder = package_files("comment_study") / PACKAGED_DATA
    if (folder / "data").is_dir():
        return Path(str(folder)).resolve()
    return None


def is_packaged(root: Path) -> bool:
    """Whether ``root`` is the copy of the data that the study kit's package carries (not a book's folder)."""
    return root.name == PACKAGED_DATA and root.parent.name == "comment_study"


def project_root(start: Path | None = None) -> Path:
    """The book's root: ``$COMMENT_STUDY_ROOT``, the nearest folder up with ``_config.yml`` and ``data/``,
    or else the data the installed package carries (the study kit's student notebooks run so)."""
    if os.environ.get(ROOT_VARIABLE):
        return Path(os.environ[ROOT_VARIABLE]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_config.yml").is_file() and (folder / "data").is_dir():
            return folder
    packaged = packaged_root()
    if packaged is not None:
        return packaged
    raise FileNotFoundError(
        f"no book root (a folder with _config.yml and data/) at or above {here}; "
        f"run from inside the book or set {ROOT_VARIABLE}, or install the study kit's package, which carries the data"
    )


def original_export(root: Path | None = None) -> Path | None:
    """The original export, if this machine has it: ``$COMMENT_STUDY_ORIGINAL``, or the seed documents beside the repository.

    Looked for, in order: the variable; ``shared/seeds/`` beside the book's folder (as CI
    checks the repository out: ``../shared/seeds/``) or beside its parent (a worktree in a
    folder of worktrees). None when it is nowhere: a reader with only the repository has the
    de-identified export and the checksum of the original.
    """
    if os.environ.get(ORIGINAL_VARIABLE):  # where the original is, or (a path with no file) that there is none
        named = Path(os.environ[ORIGINAL_VARIABLE]).resolve()
        return named if named.is_file() else None
    root = root or project_root()
    for folder in (root.parent / "shared" / "seeds", root.parent.parent / "shared" / "seeds"):
        if (folder / ORIGINAL_NAME).is_file():
            return (folder / ORIGINAL_NAME).resolve()
    return None


def fingerprint(root: Path, relatives) -> str:
    """SHA-256 over the contents of several study files: changes when any of them does."""
    digest = hashlib.sha256()
    for relative in relatives:
        digest.update(str(relative).encode() + b"\0" + path(relative, root).read_bytes() + b"\0")
    return digest.hexdigest()


def path(relative: Path | str, root: Path | None = None) -> Path:
    """Absolute path of a study file given relative to the book root."""
    return (root or project_root()) / relative


def sha256(file: Path | str) -> str:
    """SHA-256 hex digest of a file, to check the raw sources against data/README.md."""
    return hashlib.sha256(Path(file).read_bytes()).hexdigest()


CHECKSUM_ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|\s*`(?P<digest>[0-9a-f]{64})`\s*\|", re.MULTILINE)


def stated_checksums(root: Path | None = None) -> dict[str, str]:
    """The SHA-256 that data/README.md states for each source file, by path from the book root."""
    readme = path("data/README.md", root or project_root()).read_text(encoding="utf-8")
    stated = {m["file"]: m["digest"] for m in CHECKSUM_ROW.finditer(readme)}
    if not stated:
        raise ValueError(f"{path('data/README.md', root)}: no '| `file` | `sha256` |' rows found")
    return stated


def enrich(table: pd.DataFrame, article_text: str = "", location_table: dict[str, str] | None = None) -> pd.DataFrame:
    """Add regions, reposts and replies to a parsed comment table, and read its withheld texts.

    In the de-identified export a withheld comment's text is its paraphrase, marked as such
    (:func:`comment_study.corpus.deidentify.split_withheld`): ``withheld`` holds the reason
    and ``text`` the paraphrase; for every other comment ``withheld`` is empty.
    """
    out = deidentify.split_withheld(table).join(regions.coarsen(table["location"], location_table))
    out["duplicate_of"] = threads.find_reposts(out)
    return out.join(threads.find_replies(out, article_text, out["duplicate_of"]))


def comments(root: Path | None = None) -> pd.DataFrame:
    """The study corpus: one row per comment with pseudonym, region, reposts and replies.

    The ``author`` and ``location`` columns hold what the export says; they stay in memory
    and are never shown in the book (use :func:`public` before displaying rows).
    """
    root = (root or project_root()).resolve()
    key = (str(root), fingerprint(root, [RAW_COMMENTS, RAW_ARTICLE, LOCATIONS]))
    if key not in _COMMENTS:  # a page asks more than once (itself, and the protected set): read once per process
        def read() -> pd.DataFrame:
            table = corpus.parse_export(path(RAW_COMMENTS, root))
            return enrich(table, article(root), regions.load_location_table(path(LOCATIONS, root)))

        # and once per build: the pages' kernels share the result on disk (the reposts and replies
        # checks take about half a second), under the fingerprint of every input of the book
        _COMMENTS[key] = inputs.cached(root, "comments", read, extra=key[1])
    return _COMMENTS[key].copy()


_COMMENTS: dict[tuple[str, str], pd.DataFrame] = {}
"""The corpus by book root and the fingerprint of the files it is read from (a changed file is read again)."""


def public(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of a comment table that may be shown to readers (no names, no towns)."""
    return table.drop(columns=[c for c in ("author", "location") if c in table.columns])


def article(root: Path | None = None) -> str:
    """The article excerpt as captured."""
    return path(RAW_ARTICLE, root or project_root()).read_text(encoding="utf-8")


def analysable(table: pd.DataFrame) -> pd.Series:
    """Comments that count in rates: not empty and not a repost of an earlier comment."""
    return ~table["is_empty"] & table["duplicate_of"].isna()


def own_words(table: pd.DataFrame) -> pd.Series:
    """Comments whose own words the export holds: not withheld (see :func:`comment_study.corpus.deidentify.split_withheld`)."""
    if "withheld" not in table.columns:
        return pd.Series(True, index=table.index)
    return table["withheld"].fillna("") == ""


def disclosures(root: Path | None = None) -> pd.DataFrame:
    """Comments in which someone discloses their own abuse or attraction: paraphrase, never quote."""
    return pd.read_csv(path(DISCLOSURES, root or project_root()))


def reply_checks(root: Path | None = None) -> pd.DataFrame:
    """The hand check of the reply rules (see data/README.md)."""
    return pd.read_csv(path(REPLY_CHECKS, root or project_root()), dtype={"reply_to": "Int64"})
