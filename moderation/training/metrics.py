"""Evaluation figures for multi-label predictions: per-category P/R/F1, macro-F1, confusion
matrix and false-positive rate on clean items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

CLEAN = "clean"


@dataclass(frozen=True)
class CategoryFigures:
    """Counts and rates for one category."""

    code: str
    support: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Report:
    """Everything `moderation evaluate` prints."""

    n_items: int
    n_clean: int
    clean_flagged: int
    per_category: list[CategoryFigures]
    confusion_labels: list[str]
    confusion: list[list[int]] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the categories that occur in the truth (support > 0)."""
        scored = [c.f1 for c in self.per_category if c.support > 0]
        return sum(scored) / len(scored) if scored else 0.0

    def macro_f1_over(self, codes: Sequence[str]) -> float:
        """Mean F1 over the given categories."""
        scored = [c.f1 for c in self.per_category if c.code in codes]
        return sum(scored) / len(scored) if scored else 0.0

    @property
    def clean_fp_rate(self) -> float:
        return self.clean_flagged / self.n_clean if self.n_clean else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "items": self.n_items,
            "clean_items": self.n_clean,
            "clean_fp_rate": round(self.clean_fp_rate, 6),
            "macro_f1": round(self.macro_f1, 6),
            "per_category": {
                c.code: {
                    "support": c.support,
                    "precision": round(c.precision, 6),
                    "recall": round(c.recall, 6),
                    "f1": round(c.f1, 6),
                    "tp": c.tp,
                    "fp": c.fp,
                    "fn": c.fn,
                }
                for c in self.per_category
            },
            "confusion": {"labels": self.confusion_labels, "matrix": self.confusion},
        }


def _predicted_column(true_code: int, pred: np.ndarray, scores: np.ndarray) -> int:
    """Confusion column for one true label: itself if predicted, else the top predicted
    category, else clean (index len(categories))."""
    if true_code >= 0 and pred[true_code]:
        return true_code
    if pred.any():
        return int(np.argmax(np.where(pred, scores, -np.inf)))
    return len(pred)


def evaluate(
    truth: np.ndarray, pred: np.ndarray, scores: np.ndarray, categories: Sequence[str]
) -> Report:
    """Figures for boolean truth/prediction matrices (items x categories).

    The confusion matrix has one row per (item, true label) pair, an item with no label being
    one `clean` row; the column is the true label when it was predicted, otherwise the
    highest-scoring predicted category, otherwise `clean`.
    """
    per = []
    for j, code in enumerate(categories):
        t, p = truth[:, j], pred[:, j]
        per.append(
            CategoryFigures(
                code, int(t.sum()), int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
            )
        )
    labels = [*categories, CLEAN]
    k = len(categories)
    matrix = np.zeros((k + 1, k + 1), dtype=np.int64)
    for i in range(truth.shape[0]):
        rows = [int(r) for r in np.flatnonzero(truth[i])] or [-1]
        for r in rows:
            matrix[r if r >= 0 else k, _predicted_column(r, pred[i], scores[i])] += 1
    clean = ~truth.any(axis=1)
    return Report(
        n_items=int(truth.shape[0]),
        n_clean=int(clean.sum()),
        clean_flagged=int((clean & pred.any(axis=1)).sum()),
        per_category=per,
        confusion_labels=labels,
        confusion=matrix.tolist(),
    )


def format_report(report: Report) -> str:
    """Human-readable table of a report."""
    lines = [f"{'category':<18}{'support':>8}{'precision':>11}{'recall':>8}{'f1':>8}"]
    for c in report.per_category:
        if c.support or c.fp:
            lines.append(
                f"{c.code:<18}{c.support:>8}{c.precision:>11.3f}{c.recall:>8.3f}{c.f1:>8.3f}"
            )
    lines.append(f"macro-F1 (categories with support): {report.macro_f1:.3f}")
    lines.append(
        f"false-positive rate on clean items: {report.clean_fp_rate:.4f}"
        f" ({report.clean_flagged}/{report.n_clean})"
    )
    used = [i for i, row in enumerate(report.confusion) if any(row)]
    cols = sorted(set(used) | {j for row in report.confusion for j, v in enumerate(row) if v})
    names = [report.confusion_labels[j][:8] for j in cols]
    lines.append("confusion (rows true, columns predicted):")
    lines.append(" " * 18 + "".join(f"{n:>9}" for n in names))
    for i in used:
        row = report.confusion[i]
        lines.append(f"{report.confusion_labels[i]:<18}" + "".join(f"{row[j]:>9}" for j in cols))
    return "\n".join(lines)
