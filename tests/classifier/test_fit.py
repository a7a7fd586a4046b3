"""One category's linear model: either kind separates a category, an unknown kind is refused."""

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
