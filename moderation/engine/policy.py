"""Turning an `Analysis` into a `Decision` (allow / review / block) under a tenant `Policy`.

Rules, per signal (a lexicon hit, a detector finding, or a classifier score):

- A lexicon/detector signal of severity `block` blocks when its category is in
  `block_categories`; otherwise it holds for review when the category is in `review_categories`;
  otherwise it is ignored (still reported in the analysis).
- A signal of severity `review` holds for review when its category is in `review_categories`.
- A classifier score at or above `thresholds[code]["block"]` counts as a `block` signal and one at
  or above `thresholds[code]["review"]` as a `review` signal, with the same category rules.
  Thresholds default to the classifier's own (tuned on its dev split); policy values override
  them. Unless `classifier_can_block` is set, a classifier score never blocks, it only holds for
  review: a news report that the model scores high and that names a drug (警方破获冰毒案, a
  `review` lexicon hit) is held for a human, never rejected. Blocking comes from `block`
  lexicon entries (the *offer*: 出售冰毒) and detectors, whose reasons a user can be shown.
- `fail_closed`: an incomplete analysis (a stage failed) is at least `review`, never `allow`.

The strongest action wins. `"*"` in a category list means every category, including
operator-defined codes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from moderation.engine.types import Action, Analysis, CategoryScore, Severity

ALL = "*"
_Signal = tuple[Action, CategoryScore, dict[str, Any]]
_RANK: dict[str, int] = {"allow": 0, "review": 1, "block": 2}
_KEYS = (
    "block_categories",
    "review_categories",
    "thresholds",
    "fail_closed",
    "classifier_can_block",
)


@dataclass(frozen=True)
class Policy:
    """A tenant's decision rules; see the module docstring. `.version` hashes its content."""

    block_categories: tuple[str, ...] = (ALL,)
    review_categories: tuple[str, ...] = (ALL,)
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    fail_closed: bool = True
    classifier_can_block: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON-able form (sorted), accepted by `from_dict`."""
        return {
            "block_categories": sorted(set(self.block_categories)),
            "review_categories": sorted(set(self.review_categories)),
            "thresholds": {c: dict(sorted(t.items())) for c, t in sorted(self.thresholds.items())},
            "fail_closed": self.fail_closed,
            "classifier_can_block": self.classifier_can_block,
        }

    @property
    def version(self) -> str:
        """Hash of the canonical JSON form: equal policies have equal versions."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return "pol-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: Any) -> Policy:
        """Build from JSON data; raises ValueError naming the offending key."""
        if not isinstance(data, dict):
            raise ValueError("policy must be a JSON object")
        unknown = sorted(set(data) - set(_KEYS))
        if unknown:
            raise ValueError(f"unknown policy key {unknown[0]!r} (allowed: {', '.join(_KEYS)})")
        defaults = cls()
        return cls(
            block_categories=_categories(data, "block_categories", defaults.block_categories),
            review_categories=_categories(data, "review_categories", defaults.review_categories),
            thresholds=_thresholds(data.get("thresholds", {})),
            fail_closed=_flag(data, "fail_closed", defaults.fail_closed),
            classifier_can_block=_flag(data, "classifier_can_block", False),
        )

    def acts_on(self, category: str, severity: Severity) -> Action:
        """What a signal of `severity` in `category` does under this policy."""
        if severity == "block" and _member(category, self.block_categories):
            return "block"
        return "review" if _member(category, self.review_categories) else "allow"


def _member(category: str, listed: tuple[str, ...]) -> bool:
    return ALL in listed or category in listed


