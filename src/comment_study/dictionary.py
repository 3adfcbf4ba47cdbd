"""A keyword dictionary coder: load ``data/dictionary.yml``, apply it, and score it against the hand coding.

A dictionary is the simplest computer coder: a code applies to a comment when one of the
code's patterns occurs in its text. It is written from the codebook on one half of the
comments (the build half, :func:`split_halves`) and judged on the other half, which its
author never read while writing it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

SPLIT_SEED = 20190929
"""Seed of the build / held-out split (the day after the article appeared); fixed before the dictionary was written."""


def split_halves(comment_ids: Sequence[int], seed: int = SPLIT_SEED) -> tuple[list[int], list[int]]:
    """Split comment ids at random into a build half (the larger, if odd) and a held-out half."""
    ids = sorted(int(i) for i in comment_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("comment ids must be unique to be split")
    shuffled = np.random.default_rng(seed).permutation(ids)
    cut = (len(ids) + 1) // 2
    return sorted(int(i) for i in shuffled[:cut]), sorted(int(i) for i in shuffled[cut:])
