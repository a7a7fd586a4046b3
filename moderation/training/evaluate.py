"""`moderation evaluate`: figures of a trained artifact on a labelled JSONL file or on the
built-in held-out splits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moderation.engine.classifier import LinearClassifier
from moderation.training.data import DataError, Example, load_all, read_jsonl
from moderation.training.metrics import Report
from moderation.training.quality import quality_figures, report_for


def evaluate_file(model: LinearClassifier, path: Path) -> Report:
    """Report for a JSONL file of `{"text", "label"|"labels"}` lines."""
    rows = read_jsonl(path)
    if not rows:
        raise DataError(f"{path}: no labelled lines")
    unknown = sorted({c for _, labels, _ in rows for c in labels} - set(model.categories))
    if unknown:
        raise DataError(
            f"{path}: label(s) {unknown} are not categories of this model "
            f"({', '.join(model.categories)})"
        )
    return report_for(model, [Example(text, labels, "file", "test") for text, labels, _ in rows])


def evaluate_builtin(
    model: LinearClassifier, datasets: Path, corpus: Path | None
) -> dict[str, Any]:
    """The issue's quality figures on the fixed held-out splits."""
    return quality_figures(model, load_all(datasets, corpus))
