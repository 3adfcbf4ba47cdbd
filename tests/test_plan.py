"""The analysis plan: loaded and checked, its rules applied by code, its tests against independent computations."""

from __future__ import annotations

import ast
import math
import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from comment_study.analysis import findings, plan
from comment_study.coding import agreement
from comment_study.study import definitions, load_study

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "comment_study"


@pytest.fixture(scope="module")
def study():
    return load_study()


@pytest.fixture(scope="module")
def results(study):
    return plan.results(study)


ENTRY = """\
  - id: {id}
    codes: {codes}
    grouping: {grouping}
    test: fisher and author permutation
    kind: {kind}
    why: a question
"""


def write_plan(folder: Path, *entries: dict) -> Path:
    path = folder / "plan.yml"
    text = "permutations: 499\ncomparisons:\n" + "".join(
        ENTRY.format(**{"kind": "exploratory", **e}) for e in entries)
    path.write_text(text, encoding="utf-8")
    return path


# --- loading and checking -------------------------------------------------------------------

def test_the_book_plan_loads_and_every_comparison_has_an_id_a_kind_and_a_reason(study):
    loaded = plan.load(ROOT / plan.PLAN, study.codes)
    assert len(loaded.entries) > 10
    for entry in loaded.entries:
        assert entry.kind in plan.KINDS and entry.why and entry.codes


@pytest.mark.parametrize(("entries", "message", "line"), [
    ([{"id": "a", "codes": "[blame_tech, not_a_code]", "grouping": "reply"}], "unknown code 'not_a_code'", 4),
    ([{"id": "a", "codes": "[blame_tech]", "grouping": "nowhere"}], "unknown grouping 'nowhere'", 5),
    ([{"id": "a", "codes": "[blame_tech]", "grouping": "reply"},
      {"id": "a", "codes": "[punitive]", "grouping": "reply"}], "duplicate id 'a' (first at line 3)", 9),
    ([{"id": "a", "codes": "[partisan]", "grouping": "blame_government"},
      {"id": "b", "codes": "[blame_government]", "grouping": "partisan"}], "already planned in 'a'", 10),
    ([{"id": "a", "codes": "[blame_tech]", "grouping": "reply", "kind": "confirmed"}], "kind 'confirmed'", 7),
])
def test_a_bad_plan_stops_with_the_file_and_the_line(tmp_path, study, entries, message, line):
    path = write_plan(tmp_path, *entries)
    with pytest.raises(plan.PlanError) as error:
        plan.load(path, study.codes)
    assert str(error.value).startswith(f"{path}, line {line}:")
    assert message in str(error.value)


# --- the rules, applied by code ---------------------------------------------------------------

def test_every_planned_test_of_the_book_qualifies_under_the_rules(results):
    """An exploratory comparison is tested, unless its two codes are a pair the codebook's rules make co-occur."""
    rule_made = results["why_untested"].str.startswith(plan.RULE_MADE)
    untested = results[(results["kind"] != "descriptive-only") & (results["tested"] != "yes") & ~rule_made]
    assert untested.empty, f"planned tests the rules forbid: {untested['why_untested'].to_dict()}"


def test_a_pair_the_codebook_rules_make_co_occur_is_described_never_tested(study, results):
    pairs = results[results["grouping"].isin(study.codes) & results["code"].isin(study.codes)]
    made = pairs[[study.book.overlap(c, g) is not None for c, g in zip(pairs["code"], pairs["grouping"])]]
    assert len(made) >= 3  # the book's plan has such pairs (e.g. partisan with blame on government)
    assert (made["tested"] == "descriptive only").all() and made["p_author_adj"].isna().all()
    assert made["why_untested"].str.startswith(plan.RULE_MADE).all()
    assert (pairs.drop(made.index)["why_untested"].str.startswith(plan.RULE_MADE)).sum() == 0


def test_the_paired_difference_interval_is_the_exact_interval_of_the_discordant_comments_scaled():
    first = np.array([1] * 12 + [0] * 3 + [1] * 5 + [0] * 10, bool)
    second = np.array([0] * 12 + [1] * 3 + [1] * 5 + [0] * 10, bool)
    diff, low, high = plan.paired_difference(first, second)
    assert diff == pytest.approx(first.mean() - second.mean()) == pytest.approx(9 / 30)
    # Clopper-Pearson from the beta distribution, independently of SciPy's binomtest
    lo_share, hi_share = stats.beta.ppf(0.025, 12, 4), stats.beta.ppf(0.975, 13, 3)
    assert (low, high) == (pytest.approx(15 / 30 * (2 * lo_share - 1)), pytest.approx(15 / 30 * (2 * hi_share - 1)))
    assert low > 0  # McNemar's exact test finds this difference too (p about 0.035)


