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


LONG = ["Offenders are known, ordinary people (known_offenders)", "Blame on government (blame_government)",
        "Distress (distress)", "Call to action (call_to_action)"]
LONG_SHARES = pd.Series([0.05, 0.28, 0.18, 0.07], index=LONG)


@pytest.mark.parametrize("draw", [
    lambda: plots.sorted_bars(pd.Series([3, 53, 38, 5], index=LONG), "New York leads a largely American conversation "
                              "that runs on for a long while", "Number of comments"),
    lambda: plots.interval_dots(LONG_SHARES, LONG_SHARES - 0.04, LONG_SHARES + 0.04, "Blame on government is the "
                                "commonest theme of all", "Share of comments"),
    lambda: plots.paired_dots(pd.DataFrame({f"{k} {g}": LONG_SHARES + d for k, d in (("share", 0), ("low", -0.03),
                                            ("high", 0.03)) for g in ("replies", "others")}), ("replies", "others"),
                              "Replies and others share their themes", "Share of comments"),
    lambda: plots.dumbbell(LONG_SHARES, LONG_SHARES + 0.1, "before", "after", "Every code gains", "F1"),
], ids=["sorted_bars", "interval_dots", "paired_dots", "dumbbell"])
def test_long_row_labels_are_broken_over_lines_so_the_figure_fits_a_phone(draw):
    fig = draw()
    try:
        assert drawn_width(fig) <= plots.PHONE_FIGURE_WIDTH
        assert style.smallest_text(fig) >= style.MIN_FONT
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert {label.replace("\n", " ") for label in labels} == set(LONG)
        assert "Offenders are known,\nordinary people\n(known_offenders)" in labels  # broken at spaces first
        # no two labels overlap: each row is at least as tall as its label
        extents = sorted((t.get_window_extent() for t in fig.axes[0].get_yticklabels()), key=lambda b: b.y0)
        assert all(lower.y1 <= upper.y0 + 1 for lower, upper in zip(extents, extents[1:]))
    finally:
        plt.close(fig)


def test_a_title_wider_than_its_figure_is_wrapped():
    fig, ax = plt.subplots(figsize=(style.FIGURE_WIDTH, 3))
    ax.set_title("A title that states a finding at length, far longer than a phone's figure is wide")
    style.finish(fig)
    assert "\n" in ax.get_title(loc=plt.rcParams["axes.titlelocation"])
    plt.close(fig)


@pytest.mark.parametrize("text", ["Blame on government (blame_government)", "AVAST To Wa", "é ü – ’ α 95%",
                                  "x", "  leading and trailing  ", "call_to_action"])
@pytest.mark.parametrize("size", [style.MIN_FONT, 12.5])
def test_a_labels_width_is_the_extent_of_its_outline_as_matplotlib_measures_it(text, size):
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    outline = TextPath((0, 0), text, size=size, prop=FontProperties()).get_extents().width / 72
    assert style.text_width(text, size) == pytest.approx(outline, rel=1e-12, abs=1e-12)


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

    codes = tuple(Code(f"{category.split()[0].lower()}_{i}", f"Code {i}", category, "a priori", "", "", "", ())
                  for category, n in sizes.items() for i in range(1, n + 1))
    return Codebook(codes, tuple(sizes))


def invented_study(sizes: dict[str, int], seed: int = 0):
    """A made-up codebook and a table of made-up comments coded with it at random."""
    import numpy as np

    book = invented_codebook(sizes)
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(rng.uniform(size=(200, len(book.ids))) < 0.3, columns=book.ids).astype(int)
    return book, table


def panel_titles(fig) -> list[str]:
    return [t.get_text() for t in fig.texts if t is not fig._suptitle]


def test_the_category_matrix_gives_the_share_of_one_categorys_comments_that_carry_another():
    from comment_study.analysis import findings

    table = pd.DataFrame({"a1": [1, 1, 0, 0, 0], "a2": [0, 1, 1, 0, 0], "b1": [1, 0, 0, 1, 0], "c1": [0, 0, 0, 0, 0]})
    shares = findings.category_matrix(table, {"A": ["a1", "a2"], "B": ["b1"], "C": ["c1"]})
    assert shares.loc["A", "B"] == pytest.approx(1 / 3)  # of the three comments with an A code, one has a B code
    assert shares.loc["B", "A"] == pytest.approx(1 / 2)
    assert pd.isna(shares.loc["A", "A"]) and shares.loc["C"].isna().all()  # no diagonal; C has no comments


