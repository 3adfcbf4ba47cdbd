"""One plotting style for every figure in the book: colour-blind-safe, readable, deterministic."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

from comment_study.coding.palette import ACCENT, MAIN, MUTED, NEGATIVE_COLOUR, OKABE_ITO  # noqa: F401  (the figures' colours)


def apply() -> None:
    """Set the book's matplotlib style (call once, in a chapter's hidden setup cell)."""
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
