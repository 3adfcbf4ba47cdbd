"""Validate an automated classifier against the hand coding: confusion matrix, accuracy, macro-F1, kappa.

Written small and checked against scikit-learn in the tests. The hand coding is always the
reference (``truth``); the machine's labels are ``predicted``. Every label must be one of
``labels``, and every label in ``labels`` must occur in the truth or the prediction:
otherwise a per-class F1 is 0/0, and rather than invent a value the functions raise.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from comment_study.coding.agreement import BOOTSTRAP_SAMPLES, BOOTSTRAP_SEED, bootstrap, cohen_kappa


def _checked(truth: Sequence, predicted: Sequence, labels: Sequence | None) -> tuple[np.ndarray, np.ndarray, list]:
    """Both label sequences as arrays, and the label order, after checking they fit together."""
    truth, predicted = np.asarray(truth, dtype=object), np.asarray(predicted, dtype=object)
    if truth.shape != predicted.shape or truth.ndim != 1:
        raise ValueError(f"truth and prediction differ in length ({truth.shape} against {predicted.shape})")
    if len(truth) == 0:
        raise ValueError("no units to compare")
    seen = set(truth.tolist()) | set(predicted.tolist())
    labels = sorted(seen) if labels is None else list(labels)
    unknown = seen - set(labels)
    if unknown:
        raise ValueError(f"labels {sorted(map(str, unknown))} are not among {labels}")
    return truth, predicted, labels


def confusion(truth: Sequence, predicted: Sequence, labels: Sequence | None = None) -> pd.DataFrame:
    """Counts of units by true label (rows) and predicted label (columns), in ``labels`` order."""
    truth, predicted, labels = _checked(truth, predicted, labels)
    position = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=int)
    np.add.at(counts, ([position[t] for t in truth.tolist()], [position[p] for p in predicted.tolist()]), 1)
    return pd.DataFrame(counts, index=pd.Index(labels, name="truth"), columns=pd.Index(labels, name="predicted"))


def accuracy(truth: Sequence, predicted: Sequence) -> float:
    """Share of units whose predicted label equals the true one."""
    truth, predicted, _ = _checked(truth, predicted, None)
    return float((truth == predicted).mean())


def per_class(truth: Sequence, predicted: Sequence, labels: Sequence | None = None) -> pd.DataFrame:
    """Precision, recall, F1 and support per label; precision or recall is NaN when its denominator is 0."""
    matrix = confusion(truth, predicted, labels)
    rows = []
    for label in matrix.index:
        tp = int(matrix.loc[label, label])
        predicted_n, true_n = int(matrix[label].sum()), int(matrix.loc[label].sum())
        if predicted_n + true_n == 0:
            raise ValueError(f"label {label!r} occurs in neither the truth nor the prediction: its F1 is undefined")
        rows.append({
            "label": label, "support": true_n, "predicted": predicted_n,
            "precision": tp / predicted_n if predicted_n else float("nan"),
            "recall": tp / true_n if true_n else float("nan"),
            "f1": 2 * tp / (predicted_n + true_n),
        })
    return pd.DataFrame(rows).set_index("label")


def macro_f1(truth: Sequence, predicted: Sequence, labels: Sequence | None = None) -> float:
    """Unweighted mean of the per-label F1 scores: a rare label counts as much as a common one."""
    return float(per_class(truth, predicted, labels)["f1"].mean())


def kappa(truth: Sequence, predicted: Sequence) -> float:
    """Cohen's kappa between the truth and the prediction (see :func:`comment_study.coding.agreement.cohen_kappa`)."""
    truth, predicted, _ = _checked(truth, predicted, None)
    return cohen_kappa(truth, predicted)


def summary(truth: Sequence, predicted: Sequence, labels: Sequence | None = None,
            samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED) -> dict[str, float]:
    """Accuracy, macro-F1 and Cohen's kappa with a seeded bootstrap 95% interval for kappa."""
    truth, predicted, labels = _checked(truth, predicted, labels)
    low, high = bootstrap(truth, predicted, cohen_kappa, samples=samples, seed=seed)
    return {
        "n": len(truth), "accuracy": accuracy(truth, predicted), "macro_f1": macro_f1(truth, predicted, labels),
        "kappa": cohen_kappa(truth, predicted), "kappa_low": low, "kappa_high": high,
    }


# --- one 0/1 code against the reference (the dictionary's codes, a human sheet's codes) ------------

def binary_counts(predicted: Sequence[int], reference: Sequence[int]) -> tuple[int, int, int, int]:
    """True positives, false positives, false negatives and true negatives of one 0/1 code."""
    p, r = np.asarray(predicted, dtype=bool), np.asarray(reference, dtype=bool)
    return int((p & r).sum()), int((p & ~r).sum()), int((~p & r).sum()), int((~p & ~r).sum())


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom else float("nan")


def binary_f1(predicted: Sequence[int], reference: Sequence[int]) -> float:
    """F1 of one 0/1 code against the reference (NaN when neither ever applies it)."""
    tp, fp, fn, _ = binary_counts(predicted, reference)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def binary_scores(predicted: Sequence[int], reference: Sequence[int]) -> dict[str, float]:
    """Counts, precision, recall, F1 and Cohen's κ of one 0/1 code against the reference.

    Precision is undefined (NaN) when the prediction never applies the code; recall when the
    reference never does; F1 and κ when neither does.
    """
    tp, fp, fn, tn = binary_counts(predicted, reference)
    kappa_bottom = (tp + fp) * (fp + tn) + (tp + fn) * (fn + tn)
    return {
        "n": tp + fp + fn + tn, "reference": tp + fn, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn,
        "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "kappa": _ratio(2 * (tp * tn - fp * fn), kappa_bottom),
    }
