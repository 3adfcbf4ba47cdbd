"""One style for every figure and table in the book: colour-blind-safe, readable, deterministic.

:func:`apply` sets the figures' matplotlib style and the way pandas shows numbers in a table
(:func:`readable_number`), so that no table a reader sees prints a count as ``4.00`` or a share
as ``0.209677``.
"""

from __future__ import annotations

import functools
import math
import re
import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

from comment_study.coding.palette import ACCENT, MAIN, MUTED, NEGATIVE_COLOUR, OKABE_ITO  # noqa: F401  (the figures' colours)


FIGURE_WIDTH = 4.4
"""Inches: the width a figure is drawn at, about what a phone shows (390 px less the margins) scaled by 1.35."""
DPI = 110
MIN_FONT = 12
"""Points: the smallest text in any figure. Drawn FIGURE_WIDTH wide at DPI and shown 358 px wide on a
390-px phone, 12 pt is 13.6 px on screen, above 80% of the 16-px body text. A figure that must be
wider than a phone is never shrunk: a heatmap is split into panels that fit (plots.heatmap_panels)."""
TITLE_FONT = 13


def readable_number(x: float) -> str:
    """A float as a reader wants it in a table: whole numbers without decimals, others to two, tiny ones bounded.

    ``4.0`` -> ``4``; ``0.209677`` -> ``0.21``; ``-429.7758`` -> ``-429.8``; ``0.000072`` -> ``< 0.001``.
    """
    if math.isnan(x):
        return "–"
    if x == int(x) and abs(x) >= 2:
        return f"{int(x):,}"
    if 0 < abs(x) < 0.001:
        return "< 0.001" if x > 0 else "> −0.001"
    return f"{x:,.2f}" if abs(x) < 100 else f"{x:,.1f}"


def readable_table(table: pd.DataFrame) -> pd.DataFrame:
    """A table for readers: list cells (codes, comment ids) as comma-separated text, missing values as a dash."""
    def cell(value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value) or "–"
        return "–" if value is pd.NA or (isinstance(value, float) and math.isnan(value)) else value

    return table.map(cell)


def apply() -> None:
    """Set the book's figure style and table number format (call once, in a chapter's hidden setup cell)."""
    pd.set_option("display.float_format", readable_number)
    pd.set_option("display.max_colwidth", None)  # a table's text is never cut with "..."
    mpl.rcParams.update({
        "figure.figsize": (FIGURE_WIDTH, 3.2),
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "font.size": MIN_FONT,
        "axes.titlesize": TITLE_FONT,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": MIN_FONT,
        "xtick.labelsize": MIN_FONT,
        "ytick.labelsize": MIN_FONT,
        "legend.fontsize": MIN_FONT,
        "legend.title_fontsize": MIN_FONT,
        "figure.titlesize": TITLE_FONT,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
        "axes.grid": True,
        "axes.grid.axis": "x",
        "grid.color": "#dddddd",
        "legend.frameon": False,
        "svg.hashsalt": "comment-study",
        "savefig.pad_inches": 0.03,  # the saved image's margins: small, so that a phone-width figure stays one

        "image.cmap": "cividis",
    })


def wrap_titles(fig: plt.Figure) -> None:
    """Break a title that is wider than its figure onto several lines (titles state findings, so they run long)."""
    width_pt = fig.get_figwidth() * 72
    titles = [t for ax in fig.axes for t in (ax._left_title, ax.title, ax._right_title)]
    titles += [fig._suptitle] if fig._suptitle is not None else []
    for title in titles:
        text = title.get_text()
        if text and "\n" not in text:
            per_line = max(20, int(width_pt / (0.56 * title.get_fontsize())))
            title.set_text(textwrap.fill(text, per_line))


