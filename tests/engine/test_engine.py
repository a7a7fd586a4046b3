"""Engine: analysis results, masking, batching, classifier use, hot swap."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest

from moderation.engine import Engine, load_engine
from moderation.engine.lexicon import Lexicon, build_lexicon

from .conftest import LEX_DIR


class FakeClassifier:
    """A deterministic stand-in following types.Classifier: scores 'fraud' by a keyword."""

    version = "fake-1"
    thresholds: ClassVar[dict[str, dict[str, float]]] = {"fraud": {"review": 0.5, "block": 0.9}}

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list[list[str]] | None]] = []

    def score_batch(
        self, normalized_texts: list[str], tokens: list[list[str]] | None = None
    ) -> list[dict[str, float]]:
        self.calls.append((normalized_texts, tokens))
        return [{"fraud": 0.95 if "返利" in t else 0.01} for t in normalized_texts]


class BrokenClassifier(FakeClassifier):
    def score_batch(
        self, normalized_texts: list[str], tokens: list[list[str]] | None = None
    ) -> list[dict[str, float]]:
        raise RuntimeError("model file vanished")


def test_analysis_has_hits_findings_mask_and_versions(engine: Engine) -> None:
    text = "出售冰毒，加V：abc12345"
    analysis = engine.analyze(text)
    assert {h.term for h in analysis.hits} == {"出售冰毒", "冰毒"}
    assert [f.kind for f in analysis.findings] == ["wechat"]
    assert analysis.masked_text == "****，***********"
    assert analysis.lexicon_version == engine.lexicon_version
    assert analysis.model_version is None
    assert {(c.code, c.source) for c in analysis.categories} == {
        ("prohibited_items", "lexicon"),
        ("illicit_ads", "detector"),
    }
    assert set(analysis.timings_ms) == {"normalize", "match", "detect", "classify"}
    assert analysis.to_dict()["hits"][0]["start"] == 0


def test_masking_handles_non_bmp_characters(engine: Engine) -> None:
    text = "😀赌😀博😀"
    assert engine.analyze(text).masked_text == "😀***😀"


def test_clean_text(engine: Engine) -> None:
    analysis = engine.analyze("今天天气很好，我们去公园散步吧。")
    assert (analysis.hits, analysis.findings, analysis.categories) == ((), (), ())


def test_non_string_input_is_a_clear_error(engine: Engine) -> None:
    with pytest.raises(TypeError, match="text 0 must be a string, not int"):
        engine.analyze_batch([1])  # type: ignore[list-item]


def test_batch_calls_classifier_once_with_engine_tokens(lexicon: Lexicon) -> None:
    fake = FakeClassifier()
    engine = Engine(lexicon, fake)
    results = engine.analyze_batch(["刷单返利", "你好"])
    assert len(fake.calls) == 1
    texts, tokens = fake.calls[0]
    assert texts == ["刷单返利", "你好"]
    assert tokens is not None and "".join(tokens[0]) == "刷单返利"
    assert results[0].model_version == "fake-1"
    assert ("fraud", "classifier") in {(c.code, c.source) for c in results[0].categories}
    assert results[0].classifier_thresholds == FakeClassifier.thresholds


def test_classifier_failure_is_recorded_not_raised(lexicon: Lexicon) -> None:
    analysis = Engine(lexicon, BrokenClassifier()).analyze("你好")
    assert analysis.errors == ("classifier: model file vanished",)


def test_hot_swap_changes_version_and_terms(lexicon: Lexicon) -> None:
    engine = Engine(lexicon)
    old_version = engine.lexicon_version
    assert engine.analyze("新型诈骗词").hits == ()
    engine.swap_lexicon(build_lexicon([("新型诈骗词", "fraud", "block")], base=lexicon))
    assert engine.lexicon_version != old_version
    analysis = engine.analyze("新型诈骗词")
    assert [h.term for h in analysis.hits] == ["新型诈骗词"]
    assert analysis.lexicon_version == engine.lexicon_version


def test_in_flight_batch_finishes_on_the_old_lexicon(lexicon: Lexicon) -> None:
    """A swap during a batch: the whole batch is answered by the lexicon it started with."""
    entered, release = threading.Event(), threading.Event()

    class PausingClassifier(FakeClassifier):
        def score_batch(
            self, normalized_texts: list[str], tokens: list[list[str]] | None = None
        ) -> list[dict[str, float]]:
            entered.set()
            release.wait(5)
            return super().score_batch(normalized_texts, tokens)

    engine = Engine(lexicon, PausingClassifier())
    old_version = engine.lexicon_version
    results: list[list[str]] = []
    worker = threading.Thread(
        target=lambda: results.append([a.lexicon_version for a in engine.analyze_batch(["a", "b"])])
    )
    worker.start()
    assert entered.wait(5)
    engine.swap_lexicon(build_lexicon([("新词汇", "fraud", "block")], base=lexicon))
    release.set()
    worker.join(5)
    assert results == [[old_version, old_version]]
    assert engine.analyze("新词汇").lexicon_version != old_version


def test_with_extra_terms_leaves_the_original_engine_alone(engine: Engine) -> None:
    extended = engine.with_extra_terms([("指令新词", "fraud", "block")])
    assert [h.term for h in extended.analyze("指令新词").hits] == ["指令新词"]
    assert engine.analyze("指令新词").hits == ()


def test_load_engine_on_paths_and_without_classifier() -> None:
    engine = load_engine([LEX_DIR], use_classifier=False)
    assert engine.classifier is None
    assert [h.term for h in engine.analyze("我要赌博").hits] == ["赌博"]
