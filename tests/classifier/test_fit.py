"""One category's linear model: either kind separates a category, the logistic mix adds up, an
unknown kind is refused."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

from moderation.training.fit import FitConfig, fit_category


def toy_category() -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Rows with term 0 or 1 are positives, rows with term 2 or 3 negatives; term 4 is noise."""
    rng = np.random.default_rng(0)
    rows = []
    y = []
    for i in range(60):
        positive = i % 3 == 0
        row = np.zeros(5)
        row[rng.integers(0, 2) if positive else rng.integers(2, 4)] = 1.0
        row[4] = rng.random()
        rows.append(row / np.linalg.norm(row))
        y.append(positive)
    return sp.csr_matrix(np.array(rows)), np.array(y), np.ones(60)


@pytest.mark.parametrize("kind", ["svm", "logistic"])
def test_it_fits_a_linear_model_that_separates_the_category(kind: str) -> None:
    x, y, weight = toy_category()
    cfg = dataclasses.replace(FitConfig(), linear_model=kind, nb_weight=0.05)
    w, b = fit_category(x, y, weight, cfg)
    margins = np.asarray(x @ w).ravel() + b
    assert w.shape == (5,)
    assert (margins[y] > 0).all() and (margins[~y] < 0).all()


def test_it_refuses_an_unknown_linear_model() -> None:
    x, y, weight = toy_category()
    cfg = dataclasses.replace(FitConfig(), linear_model="forest")
    with pytest.raises(ValueError, match="linear_model must be 'svm' or 'logistic'"):
        fit_category(x, y, weight, cfg)


def test_it_adds_the_logistic_regression_to_the_svm_with_the_mix_weight() -> None:
    x, y, weight = toy_category()
    svm_only = dataclasses.replace(FitConfig(), nb_weight=0.0)
    logistic_only = dataclasses.replace(svm_only, linear_model="logistic", c=svm_only.logistic_c)
    mixed = dataclasses.replace(svm_only, logistic_mix=0.3)
    (w_svm, b_svm), (w_lr, b_lr) = (
        fit_category(x, y, weight, svm_only),
        fit_category(x, y, weight, logistic_only),
    )
    w, b = fit_category(x, y, weight, mixed)
    np.testing.assert_allclose(w, w_svm + 0.3 * w_lr, rtol=1e-5, atol=1e-6)
    assert b == pytest.approx(b_svm + 0.3 * b_lr)
