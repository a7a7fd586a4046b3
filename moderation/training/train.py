"""`moderation train`: load data, featurise, fit, calibrate, choose thresholds, write the
artifact and the model card. Same data + same seed = byte-identical artifact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moderation.engine.classifier import LinearClassifier, load
from moderation.engine.classifier_features import Featurizer, char_terms, word_terms
from moderation.engine.types import CATEGORY_CODES
from moderation.training.artifact import write_artifact
from moderation.training.data import DataError, Example, load_all
from moderation.training.fit import (
    FitConfig,
    build_vocabulary,
    choose_thresholds,
    fit_category,
    label_matrix,
    platt,
)
from moderation.training.model_card import write_model_card
from moderation.training.quality import quality_figures
from moderation.training.textprep import prepare

MIN_POSITIVES = 5  # a category with fewer training positives is not modelled at all


@dataclass(frozen=True)
class TrainResult:
    """What a training run produced."""

    folder: Path
    version: str
    figures: dict[str, Any]


def data_summary(examples: Sequence[Example]) -> dict[str, Any]:
    """Counts by source and split, and positives by category and split."""
    by_source: Counter[str] = Counter(f"{e.source}/{e.split}" for e in examples)
    by_cat: Counter[str] = Counter(f"{c}/{e.split}" for e in examples for c in e.labels)
    clean: Counter[str] = Counter(e.split for e in examples if not e.labels)
    return {
        "by_source_split": dict(sorted(by_source.items())),
        "positives_by_category_split": dict(sorted(by_cat.items())),
        "clean_by_split": dict(sorted(clean.items())),
    }


def _fit_all(
    x: Any, y: np.ndarray, train: np.ndarray, dev: np.ndarray, cfg: FitConfig, log: Callable[[str], None],
    categories: Sequence[str],
) -> tuple[np.ndarray, np.ndarray, list[tuple[float, float]], dict[str, dict[str, float]]]:
    """Per category: weights on train, Platt calibration and thresholds on dev."""
    weights = np.zeros((x.shape[1], len(categories)), dtype=np.float32)
    bias = np.zeros(len(categories), dtype=np.float64)
    calibration: list[tuple[float, float]] = []
    thresholds: dict[str, dict[str, float]] = {}
    for j, code in enumerate(categories):
        log(f"fitting {code} ({int(y[train, j].sum())} train positives)")
        weights[:, j], bias[j] = fit_category(x[train], y[train, j], cfg)
        margins = np.asarray(x[dev] @ weights[:, j]).ravel() + bias[j]
        a, b = platt(margins, y[dev, j])
        calibration.append((a, b))
        p = 1.0 / (1.0 + np.exp(-(a * margins + b)))
        thresholds[code] = choose_thresholds(p, y[dev, j], cfg)
    return weights, bias, calibration, thresholds


def train(
    out: Path,
    datasets: Path,
    corpus: Path | None,
    cfg: FitConfig,
    log: Callable[[str], None],
    card: Path | None = None,
) -> TrainResult:
    """Train and write an artifact to `out` (and a model card to `card`)."""
    log(f"loading data from {datasets} and {corpus}")
    examples = load_all(datasets, corpus)
    split = np.array([e.split for e in examples])
    train_idx, dev_idx = np.flatnonzero(split == "train"), np.flatnonzero(split == "dev")
    log(f"{len(examples)} examples: {len(train_idx)} train, {len(dev_idx)} dev")
    log("normalising and segmenting")
    normalized, tokens = prepare([e.text for e in examples])
    log("building vocabulary")
    vocab, idf = build_vocabulary(
        (char_terms(normalized[i], *cfg.char_ngrams) + word_terms(tokens[i]) for i in train_idx),
        cfg.min_df,
        cfg.max_features,
    )
    featurizer = Featurizer(vocab, idf, cfg.char_ngrams)
    log(f"featurising ({len(vocab)} terms)")
    x = featurizer.transform(normalized, tokens)
    y_all = label_matrix([e.labels for e in examples], CATEGORY_CODES)
    categories = [
        c for j, c in enumerate(CATEGORY_CODES) if y_all[train_idx, j].sum() >= MIN_POSITIVES
    ]
    if not categories:
        raise DataError("no category has enough labelled training examples")
    y = label_matrix([e.labels for e in examples], categories)
    weights, bias, calibration, thresholds = _fit_all(x, y, train_idx, dev_idx, cfg, log, categories)
    metadata = {"config": asdict(cfg), "data": data_summary(examples)}
    version = write_artifact(
        out,
        vocabulary=vocab,
        idf=idf,
        weights=weights,
        bias=bias,
        categories=categories,
        char_ngrams=cfg.char_ngrams,
        calibration=calibration,
        thresholds=thresholds,
        metadata=metadata,
    )
    log(f"wrote {out} (version {version}); evaluating held-out splits")
    model: LinearClassifier = load(out)
    figures = quality_figures(model, examples)
    if card is not None:
        write_model_card(card, model, figures, metadata, out)
        log(f"wrote {card}")
    return TrainResult(out, version, figures)
