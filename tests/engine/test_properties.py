"""Property tests: disguises never lose a hit, spans always index the original, no crashes."""

from __future__ import annotations

import json

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation.cli import main
from moderation.engine import Engine
from moderation.engine.lexicon import Lexicon

from .conftest import LEX_DIR

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\ufe0f", "\U000e0101"]
SEPARATORS = [" ", "*", "-", ".", "_", "/", "|", "~", "😀", "🀄", "★", "・", "\u3000", "～"]
TERMS = ["赌博", "真人荷官", "刷单", "出售冰毒", "代开发票"]
CONTEXT = st.sampled_from(["", "我们", "看看", "今天"])
NOISE = [*TERMS, "😀", "𠀀", "x", "\u200b", " ", "賭", "ｄｕ", "bo"]
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    term = draw(st.sampled_from(TERMS))
    pieces = [term[0]]
    for ch in term[1:]:
        gap = draw(st.lists(st.sampled_from(INVISIBLE + SEPARATORS), max_size=3))
        pieces.append("".join(gap) + ch)
    return term, "".join(pieces)


@SLOW
@given(
    disguised(), st.sampled_from(["", "我们", "看看", "今天"]), st.sampled_from(["", "。", "！"])
)
def test_inserted_invisibles_and_separators_never_lose_the_hit(
    engine: Engine, case: tuple[str, str], before: str, after: str
) -> None:
    term, written = case
    text = before + written + after
    hits = [h for h in engine.analyze(text).hits if h.term == term]
    assert hits, text
    assert text[hits[0].start : hits[0].end] == written


@SLOW
@given(st.text(max_size=80))
def test_spans_always_index_the_original(engine: Engine, text: str) -> None:
    analysis = engine.analyze(text)
    for item in (*analysis.hits, *analysis.findings):
        assert 0 <= item.start <= item.end <= len(text)
        assert text[item.start : item.end] == item.text


@SLOW
@given(st.lists(st.sampled_from(NOISE), max_size=12))
def test_spans_with_mixed_terms_and_noise(engine: Engine, parts: list[str]) -> None:
    text = "".join(parts)
    for hit in engine.analyze(text).hits:
        assert text[hit.start : hit.end] == hit.text


@SLOW
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
def test_scan_never_crashes_on_arbitrary_unicode(lexicon: Lexicon, texts: list[str]) -> None:
    lines = [json.dumps({"id": i, "text": t}) for i, t in enumerate(texts)]
    result = CliRunner().invoke(
        main, ["scan", "--no-classifier", "--lexicon", str(LEX_DIR)], input="\n".join(lines)
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == list(range(len(texts)))
    for o, text in zip(out, texts, strict=True):
        for hit in o["hits"]:
            assert text[hit["start"] : hit["end"]] == hit["text"]
