"""The software the book runs on: Python, the packages it asks for, and what is installed.

The environment appendix prints these from the running kernel. :func:`signature` also feeds
``sphinx_fresh``'s fingerprint, so installing a different version of any package re-executes
every page instead of leaving outputs that the old version computed.
"""

from __future__ import annotations

import importlib.metadata as metadata
import platform
import re
from pathlib import Path

import pandas as pd

from comment_study.corpus.inputs import canonical, signature  # noqa: F401  (defined with the fingerprint they feed)

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def requested(requirements_in: Path) -> list[str]:
    """The packages the book asks for directly (``requirements.in``), in file order."""
    names = []
    for line in requirements_in.read_text(encoding="utf-8").splitlines():
        match = NAME.match(line.split("#", 1)[0].strip())
        if match:
            names.append(match.group(1))
    return names


def pins(requirements_txt: Path) -> dict[str, str]:
    """The exact version ``requirements.txt`` pins for each package, by canonical name."""
    found = {}
    for line in requirements_txt.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def installed(name: str) -> str | None:
    """The installed version of a package, or None if it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def packages(root: Path) -> pd.DataFrame:
    """Each directly requested package with its pinned and its installed version."""
    pinned = pins(root / "requirements.txt")
    rows = [{"package": name, "pinned": pinned.get(canonical(name)), "installed": installed(name)}
            for name in requested(root / "requirements.in")]
    table = pd.DataFrame(rows, columns=["package", "pinned", "installed"])
    table["as pinned"] = table["pinned"].notna() & (table["pinned"] == table["installed"])
    return table


def python() -> str:
    """The running Python: implementation and version."""
    return f"{platform.python_implementation()} {platform.python_version()}"
