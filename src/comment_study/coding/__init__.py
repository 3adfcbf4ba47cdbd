"""The coding: the codebook, the coding sheets, and how well coders and lenses agree."""
