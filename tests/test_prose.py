"""The book's words: p-values only from the plan, associational language around results, one account of the coders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, toc_pages

PAGES = [ROOT / f"{page}.md" for page in toc_pages(ROOT)]
DOCUMENTS = PAGES + [ROOT / "README.md", ROOT / "data" / "README.md"]

GLUE = re.compile(r"\{glue:(?:text|md)?\}`([^`:]+)(?::[^`]*)?`")
P_NAME = re.compile(r"(^|[._])p(_|$)|_p_|pvalue|p_value|holm|verdict|\.words$|\.p$")
"""A glue key that names a test result: a p-value, an adjusted p, a verdict or a result in words."""
INTERVAL_NAME = re.compile(r"(^|[._])(low|high)(_|$)")
GLUE_CALL = re.compile(r"""\bglue\(\s*f?["']([^"']+)["']""")

CAUSAL = [
    r"mov(?:e|es|ed|ing)\b(?! (?:away|between|together|on|to the|from))", r"\blead(?:s|ing)? to\b", r"\bled to\b",
    r"\bdriv(?:e|es|en|ing)\b", r"\bdrove\b", r"(?<!not a )\bcaus(?:e|es|ed|ing)\b", r"\bbecause\b", r"\bresult(?:s|ed)? in\b",
    r"\bproduc(?:e|es|ed)\b", r"\bdue to\b", r"\beffect of\b", r"\bimpact\b", r"\bmakes? (?:\w+ )?(?:more|less) likely\b",
    r"\bincreas(?:e|es|ed)\b", r"\breduc(?:e|es|ed)\b", r"\bshapes?\b", r"\bprompt(?:s|ed)\b",
]
"""Causal verbs that must not describe an association: the findings say "comes with", "is more common among"."""
CAUSAL_RE = re.compile("|".join(CAUSAL), re.IGNORECASE)

HUMAN = re.compile(r"\bhuman[- ]cod(?:er|ers|ing|ed)\b", re.IGNORECASE)
HONEST = re.compile(r"\b(?:not|neither|nor|weaker|stronger|add|adding|invite|independently trained)\b", re.IGNORECASE)
"""A sentence may name human coders only to say the coders were not human, or to invite them."""


def prose(path: Path) -> str:
    """A page's prose: the Markdown outside code cells."""
    text = path.read_text(encoding="utf-8")
    return re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.DOTALL)


def sentences(text: str) -> list[str]:
    """Sentences, roughly: split at a full stop, question or exclamation mark followed by a space or line end."""
    flat = re.sub(r"\s+", " ", text)
    return re.split(r"(?<=[.!?])\s+(?=[A-Z*({])", flat)


def cells(path: Path) -> str:
    return "\n".join(re.findall(r"```\{code-cell\}.*?```", path.read_text(encoding="utf-8"), flags=re.DOTALL))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_glued_test_result_comes_from_the_plan(page):
    keys = GLUE.findall(page.read_text(encoding="utf-8"))
    stray = sorted({k for k in keys if P_NAME.search(k) and not k.startswith("plan.")})
    assert not stray, f"{page.name}: test results glued outside the analysis plan: {stray}"
    glued = sorted({k for k in GLUE_CALL.findall(cells(page)) if P_NAME.search(k) and not k.startswith("plan.")})
    assert not glued, f"{page.name}: a cell glues a test result that is not the plan's: {glued}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_no_chapter_runs_a_test_of_its_own(page):
    code = cells(page)
    for forbidden in ("fisher_exact", "mannwhitneyu", "chi2_contingency", "ttest_", ".pvalue", "p_holm",
                      "association_tests", "multipletests"):
        assert forbidden not in code, f"{page.name}: {forbidden} in a cell; tests come from comment_study.analysis.plan"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_no_causal_verb_beside_a_glued_result_or_interval(page):
    found = []
    for sentence in sentences(prose(page)):
        keys = GLUE.findall(sentence)
        if any(k.startswith("plan.") or P_NAME.search(k) or INTERVAL_NAME.search(k) for k in keys) or re.search(r"\bp [=<]", sentence):
            for match in CAUSAL_RE.finditer(re.sub(GLUE, "", sentence)):
                found.append(f"{match.group(0)!r} in: {sentence[:160]}")
    assert not found, f"{page.name}: causal language beside a result:\n" + "\n".join(found)


