"""The analysis engine: normalise -> match lexicon -> detectors -> classifier -> `Analysis`.

An `Engine` holds one compiled lexicon state (lexicon, matcher, domain lists) behind a single
attribute. `swap_lexicon` compiles the new state first and then replaces that attribute in one
assignment, so analyses already running finish on the old state and new ones see the new one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from moderation.engine.detectors import DomainLists, detect
from moderation.engine.lexicon import Lexicon, LexiconEntry, build_lexicon, load_lexicon
from moderation.engine.matcher import Matcher
from moderation.engine.normalize import NormalizedText, normalize
from moderation.engine.segment import segment
from moderation.engine.types import Analysis, CategoryScore, Classifier, Finding, Hit

MASK = "*"


@dataclass(frozen=True)
class _State:
    lexicon: Lexicon
    matcher: Matcher
    domains: DomainLists

    @classmethod
    def compile(cls, lexicon: Lexicon) -> _State:
        domains = DomainLists(lexicon.blocklist_domains, lexicon.shortener_domains)
        return cls(lexicon, Matcher(lexicon), domains)


@dataclass
class _Partial:
    """One text's analysis before the (batched) classifier step."""

    norm: NormalizedText
    hits: tuple[Hit, ...]
    findings: tuple[Finding, ...]
    timings: dict[str, float]


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


def mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with every character inside any of `spans` replaced by `MASK`."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = MASK
    return "".join(chars)


def _category_scores(hits: Sequence[Hit], findings: Sequence[Finding]) -> list[CategoryScore]:
    best: dict[tuple[str, str], float] = {}
    signals = [(h.category, h.severity, "lexicon") for h in hits]
    signals += [(f.category, f.severity, "detector") for f in findings]
    for code, severity, source in signals:
        score = 1.0 if severity == "block" else 0.6
        best[(code, source)] = max(score, best.get((code, source), 0.0))
    return [CategoryScore(code, s, source) for (code, source), s in best.items()]  # type: ignore[arg-type]


class Engine:
    """Analyses texts against a lexicon, the detectors and (optionally) a classifier."""

    def __init__(self, lexicon: Lexicon, classifier: Classifier | None = None) -> None:
        self._state = _State.compile(lexicon)
        self.classifier = classifier

    @property
    def lexicon(self) -> Lexicon:
        """The lexicon currently serving."""
        return self._state.lexicon

    @property
    def lexicon_version(self) -> str:
        """Content hash of the lexicon currently serving."""
        return self._state.lexicon.version

    @property
    def model_version(self) -> str | None:
        """Version of the classifier, or None when running without one."""
        return self.classifier.version if self.classifier is not None else None

    def swap_lexicon(self, lexicon: Lexicon) -> None:
        """Compile `lexicon` and make it serve new analyses; running ones finish on the old."""
        self._state = _State.compile(lexicon)

    def with_extra_terms(self, entries: Iterable[tuple[str, str, str] | LexiconEntry]) -> Engine:
        """A new engine: the current lexicon plus `entries` (term, category, severity)."""
        return Engine(build_lexicon(entries, base=self.lexicon), self.classifier)

    def analyze(self, text: str) -> Analysis:
        """Everything the engine finds in one text."""
        return self.analyze_batch([text])[0]

    def analyze_batch(self, texts: Sequence[str]) -> list[Analysis]:
        """Analyse several texts; the classifier (if any) scores them in one call."""
        state = self._state  # one read: a concurrent swap does not affect this batch
        for n, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text {n} must be a string, not {type(text).__name__}")
        partials = [self._match(state, text) for text in texts]
        scores, errors, classify_ms = self._classify(partials)
        return [
            self._result(state, p, s, errors, classify_ms)
            for p, s in zip(partials, scores, strict=True)
        ]

    @staticmethod
    def _match(state: _State, text: str) -> _Partial:
        t0 = time.perf_counter()
        norm = normalize(text)
        t1 = time.perf_counter()
        hits = []
        for c in state.matcher.find(norm):
            start, end = norm.span(c.start, c.end)
            e = c.entry
            hits.append(Hit(e.term, e.category, e.severity, start, end, text[start:end]))
        t2 = time.perf_counter()
        findings = tuple(detect(norm, state.domains))
        timings = {
            "normalize": round((t1 - t0) * 1000, 3),
            "match": round((t2 - t1) * 1000, 3),
            "detect": _ms(t2),
        }
        return _Partial(norm, tuple(hits), findings, timings)

    def _classify(
        self, partials: list[_Partial]
    ) -> tuple[list[dict[str, float]], tuple[str, ...], float]:
        if self.classifier is None or not partials:
            return [{} for _ in partials], (), 0.0
        t0 = time.perf_counter()
        texts = [p.norm.text for p in partials]
        try:
            scores = self.classifier.score_batch(texts, [segment(t) for t in texts])
            if len(scores) != len(partials):
                raise ValueError(f"returned {len(scores)} results for {len(partials)} texts")
        except Exception as exc:  # fail closed: the policy holds incomplete analyses
            return [{} for _ in partials], (f"classifier: {exc}",), _ms(t0) / len(partials)
        return scores, (), _ms(t0) / len(partials)

    def _result(
        self,
        state: _State,
        p: _Partial,
        scores: dict[str, float],
        errors: tuple[str, ...],
        classify_ms: float,
    ) -> Analysis:
        categories = _category_scores(p.hits, p.findings)
        categories += [CategoryScore(code, float(s), "classifier") for code, s in scores.items()]
        spans = [(h.start, h.end) for h in p.hits] + [(f.start, f.end) for f in p.findings]
        thresholds = dict(self.classifier.thresholds) if self.classifier is not None else {}
        return Analysis(
            text=p.norm.original,
            normalized=p.norm.text,
            hits=p.hits,
            findings=p.findings,
            categories=tuple(categories),
            masked_text=mask(p.norm.original, spans),
            lexicon_version=state.lexicon.version,
            model_version=self.model_version,
            timings_ms={**p.timings, "classify": round(classify_ms, 3)},
            classifier_thresholds=thresholds,
            errors=errors,
        )


def load_engine(
    lexicon_paths: Iterable[str | os.PathLike[str]] | None = None, use_classifier: bool = True
) -> Engine:
    """An engine on the given lexicon files/folders (None: shipped) and the default classifier."""
    lexicon = load_lexicon(lexicon_paths)
    classifier: Classifier | None = None
    if use_classifier:
        from moderation.engine.classifier import load_default  # heavy deps load only if used

        classifier = load_default()
    return Engine(lexicon, classifier)
