"""The lexicon data model: entries, allow-list phrases, the versioned `Lexicon`, merging.

File parsing lives in `moderation.engine.lexicon`, which re-exports these names.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from moderation.engine.normalize import normalize, normalize_texts
from moderation.engine.types import Severity

Mode = Literal["word", "nopinyin", "substring", "strict"]
SEVERITIES: tuple[str, ...] = ("block", "review")
MODES: tuple[str, ...] = ("word", "nopinyin", "substring", "strict")
LEXICON_SUFFIXES: tuple[str, ...] = (".lex", ".tsv", ".txt")
_SEVERITY_RANK = {"review": 0, "block": 1}
_SEPARATORS = re.compile(r"[\W_]+")  # everything but letters and digits (str.isalnum)


class LexiconError(ValueError):
    """A lexicon file or entry is malformed; the message names the file and line."""


class LexiconWarning(UserWarning):
    """A lexicon loaded, but with something worth fixing (e.g. duplicate entries merged)."""


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One term of one category, as written (`term`) and in matching form (`key`)."""

    term: str
    category: str
    severity: Severity
    mode: Mode = "word"
    source: str = field(default="", compare=False)
    #: The term as the matcher sees it (normalised; separators dropped unless strict).
    key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.key:  # (loaders fill keys in batches; see _keyed)
            object.__setattr__(self, "key", term_key(self.term, self.mode))


@dataclass(frozen=True, slots=True)
class AllowPhrase:
    """An allow-list phrase: hits lying inside one of its occurrences are suppressed."""

    phrase: str
    source: str = ""


@dataclass(frozen=True)
class Lexicon:
    """An immutable set of entries, allow-list phrases and domain lists, with a content version."""

    entries: tuple[LexiconEntry, ...] = ()
    allow: tuple[AllowPhrase, ...] = ()
    blocklist_domains: frozenset[str] = frozenset()
    shortener_domains: frozenset[str] = frozenset()
    version: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", _content_version(self))

    def with_entries(self, extra: Iterable[LexiconEntry]) -> Lexicon:
        """A new lexicon: this one plus `extra` entries (merged like duplicates in files)."""
        merged = merge_entries([*self.entries, *extra])
        return replace(self, entries=merged, version="")


def term_key(term: str, mode: str) -> str:
    """Matching form of a term: normalised, and (except in strict mode) without separators."""
    text = normalize(term).text
    return text if mode == "strict" else _SEPARATORS.sub("", text)


def _keyed(pending: list[LexiconEntry]) -> list[LexiconEntry]:
    """Entries with their matching keys filled in (in one batch); empty keys are errors."""
    texts = normalize_texts([e.term for e in pending])
    keyed = []
    for entry, text in zip(pending, texts, strict=True):
        key = text if entry.mode == "strict" else _SEPARATORS.sub("", text)
        if not key:
            raise LexiconError(f"{entry.source}: term {entry.term!r} is empty after normalisation")
        keyed.append(
            LexiconEntry(entry.term, entry.category, entry.severity, entry.mode, entry.source, key)
        )
    return keyed


def _content_version(lexicon: Lexicon) -> str:
    lines = sorted(f"E\t{e.key}\t{e.category}\t{e.severity}\t{e.mode}" for e in lexicon.entries)
    lines += sorted({f"A\t{term_key(a.phrase, 'word')}" for a in lexicon.allow})
    lines += sorted(f"B\t{d}" for d in lexicon.blocklist_domains)
    lines += sorted(f"S\t{d}" for d in lexicon.shortener_domains)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass"))
    return "lex-" + digest.hexdigest()[:16]


def merge_entries(entries: Sequence[LexiconEntry]) -> tuple[LexiconEntry, ...]:
    """One entry per (normalised term, category); duplicates merged with a warning."""
    kept: dict[tuple[str, str], LexiconEntry] = {}
    for entry in entries:
        slot = (entry.key, entry.category)
        previous = kept.get(slot)
        if previous is None:
            kept[slot] = entry
            continue
        warnings.warn(
            f"duplicate lexicon term {entry.term!r} ({entry.category}) at {entry.source} "
            f"and {previous.source}: merged, keeping the stricter severity",
            LexiconWarning,
            stacklevel=2,
        )
        if _SEVERITY_RANK[entry.severity] > _SEVERITY_RANK[previous.severity]:
            kept[slot] = entry
    return tuple(kept.values())
