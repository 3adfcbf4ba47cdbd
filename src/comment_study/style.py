"""One plotting style for every figure in the book: colour-blind-safe, readable, deterministic."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
"""Okabe and Ito's palette, distinguishable under the common colour-vision deficiencies."""

MAIN, ACCENT, MUTED = OKABE_ITO[0], OKABE_ITO[1], "#999999"
NEGATIVE_COLOUR = OKABE_ITO[5]
"""Vermilion, for negative values beside positive ones in MAIN blue."""


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
    """Lay a figure out tightly; return it so a cell can end with it."""
    fig.tight_layout()
    return fig
