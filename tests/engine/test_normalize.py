"""normalize(): folding rules and the offset map back to the original text."""

from __future__ import annotations

import pytest

from moderation.engine.normalize import normalize


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("ＤＵＢＯ１２３", "dubo123"),  # full-width to half-width, case folding
        ("賭博", "赌博"),  # traditional to simplified
        ("赌\u200b博\u200d\ufeff", "赌博"),  # zero-width space/joiner, BOM
        ("赌\u2060博\u00ad", "赌博"),  # word joiner, soft hyphen
        ("赌\ufe0f博\U000e0101", "赌博"),  # variation selectors
        ("①②⑶❹➎", "12(3)45"),  # digit styles
        ("раураl", "paypal"),  # Cyrillic look-alikes
        ("ΒΕΤ365", "bet365"),  # Greek capitals
        ("dǔbó", "dubo"),  # pinyin tone marks
        ("Straße", "strasse"),  # case folding that changes length
        ("𝐬𝐞𝐱", "sex"),  # mathematical bold letters
    ],
)
def test_it_folds_variants(original: str, expected: str) -> None:
    assert normalize(original).text == expected


def test_it_keeps_separators_for_the_matcher() -> None:
    assert normalize("赌 *博").text == "赌 *博"


@pytest.mark.parametrize(
    "original", ["赌\u200b博", "ＡＢＣ", "⑴x", "ß😀a\u0301𝐬", "plain ascii", "中文文本", ""]
)
def test_it_maps_every_char_back_to_its_source(original: str) -> None:
    norm = normalize(original)
    assert len(norm.offsets) == len(norm.text) + 1
    assert len(norm.ends) == len(norm.text)
    assert norm.offsets[len(norm.text)] == len(original)
    for i, ch in enumerate(norm.text):
        source = original[norm.offsets[i] : norm.ends[i]]
        assert normalize(source).text.count(ch) >= 1


def test_span_excludes_invisible_chars_around_but_keeps_them_inside() -> None:
    original = "\u200b赌\u200b博\u200b"
    norm = normalize(original)
    assert norm.text == "赌博"
    assert norm.span(0, 2) == (1, 4)
    assert original[1:4] == "赌\u200b博"


def test_span_of_expanded_char_covers_the_whole_source() -> None:
    original = "x⑴y"
    norm = normalize(original)
    assert norm.text == "x(1)y"
    assert norm.span(1, 4) == (1, 2)
    assert norm.span(2, 3) == (1, 2)  # the "1" inside ⑴ maps to the whole ⑴


def test_lone_surrogates_are_dropped() -> None:
    norm = normalize("a\ud800b")
    assert norm.text == "ab"
    assert norm.span(0, 2) == (0, 3)
