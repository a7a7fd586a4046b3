"""Loading and running the trained classifier shipped in models/ (numpy/scipy only, no pickle).

An artifact is a folder of plain files: `model.json` (categories, feature parameters,
calibration, thresholds, metadata), `vocab.txt` (one term per line), `arrays.npz` (weights,
bias, idf; loaded with allow_pickle=False) and `manifest.json` (sha256 of each file). Loading
re-hashes every file and validates every key and shape, so a tampered, truncated or foreign
artifact is refused with ArtifactError instead of producing wrong scores.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from moderation.engine.classifier_features import FEATURIZER, Featurizer

FORMAT = "moderation-linear-classifier"
FORMAT_VERSION = 1
FILES = ("model.json", "vocab.txt", "arrays.npz")
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "models" / "classifier"


class ArtifactError(ValueError):
    """The artifact is missing, malformed, tampered with or not one of ours."""


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def artifact_version(hashes: dict[str, str]) -> str:
    """The artifact's version: a hash over the hashes of its files."""
    joined = "".join(f"{name}\0{hashes[name]}\n" for name in sorted(hashes))
    return "sha256:" + hashlib.sha256(joined.encode()).hexdigest()[:16]


# Texts with fewer letters, digits or CJK characters than this get no classifier scores: one
# or two characters ("你好", "好") carry no context, every training text has at least six, and
# scam openers and threats that begin with the same words made them score as harm. Lexicon
# terms and detectors still apply to them.
MIN_CONTENT_CHARS = 3


def has_enough_evidence(text: str) -> bool:
    """Whether `text` has at least MIN_CONTENT_CHARS letters, digits or CJK characters."""
    return sum(ch.isalnum() for ch in text) >= MIN_CONTENT_CHARS


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))


class LinearClassifier:
    """One calibrated linear model per category over shared TF-IDF features."""

    def __init__(
        self,
        featurizer: Featurizer,
        categories: Sequence[str],
        weights: np.ndarray,
        bias: np.ndarray,
        calibration: np.ndarray,
        thresholds: dict[str, dict[str, float]],
        version: str,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.featurizer = featurizer
        self.categories = tuple(categories)
        self.weights = weights
        self.bias = bias
        self.calibration = calibration  # shape (n_cat, 2): p = sigmoid(a * margin + b)
        self.thresholds = thresholds
        self.version = version
        self.metadata = metadata or {}

    def probabilities(
        self, normalized_texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None
    ) -> np.ndarray:
        """Calibrated probabilities, shape (len(texts), len(categories))."""
        if not normalized_texts:
            return np.zeros((0, len(self.categories)), dtype=np.float64)
        x = self.featurizer.transform(normalized_texts, tokens)
        margins = np.asarray(x @ self.weights, dtype=np.float64) + self.bias
        probs = _sigmoid(margins * self.calibration[:, 0] + self.calibration[:, 1])
        probs[[not has_enough_evidence(t) for t in normalized_texts]] = 0.0
        return probs

    def score_batch(
        self, normalized_texts: list[str], tokens: list[list[str]] | None = None
    ) -> list[dict[str, float]]:
        """Per-category probabilities for each engine-normalised text."""
        probs = self.probabilities(normalized_texts, tokens).tolist()
        cats = self.categories
        return [dict(zip(cats, row, strict=True)) for row in probs]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise ArtifactError(f"{path}: expected a JSON object")
    return obj


def _verify_manifest(folder: Path) -> str:
    """Check every file against the manifest; return the artifact version."""
    manifest = (
        _read_json(folder / "manifest.json") if (folder / "manifest.json").is_file() else None
    )
    if manifest is None:
        raise ArtifactError(f"{folder}: no manifest.json, not a classifier artifact")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise ArtifactError(f"{folder}: foreign artifact (format {manifest.get('format')!r})")
    hashes = manifest.get("files")
    if not isinstance(hashes, dict) or sorted(hashes) != sorted(FILES):
        raise ArtifactError(f"{folder}: manifest must list exactly {', '.join(FILES)}")
    for name in FILES:
        path = folder / name
        if not path.is_file():
            raise ArtifactError(f"{path}: missing")
        if file_sha256(path) != hashes[name]:
            raise ArtifactError(f"{path}: content does not match the manifest hash (tampered?)")
    version = artifact_version(hashes)
    if manifest.get("version") != version:
        raise ArtifactError(f"{folder}: manifest version does not match its file hashes")
    return version


def _arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in ("weights", "bias", "idf")}
    except (KeyError, ValueError, OSError) as exc:
        raise ArtifactError(f"{path}: unreadable arrays ({exc})") from None


