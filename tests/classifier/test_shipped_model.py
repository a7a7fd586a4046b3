"""The shipped model (models/classifier) on everyday messages: greetings and small talk must not
be held. Short texts rest on little evidence, and scam openers, threats and flood spam begin
with the same words; a model trained on parts 1-19 of the corpus held "你好" as fraud."""

from __future__ import annotations

import pytest

from moderation.engine.classifier import LinearClassifier, load_default
from moderation.training.quality import decisions
from moderation.training.textprep import prepare

EVERYDAY = [
    "你好",
    "你好，今天天气不错",
    "你好，今天天气不错 7",
    "在吗",
    "好的",
    "收到",
    "谢谢你",
    "明天见",
    "晚安",
    "吃了吗",
    "哈哈哈哈",
    "周末一起去爬山吧",
    "快递放门口就行，谢谢",
    "老师好，孩子今天请假一天",
]


@pytest.fixture(scope="module")
def shipped() -> LinearClassifier:
    model = load_default()
    if model is None:
        pytest.skip("no shipped model in models/classifier")
    return model


def test_it_lets_everyday_messages_through(shipped: LinearClassifier) -> None:
    normalized, tokens = prepare(EVERYDAY)
    flagged, _ = decisions(shipped, shipped.probabilities(normalized, tokens))
    held = {
        text: [c for c, hit in zip(shipped.categories, row, strict=True) if hit]
        for text, row in zip(EVERYDAY, flagged, strict=True)
    }
    assert {text: cats for text, cats in held.items() if cats} == {}
