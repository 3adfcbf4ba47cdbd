"""The analysis plan: every inferential comparison the book reports, as data, evaluated once for the whole book.

``data/analysis_plan.yml`` lists the comparisons: an id, the codes compared (the outcomes), the
grouping (a code or a derived variable of :mod:`comment_study.study.definitions`), an optional
subset, the kind (``confirmatory``, ``exploratory`` or ``descriptive-only``) and why it is asked.
:func:`load` checks the file and stops on an unknown code or grouping, or a repeated id or
comparison, with an error naming the file and the line. :func:`evaluate` computes every
comparison once, for the whole book:

- each group's count, share and 95% Wilson interval;
- Fisher's exact test, which treats comments as independent, and beside it an **author-level
  permutation test** (:func:`author_permutation_p`), which keeps each commenter's comments
  together, because one commenter may write many comments that carry the same code;
- one multiplicity correction over the whole plan (Benjamini–Hochberg, see :data:`CORRECTION`),
  so that a comparison has one adjusted p wherever it is cited;
- the rules, applied by code: no test on a pair of codes that the codebook's rules make co-occur
  (its ``overlaps``: such a pair is described, whatever the entry's kind, see :data:`RULE_MADE`), no
  test on a code whose Krippendorff's α is below .800 (or too few positives to judge) unless the
  plan marks the comparison descriptive-only, no test on a group of fewer than
  :data:`~comment_study.analysis.findings.MIN_GROUP` comments or a code carried by fewer than
  :data:`~comment_study.analysis.findings.MIN_CODED`.

The verdict follows the author-level test; where Fisher's test disagrees, the words say so.
Chapters glue the results with :func:`glue_entry`; a p-value that is not in the plan is never glued.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import yaml
from statsmodels.stats.multitest import multipletests

from comment_study.analysis import findings
from comment_study.coding import agreement, sheets
from comment_study.corpus import files, inputs, yamlfile
from comment_study.study import definitions
from comment_study.study.model import Study

PLAN = Path("data/analysis_plan.yml")
KINDS = ("confirmatory", "exploratory", "descriptive-only")
TESTS = ("fisher and author permutation", "mcnemar and author sign-flip")
PAIRED = TESTS[1]
"""A paired entry compares each of its codes with its grouping *in the same comments* (is one said more often
than the other?): McNemar's exact test on the comments that carry one but not the other, beside an author-level
sign-flip test (:func:`author_sign_flip_p`), which keeps each commenter's comments together."""
RULE_MADE = "made by the codebook's rules"
"""Why a pair of codes that the codebook lists under ``overlaps`` is described, never tested, whatever its entry's kind."""
CORRECTION = "fdr_bh"
"""Benjamini–Hochberg over every tested comparison of the plan (statsmodels' ``multipletests``).

Holm's correction bounds the chance of even one false "difference" anywhere in the book; over a
plan of well over a hundred comparisons, all of them exploratory, that bound is stricter than the
book's use of the results needs, and invites readers to treat a non-result as evidence of no
difference (:func:`differences_under` says what Holm would leave). The book's differences are
leads, each re-read in the thread; what a reader needs to know is how many of the reported
differences could be chance. Benjamini–Hochberg bounds that share (the false discovery rate) at
5%, and it holds for positively dependent tests such as these, which share comments."""
CORRECTION_NAME = "Benjamini–Hochberg"
SIGNIFICANCE = 0.05
FIELDS = ("id", "codes", "grouping", "labels", "subset", "test", "kind", "why")
REQUIRED = ("id", "codes", "grouping", "test", "kind", "why")


class PlanError(ValueError):
    """A plan that cannot be evaluated; the message names the file and the line."""


@dataclass(frozen=True)
class Entry:
    """One entry of the plan: a grouping and the codes compared across it (one comparison per code)."""

    id: str
    codes: tuple[str, ...]
    grouping: str
    labels: tuple[str, str]
    kind: str
    why: str
    test: str = TESTS[0]
    subset: str | None = None
    line: int = 0

    def comparison_ids(self) -> list[str]:
        return [f"{self.id}.{code}" for code in self.codes]


