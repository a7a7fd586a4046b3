"""Loading lexicon files into an immutable, versioned `Lexicon`.

Two file formats are accepted (both UTF-8, `#` comment lines and blank lines ignored):

Project format (`*.lex`)::

    @category gambling          required before the first entry; applies to the lines below
    赌博<TAB>review              term<TAB>severity[<TAB>mode]
    bet365<TAB>block<TAB>word
    注册送彩金<TAB>block<TAB>substring
    冰<TAB>review<TAB>strict
    !读博                        allow-list phrase: a hit lying inside an occurrence is suppressed

Severity is `block` or `review`; mode is one of

- `word` (default): the match must lie on token / Latin word boundaries; separators inserted
  in the term are skipped and pinyin spellings (dubo, 赌bo) match;
- `nopinyin`: like `word` (boundaries, separator skipping: 黄*播) but no pinyin spellings, for
  terms whose pinyin is a common word or name (黄播 = Huang Bo, 赌马 = Duma);
- `substring`: anywhere, no boundary check;
- `strict`: literal after basic normalisation (no pinyin, no separator skipping), token-aligned.

Interchange format (any other file name, e.g. `.tsv`, `.txt`)::

    term<TAB>category<TAB>severity

A folder loads every `*.lex`, `*.tsv` and `*.txt` inside it (not recursively), plus the domain
lists `domains/blocklist.txt` and `domains/shorteners.txt` when present (one domain per line).
A malformed line raises `LexiconError` naming the file, the line and the problem. Entries whose
normalised term and category coincide are merged (the stricter severity wins) with a warning
naming both places. Nothing in a file is ever executed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from moderation.engine.lexicon_model import (
    LEXICON_SUFFIXES,
    MODES,
    SEVERITIES,
    AllowPhrase,
    Lexicon,
    LexiconEntry,
    LexiconError,
    LexiconWarning,
    Mode,
    _keyed,
    merge_entries,
    term_key,
)
from moderation.engine.types import Severity

__all__ = [
    "AllowPhrase",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "LexiconWarning",
    "Mode",
    "build_lexicon",
    "load_lexicon",
    "merge_entries",
    "parse_domain_file",
    "parse_interchange_file",
    "parse_project_file",
    "shipped_lexicon_dir",
    "term_key",
]

_PENDING = "\0"  # placeholder key: filled in by _keyed


def _check_term(term: str, where: str) -> None:
    if not term:
        raise LexiconError(f"{where}: empty term")


def _check_severity(value: str, where: str) -> Severity:
    if value not in SEVERITIES:
        raise LexiconError(f"{where}: severity must be 'block' or 'review', not {value!r}")
    return cast(Severity, value)


def _check_category(value: str, where: str) -> str:
    if not value or len(value.split()) != 1 or value.strip() != value:
        raise LexiconError(f"{where}: category must be one word, not {value!r}")
    return value


def _lines(path: Path) -> Iterable[tuple[str, str]]:
    """(location, content) for each meaningful line; comments and blanks skipped."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = raw[: exc.start].count(b"\n") + 1
        raise LexiconError(f"{path}:{line_no}: not valid UTF-8") from exc
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield f"{path}:{number}", line.rstrip("\r\n")


def parse_project_file(path: Path) -> tuple[list[LexiconEntry], list[AllowPhrase]]:
    """Entries and allow-list phrases of one `.lex` file."""
    entries: list[LexiconEntry] = []
    allow: list[AllowPhrase] = []
    category: str | None = None
    for where, line in _lines(path):
        stripped = line.strip()
        if stripped.startswith("@"):
            name, _, value = stripped[1:].partition(" ")
            if name != "category":
                raise LexiconError(f"{where}: unknown directive @{name} (only @category)")
            category = _check_category(value.strip(), where)
        elif stripped.startswith("!"):
            phrase = stripped[1:].strip()
            _check_term(phrase, where)
            if not term_key(phrase, "word"):
                raise LexiconError(f"{where}: phrase {phrase!r} is empty after normalisation")
            allow.append(AllowPhrase(phrase, where))
        else:
            if category is None:
                raise LexiconError(f"{where}: entry before any '@category <code>' line")
            entries.append(_project_entry(line, category, where))
    return _keyed(entries), allow


