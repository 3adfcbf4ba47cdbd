"""One style for every figure and table in the book: colour-blind-safe, readable, deterministic.

:func:`apply` sets the figures' matplotlib style and the way pandas shows numbers in a table
(:func:`readable_number`), so that no table a reader sees prints a count as ``4.00`` or a share
as ``0.209677``.
"""

from __future__ import annotations

import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

from comment_study.coding.palette import ACCENT, MAIN, MUTED, NEGATIVE_COLOUR, OKABE_ITO  # noqa: F401  (the figures' colours)


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


def apply() -> None:
    """Set the book's figure style and table number format (call once, in a chapter's hidden setup cell)."""
    pd.set_option("display.float_format", readable_number)
    pd.set_option("display.max_colwidth", None)  # a table's text is never cut with "..."
    mpl.rcParams.update({
        "figure.figsize": (7.5, 4.2),
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "font.size": 11,
        "axes.titlesize": 12.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
        "axes.grid": True,
        "axes.grid.axis": "x",
        "grid.color": "#dddddd",
        "legend.frameon": False,
        "svg.hashsalt": "comment-study",
        "image.cmap": "cividis",
    })


def finish(fig: plt.Figure) -> plt.Figure:
    """Lay a figure out tightly (unless it already has a layout engine); return it so a cell can end with it."""
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    return fig
