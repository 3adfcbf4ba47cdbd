"""The counting behind the responsibility, remedies and values chapters, checked by independent recounts."""

from __future__ import annotations

import itertools
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

from comment_study.study import load_study
from comment_study.corpus import article, files as data

from comment_study.coding import sheets as coding

from comment_study.analysis import findings

from comment_study.book import plots
from conftest import ROOT  # noqa: E402

STANCE_FILE = ROOT / findings.PRIVACY_STANCE_FILE
STANCES = findings.PRIVACY_STANCE


@pytest.fixture(scope="module")
def study():
    return load_study()


def test_combination_counts_match_a_recount_over_every_subset(study):
    codes = ["blame_tech", "blame_government", "blame_parents"]
    counts = findings.combination_counts(study.table, codes)
    for size in (1, 2, 3):
        for subset in itertools.combinations(codes, size):
            exact = study.table[codes].eq(1).eq(pd.Series({c: c in subset for c in codes})).all(axis=1)
            expected = int(exact.sum())
            assert counts.get(" + ".join(subset), 0) == expected, subset
    assert counts.sum() == int(study.table[codes].eq(1).any(axis=1).sum())
    assert list(counts) == sorted(counts, reverse=True)


def test_authors_match_a_counter_over_the_coded_comments(study):
    result = findings.authors(study.table, ["tech_fix", "punitive"])
    for code in ("tech_fix", "punitive"):
        counter = Counter(study.table.loc[study.table[code] == 1, "author_id"])
        top_count = max(counter.values())
        assert result.loc[code, "comments"] == sum(counter.values())
        assert result.loc[code, "commenters"] == len(counter)
        assert result.loc[code, "top_count"] == top_count
        assert result.loc[code, "top_author"] == min(a for a, n in counter.items() if n == top_count)
        assert result.loc[code, "top_share"] == pytest.approx(top_count / sum(counter.values()))


def test_privacy_stances_cover_exactly_the_comments_coded_privacy_liberty(study):
    stances = findings.load_subcoding(STANCE_FILE, study.table, "privacy_liberty", STANCES)
    coded = set(study.table.loc[study.table["privacy_liberty"] == 1, "comment_id"])
    assert set(stances["comment_id"]) == coded
    assert stances["comment_id"].is_unique
    assert set(stances["stance"]) <= set(STANCES["stance"]) and set(stances["value"]) <= set(STANCES["value"])


def _with_stance(row: str, stance: str) -> str:
    """A stance-file row with its stance field replaced."""
    fields = row.split(",", 3)
    return ",".join([fields[0], stance, *fields[2:]])


def _write(tmp_path, lines: list[str]):
    path = tmp_path / "stance.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: [rows[0].replace("basis", "why")] + rows[1:], "line 1: expected the columns"),
        (lambda rows: rows[:2] + [_with_stance(rows[2], "neutral")] + rows[3:], "line 3: stance 'neutral'"),
        (lambda rows: rows + [rows[1]], "appears twice"),
        (lambda rows: rows + ["45,liberty,speech,a punitive comment"], "comment 45 is not coded privacy_liberty"),
        (lambda rows: rows + ["x,liberty,speech,no id"], "is not a number"),
        (lambda rows: rows[:1] + rows[2:], "have no row"),
        (lambda rows: rows + ["26,liberty,speech"], "expected 4 fields"),
    ],
)
def test_a_broken_stance_file_stops_with_its_line_named(study, tmp_path, change, message):
    rows = STANCE_FILE.read_text(encoding="utf-8").splitlines()
    path = _write(tmp_path, change(rows))
    with pytest.raises(coding.CodingSheetError, match=message) as error:
        findings.load_subcoding(path, study.table, "privacy_liberty", STANCES)
    assert str(path) in str(error.value)


def test_sentence_with_finds_exactly_one_sentence_or_says_why_not():
    text = data.article(ROOT)
    assert "understaffed and underfunded" in article.sentence_with(text, "understaffed")
    with pytest.raises(ValueError, match="0 sentences"):
        article.sentence_with(text, "a phrase the article never uses")
    with pytest.raises(ValueError, match="sentences containing 'the'"):
        article.sentence_with(text, "the")


def test_mentioning_finds_every_sentence_with_the_stem_whatever_its_case():
    text = "Encryption helps. Nothing here. They use encrypted apps."
    assert article.mentioning(text, "encrypt") == ["Encryption helps.", "They use encrypted apps."]


def test_percent_axis_formats_every_panel_as_percentages_on_round_ticks():
    fig, axes = plt.subplots(1, 2, figsize=(15, 2.5))
    axes[0].set_xlim(0.015, 0.235)  # matplotlib's own ticks would fall on 2.5% steps here
    plots.percent_axis(fig)
    assert all(isinstance(ax.xaxis.get_major_formatter(), PercentFormatter) for ax in axes)
    assert axes[0].xaxis.get_major_formatter()(0.25, 0) == "25%"
    fig.canvas.draw()
    ticks = axes[0].get_xticks()
    assert all(abs(t * 100 - round(t * 100)) < 1e-9 for t in ticks), ticks  # no 12.5% shown as "12%"
    plt.close(fig)


def test_p_text_writes_small_p_values_as_bounds_and_missing_ones_as_untested():
    assert findings.p_text(0.0004) == "p < 0.001"
    assert findings.p_text(0.0123) == "p = 0.012"
    assert findings.p_text(1.0) == "p = 1.0"
    assert findings.p_text(0.6972) == "p = 0.70"
    assert findings.p_text(float("nan")) == "not tested"
