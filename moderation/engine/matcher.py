"""Compiled lexicon matcher: Aho–Corasick candidates, validated by segmentation and boundaries.

Matching runs on the *compact* text: the normalised text with separators (spaces, punctuation,
symbols, emoji) removed, so 赌*博, 赌 博 and 赌😀博 all read 赌博. A candidate counts when:

- `substring` entries: always;
- `word` entries: each edge that is a Latin letter or digit has no Latin letter or digit next to
  it in the normalised text (so "sex" does not hit "Essex" or "is exciting"), and each other edge
  falls on a jieba token boundary (so 前方路口交通 does not hit 口交). Where separators were
  removed the boundary is forced: the runs between them are segmented one by one, so
  兼职刷单，日结 reads 刷/单 | 日/结 and hits 刷单, while 他是水手，枪法很准 (水手 | 枪法) does
  not hit 手枪, whose start lies inside the token 水手.
  A Chinese term of two or more characters lying inside one token also counts when the rest of
  the token is dictionary words (枪支 in 枪支弹药, 冰毒 in 冰毒案);
- `nopinyin` entries: as `word`, but never matched through a pinyin spelling;
- `strict` entries: whole tokens only, and the normalised text is literally the term;
- the candidate does not span a line break or sentence-final punctuation;
- no allow-list phrase occurrence contains it.

Pinyin spellings (see `moderation.engine.pinyin`) are validated the same way, with an added
rule that a pinyin edge starts/ends a Latin run of the normalised text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from moderation.engine.lexicon_model import Lexicon, LexiconEntry, term_key
from moderation.engine.normalize import NormalizedText
from moderation.engine.pinyin import PinyinIndex
from moderation.engine.segment import is_word, run_token_ends, token_ends

_ALNUM_RUN = re.compile(r"[^\W_]+")
_SEPARATOR = re.compile(r"[\W_]+")
_SENTENCE_BREAK = frozenset("。！？!?\n\r\u2028\u2029")
_PINYIN_MODES = frozenset({"word", "substring"})  # nopinyin and strict terms: no pinyin spelling


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A validated match: the entry and its span in the normalised text."""

    entry: LexiconEntry
    start: int
    end: int


class CompactText:
    """The normalised text without separators, and the map back to normalised positions."""

    __slots__ = ("_bounds", "_ends", "_index", "normalized", "text")

    def __init__(self, normalized: str) -> None:
        self.normalized = normalized
        self.text = _SEPARATOR.sub("", normalized)
        self._index: list[int] | range | None = (
            range(len(normalized)) if len(self.text) == len(normalized) else None
        )
        self._bounds: set[int] | None = None
        self._ends: list[int] = []

    @property
    def index(self) -> list[int] | range:
        """Normalised position of each compact character (built on first use)."""
        if self._index is None:
            index: list[int] = []
            for m in _ALNUM_RUN.finditer(self.normalized):
                index.extend(range(m.start(), m.end()))
            self._index = index
        return self._index

    def to_normalized(self, start: int, end: int) -> tuple[int, int]:
        """Normalised span covering compact [start, end)."""
        index = self.index
        return index[start], index[end - 1] + 1

    def is_boundary(self, pos: int) -> bool:
        """Whether `pos` is a token boundary of the compact text (segmented on first use).

        Where separators were removed the boundary is forced: each run between them is
        segmented on its own, so 刷单，日结 reads 刷/单 | 日/结, never 刷/单日/结.
        """
        if self._bounds is None:
            if isinstance(self._index, range):  # nothing was removed: one run
                self._ends = token_ends(self.text)
            else:
                self._ends = run_token_ends(_SEPARATOR.split(self.normalized))
            self._bounds = {0, *self._ends}
        return pos in self._bounds

    def aligned(self, start: int, end: int, inside_token: bool = True) -> bool:
        """Whether [start, end) is a run of whole tokens, or a dictionary-word part of one token.

        The second case accepts 枪支 in the single token 枪支弹药 (枪支 + 弹药) while a span that
        crosses a token boundary (口交 in 路口/交通) is rejected.
        """
        if self.is_boundary(start) and self.is_boundary(end):
            return True
        if not inside_token:
            return False
        i = bisect_right(self._ends, start)  # the token containing `start`
        token_start = self._ends[i - 1] if i else 0
        if i >= len(self._ends) or end > self._ends[i]:
            return False
        before, after = self.text[token_start:start], self.text[end : self._ends[i]]
        return all(not part or is_word(part) for part in (before, after))