def _categories(data: dict[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{key} must be a list of category codes")
    return tuple(value)


def _flag(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false")
    return value


def _thresholds(value: Any) -> dict[str, dict[str, float]]:
    if not isinstance(value, dict):
        raise ValueError("thresholds must be an object {category: {review, block}}")
    result: dict[str, dict[str, float]] = {}
    for code, levels in value.items():
        if not isinstance(levels, dict):
            raise ValueError(f"thresholds.{code} must be an object with review and/or block")
        checked: dict[str, float] = {}
        for level, p in levels.items():
            if level not in ("review", "block"):
                raise ValueError(f"thresholds.{code}.{level}: only review and block allowed")
            if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
                raise ValueError(f"thresholds.{code}.{level} must be a number in [0, 1]")
            checked[level] = float(p)
        if checked.get("review", 0.0) > checked.get("block", 1.0):
            raise ValueError(f"thresholds.{code}: review must not exceed block")
        result[str(code)] = checked
    return result


@dataclass(frozen=True)
class Decision:
    """The verdict for one analysis: action, the categories behind it, and why."""

    action: Action
    categories: list[CategoryScore]
    reasons: list[dict[str, Any]]
    policy_version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "categories": [c.to_dict() for c in self.categories],
            "reasons": self.reasons,
            "policy_version": self.policy_version,
        }


def _threshold(analysis: Analysis, policy: Policy, code: str, level: str) -> float | None:
    for source in (policy.thresholds, analysis.classifier_thresholds):
        value = source.get(code, {}).get(level)
        if value is not None:
            return value
    return None


def _signals(analysis: Analysis, policy: Policy) -> list[_Signal]:
    """(action, category score, reason) for every signal that asks for more than allow."""
    found: list[_Signal] = []
    for hit in analysis.hits:
        detail = f"matched {hit.text!r} at {hit.start}-{hit.end}"
        reason = {"category": hit.category, "source": "lexicon", "rule": hit.term,
                  "severity": hit.severity, "detail": detail}  # fmt: skip
        score = CategoryScore(hit.category, 1.0 if hit.severity == "block" else 0.6, "lexicon")
        found.append((policy.acts_on(hit.category, hit.severity), score, reason))
    for f in analysis.findings:
        reason = {"category": f.category, "source": "detector", "rule": f.kind,
                  "severity": f.severity, "detail": f.detail}  # fmt: skip
        score = CategoryScore(f.category, 1.0 if f.severity == "block" else 0.6, "detector")
        found.append((policy.acts_on(f.category, f.severity), score, reason))
    for cs in analysis.categories:
        if cs.source != "classifier":
            continue
        block_at = _threshold(analysis, policy, cs.code, "block")
        review_at = _threshold(analysis, policy, cs.code, "review")
        severity: Severity
        if block_at is not None and cs.score >= block_at:
            severity = "block" if policy.classifier_can_block else "review"
        elif review_at is not None and cs.score >= review_at:
            severity = "review"
        else:
            continue
        reason = {"category": cs.code, "source": "classifier", "rule": "classifier",
                  "severity": severity, "detail": f"score {cs.score:.3f}"}  # fmt: skip
        found.append((policy.acts_on(cs.code, severity), cs, reason))
    return [s for s in found if s[0] != "allow"]


def decide(analysis: Analysis, policy: Policy) -> Decision:
    """The action for `analysis` under `policy`, with the categories and reasons behind it."""
    signals = _signals(analysis, policy)
    action: Action = "allow"
    reasons = [reason for _, _, reason in signals]
    for signal_action, _, _ in signals:
        if _RANK[signal_action] > _RANK[action]:
            action = signal_action
    if analysis.errors and policy.fail_closed and action == "allow":
        action = "review"
        reasons.append({"category": None, "source": "engine", "rule": "incomplete_analysis",
                        "severity": "review", "detail": "; ".join(analysis.errors)})  # fmt: skip
    best: dict[tuple[str, str], CategoryScore] = {}
    for _, cs, _ in signals:
        slot = (cs.code, cs.source)
        if slot not in best or cs.score > best[slot].score:
            best[slot] = cs
    categories = sorted(best.values(), key=lambda c: (-c.score, c.code, c.source))
    return Decision(action, categories, reasons, policy.version)