def test_a_tentative_code_is_not_tested_unless_the_plan_says_descriptive_only(tmp_path, study):
    path = write_plan(tmp_path, {"id": "t", "codes": "[distress]", "grouping": "reply"},
                      {"id": "d", "codes": "[frontline_workers]", "grouping": "reply", "kind": "descriptive-only"})
    alphas = plan.reliability(study)
    assert alphas["distress"] < agreement.RELIABLE  # the premise of the rule, from the data
    table = plan.evaluate(study, plan.load(path, study.codes), alphas)
    assert table.loc["t.distress", "tested"] == "no" and "not reliably coded" in table.loc["t.distress", "why_untested"]
    assert np.isnan(table.loc["t.distress", "p_author"])
    assert table.loc["d.frontline_workers", "verdict"] == "described only"


def test_a_group_under_the_minimum_is_not_tested(tmp_path, study):
    path = write_plan(tmp_path, {"id": "s", "codes": "[known_offenders]", "grouping": "survivor"})
    table = plan.evaluate(study, plan.load(path, study.codes), plan.reliability(study))
    assert int(study.table["survivor"].sum()) < findings.MIN_GROUP
    assert table.loc["s.known_offenders", "verdict"] == "not tested"


def test_replies_are_grouped_by_the_readers_record_not_the_rules(study, results):
    row = results.loc["by-reply.blame_government"]
    assert row["n_a"] == int(study.table["is_answer"].sum()) != int(study.table["is_reply"].sum())
    assert row["count_a"] == int(study.table.loc[study.table["is_answer"], "blame_government"].sum())


def test_one_correction_over_the_whole_plan_is_benjamini_hochberg(results):
    tested = results[results["tested"] == "yes"]
    p = tested["p_author"].to_numpy()
    m = len(p)
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1)  # written out, not statsmodels
    expected = np.empty(m)
    expected[order] = adjusted
    assert tested["p_author_adj"].to_numpy() == pytest.approx(expected)


def test_fisher_p_values_are_scipys(results):
    row = results.loc["by-reply.blame_tech"]
    table = [[row["count_a"], row["n_a"] - row["count_a"]], [row["count_b"], row["n_b"] - row["count_b"]]]
    assert row["p_fisher"] == pytest.approx(stats.fisher_exact(table).pvalue)


def test_the_verdict_follows_the_author_level_test(results):
    tested = results[results["tested"] == "yes"]
    assert ((tested["verdict"] == "difference") == (tested["p_author_adj"] < plan.SIGNIFICANCE)).all()
    for _, row in tested[~tested["tests_agree"]].iterrows():
        assert "author-level" in row["words"] and "Fisher" in row["words"] and "although" in row["words"]


# --- the author-level permutation test ---------------------------------------------------------

def brute_force_p(outcome, labels, authors):
    """Every rearrangement that keeps commenters' comments together, enumerated: the exact p-value."""
    outcome, labels = np.asarray(outcome, float), np.asarray(labels, bool)
    blocks = {}
    for position, author in enumerate(authors):
        blocks.setdefault(author, []).append(position)
    strata = {}
    for block in blocks.values():
        strata.setdefault(len(block), []).append(block)

    def statistic(lab):
        return abs(outcome[lab].mean() - outcome[~lab].mean())

    observed, extreme, total = statistic(labels), 0, 0
    per_stratum = []
    for size, same in strata.items():
        options = []
        for order in itertools.permutations(range(len(same))):
            for inner in itertools.product(*[list(itertools.permutations(range(size)))] * len(same)):
                options.append([(same[i][j], same[order[i]][inner[i][j]]) for i in range(len(same)) for j in range(size)])
        per_stratum.append(options)
    for choice in itertools.product(*per_stratum):
        rearranged = labels.copy()
        for mapping in choice:
            for target, source in mapping:
                rearranged[target] = labels[source]
        total += 1
        extreme += statistic(rearranged) >= observed - 1e-12
    return extreme / total


def test_author_level_permutation_test_matches_brute_force_enumeration():
    authors = ["A", "B", "C", "D", "D", "E", "E", "F", "F", "F"]
    labels = [1, 0, 1, 1, 0, 0, 0, 1, 1, 0]
    outcome = [1, 0, 0, 1, 1, 0, 0, 1, 1, 1]
    exact = brute_force_p(outcome, labels, authors)
    estimate = plan.author_permutation_p(np.array(outcome), np.array(labels), np.array(authors), samples=40000, seed=2)[0]
    assert 0 < exact < 1
    assert estimate == pytest.approx(exact, abs=3 * np.sqrt(exact * (1 - exact) / 40000) + 1e-4)


def test_rearrangements_keep_each_commenters_comments_together():
    authors = np.array(["A", "B", "B", "C", "C", "D", "E", "E", "E"])
    shuffles = plan.author_shuffles(authors, 200, np.random.default_rng(0))
    for row in shuffles:
        assert sorted(row) == list(range(len(authors)))
        for author in set(authors):
            sources = set(authors[row[authors == author]])  # whose labels this commenter's comments receive
            assert len(sources) == 1 and (authors == sources.pop()).sum() == (authors == author).sum()
    assert (shuffles != np.arange(len(authors))).any()  # and they do move


