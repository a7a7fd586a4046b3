"""Segmentation backend and pinyin helpers."""

from __future__ import annotations

import os

import jieba
import pytest

from moderation.engine import Engine
from moderation.engine.lexicon import build_lexicon
from moderation.engine.pinyin import parse_syllables, readings
from moderation.engine.segment import backend_name, boundaries, is_word, segment

SENTENCES = [
    "他是水手，枪法很准",
    "前方路口交通拥堵",
    "靠刷单赚钱是骗局",
    "代开发票",
    "洗钱包",
    "警方破获一起冰毒案件，缴获毒品若干",
]


def test_tokens_concatenate_to_the_text() -> None:
    for text in SENTENCES:
        assert "".join(segment(text)) == text
    assert segment("") == []


def test_no_hmm_keeps_unknown_characters_apart() -> None:
    assert segment("靠刷单赚钱") == ["靠", "刷", "单", "赚钱"]
    assert segment("代开发票") == ["代", "开发票"]
    assert boundaries("他是水手枪法") == {0, 1, 2, 4, 6}


def test_fast_backend_segments_like_jieba() -> None:
    reference = jieba.Tokenizer(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"))
    for text in SENTENCES:
        assert segment(text) == reference.lcut(text, HMM=False)
    assert backend_name() in {"jieba", "jieba_fast_dat"}


def test_lexicon_terms_never_enter_the_dictionary() -> None:
    before = [segment(t) for t in SENTENCES]
    Engine(build_lexicon([("口交", "pornography", "block"), ("水手枪", "x", "block")]))
    assert [segment(t) for t in SENTENCES] == before
    assert not is_word("水手枪")


def test_dictionary_words() -> None:
    assert is_word("弹药")
    assert not is_word("")


@pytest.mark.parametrize(
    ("run", "syllables"),
    [
        ("dubo", ("du", "bo")),
        ("woyaodubo", ("wo", "yao", "du", "bo")),
        ("xianggang", ("xiang", "gang")),
        ("bingdu", ("bing", "du")),
        ("hello", None),
        ("dubois", None),
    ],
)
def test_parse_syllables(run: str, syllables: tuple[str, ...] | None) -> None:
    assert parse_syllables(run) == syllables


def test_readings_are_toneless_and_cover_polyphones() -> None:
    assert readings("赌") == ("du",)
    assert "hang" in readings("行") and "xing" in readings("行")
    assert set(readings("绿")) >= {"lu", "lv"}
    assert readings("a") == ()


def test_polyphone_reading_matches() -> None:
    engine = Engine(build_lexicon([("银行卡", "illicit_ads", "block")]))
    assert [h.text for h in engine.analyze("出售yinhangka").hits] == ["yinhangka"]
    assert [h.text for h in engine.analyze("出售银hang卡").hits] == ["银hang卡"]
