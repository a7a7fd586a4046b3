"""Writing a classifier artifact byte-for-byte reproducibly (see moderation.engine.classifier)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from moderation.engine.classifier import (
    FILES,
    FORMAT,
    FORMAT_VERSION,
    artifact_version,
    file_sha256,
)
from moderation.engine.classifier_features import FEATURIZER

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz readable by np.load(allow_pickle=False), with fixed zip timestamps."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def write_artifact(
    folder: Path,
    *,
    vocabulary: Sequence[str],
    idf: np.ndarray,
    weights: np.ndarray,
    bias: np.ndarray,
    categories: Sequence[str],
    char_ngrams: tuple[int, int],
    calibration: Sequence[tuple[float, float]],
    thresholds: dict[str, dict[str, float]],
    metadata: dict[str, Any],
) -> str:
    """Write model.json, vocab.txt, arrays.npz and manifest.json; return the version."""
    folder.mkdir(parents=True, exist_ok=True)
    model = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "featurizer": FEATURIZER,
        "categories": list(categories),
        "char_ngrams": list(char_ngrams),
        "calibration": [[round(a, 8), round(b, 8)] for a, b in calibration],
        "thresholds": thresholds,
        "metadata": metadata,
    }
    (folder / "model.json").write_text(
        json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (folder / "vocab.txt").write_text("\n".join(vocabulary), encoding="utf-8")
    _write_npz(
        folder / "arrays.npz",
        {
            "weights": weights.astype(np.float32),
            "bias": bias.astype(np.float32),
            "idf": idf.astype(np.float32),
        },
    )
    hashes = {name: file_sha256(folder / name) for name in FILES}
    version = artifact_version(hashes)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "files": hashes,
        "version": version,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return version
