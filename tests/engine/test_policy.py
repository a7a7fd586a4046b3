"""Policy and decide(): actions, reasons, thresholds, fail-closed, validation, versions."""

from __future__ import annotations

from typing import ClassVar

import pytest

from moderation.engine import Engine, Policy, decide
from moderation.engine.lexicon import Lexicon

from .test_engine import BrokenClassifier, FakeClassifier


def test_review_hit_holds_and_block_hit_blocks(engine: Engine) -> None:
    news = decide(engine.analyze("警方破获一起冰毒案件"), Policy())
    assert news.action == "review"
    assert news.reasons == [
        {"category": "prohibited_items", "source": "lexicon", "rule": "冰毒",
         "severity": "review", "detail": "matched '冰毒' at 6-8"},
    ]  # fmt: skip
    assert decide(engine.analyze("出售冰毒"), Policy()).action == "block"
    assert decide(engine.analyze("今天天气不错"), Policy()).action == "allow"


def test_category_lists_steer_actions(engine: Engine) -> None:
    analysis = engine.analyze("真人荷官在线")
    assert decide(analysis, Policy(block_categories=("fraud",))).action == "review"
    assert decide(analysis, Policy(block_categories=(), review_categories=())).action == "allow"


def test_news_with_high_classifier_score_is_not_blocked(lexicon: Lexicon) -> None:
    class DrugNewsClassifier(FakeClassifier):
        thresholds: ClassVar[dict[str, dict[str, float]]] = {
            "prohibited_items": {"review": 0.5, "block": 0.8}
        }

        def score_batch(self, texts, tokens=None):  # type: ignore[no-untyped-def]
            return [{"prohibited_items": 0.97} for _ in texts]

    engine = Engine(lexicon, DrugNewsClassifier())
    decision = decide(engine.analyze("警方破获冰毒案件，抓获嫌疑人三名"), Policy())
    assert decision.action == "review"
    text_without_hits = decide(engine.analyze("警方今日通报一起案件"), Policy())
    assert text_without_hits.action == "review"  # model alone holds, never blocks
    assert decide(engine.analyze("出售冰毒"), Policy()).action == "block"


def test_classifier_thresholds_and_policy_override(lexicon: Lexicon) -> None:
    engine = Engine(lexicon, FakeClassifier())
    analysis = engine.analyze("高额返利")  # fake fraud score 0.95, no lexicon hit
    assert decide(analysis, Policy()).action == "review"
    assert decide(analysis, Policy(classifier_can_block=True)).action == "block"
    raised = Policy(thresholds={"fraud": {"review": 0.99, "block": 0.999}})
    assert decide(analysis, raised).action == "allow"
    reason = decide(analysis, Policy()).reasons[0]
    assert reason["source"] == "classifier" and reason["rule"] == "classifier"


def test_fail_closed(lexicon: Lexicon) -> None:
    analysis = Engine(lexicon, BrokenClassifier()).analyze("你好")
    decision = decide(analysis, Policy())
    assert decision.action == "review"
    assert decision.reasons[-1]["rule"] == "incomplete_analysis"
    assert decide(analysis, Policy(fail_closed=False)).action == "allow"


def test_round_trip_and_version() -> None:
    policy = Policy.from_dict(
        {"block_categories": ["fraud"], "thresholds": {"fraud": {"review": 0.4, "block": 0.9}}}
    )
    assert Policy.from_dict(policy.to_dict()) == policy
    assert Policy.from_dict(policy.to_dict()).version == policy.version
    assert policy.version != Policy().version


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "policy must be a JSON object"),
        ({"blok_categories": []}, "unknown policy key 'blok_categories'"),
        ({"block_categories": "fraud"}, "block_categories must be a list"),
        ({"fail_closed": "yes"}, "fail_closed must be true or false"),
        ({"thresholds": {"fraud": {"block": 2}}}, r"thresholds\.fraud\.block must be a number"),
        ({"thresholds": {"fraud": {"warn": 0.5}}}, r"thresholds\.fraud\.warn: only review"),
        ({"thresholds": {"fraud": {"review": 0.9, "block": 0.5}}}, "review must not exceed"),
    ],
)
def test_invalid_policies_name_the_key(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Policy.from_dict(data)