def _thresholds(model: dict[str, Any], cats: list[str]) -> dict[str, dict[str, float]]:
    raw = model.get("thresholds")
    if not isinstance(raw, dict) or sorted(raw) != sorted(cats):
        raise ArtifactError("model.json: thresholds must have one entry per category")
    out = {}
    for code in cats:
        t = raw[code]
        if not isinstance(t, dict) or not all(
            isinstance(t.get(k), int | float) and 0.0 <= t[k] <= 1.0 for k in ("review", "block")
        ):
            raise ArtifactError(f"model.json: thresholds[{code!r}] needs review/block in [0, 1]")
        out[code] = {"review": float(t["review"]), "block": float(t["block"])}
    return out


def load(
    folder: str | os.PathLike[str], segmenter: Callable[[str], list[str]] | None = None
) -> LinearClassifier:
    """Load and verify an artifact folder; raises ArtifactError when it is not acceptable."""
    path = Path(folder)
    version = _verify_manifest(path)
    model = _read_json(path / "model.json")
    if model.get("featurizer") != FEATURIZER:
        raise ArtifactError(
            f"model.json: trained with featuriser {model.get('featurizer')!r}, this code has "
            f"{FEATURIZER!r}; retrain with `moderation train`"
        )
    cats = model.get("categories")
    ngrams = model.get("char_ngrams")
    calib = model.get("calibration")
    if not isinstance(cats, list) or not cats or not all(isinstance(c, str) for c in cats):
        raise ArtifactError("model.json: 'categories' must be a non-empty list of codes")
    if not (isinstance(ngrams, list) and len(ngrams) == 2 and 1 <= ngrams[0] <= ngrams[1] <= 8):
        raise ArtifactError("model.json: 'char_ngrams' must be [low, high]")
    if not isinstance(calib, list) or np.shape(calib) != (len(cats), 2):
        raise ArtifactError("model.json: 'calibration' must be one [a, b] per category")
    vocab = (path / "vocab.txt").read_text(encoding="utf-8").split("\n")
    arr = _arrays(path / "arrays.npz")
    n = len(vocab)
    if arr["weights"].shape != (n, len(cats)) or arr["bias"].shape != (len(cats),):
        raise ArtifactError("arrays.npz: weights/bias shapes do not match vocabulary/categories")
    if arr["idf"].shape != (n,):
        raise ArtifactError("arrays.npz: idf length does not match the vocabulary")
    try:
        featurizer = Featurizer(vocab, arr["idf"], (ngrams[0], ngrams[1]), segmenter)
    except ValueError as exc:
        raise ArtifactError(f"vocab.txt: {exc}") from None
    return LinearClassifier(
        featurizer,
        cats,
        arr["weights"].astype(np.float32),
        arr["bias"].astype(np.float64),
        np.asarray(calib, dtype=np.float64),
        _thresholds(model, cats),
        version,
        model.get("metadata") if isinstance(model.get("metadata"), dict) else {},
    )


def default_dir() -> Path:
    """Where the shipped artifact lives ($MODERATION_MODEL_DIR overrides)."""
    env = os.environ.get("MODERATION_MODEL_DIR")
    return Path(env) if env else DEFAULT_DIR


def load_default() -> LinearClassifier | None:
    """The classifier shipped in models/, or None when no artifact is present."""
    folder = default_dir()
    if not (folder / "manifest.json").is_file():
        return None
    return load(folder)
