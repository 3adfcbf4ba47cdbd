"""The what-if build: an edited coding sheet builds a book, marks the broken claims and lists the changed verdicts."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from comment_study.book import whatif
from comment_study.coding import sheets
from comment_study.study import load_study

ROOT = Path(__file__).resolve().parents[1]

PAGE = '''---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
# A page that cites the plan

```{code-cell} ipython3
:tags: [remove-cell]
from myst_nb import glue
from comment_study.analysis import plan
from comment_study.book.claims import Claims
from comment_study.study import load_study
study = load_study()
results = plan.results(study)
rows = plan.glue_entry(glue, results, "by-reply").set_index("code")
sheet = study.table.set_index("comment_id")
claims = Claims("fixture")
```

Replies blame the companies less often than top-level comments:
{glue:text}`plan.by-reply.blame_tech.words`. Comment CID blames the companies.

```{code-cell} ipython3
:tags: [remove-input]
claims.add("blame on the companies is detectably rarer in replies", rows.loc["blame_tech", "verdict"] == "difference")
claims.add("comment CID blames the companies", lambda: sheet.loc[CID, "blame_tech"] == 1, comments=[CID])
claims.check()
```
'''


def fixture_book(folder: Path, cid: int) -> Path:
    """A one-page book on the real data, with the claims extension, as the what-if build sees the book."""
    book = folder / "book"
    shutil.copytree(ROOT / "data", book / "data")
    (book / "_config.yml").write_text(
        "title: what-if fixture\nonly_build_toc_files: true\nexecute: {execute_notebooks: cache, allow_errors: false}\n"
        "sphinx:\n  extra_extensions: [comment_study.book.sphinx_claims]\n"
        "  config: {nb_execution_raise_on_error: true, nb_render_markdown_format: myst, comment_study_claims: strict}\n",
        encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n", encoding="utf-8")
    (book / "page.md").write_text(PAGE.replace("CID", str(cid)), encoding="utf-8")
    return book


def recoded_sheet(folder: Path, n: int = 40) -> tuple[Path, list[int]]:
    """The primary sheet with blame on the companies taken from ``n`` top-level comments that carry it.

    The comments are outside the reliability sample, so the code's α, and with it the rule that
    allows the test, stays as it was: what changes is the evidence, not the permission to test.
    """
    study = load_study(ROOT)
    sample = set(sheets.reliability_sample(study.comments))
    top = study.table[~study.table["is_answer"] & study.table["blame_tech"].eq(1)
                      & ~study.table["comment_id"].isin(sample)]
    chosen = sorted(int(c) for c in top["comment_id"].head(n))
    sheet = pd.read_csv(ROOT / "data/coding/primary.csv", dtype=str, keep_default_na=False)
    sheet.loc[sheet["comment_id"].astype(int).isin(chosen), "blame_tech"] = "0"
    path = folder / "edited-primary.csv"
    sheet.to_csv(path, index=False)
    return path, chosen


def digest(folder: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())).hexdigest()


@pytest.mark.build
def test_whatif_builds_from_a_sheet_with_40_recoded_comments_marks_broken_claims_and_lists_changed_verdicts(tmp_path):
    sheet, chosen = recoded_sheet(tmp_path)
    assert len(chosen) == 40
    book = fixture_book(tmp_path, chosen[0])
    before = digest(book / "data")
    result = whatif.run(sheet, book)
    assert digest(book / "data") == before, "the what-if build changed the book's data/"
    assert (book / "_build/whatif/html/index.html").is_file()
    texts = {c["claim"] for c in result.broken_claims}
    assert f"comment {chosen[0]} blames the companies" in texts
    assert "blame on the companies is detectably rarer in replies" in texts
    page = (result.html / "page.html").read_text(encoding="utf-8")
    assert page.count("A claim no longer holds") == 2 and f"about comment {chosen[0]}" in page
    changed = result.changed
    assert changed.loc["by-reply.blame_tech", "verdict_before"] == "difference"
    assert changed.loc["by-reply.blame_tech", "verdict_after"] == "no detectable difference"
    report = result.report()
    assert f"fixture: comment {chosen[0]} blames the companies (comments {chosen[0]})" in report
    assert "by-reply.blame_tech: difference" in report and "-> no detectable difference" in report
    assert not result.pages_with_errors


def test_whatif_refuses_a_sheet_that_is_not_a_coding_sheet_naming_the_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("comment_id,blame_tech\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=str(bad)):
        whatif.run(bad, ROOT, tmp_path / "out")
    assert not (tmp_path / "out").exists()
