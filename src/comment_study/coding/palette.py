"""The study's colours: one colour-blind-safe palette, shared by the figures and the exported codes."""

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
"""Okabe and Ito's palette, distinguishable under the common colour-vision deficiencies."""

MAIN, ACCENT, MUTED = OKABE_ITO[0], OKABE_ITO[1], "#999999"
NEGATIVE_COLOUR = OKABE_ITO[5]
"""Vermilion, for negative values beside positive ones in MAIN blue."""
