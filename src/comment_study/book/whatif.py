"""The what-if build: the whole book from an edited primary coding sheet, for a reviewer who reads comments differently.

:func:`run` copies the book to a temporary folder, puts the edited sheet in the copy's
``data/coding/primary.csv`` (so the book's own ``data/`` is never touched), builds the copy with
broken claims shown as boxes on their pages (``comment_study_claims: mark``) and with cell errors
allowed, so the build never stops, copies the HTML to ``_build/whatif/html``, and reports the
broken claims and the planned comparisons whose verdict changed (:mod:`comment_study.analysis.plan`).
``make whatif SHEET=...`` and ``python -m comment_study whatif SHEET`` call it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from comment_study.analysis import plan
from comment_study.book import jb
from comment_study.book.bench import IGNORED
from comment_study.book.sphinx_claims import REPORT
from comment_study.coding import codebook, sheets
from comment_study.corpus import files
from comment_study.study.model import PRIMARY_SHEET, load_study

OUTPUT = Path("_build/whatif")


@dataclass(frozen=True)
class WhatIf:
    """What a what-if build found: where its HTML is, the broken claims, the changed verdicts, pages with errors."""

    html: Path
    broken_claims: list[dict]
    changed: pd.DataFrame
    pages_with_errors: list[str]
    log: str

    def report(self) -> str:
        """The report printed at the end of ``make whatif``."""
        lines = [f"What-if book: {self.html / 'index.html'}", ""]
        lines.append(f"Broken claims: {len(self.broken_claims)}")
        for claim in self.broken_claims:
            about = f" (comments {', '.join(map(str, claim['comments']))})" if claim["comments"] else ""
            lines.append(f"  {claim['chapter']}: {claim['claim']}{about}")
        lines += ["", f"Planned comparisons whose verdict changed: {len(self.changed)}"]
        for comparison, row in self.changed.iterrows():
            lines.append(f"  {comparison}: {row['verdict_before']} (adjusted p {plan.format_p(row['p_author_adj_before'])})"
                         f" -> {row['verdict_after']} (adjusted p {plan.format_p(row['p_author_adj_after'])})")
        if self.pages_with_errors:
            lines += ["", "Pages with a cell that failed under the edited coding (see the page):"]
            lines += [f"  {page}" for page in self.pages_with_errors]
        return "\n".join(lines)


def _check_sheet(sheet: Path, root: Path) -> None:
    """Stop before building when the edited sheet cannot be a primary coding sheet (file and line named)."""
    if not sheet.is_file():
        raise FileNotFoundError(f"{sheet}: no such coding sheet")
    comments = files.comments(root)
    book = codebook.load(files.path("data/codebook.yml", root), set(comments["comment_id"]))
    sheets.load_sheet(sheet, book, comments, complete=True)


def _whatif_config(book: Path) -> None:
    """Mark broken claims on their pages and let a failing cell show its error instead of stopping the build."""
    path = book / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config.setdefault("execute", {})["allow_errors"] = True
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["comment_study_claims"] = "mark"
    sphinx_config["nb_execution_raise_on_error"] = False
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _pages_with_errors(html: Path) -> list[str]:
    """The built pages that show a cell's error (a what-if build lets a failing cell through)."""
    return sorted(str(page.relative_to(html)) for page in html.rglob("*.html")
                  if 'class="output traceback' in page.read_text(encoding="utf-8", errors="replace"))


def run(sheet: Path | str, root: Path | None = None, output: Path | None = None) -> WhatIf:
    """Build the book at ``root`` from the edited primary sheet into ``output``/html; never touches ``root/data``."""
    root = (root or files.project_root()).resolve()
    sheet = Path(sheet).resolve()
    output = (output or root / OUTPUT).resolve()
    _check_sheet(sheet, root)
    with tempfile.TemporaryDirectory(prefix="whatif-") as folder:
        book = Path(folder) / "book"
        shutil.copytree(root, book, ignore=IGNORED)
        shutil.copyfile(sheet, book / PRIMARY_SHEET)
        _whatif_config(book)
        env = {k: v for k, v in os.environ.items() if k != files.ROOT_VARIABLE}
        built = subprocess.run(jb.command(book, "--keep-going"),
                               capture_output=True, text=True, env=env, cwd=folder)
        html = book / "_build" / "html"
        if not (html / "index.html").is_file():
            raise RuntimeError(f"the what-if build made no book:\n{built.stdout[-4000:]}\n{built.stderr[-4000:]}")
        target = output / "html"
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(html, target)
        edited = load_study(book)
        changed = plan.changed_verdicts(plan.results(load_study(root), root), plan.results(edited, book))
    claims = json.loads((target / REPORT).read_text(encoding="utf-8")) if (target / REPORT).is_file() else []
    return WhatIf(target, claims, changed, _pages_with_errors(target), built.stdout + built.stderr)