def _project_entry(line: str, category: str, where: str) -> LexiconEntry:
    fields = [f.strip() for f in line.split("\t")]
    if len(fields) not in (2, 3):
        raise LexiconError(
            f"{where}: expected term<TAB>severity[<TAB>mode], found {len(fields)} field(s)"
        )
    mode = fields[2] if len(fields) == 3 else "word"
    if mode not in MODES:
        raise LexiconError(
            f"{where}: mode must be word, nopinyin, substring or strict, not {mode!r}"
        )
    severity = _check_severity(fields[1], where)
    _check_term(fields[0], where)
    return LexiconEntry(fields[0], category, severity, cast(Mode, mode), where, _PENDING)


def parse_interchange_file(path: Path) -> list[LexiconEntry]:
    """Entries of a plain `term<TAB>category<TAB>severity` file."""
    entries: list[LexiconEntry] = []
    for where, line in _lines(path):
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 3:
            raise LexiconError(
                f"{where}: expected term<TAB>category<TAB>severity, found {len(fields)} field(s)"
            )
        category = _check_category(fields[1], where)
        severity = _check_severity(fields[2], where)
        _check_term(fields[0], where)
        entries.append(LexiconEntry(fields[0], category, severity, "word", where, _PENDING))
    return _keyed(entries)


def parse_domain_file(path: Path) -> frozenset[str]:
    """Domains of a `domains/*.txt` list, lower-cased, without a leading dot or `www.`."""
    domains: set[str] = set()
    for where, line in _lines(path):
        domain = line.split("#", 1)[0].strip().lower().lstrip(".")
        if not domain or any(ch.isspace() or ch in "/:@" for ch in domain) or "." not in domain:
            raise LexiconError(f"{where}: expected one domain name, found {line.strip()!r}")
        domains.add(domain.removeprefix("www."))
    return frozenset(domains)


def shipped_lexicon_dir() -> Path:
    """The default lexicon folder: $MODERATION_LEXICON_DIR, else `lexicons/` at the repo root."""
    override = os.environ.get("MODERATION_LEXICON_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "lexicons"


def _expand(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Path]]:
    """Lexicon files and folders-with-domains from the given files/folders."""
    files: list[Path] = []
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix in LEXICON_SUFFIXES)
            )
            folders.append(path)
        elif path.is_file():
            files.append(path)
        else:
            raise LexiconError(f"{path}: no such lexicon file or folder")
    return files, folders


def _domains(folders: list[Path], name: str) -> frozenset[str]:
    found = [f / "domains" / name for f in folders if (f / "domains" / name).is_file()]
    if not found:  # domain lists default to the shipped ones
        shipped = shipped_lexicon_dir() / "domains" / name
        found = [shipped] if shipped.is_file() else []
    return frozenset().union(*(parse_domain_file(p) for p in found))


def load_lexicon(paths: Iterable[str | os.PathLike[str]] | None = None) -> Lexicon:
    """Load and merge lexicon files/folders (None: the shipped folder) into one `Lexicon`."""
    files, folders = _expand([shipped_lexicon_dir()] if paths is None else paths)
    entries: list[LexiconEntry] = []
    allow: list[AllowPhrase] = []
    for path in files:
        if path.suffix == ".lex":
            file_entries, file_allow = parse_project_file(path)
            entries.extend(file_entries)
            allow.extend(file_allow)
        else:
            entries.extend(parse_interchange_file(path))
    return Lexicon(
        entries=merge_entries(entries),
        allow=tuple(allow),
        blocklist_domains=_domains(folders, "blocklist.txt"),
        shortener_domains=_domains(folders, "shorteners.txt"),
    )


def build_lexicon(
    entries: Iterable[tuple[str, str, str] | LexiconEntry], base: Lexicon | None = None
) -> Lexicon:
    """A lexicon from (term, category, severity) tuples or entries, added to `base` if given.

    Used for runtime additions (e.g. a regulator's directive adding terms): invalid values
    raise `LexiconError`.
    """
    built: list[LexiconEntry] = []
    for n, item in enumerate(entries, start=1):
        if isinstance(item, LexiconEntry):
            built.append(item)
            continue
        where = f"entry {n}"
        term, category, severity = item
        _check_term(term, where)
        built.append(
            LexiconEntry(
                term, _check_category(category, where), _check_severity(severity, where), "word",
                f"extra {where}", _PENDING,
            )
        )  # fmt: skip
    pending = [e for e in built if e.key == _PENDING]
    ready = [e for e in built if e.key != _PENDING]
    return (base or Lexicon()).with_entries([*ready, *_keyed(pending)])
