"""Turning engine-normalised text into the classifier's sparse TF-IDF features (numpy/scipy only).

Terms are character n-grams of the text (digits folded to "0" so phone numbers and handles
generalise), word unigrams and bigrams from the engine's segmentation, and a few whole-text
shape terms (repetition, length, handle-like strings, spaced-out characters). The same code builds
the vocabulary at training time and featurises at inference time, so the two cannot drift.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

# Bump when the terms produced for a text change: an artifact records the featuriser it was
# trained with and is refused by a different one (its weights would silently mean other things).
FEATURIZER = "char-word-shape-2"

# Word and shape terms live in the same vocabulary as character n-grams; these markers never
# occur in normalised text (control characters), so they can never collide with an n-gram.
WORD_MARK = "\x02"
PAIR_MARK = "\x03"
SHAPE_MARK = "\x05"
_HANDLE = re.compile(r"[a-z]{2,}[_\-]?[0-9x]{2,}|@[a-z0-9_]{3,}")
_SPACED = re.compile(r"(?:[\u4e00-\u9fff][\W_]{1,3}){3,}[\u4e00-\u9fff]")
_SEPARATORS = re.compile(r"[\W_]+")
_DIGIT_FOLD = str.maketrans("123456789", "000000000")


def _default_segmenter() -> Callable[[str], list[str]]:
    """The engine's segmenter, or plain jieba until the engine module exists."""
    try:
        from moderation.engine.segment import segment

        return segment
    except ImportError:  # pragma: no cover - only before the engine segmenter lands
        import jieba

        jieba.setLogLevel(60)
        return jieba.lcut


def clean_text(text: str) -> str:
    """Whitespace runs collapsed to one space, digits folded: the string char n-grams see."""
    return " ".join(text.split()).translate(_DIGIT_FOLD)


def char_terms(text: str, low: int, high: int) -> list[str]:
    """All character n-grams of `text` with low <= n <= high; of the text without separators
    when its characters are spaced out (炸 . 掉 . 车 . 站), so that evasion keeps the n-grams
    of the plain text instead of producing n-grams that mean nothing."""
    s = clean_text(_SEPARATORS.sub("", text) if _SPACED.search(text) else text)
    out: list[str] = []
    for n in range(low, high + 1):
        out.extend(s[i : i + n] for i in range(len(s) - n + 1))
    return out


def word_terms(tokens: Sequence[str]) -> list[str]:
    """Word unigrams (two or more characters) and bigrams of the non-blank tokens."""
    words = [t.translate(_DIGIT_FOLD) for t in tokens if t.strip()]
    out = [WORD_MARK + w for w in words if len(w) > 1]
    out.extend(WORD_MARK + a + PAIR_MARK + b for a, b in itertools.pairwise(words))
    return out


def shape_terms(text: str) -> list[str]:
    """Whole-text signals n-grams miss: repetition (flooding), length bucket, a contact-handle
    shape (letters then digits, @name) and characters spaced out to dodge keyword filters."""
    n = len(text)
    out = [f"{SHAPE_MARK}len{0 if n <= 10 else 1 if n <= 30 else 2 if n <= 80 else 3}"]
    dense = "".join(text.split())
    if len(dense) >= 6:
        counts = Counter(dense)
        n = len(dense)
        if counts.most_common(1)[0][1] / n >= 0.4:
            out.append(SHAPE_MARK + "rep")
        if len(counts) / n <= 0.5:
            out.append(SHAPE_MARK + "lowdiv")
    if _HANDLE.search(text):
        out.append(SHAPE_MARK + "handle")
    if _SPACED.search(text):
        out.append(SHAPE_MARK + "spaced")
    return out


def text_terms(text: str, tokens: Sequence[str], char_ngrams: tuple[int, int]) -> list[str]:
    """Every term (with repeats) of one normalised text and its tokens."""
    return char_terms(text, *char_ngrams) + word_terms(tokens) + shape_terms(text)


class Featurizer:
    """Maps texts to L2-normalised sublinear-TF IDF-weighted sparse rows over a fixed vocabulary."""

    def __init__(
        self,
        vocabulary: Sequence[str],
        idf: np.ndarray,
        char_ngrams: tuple[int, int],
        segmenter: Callable[[str], list[str]] | None = None,
    ) -> None:
        if len(vocabulary) != idf.shape[0]:
            raise ValueError("vocabulary and idf lengths differ")
        self.vocab: dict[str, int] = {t: i for i, t in enumerate(vocabulary)}
        if len(self.vocab) != len(vocabulary):
            raise ValueError("vocabulary has duplicate terms")
        self.idf = idf.astype(np.float32)
        self.char_ngrams = char_ngrams
        self._segment = segmenter

    @property
    def n_features(self) -> int:
        return int(self.idf.shape[0])

    def segment(self, text: str) -> list[str]:
        """Tokens for a text when the caller did not pass the engine's segmentation."""
        if self._segment is None:
            self._segment = _default_segmenter()
        return self._segment(text)

    def terms(self, text: str, tokens: Sequence[str] | None) -> list[str]:
        """Every term (with repeats) of one text."""
        toks = self.segment(text) if tokens is None else tokens
        return text_terms(text, toks, self.char_ngrams)

    def transform(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None
    ) -> sp.csr_matrix:
        """The feature matrix (len(texts) x n_features, float32) of a batch."""
        if tokens is not None and len(tokens) != len(texts):
            raise ValueError("tokens must have one list per text")
        get = self.vocab.get
        cols: list[int] = []
        lengths = np.zeros(len(texts), dtype=np.int64)
        for r, text in enumerate(texts):
            ids = [
                i
                for i in map(get, self.terms(text, None if tokens is None else tokens[r]))
                if i is not None
            ]
            cols.extend(ids)
            lengths[r] = len(ids)
        rows = np.repeat(np.arange(len(texts)), lengths)
        data = np.ones(len(cols), dtype=np.float32)
        shape = (len(texts), self.n_features)
        x = sp.csr_matrix((data, (rows, np.asarray(cols, dtype=np.int64))), shape=shape)
        x.sum_duplicates()
        return _weight(x, self.idf)


def _weight(x: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF times IDF, rows scaled to unit L2 norm (in place)."""
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x.data /= np.repeat(norms, np.diff(x.indptr)).astype(np.float32)
    return x


def document_frequencies(term_lists: Iterable[list[str]]) -> dict[str, int]:
    """How many documents contain each term (training-time helper)."""
    df: dict[str, int] = {}
    for terms in term_lists:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
    return df
