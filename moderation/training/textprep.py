"""Engine normalisation and segmentation for training and evaluation texts.

Training must see text exactly as the engine hands it to the classifier at run time, so this
uses `moderation.engine.normalize` and `moderation.engine.segment`; the fallback (NFKC +
casefold, plain jieba) only exists for checkouts where those modules are not there yet.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence


def _normalizer() -> Callable[[str], str]:
    try:
        from moderation.engine.normalize import normalize

        return lambda text: normalize(text).text
    except ImportError:  # pragma: no cover - only before the engine normaliser lands
        return lambda text: unicodedata.normalize("NFKC", text).casefold()


def _segmenter() -> Callable[[str], list[str]]:
    try:
        from moderation.engine.segment import segment

        return segment
    except ImportError:  # pragma: no cover - only before the engine segmenter lands
        import jieba

        jieba.setLogLevel(60)
        return jieba.lcut


def prepare(texts: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Engine-normalised texts and their tokens, in input order."""
    norm = _normalizer()
    seg = _segmenter()
    normalized = [norm(t) for t in texts]
    return normalized, [seg(t) for t in normalized]
