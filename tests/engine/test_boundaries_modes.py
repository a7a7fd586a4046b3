"""Punctuation as forced token boundaries, and the `nopinyin` lexicon mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.engine import Engine
from moderation.engine.lexicon import Lexicon, load_lexicon
from moderation.engine.segment import run_token_ends, token_ends

PIECES = [
    "兼职",
    "刷",
    "单",
    "日",
    "结",
    "导师",
    "带",
    "收益",
    "水手",
    "枪法",
    "很",
    "准",
    "a",
    "7",
]


def terms(engine: Engine, text: str) -> list[str]:
    return [h.term for h in engine.analyze(text).hits]


def spans(engine: Engine, text: str, term: str) -> list[str]:
    return [h.text for h in engine.analyze(text).hits if h.term == term]


# --- segmentation of runs -------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=5).map("".join), max_size=6))
def test_runs_segment_exactly_as_one_call_per_run(runs: list[str]) -> None:
    expected: list[int] = []
    offset = 0
    for run in runs:
        expected += [offset + end for end in token_ends(run)]
        offset += len(run)
    assert run_token_ends(runs) == expected


def test_every_run_end_is_a_token_end() -> None:
    runs = ["兼职刷单", "日结"]
    assert token_ends("兼职刷单日结") == [2, 3, 5, 6]  # 兼职/刷/单日/结: the glue we avoid
    assert run_token_ends(runs) == [2, 3, 4, 5, 6]


def test_runs_must_not_contain_line_breaks() -> None:
    with pytest.raises(ValueError, match="line breaks"):
        run_token_ends(["刷单\n", "日结"])


# --- punctuation right after a term ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "兼职刷单，日结",
        "兼职刷单,日结",
        "兼职刷单 日结",
        "兼职刷单😀日结",
        "兼职刷单、日结",
        "刷单，日结",
    ],
)
def test_punctuation_after_a_term_does_not_hide_it(engine: Engine, text: str) -> None:
    assert spans(engine, text, "刷单") == ["刷单"]


@pytest.mark.parametrize("text", ["今天，刷单", "今天，刷单，日结", "（刷单）日结"])
def test_punctuation_on_both_sides_of_a_term(engine: Engine, text: str) -> None:
    assert spans(engine, text, "刷单") == ["刷单"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("我在网上赌*博输了", "赌*博"),
        ("我在网上赌 博，输了", "赌 博"),
        ("去赌😀博，日结", "赌😀博"),
        ("赌*博", "赌*博"),
    ],
)
def test_separators_inside_a_term_are_still_skipped(engine: Engine, text: str, span: str) -> None:
    assert spans(engine, text, "赌博") == [span]


@pytest.mark.parametrize("text", ["他是水手，枪法很准", "他是水手😀枪法很准", "水手 枪法"])
def test_skipping_never_joins_across_a_real_word_boundary(engine: Engine, text: str) -> None:
    assert "手枪" not in terms(engine, text)


# --- nopinyin mode --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nopinyin(tmp_path_factory: pytest.TempPathFactory) -> Lexicon:
    path: Path = tmp_path_factory.mktemp("lex") / "modes.lex"
    lines = [
        "@category pornography",
        "黄播\tblock\tnopinyin",
        "口交\tblock\tnopinyin",
        "恋童\treview\tnopinyin",
        "@category gambling",
        "赌博\treview",
        "赌 马\treview\tnopinyin",  # a separator inside the written term is dropped from the key
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_lexicon([path])


def test_nopinyin_loads_as_its_own_mode(nopinyin: Lexicon) -> None:
    by_term = {e.term: e for e in nopinyin.entries}
    assert by_term["黄播"].mode == "nopinyin"
    assert by_term["赌 马"].key == "赌马"
    as_word = Lexicon(entries=tuple(e for e in nopinyin.entries if e.mode != "nopinyin"))
    assert as_word.version != nopinyin.version


@pytest.mark.parametrize(
    ("text", "span"),
    [("黄播", "黄播"), ("看黄*播", "黄*播"), ("黄 播平台", "黄 播"), ("黄😀播，速来", "黄😀播")],
)
def test_nopinyin_skips_separators(nopinyin: Lexicon, text: str, span: str) -> None:
    assert spans(Engine(nopinyin), text, "黄播") == [span]


@pytest.mark.parametrize("text", ["huangbo", "Huang Bo", "黄bo", "huang播", "HUANG-BO"])
def test_nopinyin_never_reads_pinyin(nopinyin: Lexicon, text: str) -> None:
    assert "黄播" not in terms(Engine(nopinyin), text)


def test_word_mode_still_reads_pinyin_next_to_nopinyin(nopinyin: Lexicon) -> None:
    engine = Engine(nopinyin)
    assert spans(engine, "du bo", "赌博") == ["du bo"]
    assert "赌 马" not in terms(engine, "The State Duma")
    assert spans(engine, "赌*马贴士", "赌 马") == ["赌*马"]


def test_nopinyin_keeps_token_boundaries_like_word(nopinyin: Lexicon) -> None:
    engine = Engine(nopinyin)
    assert "口交" not in terms(engine, "前方路口交通拥堵")
    assert "口交" not in terms(engine, "前方路口，交通拥堵")
    assert spans(engine, "他有恋童癖", "恋童") == ["恋童"]  # dictionary-word part of one token


def test_the_shipped_lexicon_does_not_read_bingdu_as_a_drug_alone() -> None:
    # bingdu is also 病毒 (a virus): alone it is no drug; in a selling phrase it still is.
    engine = Engine(load_lexicon([Path(__file__).parents[2] / "lexicons"]), classifier=None)
    assert "冰毒" not in terms(engine, "电脑中了bingdu怎么办")
    assert spans(engine, "卖bingdu 私聊", "卖冰毒") == ["卖bingdu"]
    assert spans(engine, "警方查获冰毒", "冰毒") == ["冰毒"]
