"""The featuriser: terms of a text and the weighted rows built from them."""

from __future__ import annotations

import numpy as np
import pytest

from moderation.engine.classifier_features import (
    SHAPE_MARK,
    WORD_MARK,
    Featurizer,
    char_terms,
    shape_terms,
    text_terms,
    word_terms,
)
from moderation.training.fit import scale_word_terms


def test_it_folds_digits_and_whitespace_in_char_ngrams() -> None:
    assert char_terms("加V 13812345678", 4, 4)[:3] == ["加v 0"[:0] + "加V 0", "V 00", " 000"]
    assert char_terms("a  b", 1, 2) == ["a", " ", "b", "a ", " b"]


def test_it_reads_spaced_out_characters_as_the_plain_text() -> None:
    assert char_terms("炸 . 掉 . 那 * 个 车站", 2, 3) == char_terms("炸掉那个车站", 2, 3)
    assert "掉那" not in char_terms("炸掉，那个车站", 2, 2)  # ordinary punctuation is kept


def test_it_marks_word_unigrams_and_bigrams() -> None:
    terms = word_terms(["刷单", "返利", " ", "日"])
    assert terms == [
        WORD_MARK + "刷单",
        WORD_MARK + "返利",
        WORD_MARK + "刷单\x03返利",
        WORD_MARK + "返利\x03日",
    ]


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("顶顶顶顶顶顶顶顶", "rep"),
        ("加我 vx abc_1234 有惊喜", "handle"),
        ("约 架 ， 城 北 见", "spaced"),
    ],
)
def test_it_adds_shape_terms(text: str, shape: str) -> None:
    assert SHAPE_MARK + shape in shape_terms(text)
    assert SHAPE_MARK + shape not in shape_terms("今天天气不错，我们去公园散步吧")


def test_it_builds_unit_rows_over_known_terms_only() -> None:
    vocab = sorted(set(text_terms("刷单返利", ["刷单", "返利"], (1, 2))))
    f = Featurizer(vocab, np.ones(len(vocab), dtype=np.float32), (1, 2))
    x = f.transform(["刷单返利", "完全无关"], [["刷单", "返利"], ["完全", "无关"]])
    assert x.shape == (2, len(vocab))
    assert np.linalg.norm(x[0].toarray()) == pytest.approx(1.0)
    # Only the shape (length) term of the unrelated text is known.
    assert x[1].nnz == 1


def test_it_weights_the_word_block_by_the_configured_scale() -> None:
    vocab = sorted(set(text_terms("刷单返利", ["刷单", "返利"], (1, 2))))
    scaled = scale_word_terms(vocab, np.ones(len(vocab), dtype=np.float32), 2.0)
    is_word = np.array([t.startswith(WORD_MARK) for t in vocab])
    assert is_word.any() and (~is_word).any()
    assert (scaled[is_word] == 2.0).all()
    assert (scaled[~is_word] == 1.0).all()