@pytest.mark.parametrize("sizes", [
    {"Reactions": 3, "Responsibility": 3, "Remedies": 7, "Speaker positions": 3, "Framings": 8,
     "Coverage and action": 3},  # the codebook's shape (version 4: 27 codes)
    {"Reactions": 3, "Remedies": 14, "Framings": 1},  # a category too wide for one panel
], ids=["codebook-v4-shape", "wide-category"])
def test_the_co_occurrence_figure_is_compact_and_legible_on_a_phone(sizes):
    """A summary of categories, then each category's codes by its codes, on a phone's width and about two screens."""
    import numpy as np

    from comment_study.analysis import findings

    book, table = invented_study(sizes)
    matrix = findings.conditional_matrix(table, book.ids)
    categories = findings.category_matrix(table, {c: [code.id for code in book.in_category(c)] for c in book.categories})
    fig = plots.heatmap_by_category(matrix, categories, book, "Some made-up themes travel together")
    try:
        assert fig.get_figwidth() <= plots.PHONE_FIGURE_WIDTH
        assert style.smallest_text(fig) >= style.MIN_FONT
        # about two phone screens: shown at the scale that keeps its text at 80% of a 16-px body text,
        # on a 390-px phone whose screen is 844 px tall
        shown = fig.get_figheight() * style.DPI * 0.8 * 16 / (style.MIN_FONT * style.DPI / 72)
        assert shown <= 2.2 * 844, f"{shown:.0f} px tall on a phone"
        axes = [ax for ax in fig.axes if ax.images]
        titles = panel_titles(fig)
        assert titles[0] == "Categories"
        assert len(titles) == len(axes)  # every panel is titled
        # the summary panel: categories by categories, the values of category_matrix in percent
        summary = axes[0]
        assert [t.get_text().replace("\n", " ") for t in summary.get_yticklabels()] == list(book.categories)
        assert np.allclose(np.ma.filled(summary.images[0].get_array(), np.nan), 100 * categories.to_numpy(),
                           equal_nan=True)
        # then the codebook's categories in order, each its own codes by its own codes (a wide one in runs)
        seen: dict[str, list[str]] = {}
        for ax, title in zip(axes[1:], titles[1:]):
            category = title.split(" (")[0]
            rows = [t.get_text().replace("\n", "") for t in ax.get_yticklabels()]
            columns = [t.get_text().replace("\n", "") for t in ax.get_xticklabels()]
            assert rows == [code.id for code in book.in_category(category)]
            seen.setdefault(category, []).extend(columns)
            values = np.ma.filled(ax.images[0].get_array(), np.nan)
            assert np.allclose(values, 100 * matrix.loc[rows, columns].to_numpy(), equal_nan=True)
        assert list(seen) == list(book.categories)
        assert all(seen[c] == [code.id for code in book.in_category(c)] for c in book.categories)
        if max(sizes.values()) > 8:
            assert len(axes) > len(book.categories) + 1  # the widest category took several panels
    finally:
        plt.close(fig)


def drawn_width(fig) -> float:
    """Inches: the width of everything a figure draws (what ``savefig(bbox_inches="tight")`` keeps)."""
    fig.canvas.draw()
    return fig.get_tightbbox(fig.canvas.get_renderer()).width


def test_the_grouped_dot_plot_fits_a_phone_however_long_its_labels():
    """Long labels are broken over lines beside the plot, never widening the figure beyond a phone's legible width."""
    table = pd.DataFrame({
        "category": ["Framings", "Framings", "Coverage and action"],
        "label": ["Offenders are known, ordinary people", "Gender of offenders", "Critique of the coverage"],
        "share": [0.07, 0.08, 0.09], "low": [0.05, 0.06, 0.07], "high": [0.1, 0.11, 0.12],
    }, index=["known_offenders", "gender", "critique_coverage"])
    fig = plots.grouped_interval_dots(table, "Blame on government is the commonest theme in a long title (19%)",
                                      "Share of comments (95% Wilson interval)")
    try:
        assert drawn_width(fig) <= plots.PHONE_FIGURE_WIDTH
        assert style.smallest_text(fig) >= style.MIN_FONT
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert labels[0] == "FRAMINGS" and "\n" in labels[-1]
        assert [label.replace("\n", " ") for label in labels[1:3]] == [
            "Gender of offenders (gender)", "Offenders are known, ordinary people (known_offenders)"]
    finally:
        plt.close(fig)


def wide_matrix(rows: int, columns: int, signed: bool = False, seed: int = 1) -> pd.DataFrame:
    """A made-up matrix of shares (or of correlations, ``signed``) with code-like labels."""
    import numpy as np

    rng = np.random.default_rng(seed)
    values = rng.uniform(-0.6, 0.6, (rows, columns)) if signed else rng.uniform(0, 1, (rows, columns))
    return pd.DataFrame(values, index=[f"row_code_{i}" for i in range(rows)],
                        columns=[f"column_code_{j}" for j in range(columns)])


def placed_values(fig) -> list[tuple[str, str, str]]:
    """(table, row label, column label) of every cell drawn in the figure's heatmap panels (table: the panel's title)."""
    import numpy as np

    cells = []
    for ax in (ax for ax in fig.axes if ax.images):
        rows = [t.get_text().replace("\n", "") for t in ax.get_yticklabels()]
        columns = [t.get_text().replace("\n", "") for t in ax.get_xticklabels()]
        array = np.ma.filled(ax.images[0].get_array(), np.nan)
        assert array.shape == (len(rows), len(columns))
        table = ax.get_title(loc="left").split(" (")[0]
        cells += [(table, r, c) for r in rows for c in columns]
    return cells


