"""The book's few kinds of figure, drawn in the one style of :mod:`comment_study.book.style`."""

from __future__ import annotations

import re
import textwrap
from typing import Callable

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator, PercentFormatter

from comment_study.coding.codebook import Codebook
from comment_study.book.style import (ACCENT, FIGURE_WIDTH, MAIN, MIN_FONT, MUTED, NEGATIVE_COLOUR, PHONE_WIDTH,
                                      TITLE_FONT, finish, text_width, wrap_titles)


def sorted_bars(counts: pd.Series, title: str, xlabel: str, highlight: set[str] | None = None) -> plt.Figure:
    """Horizontal bars sorted from largest (top) to smallest, each labelled with its value."""
    counts = counts.sort_values()
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, max(2.2, 0.38 * len(counts) + 1.0)))
    colours = [MAIN if (highlight is None or k in highlight) else MUTED for k in counts.index]
    bars = ax.barh([str(k) for k in counts.index], counts.to_numpy(), color=colours)
    ax.bar_label(bars, padding=3, fontsize=MIN_FONT)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.margins(x=0.08)
    return finish(fig)


def colour_scale(values: list[np.ndarray], diverging: bool = False) -> tuple[mpl.colors.Colormap, mpl.colors.Normalize]:
    """One colour scale for several matrices: PuOr centred on 0 when ``diverging`` (signed values), else cividis."""
    finite = np.concatenate([v[~np.isnan(v)] for v in values])
    if diverging:
        limit = float(np.abs(finite).max()) or 1.0
        return plt.get_cmap("PuOr"), mpl.colors.Normalize(-limit, limit)
    return plt.get_cmap("cividis"), mpl.colors.Normalize(float(finite.min()), float(finite.max()))


def draw_cells(ax: plt.Axes, matrix: np.ndarray, cmap: mpl.colors.Colormap, norm: mpl.colors.Normalize,
               fmt: str | Callable[[float], str]) -> mpl.image.AxesImage:
    """A matrix as coloured cells with each value written in it, in ink that contrasts with its cell.

    ``fmt`` is a format string (``"{:.0%}"``) or a function from a value to its text.
    """
    image = ax.imshow(matrix, cmap=cmap, norm=norm, aspect="auto")
    ax.grid(False)
    for (i, j), value in np.ndenumerate(matrix):
        if not np.isnan(value):
            red, green, blue, _ = cmap(norm(value))
            ink = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
            text = cell_text(fmt, value)
            if text.startswith("-") and not any(d in text for d in "123456789"):
                text = text[1:]  # a value that rounds to zero is shown as 0, not -0
            ax.text(j, i, text, ha="center", va="center", fontsize=MIN_FONT, color=ink)
    return image


def cell_text(fmt: str | Callable[[float], str], value: float) -> str:
    """A cell's value as text: ``fmt`` a format string or a function."""
    return fmt(value) if callable(fmt) else fmt.format(value)


def compact(fmt: str) -> Callable[[float], str]:
    """``fmt`` without the leading zero of a value below 1 (``0.15`` -> ``.15``, ``-0.15`` -> ``-.15``), as r is written."""
    return lambda value: re.sub(r"^(-?)0(?=\.)", r"\1", fmt.format(value))