def test_one_prolific_commenter_cannot_make_a_difference_on_its_own():
    # 40 commenters write one comment each, the code in a fifth of them in each group; one commenter writes 20
    # more, all in group a and all carrying the code
    authors = np.array([f"A{i}" for i in range(40)] + ["P"] * 20)
    labels = np.array([True] * 20 + [False] * 20 + [True] * 20)
    outcome = np.array([i % 5 == 0 for i in range(40)] + [True] * 20)
    author_p = plan.author_permutation_p(outcome, labels, authors, samples=4999, seed=1)[0]
    a, n_a, b, n_b = outcome[labels].sum(), labels.sum(), outcome[~labels].sum(), (~labels).sum()
    fisher = stats.fisher_exact([[a, n_a - a], [b, n_b - b]]).pvalue
    assert fisher < 0.01 and author_p > 0.05


# --- the statistics come from the libraries -----------------------------------------------------

FORBIDDEN = {"holm", "association_tests", "bootstrap_interval", "answered_in_memo"}


def test_no_hand_written_copy_of_a_library_statistic_returns():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not names & FORBIDDEN, f"{path}: {names & FORBIDDEN}"
        source = path.read_text(encoding="utf-8")
        assert "norm.ppf" not in source, f"{path}: a hand-made interval"
        assert not re.search(r"Counter\(zip\(", source), f"{path}: a hand-made coincidence matrix"


def test_wilson_kappa_and_alpha_call_the_libraries(monkeypatch):
    calls = []
    from sklearn import metrics
    from statsmodels.stats import proportion
    import krippendorff

    monkeypatch.setattr(proportion, "proportion_confint", lambda *a, **k: calls.append(("wilson", k)) or (0.1, 0.2))
    monkeypatch.setattr(metrics, "cohen_kappa_score", lambda *a, **k: calls.append(("kappa",)) or 0.5)
    monkeypatch.setattr(krippendorff, "alpha", lambda *a, **k: calls.append(("alpha", k["level_of_measurement"])) or 0.4)
    assert findings.wilson(3, 10) == (0.1, 0.2)
    assert agreement.cohen_kappa([0, 1, 1], [0, 1, 0]) == 0.5
    assert agreement.krippendorff_alpha([0, 1, 1], [0, 1, 0]) == 0.4
    assert calls == [("wilson", {"alpha": pytest.approx(0.05), "method": "wilson"}), ("kappa",), ("alpha", "nominal")]


def test_sentiment_means_by_code_use_scipys_bootstrap(monkeypatch):
    from scipy import stats as scipy_stats

    from comment_study.analysis import sentiment

    calls = []
    real = scipy_stats.bootstrap
    monkeypatch.setattr(scipy_stats, "bootstrap", lambda *a, **k: calls.append(k["method"]) or real(*a, **k))
    values = pd.Series([0.1, -0.4, 0.3, 0.9, -0.2])
    sentiment.mean_by_code(values, pd.DataFrame({"x": [1, 1, 1, 0, 1]}), samples=200)
    assert calls == ["percentile"]


def test_plan_adjustment_calls_statsmodels(monkeypatch, study, tmp_path):
    import statsmodels.stats.multitest as multitest

    seen = []
    monkeypatch.setattr(plan, "multipletests", lambda p, method: seen.append(method) or multitest.multipletests(p, method=method))
    path = write_plan(tmp_path, {"id": "x", "codes": "[blame_tech, blame_government]", "grouping": "reply"})
    plan.evaluate(study, plan.load(path, study.codes), plan.reliability(study))
    assert seen and set(seen) == {"fdr_bh"}


# --- derived variables, once ---------------------------------------------------------------------

def test_derived_variables_follow_their_definitions(study):
    variables = definitions.variables(study)
    assert (variables["reply"] == study.table["is_answer"]).all()
    positions = study.table[list(definitions.POSITIONS)].eq(1).any(axis=1)
    assert (variables["speaks_from_experience"] == positions).all()
    targets = set(definitions.answers(study).astype(int))
    assert (variables["answered"] == study.table["comment_id"].isin(targets)).all()
    reposts = set(study.comments.loc[study.comments["duplicate_of"].notna(), "comment_id"])
    assert not targets & reposts


def test_p_values_in_a_readers_table_have_two_significant_digits():
    assert [findings.p_value(p) for p in (0.849, 0.0534, 0.1, 1.0, 0.0012, 0.00012)] == [
        "0.85", "0.053", "0.10", "1.0", "0.0012", "< 0.001"]


def test_an_entry_written_twice_over_by_a_lost_line_break_is_refused_with_its_line(tmp_path, study):
    """YAML keeps the last of two equal keys; a lost line break once folded one entry into another unseen."""
    path = write_plan(tmp_path, {"id": "a", "codes": "[gender]", "grouping": "reply"})
    text = path.read_text().replace("    why: a question\n", "    why: a question\n    codes: [religion]\n", 1)
    path.write_text(text)
    with pytest.raises(plan.PlanError, match=r"plan\.yml, line \d+: 'codes' appears twice in one mapping"):
        plan.load(path, study.codes)
