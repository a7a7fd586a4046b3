"""The engine's result types: what `Engine.analyze` returns and what `policy.decide` consumes.

These are the contract between the pure engine, the classifier, the policy, the workers and the
`scan` command. They are plain frozen dataclasses with `to_dict()` for JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

Severity = Literal["block", "review"]
Action = Literal["allow", "review", "block"]
Source = Literal["lexicon", "detector", "classifier"]

CATEGORY_CODES: tuple[str, ...] = (
    "pornography",
    "gambling",
    "fraud",
    "prohibited_items",
    "illicit_ads",
    "terrorism",
    "violence",
    "hate",
    "abuse",
    "privacy",
    "malware",
    "spam",
)


@dataclass(frozen=True)
class Hit:
    """A lexicon term found in the text; `start`/`end` index the original text."""

    term: str
    category: str
    severity: Severity
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    """A detector result (ID number, phone, bank card, e-mail, handle, URL) in the original text.

    `kind` is e.g. "cn_id", "mobile", "bank_card", "email", "wechat", "qq", "telegram", "url";
    `category` is the category it signals (`privacy`, `illicit_ads`, `malware`); `severity` is
    what it asks of the policy; `detail` says why (e.g. "blocklisted domain", "shortener").
    """

    kind: str
    category: str
    severity: Severity
    start: int
    end: int
    text: str
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CategoryScore:
    """One category's score in [0, 1] and where it came from."""

    code: str
    score: float
    source: Source

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "score": round(self.score, 4), "source": self.source}


@dataclass(frozen=True)
class Analysis:
    """Everything the engine found in one text."""

    text: str
    normalized: str
    hits: tuple[Hit, ...]
    findings: tuple[Finding, ...]
    categories: tuple[CategoryScore, ...]
    masked_text: str
    lexicon_version: str
    model_version: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    #: The classifier's own per-category thresholds (policy values override them).
    classifier_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Stages that failed (e.g. "classifier: <error>"): the analysis is incomplete.
    errors: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "hits": [h.to_dict() for h in self.hits],
            "findings": [f.to_dict() for f in self.findings],
            "categories": [c.to_dict() for c in self.categories],
            "masked_text": self.masked_text,
            "lexicon_version": self.lexicon_version,
            "model_version": self.model_version,
            "timings_ms": self.timings_ms,
            "errors": list(self.errors),
        }


class Classifier(Protocol):
    """What the engine needs from a trained classifier (see moderation.engine.classifier)."""

    version: str
    #: Per-category decision thresholds chosen on the dev split: {code: {"review": p, "block": p}}.
    thresholds: dict[str, dict[str, float]]

    def score_batch(
        self, normalized_texts: list[str], tokens: list[list[str]] | None = None
    ) -> list[dict[str, float]]:
        """Per-category probabilities for each engine-normalised text.

        `tokens` are the engine's segmentation of the same texts (saves segmenting twice);
        when None the classifier segments the texts itself.
        """
        ...
