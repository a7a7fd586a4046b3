"""Fitting: vocabulary and IDF, one linear model per category (a linear SVM plus a naive Bayes
term), Platt calibration on out-of-fold scores, and per-category thresholds chosen on them for
a stated precision."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from moderation.engine.classifier_features import WORD_MARK, document_frequencies, text_terms


@dataclass(frozen=True)
class FitConfig:
    """Hyper-parameters; the defaults are the shipped model's."""

    seed: int = 13
    char_ngrams: tuple[int, int] = (1, 3)
    min_df: int = 2
    # The most frequent terms seen in at least two training texts: 300k instead of 600k cost
    # 0.004 cross-validated corpus macro-F1, and with corpus parts 14-19 800k gained 0.0016 over
    # 600k (bench/model_selection.py). About 52 bytes a term in the artifact (50 MB limit).
    max_features: int = 800_000
    # Regularisation of the linear model: for the SVM, 0.3 / 1 / 3 cross-validated within
    # 0.001 of each other; the logistic regression shipped before had C 20.
    c: float = 1.0
    # Project-corpus examples count this many times: its hard negatives (other categories,
    # news about crime) would otherwise be drowned by tens of thousands of easy public negatives.
    # 40 was chosen by grouped 5-fold cross-validation on the training split (5, 15, 40, 100).
    corpus_weight: float = 40.0
    # ... except for categories learned mostly from public data (hate, abuse): with 40, the
    # cross-validated COLD accuracy fell from 0.895 to 0.884.
    corpus_weight_public: float = 5.0
    # A multinomial naive Bayes log-odds model on the same features is added to the linear
    # model's margin with this weight (still one linear model at inference). For the SVM, whose
    # margins are on a smaller scale, cross-validation on the training split chose 0.05 (0, 0.03,
    # 0.05, 0.07, 0.1); for the logistic regression it was 0.3 (alpha 0.05 in both).
    nb_alpha: float = 0.05
    nb_weight: float = 0.05
    folds: int = 5
    # 0.80 would add about 0.02 cross-validated corpus macro-F1 but send about 2.5 points more
    # clean hard negatives to review (see the model card); the stated precision stays 0.85.
    review_precision: float = 0.85
    block_precision: float = 0.97
    # The floor only stops a category with very few positives from flagging at a near-zero
    # score; 0.5 bound most review thresholds (their out-of-fold precision was above 0.85
    # already) and cost 0.004 cross-validated corpus macro-F1.
    review_floor: float = 0.05
    block_floor: float = 0.8
    # Word terms' IDF is multiplied by this before rows are L2-normalised: a text has several
    # times more character n-grams than words, so this sets the weight of the word block.
    word_scale: float = 1.0
    # "svm": a squared-hinge linear SVM per category (shipped; it cross-validated 0.000-0.004
    # better and flagged fewer THUCNews training titles out-of-fold); "logistic": the logistic
    # regression of the models up to sha256:0f38b595038b1027 (with C 20, naive Bayes 0.3).
    linear_model: str = "svm"
    # With the SVM, a logistic regression (C `logistic_c`) fitted on the same rows is added to
    # the margin with this weight (0: not fitted). Still one linear model at inference.
    logistic_mix: float = 0.0
    logistic_c: float = 20.0


def build_vocabulary(
    term_lists: Iterable[list[str]], min_df: int, max_features: int
) -> tuple[list[str], np.ndarray]:
    """The most frequent terms (df >= min_df, ties broken by term) and their smoothed IDF."""
    lists = list(term_lists)
    df = document_frequencies(lists)
    kept = sorted(
        ((t, n) for t, n in df.items() if n >= min_df and "\n" not in t),
        key=lambda tn: (-tn[1], tn[0]),
    )[:max_features]
    n_docs = len(lists)
    idf = np.array([math.log((1 + n_docs) / (1 + n)) + 1.0 for _, n in kept], dtype=np.float32)
    return [t for t, _ in kept], idf


def scale_word_terms(vocabulary: Sequence[str], idf: np.ndarray, scale: float) -> np.ndarray:
    """IDF with word unigram and bigram terms multiplied by `scale` (the block's weight)."""
    if scale == 1.0:
        return idf
    words = np.array([t.startswith(WORD_MARK) for t in vocabulary], dtype=bool)
    return np.where(words, idf * np.float32(scale), idf).astype(np.float32)


def training_vocabulary(
    normalized: Sequence[str], tokens: Sequence[Sequence[str]], cfg: FitConfig
) -> tuple[list[str], np.ndarray]:
    """Vocabulary and IDF (word terms scaled by `cfg.word_scale`) of the training texts."""
    vocab, idf = build_vocabulary(
        (text_terms(n, t, cfg.char_ngrams) for n, t in zip(normalized, tokens, strict=True)),
        cfg.min_df,
        cfg.max_features,
    )
    return vocab, scale_word_terms(vocab, idf, cfg.word_scale)