def runs(n: int, longest: int) -> list[range]:
    """``range(n)`` cut into the fewest runs of at most ``longest``, of near-equal length (10 by 6: 5 and 5)."""
    count = -(-n // max(1, longest))
    size = -(-n // count) if n else 1
    return [range(i, min(i + size, n)) for i in range(0, n, size)]


def heatmap_panels(tables: dict[str, pd.DataFrame], title: str, cbar_label: str, fmt: str = "{:.0f}",
                   xlabel: str = "", ylabel: str = "", diverging: bool = False,
                   width: float = PHONE_WIDTH) -> plt.Figure:
    """One or more heatmaps on one colour scale, every cell's value written in it, never wider than a phone.

    ``diverging`` centres a two-sided palette (PuOr, colour-blind safe) on 0 for signed values
    such as correlations; otherwise the sequential cividis is used (counts, shares). Drawn for a
    phone: cells just wide enough for their values at the smallest text size, row labels broken
    over lines (:func:`style.fit_label`), column labels upright on at most two lines, and the
    colour scale below. Heatmaps that fit ``width`` inches side by side are drawn so. One that
    does not first writes its values compactly (``0.15`` as ``.15``: :func:`compact`); if it
    still does not fit, each table's columns are cut into runs that do (:func:`runs`), drawn as
    panels one above the other on the same cells' width, each repeating the row labels, so that
    every value is shown once and its text stays at ``style.MIN_FONT`` on a 390-px phone.
    """
    from comment_study.book.style import fit_label

    values = [t.to_numpy(dtype=float) for t in tables.values()]
    cmap, norm = colour_scale(values, diverging)
    finite = np.concatenate([v[~np.isnan(v)] for v in values])
    first = next(iter(tables.values()))
    rows = [fit_label(str(r), 1.2) for r in first.index]

    def column_label(label: str) -> str:  # upright: two lines at most, so that it fits its cell's width
        fitted = fit_label(label, 1.2)
        return fitted if fitted.count("\n") < 2 else wrapped(label)

    def cell_width(form, least: float) -> float:
        return max(least, max(text_width(cell_text(form, v)) for v in finite) + 0.1)

    columns = {name: [column_label(str(c)) for c in table.columns] for name, table in tables.items()}
    left = label_size(rows) + (0.3 if ylabel else 0.0)

    def side_by_side(form, least):
        return _heatmaps_side_by_side(tables, values, columns, rows, cell_width(form, least), form, cmap, norm,
                                      cbar_label, xlabel, ylabel)

    def stacked(form, least, per_panel):
        panels = [(name if len(cuts) == 1 or not name else f"{name} ({n} of {len(cuts)})",
                   table.iloc[:, list(cut)], [columns[name][j] for j in cut])
                  for name, table in tables.items()
                  for cuts in [runs(table.shape[1], per_panel)] for n, cut in enumerate(cuts, start=1)]
        return _heatmaps_stacked(panels, rows, cell_width(form, least), per_panel, form, cmap, norm, cbar_label,
                                 xlabel, ylabel)

    # as drawn before if it fits; else its values compact, cells as narrow as they allow; else in runs of columns
    narrow = compact(fmt)
    widest = max(t.shape[1] for t in tables.values())
    start = max(1, min(widest, int((width - left - 0.35) // cell_width(narrow, 0.38))))
    attempts = [lambda: side_by_side(fmt, 0.4), lambda: side_by_side(narrow, 0.38)]
    attempts += [lambda k=k: stacked(narrow, 0.38, k) for k in range(start, 0, -1)]
    for attempt in attempts:
        fig = attempt()
        fig.suptitle(fit_lines(title, fig.get_figwidth() - 0.15, TITLE_FONT, bold=True), x=0.01, ha="left",
                     fontsize=TITLE_FONT, fontweight="bold")  # measured, so that a bold title never runs past the edge
        fig.draw_without_rendering()  # lays it out (the layout engine runs) without painting it
        if fig.get_tightbbox().width <= width or attempt is attempts[-1]:
            break
        plt.close(fig)
    fig._drawn_size = tuple(fig.get_size_inches())  # what style.finish restores if a wider size is forced on it
    return finish(fig)


def _colour_bar(fig: plt.Figure, image, axes: list, label: str, form, pad: float) -> None:
    """The one colour scale below the panels; in percent when the cells are (a ``%`` format)."""
    bar = fig.colorbar(image, ax=axes, label=label, orientation="horizontal", location="bottom", shrink=0.9,
                       aspect=12, pad=pad)
    if "%" in cell_text(form, 0.5):
        bar.ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _heatmaps_side_by_side(tables, values, columns, rows, cell, form, cmap, norm, cbar_label, xlabel, ylabel) -> plt.Figure:
    """The heatmaps in one row of panels, the row labels on the first (a figure that fits a phone as it is)."""
    n_columns = sum(t.shape[1] for t in tables.values())
    above = label_size([c for labels in columns.values() for c in labels])
    width = label_size(rows) + (0.3 if ylabel else 0.0) + cell * n_columns + 0.15 * len(tables) + 0.2
    height = cell * max(t.shape[0] for t in tables.values()) + above + (0.4 if xlabel else 0.0) + 2.0
    fig, axes = plt.subplots(1, len(tables), squeeze=False, layout="constrained", figsize=(width, height),
                             width_ratios=[t.shape[1] for t in tables.values()])
    for ax, (name, table), matrix in zip(axes[0], tables.items(), values):
        image = draw_cells(ax, matrix, cmap, norm, form)
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.set_xticks(range(table.shape[1]), columns[name], rotation=90, va="bottom", linespacing=1.0)
        ax.set_yticks(range(table.shape[0]), rows if ax is axes[0][0] else [], linespacing=1.0)
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
        ax.set_title(name, fontsize=MIN_FONT, fontweight="normal")
        ax.set_xlabel(xlabel)
    axes[0][0].set_ylabel(ylabel)
    _colour_bar(fig, image, list(axes[0]), cbar_label, form, 0.02)
    return fig


def _heatmaps_stacked(panels, rows, cell, per_panel, form, cmap, norm, cbar_label, xlabel, ylabel) -> plt.Figure:
    """Runs of columns as panels one above the other, each with the row labels, cells of one size, left-aligned."""
    above = [label_size(labels) for _, _, labels in panels]
    heights = [cell * table.shape[0] + up + (0.3 if xlabel else 0.0) + (0.3 if name else 0.0) + 0.25
               for (name, table, _), up in zip(panels, above)]
    width = label_size(rows) + (0.3 if ylabel else 0.0) + cell * per_panel + 0.35
    fig, axes = plt.subplots(len(panels), 1, squeeze=False, layout="constrained",
                             figsize=(width, sum(heights) + 1.6), height_ratios=[t.shape[0] for _, t, _ in panels])
    for ax, (name, table, labels) in zip(axes[:, 0], panels):
        image = draw_cells(ax, table.to_numpy(dtype=float), cmap, norm, form)
        ax.set_xlim(-0.5, per_panel - 0.5)  # every panel's cells as wide as the fullest panel's
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
        ax.set_xticks(range(table.shape[1]), labels, rotation=90, va="bottom", linespacing=1.0)
        ax.set_yticks(range(table.shape[0]), rows, linespacing=1.0)
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
        ax.set_title(name, fontsize=MIN_FONT, fontweight="normal")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
    _colour_bar(fig, image, list(axes[:, 0]), cbar_label, form, 0.01)
    return fig


PHONE_FIGURE_WIDTH = PHONE_WIDTH
"""Inches: the widest a figure may be drawn and still fit a 390-px phone legibly (:data:`style.PHONE_WIDTH`)."""


def category_columns(codebook: Codebook, present: list[str], per_panel: int) -> list[tuple[str, list[str]]]:
    """Each category's codes (those in ``present``, in codebook order) in runs of at most ``per_panel``, titled by category."""
    panels = []
    for category in codebook.categories:
        codes = [code.id for code in codebook.in_category(category) if code.id in present]
        size = -(-len(codes) // -(-len(codes) // per_panel)) if codes else 1  # runs of near-equal length
        runs = [codes[i:i + size] for i in range(0, len(codes), size)]
        panels += [(category if len(runs) == 1 else f"{category} ({n} of {len(runs)})", run)
                   for n, run in enumerate(runs, start=1)]
    return panels


def wrapped(label: str) -> str:
    """A code id or category name on at most two lines, broken at the underscore or space nearest its middle.

    ``blame_government`` -> ``blame_`` / ``government``; ``call_to_action`` -> ``call_to_`` / ``action``;
    ``Coverage and action`` -> ``Coverage`` / ``and action``. A label without either stays on one line.
    """
    breaks = [i + 1 for i, c in enumerate(label) if c in "_ "]
    if not breaks:
        return label
    at = min(breaks, key=lambda i: abs(len(label) - 2 * i))
    return label[:at].rstrip() + "\n" + label[at:]


def label_size(labels: list[str]) -> float:
    """Inches: the widest line of any of ``labels`` at the smallest text size."""
    return max(text_width(line) for label in labels for line in label.splitlines())


def square_panels(panels: list[tuple[str, pd.DataFrame]], title: str, fmt: str, width: float = PHONE_FIGURE_WIDTH,
                  ) -> plt.Figure:
    """Square matrices as heatmaps of equal, square cells, laid out in rows no wider than ``width``, one colour scale.

    Each panel is (title, matrix); its rows and columns are labelled with their names broken at
    underscores and spaces (:func:`wrapped`), its columns' labels on top, and every cell's value
    written in it at the smallest text size. Panels are placed in order, side by side while they
    fit the width, so that small ones share a row.
    """
    values = [table.to_numpy(dtype=float) for _, table in panels]
    cmap, norm = colour_scale(values)
    finite = np.concatenate([v[~np.isnan(v)] for v in values])
    cell = max(0.38, max(text_width(fmt.format(v)) for v in finite) + 0.1)
    gap, title_height, pad = 0.2, 0.3, 0.08
    sizes = []
    for name, table in panels:
        rows = [wrapped(str(r)) for r in table.index]
        columns = [wrapped(str(c)) for c in table.columns]
        sizes.append((label_size(rows) + pad, label_size(columns) + pad, table.shape[1] * cell, table.shape[0] * cell))
    lines: list[list[int]] = [[]]
    for i, (left, _, across, _) in enumerate(sizes):
        used = sum(sizes[j][0] + sizes[j][2] + gap for j in lines[-1])
        if lines[-1] and used + left + across > width:
            lines.append([])
        lines[-1].append(i)
    heights = [max(title_height + sizes[i][1] + sizes[i][3] for i in line) + gap for line in lines]
    figure_width = min(width, max(sum(sizes[i][0] + sizes[i][2] + gap for i in line) for line in lines))
    fig = plt.figure(figsize=(figure_width, 0.7 + sum(heights)))
    fig.suptitle(title, x=0.01, y=1 - 0.05 / fig.get_figheight(), ha="left", va="top", fontsize=TITLE_FONT,
                 fontweight="bold")
    wrap_titles(fig)
    top = fig.get_figheight() - 0.7
    W, H = fig.get_figwidth(), fig.get_figheight()
    for line, height in zip(lines, heights):
        x = 0.0
        for i in line:
            (name, table), (left, above, across, down) = panels[i], sizes[i]
            bottom = top - title_height - above - down
            ax = fig.add_axes((min(x + left, W - across) / W, bottom / H, across / W, down / H))
            draw_cells(ax, table.to_numpy(dtype=float), cmap, norm, fmt)
            ax.set_aspect("auto")
            ax.xaxis.tick_top()
            # two-line labels set tight (line spacing 1) so that each fits its cell's width or height
            ax.set_xticks(range(table.shape[1]), [wrapped(str(c)) for c in table.columns], rotation=90, va="bottom",
                          linespacing=1.0)
            ax.set_yticks(range(table.shape[0]), [wrapped(str(r)) for r in table.index], va="center", linespacing=1.0)
            ax.tick_params(length=0, pad=2)
            ax.spines[:].set_visible(False)
            fig.text(x / W, (top - 0.02) / H, name, ha="left", va="top", fontsize=TITLE_FONT, fontweight="bold")
            x += left + across + gap
        top -= height
    return fig


def heatmap_by_category(matrix: pd.DataFrame, categories: pd.DataFrame, codebook: Codebook, title: str,
                        fmt: str = "{:.0f}") -> plt.Figure:
    """Co-occurrence drawn for a phone: the categories by the categories, then each category's codes by its codes.

    ``categories`` holds, in row ``A`` and column ``B``, the share of the comments with any code of
    category ``A`` that also carry a code of ``B``
    (:func:`comment_study.analysis.findings.category_matrix`); ``matrix`` holds, in row ``a`` and
    column ``b``, the share of code ``a``'s comments that also carry code ``b``
    (:func:`comment_study.analysis.findings.conditional_matrix`). The first panel shows
    ``categories``; then one panel per category of the codebook shows the block of ``matrix``
    among that category's codes (a category with more codes than fit the width is split into
    runs of columns: :func:`category_columns`). Pairs of codes from different categories are
    left to a table of lift. Cells give percentages (``fmt`` of the share times 100), drawn no
    wider than a phone shows at a legible scale, on one colour scale.
    """
    codes = [str(c) for c in matrix.index]
    percent = 100 * matrix
    widest = max(text_width(fmt.format(v)) for v in (0, 100)) + 0.1
    labels = label_size([wrapped(code) for code in codes]) + 0.08  # as square_panels lays a panel out
    per_panel = max(1, int((PHONE_FIGURE_WIDTH - labels - 0.05) // max(0.38, widest)))
    panels = [("Categories", 100 * categories.rename(index=str, columns=str))]
    for name, columns in category_columns(codebook, codes, per_panel):
        rows = [code.id for code in codebook.in_category(name.split(" (")[0]) if code.id in codes]
        panels.append((name, percent.loc[rows, columns]))
    return square_panels(panels, title, fmt)


def diverging_bars(panels: dict[str, pd.Series], title: str, xlabels: dict[str, str]) -> plt.Figure:
    """Horizontal bars of signed values per panel, negative ones in vermilion and positive ones in blue."""
    fig, axes = plt.subplots(1, len(panels), squeeze=False, layout="constrained",
                             figsize=(FIGURE_WIDTH, max(2.5, 0.38 * max(len(v) for v in panels.values()) + 1.4)))
    for ax, (name, values) in zip(axes[0], panels.items()):
        values = values.sort_values()
        bars = ax.barh([str(k) for k in values.index], values.to_numpy(),
                       color=[NEGATIVE_COLOUR if v < 0 else MAIN for v in values])
        ax.bar_label(bars, labels=[f"{v:.0f}" if abs(v) >= 10 else f"{v:.1f}" for v in values],
                     padding=2, fontsize=MIN_FONT)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(name, fontsize=MIN_FONT, fontweight="normal")
        ax.set_xlabel(xlabels[name])
        ax.margins(x=0.3)
    fig.suptitle(title, x=0.01, ha="left", fontsize=TITLE_FONT, fontweight="bold")
    return finish(fig)


def group_strips(table: pd.DataFrame, columns: list[str], group: str, order: list[str], title: str,
                 band: tuple[float, float] | None = None, seed: int = 0) -> plt.Figure:
    """Each value as a dot in a strip per group (seeded jitter), one panel per column, the medians marked."""
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(1, len(columns), squeeze=False, sharey=True, layout="constrained", figsize=(FIGURE_WIDTH, 0.8 * len(order) + 2.2))
    jitter = rng.uniform(-0.18, 0.18, size=len(table))
    position = table[group].map({g: i for i, g in enumerate(order)}).to_numpy(dtype=float)
    for ax, column in zip(axes[0], columns):
        if band is not None:
            ax.axvspan(*band, color=MUTED, alpha=0.25, linewidth=0)
        ax.plot(table[column].to_numpy(), position + jitter, "o", color=MAIN, alpha=0.45, markersize=3.5)
        medians = table.groupby(group)[column].median().reindex(order)
        ax.plot(medians.to_numpy(), range(len(order)), "|", color="black", markersize=22, markeredgewidth=2.2)
        ax.set_xlabel(column)
        ax.set_yticks(range(len(order)), order)
    fig.suptitle(title, x=0.01, ha="left", fontsize=TITLE_FONT, fontweight="bold")
    return finish(fig)


def line_with_range(values: pd.Series, low: pd.Series, high: pd.Series, title: str, xlabel: str, ylabel: str,
                    chosen: object | None = None) -> plt.Figure:
    """A line of values with a shaded range around it, and an optional marked point (the one chosen)."""
    fig, ax = plt.subplots()
    ax.fill_between(values.index, low.to_numpy(), high.to_numpy(), color=MUTED, alpha=0.3, linewidth=0)
    ax.plot(values.index, values.to_numpy(), "o-", color=MAIN)
    if chosen is not None:
        ax.plot([chosen], [values[chosen]], "o", color=ACCENT, markersize=11, zorder=3)
        ax.annotate(f"chosen: {chosen}", (chosen, values[chosen]), xytext=(8, -14), textcoords="offset points", fontsize=MIN_FONT)
    ax.set_xticks(list(values.index))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#dddddd")
    return finish(fig)


def histogram(values: pd.Series, title: str, xlabel: str, bins: int = 30, marker: float | None = None,
              marker_label: str = "") -> plt.Figure:
    """A histogram of counts, with an optional vertical line (a median, say)."""
    fig, ax = plt.subplots()
    ax.hist(values.to_numpy(), bins=bins, color=MAIN, edgecolor="white")
    if marker is not None:
        ax.axvline(marker, color="black", linestyle="--", linewidth=1.2)
        ax.annotate(marker_label, (marker, ax.get_ylim()[1] * 0.92), xytext=(6, 0),
                    textcoords="offset points", fontsize=MIN_FONT)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Number of comments")
    ax.grid(axis="y", color="#dddddd")
    ax.grid(axis="x", visible=False)
    return finish(fig)


def count_bars(counts: pd.Series, title: str, xlabel: str, ylabel: str) -> plt.Figure:
    """Vertical bars for a small integer-valued distribution (e.g. comments per commenter)."""
    fig, ax = plt.subplots()
    bars = ax.bar(counts.index.astype(str), counts.to_numpy(), color=MAIN)
    ax.bar_label(bars, padding=2, fontsize=MIN_FONT)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#dddddd")
    ax.grid(axis="x", visible=False)
    ax.set_yscale("linear")
    ax.margins(y=0.12)
    return finish(fig)


def interval_dots(estimates: pd.Series, low: pd.Series, high: pd.Series, title: str, xlabel: str,
                  thresholds: dict[str, float] | None = None) -> plt.Figure:
    """Dots with horizontal interval bars, one row per item, sorted by the estimate."""
    order = estimates.sort_values().index
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, max(2.5, 0.38 * len(order) + 1.2)))
    y = range(len(order))
    ax.hlines(list(y), low[order].to_numpy(), high[order].to_numpy(), color=MUTED, linewidth=2)
    ax.plot(estimates[order].to_numpy(), list(y), "o", color=MAIN)
    for label, value in (thresholds or {}).items():
        ax.axvline(value, color="black", linestyle="--", linewidth=1)
        ax.annotate(label, (value, len(order) - 0.4), xytext=(3, 0), textcoords="offset points", fontsize=MIN_FONT)
    ax.set_yticks(list(y), [str(k) for k in order])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return finish(fig)


def annotated_heatmap(matrix: pd.DataFrame, title: str, cbar_label: str, fmt: str = "{:.0%}",
                      xlabel: str = "", ylabel: str = "") -> plt.Figure:
    """A single heatmap with every cell's value written in it (missing cells left blank): one panel of :func:`heatmap_panels`."""
    return heatmap_panels({"": matrix}, title, cbar_label, fmt=fmt, xlabel=xlabel, ylabel=ylabel)


def paired_dots(shares: pd.DataFrame, labels: tuple[str, str], title: str, xlabel: str) -> plt.Figure:
    """Two groups' shares per row (columns ``share <label>``, ``low <label>``, ``high <label>``), with intervals."""
    order = shares[f"share {labels[0]}"].sort_values().index
    height = max(3.0, 0.38 * len(order) + 1.6)
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, height))
    for offset, label, colour, marker in ((0.15, labels[0], MAIN, "o"), (-0.15, labels[1], ACCENT, "s")):
        y = np.arange(len(order)) + offset
        ax.hlines(y, shares.loc[order, f"low {label}"], shares.loc[order, f"high {label}"], color=colour, linewidth=1.6)
        ax.plot(shares.loc[order, f"share {label}"], y, marker, color=colour, label=label)
    ax.set_yticks(range(len(order)), [str(k) for k in order])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.8 / (height - 1.4)), ncol=2)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return finish(fig)


def fit_lines(text: str, width: float, size: float = MIN_FONT, bold: bool = False) -> str:
    """``text`` broken at spaces into lines no wider than ``width`` inches at ``size`` (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(trial, size) * (1.12 if bold else 1.0) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return "\n".join(lines)


def grouped_interval_dots(table: pd.DataFrame, title: str, xlabel: str) -> plt.Figure:
    """Shares with intervals (columns ``share``, ``low``, ``high``, ``category``, ``label``), one block per category.

    Drawn a phone's width (:data:`style.FIGURE_WIDTH`): each row's label, "Label (code)", is
    broken over lines that fit beside the plot, and a row is as tall as its label needs.
    """
    categories = list(dict.fromkeys(table["category"]))
    rows: list[tuple[str, str | None]] = []
    for category in categories:
        rows.append((category, None))
        rows.extend((category, code) for code in table[table["category"] == category].sort_values("share", ascending=False).index)
    budget = FIGURE_WIDTH - 2.3  # inches left for the labels beside a plot about 2 inches wide
    labels = [fit_lines(category.upper() if code is None else f"{table.loc[code, 'label']} ({code})", budget,
                        bold=code is None) for category, code in rows]
    heights = [0.12 + 0.22 * label.count("\n") + 0.26 for label in labels]  # inches per row
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, sum(heights) + 1.3))
    ticks, top = [], sum(heights)
    for height in heights:
        ticks.append(top - height / 2)
        top -= height
    for y, (category, code) in zip(ticks, rows):
        if code is None:
            continue
        row = table.loc[code]
        ax.hlines(y, row["low"], row["high"], color=MUTED, linewidth=2)
        ax.plot(row["share"], y, "o", color=MAIN)
    ax.set_yticks(ticks, labels, fontsize=MIN_FONT, linespacing=1.0)
    for tick, (_, code) in zip(ax.get_yticklabels(), rows):
        tick.set_fontweight("bold" if code is None else "normal")
    ax.set_ylim(0, sum(heights))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(left=0)
    ax.set_xlabel(fit_lines(xlabel, FIGURE_WIDTH - budget - 0.3))
    fig.suptitle(fit_lines(title, FIGURE_WIDTH - 0.2, TITLE_FONT, bold=True), x=0.01, ha="left",
                 fontsize=TITLE_FONT, fontweight="bold")
    fig.tight_layout()
    return fig


def reply_arcs(n: int, links: pd.DataFrame, colours: dict[str, str], breaks: list[int], title: str,
               marked: dict[str, tuple[list[int], str, str]] | None = None,
               notes: dict[int, str] | None = None) -> plt.Figure:
    """Comments 1..n in thread order, wrapped into rows at ``breaks``, with an arc from each reply to the comment it answers.

    ``links`` has ``comment_id``, ``reply_to``, ``kind`` (a key of ``colours``) and ``shares_code``
    (solid arc when True, dashed when False). ``marked`` maps a label to (comment ids, marker,
    colour), drawn below the line; ``notes`` writes a short label above a position.
    """
    starts = [1, *breaks]
    ends = [b - 1 for b in breaks] + [n]
    width = max(e - s for s, e in zip(starts, ends)) + 1
    fig, axes = plt.subplots(len(starts), 1, figsize=(FIGURE_WIDTH, 1.45 * len(starts) + 1.3), squeeze=False)
    t = np.linspace(0, np.pi, 40)
    for ax, start, end in zip(axes[:, 0], starts, ends):
        ax.hlines(0, start - 0.5, end + 0.5, color=MUTED, linewidth=0.8)
        ax.vlines(np.arange(start, end + 1), -0.06, 0.06, color=MUTED, linewidth=0.6)
        for link in links.itertuples():
            lo, hi = sorted((int(link.comment_id), int(link.reply_to)))
            if not start <= lo <= end:
                continue
            if hi > end:
                raise ValueError(f"the link {lo}–{hi} crosses the row that ends at {end}")
            half, height = (hi - lo) / 2, 0.45 + 0.3 * (hi - lo)
            ax.plot(lo + half + half * np.cos(t), height * np.sin(t), color=colours[link.kind], linewidth=1.5,
                    linestyle="-" if link.shares_code else (0, (2, 1.4)), solid_capstyle="round")
        for label, (ids, marker, colour) in (marked or {}).items():
            shown = [i for i in ids if start <= i <= end]
            ax.plot(shown, [-0.32] * len(shown), marker, color=colour, markersize=5.5, linestyle="none")
        for position, text in (notes or {}).items():
            if start <= position <= end:
                ax.annotate(text, (position, 1.45), ha="center", fontsize=MIN_FONT, color="black")
        ax.set_xlim(start - 1, start + width)
        ax.set_ylim(-0.55, 1.75)
        ax.set_yticks([])
        ax.spines[["left", "bottom"]].set_visible(False)
        ax.grid(False)
        ax.set_xticks([x for x in range(10 * ((start + 9) // 10), end + 1, 10)])
        ax.tick_params(axis="x", labelsize=MIN_FONT)
    axes[-1, 0].set_xlabel("Position in the thread (comment id)")
    handles = [plt.Line2D([], [], color=c, linewidth=2, label=k) for k, c in colours.items()]
    handles += [plt.Line2D([], [], color="black", linewidth=1.5, label="shares a code"),
                plt.Line2D([], [], color="black", linewidth=1.5, linestyle=(0, (2, 1.4)), label="shares no code")]
    handles += [plt.Line2D([], [], marker=m, color=c, linestyle="none", label=label)
                for label, (_, m, c) in (marked or {}).items()]
    fig.legend(handles=handles, loc="upper center", ncol=2, fontsize=MIN_FONT, bbox_to_anchor=(0.5, 0.955))
    fig.suptitle(title, x=0.02, ha="left", fontweight="bold", fontsize=TITLE_FONT)
    wrap_titles(fig)
    fig.tight_layout(rect=(0, 0, 1, 0.80))
    return fig


def stacked_bars(parts: pd.DataFrame, colours: dict[str, str], title: str, xlabel: str,
                 end_labels: pd.Series | None = None) -> plt.Figure:
    """Horizontal bars split into parts (one column per part, in ``colours``' order), sorted by total, largest on top."""
    order = parts.sum(axis=1).sort_values(kind="stable").index
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, max(2.5, 0.36 * len(order) + 1.5)))
    left = np.zeros(len(order))
    for part, colour in colours.items():
        values = parts.loc[order, part].to_numpy(dtype=float)
        ax.barh([str(k) for k in order], values, left=left, color=colour, label=part, edgecolor="white")
        left += values
    if end_labels is not None:
        for y, key in enumerate(order):
            ax.annotate(str(end_labels[key]), (left[y], y), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=MIN_FONT)
    ax.legend(loc="lower right", fontsize=MIN_FONT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.margins(x=0.22)
    return finish(fig)


def percent_axis(fig: plt.Figure, axis: str = "x") -> plt.Figure:
    """Show shares (0 to 1) on a figure's ``axis`` as whole percentages, ticks on round values, on every panel."""
    from matplotlib.ticker import MaxNLocator

    for ax in fig.axes:
        scale = getattr(ax, f"{axis}axis")
        scale.set_major_locator(MaxNLocator(steps=[1, 2, 5, 10]))
        scale.set_major_formatter(PercentFormatter(1.0, decimals=0))
    return finish(fig)


def dumbbell(first: pd.Series, second: pd.Series, first_label: str, second_label: str, title: str,
             xlabel: str) -> plt.Figure:
    """Two values per item joined by a line (before and after, say), sorted by the second value."""
    order = second.sort_values().index
    fig, ax = plt.subplots(figsize=(FIGURE_WIDTH, max(2.5, 0.38 * len(order) + 1.4)))
    y = list(range(len(order)))
    ax.hlines(y, first[order].to_numpy(), second[order].to_numpy(), color=MUTED, linewidth=1.5)
    ax.plot(first[order].to_numpy(), y, "o", color=MUTED, label=first_label, markerfacecolor="white")
    ax.plot(second[order].to_numpy(), y, "o", color=MAIN, label=second_label)
    ax.set_yticks(y, [str(k) for k in order])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower right")
    return finish(fig)
