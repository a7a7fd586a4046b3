"""Model selection by grouped cross-validation on the TRAINING split only.

Prints, for each configuration variant, the corpus macro-F1 of the out-of-fold predictions on
the hand-written corpus training lines (the ten categories the corpus files are named for),
with per-category thresholds chosen on the same out-of-fold scores for review precision 0.85
and 0.80, and at the best threshold per category (an upper bound of the threshold rule), plus
the share of clean hand-written corpus lines and of THUCNews training titles flagged.

The held-out split is never loaded into a model here: this is how hyper-parameters are chosen
without looking at the figures the model card reports.

    python bench/model_selection.py                      # the shipped configuration
    python bench/model_selection.py --variant c=10 --variant nb_weight=0.4
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from moderation.engine.classifier_features import Featurizer
from moderation.engine.types import CATEGORY_CODES
from moderation.training.data import (
    DEFAULT_CORPUS,
    Example,
    assign_fold,
    corpus_file_category,
    datasets_dir,
    load_all,
)
from moderation.training.fit import (
    FitConfig,
    calibrated_out_of_fold,
    label_matrix,
    threshold_for_precision,
    training_vocabulary,
)
from moderation.training.textprep import prepare
from moderation.training.train import sample_weights


def parse_variant(text: str) -> dict[str, Any]:
    """`c=10,nb_weight=0.4` -> {"c": 10.0, "nb_weight": 0.4} (types from FitConfig)."""
    fields = {f.name: f for f in dataclasses.fields(FitConfig)}
    out: dict[str, Any] = {}
    for part in filter(None, text.split(",")):
        name, _, value = part.partition("=")
        if name not in fields:
            raise SystemExit(f"unknown FitConfig field {name!r}")
        default = getattr(FitConfig(), name)
        try:
            if isinstance(default, bool):
                out[name] = value.lower() in ("1", "true", "yes")
            elif isinstance(default, tuple):
                out[name] = tuple(int(v) for v in value.split("-"))
            else:
                out[name] = type(default)(value)
        except ValueError:
            raise SystemExit(f"bad value {value!r} for {name} (default {default!r})") from None
    return out


def prepared_training_split(
    corpus: Path, cache: Path | None
) -> tuple[list[Example], list[str], list[list[str]]]:
    """Training examples with their engine-normalised texts and tokens (cached on disk)."""
    examples = [e for e in load_all(datasets_dir(), corpus) if e.split == "train"]
    texts = [e.text for e in examples]
    if cache and cache.exists():
        saved = pickle.loads(cache.read_bytes())
        done = dict(
            zip(saved["texts"], zip(saved["normalized"], saved["tokens"], strict=True), strict=True)
        )
    else:
        done = {}
    todo = [t for t in texts if t not in done]
    if todo:
        normalized, tokens = prepare(todo)
        done.update(zip(todo, zip(normalized, tokens, strict=True), strict=True))
        if cache:
            cache.write_bytes(
                pickle.dumps(
                    {
                        "texts": list(done),
                        "normalized": [v[0] for v in done.values()],
                        "tokens": [v[1] for v in done.values()],
                    }
                )
            )
    return examples, [done[t][0] for t in texts], [done[t][1] for t in texts]


def f1_at(p: np.ndarray, y: np.ndarray, cut: float, rows: np.ndarray) -> float:
    """F1 on `rows` when flagging p >= cut."""
    pred, truth = p[rows] >= cut, y[rows]
    tp = int((pred & truth).sum())
    return 2 * tp / (int(pred.sum()) + int(truth.sum())) if tp else 0.0


def best_f1(p: np.ndarray, y: np.ndarray, rows: np.ndarray) -> float:
    """Highest F1 on `rows` over all cuts."""
    return max(f1_at(p, y, cut, rows) for cut in np.unique(p[rows][y[rows]]))


def evaluate_variant(
    examples: list[Example], normalized: list[str], tokens: list[list[str]], cfg: FitConfig
) -> dict[str, float]:
    """Out-of-fold figures of one configuration."""
    vocab, idf = training_vocabulary(normalized, tokens, cfg)
    x = Featurizer(vocab, idf, cfg.char_ngrams).transform(normalized, tokens)
    cats = list(CATEGORY_CODES)
    y = label_matrix([e.labels for e in examples], cats)
    weight = sample_weights(examples, y, cfg)
    folds = np.array([assign_fold(e.fold_key, cfg.folds) for e in examples])
    hand = np.array(
        [e.source.startswith("corpus:") and e.group == "" for e in examples], dtype=bool
    )
    named = {corpus_file_category(e.source.removeprefix("corpus:")) for e in examples}
    corpus_cats = sorted(c for c in named if c is not None)
    clean_hand = hand & ~y.any(axis=1)
    news = np.array([e.source == "thucnews" for e in examples])
    out: dict[str, float] = {}
    flagged = {0.85: np.zeros(len(examples), bool), 0.80: np.zeros(len(examples), bool)}
    f1s: dict[str, list[float]] = {"0.85": [], "0.80": [], "best": []}
    for j, code in enumerate(cats):
        if code not in corpus_cats and code not in ("hate", "abuse"):
            continue
        p, _ = calibrated_out_of_fold(x, y[:, j], weight[:, j], folds, cfg)
        for target in (0.85, 0.80):
            cut = threshold_for_precision(p, y[:, j], target, cfg.review_floor)
            flagged[target] |= p >= cut
            if code in corpus_cats:
                f1 = f1_at(p, y[:, j], cut, hand)
                f1s[f"{target:.2f}"].append(f1)
                if target == 0.85:
                    out[code] = round(f1, 3)
        if code in corpus_cats:
            f1s["best"].append(best_f1(p, y[:, j], hand))
    for key, values in f1s.items():
        out[f"macro_f1@{key}"] = round(float(np.mean(values)), 4)
    for target, mask in flagged.items():
        out[f"clean_corpus_flagged@{target:.2f}"] = round(float(mask[clean_hand].mean()), 4)
        out[f"thucnews_flagged@{target:.2f}"] = round(float(mask[news].mean()), 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", action="append", default=[], help="FitConfig overrides")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/moderation-cv-prep.pkl"))
    args = parser.parse_args()
    variants = [(text, parse_variant(text)) for text in args.variant or [""]]
    t0 = time.perf_counter()
    examples, normalized, tokens = prepared_training_split(args.corpus, args.cache)
    print(f"{len(examples)} training examples prepared in {time.perf_counter() - t0:.0f} s")
    for text, overrides in variants:
        t0 = time.perf_counter()
        cfg = dataclasses.replace(FitConfig(), **overrides)
        figures = evaluate_variant(examples, normalized, tokens, cfg)
        print(f"[{text or 'shipped'}] ({time.perf_counter() - t0:.0f} s)")
        for key, value in figures.items():
            print(f"  {key:<28} {value}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
