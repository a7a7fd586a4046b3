"""Matching terms written wholly or partly in pinyin (dubo, du bo, du博, 赌bo).

Only Latin letters are ever read as pinyin: a Chinese character in the text must be the term's own
character, never a homophone, so 读博 (studying for a PhD) never matches 赌博 while "dubo" does.

A text is cut into units: Chinese characters, and the pinyin syllables of each Latin-letter run
that parses completely as pinyin (other runs and digits break a match). The index maps the
toneless readings of each term's first two characters (every reading of a polyphonic character,
ü as both u and v) to the term; a candidate found through the first two units is verified unit
by unit: a syllable must be a reading of the term's character there, a Chinese character must be
that very character, and at least one unit must be a syllable.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pypinyin.pinyin_dict import pinyin_dict

MAX_READINGS_PER_CHAR = 4  # the commonest readings come first in pypinyin's dictionary
MAX_TERM_CHARS = 8
_LATIN_RUN = re.compile(r"[a-z]+")
_HANZI_CLASS = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
_HANZI = re.compile(_HANZI_CLASS)
_HANZI_TERM = re.compile(_HANZI_CLASS + f"{{2,{MAX_TERM_CHARS}}}")


def _toneless(reading: str) -> set[str]:
    """Tone marks dropped; ü spelled both u and v (lǜ -> lu, lv)."""
    decomposed = unicodedata.normalize("NFKD", reading)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return {plain, plain.replace("u", "v")} if "\u0308" in decomposed else {plain}


@lru_cache(maxsize=32768)
def readings(char: str) -> tuple[str, ...]:
    """Toneless pinyin readings of one Chinese character (empty when it has none)."""
    raw = pinyin_dict.get(ord(char))
    if not raw:
        return ()
    found: list[str] = []
    for reading in raw.split(","):
        for plain in sorted(_toneless(reading)):
            if plain not in found:
                found.append(plain)
    return tuple(found[:MAX_READINGS_PER_CHAR])


def _all_syllables() -> frozenset[str]:
    return frozenset(
        plain
        for raw in pinyin_dict.values()
        for reading in raw.split(",")
        for plain in _toneless(reading)
        if plain.isascii() and plain.isalpha()
    )


SYLLABLES: frozenset[str] = _all_syllables()
_MAX_SYLLABLE = max(len(s) for s in SYLLABLES)


@lru_cache(maxsize=4096)
def parse_syllables(run: str) -> tuple[str, ...] | None:
    """Split a Latin run into pinyin syllables (fewest syllables), or None if it is not pinyin."""
    n = len(run)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n):
        current = best[i]
        if current is None:
            continue
        for j in range(min(n, i + _MAX_SYLLABLE), i, -1):
            piece = run[i:j]
            if piece in SYLLABLES:
                candidate = (*current, piece)
                existing = best[j]
                if existing is None or len(candidate) < len(existing):
                    best[j] = candidate
    return best[n]


@dataclass(frozen=True, slots=True)
class Unit:
    """One matchable unit of compact text: a Chinese character or a pinyin syllable."""

    start: int
    end: int
    char: str  # the Chinese character, or "" for a syllable
    syllable: str  # the syllable, or "" for a Chinese character


def is_pinyin_term(key: str) -> bool:
    """Terms that get a pinyin spelling: 2..MAX_TERM_CHARS Chinese characters."""
    return _HANZI_TERM.fullmatch(key) is not None


class PinyinIndex:
    """Terms indexed by the readings of their first two characters."""

    def __init__(self, keyed: Iterable[tuple[str, int]]) -> None:
        self._buckets: dict[tuple[str, str], list[int]] = {}
        for key, index in keyed:
            if is_pinyin_term(key) and all(readings(ch) for ch in key[2:]):
                for first in readings(key[0]):
                    for second in readings(key[1]):
                        self._buckets.setdefault((first, second), []).append(index)

    def __bool__(self) -> bool:
        return bool(self._buckets)

    def units(self, compact: str) -> list[Unit | None]:
        """Units of `compact` text; None marks a character that breaks any pinyin match."""
        units: list[Unit | None] = []
        pos = 0
        for run in _LATIN_RUN.finditer(compact):
            units.extend(self._char_units(compact, pos, run.start()))
            syllables = parse_syllables(run.group())
            if syllables is None:
                units.append(None)
            else:
                at = run.start()
                for syl in syllables:
                    units.append(Unit(at, at + len(syl), "", syl))
                    at += len(syl)
            pos = run.end()
        units.extend(self._char_units(compact, pos, len(compact)))
        return units

    @staticmethod
    def _char_units(text: str, start: int, end: int) -> Iterable[Unit | None]:
        for i in range(start, end):
            ch = text[i]
            yield Unit(i, i + 1, ch, "") if _HANZI.match(ch) else None

    def find(self, compact: str, keys: list[str]) -> list[tuple[int, int, int]]:
        """(entry index, start, end) in `compact` for pinyin-spelled terms; `keys` by index."""
        if not self._buckets or not _LATIN_RUN.search(compact):
            return []
        units = self.units(compact)
        syllables = [i for i, u in enumerate(units) if u is not None and u.syllable]
        found: list[tuple[int, int, int]] = []
        for i in range(len(units) - 1):
            first, second = units[i], units[i + 1]
            if first is None or second is None:
                continue
            nearest = bisect_left(syllables, i)  # a match needs a syllable within reach
            if nearest == len(syllables) or syllables[nearest] - i >= MAX_TERM_CHARS:
                continue
            for a in _options(first):
                for b in _options(second):
                    for index in self._buckets.get((a, b), ()):
                        span = units[i : i + len(keys[index])]
                        if _verified(span, keys[index]):
                            found.append((index, first.start, span[-1].end))  # type: ignore[union-attr]
        return found


def _options(unit: Unit) -> tuple[str, ...]:
    return (unit.syllable,) if unit.syllable else readings(unit.char)


def _verified(span: list[Unit | None], key: str) -> bool:
    """Span covers the term; each syllable reads its character, each character is the term's."""
    if len(span) != len(key):
        return False
    has_syllable = False
    for unit, term_char in zip(span, key, strict=True):
        if unit is None:
            return False
        if unit.syllable:
            if unit.syllable not in readings(term_char):
                return False
            has_syllable = True
        elif unit.char != term_char:
            return False
    return has_syllable
