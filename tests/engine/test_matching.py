"""Lexicon matching through the engine: evasion forms, innocent collisions, exact spans."""

from __future__ import annotations

import pytest

from moderation.engine import Engine


def terms(engine: Engine, text: str) -> list[str]:
    return [h.term for h in engine.analyze(text).hits]


def only_span(engine: Engine, text: str, term: str) -> str:
    hits = [h for h in engine.analyze(text).hits if h.term == term]
    assert len(hits) == 1, hits
    hit = hits[0]
    assert text[hit.start : hit.end] == hit.text
    return hit.text


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("我要赌博", "赌博"),
        ("赌*博", "赌*博"),
        ("赌 博", "赌 博"),
        ("赌😀博", "赌😀博"),
        ("赌\u200b博", "赌\u200b博"),
        ("赌\u200d\ufe0f博", "赌\u200d\ufe0f博"),
        ("來賭博吧", "賭博"),
        ("ｄｕｂｏ", "ｄｕｂｏ"),
        ("dubo", "dubo"),
        ("du bo", "du bo"),
        ("DUBO", "DUBO"),
        ("Du-Bo", "Du-Bo"),
        ("du博", "du博"),
        ("赌bo", "赌bo"),
        ("来 d.u.b.o 吧", "d.u.b.o"),
        ("wo yao du bo", "du bo"),
        ("dǔbó", "dǔbó"),
        ("赌𠀀博".replace("𠀀", "🀄"), "赌🀄博"),  # non-BMP symbol inside the term
    ],
)
def test_it_finds_disguised_terms_with_exact_span(engine: Engine, text: str, span: str) -> None:
    assert only_span(engine, text, "赌博") == span


def test_span_is_right_after_non_bmp_characters(engine: Engine) -> None:
    text = "😀😀𠀀 来赌😀博"
    assert only_span(engine, text, "赌博") == "赌😀博"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("读博很辛苦", "赌博"),  # homophone: studying for a PhD
        ("读bo", "赌博"),  # Chinese characters are never read as pinyin
        ("他是水手，枪法很准", "手枪"),  # separator skipping must not join words
        ("他是水手 枪法很准", "手枪"),
        ("前方路口交通拥堵", "口交"),
        ("请支援交通管制", "援交"),
        ("洗钱包", "洗钱"),  # allow-list phrase
        ("三黄片是一种中药", "黄片"),
        ("这下大麻烦了", "大麻"),
        ("买了一把手枪钻", "手枪"),
        ("Essex is in England", "sex"),
        ("this is exciting", "sex"),
        ("sexy", "sex"),
        ("溜冰场", "冰"),  # strict single character: token-aligned
        ("冰毒", "冰"),
        ("bet3650", "bet365"),
        ("adubo", "赌博"),  # pinyin must start a Latin run
    ],
)
def test_it_ignores_innocent_collisions(engine: Engine, text: str, term: str) -> None:
    assert term not in terms(engine, text)


@pytest.mark.parametrize(
    ("text", "term", "span"),
    [
        ("靠刷单赚钱", "刷单", "刷单"),
        ("代开发票，价格优惠", "代开发票", "代开发票"),
        ("帮人洗钱被抓", "洗钱", "洗钱"),
        ("出售冰毒", "出售冰毒", "出售冰毒"),
        ("hot s e x now", "sex", "s e x"),
        ("SEX", "sex", "SEX"),
        ("买bet365账号", "bet365", "bet365"),
        ("去买冰", "冰", "冰"),
        ("注册送彩金啦", "注册送彩金", "注册送彩金"),
        ("枪支弹药", "枪支", "枪支"),  # from the interchange file
    ],
)
def test_it_finds_real_hits(engine: Engine, text: str, term: str, span: str) -> None:
    assert only_span(engine, text, term) == span


def test_strict_terms_do_not_skip_separators_or_read_pinyin(engine: Engine) -> None:
    assert "冰" not in terms(engine, "bing")
    assert "冰" in terms(engine, "去 买冰")


def test_substring_terms_match_inside_words(engine: Engine) -> None:
    assert "注册送彩金" in terms(engine, "新用户注册送彩金100元")


def test_hits_do_not_cross_sentence_breaks(engine: Engine) -> None:
    assert "赌博" not in terms(engine, "我爱赌。博物馆在哪")


def test_hit_fields(engine: Engine) -> None:
    hit = next(h for h in engine.analyze("真人荷官在线").hits if h.term == "真人荷官")
    assert (hit.category, hit.severity, hit.start, hit.end) == ("gambling", "block", 0, 4)