def naive_bayes_log_odds(
    x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, alpha: float
) -> tuple[np.ndarray, float]:
    """Weights and bias of a weighted multinomial naive Bayes as a linear log-odds model:
    log P(pos | x) - log P(neg | x) = x @ w + b (Laplace/Lidstone smoothing `alpha`)."""
    yb = y.astype(bool)
    out = []
    for rows in (yb, ~yb):
        counts = np.asarray(x[rows].T @ weight[rows]).ravel() + alpha
        out.append((np.log(counts / counts.sum()), float(weight[rows].sum())))
    (pos, pos_w), (neg, neg_w) = out
    return pos - neg, math.log(pos_w / neg_w)


def logistic_weights(
    x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, c: float, seed: int
) -> tuple[np.ndarray, float]:
    """Weights and bias of a weighted L2 logistic regression (liblinear)."""
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=seed)
    model.fit(x, y, sample_weight=weight)
    return model.coef_.ravel().astype(np.float64), float(model.intercept_[0])


def fit_category(
    x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, cfg: FitConfig
) -> tuple[np.ndarray, float]:
    """Weights and bias of one category: a linear SVM (or logistic regression, per
    `cfg.linear_model`) plus `nb_weight` times the naive Bayes log-odds (a sum of two linear
    models is one linear model)."""
    if cfg.linear_model == "logistic":
        w, b = logistic_weights(x, y, weight, cfg.c, cfg.seed)
    elif cfg.linear_model == "svm":
        svm = LinearSVC(C=cfg.c, max_iter=5000, random_state=cfg.seed)
        svm.fit(x, y, sample_weight=weight)
        w, b = svm.coef_.ravel().astype(np.float64), float(svm.intercept_[0])
        if cfg.logistic_mix:
            lr_w, lr_b = logistic_weights(x, y, weight, cfg.logistic_c, cfg.seed)
            w, b = w + cfg.logistic_mix * lr_w, b + cfg.logistic_mix * lr_b
    else:
        raise ValueError(f"linear_model must be 'svm' or 'logistic', not {cfg.linear_model!r}")
    if cfg.nb_weight:
        nb_w, nb_b = naive_bayes_log_odds(x, y, weight, cfg.nb_alpha)
        w, b = w + cfg.nb_weight * nb_w, b + cfg.nb_weight * nb_b
    return w.astype(np.float32), b


def out_of_fold_margins(
    x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, folds: np.ndarray, cfg: FitConfig
) -> np.ndarray:
    """Each row's margin from a model fitted without its fold (cross-fitting, as in
    scikit-learn's CalibratedClassifierCV with ensemble=False)."""
    margins = np.zeros(x.shape[0], dtype=np.float64)
    for k in np.unique(folds):
        held, fit = folds == k, folds != k
        if y[fit].min() == y[fit].max():
            margins[held] = 0.0 if y[fit].max() else -10.0
            continue
        w, b = fit_category(x[fit], y[fit], weight[fit], cfg)
        margins[held] = np.asarray(x[held] @ w).ravel() + b
    return margins


def platt(margins: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) with p = sigmoid(a * margin + b), fitted on out-of-fold margins."""
    if y.min() == y.max():
        return 1.0, 0.0
    model = LogisticRegression(C=1e4, solver="lbfgs", max_iter=1000)
    model.fit(margins.reshape(-1, 1), y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def calibrated_out_of_fold(
    x: sp.csr_matrix, y: np.ndarray, weight: np.ndarray, folds: np.ndarray, cfg: FitConfig
) -> tuple[np.ndarray, tuple[float, float]]:
    """Calibrated out-of-fold probabilities of one category and their Platt (a, b)."""
    margins = out_of_fold_margins(x, y, weight, folds, cfg)
    a, b = platt(margins, y)
    return 1.0 / (1.0 + np.exp(-np.clip(a * margins + b, -40, 40))), (a, b)


def threshold_for_precision(p: np.ndarray, y: np.ndarray, target: float, floor: float) -> float:
    """Lowest score cut (>= floor) whose flagged set has precision >= target on (p, y).

    The lowest such cut gives the most recall at the stated precision; 1.0 when no cut reaches
    it (the category then never fires at this level).
    """
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order].astype(np.float64)
    precision = np.cumsum(ys) / np.arange(1, len(ys) + 1)
    # Only the last position of a run of equal scores is a real cut.
    last = np.r_[ps[1:] != ps[:-1], True] if len(ps) else np.zeros(0, dtype=bool)
    ok = np.flatnonzero(last & (precision >= target) & (ps >= floor))
    if len(ok) == 0:
        return 1.0
    return round(float(ps[ok[-1]]), 6)


def choose_thresholds(p: np.ndarray, y: np.ndarray, cfg: FitConfig) -> dict[str, float]:
    """{"review", "block"} cuts for one category from out-of-fold probabilities."""
    review = threshold_for_precision(p, y, cfg.review_precision, cfg.review_floor)
    block = threshold_for_precision(p, y, cfg.block_precision, max(cfg.block_floor, review))
    return {"review": review, "block": max(block, review)}


def label_matrix(labels: Sequence[Sequence[str]], categories: Sequence[str]) -> np.ndarray:
    """Boolean (n_examples x n_categories) truth matrix."""
    index = {c: j for j, c in enumerate(categories)}
    y = np.zeros((len(labels), len(categories)), dtype=bool)
    for i, codes in enumerate(labels):
        for code in codes:
            if code in index:
                y[i, index[code]] = True
    return y
