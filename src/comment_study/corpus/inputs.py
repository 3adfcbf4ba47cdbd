"""What the book's results are computed from, fingerprinted; and results kept on disk per fingerprint.

The **fingerprint** of a book folder is a digest of every file under ``data/``, every source file
of this package, the few files at the book's root that chapters read (:data:`ROOT_INPUTS`), and
the Python and package versions installed (:func:`signature`). The freshness extension
(:mod:`comment_study.book.sphinx_fresh`) empties the execution cache when it changes.

:func:`cached` keeps a result computed from those inputs (the corpus with its reposts and replies,
the loaded study, the evaluated analysis plan, the final round's agreement) in
``_build/.comment_study_cache/`` under the fingerprint, so that the pages of one build, each in
its own kernel, compute it once. The fingerprint is computed afresh on every call
(a few hundredths of a second): a changed data file, package file or installed version gives
another key, so a stale result is never served. A result is stored only if the inputs did not
change while it was computed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata as metadata
import os
import pickle
import re
import sys
from pathlib import Path
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parents[1]
"""The whole comment_study package, every layer."""
ROOT_INPUTS = ("bench.json", "requirements.in", "requirements.txt")
"""Files at the book's root that chapters read (build times, the environment's pins)."""
ROOT_VARIABLE = "COMMENT_STUDY_ROOT"
"""The environment variable that names the book's folder (:func:`comment_study.corpus.files.project_root`)."""
CACHE_FOLDER = Path("_build/.comment_study_cache")
"""Where :func:`cached` keeps results, inside the book folder (``make clean`` removes it)."""


def canonical(name: str) -> str:
    """A package name as the packaging standards compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def signature() -> str:
    """A digest of the Python version and every installed distribution with its version (once per process)."""
    dists = sorted({f"{canonical(d.metadata['Name'] or '')}=={d.version}" for d in metadata.distributions()})
    return hashlib.sha256("\n".join([sys.version, *dists]).encode()).hexdigest()


def input_files(root: Path) -> list[Path]:
    """The files whose change must re-execute the notebooks: data, package source, root inputs."""
    data = [p for p in (root / "data").rglob("*") if p.is_file()]
    code = [p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]
    top = [root / name for name in ROOT_INPUTS if (root / name).is_file()]
    return sorted(data) + sorted(code) + top


def fingerprint(root: Path, software: str | None = None) -> str:
    """A digest of the names and contents of every input file, and of the installed software."""
    digest = hashlib.sha256((signature() if software is None else software).encode())
    for file in input_files(root):
        name = file.relative_to(root) if file.is_relative_to(root) else file.relative_to(PACKAGE.parent)
        digest.update(str(name).encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def frame_digest(frame) -> str:
    """A digest of a table's (a pandas DataFrame's) column names, index and values, in order: part of a key of :func:`cached`."""
    import pandas as pd

    digest = hashlib.sha256("\0".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def cache_folder(root: Path) -> Path | None:
    """The folder of cached results of the book at ``root``; None where none can be kept (no book folder)."""
    if not (root / "_config.yml").is_file():
        return None  # the data the study kit's package carries, say: nothing is written into an installed package
    folder = root / CACHE_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


@contextlib.contextmanager
def _locked(folder: Path, name: str) -> Iterator[None]:
    """Hold ``name``'s lock, so that kernels started together compute a result once, not side by side."""
    try:
        import fcntl
    except ImportError:  # no POSIX locks: at worst two processes compute the same result
        yield
        return
    with open(folder / f"{name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _store(file: Path, value: object) -> None:
    """Write ``value`` to ``file`` atomically and remove the results of other inputs under the same name."""
    name = file.name.rsplit("-", 1)[0]
    for old in file.parent.glob(f"{name}-*.pickle"):
        old.unlink(missing_ok=True)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    tmp.replace(file)


def cached(root: Path, name: str, compute: Callable[[], T], extra: str = "") -> T:
    """``compute()``, or the result it gave for the same inputs of the book at ``root`` (and the same ``extra``)."""
    root = Path(root).resolve()
    folder = cache_folder(root)
    if folder is None:
        return compute()
    before = fingerprint(root)
    key = hashlib.sha256(before.encode() + b"\0" + extra.encode()).hexdigest()[:32]
    file = folder / f"{name}-{key}.pickle"
    with _locked(folder, name):
        if file.is_file():
            return pickle.loads(file.read_bytes())
        value = compute()
        if fingerprint(root) == before:  # an input changed while computing: return the value, keep nothing
            _store(file, value)
    return value
