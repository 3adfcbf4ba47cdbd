"""The book's few kinds of figure, drawn in the one style of :mod:`comment_study.style`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from .style import ACCENT, MAIN, MUTED, finish


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


def annotated_heatmap(matrix: pd.DataFrame, title: str, cbar_label: str, fmt: str = "{:.0%}",
                      xlabel: str = "", ylabel: str = "") -> plt.Figure:
    """A heatmap with every cell's value written in it (missing cells left blank)."""
    values = matrix.to_numpy(dtype=float)
    size = max(4.5, 0.42 * max(matrix.shape) + 2.5)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    image = ax.imshow(values, cmap="cividis", aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=60, ha="right")
    ax.set_yticks(range(matrix.shape[0]), [str(r) for r in matrix.index])
    ax.grid(False)
    finite = values[~np.isnan(values)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            if not np.isnan(values[i, j]):
                ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=7.5,
                        color="black" if values[i, j] > middle else "white")
    fig.colorbar(image, ax=ax, label=cbar_label, shrink=0.8)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return finish(fig)


def paired_dots(shares: pd.DataFrame, labels: tuple[str, str], title: str, xlabel: str) -> plt.Figure:
    """Two groups' shares per row (columns ``share <label>``, ``low <label>``, ``high <label>``), with intervals."""
    order = shares[f"share {labels[0]}"].sort_values().index
    height = max(3.0, 0.38 * len(order) + 1.6)
    fig, ax = plt.subplots(figsize=(7.5, height))
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


def grouped_interval_dots(table: pd.DataFrame, title: str, xlabel: str) -> plt.Figure:
    """Shares with intervals (columns ``share``, ``low``, ``high``, ``category``, ``label``), one block per category."""
    categories = list(dict.fromkeys(table["category"]))
    rows: list[tuple[str, str | None]] = []
    for category in categories:
        rows.append((category, None))
        rows.extend((category, code) for code in table[table["category"] == category].sort_values("share", ascending=False).index)
    fig, ax = plt.subplots(figsize=(7.5, 0.3 * len(rows) + 1.3))
    ticks, labels = [], []
    for position, (category, code) in enumerate(rows):
        y = len(rows) - 1 - position
        ticks.append(y)
        if code is None:
            labels.append(category.upper())
            continue
        row = table.loc[code]
        ax.hlines(y, row["low"], row["high"], color=MUTED, linewidth=2)
        ax.plot(row["share"], y, "o", color=MAIN)
        labels.append(f"{row['label']} ({code})")
    ax.set_yticks(ticks, labels, fontsize=9)
    for tick, (_, code) in zip(ax.get_yticklabels(), rows):
        tick.set_fontweight("bold" if code is None else "normal")
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(left=0)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    return finish(fig)
