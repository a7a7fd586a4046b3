"""Evaluation figures on a hand-checked example; thresholds chosen and applied per category."""

from __future__ import annotations

import numpy as np
import pytest

from moderation.engine.classifier import LinearClassifier
from moderation.training.fit import FitConfig, choose_thresholds, threshold_for_precision
from moderation.training.metrics import evaluate, format_report
from moderation.training.quality import decisions

CATS = ["fraud", "spam"]


def test_it_computes_hand_checked_figures() -> None:
    # item: truth            predicted
    # 0     fraud            fraud           -> fraud TP
    # 1     fraud            spam            -> fraud FN, spam FP
    # 2     spam             spam            -> spam TP
    # 3     clean            fraud           -> fraud FP, clean flagged
    # 4     clean            -               -> clean ok
    # 5     fraud+spam       fraud           -> fraud TP, spam FN
    truth = np.array([[1, 0], [1, 0], [0, 1], [0, 0], [0, 0], [1, 1]], dtype=bool)
    pred = np.array([[1, 0], [0, 1], [0, 1], [1, 0], [0, 0], [1, 0]], dtype=bool)
    scores = pred.astype(float)
    rep = evaluate(truth, pred, scores, CATS)
    fraud, spam = rep.per_category
    assert (fraud.support, fraud.tp, fraud.fp, fraud.fn) == (3, 2, 1, 1)
    assert (spam.support, spam.tp, spam.fp, spam.fn) == (2, 1, 1, 1)
    assert fraud.precision == pytest.approx(2 / 3) and fraud.recall == pytest.approx(2 / 3)
    assert spam.f1 == pytest.approx(0.5)
    assert rep.macro_f1 == pytest.approx((2 / 3 + 0.5) / 2)
    assert rep.macro_f1_over(["spam"]) == pytest.approx(0.5)
    assert (rep.n_clean, rep.clean_flagged, rep.clean_fp_rate) == (2, 1, 0.5)
    # rows/cols: fraud, spam, clean. Item 5 gives a fraud row (hit) and a spam row (missed:
    # column = the top predicted category, fraud).
    assert rep.confusion == [[2, 1, 0], [1, 1, 0], [1, 0, 1]]
    text = format_report(rep)
    assert "macro-F1" in text and "0.5000 (1/2)" in text


def test_it_picks_the_lowest_cut_reaching_the_precision() -> None:
    p = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3])
    y = np.array([1, 1, 1, 0, 1, 0, 0])
    # cuts: .95->1/1 .9->2/2 .8->3/3 .7->3/4 .6->4/5 .4->4/6 .3->4/7
    assert threshold_for_precision(p, y, 0.8, 0.0) == 0.6
    assert threshold_for_precision(p, y, 0.99, 0.0) == 0.8
    assert threshold_for_precision(p, y, 0.8, 0.65) == 0.8  # the floor rules out 0.6
    assert threshold_for_precision(p, np.zeros(7), 0.8, 0.0) == 1.0  # never reachable


def test_it_never_blocks_below_review() -> None:
    p = np.array([0.9, 0.8, 0.7])
    y = np.array([1, 1, 1])
    t = choose_thresholds(p, y, FitConfig(review_floor=0.75, block_floor=0.5))
    assert t == {"review": 0.8, "block": 0.8}


def test_it_applies_thresholds_per_category(model: LinearClassifier) -> None:
    cats = list(model.categories)
    model.thresholds = {c: {"review": 0.5, "block": 0.9} for c in cats}
    model.thresholds[cats[0]] = {"review": 0.2, "block": 0.3}
    probs = np.full((1, len(cats)), 0.25)
    flagged, blocked = decisions(model, probs)
    assert flagged[0].tolist() == [True] + [False] * (len(cats) - 1)
    assert not blocked.any()
    probs[0, 1] = 0.95
    flagged, blocked = decisions(model, probs)
    assert blocked[0].tolist() == [False, True] + [False] * (len(cats) - 2)


def test_it_scores_harmful_versus_clean() -> None:
    from moderation.training.quality import _binary

    truth = np.array([True, True, False, False])
    pred = np.array([True, False, True, False])
    assert _binary(truth, pred) == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
