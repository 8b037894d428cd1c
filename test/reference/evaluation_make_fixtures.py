#!/usr/bin/python3
"""Reference metrics for Qieemo.ML.Evaluation.EmotionMetrics, computed with scikit-learn.

Writes test/Qieemo.ML.Tests/TestData/evaluation/metrics_cases.json: a list of cases, each with
y_true, y_pred (class indices 0..K-1), class count K and sklearn's numbers:
  wa            accuracy_score
  ua            balanced_accuracy_score (mean recall over the classes present in y_true)
  macro_recall  recall_score(average='macro', labels=range(K), zero_division=0)
  wf1           f1_score(average='weighted', labels=range(K), zero_division=0)
  macro_f1      f1_score(average='macro', labels=range(K), zero_division=0)
  precision/recall/f1/support  precision_recall_fscore_support(average=None, labels=range(K), zero_division=0)
  confusion     confusion_matrix(labels=range(K)) (rows = true, columns = predicted)
And pooling_cases.json for UtteranceStatisticsPooling: random [frames, dim] matrices with
masks and numpy's mean / population std over the unmasked frames.

Run: /usr/bin/python3 test/reference/evaluation_make_fixtures.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support, recall_score)

warnings.filterwarnings("ignore")  # ill-defined metrics are the point of some cases
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Qieemo.ML.Tests", "TestData", "evaluation")


def case(name, y_true, y_pred, k):
    labels = list(range(k))
    y_true = [int(v) for v in y_true]
    y_pred = [int(v) for v in y_pred]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None, zero_division=0)
    return {
        "name": name,
        "classes": k,
        "y_true": y_true,
        "y_pred": y_pred,
        "wa": float(accuracy_score(y_true, y_pred)),
        "ua": float(balanced_accuracy_score(y_true, y_pred)),
        "macro_recall": float(recall_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "wf1": float(f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=0)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "precision": [float(v) for v in p],
        "recall": [float(v) for v in r],
        "f1": [float(v) for v in f],
        "support": [int(v) for v in s],
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def noisy(rng, y_true, k, accuracy):
    """Predictions that are right with probability `accuracy`, otherwise a uniformly random class."""
    y_pred = y_true.copy()
    flip = rng.random(len(y_true)) > accuracy
    y_pred[flip] = rng.integers(0, k, flip.sum())
    return y_pred


def metric_cases():
    cases = []
    k = 4
    for seed, n in [(1, 10), (2, 57), (3, 200), (4, 1031), (5, 3)]:
        rng = np.random.default_rng(seed)
        y_true = rng.integers(0, k, n)
        cases.append(case(f"random_seed{seed}_n{n}", y_true, noisy(rng, y_true, k, 0.6), k))

    rng = np.random.default_rng(10)
    # Imbalanced like IEMOCAP's neutral-heavy 4-class split.
    y_true = rng.choice(k, 500, p=[0.55, 0.25, 0.15, 0.05])
    cases.append(case("imbalanced", y_true, noisy(rng, y_true, k, 0.5), k))

    # Class 2 occurs in y_true but is never predicted (precision 0/0 -> 0, recall 0).
    y_true = rng.integers(0, k, 120)
    y_pred = noisy(rng, y_true, k, 0.7)
    y_pred[y_pred == 2] = 3
    cases.append(case("class_never_predicted", y_true, y_pred, k))

    # Class 1 is predicted but never true (recall 0/0 -> 0, support 0).
    y_true = rng.choice([0, 2, 3], 90)
    y_pred = noisy(rng, y_true, k, 0.6)
    y_pred[:7] = 1
    cases.append(case("class_predicted_never_true", y_true, y_pred, k))

    # Class 3 neither true nor predicted.
    y_true = rng.integers(0, 3, 40)
    cases.append(case("class_absent_everywhere", y_true, noisy(rng, y_true, 3, 0.5), k))

    y_true = rng.integers(0, k, 64)
    cases.append(case("perfect", y_true, y_true.copy(), k))

    y_true = rng.integers(0, k, 77)
    cases.append(case("all_predicted_one_class", y_true, np.full_like(y_true, 1), k))

    y_true = np.full(30, 2)
    cases.append(case("single_true_class", y_true, noisy(rng, y_true, k, 0.5), k))

    # Six classes, for a class count other than 4.
    y_true = rng.integers(0, 6, 300)
    cases.append(case("six_classes", y_true, noisy(rng, y_true, 6, 0.4), 6))
    return cases


def pooling_cases():
    cases = []
    rng = np.random.default_rng(123)
    for name, frames, dim, masked in [("no_mask", 17, 5, None), ("mask_tail", 23, 8, "tail"),
                                      ("mask_random", 40, 3, "random"), ("single_frame", 1, 4, None)]:
        x = rng.normal(2.0, 3.0, (frames, dim)).astype(np.float32)
        if masked == "tail":
            mask = np.arange(frames) < 15
        elif masked == "random":
            mask = rng.random(frames) > 0.3
        else:
            mask = np.ones(frames, bool)
        sel = x[mask].astype(np.float64)
        cases.append({
            "name": name, "frames": frames, "dim": dim,
            "x": [float(v) for v in x.reshape(-1)],
            "mask": None if masked is None else [bool(v) for v in mask],
            "mean": [float(v) for v in sel.mean(axis=0)],
            "std": [float(v) for v in sel.std(axis=0)],  # population std (ddof=0)
        })
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {"generator": "test/reference/evaluation_make_fixtures.py", "sklearn": sklearn.__version__,
            "numpy": np.__version__}
    with open(os.path.join(OUT, "metrics_cases.json"), "w") as f:
        json.dump({"meta": meta, "cases": metric_cases()}, f, indent=1)
    with open(os.path.join(OUT, "pooling_cases.json"), "w") as f:
        json.dump({"meta": meta, "cases": pooling_cases()}, f, indent=1)


if __name__ == "__main__":
    main()