class Matcher:
    """An immutable compiled form of a `Lexicon`; build a new one to change the terms."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.entries = lexicon.entries
        self._keys = [e.key for e in self.entries]
        self._terms = self._automaton(
            (e.key if e.mode != "strict" else term_key(e.key, "word"), i)
            for i, e in enumerate(self.entries)
        )
        self._allow = self._automaton((term_key(a.phrase, "word"), 0) for a in lexicon.allow)
        self._pinyin = PinyinIndex(
            (e.key, i) for i, e in enumerate(self.entries) if e.mode in _PINYIN_MODES
        )

    @staticmethod
    def _automaton(items: Iterable[tuple[str, int]]) -> ahocorasick.Automaton | None:
        grouped: dict[str, list[int]] = {}
        for key, index in items:
            if key:
                grouped.setdefault(key, []).append(index)
        if not grouped:
            return None
        automaton = ahocorasick.Automaton()
        for key, indices in grouped.items():
            automaton.add_word(key, (len(key), tuple(indices)))
        automaton.make_automaton()
        return automaton

    def find(self, normalized: NormalizedText) -> list[Candidate]:
        """All validated matches in a normalised text, in order of position."""
        if self._terms is None or not normalized.text:
            return []
        compact = CompactText(normalized.text)
        raw: set[tuple[int, int, int]] = set()
        for end, (length, indices) in self._terms.iter(compact.text):
            for index in indices:
                raw.add((index, end + 1 - length, end + 1))
        raw.update(self._pinyin.find(compact.text, self._keys))
        if not raw:
            return []
        allowed = self._allowed_spans(compact.text)
        found = [
            self._candidate(compact, index, start, end)
            for index, start, end in raw
            if self._valid(compact, self.entries[index], start, end)
            and not any(a <= start and end <= b for a, b in allowed)
        ]
        return sorted(found, key=lambda c: (c.start, c.end, c.entry.category, c.entry.term))

    def _candidate(self, compact: CompactText, index: int, start: int, end: int) -> Candidate:
        n_start, n_end = compact.to_normalized(start, end)
        return Candidate(self.entries[index], n_start, n_end)

    def _allowed_spans(self, compact: str) -> list[tuple[int, int]]:
        if self._allow is None:
            return []
        return [(end + 1 - length, end + 1) for end, (length, _) in self._allow.iter(compact)]

    def _valid(self, compact: CompactText, entry: LexiconEntry, start: int, end: int) -> bool:
        n_start, n_end = compact.to_normalized(start, end)
        norm = compact.normalized
        if n_end - n_start != end - start and _SENTENCE_BREAK.intersection(norm[n_start:n_end]):
            return False
        if entry.mode == "substring":
            return True
        if entry.mode == "strict" and norm[n_start:n_end] != entry.key:
            return False
        if not _is_ascii_alnum(compact.text[start]) and not _is_ascii_alnum(compact.text[end - 1]):
            inside = entry.mode != "strict" and end - start >= 2
            return compact.aligned(start, end, inside_token=inside)
        return self._edge_ok(compact, start, n_start, before=True) and self._edge_ok(
            compact, end, n_end, before=False
        )

    @staticmethod
    def _edge_ok(compact: CompactText, pos: int, n_pos: int, before: bool) -> bool:
        """Edge rule: Latin/digit edges need a Latin word boundary, others a token boundary."""
        norm = compact.normalized
        inner = compact.text[pos if before else pos - 1]
        if _is_ascii_alnum(inner):
            outer_at = n_pos - 1 if before else n_pos
            return not (0 <= outer_at < len(norm) and _is_ascii_alnum(norm[outer_at]))
        return compact.is_boundary(pos)
