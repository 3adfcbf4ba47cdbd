"""The book's few kinds of figure, drawn in the one style of :mod:`comment_study.style`."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import ACCENT, MAIN, MUTED, NEGATIVE_COLOUR, finish


def sorted_bars(counts: pd.Series, title: str, xlabel: str, highlight: set[str] | None = None) -> plt.Figure:
    """Horizontal bars sorted from largest (top) to smallest, each labelled with its value."""
    counts = counts.sort_values()
    fig, ax = plt.subplots(figsize=(7.5, max(2.2, 0.32 * len(counts) + 1.0)))
    colours = [MAIN if (highlight is None or k in highlight) else MUTED for k in counts.index]
    bars = ax.barh([str(k) for k in counts.index], counts.to_numpy(), color=colours)
    ax.bar_label(bars, padding=3, fontsize=9)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.margins(x=0.08)
    return finish(fig)


def heatmap_panels(tables: dict[str, pd.DataFrame], title: str, cbar_label: str, fmt: str = "{:.0f}",
                   xlabel: str = "", ylabel: str = "", diverging: bool = False) -> plt.Figure:
    """One or more heatmaps side by side on one colour scale, every cell's value written in it.

    ``diverging`` centres a two-sided palette (PuOr, colour-blind safe) on 0 for signed values
    such as correlations; otherwise the sequential cividis is used (counts, shares).
    """
    values = [t.to_numpy(dtype=float) for t in tables.values()]
    finite = np.concatenate([v[~np.isnan(v)] for v in values])
    if diverging:
        limit = float(np.abs(finite).max()) or 1.0
        cmap, norm = plt.get_cmap("PuOr"), mpl.colors.Normalize(-limit, limit)
    else:
        cmap, norm = plt.get_cmap("cividis"), mpl.colors.Normalize(float(finite.min()), float(finite.max()))
    rows, cols = max(t.shape[0] for t in tables.values()), sum(t.shape[1] for t in tables.values())
    fig, axes = plt.subplots(1, len(tables), squeeze=False, layout="constrained",
                             figsize=(min(12.0, 0.95 * cols + 2.8 * len(tables) + 0.8), 0.36 * rows + 2.4))
    for ax, (name, table), matrix in zip(axes[0], tables.items(), values):
        image = ax.imshow(matrix, cmap=cmap, norm=norm, aspect="auto")
        ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns], rotation=40, ha="right")
        ax.set_yticks(range(table.shape[0]), [str(r) for r in table.index] if ax is axes[0][0] else [])
        ax.grid(False)
        for (i, j), value in np.ndenumerate(matrix):
            if not np.isnan(value):
                red, green, blue, _ = cmap(norm(value))
                ink = "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"
                text = fmt.format(value)
                if text.startswith("-") and not any(d in text for d in "123456789"):
                    text = text[1:]  # a value that rounds to zero is shown as 0, not -0
                ax.text(j, i, text, ha="center", va="center", fontsize=8.5, color=ink)
        ax.set_title(name, fontsize=11, fontweight="normal")
        ax.set_xlabel(xlabel)
    axes[0][0].set_ylabel(ylabel)
    fig.colorbar(image, ax=list(axes[0]), label=cbar_label, shrink=0.8)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12.5, fontweight="bold")
    return fig


def diverging_bars(panels: dict[str, pd.Series], title: str, xlabels: dict[str, str]) -> plt.Figure:
    """Horizontal bars of signed values per panel, negative ones in vermilion and positive ones in blue."""
    fig, axes = plt.subplots(1, len(panels), squeeze=False, layout="constrained",
                             figsize=(7.5, max(2.5, 0.3 * max(len(v) for v in panels.values()) + 1.4)))
    for ax, (name, values) in zip(axes[0], panels.items()):
        values = values.sort_values()
        bars = ax.barh([str(k) for k in values.index], values.to_numpy(),
                       color=[NEGATIVE_COLOUR if v < 0 else MAIN for v in values])
        ax.bar_label(bars, labels=[f"{v:.0f}" if abs(v) >= 10 else f"{v:.1f}" for v in values],
                     padding=2, fontsize=8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(name, fontsize=11, fontweight="normal")
        ax.set_xlabel(xlabels[name])
        ax.margins(x=0.3)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12.5, fontweight="bold")
    return fig


def group_strips(table: pd.DataFrame, columns: list[str], group: str, order: list[str], title: str,
                 band: tuple[float, float] | None = None, seed: int = 0) -> plt.Figure:
    """Each value as a dot in a strip per group (seeded jitter), one panel per column, the medians marked."""
    rng = np.random.default_rng(seed)
    fig, axes = plt.subplots(1, len(columns), squeeze=False, sharey=True, layout="constrained", figsize=(7.5, 0.8 * len(order) + 2.2))
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
    fig.suptitle(title, x=0.01, ha="left", fontsize=12.5, fontweight="bold")
    return fig


def line_with_range(values: pd.Series, low: pd.Series, high: pd.Series, title: str, xlabel: str, ylabel: str,
                    chosen: object | None = None) -> plt.Figure:
    """A line of values with a shaded range around it, and an optional marked point (the one chosen)."""
    fig, ax = plt.subplots()
    ax.fill_between(values.index, low.to_numpy(), high.to_numpy(), color=MUTED, alpha=0.3, linewidth=0)
    ax.plot(values.index, values.to_numpy(), "o-", color=MAIN)
    if chosen is not None:
        ax.plot([chosen], [values[chosen]], "o", color=ACCENT, markersize=11, zorder=3)
        ax.annotate(f"chosen: {chosen}", (chosen, values[chosen]), xytext=(8, -14), textcoords="offset points", fontsize=9)
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
                    textcoords="offset points", fontsize=9)
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
    ax.bar_label(bars, padding=2, fontsize=9)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="#dddddd")
    ax.grid(axis="x", visible=False)
    ax.set_yscale("linear")
    ax.margins(y=0.12)
    return finish(fig)


__all__ = ["sorted_bars", "histogram", "count_bars"]


def interval_dots(estimates: pd.Series, low: pd.Series, high: pd.Series, title: str, xlabel: str,
                  thresholds: dict[str, float] | None = None) -> plt.Figure:
    """Dots with horizontal interval bars, one row per item, sorted by the estimate."""
    order = estimates.sort_values().index
    fig, ax = plt.subplots(figsize=(7.5, max(2.5, 0.3 * len(order) + 1.2)))
    y = range(len(order))
    ax.hlines(list(y), low[order].to_numpy(), high[order].to_numpy(), color=MUTED, linewidth=2)
    ax.plot(estimates[order].to_numpy(), list(y), "o", color=MAIN)
    for label, value in (thresholds or {}).items():
        ax.axvline(value, color="black", linestyle="--", linewidth=1)
        ax.annotate(label, (value, len(order) - 0.4), xytext=(3, 0), textcoords="offset points", fontsize=9)
    ax.set_yticks(list(y), [str(k) for k in order])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return finish(fig)