def test_the_causal_scan_catches_what_it_should():
    flagged = "Distress moved readers to act ({glue:text}`plan.with-distress.call_to_action.p`)."
    allowed = "Distress comes with calls to act ({glue:text}`plan.with-distress.call_to_action.p`)."
    assert CAUSAL_RE.search(re.sub(GLUE, "", flagged)) and not CAUSAL_RE.search(re.sub(GLUE, "", allowed))
    assert CAUSAL_RE.search("which led to fewer proposals") and CAUSAL_RE.search("because they are parents")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_calls_the_coding_human(document):
    wrong = [s for s in sentences(prose(document)) if HUMAN.search(s) and not HONEST.search(s)]
    assert not wrong, f"{document.relative_to(ROOT)} calls the coding human:\n" + "\n".join(s[:200] for s in wrong)


def test_the_coder_scan_allows_only_honest_mentions():
    assert HUMAN.search("Two human coders reached κ = 0.76 on tone.")
    assert not HONEST.search("Two human coders reached κ = 0.76 on tone.")
    assert HONEST.search("It is weaker than agreement between independently trained human coders.")


def test_the_coders_are_described_once_and_the_export_uses_it():
    from comment_study.exchange import refi
    from comment_study.study import load_study, model

    study = load_study()
    description = refi.project_description(study)
    for coder in study.coders:
        assert "AI assistant session" in coder.description and "not a person" in coder.description
        assert coder.description in description
    assert model.WEAKER in description and "reliability chapter" in description


# --- the built book ---------------------------------------------------------------------------

P_IN_HTML = re.compile(r"\bp\s*(=|<)\s*(\d*\.\d+)")


def stray_p_values(html: Path, results) -> list[str]:
    """Every 'p = x' or 'p < x' on the built pages that no planned comparison's p-value (at that precision) gives."""
    import numpy as np
    from bs4 import BeautifulSoup

    values = results[["p_fisher", "p_author", "p_fisher_adj", "p_author_adj"]].to_numpy().ravel()
    values = values[~np.isnan(values)]
    stray = []
    for page in sorted(html.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for hidden in soup.select("script, style, div.cell_input, pre"):
            hidden.decompose()
        for sign, number in P_IN_HTML.findall(soup.get_text(" ")):
            decimals = len(number.split(".")[1])
            shown = float(number)
            ok = (values < shown).any() if sign == "<" else bool(np.isclose(np.round(values, decimals), shown).any())
            if not ok:
                stray.append(f"{page.relative_to(html)}: p {sign} {number}")
    return stray


def test_the_html_check_finds_a_p_value_that_is_not_the_plans(tmp_path):
    import pandas as pd

    results = pd.DataFrame({"p_fisher": [0.0123], "p_author": [0.02], "p_fisher_adj": [0.3], "p_author_adj": [0.31]})
    (tmp_path / "a.html").write_text("<p>adjusted p = 0.31, Fisher p = 0.012, and p < 0.05</p>", encoding="utf-8")
    assert stray_p_values(tmp_path, results) == []
    (tmp_path / "b.html").write_text("<p>Mann–Whitney p = 0.004</p>", encoding="utf-8")
    assert stray_p_values(tmp_path, results) == ["b.html: p = 0.004"]


def human_coding_on_pages(html: Path) -> list[str]:
    """Sentences of the built pages (cell outputs included) that call the coding human."""
    from bs4 import BeautifulSoup

    wrong = []
    for page in sorted(html.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for hidden in soup.select("script, style"):
            hidden.decompose()
        wrong += [f"{page.relative_to(html)}: {s[:160]}" for s in sentences(soup.get_text(" "))
                  if HUMAN.search(s) and not HONEST.search(s)]
    return wrong


@pytest.mark.build
def test_no_built_page_calls_the_coding_human(built_book):
    assert human_coding_on_pages(built_book / "_build" / "html") == []


@pytest.mark.build
def test_every_p_value_on_the_built_pages_comes_from_the_plan(built_book):
    from comment_study.analysis import plan
    from comment_study.study import load_study

    results = plan.results(load_study(built_book), built_book)
    assert stray_p_values(built_book / "_build" / "html", results) == []
