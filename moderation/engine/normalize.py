"""Text normalisation with an offset map back to the original string.

`normalize(text)` folds the many ways a term can be written into one canonical form:
NFKC (full-width to half-width, ①/⑴ to digits), case folding, traditional to simplified Chinese
(OpenCC t2s), removal of invisible characters (zero-width space/joiner/non-joiner, BOM, word
joiner, soft hyphen, variation selectors, bidi controls, tag characters), and folding of look-alike
Greek/Cyrillic letters and dingbat digit styles to ASCII.

Every character of the result remembers which original characters produced it, so a span found
in the normalised text maps back to the exact original span (see `NormalizedText.span`).
Separators are *not* removed here: the matcher skips them itself (see `compact`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import opencc

_INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),  # Mongolian variation selectors / vowel separator
    (0x200B, 0x200F),  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings/overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x206F),  # bidi isolates, deprecated format chars
    (0x20E3, 0x20E3),  # combining enclosing keycap (1⃣)
    (0x3164, 0x3164),  # Hangul filler
    (0xD800, 0xDFFF),  # lone surrogates (invalid text; dropped so nothing downstream chokes)
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # BOM / zero-width no-break space
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE007F),  # tag characters
    (0xE0100, 0xE01EF),  # variation selectors supplement
)

INVISIBLE: frozenset[str] = frozenset(
    chr(cp) for lo, hi in _INVISIBLE_RANGES for cp in range(lo, hi + 1)
)
_INVISIBLE_RE = re.compile(
    "[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in _INVISIBLE_RANGES) + "]"
)

# Look-alike letters (after case folding) and digit styles NFKC leaves alone.
_LOOKALIKES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g", "һ": "h", "ո": "n",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "σ": "o",
    "ϲ": "c", "ϳ": "j",
}  # fmt: skip
for _base, _first in ((0x2776, 1), (0x2780, 1), (0x278A, 1)):  # ❶..❿, ➀..➉, ➊..➓
    for _i in range(10):
        _LOOKALIKES[chr(_base + _i)] = str(_first + _i)
_LOOKALIKE_TABLE = str.maketrans({k: v for k, v in _LOOKALIKES.items() if len(v) == 1})
_MULTI_LOOKALIKES = frozenset(k for k, v in _LOOKALIKES.items() if len(v) != 1)

# Characters the fast path cannot handle: invisibles, accented Latin and combining marks (which
# may compose with their neighbour under NFKC and so change the length).
_SLOW_RE = re.compile(
    _INVISIBLE_RE.pattern[:-1]
    + "\u00c0-\u024f\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
    + "\u0900-\u0dff\u1100-\u11ff\u1e00-\u1eff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f"
    + "".join(sorted(_MULTI_LOOKALIKES))
    + "]"
)
_LOOKALIKE_RE = re.compile("[" + "".join(sorted(set(_LOOKALIKES) - _MULTI_LOOKALIKES)) + "]")

_NON_ALNUM = re.compile(r"[\W_]+")

_T2S = opencc.OpenCC("t2s")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalised text plus, for each of its characters, the original span it came from.

    `offsets[i]` is the index in the original string of the first original character that
    produced `text[i]`; `offsets[len(text)]` is the end sentinel `len(original)`.
    `ends[i]` is the index just past the last original character that produced `text[i]`.
    """

    text: str
    offsets: Sequence[int]
    ends: Sequence[int]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span [start, end) to the original span that produced it."""
        if end <= start:
            pos = self.offsets[start]
            return pos, pos
        return self.offsets[start], self.ends[end - 1]


def _identity(original: str, text: str) -> NormalizedText:
    n = len(text)
    return NormalizedText(text, range(n + 1), range(1, n + 1), original)


@lru_cache(maxsize=65536)
def _fold_unit(unit: str) -> str:
    """Fold one grapheme-ish unit (a base character plus combining marks)."""
    folded = unicodedata.normalize("NFKD", unit).casefold()
    # Drop accents (dǔbó -> dubo, séx -> sex): CJK has no combining marks, so this is Latin-only.
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = unicodedata.normalize("NFKC", folded)
    out = []
    for ch in folded:
        if ch in INVISIBLE:
            continue
        out.append(_LOOKALIKES.get(ch, ch))
    return "".join(out)


def _t2s(text: str) -> str | None:
    """Traditional to simplified, or None when OpenCC changed the length (offsets would break)."""
    converted: str = _T2S.convert(text)
    return converted if len(converted) == len(text) else None


def _fast_path(text: str) -> NormalizedText | None:
    """Length-preserving normalisation for the common case; None when it does not apply.

    Applies when NFKC and case folding map each character to exactly one character (full-width
    punctuation and letters included), which holds for almost all real posts.
    """
    if text.isascii():
        return _identity(text, text.lower())
    if _SLOW_RE.search(text):
        return None
    alnum = _NON_ALNUM.sub("", text)
    if unicodedata.is_normalized("NFKC", alnum):
        # Only punctuation/symbols (typically full-width ，：！) would change under NFKC; they
        # are separators to the matcher, so skip the costly full NFKC pass.
        folded = text.casefold()
        alnum = alnum.casefold()
    else:
        folded = unicodedata.normalize("NFKC", text).casefold()
        alnum = _NON_ALNUM.sub("", folded)
    if len(folded) != len(text) or not unicodedata.is_normalized("NFKC", alnum):
        return None  # (e.g. case folding produced a letter NFKC would change again)
    if _LOOKALIKE_RE.search(folded):
        folded = folded.translate(_LOOKALIKE_TABLE)
    simplified = _t2s(folded)
    if simplified is None:
        return None
    return _identity(text, simplified)


def _units(text: str) -> list[tuple[int, int]]:
    """Split into (start, end) units: a base character plus any combining marks after it.

    Invisible characters are dropped (they never start a unit and never join one).
    """
    units: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in INVISIBLE:
            continue
        if units and unicodedata.combining(ch) and units[-1][1] == i:
            units[-1] = (units[-1][0], i + 1)
        else:
            units.append((i, i + 1))
    return units


def _slow_path(text: str) -> NormalizedText:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _units(text):
        for ch in _fold_unit(text[start:end]):
            chars.append(ch)
            starts.append(start)
            ends.append(end)
    joined = "".join(chars)
    simplified = _t2s(joined)
    if simplified is None:  # rare: convert character by character to keep the map
        simplified = "".join(_t2s(ch) or ch for ch in joined)
    starts.append(len(text))
    return NormalizedText(simplified, starts, ends, text)


def normalize_texts(texts: list[str]) -> list[str]:
    """`normalize(t).text` for many short texts at once.

    Used to compile large lexicons quickly: chunks of texts are joined by newlines, normalised on
    the fast path in one go and split again; a chunk with anything unusual falls back to one text
    at a time.
    """
    result: list[str] = []
    for i in range(0, len(texts), 512):
        chunk = texts[i : i + 512]
        fast = None if any("\n" in t for t in chunk) else _fast_path("\n".join(chunk))
        parts = fast.text.split("\n") if fast is not None else []
        if len(parts) == len(chunk):
            result.extend(parts)
        else:
            result.extend(normalize(t).text for t in chunk)
    return result


def normalize(text: str) -> NormalizedText:
    """Normalise `text` for matching; see the module docstring for what is folded."""
    fast = _fast_path(text)
    return fast if fast is not None else _slow_path(text)