@dataclass(frozen=True)
class Plan:
    """The whole plan: its entries, the permutations of the author-level test and their seed."""

    entries: tuple[Entry, ...]
    permutations: int = 9999
    seed: int = 20191001
    source: str = str(PLAN)
    by_id: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def entry(self, entry_id: str) -> Entry:
        if entry_id not in self.by_id:
            raise KeyError(f"{self.source}: no comparison {entry_id!r} in the analysis plan")
        return self.by_id[entry_id]


def _lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """For each item of ``comparisons``: its line, and the line of each of its keys."""
    root = yaml.compose(text)
    if root is None or not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "comparisons" and isinstance(value, yaml.SequenceNode):
            return [(item.start_mark.line + 1,
                     {k.value: k.start_mark.line + 1 for k, _ in item.value} if isinstance(item, yaml.MappingNode) else {})
                    for item in value.value]
    return []


def load(path: Path | str, codes: list[str]) -> Plan:
    """Read and check the plan: known fields, codes and groupings, one id per entry and one entry per comparison."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = yamlfile.loads(text, str(path)) or {}
    except yamlfile.DuplicateKeyError as error:
        raise PlanError(str(error)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise PlanError(f"{path}, line {mark.line + 1 if mark else '?'}: not valid YAML ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("comparisons"), list):
        raise PlanError(f"{path}, line 1: expected a mapping with a list under 'comparisons'")
    known = set(codes) | set(definitions.DERIVED)
    lines = _lines(text)
    entries, ids, seen = [], {}, {}
    for number, item in enumerate(data["comparisons"]):
        line, key_lines = lines[number] if number < len(lines) else (0, {})
        where = lambda key=None: f"{path}, line {key_lines.get(key, line)}"  # noqa: E731
        if not isinstance(item, dict):
            raise PlanError(f"{where()}: each comparison is a mapping of {', '.join(REQUIRED)}")
        unknown = set(item) - set(FIELDS)
        if unknown:
            raise PlanError(f"{where(sorted(unknown)[0])}: unknown field {sorted(unknown)[0]!r} (known: {', '.join(FIELDS)})")
        missing = [k for k in REQUIRED if not item.get(k)]
        if missing:
            raise PlanError(f"{where()}: comparison {item.get('id', '?')!r} has no {missing[0]!r}")
        entry_id = str(item["id"])
        if entry_id in ids:
            raise PlanError(f"{where('id')}: duplicate id {entry_id!r} (first at line {ids[entry_id]})")
        ids[entry_id] = key_lines.get("id", line)
        outcomes = item["codes"] if isinstance(item["codes"], list) else [item["codes"]]
        for code in outcomes:
            if code not in known:
                raise PlanError(f"{where('codes')}: unknown code {code!r} in comparison {entry_id!r}")
        grouping = str(item["grouping"])
        if grouping not in known:
            raise PlanError(f"{where('grouping')}: unknown grouping {grouping!r} in comparison {entry_id!r} "
                            f"(a code or one of {', '.join(definitions.DERIVED)})")
        subset = item.get("subset")
        if subset is not None and subset not in known:
            raise PlanError(f"{where('subset')}: unknown subset {subset!r} in comparison {entry_id!r}")
        if item["kind"] not in KINDS:
            raise PlanError(f"{where('kind')}: kind {item['kind']!r} is not one of {', '.join(KINDS)}")
        if item["test"] not in TESTS:
            raise PlanError(f"{where('test')}: test {item['test']!r} is not one of {', '.join(TESTS)}")
        labels = tuple(item.get("labels") or (grouping, "rest"))
        if len(labels) != 2 or labels[0] == labels[1]:
            raise PlanError(f"{where('labels')}: labels must name the two groups, differently")
        for code in outcomes:
            if code == grouping:
                raise PlanError(f"{where('codes')}: comparison {entry_id!r} compares {code!r} with itself")
            pair = (frozenset((code, grouping)) if code in codes and grouping in codes else (code, grouping), subset)
            if pair in seen:
                raise PlanError(f"{where('codes')}: {code!r} by {grouping!r} is already planned in {seen[pair]!r}")
            seen[pair] = entry_id
        entries.append(Entry(entry_id, tuple(outcomes), grouping, labels, item["kind"], str(item["why"]).strip(),
                             item["test"], subset, key_lines.get("id", line)))
    plan = Plan(tuple(entries), int(data.get("permutations", 9999)), int(data.get("seed", 20191001)), str(path))
    plan.by_id.update({e.id: e for e in entries})
    return plan


# --- the author-level permutation test ---------------------------------------------------------

def author_shuffles(authors: np.ndarray, samples: int, rng: np.random.Generator) -> np.ndarray:
    """``samples`` rearrangements of the comments that keep each commenter's comments together, as indices.

    Commenters who wrote the same number of comments exchange places as blocks (so a commenter's
    nine comments move together, as one unit), and within a block the comments are shuffled.
    ``labels[index]`` is then a rearrangement of the group labels: (samples, comments) indices.
    """
    authors = np.asarray(authors)
    index = np.empty((samples, len(authors)), dtype=np.intp)
    _, first, inverse = np.unique(authors, return_index=True, return_inverse=True)
    blocks = [np.flatnonzero(inverse == a) for a in range(len(first))]
    by_size: dict[int, list[np.ndarray]] = {}
    for block in blocks:
        by_size.setdefault(len(block), []).append(block)
    for size, same in sorted(by_size.items()):
        positions = np.array(same)  # (commenters of this size, size)
        chosen = positions[np.argsort(rng.random((samples, len(same))), axis=1)]  # (samples, commenters, size)
        if size > 1:
            chosen = np.take_along_axis(chosen, np.argsort(rng.random(chosen.shape), axis=2), axis=2)
        index[:, positions.ravel()] = chosen.reshape(samples, -1)
    return index


def author_permutation_p(outcomes: np.ndarray, labels: np.ndarray, authors: np.ndarray,
                         samples: int = 9999, seed: int = 20191001, shuffles: np.ndarray | None = None) -> np.ndarray:
    """Two-sided author-level permutation p-value of the difference in share between two groups, per outcome column.

    The group labels are rearranged by :func:`author_shuffles` (each commenter's comments move
    together); the statistic is the absolute difference between the two groups' shares, and
    p = (1 + rearrangements at least as extreme as the data) / (1 + samples). ``shuffles`` reuses
    rearrangements already drawn for the same comments. SciPy's ``permutation_test`` moves single
    observations, so it cannot keep a commenter's comments together; this test is checked against
    a brute-force enumeration in the tests.
    """
    outcomes = np.asarray(outcomes, dtype=float)
    outcomes = outcomes[:, None] if outcomes.ndim == 1 else outcomes
    labels = np.asarray(labels, dtype=bool)
    if shuffles is None:
        shuffles = author_shuffles(authors, samples, np.random.default_rng(seed))
    samples = len(shuffles)
    permuted = labels[shuffles].astype(float)
    n_a, n = labels.sum(), len(labels)
    if n_a in (0, n):
        return np.full(outcomes.shape[1], np.nan)
    total = outcomes.sum(axis=0)

    def difference(count_a):
        return np.abs(count_a / n_a - (total - count_a) / (n - n_a))

    observed = difference(labels.astype(float) @ outcomes)
    rearranged = difference(permuted @ outcomes)
    extreme = (rearranged >= observed - 1e-12).sum(axis=0)
    return (1 + extreme) / (1 + samples)


def author_sign_flip_p(first: np.ndarray, second: np.ndarray, authors: np.ndarray, samples: int,
                       rng: np.random.Generator) -> float:
    """Two-sided p that ``first`` and ``second`` (0/1, the same comments) are said equally often, commenters kept whole.

    Under the null hypothesis each comment is as likely to carry the first and not the second as the
    reverse; the test flips the sign of each commenter's summed difference together, ``samples`` times.
    """
    _, codes = np.unique(authors, return_inverse=True)
    per_author = np.bincount(codes, weights=first.astype(float) - second.astype(float))
    observed = abs(per_author.sum())
    signs = rng.choice(np.array([-1.0, 1.0]), size=(samples, len(per_author)))
    extreme = (np.abs(signs @ per_author) >= observed - 1e-12).sum()
    return float((1 + extreme) / (1 + samples))


def mcnemar_exact_p(first: np.ndarray, second: np.ndarray) -> float:
    """McNemar's exact test (statsmodels): the comments carrying one of the two but not the other, split evenly?"""
    from statsmodels.stats.contingency_tables import mcnemar

    only_first = int((first & ~second).sum())
    only_second = int((~first & second).sum())
    both, neither = int((first & second).sum()), int((~first & ~second).sum())
    return float(mcnemar([[both, only_first], [only_second, neither]], exact=True).pvalue)


