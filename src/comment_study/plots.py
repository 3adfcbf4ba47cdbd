"""The book's few kinds of figure, drawn in the one style of :mod:`comment_study.style`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .style import MAIN, MUTED, finish


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


def dumbbell(first: pd.Series, second: pd.Series, first_label: str, second_label: str, title: str,
             xlabel: str) -> plt.Figure:
    """Two values per item joined by a line (before and after, say), sorted by the second value."""
    order = second.sort_values().index
    fig, ax = plt.subplots(figsize=(7.5, max(2.5, 0.3 * len(order) + 1.4)))
    y = list(range(len(order)))
    ax.hlines(y, first[order].to_numpy(), second[order].to_numpy(), color=MUTED, linewidth=1.5)
    ax.plot(first[order].to_numpy(), y, "o", color=MUTED, label=first_label, markerfacecolor="white")
    ax.plot(second[order].to_numpy(), y, "o", color=MAIN, label=second_label)
    ax.set_yticks(y, [str(k) for k in order])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower right")
    return finish(fig)
