"""The book's figures are drawn for a phone: no text below style.MIN_FONT, long titles wrapped.

The browser test (tests/test_browser.py) measures the scale each figure is shown at on a 390-px
screen; this checks the other half of the bargain, the smallest text each kind of figure draws.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from comment_study.book import plots, style  # noqa: E402

style.apply()
LABELS = ["Blame on government (blame_government)", "Distress (distress)", "Call to action (call_to_action)"]
SHARES = pd.Series([0.28, 0.18, 0.07], index=LABELS)


@pytest.mark.parametrize("draw", [
    lambda: plots.sorted_bars(pd.Series([53, 38, 5], index=LABELS), "New York leads a largely American conversation "
                              "that runs on for a long while", "Number of comments"),
    lambda: plots.interval_dots(SHARES, SHARES - 0.05, SHARES + 0.05, "Blame on government is the commonest theme",
                                "Share of comments"),
    lambda: plots.annotated_heatmap(pd.DataFrame([[1.0, 0.2], [0.3, 1.0]], index=LABELS[:2], columns=LABELS[:2]),
                                    "Distress and calls to act travel together", "share"),
    lambda: plots.diverging_bars({"VADER": pd.Series([-429.8, 12.0], index=["abuse", "thank"])},
                                 "The subject's own words drive the scores", {"VADER": "summed contribution"}),
], ids=["sorted_bars", "interval_dots", "annotated_heatmap", "diverging_bars"])
def test_no_figure_text_is_smaller_than_the_minimum(draw):
    fig = draw()
    try:
        assert style.smallest_text(fig) >= style.MIN_FONT
    finally:
        plt.close(fig)


def test_a_title_wider_than_its_figure_is_wrapped():
    fig, ax = plt.subplots(figsize=(style.FIGURE_WIDTH, 3))
    ax.set_title("A title that states a finding at length, far longer than a phone's figure is wide")
    style.finish(fig)
    assert "\n" in ax.get_title(loc=plt.rcParams["axes.titlelocation"])
    plt.close(fig)


def test_tables_show_whole_numbers_without_decimals_and_tiny_values_bounded():
    assert [style.readable_number(x) for x in (4.0, 338.0, 0.209677, -429.77585, 0.000072, 1.0)] == \
        ["4", "338", "0.21", "-429.8", "< 0.001", "1.00"]


def test_list_cells_and_missing_values_read_as_text():
    table = pd.DataFrame({"codes": [["tech_fix", "historical"], []], "answers": pd.array([188, None], dtype="Int64")})
    shown = style.readable_table(table)
    assert shown["codes"].tolist() == ["tech_fix, historical", "–"] and shown["answers"].tolist() == [188, "–"]


def invented_codebook(sizes: dict[str, int]):
    """A codebook of made-up codes, ``sizes[category]`` of them in each category."""
    from comment_study.coding.codebook import Code, Codebook

    codes = tuple(Code(f"{category.lower()}_code_{i}", f"Code {i}", category, "a priori", "", "", "", ())
                  for category, n in sizes.items() for i in range(1, n + 1))
    return Codebook(codes, tuple(sizes))


def test_the_co_occurrence_heatmap_is_split_by_category_to_fit_a_phone():
    """Any number of codes per category: panels follow the codebook, none wider than a phone shows legibly."""
    import numpy as np

    book = invented_codebook({"Reactions": 3, "Remedies": 11, "Framings": 1})
    rng = np.random.default_rng(0)
    values = rng.uniform(size=(len(book.ids), len(book.ids)))
    np.fill_diagonal(values, np.nan)
    matrix = pd.DataFrame(values, index=book.ids, columns=book.ids)
    per_panel = 4
    panels = plots.category_columns(book, book.ids, per_panel)
    assert [columns for _, columns in panels][0] == book.ids[:3]
    remedies = [columns for name, columns in panels if name.startswith("Remedies")]
    assert sum(remedies, []) == [c.id for c in book.in_category("Remedies")]
    assert [len(c) for c in remedies] == [4, 4, 3] and [name for name, _ in panels][1] == "Remedies (1 of 3)"
    fig = plots.heatmap_by_category(matrix, book, "Some made-up themes travel together")
    try:
        assert fig.get_figwidth() <= plots.PHONE_FIGURE_WIDTH
        assert style.smallest_text(fig) >= style.MIN_FONT
        drawn = [ax for ax in fig.axes if ax.get_title(loc="left")]
        widest = max(len(ax.get_xticks()) for ax in drawn)
        assert [ax.get_title(loc="left") for ax in drawn] == [name for name, _ in plots.category_columns(book, book.ids, widest)]
        assert len(drawn) > len(book.categories)  # the eleven remedies did not fit one panel
        for ax in drawn:  # every panel: all codes as rows, the values of matrix's rows as its columns
            assert [t.get_text() for t in ax.get_yticklabels()] == book.ids
        column = drawn[0].images[0].get_array()[:, 1]
        expected = matrix.loc[book.ids[1], book.ids].to_numpy()
        assert np.allclose(np.ma.filled(column, np.nan), expected, equal_nan=True)
    finally:
        plt.close(fig)