def paired_difference(first: np.ndarray, second: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """The difference of two shares in the same comments (first minus second), with an interval that matches McNemar's test.

    Only the comments that carry one of the two but not the other (``d`` of the ``n``) tell the shares
    apart. The interval is SciPy's exact (Clopper-Pearson) interval for the share of those ``d`` that
    carry the first, the quantity McNemar's exact test tests, scaled to a difference of shares:
    ``d / n * (2 * share - 1)``. It is conditional on ``d``, as the test is.
    """
    from scipy.stats import binomtest

    n = len(first)
    only_first, only_second = int((first & ~second).sum()), int((~first & second).sum())
    discordant = only_first + only_second
    diff = (only_first - only_second) / n
    if discordant == 0:
        return diff, diff, diff
    interval = binomtest(only_first, discordant, 0.5).proportion_ci(confidence_level=confidence, method="exact")
    scale = discordant / n
    return diff, scale * (2 * interval.low - 1), scale * (2 * interval.high - 1)


def _paired_rows(entry: Entry, plan: Plan, variables: pd.DataFrame, keep: pd.Series, authors: np.ndarray,
                 alphas: pd.Series) -> list[dict]:
    """The rows of a paired entry: each code against the grouping in the same comments."""
    rows = []
    chosen = (keep & variables[entry.grouping].notna()).to_numpy()
    second = variables.loc[chosen, entry.grouping].astype(bool).to_numpy()
    n = int(chosen.sum())
    for code in entry.codes:
        first = variables.loc[chosen, code].astype(bool).to_numpy()
        a, b = entry.labels
        (low_a, high_a), (low_b, high_b) = findings.wilson(int(first.sum()), n), findings.wilson(int(second.sum()), n)
        row = {"id": f"{entry.id}.{code}", "entry": entry.id, "code": code, "grouping": entry.grouping,
               "subset": entry.subset, "kind": entry.kind, "label_a": a, "label_b": b, "test": entry.test,
               "n_a": n, "count_a": int(first.sum()), "share_a": first.mean(), "low_a": low_a, "high_a": high_a,
               "n_b": n, "count_b": int(second.sum()), "share_b": second.mean(), "low_b": low_b, "high_b": high_b,
               "tested": "yes", "why_untested": "", "p_fisher": np.nan, "p_author": np.nan}
        weak = _weak(alphas, code, entry.grouping, entry.subset)
        if entry.kind == "descriptive-only" or weak:
            row["tested"] = "descriptive only" if entry.kind == "descriptive-only" else "no"
            row["why_untested"] = _weak_text(alphas, weak) if weak else "described, not tested"
        elif n < findings.MIN_GROUP or min(first.sum(), second.sum()) < findings.MIN_CODED:
            row["tested"], row["why_untested"] = "no", f"fewer than {findings.MIN_GROUP} comments or {findings.MIN_CODED} carrying a code"
        else:
            rng = np.random.default_rng(_seed(plan, chosen))
            row["p_fisher"] = mcnemar_exact_p(first, second)
            row["diff"], row["diff_low"], row["diff_high"] = paired_difference(first, second)
            row["p_author"] = author_sign_flip_p(first, second, authors[chosen], plan.permutations, rng)
        rows.append(row)
    return rows


def _weak(alphas: pd.Series, *names: str | None) -> list[str]:
    """The coded judgements under ``names`` that are not reliably coded (α below .800, or too few positives)."""
    return sorted({j for v in names if v for j in _rests_on(v) if not alphas.get(j, np.nan) >= agreement.RELIABLE})


def _weak_text(alphas: pd.Series, weak: list[str]) -> str:
    """Why a comparison is not tested, in words, naming each weak judgement and its α."""
    return "not reliably coded (α below .800, or too few positives to judge): " + ", ".join(
        f"{j} ({agreement.TOO_FEW if np.isnan(alphas.get(j, np.nan)) else 'α ' + format(alphas[j], '.2f')})"
        for j in weak)


# --- evaluating the plan -----------------------------------------------------------------------

def reliability(study: Study, root: Path | None = None) -> pd.Series:
    """Krippendorff's α of every code, composite variable and tone, on the sample that judges it in the final round.

    NaN where there are too few positives to judge (:func:`comment_study.coding.agreement.judged_table`).
    """
    final = sheets.load_rounds(root or files.project_root(), study.comments)[-1]
    supplementary = final.get("supplementary_sheet")
    table = agreement.judged_table(definitions.composite_columns(final["primary_sheet"]),
                                   definitions.composite_columns(final["secondary_sheet"]),
                                   None if supplementary is None else definitions.composite_columns(supplementary),
                                   [*study.codes, *definitions.COMPOSITES, "tone"])
    return agreement.judged_alphas(table)


def _rests_on(name: str) -> tuple[str, ...]:
    """The coded judgements a variable rests on (codes, a composite of codes, or ``tone``); none for the record or location."""
    if name in definitions.COMPOSITES:
        return (name,)
    if name in definitions.DERIVED:
        return definitions.RESTS_ON.get(name, ())
    return (name,)


def _seed(plan: Plan, rows: np.ndarray) -> int:
    """A seed per set of compared comments, so that a comparison's p does not depend on the order of the plan."""
    return plan.seed + zlib.crc32(np.packbits(rows).tobytes()) % 1_000_000


def _words(row: dict) -> str:
    """A comparison's result in words, following the author-level test."""
    if row["tested"] == "descriptive only":
        return f"described only: {row['why_untested']}"
    if row["tested"] != "yes":
        return f"not tested: {row['why_untested']}"
    author, fisher = row["p_author_adj"], row["p_fisher_adj"]
    paired = row.get("test") == PAIRED
    author_name = "author-level sign-flip test" if paired else "author-level permutation test"
    comment_name = "McNemar’s exact test" if paired else "Fisher’s exact test"
    author_text = f"{author_name}, adjusted {findings.p_text(author)}"
    fisher_text = f"{comment_name}, adjusted {findings.p_text(fisher)}"
    if author < SIGNIFICANCE and fisher < SIGNIFICANCE:
        return f"a difference unlikely to be chance ({author_text}; {fisher_text})"
    if author >= SIGNIFICANCE and fisher >= SIGNIFICANCE:
        return f"no detectable difference ({author_text}; {fisher_text})"
    fisher_alone = f"{comment_name}, which treats comments as independent (adjusted {findings.p_text(fisher)})"
    if author >= SIGNIFICANCE:
        return (f"no detectable difference once each commenter’s comments are kept together ({author_text}), "
                f"although {fisher_alone}, would call it one")
    return (f"a difference unlikely to be chance by the author-level test ({author_text}), "
            f"although by {fisher_alone} it does not reach the threshold")


def evaluate(study: Study, plan: Plan, alphas: pd.Series) -> pd.DataFrame:
    """Every comparison of the plan, evaluated once: shares, intervals, both tests, one correction, the verdict."""
    variables = definitions.variables(study)
    authors = study.table["author_id"].to_numpy()
    rows, drawn = [], {}
    for entry in plan.entries:
        keep = variables[entry.subset].eq(True).fillna(False) if entry.subset else pd.Series(True, index=variables.index)
        if entry.test == PAIRED:
            rows.extend(_paired_rows(entry, plan, variables, keep, authors, alphas))
            continue
        group = variables[entry.grouping]
        present = keep & group.notna()
        outcome_table = variables.loc[present, list(entry.codes)].astype(int)
        labels = group[present].astype(bool)
        compared = findings.compare(outcome_table, list(entry.codes), labels, entry.labels)
        chosen = present.to_numpy()
        key = chosen.tobytes()
        if key not in drawn:  # the rearrangements depend only on which comments (and so which commenters) are compared
            drawn[key] = author_shuffles(authors[chosen], plan.permutations, np.random.default_rng(_seed(plan, chosen)))
        test_p = author_permutation_p(outcome_table.to_numpy(), labels.to_numpy(), authors[chosen], shuffles=drawn[key])
        for position, code in enumerate(entry.codes):
            c = compared.loc[code]
            a, b = entry.labels
            row = {"id": f"{entry.id}.{code}", "entry": entry.id, "code": code, "grouping": entry.grouping,
                   "subset": entry.subset, "kind": entry.kind, "label_a": a, "label_b": b, "test": entry.test,
                   "n_a": int(c[f"n {a}"]), "count_a": int(c[f"count {a}"]), "share_a": c[f"share {a}"],
                   "low_a": c[f"low {a}"], "high_a": c[f"high {a}"],
                   "n_b": int(c[f"n {b}"]), "count_b": int(c[f"count {b}"]), "share_b": c[f"share {b}"],
                   "low_b": c[f"low {b}"], "high_b": c[f"high {b}"],
                   "tested": "yes", "why_untested": "", "p_fisher": np.nan, "p_author": np.nan}
            weak = _weak(alphas, code, entry.grouping, entry.subset)
            weak_text = _weak_text(alphas, weak)
            overlap = study.book.overlap(code, entry.grouping) if {code, entry.grouping} <= set(study.codes) else None
            if overlap is not None:  # the rules send one content to both codes: their co-occurrence is no finding
                row["tested"] = "descriptive only"
                row["why_untested"] = f"{RULE_MADE}: {' '.join(overlap.rule.split())}"
            elif entry.kind == "descriptive-only":
                row["tested"] = "descriptive only"
                row["why_untested"] = weak_text if weak else "described, not tested"
            elif weak:
                row["tested"], row["why_untested"] = "no", weak_text
            elif c["tested"] != "yes":
                row["tested"], row["why_untested"] = "no", c["tested"].removeprefix("no: ")
            else:
                row["p_fisher"], row["p_author"] = float(c["p"]), float(test_p[position])
            rows.append(row)
    result = pd.DataFrame(rows).set_index("id")
    tested = result["tested"].eq("yes")
    for column in ("p_fisher", "p_author"):
        result[f"{column}_adj"] = np.nan
        if tested.any():
            result.loc[tested, f"{column}_adj"] = multipletests(result.loc[tested, column], method=CORRECTION)[1]
    result["differs"] = tested & (result["p_author_adj"] < SIGNIFICANCE)
    result["tests_agree"] = ~tested | ((result["p_fisher_adj"] < SIGNIFICANCE) == result["differs"])
    result["verdict"] = np.select([~tested & result["tested"].eq("descriptive only"), ~tested, result["differs"]],
                                  ["described only", "not tested", "difference"], "no detectable difference")
    result["words"] = [_words(row) for row in result.reset_index().to_dict("records")]
    return result


_CACHE: dict[tuple[str, str], pd.DataFrame] = {}


def results(study: Study, root: Path | None = None) -> pd.DataFrame:
    """The book's plan evaluated on ``study`` (once per data: chapters share one table).

    Kept in the process, and on disk under the fingerprint of the book's inputs
    (:func:`comment_study.corpus.inputs.cached`), so that the chapters of one build, each in its own
    kernel, evaluate it once. The key also holds the plan and the study's comments, coding and codes,
    so a study changed in memory is evaluated afresh.
    """
    root = root or files.project_root()
    path = files.path(PLAN, root)
    text = path.read_text(encoding="utf-8")
    key = (str(path), hashlib.sha256("\0".join([text, inputs.frame_digest(study.table), inputs.frame_digest(study.comments),
                                                 *study.codes]).encode()).hexdigest())
    if key not in _CACHE:
        _CACHE[key] = inputs.cached(root, "plan", lambda: evaluate(study, load(path, study.codes), reliability(study, root)),
                                    extra=key[1])
    return _CACHE[key]


# --- reporting --------------------------------------------------------------------------------

def row(table: pd.DataFrame, comparison: str) -> pd.Series:
    """One comparison's row (``entry.code``), or a clear error naming the plan."""
    if comparison not in table.index:
        raise KeyError(f"{PLAN}: the comparison {comparison!r} is not in the analysis plan")
    return table.loc[comparison]


def entry_rows(table: pd.DataFrame, entry: str) -> pd.DataFrame:
    """Every comparison of one entry of the plan."""
    chosen = table[table["entry"] == entry]
    if chosen.empty:
        raise KeyError(f"{PLAN}: no entry {entry!r} in the analysis plan")
    return chosen


def format_p(value: float) -> str:
    """A p-value without its "p": ``= 0.012``, ``< 0.001``, or ``not tested`` when missing."""
    return "not tested" if value is None or (isinstance(value, float) and math.isnan(value)) else findings.p_text(value).removeprefix("p ")


def glue_entry(glue: Callable, table: pd.DataFrame, entry: str) -> pd.DataFrame:
    """Glue every comparison of an entry as ``plan.{entry}.{code}.{field}``, and the entry's summary as ``plan.{entry}.{field}``.

    Per comparison: ``count_a``, ``n_a``, ``share_a``, ``low_a``, ``high_a`` (and ``_b``), the four
    p-values (``p_fisher``, ``p_author`` and their ``_adj``), ``p`` (the trusted p in words:
    ``adjusted p = 0.004``), ``verdict`` (``difference``, ``no detectable difference``, ``not
    tested``, ``described only``) and ``words`` (the result in a sentence's words). Per entry:
    ``n_tested``, ``n_differ``, ``min_p`` and ``max_p`` (the smallest and largest trusted adjusted p)
    and ``differ`` (the codes that differ, in words).
    """
    rows = entry_rows(table, entry)
    for comparison, r in rows.iterrows():
        key = f"plan.{comparison}"
        for side in ("a", "b"):
            glue(f"{key}.count_{side}", int(r[f"count_{side}"]), display=False)
            glue(f"{key}.n_{side}", int(r[f"n_{side}"]), display=False)
            for name in ("share", "low", "high"):
                glue(f"{key}.{name}_{side}", float(r[f"{name}_{side}"]), display=False)
        for name in ("p_fisher", "p_author", "p_fisher_adj", "p_author_adj"):
            glue(f"{key}.{name}", float(r[name]), display=False)
        glue(f"{key}.p", f"adjusted p {format_p(r['p_author_adj'])}" if r["tested"] == "yes" else r["verdict"], display=False)
        glue(f"{key}.verdict", r["verdict"], display=False)
        glue(f"{key}.words", r["words"], display=False)
        if r.get("test") == PAIRED and not np.isnan(r.get("diff", np.nan)):  # first share minus second, with its interval
            for name in ("diff", "diff_low", "diff_high"):
                glue(f"{key}.{name}", float(r[name]), display=False)
    _glue_summary(glue, f"plan.{entry}", rows)
    return rows


def _glue_summary(glue: Callable, key: str, rows: pd.DataFrame) -> None:
    tested = rows[rows["tested"] == "yes"]
    glue(f"{key}.n_tested", len(tested), display=False)
    glue(f"{key}.n_differ", int(rows["differs"].sum()), display=False)
    glue(f"{key}.min_p", float(tested["p_author_adj"].min()) if len(tested) else float("nan"), display=False)
    glue(f"{key}.max_p", float(tested["p_author_adj"].max()) if len(tested) else float("nan"), display=False)
    differ = rows.loc[rows["differs"], "code"].tolist()
    glue(f"{key}.differ", ", ".join(f"`{c}`" for c in differ) if differ else "none", display=False)


def glue_summary(glue: Callable, table: pd.DataFrame, name: str, comparisons: list[str]) -> pd.DataFrame:
    """Glue a summary of some planned comparisons as ``plan.{name}.n_tested``, ``n_differ``, ``min_p``, ``max_p``, ``differ``."""
    rows = pd.DataFrame([row(table, c) for c in comparisons])
    _glue_summary(glue, f"plan.{name}", rows)
    return rows


def differences_under(table: pd.DataFrame, method: str) -> int:
    """How many planned comparisons would differ under another correction (``holm``, say): the cost of the choice."""
    tested = table[table["tested"] == "yes"]
    return int((multipletests(tested["p_author"], method=method)[1] < SIGNIFICANCE).sum()) if len(tested) else 0


def glue_plan(glue: Callable, table: pd.DataFrame) -> None:
    """Glue the plan's size and correction as ``plan.n_comparisons``, ``plan.n_tested``, ``plan.correction``."""
    glue("plan.n_comparisons", len(table), display=False)
    glue("plan.n_tested", int(table["tested"].eq("yes").sum()), display=False)
    glue("plan.n_differ", int(table["differs"].sum()), display=False)
    glue("plan.n_disagree", int((~table["tests_agree"]).sum()), display=False)
    glue("plan.correction", CORRECTION_NAME, display=False)
    glue("plan.n_differ_holm", differences_under(table, "holm"), display=False)


def shown(table: pd.DataFrame, entry: str, codes: list[str] | None = None) -> "pd.io.formats.style.Styler":
    """An entry's comparisons (or some of its codes) as a table for readers: shares, both adjusted p-values, the verdict."""
    rows = entry_rows(table, entry)
    rows = rows if codes is None else rows.set_index("code").loc[codes].reset_index()
    a, b = rows["label_a"].iloc[0], rows["label_b"].iloc[0]
    paired = rows["test"].iloc[0] == PAIRED
    p_columns = ["author-level p (adj.)", f"{'McNemar' if paired else 'Fisher'} p (adj.)"]
    frame = pd.DataFrame({
        "code": rows["code"].to_numpy(),
        f"{a} (n = {int(rows['n_a'].iloc[0])})": rows["share_a"].to_numpy(),
        f"{b} (n = {int(rows['n_b'].iloc[0])})": rows["share_b"].to_numpy(),
        p_columns[0]: rows["p_author_adj"].to_numpy(),
        p_columns[1]: rows["p_fisher_adj"].to_numpy(),
        "verdict": rows["verdict"].to_numpy(),
    }).set_index("code")
    shares = list(frame.columns[:2])
    return frame.style.format("{:.0%}", subset=shares).format(findings.p_value, subset=p_columns, na_rep="–")


def changed_verdicts(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The comparisons whose verdict differs between two evaluations of the plan (a what-if build)."""
    both = before[["verdict", "p_author_adj"]].merge(after[["verdict", "p_author_adj"]], left_index=True,
                                                      right_index=True, how="outer", suffixes=("_before", "_after"))
    return both[both["verdict_before"] != both["verdict_after"]]
