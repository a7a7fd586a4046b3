"""The issue's quality figures on the fixed held-out splits: COLD dev accuracy, project corpus
held-out macro-F1, THUCNews held-out block/review rates (and SWSR held-out hate figures)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from moderation.engine.classifier import LinearClassifier
from moderation.training.data import Example, corpus_file_category
from moderation.training.fit import label_matrix
from moderation.training.metrics import Report, evaluate
from moderation.training.textprep import prepare

TARGETS = {
    "cold_dev_accuracy": 0.80,
    "corpus_macro_f1": 0.85,
    "thucnews_block_rate": 0.002,
    "thucnews_review_rate": 0.02,
}


def decisions(model: LinearClassifier, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(flagged, blocked) boolean matrices: score >= the category's review / block threshold."""
    review = np.array([model.thresholds[c]["review"] for c in model.categories])
    block = np.array([model.thresholds[c]["block"] for c in model.categories])
    return probs >= review, probs >= block


def score_examples(
    model: LinearClassifier, examples: Sequence[Example]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(probabilities, flagged, blocked) for examples, through engine normalisation."""
    normalized, tokens = prepare([e.text for e in examples])
    probs = model.probabilities(normalized, tokens)
    flagged, blocked = decisions(model, probs)
    return probs, flagged, blocked


def report_for(model: LinearClassifier, examples: Sequence[Example]) -> Report:
    """Evaluation report (flagged = at or above the review threshold)."""
    probs, flagged, _ = score_examples(model, examples)
    truth = label_matrix([e.labels for e in examples], model.categories)
    return evaluate(truth, flagged, probs, model.categories)


def _binary(truth: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """Precision/recall/F1 of one yes/no decision."""
    tp = int((truth & pred).sum())
    precision = tp / int(pred.sum()) if pred.any() else 0.0
    recall = tp / int(truth.sum()) if truth.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _offensive_columns(model: LinearClassifier) -> list[int]:
    return [j for j, c in enumerate(model.categories) if c in ("hate", "abuse")]


def quality_figures(model: LinearClassifier, examples: Sequence[Example]) -> dict[str, Any]:
    """All held-out figures from the test split of `examples` (training never sees it)."""
    test = [e for e in examples if e.split == "test"]
    out: dict[str, Any] = {}
    cold = [e for e in test if e.source == "cold"]
    if cold:
        _, flagged, _ = score_examples(model, cold)
        predicted = flagged[:, _offensive_columns(model)].any(axis=1)
        truth = np.array([bool(e.labels) for e in cold])
        out["cold_dev_accuracy"] = float((predicted == truth).mean())
        out["cold_dev_items"] = len(cold)
        out["cold_heldout"] = report_for(model, cold).to_dict()
    swsr = [e for e in test if e.source == "swsr"]
    if swsr:
        out["swsr_heldout"] = report_for(model, swsr).to_dict()
    corpus = [e for e in test if e.source.startswith("corpus:")]
    if corpus:
        # Macro-F1 over the categories the corpus files are named for (gambling.jsonl,
        # more_gambling.jsonl, ...; negatives_* name none); other labels
        # (a handful of hate/abuse co-labels) are too rare there to measure and are reported
        # from COLD/SWSR instead.
        named = {corpus_file_category(e.source.split(":", 1)[1]) for e in corpus}
        covered = sorted(c for c in named if c in model.categories)
        probs, flagged, _ = score_examples(model, corpus)
        truth = label_matrix([e.labels for e in corpus], model.categories)
        rep = evaluate(truth, flagged, probs, model.categories)
        out["corpus_any_harm"] = _binary(
            np.asarray(truth.any(axis=1)), np.asarray(flagged.any(axis=1))
        )
        out["corpus_categories"] = covered
        out["corpus_macro_f1"] = rep.macro_f1_over(covered)
        out["corpus_heldout"] = rep.to_dict()
    news = [e for e in test if e.source == "thucnews"]
    if news:
        _, flagged, blocked = score_examples(model, news)
        blocked_any = blocked.any(axis=1)
        out["thucnews_block_rate"] = float(blocked_any.mean())
        out["thucnews_review_rate"] = float((flagged.any(axis=1) & ~blocked_any).mean())
        out["thucnews_items"] = len(news)
    return out


def format_quality(figures: dict[str, Any]) -> str:
    """One line per issue target: value, target, pass/fail."""
    lines = []
    for key, target in TARGETS.items():
        if key not in figures:
            lines.append(f"{key:<24} n/a (no held-out data)")
            continue
        value = figures[key]
        ok = value >= target if key.endswith(("accuracy", "f1")) else value <= target
        sign = ">=" if key.endswith(("accuracy", "f1")) else "<="
        lines.append(f"{key:<24} {value:.4f}  target {sign} {target}  {'PASS' if ok else 'FAIL'}")
    return "\n".join(lines)