def smallest_text(fig: plt.Figure) -> float:
    """The size in points of the smallest visible text in a figure (ticks, labels, annotations, legends)."""
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(mpl.text.Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("inf")


def finish(fig: plt.Figure) -> plt.Figure:
    """Wrap long titles and lay a figure out tightly (unless it has a layout engine); return it for a cell to end with.

    A figure drawn to fit a phone (a heatmap: ``plots.heatmap_panels`` records the size it drew)
    that has since been made wider than :data:`PHONE_WIDTH` (``fig.set_size_inches(7.5, 9)``)
    gets its drawn size back: a forced width would make it scroll sideways on a phone.
    """
    drawn = getattr(fig, "_drawn_size", None)
    if drawn is not None and fig.get_figwidth() > PHONE_WIDTH + 1e-6:
        fig.set_size_inches(drawn)
    wrap_titles(fig)
    if fig.get_layout_engine() is None:
        widen_for_labels(fig)
        fig.tight_layout()
        if rewrap_overflowing_titles(fig) | room_for_rows(fig):
            fig.tight_layout()
    return fig


def room_for_rows(fig: plt.Figure) -> bool:
    """Make a laid-out figure taller where its rows stand closer than their tallest (wrapped) label; True if it did."""
    extra = 0.0
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        if not any("\n" in t for t in labels):
            continue
        low, high = sorted(ax.get_ylim())
        spacing = ax.get_position().height * fig.get_figheight() / max(high - low, 1.0)  # inches per row
        needed = max(t.count("\n") + 1 for t in labels) * MIN_FONT / 72 + 0.1
        extra = max(extra, (needed - spacing) * (high - low))
    if extra > 0:
        fig.set_figheight(fig.get_figheight() + extra)
    return extra > 0


def rewrap_overflowing_titles(fig: plt.Figure) -> bool:
    """Break again a panel's title that runs past the figure's right edge (it starts where the plot does); True if any did."""
    renderer = fig.canvas.get_renderer()
    changed = False
    for ax in fig.axes:
        for title in (ax._left_title, ax.title, ax._right_title):
            text = title.get_text()
            extent = title.get_window_extent(renderer)
            if text and extent.x1 > fig.bbox.width:
                room = max(1.0, (fig.bbox.width - extent.x0) / fig.dpi - 0.05)
                title.set_text(fit_label(text.replace("\n", " "), room, title.get_fontsize() * 1.12))
                changed = True
    return changed


PHONE_WIDTH = 4.5
"""Inches: the widest a figure may be drawn and still fit a 390-px phone without scrolling sideways, its
MIN_FONT text at 80% of the body text. The column is 358 px wide there (book.css takes a figure's side
padding away on a phone); 12 pt at DPI is 18.3 px, so the image may be 358 / (12.8 / 18.3) = 512 px
wide, 4.65 inches at DPI: this width and the saved image's margins (``savefig.pad_inches``)."""


def text_width(text: str, size: float = MIN_FONT) -> float:
    """Inches: how wide ``text`` (one line) is drawn at ``size`` points in the figures' font (as set now)."""
    from matplotlib.font_manager import FontProperties

    return _text_width(text, size, FontProperties())


@functools.lru_cache(maxsize=None)
def _text_width(text: str, size: float, font) -> float:
    # The extent of the text's outline, as matplotlib's TextPath(text).get_extents() measures it
    # (tests/test_figures.py compares the two), but from each glyph's outline measured once: the
    # outline of a whole text, built and measured curve by curve, took about 10 ms a label.
    from matplotlib import _text_helpers
    from matplotlib.textpath import text_to_path

    ft = text_to_path._get_font(font)  # the font's file at text_to_path's scale, as TextPath lays text out
    left, right = float("inf"), float("-inf")
    for item in _text_helpers.layout(text, ft):
        extent = _glyph_extent(item.ft_object, item.ft_object.fname, item.glyph_index)
        if extent is not None:
            left, right = min(left, item.x + extent[0]), max(right, item.x + extent[1])
    return (right - left) * size / text_to_path.FONT_SCALE / 72


@functools.lru_cache(maxsize=None)
def _glyph_extent(ft, fname: str, glyph: int) -> tuple[float, float] | None:
    """Left and right of one glyph's outline, just loaded into ``ft`` (None for a glyph with none, a space)."""
    from matplotlib.path import Path

    vertices, codes = ft.get_path()
    if not len(vertices):
        return None
    extent = Path(vertices, codes).get_extents()
    return extent.x0, extent.x1


def label_width(text: str, size: float = MIN_FONT) -> float:
    """Inches: how wide the widest line of ``text`` is drawn at ``size`` points in the figures' font."""
    return max(text_width(line, size) if line else 0.0 for line in text.split("\n"))


def _greedy(pieces: list[str], budget: float, size: float) -> list[str]:
    lines: list[str] = []
    for piece in pieces:
        trial = lines[-1] + piece if lines else piece.lstrip()
        if lines and label_width(trial, size) <= budget:
            lines[-1] = trial
        else:
            lines.append(piece.lstrip())
    return lines


def fit_label(text: str, budget: float, size: float = MIN_FONT) -> str:
    """``text`` broken into lines no wider than ``budget`` inches where it can be: at spaces, else after underscores."""
    lines = _greedy(re.split(r"(?= )", text), budget, size)
    lines = [part for line in lines for part in
             (_greedy(re.split(r"(?<=_)", line), budget, size) if label_width(line, size) > budget else [line])]
    return "\n".join(lines)


def wrap_row_labels(fig: plt.Figure, budget: float) -> None:
    """Break each row label wider than ``budget`` inches onto lines that fit, set tight (line spacing 1).

    :func:`room_for_rows` then makes a figure whose rows stand closer than their tallest label taller.
    """
    for ax in fig.axes:
        labels = ax.get_yticklabels()
        texts = [label.get_text() for label in labels]
        if not any(label_width(t, label.get_fontsize()) > budget for t, label in zip(texts, labels)):
            continue
        wrapped = [fit_label(t, budget, label.get_fontsize()) if label_width(t, label.get_fontsize()) > budget else t
                   for t, label in zip(texts, labels)]
        weights = [label.get_fontweight() for label in labels]
        ticks = ax.get_yticks()
        ax.set_yticks(ticks, wrapped, linespacing=1.0)
        for label, weight in zip(ax.get_yticklabels(), weights):
            label.set_fontweight(weight)


def widen_for_labels(fig: plt.Figure, plot_width: float = 2.0) -> None:
    """Make room for long row labels (code labels): break them onto two lines, then widen the figure if still needed.

    A label wider than a phone-width figure leaves room for is broken at an underscore, a space
    or before "(" (:func:`wrap_row_labels`); a figure whose labels still leave its plot less than
    ``plot_width`` inches is widened. Text is never shrunk to fit: a figure that ends up wider than
    a phone is shown at a readable scale in a box that scrolls sideways (the book's script).
    """
    wrap_row_labels(fig, max(1.0, max(PHONE_WIDTH, fig.get_figwidth()) - plot_width - 0.6))
    renderer = fig.canvas.get_renderer()
    widest = max((label.get_window_extent(renderer).width / fig.dpi
                  for ax in fig.axes for label in ax.get_yticklabels() if label.get_text()), default=0.0)
    if widest + plot_width + 0.6 > fig.get_figwidth():
        fig.set_figwidth(widest + plot_width + 0.6)