@pytest.mark.parametrize("draw", [
    lambda: plots.annotated_heatmap(wide_matrix(10, 10), "Ten codes by ten", "share", xlabel="also carries",
                                    ylabel="comments with"),
    lambda: plots.annotated_heatmap(wide_matrix(7, 15), "Seven rows by fifteen columns", "share"),
    lambda: plots.heatmap_panels({"": wide_matrix(12, 9, signed=True)}, "Correlations, two decimals each", "r",
                                 fmt="{:.2f}", diverging=True),
    lambda: plots.heatmap_panels({"first": wide_matrix(4, 8), "second": wide_matrix(4, 6, seed=2)},
                                 "Two wide tables", "share", fmt="{:.0%}"),
], ids=["ten-by-ten", "fifteen-columns", "signed-12-by-9", "two-tables"])
def test_a_heatmap_wider_than_a_phone_is_split_into_panels_that_fit(draw):
    """Panels no wider than a phone, every value placed exactly once, each panel with the row labels, text legible."""
    import numpy as np

    fig = draw()
    try:
        assert drawn_width(fig) <= style.PHONE_WIDTH
        assert style.smallest_text(fig) >= style.MIN_FONT
        axes = [ax for ax in fig.axes if ax.images]
        assert len(axes) >= 2  # it had to be split
        cells = placed_values(fig)
        assert len(cells) == len(set(cells))  # no value twice
        labels = {t.get_text().replace("\n", "") for ax in axes for t in ax.get_yticklabels()}
        assert all([t.get_text() for t in ax.get_yticklabels()] for ax in axes)  # every panel repeats the row labels
        n_values = sum(np.ma.filled(ax.images[0].get_array(), np.nan).size for ax in axes)
        written = [t for ax in axes for t in ax.texts if t.get_text()]
        assert len(written) == n_values  # each value written in its cell (none missing in these matrices)
        assert labels and len(cells) == n_values
        # about two phone screens at most, shown at the scale that keeps its text at 80% of 16-px body text
        shown = fig.get_figheight() * style.DPI * 0.8 * 16 / (style.MIN_FONT * style.DPI / 72)
        assert shown <= 2.2 * 844, f"{shown:.0f} px tall on a phone"
    finally:
        plt.close(fig)


def test_the_split_keeps_every_value_of_the_matrix_in_its_place():
    import numpy as np

    matrix = wide_matrix(7, 15)
    fig = plots.annotated_heatmap(matrix, "Seven rows by fifteen columns", "share")
    try:
        seen = {}
        for ax in (ax for ax in fig.axes if ax.images):
            rows = [t.get_text().replace("\n", "") for t in ax.get_yticklabels()]
            columns = [t.get_text().replace("\n", "") for t in ax.get_xticklabels()]
            assert rows == list(matrix.index)
            assert np.allclose(np.ma.filled(ax.images[0].get_array(), np.nan), matrix.loc[rows, columns].to_numpy())
            seen.update(dict.fromkeys(columns))
        assert list(seen) == list(matrix.columns)  # the columns in order, each once
    finally:
        plt.close(fig)


def test_a_heatmap_that_fits_a_phone_is_drawn_as_one_panel_with_its_values_as_formatted():
    matrix = wide_matrix(3, 3)
    fig = plots.annotated_heatmap(matrix, "Three by three", "share")
    try:
        assert len([ax for ax in fig.axes if ax.images]) == 1
        assert f"{matrix.iloc[0, 0]:.0%}" in [t.get_text() for t in fig.axes[0].texts]
    finally:
        plt.close(fig)


def test_signed_values_are_written_compactly_when_that_lets_the_heatmap_fit():
    matrix = wide_matrix(26, 7, signed=True)  # the shape of the topics chapter's correlations
    fig = plots.heatmap_panels({"": matrix}, "Correlations", "r", fmt="{:.2f}", diverging=True)
    try:
        assert drawn_width(fig) <= style.PHONE_WIDTH
        texts = [t.get_text() for ax in fig.axes if ax.images for t in ax.texts]
        assert texts and not any(t.lstrip("-").startswith("0.") for t in texts)  # .15, not 0.15
        assert plots.compact("{:.2f}")(-0.157) == "-.16" and plots.compact("{:.0%}")(0.5) == "50%"
    finally:
        plt.close(fig)


def test_a_width_forced_on_a_heatmap_is_undone_so_it_still_fits_a_phone():
    fig = plots.annotated_heatmap(wide_matrix(24, 4), "Four groups", "share")
    drawn = tuple(fig.get_size_inches())
    try:
        fig.set_size_inches(7.5, 9.0)  # as a chapter once did
        style.finish(fig)
        assert tuple(fig.get_size_inches()) == drawn
        assert drawn_width(fig) <= style.PHONE_WIDTH
    finally:
        plt.close(fig)
